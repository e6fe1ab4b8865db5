"""The one HTTP core: shared sessions, deadlines, the retry policy and error mapping.

Keys travel in headers only and every error text is scrubbed here, so no layer above can leak one.
"""

from __future__ import annotations

import contextlib
import email.utils
import heapq
import ipaddress
import json
import random
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TypeVar
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import HTTPError as Urllib3Error
from urllib3.exceptions import ProtocolError

from .. import secrets
from ..errors import Cancelled, ProviderError
from .types import CancelToken

RETRY_STATUSES = frozenset({408, 409, 429, 500, 502, 503, 504, 529})
MAX_TRIES = 3
# Cloud APIs: a refused connection there is this machine's network, a proxy or an outage, never a server to start.
CLOUD_STATUS = {"api.anthropic.com": "https://status.anthropic.com",
                "generativelanguage.googleapis.com": "https://aistudio.google.com/status",
                "api.openai.com": "https://status.openai.com", "openrouter.ai": "https://status.openrouter.ai"}
MAX_ANSWER_BODY = 2_000_000  # a prompt answer is a few KB; anything this big is a broken server
READ_SIZE = 65_536  # the most read from the socket at once, so the size cap holds memory to about that
_SPEND_LIMIT = re.compile(r"insufficient_quota|billing|spend(ing)? limit|credit balance|per ?day", re.I)
_log = secrets.get_logger(__name__)
T = TypeVar("T")


@dataclass
class Deadline:
    """A total time budget for one call, retries included."""

    seconds: float
    start: float = field(default_factory=time.monotonic)

    def remaining(self) -> float:
        return self.seconds - (time.monotonic() - self.start)


@dataclass
class HttpCall:
    method: str
    path: str  # appended to the endpoint's base URL
    json: dict | None = None
    params: dict | None = None
    stream: bool = False


def is_local_host(url: str) -> bool:
    """Loopback or private-network hosts: reached directly, never through an HTTP(S)_PROXY."""
    host = urlsplit(url).hostname or ""
    if host == "localhost" or host.endswith(".local"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_private or address.is_link_local


def _new_session(base_url: str) -> requests.Session:
    session = requests.Session()
    session.trust_env = not is_local_host(base_url)
    adapter = HTTPAdapter(pool_connections=4, pool_maxsize=32, max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def session_for(base_url: str) -> requests.Session:
    """One shared session (connection pool) per endpoint origin."""
    return STATE.session(base_url)


def parse_retry_after(value: str | None) -> float | None:
    """`Retry-After` in seconds or as an HTTP date -> seconds from now."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _pieces(response: requests.Response) -> Iterator[bytes]:
    """The body as it arrives, at most READ_SIZE bytes at a time (`iter_content(None)` would read a
    Content-Length body whole before the size cap or the deadline could look at it)."""
    raw = response.raw
    if getattr(raw, "chunked", False) or not hasattr(raw, "read1"):  # read1: urllib3 >= 2.3
        yield from response.iter_content(chunk_size=READ_SIZE)
        return
    while piece := raw.read1(READ_SIZE, decode_content=True):
        yield piece


def _shutdown(response: requests.Response) -> None:
    """Wake a read blocked on the response's socket (closing it from another thread does not)."""
    try:
        response.raw.shutdown()  # urllib3 >= 2.3
    except Exception:
        sock = getattr(getattr(response.raw, "_connection", None), "sock", None)
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


class Watchdog:
    """One thread for every deadline in the process (a timer thread per call would cost more)."""

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, Callable[[], None]]] = []
        self._cancelled: set[int] = set()
        self._count = 0
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None

    def call_at(self, when: float, callback: Callable[[], None]) -> Callable[[], None]:
        """Run `callback` at monotonic time `when`, unless the returned function is called first."""
        with self._cond:
            self._count += 1
            ticket = self._count
            heapq.heappush(self._heap, (when, ticket, callback))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, daemon=True, name="sdpa-deadlines")
                self._thread.start()
            self._cond.notify()

        def cancel() -> None:
            with self._cond:
                self._cancelled.add(ticket)
        return cancel

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._heap:
                    self._cond.wait()
                when, ticket, callback = self._heap[0]
                wait = when - time.monotonic()
                if wait > 0 and ticket not in self._cancelled:
                    self._cond.wait(wait)
                    continue
                heapq.heappop(self._heap)
                if ticket in self._cancelled:
                    self._cancelled.discard(ticket)
                    continue
            with contextlib.suppress(Exception):
                callback()


class ProviderState:
    """Everything the providers keep between calls in one process, in one owner: a connection pool per
    endpoint origin, the deadline watchdog, the in-flight slots per endpoint, and the structured-output form
    each OpenAI-compatible endpoint accepts. `reset()` forgets what was learnt (the watchdog keeps running)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.watchdog = Watchdog()
        self._sessions: dict[str, requests.Session] = {}
        self._slots: dict[str, threading.BoundedSemaphore] = {}
        self._formats: dict[str, str] = {}

    def session(self, base_url: str) -> requests.Session:
        parts = urlsplit(base_url)
        origin = f"{parts.scheme}://{parts.netloc}"
        with self._lock:
            if origin not in self._sessions:
                self._sessions[origin] = _new_session(base_url)
            return self._sessions[origin]

    def slot(self, base_url: str, limit: int) -> threading.BoundedSemaphore:
        """The semaphore that holds calls to `base_url` to `limit` in flight."""
        with self._lock:
            return self._slots.setdefault(f"{limit}@{base_url}", threading.BoundedSemaphore(limit))

    def form(self, base_url: str, default: str) -> str:
        with self._lock:
            return self._formats.get(base_url, default)

    def set_form(self, base_url: str, form: str) -> None:
        with self._lock:
            self._formats[base_url] = form

    def reset(self) -> None:
        with self._lock:
            sessions, self._sessions, self._slots, self._formats = list(self._sessions.values()), {}, {}, {}
        for session in sessions:
            session.close()


STATE = ProviderState()


def backoff(attempt: int, retry_after: float | None) -> float:
    """Exponential backoff with full jitter, or what the server asked for."""
    if retry_after is not None:
        return retry_after
    return random.uniform(0.5, 1.0) * min(8.0, 0.5 * 2**attempt)


def with_retries(
    attempt: Callable[[], T], *, deadline: Deadline, cancel: CancelToken | None, tries: int = MAX_TRIES
) -> T:
    """Run `attempt` under the retry policy: bounded tries, only retryable errors, never after text
    streamed, never past the deadline."""
    for number in range(tries):
        try:
            return attempt()
        except ProviderError as err:
            if not err.retryable or err.streamed or number == tries - 1:
                raise
            wait = backoff(number, err.retry_after)
            if wait >= deadline.remaining():
                err.hint = (err.hint + "; " if err.hint else "") + f"no time left to retry within {deadline.seconds:g}s"
                err.args = (err._message(),)
                raise
            _log.info("retrying %s after %.1fs: %s", err.provider, wait, err)
            if cancel is not None and cancel.wait(wait):
                raise Cancelled() from err
            if cancel is None:
                time.sleep(wait)
    raise AssertionError("unreachable")


class Http:
    """Requests to one endpoint on behalf of one provider."""

    def __init__(
        self,
        provider: str,
        base_url: str,
        headers: dict[str, str],
        *,
        connect_timeout: float,
        describe_error: Callable[[object], tuple[str, float | None]],
        key_var: str = "",
    ):
        self.provider = provider
        self.base_url = base_url.rstrip("/")
        self.headers = headers
        self.connect_timeout = connect_timeout
        self.describe_error = describe_error
        self.key_var = key_var

    def error(self, message: str, **kwargs) -> ProviderError:
        return ProviderError(self.provider, secrets.scrub(message), **kwargs)

    def send(self, call: HttpCall, deadline: Deadline, cancel: CancelToken | None = None) -> requests.Response:
        """One attempt. Returns a 2xx response (streaming if asked) or raises ProviderError."""
        if cancel is not None and cancel.cancelled:
            raise Cancelled()
        remaining = deadline.remaining()
        if remaining <= 0:
            raise self.error(f"no answer within {deadline.seconds:g}s", hint="raise SDPA_TIMEOUT or use a faster model")
        url = self.base_url + call.path
        timeout = (min(self.connect_timeout, remaining), max(0.05, remaining))
        session = session_for(self.base_url)
        try:
            response = session.request(call.method, url, json=call.json, params=call.params,
                                       headers=self.headers, timeout=timeout, stream=True)
        except requests.exceptions.ConnectTimeout as err:
            raise self.error(f"could not connect to {self.base_url} within {timeout[0]:g}s",
                             hint=self._down_hint()) from err
        except requests.exceptions.ReadTimeout as err:
            raise self.error(f"no answer within {deadline.seconds:g}s",
                             hint="raise SDPA_TIMEOUT or use a faster model") from err
        except requests.exceptions.ConnectionError as err:
            if cancel is not None and cancel.cancelled:
                raise Cancelled() from err
            if err.args and isinstance(err.args[0], ProtocolError):  # connected, then closed without answering
                raise self.error("the connection closed without an answer", retryable=True,
                                 hint="try again; if it keeps happening, check the base URL") from err
            raise self.error(f"cannot connect to {self.base_url}", hint=self._down_hint()) from err
        except requests.exceptions.RequestException as err:
            raise self.error(f"request failed: {type(err).__name__}") from err
        if response.status_code >= 400:
            raise self._status_error(response, deadline, cancel)
        if "html" in response.headers.get("content-type", ""):  # a web page or a captive portal, streaming or not
            response.close()
            raise self.error(f"{url} answered with an HTML page, not the API",
                             hint="check the base URL; a proxy or a web UI is answering")
        return response

    def chunks(self, response: requests.Response, deadline: Deadline, cancel: CancelToken | None) -> Iterator[bytes]:
        """The body as it arrives, stopped by the deadline, the size cap or a cancel (which closes it).

        A watchdog shuts the socket at the deadline: a server dripping bytes just inside the read
        timeout (a per-read limit) would otherwise hold the call well past it."""
        def abort() -> None:
            _shutdown(response)
            response.close()

        unregister = cancel.on_cancel(abort) if cancel is not None else (lambda: None)

        def late() -> ProviderError:
            return self.error(f"answer not finished within {deadline.seconds:g}s",
                              hint="raise SDPA_TIMEOUT or use a faster model")

        stop_watching = STATE.watchdog.call_at(time.monotonic() + max(0.0, deadline.remaining()),
                                               lambda: _shutdown(response))
        finished = False
        total = 0
        try:
            for chunk in _pieces(response):
                if cancel is not None and cancel.cancelled:
                    raise Cancelled()
                if deadline.remaining() <= 0:
                    raise late()
                total += len(chunk)
                if total > MAX_ANSWER_BODY:
                    raise self.error(f"answer larger than {MAX_ANSWER_BODY // 1_000_000} MB; stopped reading",
                                     hint="check the base URL: an LLM's answer is a few kB")
                yield chunk
            if cancel is not None and cancel.cancelled:  # the body was ended early by a cancel...
                raise Cancelled()
            if deadline.remaining() <= 0:  # ...or by the watchdog
                raise late()
            finished = True
        except (requests.exceptions.RequestException, Urllib3Error) as err:
            if cancel is not None and cancel.cancelled:
                raise Cancelled() from err
            if deadline.remaining() <= 0:
                raise late() from err
            if "Read timed out" in str(err):
                raise self.error(f"no answer within {deadline.seconds:g}s",
                                 hint="raise SDPA_TIMEOUT or use a faster model") from err
            raise self.error("the connection broke while the answer was streaming", retryable=True,
                             hint="try again") from err
        except (AttributeError, ValueError, OSError) as err:  # the socket was closed under us by cancel
            if cancel is not None and cancel.cancelled:
                raise Cancelled() from err
            if deadline.remaining() <= 0:
                raise late() from err
            raise
        finally:
            stop_watching()
            unregister()
            if finished:  # read to the end: the connection goes back to the pool for the next call
                response.raw.release_conn()
            else:
                response.close()

    def read_json(self, response: requests.Response, deadline: Deadline, cancel: CancelToken | None) -> dict:
        body = b"".join(self.chunks(response, deadline, cancel))
        try:
            value = json.loads(body)
        except ValueError as err:
            what = "an HTML page" if body.lstrip()[:1] == b"<" else f"non-JSON text {body[:60]!r}"
            raise self.error(f"answered with {what}", hint="check the base URL") from err
        if not isinstance(value, dict):
            raise self.error(f"answered with unexpected JSON {body[:60]!r}")
        return value

    def request_json(self, call: HttpCall, deadline: Deadline, cancel: CancelToken | None = None) -> dict:
        """A whole JSON request under the retry policy."""
        return with_retries(lambda: self.read_json(self.send(call, deadline, cancel), deadline, cancel),
                            deadline=deadline, cancel=cancel)

    def _status_error(self, response: requests.Response, deadline: Deadline,
                      cancel: CancelToken | None) -> ProviderError:
        status = response.status_code
        try:
            raw = b"".join(self.chunks(response, deadline, cancel))[:65536]
        except ProviderError:
            raw = b""
        text = raw.decode("utf-8", "replace")
        retry_after = parse_retry_after(response.headers.get("retry-after"))
        if raw.lstrip()[:1] == b"<" or "html" in response.headers.get("content-type", ""):
            message = "answered with an HTML error page (a proxy or gateway in between?)"
        else:
            try:
                body: object = json.loads(text)
            except ValueError:
                body = text
            message, server_delay = self.describe_error(body)
            retry_after = retry_after if retry_after is not None else server_delay
        spend_limit = status == 429 and bool(_SPEND_LIMIT.search(text))
        hint = self._status_hint(status, spend_limit)
        if status in (400, 403) and self.key_var and re.search(r"api[ _-]?key", message or "", re.I):
            hint = f"the key was refused: check {self.key_var}"  # Gemini answers 400 for a bad key
        return self.error(message or response.reason or "error", status=status, hint=hint,
                          retryable=status in RETRY_STATUSES and not spend_limit, retry_after=retry_after)

    def _status_hint(self, status: int, spend_limit: bool) -> str:
        if status == 401:
            return f"the key was refused: check {self.key_var}" if self.key_var else "the server wants a key"
        if status == 403:
            return "the key has no access to this model or region"
        if status == 429:
            return ("spending limit or quota reached: check your plan" if spend_limit
                    else "rate limited: wait a moment or lower your request rate")
        if status in (500, 502, 503, 504, 529):
            return "the provider is overloaded or down: try again shortly"
        if status == 408:
            return "the request timed out at the provider: try again"
        return ""

    def _down_hint(self) -> str:
        if self.provider == "ollama":
            return "is Ollama running? start it with `ollama serve` or set OLLAMA_HOST"
        status = CLOUD_STATUS.get(urlsplit(self.base_url).hostname or "")
        if status:
            return (f"check this machine's network and any proxy (HTTPS_PROXY, a firewall); "
                    f"the vendor's status page: {status}")
        return "is the server running and the base URL right?"
