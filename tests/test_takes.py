"""Takes to pick from: N takes differ (distinct picks in at least two categories between any two), each keeps the
subject and has no contradiction (bench/takes.py, with the embedded model); a large model writes them in one
call and every take passes the same checks; the first is current, the others wait in the history and a pick
puts one in its place; the API, the CLI and the estimate before asking."""

from __future__ import annotations

import json

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from bench.quality import DATA
from bench.takes import MIN_DISTINCT, distinct, run
from sdpa_ext.craft.takes import estimate
from sdpa_ext.errors import ConfigError
from sdpa_ext.providers.types import Usage
from sdpa_ext.server.api import make_router
from sdpa_ext.service import Service
from sdpa_ext.types import PromptVersion
from sdpa_ext.ui import render

from .conftest import OPENAI_KEY
from .test_cli import run_cli  # noqa: F401  (the fixture)
from .wire import OpenAIServer

EVERYDAY = json.loads(DATA.read_text(encoding="utf-8"))["everyday"]


def _take(prompt: str, notes: str = "n", **params) -> dict:
    return {"prompt": prompt, "negative_prompt": "blurry", "params": params, "notes": notes}


THREE = json.dumps({"takes": [
    _take("lighthouse, rocky coast, night, moonlight, wide shot, oil painting", width=1216, height=832),
    _take("lighthouse, rocky coast, night, storm clouds, low angle, film photography"),
    _take("lighthouse, rocky coast, noon, bright sunlight, close-up, watercolor"),  # noon: the description says night
]})


@pytest.mark.slow
@pytest.mark.local
def test_the_embedded_models_takes_differ_keep_the_subject_and_contradict_nothing(make_settings):
    """The harness on descriptions of every family: every pair of takes differs in at least two categories.
    Slow by design: 18 plans of the embedded model (one description of each of the six families, three takes, a
    call per take)."""
    service = Service(make_settings({"OLLAMA_HOST": "127.0.0.1:9"}))
    items = [EVERYDAY[i] for i in (0, 11, 22, 33, 44, 55)]  # one of each family
    assert len({item["family"] for item in items}) == 6
    rows = run(service.assistant, items, 3)
    for row in rows:
        assert row["ok"] and row["takes"] == 3, row
        assert row["min_distinct"] >= MIN_DISTINCT, row
        assert row["subject"] == 1.0 and row["contradictions"] == 0, row
        assert row["calls"] == 3  # a call per take: each picks among what earlier takes left
    assert distinct("a cat, golden hour, film grain", "a cat, golden hour, film grain") == 0


@pytest.fixture
def wired(make_settings):
    """A Service on an OpenAI-compatible double that answers three takes, and the double."""
    with OpenAIServer(api_key=OPENAI_KEY, answer=THREE) as double:
        yield Service(make_settings({"LLM_PROVIDER": "openai", "OPENAI_BASE_URL": double.url + "/v1",
                                     "OPENAI_API_KEY": OPENAI_KEY, "OLLAMA_HOST": "127.0.0.1:9"})), double


def test_a_large_model_writes_the_takes_in_one_call_and_each_is_checked(wired):
    service, wire = wired
    takes = service.plan_takes("an old lighthouse on a rocky coast at night", 3, session="s")
    calls = [r for r in wire.requests if r.path.endswith("/chat/completions")]
    assert len(calls) == 1 and takes.calls == 1
    body = calls[0].json
    schema = body["response_format"]["json_schema"]["schema"]["properties"]["takes"]
    assert (schema["minItems"], schema["maxItems"]) == (3, 3)
    system = body["messages"][0]["content"]
    assert "Write 3 takes" in system and "composition" in system and "not in wording" in system
    first, second, third = takes.versions
    assert first.params["width"] == 1216 and "oil painting" in first.prompt
    assert "noon" not in third.prompt and any("noon" in w for w in third.warnings)  # the same checks as one answer
    assert [v.notes[:11] for v in takes.versions] == ["take 1 of 3", "take 2 of 3", "take 3 of 3"]
    assert all(v.takes == [first.id, second.id, third.id] for v in takes.versions)
    assert takes.cost_usd == first.cost_usd  # one call: its cost once


def test_the_first_take_is_current_and_a_pick_takes_its_place(wired):
    service = wired[0]
    before = service.line("s").push(PromptVersion(prompt="a cabin", kind="edit"))
    takes = service.plan_takes("an old lighthouse on a rocky coast at night", 3, session="s")
    first, second, third = takes.versions
    assert [v.id for v in service.versions(session="s")] == [before.id, first.id]
    assert service.history.get(third.id).prompt == third.prompt  # kept, restorable
    assert service.pick(second.id, session="s").id == second.id
    assert [v.id for v in service.versions(session="s")] == [before.id, second.id]  # in place of the first
    assert service.pick(second.id, session="s").id == second.id  # picking the current one changes nothing
    assert service.undo(session="s").id == before.id
    assert service.pick(third.id, session="s").id == third.id  # the current is no sibling now: pushed
    assert [v.id for v in service.versions(session="s")] == [before.id, third.id]
    assert service.pick("nope", session="s") is None and service.pick(first.id, session="s", user="bob") is None


def test_refine_takes_for_typed_instructions_and_one_take_for_a_chip(wired):
    service, wire = wired
    wire.answer = json.dumps({"takes": [_take("lighthouse, rocky coast, night, heavy rain"),
                                        _take("lighthouse, rocky coast, night, drizzle, fog")]})
    current = PromptVersion(prompt="lighthouse, rocky coast, night", negative_prompt="blurry")
    takes = service.refine_takes(current, "add rain", 2, session="r")
    assert [v.kind for v in takes.versions] == ["refine", "refine"]
    assert len({v.parent for v in takes.versions}) == 1 and takes.versions[0].parent
    chip = service.refine_takes(current, "", 3, chip="darker", session="r")
    assert len(chip.versions) == 1 and chip.calls == 0 and any("one take" in w for w in chip.versions[0].warnings)
    wire.answer = json.dumps(_take("lighthouse, rocky coast, night, rain"))  # one answer, not a list of takes
    one = service.refine_takes(current, "add rain", 3, session="r")
    assert len(one.versions) == 1 and "asked for 3 takes, the model wrote 1" in one.versions[0].warnings
    with pytest.raises(ConfigError, match="from 1 to 4"):
        service.plan_takes("x", 5, session="r")


def test_a_take_that_says_the_same_as_an_earlier_one_is_left_out_with_a_note(wired):
    """Issue 26, point 15: a take identical to take 1, or take 1 with its terms reordered, was shown as a new take
    with no note."""
    service, wire = wired
    first = "lighthouse, rocky coast, night, moonlight, wide shot, oil painting"
    wire.answer = json.dumps({"takes": [
        _take(first), _take("oil painting, lighthouse, night, rocky coast, wide shot, moonlight"),  # reordered
        _take("lighthouse, rocky coast, night, storm clouds, low angle, film photography"), _take(first)]})
    takes = service.assistant.plan_takes("an old lighthouse on a rocky coast at night", 4)
    assert [v.prompt for v in takes.versions] == [first, "lighthouse, rocky coast, night, storm clouds, low angle, "
                                                         "film photography"]
    warnings = takes.versions[0].warnings
    assert "take 2 said the same as take 1 (its terms in another order): left out" in warnings
    assert "take 4 said the same as take 1: left out" in warnings
    assert [v.notes[:11] for v in takes.versions] == ["take 1 of 2", "take 2 of 2"]
    wire.answer = json.dumps({"takes": [_take("lighthouse, rocky coast, night, heavy rain"),
                                        _take("heavy rain, lighthouse, rocky coast, night")]})
    current = PromptVersion(prompt="lighthouse, rocky coast, night", negative_prompt="blurry")
    refined = service.assistant.refine_takes(current, "add rain", 2)
    assert len(refined.versions) == 1 and refined.versions[0].prompt == "lighthouse, rocky coast, night, heavy rain"
    assert "take 2 said the same as take 1 (its terms in another order): left out" in refined.versions[0].warnings


def test_api_takes_and_pick(wired):
    service = wired[0]
    app = FastAPI()
    app.include_router(make_router(lambda: service), prefix="/sdpa/v1")
    client = TestClient(app, base_url="http://127.0.0.1:7860")
    answer = client.post("/sdpa/v1/plan", json={"description": "a lighthouse at night", "session": "a", "n": 3})
    assert answer.status_code == 200, answer.text
    data = answer.json()
    assert len(data["takes"]) == 3 and data["calls"] == 1 and "cost_usd" in data and "latency_s" in data
    assert data["takes"][0]["from_first"] == {"added": [], "removed": []}
    assert "oil painting" in data["takes"][1]["from_first"]["removed"]
    picked = client.post("/sdpa/v1/pick", json={"id": data["takes"][1]["id"], "session": "a"})
    assert picked.status_code == 200 and picked.json()["id"] == data["takes"][1]["id"]
    assert service.current(session="a").id == data["takes"][1]["id"]
    assert client.post("/sdpa/v1/pick", json={"id": "nope", "session": "a"}).status_code == 404
    for bad in (0, 5, "2", True):
        response = client.post("/sdpa/v1/plan", json={"description": "x", "n": bad})
        assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["body", "n"], bad


def test_cli_takes(run_cli, wired):  # noqa: F811
    wire = wired[1]
    env = {"LLM_PROVIDER": "openai", "OPENAI_BASE_URL": wire.url + "/v1", "OPENAI_API_KEY": OPENAI_KEY}
    shown = run_cli("plan", "an old lighthouse on a rocky coast at night", "--n", "3", env=env)
    assert shown.returncode == 0, shown.stderr
    assert "=== Take 3 of 3" in shown.stdout and "3 takes: 1 call(s)" in shown.stdout
    data = json.loads(run_cli("plan", "a lighthouse at night", "--n", "2", "--json", env=env).stdout)
    assert len(data["takes"]) == 2
    wrong = run_cli("plan", "x", "--n", "9", env=env)
    assert wrong.returncode == 2 and "n=9 is not valid" in wrong.stderr


def test_the_estimate_before_asking_and_the_side_by_side_view():
    last = PromptVersion(prompt="x", provider="claude", model="claude-sonnet-4-5", latency_s=3.0, ttft_s=1.0,
                         usage=Usage(input_tokens=800, output_tokens=150), cost_usd=0.00465)
    cost, seconds = estimate(last, 3, call_per_take=False)
    assert seconds == 7.0 and cost == pytest.approx((800 * 3 + 3 * 150 * 15) / 1_000_000)  # Sonnet: $3 in, $15 out
    local = PromptVersion(prompt="x", provider="local", latency_s=0.6)
    assert estimate(local, 3, call_per_take=True) == pytest.approx((0.0, 1.8))
    assert "3 takes: about $0.0092, about 7.0 s" in render.estimate_html(3, (cost, seconds))
    assert "no answer yet" in render.estimate_html(2, None)
    assert render.estimate_html(1, None) == '<div class="sdpa-estimate"></div>'
    a = PromptVersion(prompt="cabin, snow, dusk", id="a")
    b = PromptVersion(prompt="cabin, snow, <script>x</script>", id="b", params={"width": 832, "height": 1216})
    html = render.takes([a, b], "b", [0.001, 2.5, 1])
    assert "<mark class='sdpa-take-new'>&lt;script&gt;x&lt;/script&gt;</mark>" in html and "<script>" not in html
    assert "current" in html and "832x1216" in html and "2 takes: 1 call(s), $0.0010, 2.5 s" in html
