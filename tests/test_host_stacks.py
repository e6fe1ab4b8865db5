"""The UI and the API under each host's stack, in environments built once outside the checkout from
tests/<stack>/constraints.txt (tests/hostenvs.py): A1111's Gradio 3.41.2 / FastAPI 0.94 / pydantic 1 and
Forge's Gradio 4.40.0 / FastAPI 0.104.1 / pydantic 2.8.2."""

from __future__ import annotations

import pytest

from .hostenvs import ROOT, ensure_env, run_tests, versions


@pytest.mark.parametrize(("stack", "expected"), [
    ("gradio3", ["3.41.2", "1.10.27", "0.94.0"]),
    ("gradio4", ["4.40.0", "2.8.2", "0.104.1"]),
])
@pytest.mark.slow
def test_ui_and_api_under_the_hosts_gradio(stack, expected):
    """Slow by design: the UI, API, WebUI-script and render test files run again in another Python, with the
    host's Gradio, FastAPI and pydantic (importing Gradio alone takes seconds)."""
    python = ensure_env(stack, ROOT / "tests" / stack / "constraints.txt")
    assert versions(python) == expected
    result = run_tests(python)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
