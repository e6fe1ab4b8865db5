"""OpenAI-compatible chat completions double (OpenAI, LM Studio, llama.cpp, vLLM, OpenRouter)."""

from __future__ import annotations

import re
import time
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

MODELS = ("gpt-4o-mini", "gpt-4.1-mini", "gpt-5-mini")
ERROR_TYPES = {429: "requests"}
ROLES = {"system", "developer", "user", "assistant", "tool"}
# OpenAI's reasoning models (o1, o3, o4-mini, gpt-5 and their dated ids) refuse `max_tokens` and any
# temperature but the default 1 (HTTP 400); they take `max_completion_tokens`.
REASONING = re.compile(r"^(?:o[134]|gpt-5)(?:$|[-.])")
NO_MAX_TOKENS = (
    "Unsupported parameter: 'max_tokens' is not supported with this model. "
    "Use 'max_completion_tokens' instead."
)
NO_KEY = (
    "You didn't provide an API key. You need to provide your API key in an Authorization "
    "header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY)."
)


class OpenAIServer(WireServer):
    """Serves `{prefix}/chat/completions` and `{prefix}/models`.

    With `api_key` set, `Authorization: Bearer <api_key>` is required. `reject_json_schema`
    answers a `json_schema` response_format with `json_schema_status` (400, or 500 like
    llama-cpp-python's server); `reject_json_object` answers `json_object` with 400.
    `Error.kind` sets `error.code`, `Error.param` `error.param`. A reasoning model (o1, o3, o4-mini,
    gpt-5...) refuses `max_tokens` and a temperature other than 1 with HTTP 400, as OpenAI does.
    """

    def __init__(
        self,
        api_key: str | None = None,
        answer: AnswerSource = DEFAULT_ANSWER,
        models: Sequence[str] = MODELS,
        reject_json_schema: bool = False,
        json_schema_status: int = 400,
        reject_json_object: bool = False,
        prefix: str = "/v1",
    ) -> None:
        self.api_key = api_key
        self.models = list(models)
        self.reject_json_schema = reject_json_schema
        self.json_schema_status = json_schema_status
        self.reject_json_object = reject_json_object
        self.prefix = prefix
        super().__init__(answer)

    def validate(self, req: Recorded) -> Action | None:
        if req.path not in (f"{self.prefix}/chat/completions", f"{self.prefix}/models"):
            return None
        if self.api_key is not None:
            auth = req.headers.get("authorization")
            if auth is None:
                return Error(401, NO_KEY)
            if auth != f"Bearer {self.api_key}":
                return Error(401, "Incorrect API key provided.", kind="invalid_api_key")
        return self._check_body(req.json) if req.path.endswith("/chat/completions") else None

    def _check_body(self, body: Any) -> Error | None:
        if not isinstance(body, dict):
            return Error(400, "We could not parse the JSON body of your request.")
        if "model" not in body:
            return Error(400, "you must provide a model parameter")
        if body["model"] not in self.models:
            message = f"The model `{body['model']}` does not exist or you do not have access to it."
            return Error(404, message, kind="model_not_found")
        if REASONING.match(body["model"]):
            refused = _reasoning_refusal(body)
            if refused is not None:
                return refused
        messages = body.get("messages")
        if not isinstance(messages, list) or not messages:
            return Error(400, "Missing required parameter: 'messages'.", kind="missing_required_parameter")
        for i, msg in enumerate(messages):
            if not isinstance(msg, dict) or msg.get("role") not in ROLES:
                return Error(400, f"Invalid value for 'messages[{i}].role'.", kind="invalid_value")
        if "stream_options" in body and not body.get("stream"):
            return Error(400, "The 'stream_options' parameter is only allowed when 'stream' is enabled.")
        return self._check_format(body.get("response_format"))

    def _check_format(self, fmt: Any) -> Error | None:
        if fmt is None:
            return None
        kind = fmt.get("type") if isinstance(fmt, dict) else None
        if kind not in ("text", "json_object", "json_schema"):
            return Error(400, "Invalid value for 'response_format.type'.", kind="invalid_value")
        if kind == "json_schema":
            if not isinstance(fmt.get("json_schema"), dict) or "name" not in fmt["json_schema"]:
                message = "Missing required parameter: 'response_format.json_schema.name'."
                return Error(400, message, kind="missing_required_parameter")
            if self.reject_json_schema:
                return Error(self.json_schema_status, "response_format type 'json_schema' is not supported")
        if kind == "json_object" and self.reject_json_object:
            return Error(400, "response_format type 'json_object' is not supported")
        return None

    def default(self, req: Recorded) -> Action:
        if req.method == "POST" and req.path == f"{self.prefix}/chat/completions":
            return Answer()
        if req.method == "GET" and req.path == f"{self.prefix}/models":
            data = [
                {"id": m, "object": "model", "created": 1_715_367_049, "owned_by": "system"}
                for m in self.models
            ]
            return Reply(json={"object": "list", "data": data})
        return Error(404, f"Invalid URL ({req.method} {req.path})")

    def render(self, action: Action, req: Recorded) -> Action:
        if isinstance(action, Error):
            kind = ERROR_TYPES.get(
                action.status, "server_error" if action.status >= 500 else "invalid_request_error"
            )
            error = {"message": action.message, "type": kind, "param": action.param, "code": action.kind}
            return Reply(action.status, json={"error": error}, headers=retry_headers(action))
        if isinstance(action, Answer):
            return self._answer(action, req)
        if isinstance(action, MidStreamError):
            cid = f"chatcmpl-{uuid.uuid4().hex[:24]}"
            chunks = [self._chunk(req, cid, {"content": c}, None) for c in split_text(action.text_before)]
            error = {"message": action.message, "type": "server_error", "param": None, "code": None}
            return Stream([*(sse(c) for c in chunks), sse({"error": error})])
        return super().render(action, req)

    @staticmethod
    def _chunk(
        req: Recorded, cid: str, delta: dict[str, Any], finish: str | None, **extra: Any
    ) -> dict[str, Any]:
        return {
            "id": cid,
            "object": "chat.completion.chunk",
            "created": int(time.time()),
            "model": req.json["model"],
            "system_fingerprint": None,
            "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}],
            **extra,
        }

    def _answer(self, action: Answer, req: Recorded) -> Action:
        body = req.json
        text, chunks = self.text_for(action, req)
        prompt = estimate_tokens("".join(str(m.get("content", "")) for m in body["messages"]))
        output = estimate_tokens(text)
        usage = {
            "prompt_tokens": prompt,
            "completion_tokens": output,
            "total_tokens": prompt + output,
            "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
            "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0},
            **(action.usage or {}),
        }
        finish = action.finish or "stop"
        cid = f"chatcmpl-{uuid.uuid4().hex[:24]}"
        if not body.get("stream"):
            message = {"role": "assistant", "content": text, "refusal": None, "annotations": []}
            return Reply(
                json={
                    "id": cid,
                    "object": "chat.completion",
                    "created": int(time.time()),
                    "model": body["model"],
                    "system_fingerprint": None,
                    "choices": [{"index": 0, "message": message, "logprobs": None, "finish_reason": finish}],
                    "usage": usage,
                    "service_tier": "default",
                }
            )
        include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
        extra = {"usage": None} if include_usage else {}
        frames = [
            sse(self._chunk(req, cid, {"role": "assistant", "content": "", "refusal": None}, None, **extra))
        ]
        frames.append(": keep-alive\n\n")
        frames += [sse(self._chunk(req, cid, {"content": c}, None, **extra)) for c in chunks]
        frames.append(sse(self._chunk(req, cid, {}, finish, **extra)))
        if include_usage:
            frames.append(sse({**self._chunk(req, cid, {}, None), "choices": [], "usage": usage}))
        return Stream([*frames, "data: [DONE]\n\n"])


def _reasoning_refusal(body: dict[str, Any]) -> Error | None:
    """A reasoning model's 400 for the parameters it refuses, as OpenAI words it."""
    if "max_tokens" in body:
        return Error(400, NO_MAX_TOKENS, kind="unsupported_parameter", param="max_tokens")
    temperature = body.get("temperature", 1)
    if temperature != 1:
        message = (
            f"Unsupported value: 'temperature' does not support {temperature} with this model. "
            "Only the default (1) value is supported."
        )
        return Error(400, message, kind="unsupported_value", param="temperature")
    return None
