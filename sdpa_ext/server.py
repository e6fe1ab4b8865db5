"""`python -m sdpa_ext serve`: the API (and the UI, when Gradio is installed) on 127.0.0.1:8000."""

from __future__ import annotations

import sys

from .config import Settings
from .errors import ConfigError
from .service import Service


def create_app(service: Service, *, ui: bool = True):
    """A FastAPI app: the router at / (as the guide promises: `curl localhost:8000/hardware`) and at
    /sdpa/v1 (as inside the WebUI), and the Gradio UI at / when available."""
    from fastapi import FastAPI

    from .api import make_router

    app = FastAPI(title="SD Prompt Assistant", docs_url="/sdpa/docs", openapi_url="/sdpa/openapi.json")
    router = make_router(lambda: service)
    app.include_router(router)
    app.include_router(router, prefix="/sdpa/v1")
    if ui:
        try:
            import gradio as gr

            from .ui.blocks import build_standalone
        except ImportError as err:
            print(f"Serving the API only: the UI needs Gradio ({err}); run `python install.py --standalone`.",
                  file=sys.stderr)
        else:
            app = gr.mount_gradio_app(app, build_standalone(service), path="/")
    return app


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 8000) -> int:
    try:
        import uvicorn
    except ImportError as err:
        raise ConfigError("serve", hint="needs fastapi and uvicorn: run `python install.py --standalone`") from err
    print(settings.banner())
    print(f"SD Prompt Assistant on http://{host}:{port}/  (API: /hardware, /sdpa/v1/...)")
    uvicorn.run(create_app(Service(settings)), host=host, port=port, log_level="warning")
    return 0
