"""One FastAPI router (plain dicts, so it runs under pydantic 1 and 2), mounted by the WebUI at
/sdpa/v1 and by `python -m sdpa_ext serve` at / and /sdpa/v1.

Requests name no endpoint, provider or key: those come only from the operator's settings, so the
API cannot be used to make the server call an address of the caller's choosing. POSTs take JSON only
(`Content-Type: application/json`) and a browser may send them only from the server's own origin, so a
web page cannot make a visitor's browser run a plan. Importing this module imports FastAPI: only the
WebUI's app_started callback and `serve` do.
"""

from __future__ import annotations

import math
import os
import re
import uuid
from collections.abc import Callable
from dataclasses import asdict
from secrets import compare_digest
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import JSONResponse
from fastapi.security import HTTPBasic, HTTPBasicCredentials
from starlette.concurrency import run_in_threadpool

from ..assistant import MAX_IMAGE
from ..budget import OverBudget
from ..craft.takes import check_n
from ..errors import Busy, Cancelled, ConfigError, Forbidden, ProviderError
from ..history import HistoryError
from ..images.metadata import file_from_base64
from ..images.pictures import picture_from_base64
from ..secrets import scrub
from ..service import Service
from ..styles import StyleExists
from ..types import PromptVersion, Takes
from .access import BodyRefused, cross_origin, parse_body, read_bounded, rebinding_safe

MAX_API_BODY = 200_000  # a /sdpa/v1 request's JSON body
MAX_IMAGE_BODY = 4 * MAX_IMAGE // 3 + MAX_API_BODY  # a body that carries an image as base64
MAX_PARAMS = 32  # suggested settings in a refine body: a flat object of this many values at most
_FIELDS: dict[str, dict[str, type | tuple[type, ...]]] = {
    "plan": {"description": str, "family": str, "style": str, "session": str, "n": int},
    "refine": {"instruction": str, "chip": str, "prompt": str, "negative_prompt": str, "params": dict,
               "family": str, "session": str, "from_image": str, "n": int},
    "pick": {"id": str, "session": str},
    "describe": {"image": str, "family": str, "session": str},
    "check": {"image": str, "description": str, "prompt": str},
    "style": {"name": str, "prompt": str, "negative_prompt": str, "template": bool, "subject": str, "replace": bool,
              "session": str},
}
_REQUIRED = {"plan": ("description",), "refine": (), "style": ("name",), "pick": ("id",), "describe": ("image",),
             "check": ("image", "prompt")}
IMAGE_KINDS = frozenset({"refine", "describe", "check"})  # bodies that may carry an image as base64
SESSION_HEADER = "X-SDPA-Session"  # a client's own undo line; else the cookie below, else a new one each time
SESSION_COOKIE = "sdpa_session"
_SESSION_ID = re.compile(r"[A-Za-z0-9_.:-]{1,64}")


class InputError(Exception):
    def __init__(self, field: str, message: str, status: int = 422):
        self.field, self.message, self.status = field, message, status
        super().__init__(f"{field}: {message}")


def client_session(body: dict, headers: Any, cookies: dict[str, str]) -> str:
    """The API client's session: the body's `session`, the X-SDPA-Session header or the sdpa_session cookie;
    a new one when none is given (never one id shared by every client)."""
    for given, where in ((body.get("session"), "session"), (headers.get(SESSION_HEADER), SESSION_HEADER),
                         (cookies.get(SESSION_COOKIE), SESSION_COOKIE)):
        if given:
            if not _SESSION_ID.fullmatch(given):
                raise InputError(where, "expected 1 to 64 letters, digits or . _ : -")
            return given
    return "api-" + uuid.uuid4().hex


def _check_params(params: dict) -> None:
    """Suggested settings: a flat object of finite numbers, text, true/false or null."""
    if len(params) > MAX_PARAMS:
        raise InputError("params", f"has {len(params)} values; the limit is {MAX_PARAMS}")
    for name, value in params.items():
        if isinstance(value, float) and not math.isfinite(value):
            raise InputError("params", f"{name}: must be a finite number, not {value}")
        if not (value is None or isinstance(value, str | int | float | bool)):
            raise InputError("params", f"{name}: expected a number, text, true/false or null")


def _check_refine(body: dict) -> None:
    """What to refine: `prompt` (with an instruction or a chip) or `from_image` (alone: the image's fields)."""
    if body.get("from_image") is not None:
        if body.get("prompt") is not None:
            raise InputError("prompt", "give either prompt or from_image, not both")
        try:
            body["from_image"] = file_from_base64(body["from_image"], MAX_IMAGE)
        except ConfigError as err:
            raise InputError("from_image", err.hint) from err
        if body.get("instruction") is not None and not body["instruction"].strip() and not body.get("chip"):
            raise InputError("instruction", "is empty")
        return
    if body.get("prompt") is None:  # empty is a prompt (an old image's): the instruction or chip writes it
        raise InputError("prompt", "field required (or from_image)")
    if not body.get("chip"):
        if body.get("instruction") is None:
            raise InputError("instruction", "field required (or a chip)")
        if not body["instruction"].strip():
            raise InputError("instruction", "is empty")


def _validate(kind: str, body: Any) -> dict:
    if not isinstance(body, dict):
        raise InputError("body", "expected a JSON object")
    fields = _FIELDS[kind]
    for name, value in body.items():
        if name not in fields:
            raise InputError(name, f"unknown field; valid fields: {', '.join(fields)}")
        if value is not None and not isinstance(value, fields[name]):
            raise InputError(name, f"expected {getattr(fields[name], '__name__', 'a value')}")
    for name in _REQUIRED[kind]:
        if body.get(name) is None:
            raise InputError(name, "field required")
        if not body[name].strip():
            raise InputError(name, "is empty")
    if kind == "refine":
        _check_refine(body)
    if body.get("n") is not None:
        try:
            check_n(body["n"])
        except ConfigError as err:
            raise InputError("n", err.hint) from err
    if body.get("params"):
        _check_params(body["params"])
    return body


def basic_auth(credentials: dict[str, str]):
    """The WebUI's --api-auth (user:password,...) as a dependency; the user name goes to request.state."""
    def check(request: Request, given: HTTPBasicCredentials = Depends(HTTPBasic())) -> None:  # noqa: B008
        expected = credentials.get(given.username)
        if expected is None or not compare_digest(given.password, expected):
            raise HTTPException(status_code=401, detail="Incorrect username or password",
                                headers={"WWW-Authenticate": "Basic"})
        request.state.sdpa_user = given.username

    return Depends(check)


def _same_site(allowed: list[str]) -> Callable[[Request], None]:
    """Refuse a Host that is a name neither loopback nor listed in SDPA_ALLOWED_HOSTS (DNS rebinding), and a
    browser request from another origin (whatever CORS the host allows)."""
    def check(request: Request) -> None:
        host = request.headers.get("host", "")
        if not rebinding_safe(host, allowed):
            raise HTTPException(status_code=421, detail=f"Host {host!r} is not served here (SDPA_ALLOWED_HOSTS "
                                "adds names)")
        reason = cross_origin(request.method, request.headers, host, request.url.scheme)
        if reason:
            raise HTTPException(status_code=403, detail=f"cross-origin request refused: {reason}")

    return check


def _error(status: int, field: str | None, message: str) -> JSONResponse:
    message = scrub(message)
    detail: Any = [{"loc": ["body", field], "msg": message, "type": "value_error"}] if field else message
    return JSONResponse({"detail": detail, "error": message}, status_code=status)


async def _body_of(request: Request, limit: int = MAX_API_BODY) -> Any:
    """The JSON body of a POST (the router's dependency has refused other sites already), read with a bound (inside
    the WebUI too) and parsed in a worker thread; under `serve` the guard has parsed it already."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/json":
        raise InputError("body", "send JSON (Content-Type: application/json)", status=415)
    if "sdpa.json" in request.scope:
        size, body = request.scope["sdpa.json"]
        body = body if size else {}
        if size > limit:
            raise InputError("body", f"larger than {limit} bytes", status=413)
    else:
        try:
            raw = await read_bounded(request.stream(), limit, request.headers.get("content-length", ""))
        except BodyRefused as err:
            raise InputError("body", str(err).removeprefix("body "), status=err.status) from err
        body = await run_in_threadpool(_parse, raw)
    await run_in_threadpool(_check_text, body)
    return body


def _parse(raw: bytes) -> Any:
    try:
        return parse_body(raw or b"{}")
    except BodyRefused as err:
        raise InputError("body", str(err).removeprefix("body "), status=err.status) from err
    except RecursionError as err:
        raise InputError("body", "nested too deeply") from err
    except (ValueError, UnicodeDecodeError) as err:
        raise InputError("body", f"invalid JSON ({err})") from err


def _check_text(body: Any) -> None:
    """Every string in the body is text: JSON's `\\ud800` escape gives a lone surrogate, which no file,
    database or page can hold."""
    pending: list[tuple[str, Any]] = [("body", body)]
    while pending:
        where, value = pending.pop()
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError as err:
                raise InputError(where, f"holds a lone surrogate ({value[err.start]!r}): not text") from err
        elif isinstance(value, dict):
            pending += [(where, key) for key in value]
            pending += [(key if where == "body" else where, item) for key, item in value.items()]
        elif isinstance(value, list):
            pending += [(where, item) for item in value]


def _run(call: Callable[[], dict], session: str = "") -> JSONResponse:
    """The call's dict as JSON, or its error with the status docs/api.md names; `session` goes back in the
    X-SDPA-Session header and the cookie, so the client's next call continues its own line."""
    try:
        response = JSONResponse(call())  # versions are scrubbed when made and when read from history
    except InputError as err:
        response = _error(err.status, err.field, err.message)
    except OverBudget as err:
        response = _error(422, None, str(err))
    except StyleExists as err:
        response = _error(409, err.setting, str(err.said('send "replace": true')))
    except Forbidden as err:
        response = _error(403, err.setting, str(err))
    except Busy as err:
        response = _error(503, None, str(err))
        response.headers["Retry-After"] = "5"
    except ConfigError as err:
        response = _error(422, err.setting, str(err))
    except HistoryError as err:
        response = _error(503, None, str(err))
    except ProviderError as err:
        response = _error(502, None, str(err))
    except Cancelled as err:
        response = _error(499, None, str(err))
    if session:
        response.headers[SESSION_HEADER] = session
        response.set_cookie(SESSION_COOKIE, session, httponly=True, samesite="strict")
    return response


async def _write(request: Request, kind: str, get_service: Callable[[], Service],
                 user: Callable[[Any], str] | None) -> JSONResponse:
    """POST /plan, /refine, /pick, /style, /describe and /check: validate, then run in a worker thread through the
    Service (which records the version under this user and this client's session). Takes only when the body asks
    (`n`), so a client's answers keep their shape whatever SDPA_TAKES says. An image (base64 or a data URL) is
    read, downscaled and stripped of its metadata before anything is sent."""
    try:
        body = _validate(kind, await _body_of(request, MAX_IMAGE_BODY if kind in IMAGE_KINDS else MAX_API_BODY))
        session = client_session(body, request.headers, request.cookies)
    except InputError as err:
        return _error(err.status, err.field, err.message)
    service, who, family = get_service(), user(request) if user else "", body.get("family") or "auto"
    if kind == "style":
        def call() -> dict:
            saved = service.save_style(body["name"], prompt=body.get("prompt"),
                                       negative=body.get("negative_prompt") or "", template=bool(body.get("template")),
                                       subject=body.get("subject") or "", replace=bool(body.get("replace")),
                                       session=session, user=who)
            return {"name": saved.style.name, "prompt": saved.style.prompt,
                    "negative_prompt": saved.style.negative_prompt, "file": saved.file, "replaced": saved.replaced}
    elif kind == "pick":
        def call() -> dict:
            picked = service.pick(body["id"], session=session, user=who)
            if picked is None:
                raise InputError("id", f"no version {body['id']!r} of yours", status=404)
            return service.to_json(picked, user=who)
    elif kind == "describe":
        def call() -> dict:
            image = picture_from_base64(body["image"])
            return service.to_json(service.describe_image(image, session=session, user=who, family=family),
                                   user=who)
    elif kind == "check":
        def call() -> dict:
            image = picture_from_base64(body["image"])
            return service.check_image(image, body.get("description") or "", body["prompt"]).to_json()
    elif kind == "plan":
        def call() -> dict:
            return _answer(service, service.plan_takes(body["description"], body.get("n") or 1, session=session,
                                                       user=who, family=family, style=body.get("style")), who)
    else:
        def call() -> dict:
            return _answer(service, _refine(service, body, session, who, family), who)
    return await run_in_threadpool(_run, call, session)


def _answer(service: Service, takes: Takes, who: str) -> dict:
    """One version's JSON, or with several takes {"takes": [...], "cost_usd", "latency_s", "calls"}."""
    return service.to_json(takes.versions[0], user=who) if len(takes.versions) == 1 else service.takes_json(
        takes, user=who)


def _refine(service: Service, body: dict, session: str, who: str, family: str) -> Takes:
    """A refine body through the Service: the given fields, or an image's (recorded first; alone, the answer)."""
    instruction, chip = body.get("instruction") or "", body.get("chip")
    if body.get("from_image") is not None:
        current = service.from_image(body["from_image"], session=session, user=who, family=family)
        if not (instruction or chip):
            return Takes.of([current], [])
    else:
        current = PromptVersion(prompt=body["prompt"], negative_prompt=body.get("negative_prompt") or "",
                                params=body.get("params") or {}, kind="edit")
    return service.refine_takes(current, instruction, body.get("n") or 1, chip=chip, session=session, user=who,
                                family=family)


def _config(service: Service) -> dict:
    """The settings in use (auto-configure and zero-config applied), keys as set / not set."""
    settings = service.settings
    return {"banner": settings.banner(), "dual": settings.dual,
            "roles": {r: {"provider": c.provider, "model": c.model, "endpoint": c.endpoint, "label": c.label,
                          "api_key": "set" if c.api_key else "not set"}
                      for r, c in (("planning", settings.planning), ("execution", settings.execution))},
            "settings": {e.name: {"value": e.shown, "source": e.source} for e in settings.entries.values()},
            "warnings": settings.warnings}


def _post(kind: str, get_service: Callable[[], Service], user: Callable[[Any], str] | None):
    async def endpoint(request: Request) -> JSONResponse:
        return await _write(request, kind, get_service, user)

    endpoint.__name__ = kind
    return endpoint


def make_router(get_service: Callable[[], Service], dependencies: list | None = None,
                user: Callable[[Any], str] | None = None):
    """The routes. `dependencies` carries the host's auth (the WebUI's --api-auth). Every route, inside the
    WebUI too, refuses other sites (`_same_site`)."""
    allowed = [os.environ.get("SDPA_ALLOWED_HOSTS", "")]
    router = APIRouter(dependencies=[*(dependencies or []), Depends(_same_site(allowed))])

    @router.get("/hardware")
    def hardware() -> JSONResponse:
        from ..hardware import machine_report

        return _run(lambda: machine_report(get_service().settings).as_dict())

    @router.get("/config")
    def config() -> JSONResponse:
        return _run(lambda: _config(get_service()))

    for kind in _FIELDS:  # POST /plan, /refine, /pick, /style, /describe, /check
        router.add_api_route(f"/{kind}", _post(kind, get_service, user), methods=["POST"], name=kind)

    @router.get("/history")
    def history(request: Request, search: str = "", limit: int = 50) -> JSONResponse:
        who = user(request) if user else ""
        return _run(lambda: {"versions": [asdict(v) for v in get_service().search(
            search, user=who, limit=max(1, min(limit, 500)))]})

    return router
