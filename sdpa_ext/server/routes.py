"""Every route of the app `serve` mounts, sorted at start: served, or refused by the guard (404).

Gradio adds routes from version to version (aliases such as `/gradio_api/file/...` next to `/file=`), and some
fetch or serve files or URLs. So the routes are listed from the mounted app itself, not from a list of bad
ones: a route this table does not name is refused until someone classifies it (tests/test_routes.py fails on
it first), and the start-up log names it. Our own routes (`sdpa_ext.server.api`) are served.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from ..secrets import get_logger

_log = get_logger(__name__)

# What the page and API clients need (Gradio 6): the page and its assets, its config and API description, the
# queue, calls by API name (the guard checks their bodies like the page's events), heartbeats, and `/file=`
# (a URL named there is refused by the guard).
SERVED = frozenset({
    "/", "/config", "/config/", "/openapi.json", "/sdpa/openapi.json", "/favicon.ico", "/robots.txt",
    "/theme.css", "/manifest.json", "/pwa_icon", "/pwa_icon/{size}", "/svelte/{path:path}", "/static/{path:path}",
    "/assets/{path:path}", "/gradio_api/theme.css", "/gradio_api/info", "/gradio_api/info/",
    "/gradio_api/openapi.json", "/gradio_api/app_id", "/gradio_api/app_id/", "/gradio_api/user",
    "/gradio_api/user/", "/gradio_api/login_check", "/gradio_api/login_check/", "/gradio_api/startup-events",
    "/gradio_api/heartbeat/{session_hash}", "/gradio_api/queue/join", "/gradio_api/queue/data",
    "/gradio_api/queue/status", "/gradio_api/cancel", "/gradio_api/reset", "/gradio_api/reset/",
    "/gradio_api/api/{api_name}", "/gradio_api/api/{api_name}/", "/gradio_api/run/{api_name}",
    "/gradio_api/run/{api_name}/", "/gradio_api/call/{api_name}", "/gradio_api/call/{api_name}/",
    "/gradio_api/call/{api_name}/{event_id}", "/gradio_api/call/v2/{api_name}",
    "/gradio_api/call/v2/{api_name}/", "/gradio_api/call/v2/{api_name}/{event_id}",
    "/gradio_api/file={path_or_url:path}",
})
# Refused, with the reason: they fetch or serve files or URLs, take uploads, or are features the page has none of.
REFUSED = {
    "/gradio_api/file/{path:path}": "the older alias of /file=: it fetches a URL it is given",
    "/gradio_api/proxy={url_path:path}": "fetches from another Space",
    "/gradio_api/upload": "takes uploads (the page takes no files)",
    "/gradio_api/upload_progress": "uploads",
    "/gradio_api/process_recording": "takes recorded media",
    "/gradio_api/stream/{event_id}": "media streaming",
    "/gradio_api/stream/{event_id}/close": "media streaming",
    "/gradio_api/stream/{session_hash}/{run}/{component_id}/playlist.m3u8": "serves streamed media files",
    "/gradio_api/stream/{session_hash}/{run}/{component_id}/{segment_id}.{ext}": "serves streamed media files",
    "/gradio_api/stream/{session_hash}/{run}/{component_id}/playlist-file": "serves streamed media files",
    "/gradio_api/custom_component/{id}/{environment}/{type}/{file_name}": "serves custom components' files",
    "/gradio_api/component_server": "runs components' server functions (file explorers list files)",
    "/gradio_api/component_server/": "runs components' server functions (file explorers list files)",
    "/gradio_api/runs": "run history (CVE-2026-134825)",
    "/gradio_api/runs/": "run history (CVE-2026-134825)",
    "/gradio_api/deep_link": "deep links (the page has none)",
    "/gradio_api/dev/reload": "development reload",
    "/gradio_api/vibe-edit": "edits the app's code", "/gradio_api/vibe-edit/": "edits the app's code",
    "/gradio_api/undo-vibe-edit": "edits the app's code", "/gradio_api/undo-vibe-edit/": "edits the app's code",
    "/gradio_api/vibe-code": "reads and edits the app's code", "/gradio_api/vibe-code/": "reads and edits the code",
    "/gradio_api/vibe-starter-queries": "code editing", "/gradio_api/vibe-starter-queries/": "code editing",
    "/login": "Gradio's own login (auth is the guard's)", "/login/": "Gradio's own login",
    "/logout": "Gradio's own login", "/gradio_api/token": "Gradio's own login token",
    "/gradio_api/token/": "Gradio's own login token",
    "/monitoring": "analytics dashboard", "/monitoring/summary": "analytics dashboard",
    "/monitoring/{key}": "analytics dashboard",
}


def app_routes(routes: Iterable[Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    """(full path template, route) of every route, into mounted apps and included routers."""
    for route in routes:
        included = getattr(route, "original_router", None)  # FastAPI >= 0.165 includes routers lazily
        if included is not None:
            yield from app_routes(included.routes, prefix + route.include_context.prefix)
        elif type(route).__name__ == "Mount":
            yield from app_routes(getattr(route, "routes", None) or [], prefix + route.path)
        elif hasattr(route, "path"):
            yield prefix + route.path, route


def is_ours(route: Any) -> bool:
    return getattr(getattr(route, "endpoint", None), "__module__", "").startswith("sdpa_ext.")


def unclassified(app: Any) -> list[str]:
    """The app's routes that are neither ours nor in SERVED or REFUSED."""
    return sorted({path for path, route in app_routes(app.routes)
                   if not is_ours(route) and path not in SERVED and path not in REFUSED})


def refused_patterns(app: Any) -> list[re.Pattern[str]]:
    """Path patterns of the routes the guard refuses: those in REFUSED, and any route nobody classified."""
    from starlette.routing import compile_path

    unknown = unclassified(app)
    if unknown:
        _log.warning("refusing routes this Gradio added that are not classified yet: %s", ", ".join(unknown))
    refused = {path for path, route in app_routes(app.routes) if path in REFUSED or path in unknown}
    return [compile_path(path)[0] for path in sorted(refused)]
