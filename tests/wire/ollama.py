"""Ollama native API double: /api/chat (NDJSON), tags, ps, show, pull, version."""

from __future__ import annotations

import hashlib
import json
import math
import re
import time
from collections.abc import Iterator, Sequence
from datetime import datetime, timezone
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
)

INSTALLED = ({"name": "llama3.2:3b", "size": 2019393189}, {"name": "qwen2.5:7b", "size": 4683087332})
DURATION = re.compile(r"(-?\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)")
UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "h": 3600}
FOREVER = "2318-08-01T00:00:00.000000000Z"


def _tag(name: str) -> str:
    """Ollama's name normalisation: no tag means `:latest`."""
    return name if ":" in name else f"{name}:latest"


def _timestamp(t: float) -> str:
    """RFC 3339 with nanoseconds, as Go writes it."""
    return f"{datetime.fromtimestamp(t, timezone.utc):%Y-%m-%dT%H:%M:%S}.{int(t % 1 * 1e9):09d}Z"


def _keep_alive(value: Any) -> float | str:
    """Seconds to keep a model loaded (inf: forever), or the error message."""
    if value is None:
        return 300.0
    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = float(value)
    elif isinstance(value, str) and (value == "0" or DURATION.fullmatch(value)):
        match = DURATION.fullmatch(value)
        seconds = float(match[1]) * UNITS[match[2]] if match else 0.0
    else:
        return f"time: invalid duration {json.dumps(value)}"
    return math.inf if seconds < 0 else seconds


def _line(obj: dict[str, Any]) -> str:
    return json.dumps(obj) + "\n"


class OllamaServer(WireServer):
    """Tracks installed and loaded models like a local Ollama.

    `installed`/`registry` entries are dicts with at least `name` and `size`; `registry`
    lists what /api/pull can fetch (None: any name). Pull lines are `pull_delay` seconds
    apart; a pull whose client disconnects is appended to `pulls_cut`.
    """

    stream_type = "application/x-ndjson"

    def __init__(
        self,
        installed: Sequence[dict[str, Any]] = INSTALLED,
        answer: AnswerSource = DEFAULT_ANSWER,
        version: str = "0.12.0",
        pull_delay: float = 0.0,
        registry: Sequence[dict[str, Any]] | None = None,
    ) -> None:
        self.installed = [self._entry(m) for m in installed]
        self.registry = None if registry is None else {_tag(m["name"]): m for m in registry}
        self.version = version
        self.pull_delay = pull_delay
        self.pulls_cut: list[str] = []
        self._loaded: dict[str, tuple[float, int]] = {}  # name -> (expiry, num_ctx)
        super().__init__(answer)

    @staticmethod
    def _entry(model: dict[str, Any]) -> dict[str, Any]:
        name = _tag(model["name"])
        family = re.match(r"[a-z]*", name)[0] or "llama"
        size = re.search(r"\d+(?:\.\d+)?[bm]\b", name.split(":")[1])
        return {
            "name": name,
            "model": name,
            "modified_at": _timestamp(1_760_000_000.5),
            "digest": hashlib.sha256(name.encode()).hexdigest(),
            "details": {
                "parent_model": "",
                "format": "gguf",
                "family": family,
                "families": [family],
                "parameter_size": size[0].upper() if size else "unknown",
                "quantization_level": "Q4_K_M",
            },
            **model,
            "size": int(model["size"]),
        }

    def _find(self, name: str) -> dict[str, Any] | None:
        with self._lock:
            return next((m for m in self.installed if m["name"] == _tag(name)), None)

    def validate(self, req: Recorded) -> Action | None:
        if req.method != "POST" or req.path not in ("/api/chat", "/api/show", "/api/pull"):
            return None
        body = req.json
        if not isinstance(body, dict):
            return Error(400, "invalid request body")
        model = body.get("model")
        if not isinstance(model, str) or not model:
            return Error(400, "model is required")
        if req.path == "/api/show" and self._find(model) is None:
            return Error(404, f"model '{model}' not found")
        if req.path != "/api/chat":
            return None
        if self._find(model) is None:
            return Error(404, f'model "{model}" not found, try pulling it first')
        if not isinstance(body.get("messages") or [], list):
            return Error(400, "messages: must be an array")
        fmt = body.get("format")
        if fmt not in (None, "", "json") and not isinstance(fmt, dict):
            return Error(400, f'invalid format: {json.dumps(fmt)}; expected "json" or a valid JSON schema')
        if not isinstance(body.get("options") or {}, dict):
            return Error(400, "options: must be an object")
        keep = _keep_alive(body.get("keep_alive"))
        return Error(400, keep) if isinstance(keep, str) else None

    def default(self, req: Recorded) -> Action:
        routes = {
            ("GET", "/"): lambda: Reply(body=b"Ollama is running", content_type="text/plain; charset=utf-8"),
            ("GET", "/api/version"): lambda: Reply(json={"version": self.version}),
            ("GET", "/api/tags"): lambda: Reply(json={"models": list(self.installed)}),
            ("GET", "/api/ps"): lambda: Reply(json={"models": self._ps()}),
            ("POST", "/api/show"): lambda: Reply(json=self._show(req.json["model"])),
            ("POST", "/api/pull"): lambda: self._pull(req.json),
            ("POST", "/api/chat"): lambda: (
                Answer() if req.json.get("messages") else self._load_only(req.json)
            ),
        }
        route = routes.get((req.method, req.path))
        if route is None:
            return Reply(404, body=b"404 page not found", content_type="text/plain; charset=utf-8")
        return route()

    def render(self, action: Action, req: Recorded) -> Action:
        if isinstance(action, Error):
            return Reply(action.status, json={"error": action.message}, headers=retry_headers(action))
        if isinstance(action, Answer):
            return self._answer(action, req)
        if isinstance(action, MidStreamError):
            chunks = [self._chunk(req.json["model"], c) for c in split_text(action.text_before)]
            return Stream([*map(_line, chunks), _line({"error": action.message})])
        return super().render(action, req)

    # Loaded models ---------------------------------------------------------------

    def _ps(self) -> list[dict[str, Any]]:
        now = time.time()
        with self._lock:
            self._loaded = {n: v for n, v in self._loaded.items() if v[0] > now}
            loaded = dict(self._loaded)
        out = []
        for name, (expiry, num_ctx) in loaded.items():
            entry = self._find(name)
            out.append(
                {
                    "name": name,
                    "model": name,
                    "size": entry["size"],
                    "digest": entry["digest"],
                    "details": entry["details"],
                    "size_vram": entry["size"],
                    "context_length": num_ctx,
                    "expires_at": FOREVER if math.isinf(expiry) else _timestamp(expiry),
                }
            )
        return out

    def _keep(self, body: dict[str, Any]) -> bool:
        """Apply keep_alive for the request's model; True if it was loaded before."""
        name = _tag(body["model"])
        keep = _keep_alive(body.get("keep_alive"))
        num_ctx = int((body.get("options") or {}).get("num_ctx", 4096))
        with self._lock:
            was = name in self._loaded and self._loaded[name][0] > time.time()
            if keep == 0:
                self._loaded.pop(name, None)
            else:
                self._loaded[name] = (time.time() + keep, num_ctx)
        return was

    def _load_only(self, body: dict[str, Any]) -> Reply:
        """A chat without messages loads the model, or unloads it with keep_alive 0."""
        self._keep(body)
        reason = "unload" if _keep_alive(body.get("keep_alive")) == 0 else "load"
        return Reply(json={**self._chunk(body["model"], ""), "done_reason": reason, "done": True})

    # Chat ------------------------------------------------------------------------

    @staticmethod
    def _chunk(model: str, content: str) -> dict[str, Any]:
        return {
            "model": model,
            "created_at": _timestamp(time.time()),
            "message": {"role": "assistant", "content": content},
            "done": False,
        }

    def _answer(self, action: Answer, req: Recorded) -> Action:
        body = req.json
        was_loaded = self._keep(body)
        text, chunks = self.text_for(action, req)
        prompt = estimate_tokens("".join(str(m.get("content", "")) for m in body.get("messages", [])))
        stats = {
            "total_duration": 1_500_000_000 if not was_loaded else 400_000_000,
            "load_duration": 1_100_000_000 if not was_loaded else 20_000_000,
            "prompt_eval_count": prompt,
            "prompt_eval_duration": prompt * 1_000_000,
            "eval_count": estimate_tokens(text),
            "eval_duration": estimate_tokens(text) * 10_000_000,
            **(action.usage or {}),
        }
        final = {
            **self._chunk(body["model"], ""),
            "done": True,
            "done_reason": action.finish or "stop",
            **stats,
        }
        if body.get("stream", True) is False:
            return Reply(json={**final, "message": {"role": "assistant", "content": text}})
        return Stream([*(_line(self._chunk(body["model"], c)) for c in chunks), _line(final)])

    # Model management --------------------------------------------------------------

    def _show(self, model: str) -> dict[str, Any]:
        entry = self._find(model)
        family = entry["details"]["family"]
        return {
            "modelfile": f'# Modelfile generated by "ollama show"\nFROM {entry["name"]}\n',
            "parameters": 'stop                           "<|eot_id|>"',
            "template": "{{ .Prompt }}",
            "details": entry["details"],
            "model_info": {"general.architecture": family, f"{family}.context_length": 131072},
            "capabilities": ["completion"],
            "modified_at": entry["modified_at"],
        }

    def _pull(self, body: dict[str, Any]) -> Action:
        name = _tag(body["model"])
        known = self.registry is None or name in self.registry
        if body.get("stream", True) is not False:
            return Stream(self._pull_lines(name, known), delay=self.pull_delay)
        if not known:
            return Error(500, "pull model manifest: file does not exist")
        self._install(name)
        return Reply(json={"status": "success"})

    def _pull_lines(self, name: str, known: bool) -> Iterator[str]:
        """Progress lines; closing the generator early (client gone) records the cut."""
        try:
            yield _line({"status": "pulling manifest"})
            if not known:
                yield _line({"error": "pull model manifest: file does not exist"})
                return
            size = self._size(name)
            for layer, total in ((f"{name}/model", size - 1_409), (f"{name}/params", 1_409)):
                digest = "sha256:" + hashlib.sha256(layer.encode()).hexdigest()
                for part in range(5):
                    progress = {"digest": digest, "total": total, "completed": total * part // 4}
                    yield _line({"status": f"pulling {digest[7:19]}", **progress})
            yield _line({"status": "verifying sha256 digest"})
            yield _line({"status": "writing manifest"})
            self._install(name)
            yield _line({"status": "success"})
        except GeneratorExit:
            with self._lock:
                self.pulls_cut.append(name)
            raise

    def _size(self, name: str) -> int:
        return int(self.registry[name]["size"]) if self.registry else 1_000_000_000

    def _install(self, name: str) -> None:
        entry = self._entry({**(self.registry or {}).get(name, {}), "name": name, "size": self._size(name)})
        with self._lock:
            self.installed = [m for m in self.installed if m["name"] != name] + [entry]
