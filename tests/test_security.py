"""Issue 12: the standalone server, the pages we render and the keys, tried as an attacker would. Servers on
127.0.0.1 only; Chromium (Debian's, through Playwright) for the hostile page, the offline page and the
escaping of every HTML builder. Traffic never leaves loopback: name lookups of anything else are refused."""

from __future__ import annotations

import base64
import contextlib
import http.server
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
import requests

from sdpa_ext import secrets
from sdpa_ext.service import Service
from sdpa_ext.settings import keyfile
from sdpa_ext.types import PromptVersion

from .conftest import OPENAI_KEY, assert_no_keys
from .support import free_port, stop
from .test_browser import TIMEOUT_MS, _open_accordion
from .test_render import HOSTILE, builders
from .wire import OllamaServer, OpenAIServer
from .wire.server import WireServer, split_text

ROOT = Path(__file__).resolve().parent.parent
MARKUP = "*star* $$x^2$$ [link](http://example.com) `code`"  # Markdown and LaTeX a model may write
ANSWER = json.dumps({"prompt": "cabin, snow, dusk", "negative_prompt": "blurry", "params": {"steps": 25},
                     "notes": MARKUP})
AUTH = ("alice", "correct horse battery staple")
TOKEN = "sdpa-token-0123456789abcdef0123456789"
BAD_MODEL = "<img src=x onerror=\"window.sdpaPwned=1\" id=sdpa-injected>"


# -- servers ---------------------------------------------------------------------------------------------


def start_serve(folder: Path, env_text: str, extra_env: dict[str, str] | None = None) -> tuple[subprocess.Popen, str]:
    """`python -m sdpa_ext serve` (the command users run) with these settings; waits for any HTTP answer."""
    env_file = folder / "app.env"
    env_file.write_text(env_text, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.endswith(("_PROVIDER", "_MODEL", "_API_KEY", "_BASE_URL"))}
    env.update(SDPA_ENV_FILE=str(env_file), SDPA_DATA_DIR=str(folder / "data"), GRADIO_ANALYTICS_ENABLED="False",
               OLLAMA_HOST=f"127.0.0.1:{free_port()}", **(extra_env or {}))
    port = free_port()
    with open(folder / "serve.log", "w", encoding="utf-8") as log:  # the server keeps its own copy
        process = subprocess.Popen([sys.executable, "-m", "sdpa_ext", "serve", "--port", str(port)], cwd=ROOT,
                                   env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        if process.poll() is not None:
            break
        try:
            requests.get(url + "/sdpa/openapi.json", timeout=2)
            return process, url
        except requests.ConnectionError:
            time.sleep(0.2)
    stop(process)
    raise AssertionError("serve did not start: " + (folder / "serve.log").read_text(encoding="utf-8")[-2000:])


@pytest.fixture(scope="module")
def wire():
    with OpenAIServer(api_key=OPENAI_KEY, answer=ANSWER, models=["gpt-4.1-mini", BAD_MODEL]) as server:
        yield server


def provider_env(wire) -> str:
    return f"LLM_PROVIDER=openai\nOPENAI_BASE_URL={wire.url}/v1\nOPENAI_API_KEY={OPENAI_KEY}\nSDPA_STREAM=false\n"


@pytest.fixture(scope="module")
def app(tmp_path_factory, wire):
    folder = tmp_path_factory.mktemp("open")
    process, url = start_serve(folder, provider_env(wire))
    yield SimpleNamespace(url=url, folder=folder)
    stop(process)


@pytest.fixture(scope="module")
def locked(tmp_path_factory, wire):
    """The same app with SDPA_SERVE_AUTH: a user and a token."""
    folder = tmp_path_factory.mktemp("auth")
    process, url = start_serve(folder, provider_env(wire), {"SDPA_SERVE_AUTH": f"{AUTH[0]}:{AUTH[1]},{TOKEN}"})
    yield SimpleNamespace(url=url, folder=folder)
    stop(process)


def page_config(url: str, auth: tuple[str, str] | None = None) -> dict:
    """The Gradio page's own config (its events), as the page carries it."""
    html = requests.get(url + "/", auth=auth, timeout=30).text
    found = re.search(r"window\.gradio_config\s*=\s*(\{.*?\});?\s*</script>", html, re.S)
    assert found, "no Gradio config in the page"
    return json.loads(found.group(1))


def gradio_prefix(url: str, auth: tuple[str, str] | None = None) -> str:
    """Gradio 5+ serves its routes under /gradio_api; 4.x at the root."""
    return "/gradio_api" if requests.get(url + "/gradio_api/info", auth=auth, timeout=30).ok else ""


def save_keys_index(config: dict) -> int:
    """The fn_index of the "Save keys" event."""
    ids = {c["id"]: (c.get("props") or {}).get("elem_id") for c in config["components"]}
    for index, dep in enumerate(config["dependencies"]):
        targets = [t[0] if isinstance(t, list) else t for t in dep.get("targets", [])]
        if any(ids.get(t) == "sdpa_tab_save_keys" for t in targets):
            return dep.get("id", index)
    raise AssertionError("no Save keys event")


# -- Host, Origin, JSON, auth ------------------------------------------------------------------------------


def test_a_dns_rebound_host_is_refused(app):
    port = app.url.rsplit(":", 1)[1]
    for host in ("evil.example", f"evil.example:{port}", "127.0.0.1.nip.io", f"attacker.localhost.evil:{port}"):
        response = requests.get(app.url + "/sdpa/v1/config", headers={"Host": host}, timeout=10)
        assert response.status_code == 421, (host, response.status_code)
        assert "banner" not in response.text
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}"):
        assert requests.get(app.url + "/sdpa/v1/config", headers={"Host": host}, timeout=10).ok, host
    assert requests.get(app.url + "/", headers={"Host": "evil.example"}, timeout=10).status_code == 421


def test_another_origin_cannot_post_to_the_api_or_the_page(app, wire):
    before = wire.count("/chat/completions")
    body = json.dumps({"description": "a cabin from evil"})
    for headers in ({"Origin": "http://evil.example", "Content-Type": "application/json"},
                    {"Origin": "null", "Content-Type": "application/json"},
                    {"Content-Type": "text/plain"},
                    {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors", "Content-Type": "application/json"}):
        response = requests.post(app.url + "/sdpa/v1/plan", data=body, headers=headers, timeout=30)
        assert response.status_code in (403, 415), (headers, response.status_code)
    prefix = gradio_prefix(app.url)
    config = page_config(app.url)
    join = {"data": ["sk-attacker-0000000000000000", "", ""], "fn_index": save_keys_index(config),
            "session_hash": "evil0session", "event_data": None, "trigger_id": None}
    response = requests.post(app.url + prefix + "/queue/join", json=join, headers={"Origin": "http://evil.example"},
                             timeout=30)
    assert response.status_code == 403
    assert wire.count("/chat/completions") == before
    assert not (app.folder / "data" / "keys.json").exists()
    ours = requests.post(app.url + "/sdpa/v1/plan", json={"description": "a cabin"}, timeout=60,
                         headers={"Origin": app.url})  # the server's own origin (and curl, without one) may
    assert ours.status_code == 200, ours.text
    assert wire.count("/chat/completions") == before + 1


def test_api_docs_are_not_served_and_pages_carry_a_strict_policy(app):
    assert requests.get(app.url + "/sdpa/docs", timeout=10).status_code == 404
    assert requests.get(app.url + "/sdpa/openapi.json", timeout=10).ok
    page = requests.get(app.url + "/", timeout=30)
    policy = page.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    scripts = policy.split("script-src", 1)[1].split(";")[0]  # issue 17: no inline script but ours, no eval
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts, scripts
    nonce = re.search(r"'nonce-([\w-]+)'", scripts).group(1)
    tags = re.findall(r"<script\b[^>]*>", page.text)
    assert tags and all(f'nonce="{nonce}"' in tag for tag in tags), tags
    assert nonce not in requests.get(app.url + "/", timeout=30).headers["content-security-policy"]  # one per page
    assert page.headers["x-frame-options"] == "DENY"
    assert "access-control-allow-origin" not in {k.lower() for k in page.headers}


def test_auth_covers_the_page_and_the_api(locked, wire):
    for path in ("/", "/sdpa/v1/config", "/config", "/sdpa/v1/history", "/sdpa/openapi.json"):
        response = requests.get(locked.url + path, timeout=30)
        assert response.status_code == 401 and "Basic" in response.headers["www-authenticate"], path
        if path in ("/", "/sdpa/v1/history"):  # a few wrong passwords (more would be throttled)
            assert requests.get(locked.url + path, auth=(AUTH[0], "wrong"), timeout=30).status_code == 401
    assert requests.post(locked.url + "/sdpa/v1/plan", json={"description": "x"}, timeout=30).status_code == 401
    assert requests.get(locked.url + "/sdpa/v1/config", auth=AUTH, timeout=30).ok
    assert requests.get(locked.url + "/sdpa/v1/config", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30).ok
    assert requests.get(locked.url + "/", auth=("anyone", TOKEN), timeout=30).ok  # a browser logs in with the token
    assert requests.get(locked.url + "/sdpa/v1/config", headers={"Authorization": "Bearer nope"},
                        timeout=30).status_code == 401
    prefix = gradio_prefix(locked.url, AUTH)
    save = save_keys_index(page_config(locked.url, AUTH))
    join = {"data": ["sk-attacker-0000000000000000", "", ""], "fn_index": save, "session_hash": "nologin",
            "event_data": None, "trigger_id": None}
    assert requests.post(locked.url + prefix + "/queue/join", json=join, timeout=30).status_code == 401
    assert not (locked.folder / "data" / "keys.json").exists()
    log = (locked.folder / "serve.log").read_text(encoding="utf-8")
    assert AUTH[1] not in log and TOKEN not in log


def test_binding_beyond_loopback_needs_auth(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "SDPA_SERVE_AUTH"}
    env.update(SDPA_DATA_DIR=str(tmp_path / "data"), SDPA_ENV_FILE=str(tmp_path / "none.env"))
    (tmp_path / "none.env").write_text("", encoding="utf-8")
    refused = subprocess.run([sys.executable, "-m", "sdpa_ext", "serve", "--host", "0.0.0.0", "--port",
                              str(free_port())], cwd=ROOT, env=env, capture_output=True, text=True, timeout=30)
    assert refused.returncode == 2 and "SDPA_SERVE_AUTH" in refused.stderr, refused.stderr[-500:]
    from sdpa_ext.server.app import access_for

    access = access_for("0.0.0.0", {"SDPA_SERVE_AUTH": TOKEN, "SDPA_ALLOWED_HOSTS": "pa.lan, Studio.Lan:8000"})
    assert access.auth and {"pa.lan", "studio.lan", "localhost"} <= access.hosts and "0.0.0.0" not in access.hosts
    assert access.allows_host("192.168.1.7:8000") and access.allows_host("[fe80::1]:8000")  # its addresses
    assert access.allows_host("Studio.lan:8000") and not access.allows_host("evil.example:8000")
    assert not access_for("127.0.0.1", {}).allows_host("192.168.1.7:8000")  # loopback only: loopback names
    assert access_for("192.168.1.20", {"SDPA_SERVE_AUTH": "bob:" + AUTH[1]}).hosts >= {"192.168.1.20", "127.0.0.1"}


def test_origin_and_host_rules():
    from sdpa_ext.server.access import Access, cross_origin, host_name

    assert host_name("[::1]:8000") == "::1" and host_name("LocalHost:80") == "localhost" and host_name("::1") == "::1"
    own = "127.0.0.1:8000"
    assert cross_origin("POST", {"origin": "http://127.0.0.1:8000"}, own) == ""
    assert cross_origin("POST", {"origin": "http://127.0.0.1:8001"}, own)
    assert cross_origin("POST", {"origin": "http://localhost:8000"}, own)  # another origin, though it is us
    navigate = {"sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate"}
    assert cross_origin("GET", navigate, own, navigable=True) == ""  # a link to the page
    assert cross_origin("GET", navigate, own)  # ...but not to the API's data (issue 17)
    assert cross_origin("GET", {"sec-fetch-site": "cross-site", "sec-fetch-mode": "no-cors"}, own)
    access = Access.for_serve("127.0.0.1", auth="alice:pw,tok")
    basic = "Basic " + base64.b64encode(b"alice:pw").decode()
    assert access.authenticate(basic) == "alice" and access.authenticate("Bearer tok") == ""
    assert access.authenticate("Bearer pw") == "alice"  # a user's password is that user's token
    assert access.authenticate("Basic " + base64.b64encode(b"alice:nope").decode()) is None
    assert access.authenticate("Basic !!!") is None and access.authenticate("") is None


# -- keys ---------------------------------------------------------------------------------------------------


def _save_keys_fn(service: Service):
    from sdpa_ext.ui.workspace import build_standalone

    blocks = build_standalone(service)
    fns = blocks.fns.values() if isinstance(blocks.fns, dict) else blocks.fns
    return next(f.fn for f in fns if getattr(f.fn, "__name__", "") == "save_keys")


def test_keys_are_written_only_from_loopback_or_after_logging_in(make_settings):
    import gradio as gr
    from gradio.helpers import special_args

    service = Service(make_settings(), load=make_settings)
    save = _save_keys_fn(service)
    status = save.__self__.keys_status  # what the handler writes, by component
    request = gr.Request(username="someone")
    assert special_args(save, ["a", "b", "c"], request=request)[0][0] is request  # Gradio hands it the request
    lan = SimpleNamespace(username=None, client=SimpleNamespace(host="192.168.1.50"), headers={})
    relayed = SimpleNamespace(username=None, client=SimpleNamespace(host="127.0.0.1"),
                              headers={"x-forwarded-for": "127.0.0.1, 203.0.113.9"})  # a proxy on this machine
    for request in (lan, relayed, None):
        refused = save(request, "sk-attacker-0000000000000000", "", "")
        assert "only someone on this machine or logged in may save keys" in refused[status]
    assert keyfile.read_keys(service.settings.data_dir) == {}
    save(SimpleNamespace(username=None, client=SimpleNamespace(host="127.0.0.1"), headers={}),
         "sk-mine-from-loopback-00000000", "", "")
    assert keyfile.read_keys(service.settings.data_dir)["ANTHROPIC_API_KEY"] == "sk-mine-from-loopback-00000000"
    save(SimpleNamespace(username="alice", client=lan.client, headers={}), "sk-logged-in-user-000000000000", "", "")
    assert keyfile.read_keys(service.settings.data_dir)["ANTHROPIC_API_KEY"] == "sk-logged-in-user-000000000000"
    service.admins = frozenset({"", "alice"})  # serve with SDPA_SERVE_AUTH: its administrators alone
    save(SimpleNamespace(username="alice", client=lan.client, headers={}), "sk-through-auth-00000000000000", "", "")
    assert keyfile.read_keys(service.settings.data_dir)["ANTHROPIC_API_KEY"] == "sk-through-auth-00000000000000"
    refused = save(SimpleNamespace(username="bob", client=SimpleNamespace(host="127.0.0.1"), headers={}),
                   "sk-bobs-own-key-000000000000000", "", "")
    assert "only an administrator" in refused[status]
    assert keyfile.read_keys(service.settings.data_dir)["ANTHROPIC_API_KEY"] == "sk-through-auth-00000000000000"


def test_the_status_line_says_which_key_is_used(tmp_path):
    keyfile.save_key(tmp_path, "OPENAI_API_KEY", "sk-saved-in-the-page-1111")
    lines = keyfile.key_states(tmp_path, {"OPENAI_API_KEY": "sk-from-the-environment-2222",
                                        "GEMINI_API_KEY": "AIza-env-only-3333"})
    assert lines["OPENAI_API_KEY"] == "set (...1111) saved here is used; the environment's set (...2222) is not"
    assert lines["GEMINI_API_KEY"] == "set (...3333) from the environment"
    assert lines["ANTHROPIC_API_KEY"] == "not set"
    assert (tmp_path / "keys.json").stat().st_mode & 0o777 == 0o600 and tmp_path.stat().st_mode & 0o777 == 0o700


# -- scrubbing, output limits ---------------------------------------------------------------------------------


def test_any_run_of_eight_characters_of_a_key_is_scrubbed():
    key = "tok-SECRET-abcdef123456"  # no vendor's shape
    secrets.register(key)
    for echoed in ("invalid key tok-SECRET-abcdef12****", "key ****ef123456 refused", "...SECRET-abcd...",
                   f"Bearer {key}"):
        shown = secrets.scrub(echoed)
        assert all(key[i:i + 8] not in shown for i in range(len(key) - 7)), shown
    assert secrets.scrub("tok-SE and 12345 stay") == "tok-SE and 12345 stay"  # under 8 characters


@pytest.mark.parametrize("key", ["sk-ant-api03-Zx9Qw8Er7Ty6Ui5Op4", "sk-proj-Lm3Nb2Vc1Xz0Kj9Hg8Fd7",
                                 "AIzaSyD-Qw8Er7Ty6Ui5Op4As3Df2Gh1"])
def test_a_key_we_were_never_told_about_is_scrubbed_by_its_shape(key):
    """A vendor-shaped key nobody registered (another user's, pasted into an error) is masked all the same;
    words that only start alike are not."""
    secrets._secrets.clear()
    shown = secrets.scrub(f"HTTP 401: invalid x-api-key {key} (check it)")
    assert shown == "HTTP 401: invalid x-api-key *** (check it)"
    assert secrets.scrub("ask-anything sk-short AIza task-list") == "ask-anything sk-short AIza task-list"


def test_a_partly_echoed_key_never_reaches_the_user(make_settings):
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from sdpa_ext.server.api import make_router

    key = "tok-SECRET-9f8e7d6c5b4a3210"
    with OpenAIServer(api_key=key, answer=ANSWER) as server:
        from .wire import Error

        server.script("/chat/completions", Error(401, f"Incorrect API key provided: {key[:19]}****"))
        service = Service(make_settings({"LLM_PROVIDER": "openai", "OPENAI_BASE_URL": server.url + "/v1",
                                         "OPENAI_API_KEY": key}))
        app = FastAPI()
        app.include_router(make_router(lambda: service), prefix="/sdpa/v1")
        response = TestClient(app, base_url="http://127.0.0.1").post("/sdpa/v1/plan", json={"description": "a cabin"})
    assert response.status_code == 502 and "401" in response.text
    assert key[:19] not in response.text and key[3:11] not in response.text


class _EchoingServer(OpenAIServer):
    """A provider (or a debugging proxy before it) that answers 200 with the request's Authorization header in
    every field of its answer, whole and cut."""

    def text_for(self, action, req):
        auth = req.headers.get("authorization", "")
        text = json.dumps({"prompt": f"cabin, {auth}, snow, x{auth[-14:]}", "negative_prompt": f"blurry {auth[7:20]}",
                           "params": {"sampler_name": auth}, "notes": auth})
        return text, split_text(text)


def _runs_of(key: str, *texts: str) -> list[str]:
    """The runs of 8 characters of `key` found in any of `texts`."""
    return [key[i:i + 8] for i in range(len(key) - 7) if any(key[i:i + 8] in text for text in texts)]


@pytest.mark.parametrize("stream", ["true", "false"])
def test_a_key_in_a_successful_answer_reaches_no_output(make_settings, caplog, stream):
    """Issue 17: the prompt, the live text, the API's answer, history (search, export) and the log."""
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from sdpa_ext.craft.live import Preview
    from sdpa_ext.server.api import make_router

    key = "tok-SECRET-9f8e7d6c5b4a3210"  # no vendor's shape: only the registry knows it
    with _EchoingServer(api_key=key) as server:
        service = Service(make_settings({"LLM_PROVIDER": "openai", "OPENAI_BASE_URL": server.url + "/v1",
                                         "OPENAI_API_KEY": key, "SDPA_STREAM": stream}))
        live, shown = Preview(), []
        version = service.plan("a cabin", session="s", on_delta=lambda delta: shown.append(live.feed(delta) or ""))
        app = FastAPI()
        app.include_router(make_router(lambda: service), prefix="/sdpa/v1")
        client = TestClient(app, base_url="http://127.0.0.1")
        answer = client.post("/sdpa/v1/refine", json={"instruction": "rewrite it as a poem", "prompt": version.prompt})
        listed = client.get("/sdpa/v1/history", params={"search": "cabin"}).text
    assert answer.status_code == 200 and "cabin" in version.prompt, answer.text
    assert server.count("/chat/completions") == 2 and (stream == "false" or len(shown) > 1)
    outputs = [json.dumps(version.to_json()), *shown, answer.text, listed, service.export(), caplog.text]
    assert _runs_of(key, *outputs) == []


def test_a_model_answer_over_the_input_limit_is_refused(make_settings):
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from sdpa_ext.server.api import make_router

    prompt = ", ".join(f"cabin detail {i}" for i in range(1000))
    long_answer = json.dumps({"prompt": prompt, "negative_prompt": "blurry", "params": {}, "notes": ""})
    with OpenAIServer(api_key=OPENAI_KEY, answer=long_answer) as server:
        service = Service(make_settings({"LLM_PROVIDER": "openai", "OPENAI_BASE_URL": server.url + "/v1",
                                         "OPENAI_API_KEY": OPENAI_KEY, "SDPA_STREAM": "false"}))
        app = FastAPI()
        app.include_router(make_router(lambda: service), prefix="/sdpa/v1")
        response = TestClient(app, base_url="http://127.0.0.1").post("/sdpa/v1/plan", json={"description": "a cabin"})
    assert response.status_code == 502 and "the limit is 10,000" in response.json()["detail"], response.text
    assert service.history.search() == []  # nothing that a refine could not take was kept


# -- no route fetches a URL a caller names ----------------------------------------------------------------------


@contextlib.contextmanager
def no_traffic_beyond(allowed_ports: set[int]):
    """Record every connection and name lookup this process makes, except to `allowed_ports` on loopback;
    lookups of names that are not loopback are refused, so nothing can leave even when a test fails."""
    seen: list[str] = []
    real_connect, real_lookup = socket.socket.connect, socket.getaddrinfo

    def connect(sock, address):
        if not (isinstance(address, tuple) and address[1] in allowed_ports):
            seen.append(f"connect {address}")
        return real_connect(sock, address)

    def lookup(host, *args, **kwargs):
        name = host.decode() if isinstance(host, bytes) else str(host)
        if name not in ("127.0.0.1", "::1", "localhost"):
            seen.append(f"lookup {name}")
            raise socket.gaierror(socket.EAI_NONAME, "refused by the test")
        return real_lookup(host, *args, **kwargs)

    socket.socket.connect, socket.getaddrinfo = connect, lookup
    try:
        yield seen
    finally:
        socket.socket.connect, socket.getaddrinfo = real_connect, real_lookup


def test_no_event_of_the_page_fetches_a_url(make_settings):
    """File references with URLs, posted to every event of the page through every route Gradio offers
    (queue/join, call/<name>, run/<name>): no request leaves the process, none reaches the recorder."""
    import uvicorn

    from sdpa_ext.server.app import create_app

    recorder = WireServer()  # records every request that reaches it
    rec_port = int(recorder.url.rsplit(":", 1)[1])
    urls = [f"{recorder.url}/leak.png", f"http://[::1]:{rec_port}/leak.png", "http://sdpa-probe.invalid/leak.png",
            "https://example.com/leak.png"]
    service = Service(make_settings({"OLLAMA_HOST": f"127.0.0.1:{free_port()}"}))
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(service), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 60
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.1)
        url = f"http://127.0.0.1:{port}"
        config, prefix = page_config(url), gradio_prefix(url)
        posted = 0
        with no_traffic_beyond({port}) as seen:
            for index, dep in enumerate(config["dependencies"]):
                fn_index = dep.get("id", index)
                for link in urls:
                    files = [{"path": link, "url": link, "orig_name": "leak.png", "meta": {"_type": "gradio.FileData"}}
                             for _ in dep.get("inputs", [])] or [{"path": link, "url": link}]
                    bodies = [(f"{prefix}/queue/join", {"data": files, "fn_index": fn_index, "event_data": None,
                                                        "session_hash": f"probe{index}", "trigger_id": None})]
                    if dep.get("api_name"):
                        bodies += [(f"{prefix}/call/{dep['api_name']}", {"data": files}),
                                   (f"{prefix}/run/{dep['api_name']}", {"data": files})]
                    for path, body in bodies:
                        requests.post(url + path, json=body, timeout=30)
                        posted += 1
            upload = requests.post(url + f"{prefix}/upload", files={"files": ("x.txt", b"hello")}, timeout=30)
            redirects = [requests.get(f"{url}{prefix}/file={link}", allow_redirects=False, timeout=30).status_code
                         for link in urls]  # an open redirect (and client-side fetch) before Gradio 6.20
            time.sleep(2)  # let queued events run
        assert recorder.requests == [], [r.path for r in recorder.requests]
        assert seen == [], seen
        assert posted > 40
        assert upload.status_code in (403, 404, 415)
        assert not any(300 <= status < 400 for status in redirects), redirects
    finally:
        server.should_exit = True
        thread.join(10)
        recorder.close()


# -- in Chromium -------------------------------------------------------------------------------------------------


def _open(page, url: str) -> None:
    page.goto(url, wait_until="load")
    page.wait_for_selector("#sdpa_tab_description textarea", timeout=TIMEOUT_MS)


def loopback_only(target) -> list[str]:
    """Let a page or browser context reach 127.0.0.1 only: anything else is recorded and aborted, so nothing
    leaves the machine even when the code under test asks for it."""
    elsewhere: list[str] = []

    def route(route) -> None:
        url = route.request.url
        if url.startswith(("http://127.0.0.1:", "data:", "blob:")):
            route.continue_()
        else:
            elsewhere.append(url)
            route.abort()

    target.route("**/*", route)
    return elsewhere


HOSTILE_PAGE = """<!doctype html><title>cute cats</title><body><script>
const T = %(target)r, PREFIX = %(prefix)r, SAVE = %(save)d;
const results = {};
async function attempt(name, run) {
  try { results[name] = await run(); } catch (err) { results[name] = "blocked: " + err; }
}
(async () => {
  await attempt("own", async () => (await fetch("/ping")).status);
  await attempt("plan_text", async () => { const r = await fetch(T + "/sdpa/v1/plan", {method: "POST", mode: "no-cors",
      credentials: "include", headers: {"Content-Type": "text/plain"}, body: JSON.stringify({description: "pwned"})});
      return "sent:" + r.type; });
  await attempt("plan_json", async () => { const r = await fetch(T + "/sdpa/v1/plan", {method: "POST",
      credentials: "include", headers: {"Content-Type": "application/json"},
      body: JSON.stringify({description: "pwned"})});
      return "read:" + (await r.text()); });
  await attempt("history", async () => "read:" + (await (await fetch(T + "/sdpa/v1/history",
      {credentials: "include"})).text()));
  await attempt("config", async () => "read:" + (await (await fetch(T + "/sdpa/v1/config",
      {credentials: "include"})).text()));
  const join = JSON.stringify({data: ["sk-attacker-0000000000000000", "", ""], fn_index: SAVE, event_data: null,
                               session_hash: "evil1", trigger_id: null});
  await attempt("keys_text", async () => { const r = await fetch(T + PREFIX + "/queue/join", {method: "POST",
      mode: "no-cors", credentials: "include", headers: {"Content-Type": "text/plain"}, body: join});
      return "sent:" + r.type; });
  await attempt("keys_json", async () => "read:" + (await (await fetch(T + PREFIX + "/queue/join", {method: "POST",
      credentials: "include", headers: {"Content-Type": "application/json"}, body: join})).text()));
  const form = document.createElement("form");
  form.method = "POST"; form.enctype = "text/plain"; form.action = T + "/sdpa/v1/plan"; form.target = "sink";
  const field = document.createElement("input");
  field.name = '{"description": "pwned-form", "x": "'; field.value = '"}';
  form.appendChild(field);
  const sink = document.createElement("iframe"); sink.name = "sink"; document.body.appendChild(sink);
  document.body.appendChild(form);
  const loaded = new Promise(resolve => sink.onload = resolve);
  form.submit();
  await Promise.race([loaded, new Promise(resolve => setTimeout(resolve, 5000))]);
  await new Promise(resolve => setTimeout(resolve, 1500));
  window.results = results;
})();
</script></body>"""


class _Hostile(http.server.BaseHTTPRequestHandler):
    page = b""

    def do_GET(self):
        body = self.page if self.path == "/" else b"pong"
        self.send_response(200)
        self.send_header("Content-Type", "text/html" if self.path == "/" else "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@contextlib.contextmanager
def hostile_site(target: str, prefix: str, save: int):
    handler = type("Hostile", (_Hostile,), {"page": (HOSTILE_PAGE % {"target": target, "prefix": prefix,
                                                                     "save": save}).encode()})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"  # another origin (another port) on the same host
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.mark.parametrize("with_auth", [False, True], ids=["no-auth", "auth"])
@pytest.mark.slow
def test_a_page_on_another_origin_cannot_plan_read_or_change_a_key(browser, app, locked, wire, with_auth):
    """Slow by design: a visitor's browser with our page open (the provider check run in it) and a hostile page on
    another origin trying every route; the first of the two starts the module's served apps, open and locked."""
    target = locked if with_auth else app
    credentials = {"username": AUTH[0], "password": AUTH[1]} if with_auth else None
    auth = AUTH if with_auth else None
    save = save_keys_index(page_config(target.url, auth))
    before = wire.count("/chat/completions")
    context = browser.new_context(http_credentials=credentials)  # a visitor logged in to our page, if it has auth
    loopback_only(context)
    try:
        own = context.new_page()
        _open(own, target.url)  # the visitor's own tab on our page works, its events included
        _open_accordion(own, "Providers", "#sdpa_tab_check")
        own.locator("#sdpa_tab_check").click()
        own.wait_for_selector("#sdpa_tab_check_result table", timeout=TIMEOUT_MS)
        with hostile_site(target.url, gradio_prefix(target.url, auth), save) as evil:
            page = context.new_page()
            page.goto(evil + "/", wait_until="load")
            page.wait_for_function("() => window.results !== undefined", timeout=TIMEOUT_MS)
            results = page.evaluate("window.results")
    finally:
        context.close()
    assert results["own"] == 200  # the hostile script ran
    for name in ("plan_json", "history", "config", "keys_json"):
        assert str(results[name]).startswith("blocked"), (name, results[name])  # nothing read
    assert wire.count("/chat/completions") == before  # no plan ran
    assert not (target.folder / "data" / "keys.json").exists()  # no key written
    history = requests.get(target.url + "/sdpa/v1/history", auth=auth, timeout=30).json()["versions"]
    assert not any("pwned" in v["source"] for v in history)


def test_the_page_loads_nothing_from_elsewhere(browser, app):
    page = browser.new_page()
    elsewhere = loopback_only(page)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.add_init_script("window.sdpaBlocked = []; document.addEventListener('securitypolicyviolation',"
                         " e => window.sdpaBlocked.push(e.blockedURI));")
    _open(page, app.url)
    page.wait_for_timeout(1500)
    blocked = page.evaluate("window.sdpaBlocked")
    page.close()
    assert elsewhere == [], elsewhere[:10]  # fonts, CDNs: asked for (and aborted here)
    assert requested and all(u.startswith(("http://127.0.0.1:", "data:", "blob:")) for u in requested)
    assert blocked == []  # nothing even tried and stopped by the page's policy


def test_model_text_on_the_page_stays_text(browser, app):
    """The page's HTML parts are drawn without eval (Gradio 6: a Markdown component given one HTML block):
    Markdown or LaTeX in a model's notes is shown as typed, not read."""
    page = browser.new_page()
    loopback_only(page)
    _open(page, app.url)
    page.fill("#sdpa_tab_description textarea", "a cabin")
    page.click("#sdpa_tab_plan")
    page.wait_for_function("() => document.querySelector('#sdpa_tab_status').innerText.includes('x^2')",
                           timeout=TIMEOUT_MS)
    status = page.locator("#sdpa_tab_status")
    assert MARKUP in status.inner_text()
    assert status.locator("a, em, code, .katex").count() == 0
    assert status.locator(".sdpa-status").count() == 1  # our own markup kept
    page.close()


def test_no_html_builder_runs_script_or_injects_an_element(browser):
    page = browser.new_page()
    for bad in HOSTILE:
        shown = "".join(f"<section data-builder='{name}'>{html}</section>" for name, html in builders(bad).items())
        page.set_content(f"<!doctype html><body>{shown}</body>", wait_until="load")
        page.wait_for_timeout(300)
        assert page.evaluate("window.sdpaPwned") is None, bad
        assert page.locator("#sdpa-injected").count() == 0, bad
        assert page.locator("img, script, svg, iframe").count() == 0, bad
        assert bad in page.inner_text("body"), bad  # shown as text
    page.close()


def test_hostile_model_ids_in_the_provider_check_stay_text(browser, app):
    page = browser.new_page()
    loopback_only(page)
    _open(page, app.url)
    _open_accordion(page, "Providers", "#sdpa_tab_check")
    page.locator("#sdpa_tab_check").click()
    page.wait_for_selector("#sdpa_tab_check_result table", timeout=TIMEOUT_MS)
    page.wait_for_timeout(500)
    assert page.evaluate("window.sdpaPwned") is None
    assert page.locator("#sdpa-injected").count() == 0
    assert BAD_MODEL in page.locator("#sdpa_tab_check_result").inner_text()
    assert_no_keys(page.content())
    page.close()


def test_every_handler_of_the_page_gets_the_request(make_settings):
    """Gradio hands `gr.Request` (the user, the client address) only to a parameter before `*values`; a
    handler that missed it would file a logged-in user's versions under no user, or refuse every key."""
    import inspect

    import gradio as gr
    from gradio.helpers import special_args

    from sdpa_ext.ui.workspace import build_standalone

    blocks = build_standalone(Service(make_settings()))
    fns = blocks.fns.values() if isinstance(blocks.fns, dict) else blocks.fns
    checked = set()
    for block_fn in fns:
        fn = block_fn.fn
        if fn is None or "request" not in inspect.signature(fn).parameters:
            continue
        request = gr.Request(username="someone")
        count = len([p for p in inspect.signature(fn).parameters.values() if p.name != "request"
                     and p.kind is not inspect.Parameter.VAR_POSITIONAL]) + 2
        args = special_args(fn, [""] * count, request=request)[0]
        assert request in args, fn.__name__
        checked.add(fn.__name__)
    assert {"plan", "refine", "undo", "redo", "save_keys", "restore"} <= checked


def test_serve_mounts_gradio_without_ssr_run_history_or_mcp(make_settings, monkeypatch):
    """CVE-2026-134825 (Gradio 6.27-6.31) needs server-side rendering and run history; the environment
    cannot turn them (or the MCP server) on for `serve`."""
    from starlette.routing import Mount

    from sdpa_ext.server.app import create_app

    for name in ("GRADIO_SSR_MODE", "GRADIO_RUN_HISTORY", "GRADIO_MCP_SERVER"):
        monkeypatch.setenv(name, "true")
    guard = create_app(Service(make_settings()))
    blocks = next(r.app for r in guard.app.routes if isinstance(r, Mount)).get_blocks()
    assert (blocks.ssr_mode, blocks.run_history, blocks.mcp_server) == (False, False, False)


# -- issue 17: users apart, every Gradio route, auth that means something, the smaller points -----------------

ALICE = ("alice", "alice-passphrase-0123")
BOB = ("bob", "bob-passphrase-4567890")


def _two_users(make_settings, ui: bool = False):
    from fastapi.testclient import TestClient

    from sdpa_ext.server.app import access_for, create_app

    service = Service(make_settings({"LLM_PROVIDER": "ollama", "OLLAMA_HOST": "127.0.0.1:9"}))
    access = access_for("127.0.0.1", {"SDPA_SERVE_AUTH": f"{ALICE[0]}:{ALICE[1]},{BOB[0]}:{BOB[1]}"})
    return service, TestClient(create_app(service, ui=ui, access=access), base_url="http://127.0.0.1")


def test_users_have_their_own_versions_search_and_retention(make_settings):
    service, client = _two_users(make_settings)
    service.history.retention = 5
    body = {"chip": "darker", "prompt": "alice's secret cabin, snow"}
    assert client.post("/sdpa/v1/refine", json=body, auth=ALICE).status_code == 200
    for index in range(8):  # Bob's versions push only his own out
        body = {"chip": "darker", "prompt": f"bob's castle {index}", "session": "b"}
        assert client.post("/sdpa/v1/refine", json=body, auth=BOB).status_code == 200
    bobs = client.get("/sdpa/v1/history", auth=BOB).json()["versions"]
    assert len(bobs) == 5 and all("bob" in v["prompt"] for v in bobs)
    assert client.get("/sdpa/v1/history", params={"search": "secret"}, auth=BOB).json()["versions"] == []
    alices = client.get("/sdpa/v1/history", params={"search": "secret"}, auth=ALICE).json()["versions"]
    assert [v["kind"] for v in alices] == ["refine", "edit"]
    assert client.get("/sdpa/v1/history", headers={"Authorization": f"Bearer {ALICE[1]}"}).json()["versions"]


def test_the_page_keeps_users_apart_too(make_settings):
    service, client = _two_users(make_settings, ui=True)
    service.line("tab", "alice").push(PromptVersion(prompt="alice's secret cabin"))
    found = {}
    with client:
        for who in (ALICE, BOB):
            event = client.post("/gradio_api/call/search_rows", json={"data": ["secret"]}, auth=who)
            stream = client.get(f"/gradio_api/call/search_rows/{event.json()['event_id']}", auth=who).text
            found[who[0]] = "alice's secret cabin" in stream
    assert found == {"alice": True, "bob": False}


def _page_call(client, name: str, data: list, who: tuple[str, str]) -> str:
    """One Gradio event of the page, as that user's browser sends it: the event's streamed answer."""
    event = client.post(f"/gradio_api/call/{name}", json={"data": data}, auth=who)
    assert event.status_code == 200, event.text
    return client.get(f"/gradio_api/call/{name}/{event.json()['event_id']}", auth=who).text


def test_only_an_administrator_changes_what_every_user_gets(make_settings):
    """Issue 25, finding 9: Bob (not an administrator) saved his own key, made the server's Ollama pull and
    unloaded a model through the page's events; now each is refused, reaches neither the key file nor Ollama,
    and the page hides those controls from him. Alice, the first user of SDPA_SERVE_AUTH, still may."""
    from fastapi.testclient import TestClient

    from sdpa_ext.server.app import access_for, create_app

    with OllamaServer() as ollama:
        settings = lambda: make_settings({"LLM_PROVIDER": "ollama", "OLLAMA_HOST": ollama.url})  # noqa: E731
        service = Service(settings(), load=settings)
        access = access_for("127.0.0.1", {"SDPA_SERVE_AUTH": f"{ALICE[0]}:{ALICE[1]},{BOB[0]}:{BOB[1]}"})
        client = TestClient(create_app(service, ui=True, access=access), base_url="http://127.0.0.1")
        with client:
            for name, data in (("save_keys", ["sk-bobs-own-key-000000000000000", "", ""]),
                               ("pull", ["llama3.2:3b"]), ("unload", ["llama3.2:3b"]), ("unload_ours", []),
                               ("reload", [])):
                assert "only an administrator (SDPA_SERVE_ADMINS) may" in _page_call(client, name, data, BOB), name
            assert keyfile.read_keys(service.settings.data_dir) == {}
            assert not [r.path for r in ollama.requests if r.method == "POST"]
            hidden = {who[0]: _page_call(client, "admin_view", [], who) for who in (ALICE, BOB)}
            assert hidden["bob"].count('"visible": false') == 4 and '"visible": false' not in hidden["alice"]
            assert "only an administrator" not in _page_call(client, "pull", ["llama3.2:3b"], ALICE)
            assert ollama.count("/api/pull") == 1
            alices = "sk-alices-key-0000000000000000"
            assert "saved." in _page_call(client, "save_keys", [alices, "", ""], ALICE)
            assert keyfile.read_keys(service.settings.data_dir) == {"ANTHROPIC_API_KEY": alices}


def test_administrators_are_users_of_the_auth_setting():
    from sdpa_ext.errors import ConfigError
    from sdpa_ext.server.app import access_for

    users = f"{ALICE[0]}:{ALICE[1]},{BOB[0]}:{BOB[1]}"
    assert access_for("127.0.0.1", {"SDPA_SERVE_AUTH": users}).admins == {"", "alice"}
    assert access_for("127.0.0.1", {"SDPA_SERVE_AUTH": users, "SDPA_SERVE_ADMINS": "bob"}).admins == {"", "bob"}
    assert access_for("127.0.0.1", {}).admins == {""}  # no auth: the one user on this machine
    with pytest.raises(ConfigError, match="SDPA_SERVE_ADMINS='carol' is not valid; valid values: alice, bob"):
        access_for("127.0.0.1", {"SDPA_SERVE_AUTH": users, "SDPA_SERVE_ADMINS": "carol"})


def test_every_route_of_the_installed_gradio_is_classified(make_settings):
    """A Gradio release that adds a route fails here until routes.py says whether the guard serves it."""
    from fastapi.testclient import TestClient
    from starlette.routing import Route

    from sdpa_ext.server.app import create_app
    from sdpa_ext.server.routes import REFUSED, SERVED, app_routes, unclassified

    guard = create_app(Service(make_settings()))
    assert unclassified(guard.app) == []
    paths = {path for path, _ in app_routes(guard.app.routes)}
    assert {"/gradio_api/file/{path:path}", "/gradio_api/file={path_or_url:path}", "/gradio_api/upload"} <= paths
    assert not (set(REFUSED) & SERVED)
    client = TestClient(guard, base_url="http://127.0.0.1")
    for path in ("/gradio_api/file/http://127.0.0.1:9/x", "/gradio_api/file/https://example.com/a.png",
                 "/gradio_api/upload", "/gradio_api/proxy=http://x/", "/gradio_api/component_server",
                 "/gradio_api/stream/s/r/1/playlist.m3u8", "/monitoring", "/gradio_api/vibe-code", "/login"):
        assert client.request("GET", path).status_code == 404, path
    assert client.get("/gradio_api/info").status_code == 200 and client.get("/sdpa/v1/config").status_code == 200
    guard.app.router.routes.append(Route("/gradio_api/new-feature", lambda request: None))  # a new release's
    assert unclassified(guard.app) == ["/gradio_api/new-feature"]


@pytest.mark.parametrize("auth, why", [(":", "user name is empty"), ("alice:", "empty password"),
                                       ("x", "token has 1 characters"), ("alice:short", "password of 5"),
                                       (f"a:{AUTH[1]},b:{AUTH[1]}", "share a password")])
def test_weak_credentials_do_not_count_as_auth(auth, why):
    from sdpa_ext.errors import ConfigError
    from sdpa_ext.server.app import access_for

    with pytest.raises(ConfigError, match=why) as refused:
        access_for("0.0.0.0", {"SDPA_SERVE_AUTH": auth})
    assert "python -m sdpa_ext serve --new-token" in str(refused.value)


def test_serve_makes_a_token_and_refuses_a_weak_one(tmp_path):
    env = {**os.environ, "SDPA_DATA_DIR": str(tmp_path / "data"), "SDPA_ENV_FILE": str(tmp_path / "none.env"),
           "SDPA_SERVE_AUTH": ":"}
    (tmp_path / "none.env").write_text("", encoding="utf-8")
    made = subprocess.run([sys.executable, "-m", "sdpa_ext", "serve", "--new-token"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    token = made.stdout.strip()
    assert made.returncode == 0 and len(token) >= 40 and re.fullmatch(r"[\w-]+", token), made
    refused = subprocess.run([sys.executable, "-m", "sdpa_ext", "serve", "--host", "0.0.0.0", "--port",
                              str(free_port())], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert refused.returncode == 2 and "--new-token" in refused.stderr, refused.stderr[-500:]


def test_failed_logins_are_throttled_per_address_and_logged_without_the_secret(caplog):
    from fastapi.testclient import TestClient

    from sdpa_ext.server.access import Access, Guard, Throttle

    async def ok(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    access = Access.for_serve("127.0.0.1", auth=f"{ALICE[0]}:{ALICE[1]}")
    client = TestClient(Guard(ok, access, throttle=Throttle(free=5, longest=0.5)), base_url="http://127.0.0.1")
    wrong = [client.get("/", auth=(ALICE[0], f"guess-{n}")).status_code for n in range(12)]
    assert wrong[:5] == [401] * 5 and 429 in wrong  # then a wait, growing, before each try
    locked = client.get("/", auth=ALICE)
    assert locked.status_code == 429 and int(locked.headers["retry-after"]) >= 1  # not accepted at once
    assert "failed login from testclient (user 'alice', 6 in a row; next try in 0.5 s)" in caplog.text
    assert "guess-" not in caplog.text and ALICE[1] not in caplog.text
    time.sleep(0.6)
    assert client.get("/", auth=ALICE).status_code == 200  # the wait is over: the right one is let in
    assert client.get("/", auth=(ALICE[0], "guess-again")).status_code == 401  # and the count starts again


def test_another_users_login_from_the_same_address_leaves_a_guessers_count():
    from fastapi.testclient import TestClient

    from sdpa_ext.server.access import Access, Guard, Throttle

    async def ok(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    access = Access.for_serve("127.0.0.1", auth=f"{ALICE[0]}:{ALICE[1]},{BOB[0]}:{BOB[1]}")
    client = TestClient(Guard(ok, access, throttle=Throttle(free=5, longest=300)), base_url="http://127.0.0.1")
    codes = []
    for n in range(30):  # the guesser logs in as bob between guesses at alice's password
        codes.append(client.get("/", auth=(ALICE[0], f"guess-{n}")).status_code)
        client.get("/", auth=BOB)
    assert codes[:5] == [401] * 5 and codes.count(429) >= 24, codes
    throttle = Throttle(free=1)
    throttle.failed("1.2.3.4", "bob", now=0.0)
    throttle.failed("1.2.3.4", "alice", now=0.0)
    throttle.succeeded("1.2.3.4", "bob")  # bob's own typo is forgotten, alice's guess is not
    assert throttle.failed("1.2.3.4", "alice", now=0.0) == (2, 1.0)
    throttle.succeeded("1.2.3.4", "alice")
    assert throttle.wait("1.2.3.4", now=0.0) == 0.0 and throttle.failed("1.2.3.4", "", now=0.0) == (1, 0.0)


def test_the_origin_check_compares_scheme_host_and_port_and_any_case():
    from sdpa_ext.server.access import cross_origin

    own = "127.0.0.1:8000"
    assert cross_origin("POST", {"origin": "https://127.0.0.1:8000"}, own)  # another scheme
    assert cross_origin("POST", {"origin": "http://127.0.0.1:8000"}, own, "https")  # behind a TLS proxy
    assert cross_origin("POST", {"origin": "HTTP://127.0.0.1:8000"}, own) == ""
    assert cross_origin("POST", {"origin": "http://localhost"}, "localhost:80") == ""  # the default port
    assert cross_origin("POST", {"origin": "http://localhost:80"}, "localhost") == ""
    assert cross_origin("POST", {"origin": "http://127.0.0.1:8000/path"}, own)
    assert cross_origin("POST", {"origin": "http://127.0.0.1:notaport"}, own)
    for site in ("Cross-Site", "CROSS-SITE", " same-site"):
        assert cross_origin("POST", {"sec-fetch-site": site}, own), site


def test_a_key_file_that_is_a_fifo_a_link_or_readable_by_others(tmp_path, caplog):
    if os.name != "posix":
        pytest.skip("FIFOs, links and modes are POSIX's")
    folder = tmp_path / "data"
    folder.mkdir(mode=0o700)
    os.mkfifo(folder / "keys.json")
    reader = threading.Thread(target=keyfile.read_keys, args=(folder,), daemon=True)
    reader.start()
    reader.join(5)
    assert not reader.is_alive() and "not a regular file" in caplog.text  # refused, not waited on
    (folder / "keys.json").unlink()
    elsewhere = tmp_path / "elsewhere.json"
    elsewhere.write_text('{"OPENAI_API_KEY": "sk-linked-0000000000000000"}', encoding="utf-8")
    elsewhere.chmod(0o644)
    (folder / "keys.json").symlink_to(elsewhere)
    assert keyfile.read_keys(folder) == {} and elsewhere.stat().st_mode & 0o777 == 0o644  # no chmod through it
    (folder / "keys.json").unlink()
    (folder / "keys.json").write_text('{"OPENAI_API_KEY": "sk-open-000000000000000000"}', encoding="utf-8")
    (folder / "keys.json").chmod(0o644)
    assert keyfile.read_keys(folder) == {"OPENAI_API_KEY": "sk-open-000000000000000000"}
    assert (folder / "keys.json").stat().st_mode & 0o777 == 0o600  # made owner-only when read


def test_a_history_file_that_is_a_link_is_not_followed(tmp_path):
    if os.name != "posix":
        pytest.skip("links and modes are POSIX's")
    from sdpa_ext.history import History

    target = tmp_path / "somebody-elses.db"
    target.write_bytes(b"")
    target.chmod(0o644)
    (tmp_path / "data").mkdir(mode=0o700)
    (tmp_path / "data" / "history.sqlite3").symlink_to(target)
    store = History(tmp_path / "data" / "history.sqlite3")
    assert target.stat().st_mode & 0o777 == 0o644 and store.path is None
    assert "symbolic link" in store.problem and str(tmp_path) not in store.problem


def test_a_long_search_is_a_422_without_a_path(make_settings):
    service, client = _two_users(make_settings)
    response = client.get("/sdpa/v1/history", params={"search": "a" * 50_000}, auth=ALICE)
    assert response.status_code == 422 and "the limit is 200" in response.json()["error"]
    assert str(service.settings.data_dir) not in response.text and "/" not in response.json()["error"]


def test_only_routes_that_take_an_image_may_carry_an_image_sized_body(make_settings):
    """`serve` takes bodies up to 1 MB, except refine (from_image), describe and check, which carry an image."""
    from fastapi.testclient import TestClient

    from sdpa_ext.server.access import Access, Guard
    from sdpa_ext.server.api import MAX_IMAGE_BODY
    from sdpa_ext.server.app import create_app

    async def inner(scope, receive, send) -> None:  # answers how many bytes of body reached it
        size, more = 0, True
        while more:
            message = await receive()
            size, more = size + len(message.get("body", b"")), message.get("more_body", False)
        body = json.dumps({"size": size}).encode()
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": body})

    client = TestClient(Guard(inner, Access(), body_limits={"/sdpa/v1/refine": MAX_IMAGE_BODY}),
                        base_url="http://127.0.0.1")
    body = {"from_image": "A" * 3_000_000}
    answer = client.post("/sdpa/v1/refine", json=body)
    assert answer.status_code == 200 and answer.json()["size"] > 3_000_000, answer.text[:300]
    assert client.post("/sdpa/v1/plan", json=body).status_code == 413
    assert client.post("/sdpa/v1/refine", json={"from_image": "A" * (MAX_IMAGE_BODY + 1)}).status_code == 413
    assert create_app(Service(make_settings()), ui=False).body_limits == {
        f"{prefix}/{kind}": MAX_IMAGE_BODY for prefix in ("", "/sdpa/v1") for kind in ("refine", "describe", "check")}


def test_a_huge_json_array_never_stalls_another_users_request(app):
    """Issue 25, finding 6: a 21 MB JSON array posted to /describe was parsed and walked on the event loop
    (+973 MB; another user's request waited 8-11 s). Now a body of more JSON values than any of ours is refused
    before it is parsed, and what is parsed is parsed in a worker thread."""
    array = b"[" + b"0," * 10_500_000 + b"0]"
    waits: list[float] = []
    posting = threading.Event()

    def other_user() -> None:
        while posting.is_set() or not waits:
            started = time.monotonic()
            assert requests.get(app.url + "/sdpa/v1/config", timeout=30).status_code == 200
            waits.append(time.monotonic() - started)

    posting.set()
    poller = threading.Thread(target=other_user)
    poller.start()
    try:
        answers = [requests.post(app.url + "/sdpa/v1/describe", data=array, timeout=60,
                                 headers={"Content-Type": "application/json"}) for _ in range(2)]
    finally:
        posting.clear()
        poller.join()
    assert max(waits) < 1.0, f"another user waited {max(waits):.1f} s"
    assert [a.status_code for a in answers] == [413, 413] and "JSON values" in answers[0].text


def test_the_routes_stop_reading_a_body_at_the_limit_inside_the_webui_too(make_settings):
    """Issue 25, finding 10: mounted as the WebUI mounts it (no guard of `serve`), /sdpa/v1/* read a request body
    whole before the size limit (a 300 MB chunked POST grew the process by 302 MB). Now the route reads no more
    than the limit and a chunk, whether or not a Content-Length is sent."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from fastapi import FastAPI

    from sdpa_ext.server.api import MAX_API_BODY, MAX_IMAGE_BODY, make_router

    service = Service(make_settings())
    webui = FastAPI()
    webui.include_router(make_router(lambda: service), prefix="/sdpa/v1")
    chunk = b"A" * 1_000_000

    def post(path: str, declared: int | None) -> tuple[int, int]:
        taken, sent = 0, []

        async def receive() -> dict:
            nonlocal taken
            taken += 1
            return {"type": "http.request", "body": chunk, "more_body": taken < 300}

        async def send(message: dict) -> None:
            sent.append(message)

        headers = [(b"host", b"127.0.0.1"), (b"content-type", b"application/json")]
        if declared is not None:
            headers.append((b"content-length", str(declared).encode()))
        scope = {"type": "http", "method": "POST", "path": path, "raw_path": path.encode(), "root_path": "",
                 "scheme": "http", "query_string": b"", "headers": headers, "client": ("127.0.0.1", 5000),
                 "server": ("127.0.0.1", 7860), "http_version": "1.1", "app": webui}
        with ThreadPoolExecutor(1) as alone:  # a loop of its own, whatever another test left running here
            alone.submit(asyncio.run, webui(scope, receive, send)).result()
        return next(m["status"] for m in sent if m["type"] == "http.response.start"), taken

    for path, limit in (("/sdpa/v1/plan", MAX_API_BODY), ("/sdpa/v1/refine", MAX_IMAGE_BODY)):
        status, taken = post(path, None)
        assert taken <= limit // len(chunk) + 1, f"{path} read {taken} MB of a {limit:,}-byte limit"
        assert status == 413
        assert post(path, 300 * len(chunk)) == (413, 0)  # a declared size over the limit: nothing is read


@pytest.mark.slow
def test_a_forwarded_for_header_is_believed_only_from_named_proxies(tmp_path, wire):
    """Issue 25, finding 11: uvicorn believed X-Forwarded-For from 127.0.0.1, so a guesser behind a same-machine
    proxy that passes the header on (or on this machine, sending it himself) was a new address at every guess:
    40 guesses, no 429. Now the header is believed only from SDPA_TRUSTED_PROXIES, and guesses at one user are
    counted at that user whatever the address. Slow by design: two servers, each started for its setting (read as
    uvicorn starts)."""
    carol, dave = ("carol", "carol-passphrase-0123"), ("dave", "dave-passphrase-456789")
    users = {"SDPA_SERVE_AUTH": f"{carol[0]}:{carol[1]},{dave[0]}:{dave[1]}"}

    def guesses(url: str, user: str) -> list[int]:
        return [requests.get(url + "/sdpa/v1/config", auth=(user, f"guess-{n}"), timeout=30,
                             headers={"X-Forwarded-For": f"203.0.113.{n}"}).status_code for n in range(12)]

    (tmp_path / "direct").mkdir()
    process, url = start_serve(tmp_path / "direct", provider_env(wire), users)
    try:
        assert guesses(url, "nobody").count(429) >= 5  # one address: this machine's
    finally:
        stop(process)
    (tmp_path / "proxied").mkdir()
    process, url = start_serve(tmp_path / "proxied", provider_env(wire), {**users, "SDPA_TRUSTED_PROXIES": "127.0.0.1"})
    try:
        assert guesses(url, "nobody").count(429) == 0  # a trusted proxy's clients: twelve addresses
        assert guesses(url, "carol").count(429) >= 5  # one user, whatever the address
        assert requests.get(url + "/sdpa/v1/config", auth=dave, timeout=30).status_code == 200
    finally:
        stop(process)
    assert "failed login from 203.0.113.11" in (tmp_path / "proxied" / "serve.log").read_text(encoding="utf-8")


def test_trusted_proxies_are_addresses_or_networks():
    from sdpa_ext.errors import ConfigError
    from sdpa_ext.server.app import trusted_proxies

    assert trusted_proxies({}) == [] and trusted_proxies({"SDPA_TRUSTED_PROXIES": "127.0.0.1, 10.0.0.0/8"}) == [
        "127.0.0.1", "10.0.0.0/8"]
    with pytest.raises(ConfigError, match=re.escape("SDPA_TRUSTED_PROXIES='proxy.lan' is not valid")):
        trusted_proxies({"SDPA_TRUSTED_PROXIES": "proxy.lan"})
