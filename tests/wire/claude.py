"""Anthropic Messages API double: POST /v1/messages (JSON or SSE) and GET /v1/models."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from typing import Any

from .server import (
    DEFAULT_ANSWER,
    Action,
    Answer,
    AnswerSource,
    Error,
    MidStreamError,
    Recorded,
    Reply,
    Stream,
    WireServer,
    estimate_tokens,
    retry_headers,
    split_text,
    sse,
)

VERSION = "2023-06-01"
MODELS = ("claude-sonnet-4-5-20250929", "claude-haiku-4-5-20251001", "claude-opus-4-1-20250805")
ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    402: "billing_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    500: "api_error",
    529: "overloaded_error",
}
FIELDS = {
    "model",
    "messages",
    "max_tokens",
    "system",
    "temperature",
    "top_p",
    "top_k",
    "stop_sequences",
    "stream",
    "metadata",
    "tools",
    "tool_choice",
    "thinking",
    "service_tier",
    "output_format",
}


def _text(value: Any) -> str:
    """The text of a string or of a list of content blocks."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "".join(b.get("text", "") for b in value if isinstance(b, dict))
    return ""


class ClaudeServer(WireServer):
    """Validates like the Messages API and simulates prompt caching of `system` blocks.

    A system block list whose block carries `cache_control` caches the prefix up to the
    last such block (if it has at least `cache_min_tokens` tokens): the first request
    reports `cache_creation_input_tokens`, later identical ones `cache_read_input_tokens`.
    Model aliases (an id without its date suffix) are accepted.
    """

    def __init__(
        self,
        api_key: str = "test-key",
        answer: AnswerSource = DEFAULT_ANSWER,
        models: Sequence[str] = MODELS,
        cache_min_tokens: int = 0,
    ) -> None:
        self.api_key = api_key
        self.models = list(models)
        self.cache_min_tokens = cache_min_tokens
        self._cached: set[str] = set()
        super().__init__(answer)

    def response_headers(self) -> dict[str, str]:
        return {"request-id": f"req_{uuid.uuid4().hex[:24]}"}

    def validate(self, req: Recorded) -> Action | None:
        if req.path not in ("/v1/messages", "/v1/models"):
            return None
        key = req.headers.get("x-api-key")
        if key is None:
            return Error(401, "x-api-key header is required")
        if key != self.api_key:
            return Error(401, "invalid x-api-key")
        version = req.headers.get("anthropic-version")
        if version is None:
            return Error(400, "anthropic-version: header is required")
        if version != VERSION:
            return Error(400, f"anthropic-version: unknown version {version!r}")
        return self._check_body(req) if req.path == "/v1/messages" else None

    def _check_body(self, req: Recorded) -> Error | None:
        if not req.headers.get("content-type", "").startswith("application/json"):
            return Error(400, "content-type: must be application/json")
        body = req.json
        if not isinstance(body, dict):
            return Error(400, "request body: must be a JSON object")
        for name in ("model", "max_tokens", "messages"):
            if name not in body:
                return Error(400, f"{name}: Field required")
        extra = sorted(set(body) - FIELDS)
        if extra:
            return Error(400, f"{extra[0]}: Extra inputs are not permitted")
        if not self._known(body["model"]):
            return Error(404, f"model: {body['model']}")
        if not isinstance(body["max_tokens"], int) or body["max_tokens"] < 1:
            return Error(400, "max_tokens: Input should be a valid integer greater than 0")
        messages = body["messages"]
        if not isinstance(messages, list) or not messages:
            return Error(400, "messages: at least one message is required")
        for i, msg in enumerate(messages):
            role = msg.get("role") if isinstance(msg, dict) else None
            if role == "system":
                return Error(
                    400,
                    'messages: Unexpected role "system". The Messages API accepts a top-level '
                    '`system` parameter, not "system" as an input message role.',
                )
            if role not in ("user", "assistant"):
                return Error(400, f"messages.{i}.role: Input should be 'user' or 'assistant'")
            if not isinstance(msg.get("content"), str | list):
                return Error(400, f"messages.{i}.content: Field required")
        system = body.get("system")
        if system is not None and not (
            isinstance(system, str)
            or (
                isinstance(system, list)
                and all(isinstance(b, dict) and b.get("type") == "text" for b in system)
            )
        ):
            return Error(400, "system: Input should be a valid string or a list of text blocks")
        temperature = body.get("temperature", 0)
        if not isinstance(temperature, int | float) or not 0 <= temperature <= 1:
            return Error(400, "temperature: range: 0..1")
        if not isinstance(body.get("stream", False), bool):
            return Error(400, "stream: Input should be a valid boolean")
        return None

    def _known(self, model: Any) -> bool:
        return any(model in (m, m.rsplit("-", 1)[0]) for m in self.models)

    def default(self, req: Recorded) -> Action:
        if req.method == "POST" and req.path == "/v1/messages":
            return Answer()
        if req.method == "GET" and req.path == "/v1/models":
            return Reply(json=self._model_list())
        return Error(404, f"Not found: {req.method} {req.path}")

    def _model_list(self) -> dict[str, Any]:
        def info(mid: str) -> dict[str, Any]:
            words = mid.split("-")
            date = words[-1] if words[-1].isdigit() and len(words[-1]) == 8 else "20250101"
            name = " ".join(w.title() for w in words if w.isalpha())
            version = ".".join(w for w in words if w.isdigit() and w != date)
            created = f"{date[:4]}-{date[4:6]}-{date[6:]}T00:00:00Z"
            return {
                "type": "model",
                "id": mid,
                "display_name": f"{name} {version}".strip(),
                "created_at": created,
            }

        return {
            "data": [info(m) for m in self.models],
            "has_more": False,
            "first_id": self.models[0] if self.models else None,
            "last_id": self.models[-1] if self.models else None,
        }

    def render(self, action: Action, req: Recorded) -> Action:
        if isinstance(action, Error):
            kind = action.kind or ERROR_TYPES.get(
                action.status, "api_error" if action.status >= 500 else "invalid_request_error"
            )
            error = {
                "type": "error",
                "error": {"type": kind, "message": action.message},
                "request_id": f"req_{uuid.uuid4().hex[:24]}",
            }
            return Reply(action.status, json=error, headers=retry_headers(action))
        if isinstance(action, Answer):
            return self._answer(action, req)
        if isinstance(action, MidStreamError):
            frames = self._opening(req, self._usage(req.json, action.text_before, None))
            frames += self._deltas(split_text(action.text_before))
            error = {"type": "error", "error": {"type": "overloaded_error", "message": action.message}}
            return Stream([*frames, sse(error, "error")])
        return super().render(action, req)

    def _usage(self, body: Any, text: str, override: dict[str, Any] | None) -> dict[str, Any]:
        body = body if isinstance(body, dict) else {}
        system = body.get("system")
        prompt = estimate_tokens(
            _text(system) + "".join(_text(m.get("content")) for m in body.get("messages", []))
        )
        cached, hit = 0, False
        marks = (
            [i for i, b in enumerate(system) if b.get("cache_control")] if isinstance(system, list) else []
        )
        if marks:
            prefix = system[: marks[-1] + 1]
            size = estimate_tokens(_text(prefix))
            if size >= self.cache_min_tokens:
                key = json.dumps([body.get("model"), prefix], sort_keys=True)
                with self._lock:
                    hit = key in self._cached
                    self._cached.add(key)
                cached = size
        usage = {
            "input_tokens": max(1, prompt - cached),
            "cache_creation_input_tokens": 0 if hit else cached,
            "cache_read_input_tokens": cached if hit else 0,
            "output_tokens": estimate_tokens(text),
        }
        return {**usage, **(override or {})}

    def _answer(self, action: Answer, req: Recorded) -> Action:
        text, chunks = self.text_for(action, req)
        usage = self._usage(req.json, text, action.usage)
        stop = action.finish or "end_turn"
        if not req.json.get("stream"):
            return Reply(
                json={
                    "id": f"msg_{uuid.uuid4().hex[:24]}",
                    "type": "message",
                    "role": "assistant",
                    "model": req.json["model"],
                    "content": [{"type": "text", "text": text}],
                    "stop_reason": stop,
                    "stop_sequence": None,
                    "usage": usage,
                }
            )
        delta = {
            "type": "message_delta",
            "delta": {"stop_reason": stop, "stop_sequence": None},
            "usage": {"output_tokens": usage["output_tokens"]},
        }
        return Stream(
            [
                *self._opening(req, usage),
                *self._deltas(chunks),
                sse({"type": "future_event", "note": "unknown events must be ignored"}, "future_event"),
                sse({"type": "ping"}, "ping"),
                sse({"type": "content_block_stop", "index": 0}, "content_block_stop"),
                sse(delta, "message_delta"),
                sse({"type": "message_stop"}, "message_stop"),
            ]
        )

    def _opening(self, req: Recorded, usage: dict[str, Any]) -> list[str]:
        message = {
            "id": f"msg_{uuid.uuid4().hex[:24]}",
            "type": "message",
            "role": "assistant",
            "model": (req.json or {}).get("model"),
            "content": [],
            "stop_reason": None,
            "stop_sequence": None,
            "usage": {**usage, "output_tokens": 1},
        }
        return [
            sse({"type": "message_start", "message": message}, "message_start"),
            sse({"type": "ping"}, "ping"),
            sse(
                {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
                "content_block_start",
            ),
        ]

    @staticmethod
    def _deltas(chunks: list[str]) -> list[str]:
        return [
            sse(
                {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": c}},
                "content_block_delta",
            )
            for c in chunks
        ]
