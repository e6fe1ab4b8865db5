"""Who may talk to `python -m sdpa_ext serve`: an ASGI guard in front of the API and the page.

Every request must name an allowed Host (loopback names, the `--host` address, `SDPA_ALLOWED_HOSTS`), so a
DNS-rebound name is refused; a browser request from another origin is refused (Origin and Sec-Fetch-Site), so
a web page cannot run a plan, read an answer or change a key; POSTs must be JSON; optional auth
(`SDPA_SERVE_AUTH`: `user:password` or a token) covers the page and the API alike; and nothing a caller sends
can make Gradio fetch a URL (file references are refused, uploads are not served). Standard library only.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import json
import re
from collections.abc import Awaitable, Callable, Iterable, Mapping, MutableMapping
from dataclasses import dataclass, field
from secrets import compare_digest
from typing import Any
from urllib.parse import urlsplit

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
MAX_BODY_BYTES = 1_000_000  # the page's event payloads are a few KB
MAX_DEPTH = 32  # JSON nesting the page's payloads never come near
STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Gradio routes our page never needs that take files or URLs from a caller; `/file=` naming a URL (an open
# redirect before Gradio 6.20, CVE-2026-59806).
_REFUSED_PATHS = re.compile(r"/upload|/proxy=|/file=\s*(https?:|//|\\\\)", re.IGNORECASE)
SECURITY_HEADERS = [
    (b"content-security-policy",
     b"default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
     b"img-src 'self' data: blob:; font-src 'self' data:; media-src 'self' blob:; worker-src 'self' blob:; "
     b"connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
]

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

    @classmethod
    def for_serve(cls, bind: str, extra_hosts: Iterable[str] = (), auth: str = "") -> Access:
        """`bind` is `--host`; `extra_hosts` names (or a comma list) a proxy or LAN name; `auth` is
        `user:password[,user:password]` or a bare token."""
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
                users[user] = password
            else:
                token = part
        return cls(frozenset(hosts), users, token, any_address=is_wildcard(bind))

    def allows_host(self, host: str) -> bool:
        """A `Host` header this server answers: an allowed name, or an IP address when bound to all of them
        (an address cannot be DNS-rebound)."""
        name = host_name(host)
        return name in self.hosts or (self.any_address and _is_address(name))

    @property
    def auth(self) -> bool:
        return bool(self.users or self.token)

    def secrets(self) -> list[str]:
        return [*self.users.values(), self.token]

    def authenticate(self, header: str) -> bool:
        """`Authorization: Basic user:password` (the token as the password, any user) or `Bearer token`."""
        kind, _, value = header.strip().partition(" ")
        if kind.lower() == "bearer":
            return bool(self.token) and compare_digest(value.strip().encode(), self.token.encode())
        if kind.lower() != "basic":
            return False
        try:
            user, _, password = base64.b64decode(value.strip(), validate=True).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return False
        expected = self.users.get(user)
        ok = expected is not None and compare_digest(password.encode(), expected.encode())
        return ok or (bool(self.token) and compare_digest(password.encode(), self.token.encode()))


def cross_origin(method: str, headers: Mapping[str, str], host: str) -> str:
    """Why a browser request comes from another site (empty when it does not). `Origin` must be this
    server's own; without one, `Sec-Fetch-Site` must not be cross-site (a top-level GET navigation may be)."""
    origin = headers.get("origin")
    if origin is not None:
        parts = urlsplit(origin)
        if origin == "null" or not parts.netloc or parts.netloc.lower() != host.lower():
            return f"Origin {origin!r} is not this server"
        return ""
    site = headers.get("sec-fetch-site", "")
    navigating = headers.get("sec-fetch-mode") == "navigate" and method in ("GET", "HEAD")
    return f"a {site} request" if site in ("cross-site", "same-site") and not navigating else ""


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


class Guard:
    """ASGI middleware: Host allow-list, same-origin browser requests, auth, JSON-only POSTs, no file
    references for the page's events, and security headers (CSP: the page loads nothing from elsewhere)."""

    def __init__(self, app: Callable, access: Access):
        self.app = app
        self.access = access

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        method = scope.get("method", "GET").upper()
        path = scope.get("path", "")
        host = headers.get("host", "")
        status, message = 0, ""
        if not self.access.allows_host(host):
            status, message = 421, f"Host {host_name(host)!r} is not served here (SDPA_ALLOWED_HOSTS adds names)"
        elif reason := cross_origin(method, headers, host):
            status, message = 403, f"cross-origin request refused: {reason}"
        elif self.access.auth and not self.access.authenticate(headers.get("authorization", "")):
            status, message = 401, "authentication required"
        elif _REFUSED_PATHS.search(path):
            status, message = 404, "not served"
        if status:
            await self._refuse(scope, receive, send, status, message)
            return
        if scope["type"] == "http" and method in STATE_CHANGING:
            await self._checked_body(scope, receive, send, headers, method)
            return
        await self.app(scope, receive, self._with_headers(send))

    async def _checked_body(self, scope: Scope, receive: Receive, send: Send, headers: dict[str, str],
                            method: str) -> None:
        """JSON only, with no file reference (the page's events) and no deep nesting. The body is read here
        (bounded) and replayed to the app."""
        kind = headers.get("content-type", "").split(";")[0].strip().lower()
        if kind != "application/json" and not (method == "DELETE" and not headers.get("content-length")):
            await self._refuse(scope, receive, send, 415, "send JSON (Content-Type: application/json)")
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > MAX_BODY_BYTES:
                await self._refuse(scope, receive, send, 413, f"body larger than {MAX_BODY_BYTES} bytes")
                return
            if not message.get("more_body"):
                break
        body = b"".join(chunks)
        try:
            found = file_reference(json.loads(body or b"null"))
        except ValueError:
            found = ""  # not JSON: the route answers it with its own error
        except RecursionError:
            found = f"nested deeper than {MAX_DEPTH} levels"
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

    def _with_headers(self, send: Send) -> Send:
        async def wrapped(message: dict) -> None:
            if message["type"] == "http.response.start":
                names = {name for name, _ in SECURITY_HEADERS}
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names
                        and not k.lower().startswith(b"access-control-")]
                message = {**message, "headers": [*kept, *SECURITY_HEADERS]}
            await send(message)

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
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def rebinding_safe(host: str, extra: Iterable[str] = ()) -> bool:
    """Whether a `Host` header cannot come from DNS rebinding: a loopback name, an IP address, or a name
    the operator listed (rebinding needs a name the attacker controls)."""
    name = host_name(host)
    listed = {host_name(h) for item in extra for h in item.split(",") if h.strip()}
    return name in LOOPBACK_NAMES or name in listed or _is_address(name)


def may_change_keys(user: str, client_host: str, server_authenticates: bool) -> bool:
    """Keys may be written by a logged-in user, through a server that authenticates every request, or
    from this machine (loopback)."""
    return bool(user) or server_authenticates or is_loopback(client_host)
