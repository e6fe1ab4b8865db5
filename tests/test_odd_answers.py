"""Issue 17: a model's odd answer is a provider error (502, one line) and odd input a 422, never a 500. A corpus
of generated answers (JSON-ish, Python-ish, nested braces, surrogates, huge numbers, deep nesting, odd field
types) goes through plan and refine over the HTTP API."""

from __future__ import annotations

import json
import random

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from sdpa_ext.server.api import make_router
from sdpa_ext.service import Service

from .conftest import OPENAI_KEY
from .wire import OpenAIServer

ODD_VALUES = ['"{{1girl}}, \\"solo\\", smile"', '"\\ud800"', '"a\\udfff b"', "1e999999", "-1e999999",
              "1" + "0" * 5000, "NaN", "Infinity", "null", "true", "[]", '["a", ["b"]]', '{"a": {"b": "c"}}',
              "[" * 3000 + "]" * 3000, '"' + "(" * 2000 + '"', '"<lora:x:1e999>, (a:1e309)"', '"\\u0000\\u0007"',
              '"' + "{" * 500 + '"', "12345678901234567890", "-0", '"\\\\"', '""']
PYTHONISH = ["{'prompt': {{1}}, 'negative_prompt': None}", "{'prompt': 'a', 'params': {[1]: 2}}",
             "{'prompt': 'cabin', 'params': {'steps': 10**1000}}", "{(1, 2): 'a', 'prompt': 'b'}",
             "{'prompt': 'a' 'b', 'notes': True}", "{prompt: cabin}", "{'prompt': 'a',}", "{{{{{{{{", "}}}}{{{{",
             "{'prompt': '''x'''}", "{'prompt': b'bytes'}", "{'prompt': 1j}"]


def corpus(seed: int = 17, size: int = 90) -> list[str]:
    """Answers a broken or hostile model might send: every odd value in every field, Python-ish objects,
    fragments, and random splices of them."""
    answers = [json.dumps({"prompt": "cabin, snow", "negative_prompt": "blurry", "params": {}, "notes": ""})
               .replace('"cabin, snow"', value) for value in ODD_VALUES]
    answers += [f'{{"prompt": "cabin", "negative_prompt": {v}, "params": {w}, "notes": {v}}}'
                for v, w in zip(ODD_VALUES, reversed(ODD_VALUES), strict=True)]
    answers += [f'{{"prompt": "cabin", "params": {{"steps": {v}, "width": {v}, "sampler": {v}}}}}' for v in ODD_VALUES]
    answers += PYTHONISH + ["```json\n" + a + "\n```" for a in PYTHONISH[:4]]
    rng = random.Random(seed)
    while len(answers) < size:
        a, b = rng.sample(answers, 2)
        answers.append(a[:rng.randint(0, len(a))] + b[rng.randint(0, len(b)):])
    return answers


@pytest.fixture(scope="module")
def wire():
    with OpenAIServer(api_key=OPENAI_KEY) as server:
        yield server


@pytest.fixture
def client(make_settings, wire):
    settings = make_settings({"LLM_PROVIDER": "openai", "OPENAI_BASE_URL": wire.url + "/v1",
                              "OPENAI_API_KEY": OPENAI_KEY, "OLLAMA_HOST": "127.0.0.1:9", "SDPA_STREAM": "false"})
    service = Service(settings)
    app = FastAPI()
    app.include_router(make_router(lambda: service), prefix="/sdpa/v1")
    return TestClient(app, base_url="http://127.0.0.1:7860", raise_server_exceptions=False)


def _one_clean_line(response) -> None:
    assert response.status_code in (200, 422, 502), (response.status_code, response.text[:300])
    if response.status_code != 200:
        error = response.json()["error"]
        assert error and "\n" not in error and "Traceback" not in error, error


def test_the_reported_answer_is_a_502_or_a_prompt_not_a_500(client, wire):
    wire.answer = '{"prompt": "{{1girl}}, \\"solo\\", smile", "negative_prompt": "", "params": {}, "notes": ""}'
    response = client.post("/sdpa/v1/plan", json={"description": "a girl smiling"})
    _one_clean_line(response)


@pytest.mark.slow
def test_every_odd_answer_gives_a_version_or_one_line(client, wire):
    """Slow by design: the 90 answers of the corpus, each through plan and refine over the HTTP API."""
    for answer in corpus():
        wire.answer = answer
        _one_clean_line(client.post("/sdpa/v1/plan", json={"description": "a cabin in the snow"}))
        _one_clean_line(client.post("/sdpa/v1/refine", json={"instruction": "rewrite it as a watercolor poem",
                                                              "prompt": "a cabin, snow, (dusk:1.2)"}))


@pytest.mark.parametrize("body", [
    {"instruction": "make it darker", "prompt": "cabin", "params": {"sampler": "\ud800"}},
    {"instruction": "make it darker", "prompt": "cabin", "negative_prompt": "blurry \udfff"},
    {"instruction": "make it \ud800 darker", "prompt": "cabin \ud800"},
])
def test_a_lone_surrogate_in_the_input_is_a_422(client, body):
    raw = json.dumps(body)  # json.dumps writes a lone surrogate as the escape \\ud800, which JSON allows
    response = client.post("/sdpa/v1/refine", content=raw, headers={"Content-Type": "application/json"})
    assert response.status_code == 422, response.text
    assert "surrogate" in response.json()["error"]


def test_a_search_or_a_session_with_a_lone_surrogate_is_a_422(client):
    assert client.get("/sdpa/v1/history?search=a%ED%A0%80").status_code == 200  # a surrogate's bytes: not UTF-8
    response = client.post("/sdpa/v1/plan", content='{"description": "cabin", "session": "\\ud800"}',
                           headers={"Content-Type": "application/json"})
    assert response.status_code == 422
