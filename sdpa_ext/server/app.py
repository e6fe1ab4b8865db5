"""`python -m sdpa_ext serve`: the API (and the UI, when Gradio is installed) on 127.0.0.1:8000, behind the
guard of `access.py` (Host allow-list, same-origin browser requests, optional auth, JSON-only POSTs)."""

from __future__ import annotations

import ipaddress
import os
import sys
import threading
import time
from secrets import token_urlsafe

from .. import secrets
from ..errors import ConfigError
from ..service import Service
from .access import MIN_SECRET, Access, Guard, is_loopback
from .routes import refused_patterns

AUTH_VAR = "SDPA_SERVE_AUTH"
HOSTS_VAR = "SDPA_ALLOWED_HOSTS"
ADMINS_VAR = "SDPA_SERVE_ADMINS"
PROXIES_VAR = "SDPA_TRUSTED_PROXIES"
PAGE_SCRIPT = "/sdpa/page.js"  # javascript/sdpa.js, which the standalone page loads as a file


def create_app(service: Service, *, ui: bool = True, access: Access | None = None):
    """The guarded app: the router at / (`curl localhost:8000/hardware`) and at /sdpa/v1 (as inside the
    WebUI), and the Gradio UI at / when available. API docs are not served (Swagger would load from a CDN);
    the schema is at /sdpa/openapi.json."""
    from fastapi import FastAPI, Response

    from .api import IMAGE_KINDS, MAX_IMAGE_BODY, make_router

    access = access or Access()
    service.admins = access.admins
    app = FastAPI(title="SD Prompt Assistant", docs_url=None, redoc_url=None, openapi_url="/sdpa/openapi.json")
    router = make_router(lambda: service, user=guard_user)
    app.include_router(router)
    app.include_router(router, prefix="/sdpa/v1")
    if ui:
        try:
            import gradio as gr

            from ..ui.compat import mount_options
            from ..ui.workspace import STYLE_PATH, build_standalone, page_script
        except ImportError as err:
            print(f"Serving the API only: the UI needs Gradio ({err}); run `python install.py --standalone`.",
                  file=sys.stderr)
        else:
            css = STYLE_PATH.read_text(encoding="utf-8") if STYLE_PATH.is_file() else ""
            script = page_script()
            app.add_api_route(PAGE_SCRIPT, lambda: Response(script, media_type="text/javascript"),
                              include_in_schema=False)
            app = gr.mount_gradio_app(app, build_standalone(service), path="/",
                                      **mount_options(css, guard_user if access.auth else None, PAGE_SCRIPT))
    return Guard(app, access, refused_patterns(app),
                 body_limits={f"{prefix}/{kind}": MAX_IMAGE_BODY for kind in IMAGE_KINDS
                              for prefix in ("", "/sdpa/v1")})


def guard_user(request) -> str:
    """The user the guard authenticated ("" without auth, or for the bare token): the API's and the page's
    history is kept under it."""
    return request.scope.get("sdpa.user", "")


def new_token() -> str:
    """A random token for SDPA_SERVE_AUTH (256 bits)."""
    return token_urlsafe(32)


def access_for(host: str, environ: dict[str, str] | None = None) -> Access:
    """The policy for `serve --host HOST`: SDPA_SERVE_AUTH (user:password or a token), SDPA_SERVE_ADMINS (the
    users who may change what everyone gets; default the first) and SDPA_ALLOWED_HOSTS (comma-separated names)
    from the environment. Binding beyond loopback without auth is refused."""
    environ = dict(os.environ if environ is None else environ)
    access = Access.for_serve(host, [environ.get(HOSTS_VAR, "")], environ.get(AUTH_VAR, ""),
                              environ.get(ADMINS_VAR, ""))
    secrets.register(*access.secrets())
    if unknown := access.unknown_admins():
        raise ConfigError(ADMINS_VAR, ", ".join(unknown), valid=access.users,
                          hint="name users of SDPA_SERVE_AUTH (user:password), comma-separated")
    weak = access.weaknesses()
    if weak:
        raise ConfigError(AUTH_VAR, hint="; ".join(weak) + f": use user:password with passwords of at least "
                          f"{MIN_SECRET} characters, or a token from `python -m sdpa_ext serve --new-token`")
    if not is_loopback(host) and not access.auth:
        raise ConfigError("--host", host, hint=f"serving beyond this machine needs auth: set {AUTH_VAR} to "
                          "user:password or a long random token (and put TLS in front, see docs/security.md)")
    return access


def trusted_proxies(environ: dict[str, str] | None = None) -> list[str]:
    """SDPA_TRUSTED_PROXIES: the proxies (addresses or networks) whose X-Forwarded-For and X-Forwarded-Proto are
    believed, as uvicorn's --forwarded-allow-ips. None by default: a client that sends the header itself is not
    a new address to the login throttle."""
    value = (os.environ if environ is None else environ).get(PROXIES_VAR, "")
    found = [item.strip() for item in value.split(",") if item.strip()]
    for item in found:
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            raise ConfigError(PROXIES_VAR, item, hint="name proxies by IP address or network (127.0.0.1, "
                              "10.0.0.0/8), comma-separated") from None
    return found


def serve(service: Service, host: str = "127.0.0.1", port: int = 8000) -> int:
    """Serve the service's settings (auto-configure and zero-config applied, as the CLI and WebUI have them)."""
    try:
        import uvicorn
    except ImportError as err:
        raise ConfigError("serve", hint="needs fastapi and uvicorn: run `python install.py --standalone`") from err
    access, proxies = access_for(host), trusted_proxies()
    print(service.settings.banner())
    shown = f"[{host}]" if ":" in host else host
    if not is_loopback(host):
        print(f"warning: listening beyond this machine ({host}); every request needs the {AUTH_VAR} credentials, "
              "which travel in clear over plain HTTP: put a TLS reverse proxy in front", file=sys.stderr)
    server = uvicorn.Server(uvicorn.Config(create_app(service, access=access), host=host, port=port,
                                           log_level="warning", server_header=False, proxy_headers=bool(proxies),
                                           forwarded_allow_ips=proxies))
    address = f"SD Prompt Assistant on http://{shown}:{port}/  (API: /hardware, /sdpa/v1/...)"
    threading.Thread(target=_announce, args=(server, address), daemon=True, name="sdpa-announce").start()
    server.run()
    return 0


def _announce(server, address: str) -> None:
    """Print the address once the server accepts connections (building the UI takes seconds before that)."""
    while not server.started:
        if server.should_exit:
            return
        time.sleep(0.05)
    print(address, flush=True)
