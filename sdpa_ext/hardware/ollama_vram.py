"""Ollama's side of the GPU: what is installed and loaded, unload before Stable Diffusion generates,
re-warm afterwards, and pull a model with streamed progress."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from ..errors import Cancelled, ProviderError
from ..providers.http import Deadline, Http, HttpCall
from ..providers.ollama import OllamaWire
from ..providers.stream import iter_lines, iter_ndjson
from ..providers.types import CancelToken
from ..secrets import get_logger
from .gpu import GB

_log = get_logger(__name__)


@dataclass
class OllamaState:
    host: str
    reachable: bool
    version: str = ""
    installed: list[dict] = field(default_factory=list)  # {"name", "size_gb"}
    loaded: list[dict] = field(default_factory=list)  # {"name", "size_gb", "vram_gb", "expires_at"}
    error: str = ""


@dataclass
class PullProgress:
    status: str
    completed: int = 0
    total: int = 0

    @property
    def fraction(self) -> float:
        return self.completed / self.total if self.total else 0.0


@dataclass
class Freed:
    unloaded: list[str]
    freed_gb: float
    reason: str


def same_model(a: str, b: str) -> bool:
    """Ollama's names: no tag means `:latest`."""
    def norm(name: str) -> str:
        return name if ":" in name else f"{name}:latest"
    return norm(a) == norm(b)


class OllamaAdmin:
    """Administrative calls to one Ollama server (never the chat itself)."""

    def __init__(self, host: str, timeout_s: float = 5.0):
        self.host = host
        self.timeout_s = timeout_s
        wire = OllamaWire()
        self.http = Http("ollama", host, wire.headers(""), connect_timeout=min(3.0, timeout_s),
                         describe_error=wire.describe_error)

    def _get(self, path: str) -> dict:
        return self.http.request_json(HttpCall("GET", path), Deadline(self.timeout_s))

    def _post(self, path: str, body: dict, timeout_s: float | None = None) -> dict:
        return self.http.request_json(HttpCall("POST", path, json=body), Deadline(timeout_s or self.timeout_s))

    def state(self) -> OllamaState:
        """Reachable or not, version, installed and loaded models. Never raises."""
        try:
            version = self._get("/api/version").get("version", "")
            tags = self._get("/api/tags").get("models") or []
            loaded = self._get("/api/ps").get("models") or []
        except ProviderError as err:
            return OllamaState(self.host, False, error=str(err))
        return OllamaState(
            self.host, True, version,
            installed=[{"name": m.get("name", ""), "size_gb": round((m.get("size") or 0) / GB, 2)} for m in tags],
            loaded=[{"name": m.get("name", ""), "size_gb": round((m.get("size") or 0) / GB, 2),
                     "vram_gb": round((m.get("size_vram") or 0) / GB, 2), "expires_at": m.get("expires_at", "")}
                    for m in loaded])

    def unload(self, model: str) -> None:
        self._post("/api/chat", {"model": model, "messages": [], "keep_alive": 0})

    def warm(self, model: str, keep_alive: str = "5m") -> None:
        """Load a model ahead of use (an empty chat)."""
        self._post("/api/chat", {"model": model, "messages": [], "keep_alive": keep_alive}, timeout_s=120)

    def free_vram(self, models: list[str] | None = None) -> Freed:
        """Unload the loaded models (only `models` when given) and report the VRAM freed."""
        state = self.state()
        if not state.reachable:
            return Freed([], 0.0, f"Ollama not reachable at {self.host}")
        targets = [m for m in state.loaded if models is None or any(same_model(m["name"], o) for o in models)]
        unloaded, freed = [], 0.0
        for model in targets:
            try:
                self.unload(model["name"])
            except ProviderError as err:
                _log.warning("could not unload %s: %s", model["name"], err)
                continue
            unloaded.append(model["name"])
            freed += model["vram_gb"]
        return Freed(unloaded, round(freed, 2), "unloaded" if unloaded else "nothing of ours was loaded")

    def pull(self, model: str, on_progress: Callable[[PullProgress], None] | None = None,
             cancel: CancelToken | None = None, timeout_s: float = 3600) -> None:
        """`ollama pull` with streamed progress; `cancel` stops it at once."""
        deadline = Deadline(timeout_s)
        response = self.http.send(HttpCall("POST", "/api/pull", json={"model": model, "stream": True}, stream=True),
                                  deadline, cancel)
        for frame in iter_ndjson(iter_lines(self.http.chunks(response, deadline, cancel))):
            if "error" in frame:
                raise ProviderError("ollama", f"pull {model}: {frame['error']}", hint="check the model name")
            progress = PullProgress(frame.get("status", ""), int(frame.get("completed") or 0),
                                    int(frame.get("total") or 0))
            if on_progress is not None:
                on_progress(progress)
            if progress.status == "success":
                return
        if cancel is not None and cancel.cancelled:
            raise Cancelled()
        raise ProviderError("ollama", f"pull {model} ended before it finished", hint="try again")


def rewarm_later(admin: OllamaAdmin, model: str) -> threading.Thread:
    """Load the execution model again in the background after a generation."""
    def work() -> None:
        try:
            admin.warm(model)
        except ProviderError as err:
            _log.info("re-warm of %s failed: %s", model, err)
    thread = threading.Thread(target=work, daemon=True, name="sdpa-rewarm")
    thread.start()
    return thread
