"""OpenAI-compatible chat completions (OpenAI, LM Studio, llama.cpp, vLLM, OpenRouter, Ollama's /v1).

`response_format` goes json_schema -> json_object -> plain text when a server rejects it; the
answer is remembered per endpoint. OpenAI's reasoning models (o1, o3, o4, gpt-5) get `max_completion_tokens`
and no temperature, which is what they accept.
"""

from __future__ import annotations

import re

from ..errors import ProviderError
from .http import STATE, HttpCall
from .stream import SseEvent, parse_frame
from .types import ChatRequest, Delta, Message, Usage
from .wire import Wire

RESPONSE_FORMATS = ("json_schema", "json_object", "text")
# llama-cpp-python's server answers an unsupported response_format with a 500 that says so.
_ABOUT_FORMAT = re.compile(r"response_format|json_schema|json_object|schema|grammar", re.I)
# OpenAI's reasoning models, by id on any server (`o3-mini`, `gpt-5.1`, OpenRouter's `openai/o3`): they refuse
# `max_tokens` and any temperature but the default with HTTP 400, and take `max_completion_tokens`, which
# counts their reasoning as well as the answer.
_REASONING = re.compile(r"(?:^|/)(?:o[134]|gpt-5)(?:$|[-.:_])", re.I)
REASONING_ROOM = 25_000  # OpenAI's reasoning guide: reserve at least 25,000 tokens for reasoning and the answer


def _content(message: Message) -> str | list[dict]:
    """Text, or the text then each image as an `image_url` data URL."""
    if not message.images:
        return message.content
    return [{"type": "text", "text": message.content},
            *({"type": "image_url", "image_url": {"url": f"data:{i.media_type};base64,{i.data}"}}
              for i in message.images)]


class OpenAIWire(Wire):
    provider = "openai"
    key_var = "OPENAI_API_KEY"

    def headers(self, api_key: str) -> dict[str, str]:
        headers = {"content-type": "application/json"}
        if api_key:
            headers["authorization"] = f"Bearer {api_key}"
        return headers

    def chat_call(self, model: str, req: ChatRequest, base_url: str) -> HttpCall:
        form = format_for(base_url) if req.schema is not None else "text"
        system = req.system if form == "json_schema" else self.system_with_schema(req)
        messages = [{"role": "system", "content": system}] if system else []
        messages += [{"role": m.role, "content": _content(m)} for m in req.messages]
        body: dict = {"model": model, "messages": messages, **_sampling(model, req)}
        if req.seed is not None:
            body["seed"] = req.seed
        if req.frequency_penalty is not None:
            body["frequency_penalty"] = req.frequency_penalty
        if form == "json_schema":
            body["response_format"] = {"type": "json_schema", "json_schema": {
                "name": req.schema_name, "schema": req.schema, "strict": False}}
        elif form == "json_object":
            body["response_format"] = {"type": "json_object"}
        if req.stream:
            body["stream"] = True
            body["stream_options"] = {"include_usage": True}
        return HttpCall("POST", "/chat/completions", json=body, stream=req.stream)

    def fallback(self, base_url: str, err: ProviderError, req: ChatRequest) -> bool:
        """A server that rejects a response_format gets the next simpler form."""
        if req.schema is None or err.status not in (400, 415, 422, 500, 501):
            return False
        if err.status == 500 and not _ABOUT_FORMAT.search(err.detail):
            return False  # an ordinary server error: retried by the policy, not a reason to drop the schema
        current = format_for(base_url)
        if current == "text":
            return False
        STATE.set_form(base_url, RESPONSE_FORMATS[RESPONSE_FORMATS.index(current) + 1])
        return True

    def parse_reply(self, body: dict) -> Delta:
        choice = (body.get("choices") or [{}])[0]
        text = (choice.get("message") or {}).get("content") or ""
        return Delta(text=text, usage=_usage(body.get("usage")), finish=choice.get("finish_reason"), done=True)

    def parse_event(self, frame: SseEvent | dict) -> Delta | None:
        assert isinstance(frame, SseEvent)
        if frame.data.strip() == "[DONE]":
            return Delta(done=True)
        data = parse_frame(frame.data)
        if "error" in data:
            message, _ = self.describe_error(data)
            raise self.stream_error(message)
        choices = data.get("choices") or []
        delta = Delta(usage=_usage(data.get("usage")))
        if choices:
            delta.text = (choices[0].get("delta") or {}).get("content") or ""
            delta.finish = choices[0].get("finish_reason")
        return delta

    def models_call(self) -> HttpCall:
        return HttpCall("GET", "/models")

    def parse_models(self, body: dict) -> list[str]:
        return [m["id"] for m in body.get("data") or [] if "id" in m]


def _sampling(model: str, req: ChatRequest) -> dict:
    """The answer's length and temperature as the model's family takes them (a reasoning model: no temperature,
    and room for its reasoning)."""
    if _REASONING.search(model.strip()):
        return {"max_completion_tokens": req.max_tokens + REASONING_ROOM}
    return {"temperature": req.temperature, "max_tokens": req.max_tokens}


def format_for(base_url: str) -> str:
    """The structured-output form `base_url` accepts, as learnt in this process (providers' STATE)."""
    return STATE.form(base_url, RESPONSE_FORMATS[0])


def _usage(raw: dict | None) -> Usage | None:
    if not raw:
        return None
    cached = int((raw.get("prompt_tokens_details") or {}).get("cached_tokens") or 0)
    return Usage(input_tokens=max(0, int(raw.get("prompt_tokens") or 0) - cached),
                 output_tokens=int(raw.get("completion_tokens") or 0), cache_read_tokens=cached)
