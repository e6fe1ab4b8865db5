"""Issue 17: the cost of a request is bounded. The worst shapes of input (runs of spaces, brackets, backslashes,
AND/BREAK/| runs, LoRA tags, mixes) go through the public entry points (refine with the chips and with a
model, plan, guard, describe, the token counter, history search, the HTTP API), and none may cost more than
MAX_RATIO times a plain prompt of the same length through the same entry point.

Made for a loaded machine: ratios of times measured in the same run, each time the least of its tries, a
shape re-measured only when it looks slow, and an absolute floor under which no time counts as slow."""

from __future__ import annotations

import contextlib
import json
import random
import threading
import time
from collections.abc import Callable

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from sdpa_ext import budget
from sdpa_ext.craft.describe import describe
from sdpa_ext.craft.reading import read
from sdpa_ext.craft.syntax import guard
from sdpa_ext.craft.tokens import count_tokens
from sdpa_ext.errors import SdpaError
from sdpa_ext.server.api import make_router
from sdpa_ext.service import Service
from sdpa_ext.types import PromptVersion

from .conftest import OPENAI_KEY
from .wire import OpenAIServer

MAX_RATIO = 20
FLOOR_S = 0.5  # anything faster than this is fast, whatever the ratio (timer noise on a busy machine)
TRIES = 3
PROMPT = 10_000  # the limits of assistant.py: a prompt, a description
DESCRIPTION = 4_000
SEARCH = 200  # history.MAX_SEARCH
PLAIN = "a cozy cabin in a snowy forest at dusk, warm light from the windows, (pine trees:1.1), "
PIECES = ["(", ")", "[", "]", "\\", ":", "|", " AND ", " BREAK ", "<lora:detail:0.8>", "  ", ",", "a", "{", "}",
          "1.2", "__w__", "\\(", "[a:b:0.5]", "[a|b]", "\n"]


def _fill(piece: str, size: int) -> str:
    return (piece * (size // len(piece) + 1))[:size]


def shapes(size: int) -> dict[str, str]:
    """The worst shapes we know of at `size` characters, and a seeded random mix of every piece of syntax."""
    rng = random.Random(17)
    half = size // 2
    found = {"spaces": "a" + " " * (size - 2) + "b", "newlines": "a" + "\n" * (size - 2) + "b",
             "open round": _fill("(", size), "open square": _fill("[", size), "closers": _fill(")]", size),
             "nested": "(" * half + "a" + ")" * (size - half - 1), "open words": _fill("(a ", size),
             "backslashes": _fill("\\", size), "escaped brackets": _fill("\\(", size),
             "colons": _fill(":", size), "weights": _fill("(a: ", size), "AND": _fill(" AND a", size),
             "BREAK": _fill(" BREAK a", size), "pipes": _fill("|", size), "alternation": _fill("[a|b", size),
             "editing": _fill("[a:b:0.5", size), "LoRA tags": _fill("<lora:x:0.8>, ", size),
             "open LoRA tags": _fill("<lora:", size), "groups": _fill("(red hair:1.2), ", size),
             "variants": _fill("{a|b", size), "wildcards": _fill("__a__ ", size)}
    found["mix"] = "".join(rng.choice(PIECES) for _ in range(size))[:size]
    return {name: text.strip() or "a" for name, text in found.items()}


def least_time(call: Callable[[], object], tries: int = TRIES) -> float:
    """The least time of `tries` calls (an error the call answers with counts as its answer)."""
    best = float("inf")
    for _ in range(tries):
        start = time.perf_counter()
        with contextlib.suppress(SdpaError):
            call()
        best = min(best, time.perf_counter() - start)
    return best


def too_slow(entry: Callable[[str], object], size: int, names: tuple[str, ...] = ()) -> list[str]:
    """The shapes (all, or those `names`) whose cost through `entry` is over MAX_RATIO times a plain text's,
    with their times."""
    plain = least_time(lambda: entry(_fill(PLAIN, size)))
    slow = []
    for name, text in shapes(size).items():
        if names and name not in names:
            continue
        took = least_time(lambda text=text: entry(text), tries=1)
        if took > FLOOR_S and took > MAX_RATIO * plain:  # a second look before calling it slow
            took = least_time(lambda text=text: entry(text))
        if took > FLOOR_S and took > MAX_RATIO * plain:
            slow.append(f"{name}: {took:.2f} s against {plain:.3f} s")
    return slow


@pytest.fixture(scope="module")
def wire():
    """A model that answers with the text it was given (the worst shape comes back as its prompt)."""
    def echo(body: dict) -> str:
        asked = body["messages"][-1]["content"]
        return json.dumps({"prompt": asked[-PROMPT // 2:], "negative_prompt": asked[:500], "params": {}, "notes": ""})

    with OpenAIServer(api_key=OPENAI_KEY, answer=echo) as server:
        yield server


@pytest.fixture
def service(make_settings, wire) -> Service:
    return Service(make_settings({"LLM_PROVIDER": "openai", "OPENAI_BASE_URL": wire.url + "/v1",
                                  "OPENAI_API_KEY": OPENAI_KEY, "OLLAMA_HOST": "127.0.0.1:9", "SDPA_STREAM": "false"}))


@pytest.mark.slow
def test_chip_refines_cost_no_more_than_a_plain_prompt_would(service):
    """Slow by design: 22 shapes of 10,000 characters, three chips on each, timed against a plain prompt (the
    least of three tries where a shape looks slow)."""
    def refine(text: str) -> None:
        for chip in ("darker", "more detail", "square"):
            service.refine(PromptVersion(prompt=text), chip=chip, session="chips")

    assert too_slow(refine, PROMPT) == []


@pytest.mark.slow
def test_plans_and_model_refines_cost_no_more_than_a_plain_prompt_would(service):
    """Slow by design: 22 shapes planned (4,000 characters) and refined (10,000) through a model that echoes them,
    each timed against a plain text."""
    assert too_slow(lambda text: service.plan(text, session="plans"), DESCRIPTION) == []
    assert too_slow(lambda text: service.refine(PromptVersion(prompt=text), "rewrite it as a watercolor poem",
                                                session="free"), PROMPT) == []


@pytest.mark.slow
def test_the_parser_and_the_checks_cost_no_more_than_a_plain_prompt_would():
    """Slow by design: the guard (twice), describe and the token counter on 22 shapes each, timed against a plain
    text."""
    assert too_slow(lambda text: guard(text, text + ", cabin", read("make it darker", text)), PROMPT) == []
    assert too_slow(lambda text: guard(text, "cabin, " + text[::-1], read("remove the cabin", text)), PROMPT) == []
    assert too_slow(describe, DESCRIPTION) == []
    assert too_slow(count_tokens, PROMPT) == []


def test_history_search_costs_no_more_than_a_plain_search_would(make_settings):
    service = Service(make_settings())
    line = service.line("planted")
    for index, text in enumerate(shapes(PROMPT).values()):
        line.push(PromptVersion(prompt=text, source=text[:DESCRIPTION], id=f"v{index}"))
    for index in range(100):
        line.push(PromptVersion(prompt=_fill("a", PROMPT), id=f"a{index}"))
    assert too_slow(lambda text: service.search(text), SEARCH) == []
    assert least_time(lambda: service.search("a" * (SEARCH - 1) + "b")) < 2.0  # the worst text for a naive match


def test_the_http_api_costs_no_more_than_a_plain_prompt_would(service):
    app = FastAPI()
    app.include_router(make_router(lambda: service), prefix="/sdpa/v1")
    client = TestClient(app, base_url="http://127.0.0.1")

    def refine(text: str) -> None:
        response = client.post("/sdpa/v1/refine", json={"chip": "darker", "prompt": text})
        assert response.status_code in (200, 422, 502), response.text[:300]  # 502: the edit ran past the limit

    assert too_slow(refine, PROMPT, ("spaces", "nested", "escaped brackets", "AND", "LoRA tags", "mix")) == []


def test_a_request_past_its_cpu_budget_stops_with_a_clear_error(service, monkeypatch):
    monkeypatch.setattr(budget, "CPU_S", 0.0)
    app = FastAPI()
    app.include_router(make_router(lambda: service), prefix="/sdpa/v1")
    client = TestClient(app, base_url="http://127.0.0.1")
    response = client.post("/sdpa/v1/refine", json={"chip": "darker", "prompt": PLAIN * 50})
    assert response.status_code == 422, response.text
    assert "refine: stopped after 0 s of processing; shorten the text" in response.json()["error"]
    assert [v.kind for v in service.search()] == ["edit"]  # the prompt as given; nothing half-made


def test_slow_requests_do_not_hold_up_another_clients_history(service):
    """Four of the worst refines at once (16.8 s each before issue 17, stalling a history read for 28 s)."""
    app = FastAPI()
    app.include_router(make_router(lambda: service), prefix="/sdpa/v1")
    client = TestClient(app, base_url="http://127.0.0.1")
    worst = shapes(PROMPT)["spaces"]
    busy = [threading.Thread(target=client.post, args=("/sdpa/v1/refine",),
                             kwargs={"json": {"chip": "darker", "prompt": worst}}) for _ in range(4)]
    for thread in busy:
        thread.start()
    waits = []
    while any(thread.is_alive() for thread in busy):
        start = time.perf_counter()
        assert client.get("/sdpa/v1/history").status_code == 200
        waits.append(time.perf_counter() - start)
    for thread in busy:
        thread.join()
    assert waits and max(waits) < 3.0, waits
