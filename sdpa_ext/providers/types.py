"""The data every provider speaks: a chat request in, deltas while streaming, one Completion out."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Image:
    """An image for a model that sees: re-encoded, downscaled, without metadata (sdpa_ext/images/pictures.py)."""

    media_type: str  # image/png or image/jpeg
    data: str  # base64
    width: int
    height: int


@dataclass
class Message:
    role: str  # "user" or "assistant"
    content: str
    images: list[Image] = field(default_factory=list)  # before the text, as the vendors advise


@dataclass
class ChatRequest:
    messages: list[Message]
    system: str = ""
    schema: dict | None = None  # JSON schema the answer must follow (None: free text)
    schema_name: str = "answer"
    temperature: float = 0.4
    max_tokens: int = 700
    seed: int | None = None
    frequency_penalty: float | None = None  # discourages the loops small models fall into
    stream: bool = True


@dataclass
class Usage:
    """Tokens of one call. `input_tokens` excludes cache reads and writes (Anthropic's convention)."""

    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0

    def merge(self, other: Usage | None) -> None:
        """Take the non-zero fields of `other` (streams report usage in pieces)."""
        if other is None:
            return
        for name in ("input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens"):
            value = getattr(other, name)
            if value:
                setattr(self, name, value)


@dataclass
class Delta:
    """One piece of a streamed answer."""

    text: str = ""
    usage: Usage | None = None
    finish: str | None = None
    done: bool = False  # the provider's own end-of-stream marker arrived


@dataclass
class Completion:
    """What every call returns, whatever the provider."""

    text: str
    provider: str
    model: str
    role: str
    usage: Usage
    cost_usd: float | None
    latency_s: float
    ttft_s: float | None
    finish_reason: str = ""
    notes: list[str] = field(default_factory=list)


class CancelToken:
    """Set by the caller to stop a running call; closes the live connection at once."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._callbacks: list[Callable[[], None]] = []

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def cancel(self) -> None:
        with self._lock:
            self._event.set()
            callbacks, self._callbacks = self._callbacks, []
        for callback in callbacks:
            with contextlib.suppress(Exception):  # closing a dead socket may fail; cancelling must not
                callback()

    def on_cancel(self, callback: Callable[[], None]) -> Callable[[], None]:
        """Run `callback` on cancel (now if already cancelled). Returns a function that unregisters it."""
        with self._lock:
            if not self._event.is_set():
                self._callbacks.append(callback)
                return lambda: self._discard(callback)
        callback()
        return lambda: None

    def _discard(self, callback: Callable[[], None]) -> None:
        with self._lock:
            if callback in self._callbacks:
                self._callbacks.remove(callback)

    def wait(self, seconds: float) -> bool:
        """Sleep up to `seconds`; True if cancelled meanwhile."""
        return self._event.wait(max(0.0, seconds))
