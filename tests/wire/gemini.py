"""Gemini API double: generateContent, streamGenerateContent (?alt=sse) and models."""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
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

MODELS = ("gemini-2.5-flash", "gemini-2.5-pro", "gemini-2.5-flash-lite")
STATUSES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ABORTED",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}
ROUTE = re.compile(r"^/v1beta/models/(?P<model>[^/:]+):(?P<method>generateContent|streamGenerateContent)$")
FIELDS = {
    "contents",
    "systemInstruction",
    "system_instruction",
    "generationConfig",
    "generation_config",
    "safetySettings",
    "safety_settings",
    "tools",
    "toolConfig",
    "tool_config",
    "cachedContent",
    "cached_content",
}
RATINGS = [{"category": "HARM_CATEGORY_DANGEROUS_CONTENT", "probability": "HIGH", "blocked": True}]
UNREGISTERED = (
    "Method doesn't allow unregistered callers (callers without established identity). "
    "Please use API Key or other form of API consumer identity to call this API."
)


@dataclass
class Blocked(Action):
    """A candidate stopped by a safety filter: no text, `finishReason` = reason."""

    reason: str = "SAFETY"


@dataclass
class PromptBlocked(Action):
    """The prompt itself was blocked: no candidates, `promptFeedback.blockReason`."""

    reason: str = "SAFETY"


def _get(obj: dict[str, Any], camel: str) -> Any:
    """A field by its camelCase or snake_case name (the REST API accepts both)."""
    snake = re.sub(r"[A-Z]", lambda m: "_" + m.group().lower(), camel)
    return obj.get(camel, obj.get(snake))


class GeminiServer(WireServer):
    """Validates like the Gemini REST API; the key is accepted only in `x-goog-api-key`.

    `Error.kind` adds a `google.rpc.ErrorInfo` detail with that reason; a numeric
    `retry_after` also adds `google.rpc.RetryInfo` with `retryDelay` "<n>s".
    """

    def __init__(
        self,
        api_key: str = "test-key",
        answer: AnswerSource = DEFAULT_ANSWER,
        models: Sequence[str] = MODELS,
    ) -> None:
        self.api_key = api_key
        self.models = list(models)
        super().__init__(answer)

    def validate(self, req: Recorded) -> Action | None:
        if not req.path.startswith("/v1beta/"):
            return None
        if "key" in req.query:
            return Error(400, "API keys must not be sent in URLs (?key=); use the x-goog-api-key header")
        key = req.headers.get("x-goog-api-key")
        if key is None:
            return Error(403, UNREGISTERED)
        if key != self.api_key:
            return Error(400, "API key not valid. Please pass a valid API key.", kind="API_KEY_INVALID")
        route = ROUTE.match(req.path)
        if route is None:
            return None
        model, method = route["model"], route["method"]
        if model not in self.models:
            return Error(
                404,
                f"models/{model} is not found for API version v1beta, or is not supported for "
                f"{method}. Call ListModels to see the list of available models and their "
                "supported methods.",
            )
        return self._check_body(req.json)

    @staticmethod
    def _check_body(body: Any) -> Error | None:
        if not isinstance(body, dict):
            return Error(400, "Invalid JSON payload received. Expected an object.")
        unknown = sorted(set(body) - FIELDS)
        if unknown:
            return Error(
                400, f'Invalid JSON payload received. Unknown name "{unknown[0]}": Cannot find field.'
            )
        contents = body.get("contents")
        if not isinstance(contents, list) or not contents:
            return Error(400, "* GenerateContentRequest.contents: contents is not specified")
        for i, content in enumerate(contents):
            if not isinstance(content, dict) or content.get("role", "user") not in ("user", "model"):
                return Error(400, "Please use a valid role: user, model.")
            parts = content.get("parts")
            if not isinstance(parts, list) or not parts:
                return Error(
                    400, f"* GenerateContentRequest.contents[{i}].parts: contents.parts must not be empty."
                )
        system = _get(body, "systemInstruction")
        if system is not None and not isinstance(
            _get(system, "parts") if isinstance(system, dict) else None, list
        ):
            return Error(400, "* GenerateContentRequest.system_instruction.parts: must be a list")
        config = _get(body, "generationConfig") or {}
        if (
            _get(config, "responseSchema") is not None
            and _get(config, "responseMimeType") != "application/json"
        ):
            return Error(400, "responseSchema is only supported with responseMimeType application/json")
        temperature = config.get("temperature", 1)
        if not isinstance(temperature, int | float) or not 0 <= temperature <= 2:
            return Error(400, "* GenerateContentRequest.generation_config.temperature: must be in [0.0, 2.0]")
        return None

    def default(self, req: Recorded) -> Action:
        if req.method == "POST" and ROUTE.match(req.path):
            return Answer()
        if req.method == "GET" and req.path == "/v1beta/models":
            return Reply(json={"models": [self._model(m) for m in self.models]})
        name = req.path.removeprefix("/v1beta/models/")
        if req.method == "GET" and name in self.models:
            return Reply(json=self._model(name))
        return Error(404, f"Requested entity was not found: {req.method} {req.path}")

    @staticmethod
    def _model(name: str) -> dict[str, Any]:
        return {
            "name": f"models/{name}",
            "version": "001",
            "displayName": name.replace("-", " ").title(),
            "description": f"Test double of {name}",
            "inputTokenLimit": 1048576,
            "outputTokenLimit": 65536,
            "supportedGenerationMethods": ["generateContent", "countTokens", "createCachedContent"],
            "temperature": 1,
            "maxTemperature": 2,
            "topP": 0.95,
            "topK": 64,
            "thinking": True,
        }

    def render(self, action: Action, req: Recorded) -> Action:
        rid = uuid.uuid4().hex[:20]
        if isinstance(action, Error):
            return self._error(action)
        if isinstance(action, Answer):
            text, chunks = self.text_for(action, req)
            usage = self._usage(req, text, action.usage)
            return self._frames(req, self._responses(req, rid, chunks, action.finish or "STOP", usage))
        if isinstance(action, Blocked):
            candidate = {"finishReason": action.reason, "index": 0, "safetyRatings": RATINGS}
            usage = self._usage(req, "", None)
            return self._frames(req, [self._wrap(req, rid, candidates=[candidate], usageMetadata=usage)])
        if isinstance(action, PromptBlocked):
            feedback = {"blockReason": action.reason, "safetyRatings": RATINGS}
            usage = self._usage(req, "", None)
            return self._frames(req, [self._wrap(req, rid, promptFeedback=feedback, usageMetadata=usage)])
        if isinstance(action, MidStreamError):
            responses = self._responses(req, rid, split_text(action.text_before), None, None)
            frames = [sse(r, eol="\r\n") for r in responses]
            error = {"error": {"code": 500, "message": action.message, "status": "INTERNAL"}}
            return Stream([*frames, sse(error, eol="\r\n")])
        return super().render(action, req)

    @staticmethod
    def _error(err: Error) -> Reply:
        status = STATUSES.get(err.status, "INTERNAL" if err.status >= 500 else "FAILED_PRECONDITION")
        details: list[dict[str, Any]] = []
        if err.kind:
            details.append(
                {
                    "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                    "reason": err.kind,
                    "domain": "googleapis.com",
                    "metadata": {"service": "generativelanguage.googleapis.com"},
                }
            )
        if isinstance(err.retry_after, int | float):
            details.append(
                {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": f"{err.retry_after}s"}
            )
        error: dict[str, Any] = {"code": err.status, "message": err.message, "status": status}
        if details:
            error["details"] = details
        return Reply(err.status, json={"error": error}, headers=retry_headers(err))

    @staticmethod
    def _usage(req: Recorded, text: str, override: dict[str, Any] | None) -> dict[str, Any]:
        body = req.json if isinstance(req.json, dict) else {}
        sources = [body.get("contents", []), _get(body, "systemInstruction") or {}]
        prompt = estimate_tokens(str(sources))
        output = estimate_tokens(text) if text else 0
        usage = {"promptTokenCount": prompt, "totalTokenCount": prompt + output}
        if output:
            usage["candidatesTokenCount"] = output
        return {**usage, **(override or {})}

    @staticmethod
    def _wrap(req: Recorded, rid: str, **fields: Any) -> dict[str, Any]:
        model = ROUTE.match(req.path)
        return {**fields, "modelVersion": model["model"] if model else None, "responseId": rid}

    def _responses(
        self,
        req: Recorded,
        rid: str,
        chunks: list[str],
        finish: str | None,
        usage: dict[str, Any] | None,
    ) -> list[dict[str, Any]]:
        """One GenerateContentResponse per chunk; the last carries finishReason and usage."""
        out = []
        for i, chunk in enumerate(chunks):
            candidate: dict[str, Any] = {"content": {"parts": [{"text": chunk}], "role": "model"}, "index": 0}
            last = i == len(chunks) - 1
            if last and finish:
                candidate["finishReason"] = finish
            extra = {"usageMetadata": usage} if last and usage else {}
            out.append(self._wrap(req, rid, candidates=[candidate], **extra))
        return out

    @staticmethod
    def _frames(req: Recorded, responses: list[dict[str, Any]]) -> Action:
        """SSE with ?alt=sse, a JSON array without it, one merged object for generateContent."""
        if req.path.endswith(":streamGenerateContent"):
            if req.query.get("alt") == "sse":
                return Stream([sse(r, eol="\r\n") for r in responses])
            return Reply(json=responses)
        merged = dict(responses[-1])
        if "candidates" in merged:
            text = "".join(
                p["text"] for r in responses for p in r["candidates"][0].get("content", {}).get("parts", [])
            )
            candidate = dict(merged["candidates"][0])
            if "content" in candidate:
                candidate["content"] = {"parts": [{"text": text}], "role": "model"}
            merged["candidates"] = [candidate]
        return Reply(json=merged)
