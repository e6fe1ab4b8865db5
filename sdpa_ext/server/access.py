"""Who may talk to `python -m sdpa_ext serve`: an ASGI guard in front of the API and the page.

Every request must name an allowed Host (loopback names, the `--host` address, `SDPA_ALLOWED_HOSTS`), so a
DNS-rebound name is refused; a browser request from another origin is refused (Origin and Sec-Fetch-Site), so
a web page cannot run a plan, read an answer or change a key; POSTs must be JSON; optional auth
(`SDPA_SERVE_AUTH`: `user:password` or a token) covers the page and the API alike; and nothing a caller sends
can make Gradio fetch a URL (file references are refused, uploads are not served). Standard library only.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import ipaddress
import json
import math
import re
import threading
import time
from collections import OrderedDict
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Iterable, Mapping, MutableMapping
from dataclasses import dataclass, field
from secrets import compare_digest, token_urlsafe
from typing import Any
from urllib.parse import urlsplit

from ..secrets import get_logger

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}
MIN_SECRET = 16  # characters of a password or token: `python -m sdpa_ext serve --new-token` makes one
PAGES = frozenset({"/"})  # where a link from another site may lead (a top-level navigation)
# Any request body the guard reads, unless `body_limits` gives its path more: the page's event payloads are a few KB
MAX_REQUEST_BODY = 1_000_000
MAX_DEPTH = 32  # JSON nesting the page's payloads never come near
# `[`, `{`, `,` and `:` in a JSON body: ours hold a few hundred (a 10,000-character prompt of commas, 10,000); an
# array of millions of values costs seconds and a gigabyte to parse, so it is refused before parsing
MAX_JSON_MARKS = 50_000
STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Gradio routes our page never needs that take files or URLs from a caller; `/file=` naming a URL (an open
# redirect before Gradio 6.20, CVE-2026-59806).
_REFUSED_PATHS = re.compile(r"/upload|/proxy=|/file=\s*(https?:|//|\\\\)", re.IGNORECASE)
# Scripts: the page's own files, and its inline scripts by the nonce the guard gives each HTML answer, never
# 'unsafe-inline' or 'unsafe-eval' (the page has no gr.HTML and no client-side event code, which Gradio 6 runs with
# eval: ui/compat.py). Styles stay 'unsafe-inline': Gradio's components set style attributes.
_POLICY = ("default-src 'self'; script-src 'self'{nonce}; style-src 'self' 'unsafe-inline'; "
           "img-src 'self' data: blob:; font-src 'self' data:; media-src 'self' blob:; worker-src 'self' blob:; "
           "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'")
_SCRIPT_OPEN = re.compile(rb"<script\b", re.IGNORECASE)
_SCRIPT_CLOSE = re.compile(rb"</script", re.IGNORECASE)


def security_headers(nonce: str = "") -> list[tuple[bytes, bytes]]:
    """The headers every answer carries; `nonce`: the one its inline scripts carry."""
    policy = _POLICY.format(nonce=f" 'nonce-{nonce}'" if nonce else "")
    return [(b"content-security-policy", policy.encode()), (b"x-frame-options", b"DENY"),
            (b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer")]


SECURITY_HEADERS = security_headers()


def with_nonce(html: bytes, nonce: str) -> bytes:
    """Each `<script` tag of a page given `nonce="..."`; text inside a script (a JSON config quoting
    `<script`) is left alone, as the browser reads it."""
    out, at = [], 0
    while tag := _SCRIPT_OPEN.search(html, at):
        close = _SCRIPT_CLOSE.search(html, tag.end())
        end = close.end() if close else len(html)
        out += [html[at:tag.end()], f' nonce="{nonce}"'.encode(), html[tag.end():end]]
        at = end
    return b"".join(out) + html[at:]

_log = get_logger(__name__)
Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[dict]]
Send = Callable[[dict], Awaitable[None]]


def host_name(value: str) -> str:
    """`Host`-header or URL authority -> the bare lower-case name (`[::1]:8000` -> `::1`)."""
    value = value.strip().lower()
    if value.startswith("["):
        return value[1:value.find("]")] if "]" in value else value
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


def is_loopback(host: str) -> bool:
    name = host_name(host)
    if name in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _is_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def is_wildcard(host: str) -> bool:
    return host_name(host) in ("0.0.0.0", "::", "")


@dataclass(frozen=True)
class Access:
    """The server's policy: allowed Host names and the credentials (none: no auth)."""

    hosts: frozenset[str] = LOOPBACK_NAMES
    users: dict[str, str] = field(default_factory=dict, repr=False)
    token: str = field(default="", repr=False)
    any_address: bool = False  # bound to every interface: clients may also use any of its IP addresses
    admins: frozenset[str] = frozenset({""})  # who may change what every user gets ("": the bare token, no auth)

    @classmethod
    def for_serve(cls, bind: str, extra_hosts: Iterable[str] = (), auth: str = "", admins: str = "") -> Access:
        """`bind` is `--host`; `extra_hosts` names (or a comma list) a proxy or LAN name; `auth` is
        `user:password[,user:password]` or a bare token; `admins` a comma list of those users (empty: the first
        user). The bare token's holder is an administrator too: it is the operator's."""
        hosts = set(LOOPBACK_NAMES)
        if not is_wildcard(bind):
            hosts.add(host_name(bind))
        for item in extra_hosts:
            hosts.update(host_name(h) for h in item.split(",") if h.strip())
        users: dict[str, str] = {}
        token = ""
        for part in (p.strip() for p in auth.split(",") if p.strip()):
            if ":" in part:
                user, password = part.split(":", 1)
                users[user.strip()] = password
            else:
                token = part
        named = frozenset(a.strip() for a in admins.split(",") if a.strip()) or frozenset(list(users)[:1])
        return cls(frozenset(hosts), users, token, any_address=is_wildcard(bind), admins=named | {""})

    def unknown_admins(self) -> list[str]:
        """Administrators named who are not users of SDPA_SERVE_AUTH."""
        return sorted(a for a in self.admins if a and a not in self.users)

    def weaknesses(self) -> list[str]:
        """What makes these credentials too weak to count as auth (empty: none)."""
        found = [f"user {name!r} has an empty password" if not password else
                 f"user {name!r} has a password of {len(password)} characters (at least {MIN_SECRET})"
                 for name, password in self.users.items() if len(password) < MIN_SECRET]
        if "" in self.users:
            found.insert(0, "a user name is empty (user:password)")
        if self.token and len(self.token) < MIN_SECRET:
            found.append(f"the token has {len(self.token)} characters (at least {MIN_SECRET})")
        secrets = self.secrets()
        if len(set(secrets)) < len(secrets):
            found.append("two users share a password (a password also identifies its user as a Bearer token)")
        return found

    def allows_host(self, host: str) -> bool:
        """A `Host` header this server answers: an allowed name, or an IP address when bound to all of them
        (an address cannot be DNS-rebound)."""
        name = host_name(host)
        return name in self.hosts or (self.any_address and _is_address(name))

    @property
    def auth(self) -> bool:
        return bool(self.users or self.token)

    def secrets(self) -> list[str]:
        return [*self.users.values(), *([self.token] if self.token else [])]

    def authenticate(self, header: str) -> str | None:
        """Who sent `Authorization`: `Basic user:password`, or a token (`Bearer TOKEN`, or the password of
        Basic with any user name). A user's password is that user's token; the bare token's user is "".
        None when the credentials are wrong."""
        kind, _, value = header.strip().partition(" ")
        if kind.lower() == "bearer":
            return self._owner(value.strip())
        if kind.lower() != "basic":
            return None
        try:
            user, _, password = base64.b64decode(value.strip(), validate=True).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None
        expected = self.users.get(user)
        if expected is not None and compare_digest(password.encode(), expected.encode()):
            return user
        return "" if self.token and compare_digest(password.encode(), self.token.encode()) else None

    def _owner(self, token: str) -> str | None:
        """The user whose password or token this is; every secret is compared (no early answer)."""
        found = None
        for user, secret in [*self.users.items(), ("", self.token)]:
            if compare_digest(token.encode(), secret.encode()) and secret:
                found = user
        return found

    def claimed_user(self, header: str) -> str:
        """The configured user a failed Basic login named ("" for any other name: it may be a mistyped
        password), for the log."""
        kind, _, value = header.strip().partition(" ")
        try:
            user = base64.b64decode(value.strip(), validate=True).decode("utf-8").partition(":")[0]
        except (binascii.Error, UnicodeDecodeError):
            return ""
        return user if kind.lower() == "basic" and user in self.users else ""


def _origin_of(scheme: str, authority: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) with the scheme's default port filled in; None when it cannot be read."""
    try:
        parts = urlsplit(f"{scheme}://{authority}")
        port = parts.port or DEFAULT_PORTS.get(scheme.lower())
    except ValueError:
        return None
    return (scheme.lower(), parts.hostname or "", port) if parts.hostname and port else None


def same_origin(origin: str, scheme: str, host: str) -> bool:
    """Whether an `Origin` header names this server: the same scheme, host and port (`http://a` is `a:80`)."""
    parts = urlsplit(origin) if origin != "null" else None
    if parts is None or not parts.scheme or not parts.netloc or parts.path not in ("", "/"):
        return False
    ours = _origin_of(scheme, host)
    return ours is not None and _origin_of(parts.scheme, parts.netloc) == ours


def cross_origin(method: str, headers: Mapping[str, str], host: str, scheme: str = "http",
                 navigable: bool = False) -> str:
    """Why a browser request comes from another site (empty when it does not). `Origin` must be this
    server's own (scheme, host and port); without one, `Sec-Fetch-Site` must not be cross-site or same-site,
    except a top-level GET navigation to a `navigable` path (the page: a link to it may come from anywhere)."""
    origin = headers.get("origin")
    if origin is not None:
        return "" if same_origin(origin, scheme, host) else f"Origin {origin!r} is not this server"
    site = headers.get("sec-fetch-site", "").strip().lower()
    navigating = (navigable and headers.get("sec-fetch-mode", "").strip().lower() == "navigate"
                  and method in ("GET", "HEAD"))
    return f"a {site} request" if site in ("cross-site", "same-site") and not navigating else ""


class BodyRefused(ValueError):
    """A body refused before it is parsed: too large, or too many JSON values. `status`: 413."""

    status = 413


async def read_bounded(chunks: AsyncIterable[bytes], limit: int, declared: str = "") -> bytes:
    """A request body read chunk by chunk, refused as soon as it passes `limit` bytes (a declared
    Content-Length over it before any byte is read): `serve`'s guard and the routes inside the WebUI both read so."""
    if declared.strip().isdigit() and int(declared) > limit:
        raise BodyRefused(f"body larger than {limit} bytes")
    body = bytearray()
    async for chunk in chunks:
        body += chunk
        if len(body) > limit:
            raise BodyRefused(f"body larger than {limit} bytes")
    return bytes(body)


def parse_body(raw: bytes) -> Any:
    """`json.loads`, after counting the body's JSON marks (a C-speed count: nothing is parsed when there are more
    than MAX_JSON_MARKS). ValueError: not JSON; RecursionError: nested too deeply."""
    if sum(raw.count(mark) for mark in (b",", b"[", b"{", b":")) > MAX_JSON_MARKS:
        raise BodyRefused(f"body holds more than {MAX_JSON_MARKS:,} JSON values")
    return json.loads(raw or b"null")


class Disconnected(Exception):
    """The client went away while its body was read."""


async def received(receive: Receive) -> AsyncIterator[bytes]:
    """An ASGI request's body chunks."""
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise Disconnected
        yield message.get("body", b"")
        if not message.get("more_body"):
            return


def file_reference(value: Any, depth: int = 0) -> str:
    """A file or URL reference anywhere in a payload (what makes Gradio fetch or copy a file), or a
    payload nested deeper than MAX_DEPTH; empty when there is none."""
    if depth > MAX_DEPTH:
        return f"nested deeper than {MAX_DEPTH} levels"
    if isinstance(value, dict):
        if "url" in value or "path" in value or "meta" in value:
            return "a file reference (this page takes no files)"
        items: Iterable[Any] = value.values()
    elif isinstance(value, list):
        items = value
    else:
        return ""
    for item in items:
        found = file_reference(item, depth + 1)
        if found:
            return found
    return ""


@dataclass
class Throttle:
    """Failed logins, counted per client address and per configured user a Basic login named: after FREE failures
    in a row on either, each next try from that address (or at that user) waits a growing delay (1, 2, 4 ... s, at
    most LONGEST). Guesses at one user from many addresses are slowed, and so are guesses from one address at many
    users. A success clears only the failures that named the user who got in (another user's login from the same
    address leaves a guesser's count as it is). Holds at most KEPT keys."""

    free: int = 5
    longest: float = 300.0
    kept: int = 4096
    # key (an address, or "\0" + a user) -> (failures per claimed user, "" for none we know; until)
    _failures: OrderedDict[str, tuple[dict[str, int], float]] = field(default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @staticmethod
    def _keys(address: str, user: str) -> list[str]:
        return [address, *(["\0" + user] if user else [])]

    def wait(self, address: str, user: str = "", now: float | None = None) -> float:
        """Seconds before this address may try again, or anyone may try `user` again (0: now)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            return max(max(0.0, self._failures.get(key, ({}, 0.0))[1] - now) for key in self._keys(address, user))

    def failed(self, address: str, user: str = "", now: float | None = None) -> tuple[int, float]:
        """Count a failure that claimed `user`: (the longer run of failures, of the address's and the user's;
        seconds before the next try)."""
        now = time.monotonic() if now is None else now
        runs = []
        with self._lock:
            for key in self._keys(address, user):
                counts = self._failures.pop(key, ({}, 0.0))[0]
                counts[user] = counts.get(user, 0) + 1
                count = sum(counts.values())
                delay = 0.0 if count <= self.free else min(self.longest, 2.0 ** (count - self.free - 1))
                self._failures[key] = (counts, now + delay)
                runs.append((count, delay))
            while len(self._failures) > self.kept:
                self._failures.popitem(last=False)
        return max(runs)

    def succeeded(self, address: str, user: str = "") -> None:
        """`user` got in from `address`: their own failures there, and at their name, are forgotten."""
        with self._lock:
            for key in self._keys(address, user):
                counts = self._failures.get(key, ({}, 0.0))[0]
                counts.pop(user, None)
                if not counts:
                    self._failures.pop(key, None)


_OURS = {name for name, _ in SECURITY_HEADERS}


def _is_page(headers: list[tuple[bytes, bytes]]) -> bool:
    """An uncompressed HTML answer (one whose scripts the guard can give a nonce)."""
    found = {k.lower(): v.lower() for k, v in headers}
    return found.get(b"content-type", b"").startswith(b"text/html") and b"content-encoding" not in found


def _client(scope: Scope) -> str:
    """The client's address (uvicorn puts a trusted local proxy's X-Forwarded-For there)."""
    return str((scope.get("client") or ("",))[0])


class Guard:
    """ASGI middleware: Host allow-list, same-origin browser requests, auth (throttled, the user put in the
    scope as `sdpa.user`), refused routes, JSON-only POSTs, no file references for the page's events, and
    security headers (CSP: the page loads nothing from elsewhere)."""

    def __init__(self, app: Callable, access: Access, refused: Iterable[re.Pattern[str]] = (),
                 throttle: Throttle | None = None, body_limits: Mapping[str, int] | None = None):
        self.app = app
        self.access = access
        self.refused = tuple(refused)  # the app's routes that are never served (gradio_routes.py sorts them)
        self.throttle = throttle or Throttle()
        self.body_limits = dict(body_limits or {})  # paths that take larger bodies (a refine from an image)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        method = scope.get("method", "GET").upper()
        status, message = self._verdict(scope, headers, method)
        if status:
            await self._refuse(scope, receive, send, status, message)
            return
        if scope["type"] == "http" and method in STATE_CHANGING:
            await self._checked_body(scope, receive, send, headers, method)
            return
        await self.app(scope, receive, self._with_headers(send))

    def _verdict(self, scope: Scope, headers: dict[str, str], method: str) -> tuple[int, str]:
        """(status, why) of a refusal, or (0, "") for a request the app may answer."""
        path, host = scope.get("path", ""), headers.get("host", "")
        scheme = {"ws": "http", "wss": "https"}.get(scope.get("scheme", "http"), scope.get("scheme", "http"))
        if not self.access.allows_host(host):
            return 421, f"Host {host_name(host)!r} is not served here (SDPA_ALLOWED_HOSTS adds names)"
        if reason := cross_origin(method, headers, host, scheme, navigable=path in PAGES):
            return 403, f"cross-origin request refused: {reason}"
        if self.access.auth:
            status, message = self._login(scope, headers.get("authorization", ""))
            if status:
                return status, message
        if _REFUSED_PATHS.search(path) or any(route.match(path) for route in self.refused):
            return 404, "not served"
        return 0, ""

    def _login(self, scope: Scope, header: str) -> tuple[int, str]:
        """Check the credentials (throttled per client address); put the user in the scope."""
        address, claimed = _client(scope), self.access.claimed_user(header)
        wait = self.throttle.wait(address, claimed) if header else 0.0
        if wait > 0:
            scope["sdpa.retry"] = math.ceil(wait)
            return 429, f"too many failed logins: try again in {math.ceil(wait)} s"
        user = self.access.authenticate(header)
        if user is None:
            if header:
                count, delay = self.throttle.failed(address, claimed)
                _log.warning("failed login from %s (%s, %d in a row%s)", address or "an unknown address",
                             f"user {claimed!r}" if claimed else "no known user", count,
                             f"; next try in {delay:g} s" if delay else "")
            return 401, "authentication required"
        self.throttle.succeeded(address, user)
        scope["sdpa.user"] = user
        return 0, ""

    async def _checked_body(self, scope: Scope, receive: Receive, send: Send, headers: dict[str, str],
                            method: str) -> None:
        """JSON only, with no file reference (the page's events) and no deep nesting. The body is read here
        (bounded) and replayed to the app."""
        kind = headers.get("content-type", "").split(";")[0].strip().lower()
        if kind != "application/json" and not (method == "DELETE" and not headers.get("content-length")):
            await self._refuse(scope, receive, send, 415, "send JSON (Content-Type: application/json)")
            return
        limit = self.body_limits.get(scope.get("path", ""), MAX_REQUEST_BODY)
        try:
            body = await read_bounded(received(receive), limit, headers.get("content-length", ""))
            found = await asyncio.to_thread(self._inspect, scope, body)  # a large body never stalls the loop
        except Disconnected:
            return
        except BodyRefused as err:
            await self._refuse(scope, receive, send, err.status, str(err))
            return
        if found:
            await self._refuse(scope, receive, send, 422, f"refused: {found}")
            return
        sent = False

        async def replay() -> dict:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, self._with_headers(send))

    @staticmethod
    def _inspect(scope: Scope, body: bytes) -> str:
        """Why the body is refused (a file reference, deep nesting; empty: it is not). The parsed body goes in
        the scope (`sdpa.json`: its size and value) so the route does not parse it again."""
        try:
            value = parse_body(body)
        except RecursionError:
            return f"nested deeper than {MAX_DEPTH} levels"
        except BodyRefused:
            raise
        except ValueError:
            return ""  # not JSON: the route answers it with its own error
        scope["sdpa.json"] = (len(body), value)
        return file_reference(value)

    def _with_headers(self, send: Send) -> Send:
        """Our headers on every answer (no CORS ones); an HTML page is held whole and its scripts get a nonce."""
        start: dict = {}
        held: list[bytes] = []

        async def wrapped(message: dict) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in _OURS
                           and not k.lower().startswith(b"access-control-")]
                start = {**message, "headers": headers}
                if not _is_page(headers):
                    await send({**start, "headers": [*headers, *SECURITY_HEADERS]})
                return
            if message["type"] != "http.response.body" or not _is_page(start.get("headers", [])):
                await send(message)
                return
            held.append(message.get("body", b""))
            if message.get("more_body"):
                return
            nonce = token_urlsafe(18)
            body = with_nonce(b"".join(held), nonce)
            headers = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
            await send({**start, "headers": [*headers, (b"content-length", str(len(body)).encode()),
                                             *security_headers(nonce)]})
            await send({"type": "http.response.body", "body": body})

        return wrapped

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, status: int, message: str) -> None:
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008, "reason": message[:120]})
            return
        body = json.dumps({"detail": message}).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                   *SECURITY_HEADERS]
        if status == 401:
            headers.append((b"www-authenticate", b'Basic realm="SD Prompt Assistant", charset="UTF-8"'))
        if status == 429:
            headers.append((b"retry-after", str(scope.get("sdpa.retry", 1)).encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def rebinding_safe(host: str, extra: Iterable[str] = ()) -> bool:
    """Whether a `Host` header cannot come from DNS rebinding: a loopback name, an IP address, or a name
    the operator listed (rebinding needs a name the attacker controls)."""
    name = host_name(host)
    listed = {host_name(h) for item in extra for h in item.split(",") if h.strip()}
    return name in LOOPBACK_NAMES or name in listed or _is_address(name)


def may_administer(user: str, client_host: str, admins: frozenset[str] | None) -> bool:
    """Whether this user may change what every user gets (keys, pulls and unloads, settings, another user's
    style). `serve` names its administrators (`admins`); inside the WebUI (None) that is a logged-in user or
    anyone on this machine (loopback), as the WebUI's own settings page."""
    if admins is not None:
        return user in admins
    return bool(user) or is_loopback(client_host)
