"""Small helpers the tests and benchmarks share: free ports, stopping servers, a slow echoing provider."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent


_GIVEN: set[int] = set()


def free_port() -> int:
    """A port of 127.0.0.1 nothing is bound to now, for a server a test starts (or for an address where nothing
    listens). Never the same one twice in a process, and under pytest-xdist only ports of this worker's own residue
    (port // 2 % workers; Linux gives bind() even ports): two workers never pick the same port between the check and
    the server's bind."""
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    for _ in range(10_000):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        if port // 2 % workers == worker and port not in _GIVEN:
            break
    _GIVEN.add(port)
    return port


def stop(process: subprocess.Popen) -> None:
    """uvicorn and the WebUIs wait for open connections on SIGTERM; don't wait long."""
    process.terminate()
    try:
        process.wait(5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)


def serve(folder: Path, env_text: str = "", environ: dict[str, str] | None = None) -> tuple[subprocess.Popen, str]:
    """Start `python -m sdpa_ext serve` with these settings (and no provider settings of the caller's
    environment; `environ` added last), its data and log in `folder`; wait until it answers. Stop it with
    `stop()`."""
    env_file = folder / "app.env"
    env_file.write_text(env_text, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.endswith(("_PROVIDER", "_MODEL", "_API_KEY", "_BASE_URL"))}
    env.update(SDPA_ENV_FILE=str(env_file), SDPA_DATA_DIR=str(folder / "data"), GRADIO_ANALYTICS_ENABLED="False",
               OLLAMA_HOST=f"127.0.0.1:{free_port()}")  # nothing listens there: "not reachable", at once
    env.update(environ or {})
    port = free_port()
    log = folder / "serve.log"
    with open(log, "w", encoding="utf-8") as out:
        process = subprocess.Popen([sys.executable, "-m", "sdpa_ext", "serve", "--port", str(port)], cwd=ROOT,
                                   env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if requests.get(url + "/sdpa/v1/config", timeout=2).status_code == 200:
                return process, url
        except requests.ConnectionError:
            time.sleep(0.2)
    stop(process)
    raise AssertionError("serve did not start: " + log.read_text(encoding="utf-8")[-2000:])


class SlowEcho:
    """An OpenAI-server answer that takes `delay` seconds and echoes the description or instruction it
    was given, counting the calls in flight (`peak`)."""

    def __init__(self, delay: float):
        self.delay = delay
        self.active = 0
        self.peak = 0
        self.lock = threading.Lock()

    def __call__(self, body: dict) -> str:
        with self.lock:
            self.active += 1
            self.peak = max(self.peak, self.active)
        try:
            time.sleep(self.delay)
            asked = body["messages"][-1]["content"]
            subject = asked.split("Description: ")[-1].split("Instruction: ")[-1].strip()
            return json.dumps({"prompt": f"{subject}, detailed", "negative_prompt": "blurry", "params": {},
                               "notes": subject})
        finally:
            with self.lock:
                self.active -= 1


def progress_watcher(status: str, outputs: list[str]) -> str:
    """Page code that records, in `window.sdpaSeen`, each text of the status line `status` (our phases) and any
    time estimate Gradio's progress shows over `outputs` ("processing | 3.4/0.2s"): visible ones only, since
    Gradio keeps hidden trackers in the page."""
    trackers = ", ".join(f"{o} {c}" for o in outputs for c in (".meta-text", ".meta-text-center", ".progress-text",
                                                                   ".eta-bar"))
    return """() => {
        window.sdpaSeen = {phases: [], estimates: []};
        if (window.sdpaWatching) window.sdpaWatching.disconnect();  // one watcher at a time: the last one asked
        window.sdpaWatching = new MutationObserver(() => {
            const status = document.querySelector(STATUS);
            const text = status ? status.innerText.trim() : "";
            if (text && sdpaSeen.phases[sdpaSeen.phases.length - 1] !== text) sdpaSeen.phases.push(text);
            for (const el of document.querySelectorAll(TRACKERS)) {
                const shown = el.checkVisibility({opacityProperty: true, visibilityProperty: true});
                if (shown && /\\d\\/\\d|\\ds/.test(el.innerText)) sdpaSeen.estimates.push(el.innerText);
            }
        });
        window.sdpaWatching.observe(document.body, {subtree: true, childList: true, characterData: true});
    }""".replace("STATUS", json.dumps(status)).replace("TRACKERS", json.dumps(trackers))


def page_load_value(page, elem_id: str):
    """What a page-load event writes into the component `elem_id` (a WebUI panel fills its roles line then), from a
    built Blocks, under Gradio 3 and 4 alike."""
    for fn in list(page.fns.values()) if isinstance(page.fns, dict) else list(page.fns):
        if not getattr(fn, "inputs", None) and any(getattr(o, "elem_id", None) == elem_id for o in fn.outputs):
            value = fn.fn()
            return value.get("value") if isinstance(value, dict) else value
    raise LookupError(f"no page-load event writes {elem_id}")
