"""Faults on the wire: every provider's format x every way a server fails, through Assistant.refine/plan.

Each row of FAULTS scripts a real 127.0.0.1 server (tests/wire) or points at an address that
refuses or never answers, then checks what the user gets: a one-line ProviderError that starts with
the provider's name and says what to do, within the stated deadline, after a bounded number of tries
that the server counted, with the prompt fields and the history exactly as they were.
"""

from __future__ import annotations

import contextlib
import email.utils
import json
import re
import socket
import sys
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from types import SimpleNamespace

import pytest
import urllib3.util.connection

from sdpa_ext.assistant import Assistant
from sdpa_ext.errors import Cancelled, ProviderError
from sdpa_ext.history import History, Session
from sdpa_ext.providers import http
from sdpa_ext.providers.types import CancelToken
from sdpa_ext.service import Service
from sdpa_ext.types import PromptVersion

from .conftest import CLAUDE_KEY, GEMINI_KEY, OPENAI_KEY, assert_no_keys
from .wire import (
    Action,
    Answer,
    ClaudeServer,
    Delay,
    Drip,
    Drop,
    Error,
    GeminiServer,
    Html,
    MidStreamError,
    OllamaServer,
    OpenAIServer,
    Reply,
    Stream,
    WireServer,
)
from .wire.server import split_text, sse

PROVIDERS = ("claude", "gemini", "ollama", "openai")
CHAT_PATH = {"claude": "/v1/messages", "gemini": ":streamGenerateContent", "ollama": "/api/chat",
             "openai": "/v1/chat/completions"}
TIMEOUT = 2.0  # SDPA_TIMEOUT: the stated total deadline of one call, retries included
CONNECT_TIMEOUT = 0.5  # SDPA_CONNECT_TIMEOUT
SLACK = 1.5  # a loaded 2-core machine; every bound stays well under what a missed deadline would take
BIG = 10_000_000  # the "10 MB answer"
BAD_BYTES = b"\xe9\xff"  # Latin-1 e-acute and a byte that is never UTF-8
MARK = "QQBADQQ"  # replaced by BAD_BYTES on the wire

CURRENT = PromptVersion(prompt="cozy cabin, snowy forest, (warm light:1.2), dusk", negative_prompt="blurry, lowres",
                        params={"steps": 28, "cfg_scale": 6.5}, family="sdxl", kind="refine", source="warmer light")
REFINED = {"prompt": "cozy cabin, snowy forest, (warm light:1.2), night, moonlight",
           "negative_prompt": "blurry, lowres, daylight", "params": {}, "notes": "darker"}
PLANNED = {"prompt": "cozy cabin, snowy forest, dusk, warm window light", "negative_prompt": "blurry",
           "params": {"steps": 30}, "notes": "cabin first"}


# --- raw stream frames in each vendor's format -----------------------------------------------


def opening(provider: str) -> list[str]:
    if provider == "claude":
        message = {"type": "message_start", "message": {"usage": {"input_tokens": 9, "output_tokens": 1}}}
        return [sse(message, "message_start")]
    if provider == "openai":
        return [sse({"choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}]})]
    return []


def delta(provider: str, text: str) -> str:
    if provider == "claude":
        return sse({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": text}},
                   "content_block_delta")
    if provider == "gemini":
        return sse({"candidates": [{"content": {"parts": [{"text": text}], "role": "model"}, "index": 0}]})
    if provider == "ollama":
        return json.dumps({"model": "llama3.2:3b", "message": {"role": "assistant", "content": text},
                           "done": False}) + "\n"
    return sse({"choices": [{"index": 0, "delta": {"content": text}, "finish_reason": None}]})


def closing(provider: str) -> list[str]:
    if provider == "claude":
        return [sse({"type": "message_delta", "delta": {"stop_reason": "end_turn"}, "usage": {"output_tokens": 9}},
                    "message_delta"), sse({"type": "message_stop"}, "message_stop")]
    if provider == "gemini":
        last = {"content": {"parts": [{"text": ""}], "role": "model"}, "finishReason": "STOP", "index": 0}
        return [sse({"candidates": [last], "usageMetadata": {"promptTokenCount": 9, "candidatesTokenCount": 9}})]
    if provider == "ollama":
        return [json.dumps({"model": "llama3.2:3b", "message": {"role": "assistant", "content": ""}, "done": True,
                            "done_reason": "stop", "prompt_eval_count": 9, "eval_count": 9}) + "\n"]
    return [sse({"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}), "data: [DONE]\n\n"]


def frames(provider: str, text: str, parts: int = 3) -> list[str]:
    """A complete, valid stream of `text` in `parts` deltas."""
    return [*opening(provider), *(delta(provider, piece) for piece in split_text(text, parts)), *closing(provider)]


def error_event(provider: str) -> str:
    """The vendor's in-stream error for an overloaded model."""
    if provider == "claude":
        return sse({"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}, "error")
    if provider == "gemini":
        return sse({"error": {"code": 503, "message": "The model is overloaded.", "status": "UNAVAILABLE"}})
    if provider == "ollama":
        return json.dumps({"error": "model runner has unexpectedly stopped"}) + "\n"
    return sse({"error": {"message": "The server is overloaded", "type": "server_error", "code": None}})


def malformed(provider: str) -> str:
    """A frame whose JSON is broken."""
    return '{"message": {"content": "cab\n' if provider == "ollama" else 'data: {"type": "content_block_del\n\n'


@dataclass
class Produced:
    """What a generated stream wrote before the client went away."""

    bytes: int = 0
    finished: bool = False


def huge_stream(provider: str, produced: Produced) -> Iterator[str]:
    """A 10 MB answer in 10 kB deltas, generated as it is sent (so the server holds little memory)."""
    yield from opening(provider)
    piece = "snowy forest, " * 700  # about 10 kB
    for _ in range(BIG // len(piece)):
        frame = delta(provider, piece)
        produced.bytes += len(frame)
        yield frame
    produced.finished = True
    yield from closing(provider)


def huge_line(provider: str) -> bytes:
    """A 10 MB answer as one frame without a line break, sent with a Content-Length."""
    return delta(provider, "a" * BIG).rstrip("\n").encode()


# --- the fault table ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Fault:
    """One row: how the server misbehaves, and what the user must get."""

    name: str
    script: Callable[[str], list[Action]] = lambda provider: []  # the actions for successive requests
    tries: int | dict[str, int] = 1  # requests the server (or the connect counter) must see
    message: str = ""  # a regex the one-line message must match
    target: str = "server"  # "refused": a closed port; "blackhole": a port that never completes a connect
    timeout: float = TIMEOUT
    bound: float = TIMEOUT + SLACK  # the call must end within this many seconds
    at_least: float = 0.0  # a wait the server asked for is honoured
    succeeds: bool = False
    status: int | None = None
    memory: bool = False  # measure the peak memory of the call
    check: Callable[[str], None] | None = None  # a further check on the server's side

    def expected_tries(self, provider: str) -> int:
        return self.tries[provider] if isinstance(self.tries, dict) else self.tries


def _retry_date(seconds: float) -> str:
    return email.utils.formatdate(time.time() + seconds, usegmt=True)


_PRODUCED: dict[str, Produced] = {}


def _huge_stream_script(provider: str) -> list[Action]:
    _PRODUCED[provider] = Produced()
    return [Stream(huge_stream(provider, _PRODUCED[provider]))]


def _stopped_early(provider: str) -> None:
    produced = _PRODUCED.pop(provider)
    assert not produced.finished and produced.bytes < BIG / 2, produced  # the client hung up early


RETRY_HINT = r"try again"
FAULTS = [
    Fault("connection refused", target="refused", bound=0.5 + SLACK,
          message=r"cannot connect to http://127\.0\.0\.1:\d+.*(is the server running|ollama serve)"),
    Fault("connect timeout", target="blackhole", timeout=10.0, bound=CONNECT_TIMEOUT + SLACK,  # not the 10 s
          at_least=CONNECT_TIMEOUT * 0.9,
          message=r"could not connect to http://127\.0\.0\.1:\d+\S* within 0\.5s.*(server running|ollama serve)"),
    Fault("no response (read timeout)", lambda p: [Delay(10)], timeout=1.0, bound=1.0 + SLACK, at_least=0.95,
          message=r"no answer within 1s.*raise SDPA_TIMEOUT"),
    Fault("slow drip, each piece inside the read timeout",
          lambda p: [Stream(frames(p, json.dumps(REFINED), 6), delay=0.9)],
          timeout=1.0, bound=1.0 + SLACK, at_least=0.95, message=r"not finished within 1s.*raise SDPA_TIMEOUT"),
    Fault("slow drip with a Content-Length",
          lambda p: [Drip([f.encode() for f in frames(p, json.dumps(REFINED), 20)], interval=0.3)],
          timeout=1.0, bound=1.0 + SLACK, at_least=0.95, message=r"not finished within 1s.*raise SDPA_TIMEOUT"),
    Fault("429, Retry-After in seconds",  # 1 s asked twice: the second wait would pass the 2 s deadline
          lambda p: [Error(429, "Rate limited", retry_after=1)] * 3, tries=2, status=429, at_least=0.95,
          message=r"HTTP 429.*rate limited: wait a moment.*no time left to retry within 2s"),
    Fault("429, Retry-After as an HTTP date",  # whole seconds: a wait of 0.5 to 1.5 s
          lambda p: [Error(429, "Rate limited", retry_after=_retry_date(1.5))] * 3,
          tries=3, status=429, at_least=0.45, message=r"HTTP 429.*rate limited"),
    Fault("529 overloaded", lambda p: [Error(529, "Overloaded")] * 3, tries=3, status=529,
          message=r"HTTP 529.*" + RETRY_HINT),
    Fault("500, 502, 503 (no success in 3 tries)",
          lambda p: [Error(500, "Internal error"), Error(502, "Bad gateway"), Error(503, "Unavailable"), Answer()],
          tries=3, status=503, message=r"HTTP 503.*" + RETRY_HINT),
    Fault("500, 503 then success", lambda p: [Error(500, "Internal error"), Error(503, "Unavailable")], tries=3,
          succeeds=True),
    Fault("401", lambda p: [Error(401, "invalid x-api-key")], status=401,
          message=r"HTTP 401.*(check (ANTHROPIC|GEMINI|OPENAI)_API_KEY|the server wants a key)"),
    Fault("403", lambda p: [Error(403, "Permission denied")], status=403,
          message=r"HTTP 403.*no access to this model or region"),
    Fault("HTML error page from a proxy", lambda p: [Html(502)] * 3, tries=3, status=502,
          message=r"HTTP 502: answered with an HTML error page.*" + RETRY_HINT),
    Fault("HTML page with 200 (not the API)",
          lambda p: [Reply(200, body=Html().body.encode(), content_type="text/html; charset=utf-8")] * 3,
          message=r"HTML page.*check the base URL"),
    Fault("connection dropped without an answer", lambda p: [Drop()] * 3, tries=3,
          message=r"closed without an answer.*" + RETRY_HINT),
    Fault("malformed SSE (bad JSON in data:)", lambda p: [Stream([*opening(p), malformed(p)])],
          message=r"malformed answer.*check the base URL"),
    Fault("stream cut before its end", lambda p: [Stream([*opening(p), delta(p, '{"prompt": "cozy cab')],
                                                         close_early=True)],
          message=r"(broke|ended).*" + RETRY_HINT),
    Fault("stream ends cleanly without its end marker", lambda p: [Stream([*opening(p), delta(p, '{"prompt": "co')])],
          message=r"stream ended before the answer was complete.*" + RETRY_HINT),
    Fault("stream cut before any text", lambda p: [Stream(opening(p), close_early=True)] * 3, tries=3,
          message=r"(broke|ended).*" + RETRY_HINT),
    Fault("error event mid-stream", lambda p: [MidStreamError('{"prompt": "cab', "model crashed")],
          message=r"(model crashed|overloaded).*" + RETRY_HINT),
    Fault("error event before any text", lambda p: [Stream([*opening(p), error_event(p)])] * 3,
          tries={"claude": 3, "gemini": 3, "ollama": 1, "openai": 1},
          message=r"(overloaded|unexpectedly stopped).*" + RETRY_HINT),
    Fault("empty answer", lambda p: [Answer(text="")], message=r"returned an empty answer.*try again"),
    Fault("whitespace answer", lambda p: [Answer(text=" \n\t \n")], message=r"returned an empty answer.*try again"),
    Fault("10 MB answer, streamed", _huge_stream_script, memory=True, check=_stopped_early,
          message=r"answer longer than 100000 characters; stopped.*try again"),
    Fault("10 MB answer in one line", lambda p: [Reply(200, body=huge_line(p), content_type="text/event-stream")],
          memory=True, message=r"answer larger than 2 MB; stopped reading.*check the base URL"),
]


# --- fixtures and helpers ---------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _steady_jitter(monkeypatch):
    """Backoff jitter at its low end (waits of 0.25 s, then 0.5 s): the same policy, repeatable timings."""
    monkeypatch.setattr(http, "random", SimpleNamespace(uniform=lambda low, high: low))


TAB = "tab-1"  # the browser tab whose line the Service's calls below extend


@pytest.fixture
def session(tmp_path) -> Session:
    """The history session the Service of `make_settings` (data in tmp_path/data) writes to, whose current
    version is CURRENT (after an older one): a failure must leave it exactly as it was."""
    store = History(tmp_path / "data" / "history.sqlite3")
    tab = store.session(TAB)
    older = tab.push(PromptVersion(prompt="cozy cabin, snowy forest", kind="plan", source="a cabin in the snow"))
    tab.push(PromptVersion(**{**asdict(CURRENT), "usage": CURRENT.usage, "parent": older.id}))
    return tab


@pytest.fixture
def connects(monkeypatch) -> list[tuple[str, int]]:
    """Every TCP connect the HTTP stack makes (tries at addresses where no server can count them)."""
    seen: list[tuple[str, int]] = []
    real = urllib3.util.connection.create_connection

    def counting(address, *args, **kwargs):
        seen.append(address)
        return real(address, *args, **kwargs)

    monkeypatch.setattr(urllib3.util.connection, "create_connection", counting)
    return seen


def make_server(provider: str, answer: dict) -> WireServer:
    text = json.dumps(answer)
    if provider == "claude":
        return ClaudeServer(api_key=CLAUDE_KEY, answer=text)
    if provider == "gemini":
        return GeminiServer(api_key=GEMINI_KEY, answer=text)
    if provider == "ollama":
        return OllamaServer(answer=text)
    return OpenAIServer(api_key=OPENAI_KEY, answer=text)


def provider_env(provider: str, url: str) -> dict[str, str]:
    """Point a provider at `url` (both roles use the same variables)."""
    return {
        "claude": {"ANTHROPIC_API_KEY": CLAUDE_KEY, "ANTHROPIC_BASE_URL": url},
        "gemini": {"GEMINI_API_KEY": GEMINI_KEY, "GEMINI_BASE_URL": url},
        "ollama": {"OLLAMA_HOST": url, "OLLAMA_MODEL": "llama3.2:3b", "PLANNING_OLLAMA_MODEL": "llama3.2:3b"},
        "openai": {"OPENAI_API_KEY": OPENAI_KEY, "OPENAI_BASE_URL": url + "/v1", "OPENAI_MODEL": "gpt-4.1-mini",
                   "PLANNING_OPENAI_MODEL": "gpt-4.1-mini"},
    }[provider]


@contextlib.contextmanager
def closed_port() -> Iterator[str]:
    """A 127.0.0.1 port nothing listens on: connecting is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    yield f"http://127.0.0.1:{port}"


@contextlib.contextmanager
def blackhole() -> Iterator[str]:
    """A listening port whose accept queue is full: Linux drops further SYNs, so a connect never completes."""
    if not sys.platform.startswith("linux"):
        pytest.skip("only Linux is known to drop SYNs to a full accept queue (others may refuse them)")
    listener = socket.socket()
    fillers: list[socket.socket] = []
    try:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        address = listener.getsockname()
        for _ in range(8):
            filler = socket.socket()
            filler.settimeout(0.1)
            fillers.append(filler)
            try:
                filler.connect(address)
            except (TimeoutError, OSError):
                break
        else:
            pytest.fail("could not fill the accept queue")
        yield f"http://127.0.0.1:{address[1]}"
    finally:
        for filler in fillers:
            filler.close()
        listener.close()


@contextlib.contextmanager
def target(fault: Fault, provider: str, answer: dict) -> Iterator[tuple[str, WireServer | None]]:
    if fault.target == "refused":
        with closed_port() as url:
            yield url, None
    elif fault.target == "blackhole":
        with blackhole() as url:
            yield url, None
    else:
        with make_server(provider, answer) as server:
            server.script(CHAT_PATH[provider], *fault.script(provider))
            yield server.url, server


def tries_seen(server: WireServer | None, connects: list[tuple[str, int]], provider: str, url: str) -> int:
    if server is not None:
        return server.count(CHAT_PATH[provider])
    port = int(url.rsplit(":", 1)[1])
    return sum(address[1] == port for address in connects)


def assert_user_message(err: ProviderError, provider: str, pattern: str) -> None:
    """One line, starting with the provider's name, with a hint of what to do, and no key."""
    text = str(err)
    assert "\n" not in text and "\r" not in text and text == text.strip(), text
    assert len(text) <= 400, text
    assert re.match(rf"{provider}\b", text), text
    assert err.provider == provider
    assert err.hint and f"({err.hint})" in text, text
    assert re.search(pattern, text), text
    assert_no_keys(text, repr(err), err.detail, err.hint)


def snapshot(session: Session) -> list[dict]:
    return [asdict(v) for v in session.versions()] + [asdict(session.current())]


def recorded(session: Session, before: list[dict], version: PromptVersion) -> bool:
    """The line is what it was plus `version`, now the current one (nothing else written)."""
    return snapshot(session) == [*before[:-1], asdict(version), asdict(version)]


# --- refine: every provider x every fault ----------------------------------------------------


@pytest.mark.parametrize("fault", FAULTS, ids=[f.name for f in FAULTS])
@pytest.mark.parametrize("provider", PROVIDERS)
def test_refine_under_a_fault(make_settings, session, connects, provider, fault):
    current = session.current()
    before, history_before = asdict(current), snapshot(session)
    with target(fault, provider, REFINED) as (url, server):
        env = {"LLM_PROVIDER": provider, "SDPA_TIMEOUT": str(fault.timeout),
               "SDPA_CONNECT_TIMEOUT": str(CONNECT_TIMEOUT), **provider_env(provider, url)}
        service = Service(make_settings(env))
        if fault.memory:
            tracemalloc.start()
        start = time.monotonic()
        try:
            if fault.succeeds:
                version = service.refine(current, "give the scene a moodier feeling", session=TAB)
            else:
                with pytest.raises(ProviderError) as caught:
                    service.refine(current, "give the scene a moodier feeling", session=TAB)
        finally:
            elapsed = time.monotonic() - start
            if fault.memory:
                peak = tracemalloc.get_traced_memory()[1]
                tracemalloc.stop()
        tries = tries_seen(server, connects, provider, url)

    assert fault.at_least <= elapsed < fault.bound, f"{elapsed:.2f}s"
    assert tries == fault.expected_tries(provider)
    assert asdict(current) == before  # the fields handed in are untouched
    if fault.succeeds:
        assert recorded(session, history_before, version)  # the new version only, after the old line
        assert version.prompt == REFINED["prompt"] and version.provider == provider
        assert version.parent == current.id
        sent = [r.json for r in server.requests if CHAT_PATH[provider] in r.path]
        assert all(body == sent[0] for body in sent)  # a retry resends the same request
        return
    assert snapshot(session) == history_before  # the history is untouched
    err = caught.value
    assert_user_message(err, provider, fault.message)
    assert err.status == fault.status
    if fault.memory:
        assert peak < 5_000_000, f"{peak / 1e6:.1f} MB held for a 10 MB answer"
    if fault.check is not None:
        fault.check(provider)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_refine_with_bytes_that_are_not_utf8(make_settings, session, provider):
    """Invalid UTF-8 becomes U+FFFD: the answer is used, nothing crashes."""
    answer = {**REFINED, "prompt": f"cozy cabin, snowy forest, (warm light:1.2), caf{MARK} at night"}
    raw = [f.encode().replace(MARK.encode(), BAD_BYTES) for f in frames(provider, json.dumps(answer), 1)]
    current = session.current()
    before, history_before = asdict(current), snapshot(session)
    with make_server(provider, REFINED) as server:
        server.script(CHAT_PATH[provider], Stream(raw))
        env = {"LLM_PROVIDER": provider, "SDPA_TIMEOUT": str(TIMEOUT), **provider_env(provider, server.url)}
        version = Service(make_settings(env)).refine(current, "give the scene a moodier feeling", session=TAB)
        assert server.count(CHAT_PATH[provider]) == 1
    assert "caf\ufffd\ufffd at night" in version.prompt
    assert "(warm light:1.2)" in version.prompt
    assert asdict(current) == before and recorded(session, history_before, version)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_cancel_ends_a_stalled_stream_at_once(make_settings, session, provider):
    """The user cancels while the server has gone quiet mid-answer: the call ends now, not at the next byte."""
    current = session.current()
    before, history_before = asdict(current), snapshot(session)
    with make_server(provider, REFINED) as server:
        first = "".join([*opening(provider), delta(provider, '{"prompt": "co')])
        server.script(CHAT_PATH[provider], Stream([first, delta(provider, "zy")], delay=5))
        env = {"LLM_PROVIDER": provider, "SDPA_TIMEOUT": "10", **provider_env(provider, server.url)}
        service = Service(make_settings(env))
        cancel = CancelToken()

        def on_delta(text: str) -> None:  # the first text is there, the rest 5 s away: the user clicks Cancel
            threading.Timer(0.2, cancel.cancel).start()

        start = time.monotonic()
        with pytest.raises(Cancelled):
            service.refine(current, "give the scene a moodier feeling", session=TAB, on_delta=on_delta, cancel=cancel)
        elapsed = time.monotonic() - start
        assert server.count(CHAT_PATH[provider]) == 1
    assert elapsed < 2.5, f"{elapsed:.2f}s"  # cancelled 0.2 s after the first text; the next byte is 5 s away
    assert asdict(current) == before and snapshot(session) == history_before


def test_a_failed_refine_leaves_untrimmed_fields_as_they_were(make_settings):
    current = PromptVersion(prompt="cozy cabin, snowy forest\n", negative_prompt=" blurry ")
    before = asdict(current)
    with make_server("ollama", REFINED) as server:
        server.script(CHAT_PATH["ollama"], Error(401, "unauthorized"))
        with pytest.raises(ProviderError):
            Assistant(make_settings({"LLM_PROVIDER": "ollama", **provider_env("ollama", server.url)})).refine(
                current, "give the scene a moodier feeling")
    assert asdict(current) == before


# --- plan: the fallback to the execution LLM -------------------------------------------------

PLANNING_FAULTS = [f for f in FAULTS if f.name in ("connection refused", "401", "malformed SSE (bad JSON in data:)",
                                                   "error event mid-stream")]


@pytest.mark.parametrize("fault", PLANNING_FAULTS, ids=[f.name for f in PLANNING_FAULTS])
@pytest.mark.parametrize("planning", PROVIDERS)
def test_plan_falls_back_to_the_execution_llm(make_settings, session, connects, planning, fault):
    execution = PROVIDERS[(PROVIDERS.index(planning) + 1) % len(PROVIDERS)]
    history_before = snapshot(session)
    with target(fault, planning, PLANNED) as (url, broken), make_server(execution, PLANNED) as working:
        env = {"USE_DUAL_LLM": "true", "PLANNING_LLM_PROVIDER": planning, "EXECUTION_LLM_PROVIDER": execution,
               "SDPA_TIMEOUT": str(fault.timeout), "SDPA_CONNECT_TIMEOUT": str(CONNECT_TIMEOUT),
               **provider_env(execution, working.url), **provider_env(planning, url)}
        deltas: list[str] = []
        start = time.monotonic()
        service = Service(make_settings(env))
        version = service.plan("a cozy cabin in a snowy forest", session=TAB, on_delta=deltas.append)
        elapsed = time.monotonic() - start
        assert tries_seen(broken, connects, planning, url) == fault.expected_tries(planning)
        assert working.count(CHAT_PATH[execution]) == 1
    assert elapsed < fault.bound + 1.0  # the planning failure, then one good call
    assert version.prompt == PLANNED["prompt"]
    assert (version.provider, version.role) == (execution, "execution")
    note = version.warnings[0]
    assert note.startswith("planning with ") and f"failed ({planning}" in note
    assert "used the execution LLM" in note and re.search(fault.message, note), note
    assert note in "".join(deltas)  # the user saw it while it streamed
    assert_no_keys(*version.warnings, *deltas)
    assert recorded(session, history_before, version)


@pytest.mark.parametrize("fault", PLANNING_FAULTS, ids=[f.name for f in PLANNING_FAULTS])
@pytest.mark.parametrize("planning", PROVIDERS)
def test_plan_without_fallback_reports_the_planning_error(make_settings, session, connects, planning, fault):
    execution = PROVIDERS[(PROVIDERS.index(planning) + 1) % len(PROVIDERS)]
    history_before = snapshot(session)
    with target(fault, planning, PLANNED) as (url, broken), make_server(execution, PLANNED) as working:
        env = {"USE_DUAL_LLM": "true", "PLANNING_LLM_PROVIDER": planning, "EXECUTION_LLM_PROVIDER": execution,
               "SDPA_FALLBACK": "false", "SDPA_TIMEOUT": str(fault.timeout),
               "SDPA_CONNECT_TIMEOUT": str(CONNECT_TIMEOUT),
               **provider_env(execution, working.url), **provider_env(planning, url)}
        start = time.monotonic()
        with pytest.raises(ProviderError) as caught:
            Service(make_settings(env)).plan("a cozy cabin in a snowy forest", session=TAB)
        elapsed = time.monotonic() - start
        assert tries_seen(broken, connects, planning, url) == fault.expected_tries(planning)
        assert working.count(CHAT_PATH[execution]) == 0
    assert elapsed < fault.bound
    assert_user_message(caught.value, planning, fault.message)
    assert snapshot(session) == history_before
