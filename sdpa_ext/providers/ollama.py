"""Ollama's native API: `POST /api/chat` streaming NDJSON, `format` as a JSON schema."""

from __future__ import annotations

from .http import HttpCall
from .stream import SseEvent
from .types import ChatRequest, Delta, Usage
from .wire import Wire

DEFAULT_NUM_CTX = 4096


class OllamaWire(Wire):
    provider = "ollama"
    stream_format = "ndjson"

    def __init__(self, keep_alive: str | int | None = None):
        self.keep_alive = keep_alive

    def chat_call(self, model: str, req: ChatRequest, base_url: str) -> HttpCall:
        messages = [{"role": "system", "content": req.system}] if req.system else []
        for m in req.messages:  # images as base64 strings beside the text, Ollama's way
            messages.append({"role": m.role, "content": m.content, **({"images": [i.data for i in m.images]}
                                                                       if m.images else {})})
        options: dict = {"temperature": req.temperature, "num_predict": req.max_tokens,
                         "num_ctx": num_ctx_for(req)}
        if req.seed is not None:
            options["seed"] = req.seed
        if req.frequency_penalty is not None:
            options["frequency_penalty"] = req.frequency_penalty
        body: dict = {"model": model, "messages": messages, "stream": req.stream, "options": options}
        if req.schema is not None:
            body["format"] = req.schema
        if self.keep_alive is not None:
            body["keep_alive"] = self.keep_alive
        return HttpCall("POST", "/api/chat", json=body, stream=req.stream)

    def parse_reply(self, body: dict) -> Delta:
        delta = self.parse_event(body)
        assert delta is not None
        delta.done = True
        return delta

    def parse_event(self, frame: SseEvent | dict) -> Delta | None:
        assert isinstance(frame, dict)
        if "error" in frame:
            raise self.stream_error(str(frame["error"]))
        text = (frame.get("message") or {}).get("content", "")
        if not frame.get("done"):
            return Delta(text=text)
        usage = Usage(input_tokens=int(frame.get("prompt_eval_count") or 0),
                      output_tokens=int(frame.get("eval_count") or 0))
        return Delta(text=text, usage=usage, finish=frame.get("done_reason") or "stop", done=True)

    def models_call(self) -> HttpCall:
        return HttpCall("GET", "/api/tags")

    def parse_models(self, body: dict) -> list[str]:
        return [m.get("name") or m.get("model") for m in body.get("models") or []]

    def version_call(self) -> HttpCall:
        return HttpCall("GET", "/api/version")


IMAGE_CTX = 1024  # tokens an image can take in a vision model's context (llava 576, qwen2.5vl up to ~1000)


def num_ctx_for(req: ChatRequest) -> int:
    """A context that holds the prompt and the answer (about 4 characters a token), at least the default."""
    chars = len(req.system) + sum(len(m.content) for m in req.messages)
    needed = chars // 3 + req.max_tokens + 256 + IMAGE_CTX * sum(len(m.images) for m in req.messages)
    size = DEFAULT_NUM_CTX
    while size < needed and size < 32768:
        size *= 2
    return size
