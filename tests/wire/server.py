"""Scriptable HTTP server on 127.0.0.1 that vendor doubles build on.

A request is recorded, then validated by the vendor (a failure answers with the vendor's
error and consumes no script), then answered by the next scripted action whose path
substring occurs in the request path, else by the vendor's default behaviour.
"""

from __future__ import annotations

import json
import socket
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlsplit

DEFAULT_ANSWER = json.dumps(
    {
        "prompt": "cozy cabin, snowy forest, dusk, warm light",
        "negative_prompt": "blurry, lowres",
        "params": {"steps": 28, "cfg_scale": 6.5},
    }
)

_W = TypeVar("_W", bound="WireServer")
AnswerSource = str | Callable[[Any], str]
"""An answer text, or a callable taking the request's parsed JSON body."""


@dataclass(frozen=True)
class Recorded:
    """One request as the server saw it; header names are lower-case."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    json: Any


class Action:
    """Base of everything that can be scripted."""


@dataclass
class Reply(Action):
    """A plain response; `json` (when not None) replaces `body`."""

    status: int = 200
    json: Any = None
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json"


@dataclass
class Error(Action):
    """An error in the vendor's documented error JSON; `retry_after` is sent verbatim; `param` names the
    request field at fault (OpenAI's `error.param`)."""

    status: int
    message: str
    retry_after: int | float | str | None = None
    kind: str | None = None
    param: str | None = None


@dataclass
class Answer(Action):
    """A successful answer, streamed if the request asked to stream.

    `usage` entries (vendor field names) override the computed usage; `stream_chunks`
    fixes the deltas (their concatenation is the text); `finish` is the vendor's
    stop/finish reason value.
    """

    text: AnswerSource | None = None
    usage: dict[str, Any] | None = None
    stream_chunks: list[str] | None = None
    finish: str | None = None


@dataclass
class Stream(Action):
    """Raw frames written as-is in a chunked response, `delay` seconds apart.

    `close_early` drops the connection instead of ending the chunked body.
    `content_type` defaults to the vendor's stream type.
    """

    frames: Iterable[bytes | str]
    delay: float = 0.0
    close_early: bool = False
    status: int = 200
    content_type: str | None = None


@dataclass
class MidStreamError(Action):
    """Stream `text_before` as deltas, then the vendor's in-stream error."""

    text_before: str
    message: str


@dataclass
class Delay(Action):
    """Wait, then perform `then` (default: the vendor's default behaviour)."""

    seconds: float
    then: Action | None = None


@dataclass
class Drip(Action):
    """Send headers (with the full Content-Length) at once, then each chunk after `interval`."""

    chunks: list[bytes | str]
    interval: float
    status: int = 200
    content_type: str = "application/json"


@dataclass
class Drop(Action):
    """Close the socket without any response."""


@dataclass
class Html(Action):
    """A proxy's HTML error page."""

    status: int = 502
    body: str = (
        "<html><head><title>502 Bad Gateway</title></head>"
        "<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>"
    )


def encode(data: bytes | str) -> bytes:
    """UTF-8 encode text; pass bytes through."""
    return data.encode() if isinstance(data, str) else data


def sse(data: Any, event: str | None = None, eol: str = "\n") -> str:
    """One server-sent event: optional `event:` line, a `data:` line, a blank line."""
    payload = data if isinstance(data, str) else json.dumps(data)
    head = f"event: {event}{eol}" if event else ""
    return f"{head}data: {payload}{eol}{eol}"


def split_text(text: str, parts: int = 4) -> list[str]:
    """Split text into up to `parts` non-empty pieces (mid-word, like real deltas)."""
    size = max(1, -(-len(text) // parts))
    return [text[i : i + size] for i in range(0, len(text), size)] or [""]


def estimate_tokens(text: str) -> int:
    """A stable, rough token count (about four characters a token)."""
    return max(1, round(len(text) / 4))


def retry_headers(err: Error) -> dict[str, str]:
    """The Retry-After header for an Error, if it has one."""
    return {} if err.retry_after is None else {"Retry-After": str(err.retry_after)}


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    wire: WireServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up (a cancel, a timeout test) is expected: stay quiet."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # as real servers do: no 40 ms stalls on reused connections
    timeout = 30
    server: _HTTPServer

    def do_GET(self) -> None:
        self.server.wire._handle(self)

    do_POST = do_PUT = do_DELETE = do_GET

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output quiet."""


class WireServer:
    """A threaded HTTP server on an ephemeral 127.0.0.1 port; use as a context manager."""

    stream_type = "text/event-stream"

    def __init__(self, answer: AnswerSource = DEFAULT_ANSWER) -> None:
        self.answer = answer
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._requests: list[Recorded] = []
        self._scripts: dict[str, deque[Action]] = {}
        self._httpd = _HTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.wire = self
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()

    def __enter__(self: _W) -> _W:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop serving; pending delays end at once."""
        self._closing.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    @property
    def requests(self) -> list[Recorded]:
        """A snapshot of the requests received so far, oldest first."""
        with self._lock:
            return list(self._requests)

    def count(self, path_substring: str) -> int:
        """How many requests had a path containing `path_substring`."""
        return sum(path_substring in r.path for r in self.requests)

    def script(self, path_substring: str, *actions: Action) -> None:
        """Queue actions, consumed one per matching request (FIFO)."""
        with self._lock:
            self._scripts.setdefault(path_substring, deque()).extend(actions)

    # Vendor hooks -----------------------------------------------------------------

    def validate(self, req: Recorded) -> Action | None:
        """The vendor's error for a malformed request, else None."""
        return None

    def default(self, req: Recorded) -> Action:
        """The vendor's behaviour when nothing is scripted."""
        return Reply(404, json={"error": f"no route for {req.method} {req.path}"})

    def render(self, action: Action, req: Recorded) -> Action:
        """Turn a vendor-level action into a Reply or Stream."""
        if isinstance(action, Html):
            return Reply(action.status, body=action.body.encode(), content_type="text/html")
        raise TypeError(f"{type(self).__name__} cannot perform {action!r}")

    def response_headers(self) -> dict[str, str]:
        """Headers the vendor adds to every response."""
        return {}

    def text_for(self, action: Answer, req: Recorded) -> tuple[str, list[str]]:
        """The full answer text and its stream deltas."""
        if action.stream_chunks is not None:
            return "".join(action.stream_chunks), list(action.stream_chunks)
        source = self.answer if action.text is None else action.text
        text = source(req.json) if callable(source) else source
        return text, split_text(text)

    # Machinery --------------------------------------------------------------------

    def _handle(self, h: _Handler) -> None:
        parts = urlsplit(h.path)
        body = h.rfile.read(int(h.headers.get("Content-Length") or 0))
        try:
            parsed = json.loads(body) if body else None
        except ValueError:
            parsed = None
        req = Recorded(
            method=h.command,
            path=parts.path,
            query=dict(parse_qsl(parts.query, keep_blank_values=True)),
            headers={k.lower(): v for k, v in h.headers.items()},
            body=body,
            json=parsed,
        )
        with self._lock:
            self._requests.append(req)
        action = self.validate(req) or self._next_scripted(req.path) or self.default(req)
        try:
            self._perform(action, req, h)
        except OSError:
            h.close_connection = True

    def _next_scripted(self, path: str) -> Action | None:
        with self._lock:
            for key, queue in self._scripts.items():
                if key in path and queue:
                    return queue.popleft()
        return None

    def _perform(self, action: Action, req: Recorded, h: _Handler) -> None:
        while not isinstance(action, Reply | Stream | Drip | Drop):
            if isinstance(action, Delay):
                self._closing.wait(action.seconds)
                action = action.then or self.default(req)
            else:
                action = self.render(action, req)
        if isinstance(action, Drop):
            h.close_connection = True
            h.connection.shutdown(socket.SHUT_RDWR)
        elif isinstance(action, Reply):
            body = action.body if action.json is None else json.dumps(action.json).encode()
            self._head(h, action.status, action.content_type, action.headers, len(body))
            h.wfile.write(body)
        elif isinstance(action, Drip):
            chunks = [encode(c) for c in action.chunks]
            self._head(h, action.status, action.content_type, {}, sum(map(len, chunks)))
            for chunk in chunks:
                self._closing.wait(action.interval)
                h.wfile.write(chunk)
        else:
            self._stream(action, h)

    def _head(
        self, h: _Handler, status: int, ctype: str, headers: dict[str, str], length: int | None
    ) -> None:
        h.send_response(status)
        h.send_header("Content-Type", ctype)
        if length is None:
            h.send_header("Transfer-Encoding", "chunked")
            h.send_header("Cache-Control", "no-cache")
        else:
            h.send_header("Content-Length", str(length))
        for name, value in {**self.response_headers(), **headers}.items():
            h.send_header(name, value)
        h.end_headers()

    def _stream(self, s: Stream, h: _Handler) -> None:
        self._head(h, s.status, s.content_type or self.stream_type, {}, None)
        frames = iter(s.frames)
        try:
            for i, frame in enumerate(frames):
                if i and s.delay:
                    self._closing.wait(s.delay)
                data = encode(frame)
                if data:
                    h.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            if s.close_early:
                h.close_connection = True
                h.connection.shutdown(socket.SHUT_RDWR)
            else:
                h.wfile.write(b"0\r\n\r\n")
        except OSError:
            close = getattr(frames, "close", None)
            if close is not None:
                close()  # a generator learns the client went away (GeneratorExit)
            raise
