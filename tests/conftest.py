"""Shared fixtures: settings built from a given environment and .env text, never the developer's own."""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

import pytest

from sdpa_ext.settings.config import Settings, load_settings

# Recognisable fake keys: every leak check looks for these.
CLAUDE_KEY = "sk-ant-test-SECRETclaude-0123456789abcd"
GEMINI_KEY = "AIzaTEST-SECRETgemini-0123456789wxyz"
OPENAI_KEY = "sk-test-SECRETopenai-0123456789efgh"
FAKE_KEYS = (CLAUDE_KEY, GEMINI_KEY, OPENAI_KEY)
EMBEDDED_THREADS = "1"  # the embedded model's CPU threads in the suite (_embedded_model_on_one_thread)
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"
CHROME_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """The files that hold a test marked `slow` run first, each in its own order: a free worker takes the next
    file in this order (`--dist loadfile --no-loadscope-reorder`), so the long ones start early and no worker is
    left with one at the end while the other waits."""
    slow = {item.module.__name__ for item in items if item.get_closest_marker("slow") and getattr(item, "module", None)}
    items.sort(key=lambda item: getattr(getattr(item, "module", None), "__name__", "") not in slow)


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium through Playwright (its own browser download cannot work here)."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is needed for the browser tests: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROME_ARGS, headless=True)
        yield launched
        launched.close()


@pytest.fixture(scope="session", autouse=True)
def _fake_keys_everywhere():
    """The whole suite runs with recognisable fake keys in the environment, so a leak anywhere shows."""
    names = {"ANTHROPIC_API_KEY": CLAUDE_KEY, "GEMINI_API_KEY": GEMINI_KEY, "OPENAI_API_KEY": OPENAI_KEY}
    saved = {name: os.environ.get(name) for name in names}
    os.environ.update(names)
    yield
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(scope="session", autouse=True)
def _embedded_model_on_one_thread():
    """The embedded model runs on one CPU thread in the suite (SDPA_LOCAL_THREADS=1 for the `serve` and CLI
    processes the tests start; in this process a runtime asked for the default gets one thread). The suite's
    workers share the machine's cores (pytest-xdist, `-n auto`), and llama.cpp's threads wait for each other at
    every step: one of two preempted by a neighbour stalls the other, and on 2 busy cores 60 tokens took up to
    100 s on two threads against 1.5 s on one. What the model answers does not depend on how many threads compute
    it (five seeded answers of 80 tokens at temperature 0.7: the same, token for token, on one thread and on two)."""
    from sdpa_ext.providers.local import LocalRuntime

    get = LocalRuntime.get.__func__
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SDPA_LOCAL_THREADS", EMBEDDED_THREADS)
        patch.setattr(LocalRuntime, "get", classmethod(
            lambda cls, model, threads, ctx: get(cls, model, threads or int(EMBEDDED_THREADS), ctx)))
        yield


@pytest.fixture(autouse=True)
def _own_secrets(monkeypatch):
    """The secrets a test registers (its keys, its serve credentials) are forgotten after it: the set is
    process-wide, and every output is scrubbed of any 8 characters of each (a test key made of words,
    `...-for-execution-...`, would mask `execution` in later tests)."""
    from sdpa_ext import secrets

    monkeypatch.setattr(secrets, "_secrets", set(secrets._secrets))


@pytest.fixture(autouse=True)
def _fresh_provider_state():
    """Each test starts with nothing the providers learnt before (pools, slots, response formats)."""
    from sdpa_ext.providers.http import STATE

    STATE.reset()
    yield


@pytest.fixture(autouse=True)
def _no_key_in_output(capsys, caplog):
    """After every test: no key in what it printed or logged (our loggers at DEBUG)."""
    caplog.set_level(logging.DEBUG, logger="sdpa_ext")
    yield
    out, err = capsys.readouterr()
    assert_no_keys(out, err, caplog.text)
    print(out, end="")  # give the output back to pytest's report


@pytest.fixture
def make_settings(tmp_path):
    """make_settings({"LLM_PROVIDER": "claude", ...}, env_text="...") -> Settings."""

    def make(environ: dict[str, str] | None = None, env_text: str = "") -> Settings:
        env_file = tmp_path / ".env"
        env_file.write_text(env_text, encoding="utf-8")
        base = {"SDPA_DATA_DIR": str(tmp_path / "data")}
        return load_settings(environ={**base, **(environ or {})}, env_file=env_file)

    return make


def assert_no_keys(*texts: str) -> None:
    for text in texts:
        for key in FAKE_KEYS:
            assert key not in text, f"a key leaked: ...{key[-6:]}"
            assert key[-12:] not in text, f"a key's tail leaked: ...{key[-6:]}"
