"""Google Gemini API: `models/{m}:generateContent` and `:streamGenerateContent?alt=sse`.

The key goes in the `x-goog-api-key` header, never in the URL.
"""

from __future__ import annotations

import re

from ..errors import ProviderError
from .http import HttpCall
from .stream import SseEvent, parse_frame
from .types import ChatRequest, Delta, Usage
from .wire import Wire

_BLOCKED = ("SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY")
# The subset of JSON Schema that Gemini's responseSchema (an OpenAPI schema object) accepts.
_SCHEMA_KEYS = {"type", "properties", "required", "items", "enum", "description", "minItems", "maxItems",
                "nullable", "format", "minimum", "maximum", "propertyOrdering"}


class GeminiWire(Wire):
    provider = "gemini"
    key_var = "GEMINI_API_KEY"

    def headers(self, api_key: str) -> dict[str, str]:
        return {"content-type": "application/json", "x-goog-api-key": api_key}

    def chat_call(self, model: str, req: ChatRequest, base_url: str) -> HttpCall:
        config: dict = {"temperature": req.temperature, "maxOutputTokens": req.max_tokens}
        if req.schema is not None:
            config["responseMimeType"] = "application/json"
            config["responseSchema"] = gemini_schema(req.schema)
        if req.seed is not None:
            config["seed"] = req.seed
        thinking = _thinking(model)
        if thinking:
            config["thinkingConfig"], extra = thinking
            config["maxOutputTokens"] += extra  # thoughts count against the output limit
        body: dict = {
            "contents": [{"role": "model" if m.role == "assistant" else "user",
                          "parts": [*({"inline_data": {"mime_type": i.media_type, "data": i.data}} for i in m.images),
                                    {"text": m.content}]}
                         for m in req.messages],
            "generationConfig": config,
        }
        if req.system:
            body["systemInstruction"] = {"parts": [{"text": req.system}]}
        name = model if model.startswith(("models/", "tunedModels/")) else f"models/{model}"
        if req.stream:
            return HttpCall("POST", f"/v1beta/{name}:streamGenerateContent", json=body, params={"alt": "sse"},
                            stream=True)
        return HttpCall("POST", f"/v1beta/{name}:generateContent", json=body)

    def parse_reply(self, body: dict) -> Delta:
        delta = self._frame(body)
        delta.done = True
        return delta

    def parse_event(self, frame: SseEvent | dict) -> Delta | None:
        assert isinstance(frame, SseEvent)
        data = parse_frame(frame.data)
        if "error" in data:
            message, _ = self.describe_error(data)
            status = (data.get("error") or {}).get("status", "")
            raise self.stream_error(message, retryable=status in ("UNAVAILABLE", "RESOURCE_EXHAUSTED", "INTERNAL"))
        delta = self._frame(data)
        delta.done = delta.finish is not None  # the last frame carries finishReason and usage
        return delta

    def _frame(self, data: dict) -> Delta:
        feedback = data.get("promptFeedback") or {}
        if feedback.get("blockReason"):
            raise ProviderError(self.provider, f"blocked the request ({feedback['blockReason']})",
                                hint="rephrase the description")
        candidates = data.get("candidates") or [{}]
        candidate = candidates[0]
        parts = (candidate.get("content") or {}).get("parts") or []
        text = "".join(p.get("text", "") for p in parts if not p.get("thought"))
        finish = candidate.get("finishReason")
        if finish in _BLOCKED and not text:
            raise ProviderError(self.provider, f"blocked the answer ({finish})", hint="rephrase the description")
        return Delta(text=text, usage=_usage(data.get("usageMetadata")), finish=finish)

    def models_call(self) -> HttpCall:
        return HttpCall("GET", "/v1beta/models", params={"pageSize": 1000})

    def parse_models(self, body: dict) -> list[str]:
        return [m["name"].removeprefix("models/") for m in body.get("models") or []
                if "generateContent" in m.get("supportedGenerationMethods", ["generateContent"])]

    def describe_error(self, body: object) -> tuple[str, float | None]:
        message, _ = super().describe_error(body)
        delay = None
        if isinstance(body, dict) and isinstance(body.get("error"), dict):
            for detail in body["error"].get("details") or []:
                if str(detail.get("@type", "")).endswith("RetryInfo"):
                    match = re.match(r"^([\d.]+)s$", str(detail.get("retryDelay", "")))
                    delay = float(match.group(1)) if match else None
        return message, delay


def gemini_schema(schema: dict) -> dict:
    """JSON Schema -> Gemini's OpenAPI subset (upper-case types, unknown keywords dropped)."""
    out: dict = {}
    for key, value in schema.items():
        if key not in _SCHEMA_KEYS:
            continue
        if key == "type":
            out[key] = value.upper() if isinstance(value, str) else value
        elif key == "properties":
            out[key] = {name: gemini_schema(sub) for name, sub in value.items()}
        elif key == "items":
            out[key] = gemini_schema(value)
        else:
            out[key] = value
    return out


def _thinking(model: str) -> tuple[dict, int] | None:
    """Thinking settings: off where a model allows it (a prompt needs no deliberation), else small."""
    name = model.lower()
    if "2.5-flash" in name:
        return {"thinkingBudget": 0}, 0
    if "2.5-pro" in name:
        return {"thinkingBudget": 128}, 128
    if "gemini-3" in name:
        return {"thinkingLevel": "low"}, 1024
    return None


def _usage(raw: dict | None) -> Usage | None:
    if not raw:
        return None
    cached = int(raw.get("cachedContentTokenCount") or 0)
    return Usage(
        input_tokens=max(0, int(raw.get("promptTokenCount") or 0) - cached),
        output_tokens=int(raw.get("candidatesTokenCount") or 0) + int(raw.get("thoughtsTokenCount") or 0),
        cache_read_tokens=cached,
    )
