"""The HTTP API (one router, plain dicts): runs under pydantic 2 (Forge, standalone) and pydantic 1
(A1111; CI runs this file again in the Gradio 3.41 environment)."""

from __future__ import annotations

import base64
import json

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from sdpa_ext.images.vision import sees
from sdpa_ext.server.api import basic_auth, make_router
from sdpa_ext.service import Service

from .conftest import OPENAI_KEY, assert_no_keys
from .wire import OpenAIServer

ANSWER = json.dumps({"prompt": "cabin, snow, dusk", "negative_prompt": "blurry", "params": {"steps": 25},
                     "notes": "n"})


@pytest.fixture
def wire():
    with OpenAIServer(api_key=OPENAI_KEY, answer=ANSWER) as server:
        yield server


@pytest.fixture
def client(make_settings, wire):
    settings = make_settings({"LLM_PROVIDER": "openai", "OPENAI_BASE_URL": wire.url + "/v1",
                              "OPENAI_API_KEY": OPENAI_KEY, "OLLAMA_HOST": "127.0.0.1:9"})
    service = Service(settings)
    app = FastAPI()
    app.include_router(make_router(lambda: service), prefix="/sdpa/v1")
    return TestClient(app, base_url="http://127.0.0.1:7860")


def test_plan_then_refine_with_diff(client, wire):
    planned = client.post("/sdpa/v1/plan", json={"description": "a cabin", "session": "s1"})
    assert planned.status_code == 200, planned.text
    data = planned.json()
    assert data["prompt"] == "cabin, snow, dusk" and data["params"]["steps"] == 25
    assert data["diff"] == {"added": [], "removed": []}
    wire.answer = json.dumps({"prompt": "cabin, snow, night", "negative_prompt": "blurry", "params": {},
                              "notes": "darker"})
    refined = client.post("/sdpa/v1/refine", json={"instruction": "switch dusk for night", "prompt": data["prompt"],
                                                   "negative_prompt": "blurry", "session": "s1"})
    assert refined.status_code == 200, refined.text
    assert refined.json()["diff"] == {"added": ["night"], "removed": ["dusk"]}
    history = client.get("/sdpa/v1/history", params={"search": "cabin"}).json()["versions"]
    assert [v["prompt"] for v in history][:2] == ["cabin, snow, night", "cabin, snow, dusk"]


def _logged_in(service: Service, who: str) -> TestClient:
    """A client of the API as the WebUI mounts it with --api-auth alice:pw,bob:pw (cookies kept, as a browser)."""
    app = FastAPI()
    app.include_router(make_router(lambda: service, [basic_auth({"alice": "pw", "bob": "pw"})],
                                   user=lambda request: request.state.sdpa_user), prefix="/sdpa/v1")
    token = base64.b64encode(f"{who}:pw".encode()).decode()
    return TestClient(app, base_url="http://127.0.0.1:7860", headers={"Authorization": f"Basic {token}"})


def test_two_users_and_two_clients_never_share_an_undo_line(make_settings, wire):
    service = Service(make_settings({"LLM_PROVIDER": "openai", "OPENAI_BASE_URL": wire.url + "/v1",
                                     "OPENAI_API_KEY": OPENAI_KEY, "OLLAMA_HOST": "127.0.0.1:9"}))
    alice, bob, alice_again = _logged_in(service, "alice"), _logged_in(service, "bob"), _logged_in(service, "alice")
    mine = alice.post("/sdpa/v1/plan", json={"description": "a cabin"})
    assert mine.status_code == 200, mine.text
    session = mine.headers["X-SDPA-Session"]
    assert bob.post("/sdpa/v1/plan", json={"description": "a castle"}).status_code == 200
    other = alice_again.post("/sdpa/v1/plan", json={"description": "a tower"})
    assert other.headers["X-SDPA-Session"] != session  # another client of hers: another line
    assert service.current(session=session, user="alice").id == mine.json()["id"]  # after bob pushed
    # Her next call (the cookie) continues her line: its hand-given prompt and the refine land there only.
    refined = alice.post("/sdpa/v1/refine", json={"instruction": "switch dusk for night", "prompt": "my cabin"})
    assert refined.headers["X-SDPA-Session"] == session
    line = [v.kind for v in service.versions(session=session, user="alice")]
    assert line == ["plan", "edit", "refine"]
    assert [v.kind for v in service.versions(session=other.headers["X-SDPA-Session"], user="alice")] == ["plan"]
    # The same session id named by both users: still a line each.
    for client in (alice, bob):
        assert client.post("/sdpa/v1/plan", json={"description": "a ship"},
                           headers={"X-SDPA-Session": "shared"}).status_code == 200
    assert service.undo(session="shared", user="alice") is None  # bob's version is not under hers


def test_a_session_id_must_be_plain(client, wire):
    response = client.post("/sdpa/v1/plan", json={"description": "a cabin"}, headers={"X-SDPA-Session": "a b;c"})
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["body", "X-SDPA-Session"]
    assert wire.requests == []


@pytest.mark.parametrize(("body", "field", "message"), [
    ({"description": "x", "base_url": "http://169.254.169.254/"}, "base_url", "unknown field"),
    ({"description": "x", "provider": "openai"}, "provider", "unknown field"),
    ({}, "description", "field required"),
    ({"description": 42}, "description", "expected str"),
    ({"description": ""}, "description", "is empty"),
    ({"description": " \n "}, "description", "is empty"),
    ({"description": None}, "description", "field required"),
    ({"description": "x" * 5000}, "description", "limit is 4,000"),
    ({"description": "x", "family": "fluxx"}, "family", "did you mean 'flux'"),
])
def test_bad_input_is_422_naming_the_field(client, wire, body, field, message):
    response = client.post("/sdpa/v1/plan", json=body)
    assert response.status_code == 422
    detail = response.json()["detail"][0]
    assert detail["loc"] == ["body", field] and message in detail["msg"]
    assert wire.requests == []  # no call reached the provider


def test_invalid_json_and_a_huge_body(client):
    as_json = {"Content-Type": "application/json"}
    assert client.post("/sdpa/v1/plan", content=b"{not json", headers=as_json).status_code == 422
    assert client.post("/sdpa/v1/plan", content=b"[1, 2]", headers=as_json).json()["detail"][0]["loc"] == [
        "body", "body"]
    huge = json.dumps({"description": "x" * 300_000}).encode()
    assert "larger than" in client.post("/sdpa/v1/plan", content=huge, headers=as_json).json()["detail"][0]["msg"]


def test_provider_errors_are_502_naming_the_provider_without_the_key(client, wire):
    from .wire import Error

    wire.script("/chat/completions", Error(401, f"bad key {OPENAI_KEY}"))
    response = client.post("/sdpa/v1/plan", json={"description": "a cabin"})
    assert response.status_code == 502
    assert response.json()["detail"].startswith("openai HTTP 401")
    assert_no_keys(response.text)


def test_config_and_hardware_never_show_a_key(client):
    config = client.get("/sdpa/v1/config")
    assert config.status_code == 200 and config.json()["roles"]["planning"]["api_key"] == "set"
    assert "set (...efgh)" in config.text
    hardware = client.get("/sdpa/v1/hardware").json()
    assert set(hardware) >= {"gpus", "sd", "budget_gb", "ollama", "recommended"}
    assert sees("ollama", hardware["recommended"]["vision"]["model"])  # a model that sees, for this machine
    assert_no_keys(config.text, json.dumps(hardware))


def test_api_auth_protects_the_routes(make_settings):
    service = Service(make_settings())
    app = FastAPI()
    app.include_router(make_router(lambda: service, [basic_auth({"alice": "s3cret"})],
                                   user=lambda request: request.state.sdpa_user), prefix="/sdpa/v1")
    client = TestClient(app, base_url="http://127.0.0.1:7860")
    assert client.get("/sdpa/v1/config").status_code == 401
    wrong = base64.b64encode(b"alice:nope").decode()
    assert client.get("/sdpa/v1/config", headers={"Authorization": f"Basic {wrong}"}).status_code == 401
    right = base64.b64encode(b"alice:s3cret").decode()
    assert client.get("/sdpa/v1/history", headers={"Authorization": f"Basic {right}"}).status_code == 200


@pytest.mark.parametrize(("raw", "field", "message"), [
    (b'{"instruction": "x", "prompt": "p", "params": {"steps": NaN}}', "params", "finite"),
    (b'{"instruction": "x", "prompt": "p", "params": {"cfg_scale": Infinity}}', "params", "finite"),
    (b'{"instruction": "x", "prompt": "p", "params": {"steps": -Infinity}}', "params", "finite"),
    (b'{"instruction": "x", "prompt": "p", "params": {"steps": {"a": {"b": 1}}}}', "params", "expected a number"),
    (b'{"instruction": "x", "prompt": "p", "params": {"steps": [1, 2]}}', "params", "expected a number"),
    (b'{"instruction": "x", "prompt": "p", "params": ' + b'[' * 20_000 + b']' * 20_000 + b'}', "body", "nested"),
    (b'{"instruction": "", "prompt": "p"}', "instruction", "is empty"),
])
def test_numbers_must_be_finite_and_nesting_is_limited(client, wire, raw, field, message):
    response = client.post("/sdpa/v1/refine", content=raw, headers={"Content-Type": "application/json"})
    assert response.status_code == 422, response.text
    detail = response.json()["detail"][0]
    assert detail["loc"] == ["body", field] and message in detail["msg"], detail
    assert wire.requests == []


def test_history_answers_after_a_non_finite_number_was_stored(client, make_settings):
    """A version stored with NaN (by an older version of ours) no longer makes GET /history fail."""
    import sqlite3

    from sdpa_ext.history import History
    from sdpa_ext.types import PromptVersion

    path = make_settings().data_dir / "history.sqlite3"
    History(path).session("s").push(PromptVersion(prompt="cabin", params={"steps": 20}))
    with sqlite3.connect(path) as db:
        db.execute("UPDATE versions SET data = replace(data, '\"steps\": 20', '\"steps\": NaN')")
    response = client.get("/sdpa/v1/history")
    assert response.status_code == 200, response.text
    assert response.json()["versions"][0]["params"] == {"steps": None}


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data",
                                          ""])
def test_posts_take_json_only(client, wire, content_type):
    """A web page can send text/plain without a preflight; the API refuses anything but JSON."""
    body = json.dumps({"description": "a cabin"})
    response = client.post("/sdpa/v1/plan", content=body, headers={"Content-Type": content_type})
    assert response.status_code == 415, response.text
    assert wire.requests == []


@pytest.mark.parametrize(("headers", "allowed"), [
    ({"Origin": "http://evil.example"}, False),
    ({"Origin": "null"}, False),
    ({"Origin": "http://127.0.0.1:8001"}, False),
    ({"Origin": "http://localhost:7860"}, False),
    ({"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "cors"}, False),
    ({"Sec-Fetch-Site": "same-site", "Sec-Fetch-Mode": "no-cors"}, False),
    ({"Origin": "http://127.0.0.1:7860"}, True),
    ({"Sec-Fetch-Site": "same-origin"}, True),
    ({}, True),  # not a browser: curl, scripts
])
def test_a_browser_may_post_only_from_the_servers_own_origin(client, wire, headers, allowed):
    response = client.post("/sdpa/v1/plan", json={"description": "a cabin"}, headers=headers)
    assert (response.status_code == 200) is allowed, response.text
    if not allowed:
        assert response.status_code == 403 and "cross-origin" in response.text
        assert wire.requests == []


@pytest.mark.parametrize(("host", "allowed"), [
    ("evil.example", False), ("evil.example:7860", False), ("127.0.0.1.nip.io:7860", False),
    ("127.0.0.1:7860", True), ("localhost:7860", True), ("[::1]:7860", True), ("192.168.1.20:7860", True),
    ("studio.lan:7860", True),  # listed in SDPA_ALLOWED_HOSTS
])
def test_a_dns_rebound_name_is_refused_inside_the_webui_too(make_settings, monkeypatch, host, allowed):
    """The WebUI's own app answers any Host; our routes answer loopback names, IP addresses and listed names."""
    monkeypatch.setenv("SDPA_ALLOWED_HOSTS", "studio.lan")
    service = Service(make_settings())
    app = FastAPI()
    app.include_router(make_router(lambda: service), prefix="/sdpa/v1")
    response = TestClient(app, base_url="http://127.0.0.1:7860").get("/sdpa/v1/history", headers={"Host": host})
    assert (response.status_code == 200) is allowed, (host, response.status_code)
    assert allowed or response.status_code == 421


@pytest.mark.parametrize("headers", [{"Origin": "http://evil.example"},
                                     {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "cors"}])
def test_another_site_cannot_read_history_or_config_whatever_cors_allows(client, headers):
    for path in ("/sdpa/v1/history", "/sdpa/v1/config", "/sdpa/v1/hardware"):
        response = client.get(path, headers=headers)
        assert response.status_code == 403 and "versions" not in response.text, path
    for site in ("cross-site", "Cross-Site", "same-site"):  # a link followed from another site (issue 17): it
        navigation = {"Sec-Fetch-Site": site, "Sec-Fetch-Mode": "navigate"}  # would run a search for it
        assert client.get("/sdpa/v1/history?search=cabin", headers=navigation).status_code == 403, site
    assert client.get("/sdpa/v1/history", headers={"Sec-Fetch-Site": "none", "Sec-Fetch-Mode": "navigate"}).is_success
