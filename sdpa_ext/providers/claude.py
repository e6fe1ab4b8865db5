"""Anthropic Messages API: `POST /v1/messages`, SSE streaming, a cached system block."""

from __future__ import annotations

from .http import HttpCall
from .stream import SseEvent, parse_frame
from .types import ChatRequest, Delta, Message, Usage
from .wire import Wire

_RETRYABLE_STREAM_ERRORS = ("overloaded_error", "api_error", "rate_limit_error")


def _content(message: Message) -> str | list[dict]:
    """Text, or image content blocks (base64 with their media type) then the text."""
    if not message.images:
        return message.content
    return [*({"type": "image", "source": {"type": "base64", "media_type": i.media_type, "data": i.data}}
              for i in message.images), {"type": "text", "text": message.content}]


class ClaudeWire(Wire):
    provider = "claude"
    key_var = "ANTHROPIC_API_KEY"

    def headers(self, api_key: str) -> dict[str, str]:
        return {"content-type": "application/json", "x-api-key": api_key, "anthropic-version": "2023-06-01"}

    def chat_call(self, model: str, req: ChatRequest, base_url: str) -> HttpCall:
        body: dict = {
            "model": model,
            "max_tokens": req.max_tokens,
            "temperature": req.temperature,
            "messages": [{"role": m.role, "content": _content(m)} for m in req.messages],
        }
        system = self.system_with_schema(req)
        if system:
            # The system prompt is the same on every call: mark it for prompt caching.
            body["system"] = [{"type": "text", "text": system, "cache_control": {"type": "ephemeral"}}]
        if req.stream:
            body["stream"] = True
        return HttpCall("POST", "/v1/messages", json=body, stream=req.stream)

    def parse_reply(self, body: dict) -> Delta:
        text = "".join(b.get("text", "") for b in body.get("content") or [] if b.get("type") == "text")
        return Delta(text=text, usage=_usage(body.get("usage")), finish=body.get("stop_reason"), done=True)

    def parse_event(self, frame: SseEvent | dict) -> Delta | None:
        assert isinstance(frame, SseEvent)
        if frame.event in ("ping",) or not frame.data:
            return None
        data = parse_frame(frame.data)
        kind = data.get("type", frame.event)
        if kind == "message_start":
            return Delta(usage=_usage((data.get("message") or {}).get("usage")))
        if kind == "content_block_delta":
            delta = data.get("delta") or {}
            return Delta(text=delta.get("text", "")) if delta.get("type") == "text_delta" else None
        if kind == "message_delta":
            return Delta(usage=_usage(data.get("usage")), finish=(data.get("delta") or {}).get("stop_reason"))
        if kind == "message_stop":
            return Delta(done=True)
        if kind == "error":
            error = data.get("error") or {}
            raise self.stream_error(f"{error.get('type', 'error')}: {error.get('message', '')}",
                                    retryable=error.get("type") in _RETRYABLE_STREAM_ERRORS)
        return None  # content_block_start/stop and event types added later

    def models_call(self) -> HttpCall:
        return HttpCall("GET", "/v1/models", params={"limit": 100})

    def parse_models(self, body: dict) -> list[str]:
        return [m["id"] for m in body.get("data") or [] if "id" in m]


def _usage(raw: dict | None) -> Usage | None:
    if not raw:
        return None
    return Usage(
        input_tokens=int(raw.get("input_tokens") or 0),
        output_tokens=int(raw.get("output_tokens") or 0),
        cache_read_tokens=int(raw.get("cache_read_input_tokens") or 0),
        cache_write_tokens=int(raw.get("cache_creation_input_tokens") or 0),
    )
