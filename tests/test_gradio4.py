"""The UI and the API under Forge's stack (Gradio 4.40.0, FastAPI 0.104.1, pydantic 2.8.2), in an environment
built once outside the checkout from tests/gradio4/constraints.txt (tests/hostenvs.py)."""

from __future__ import annotations

from .hostenvs import ROOT, ensure_env, run_tests, versions


def test_ui_and_api_under_gradio_4_40():
    python = ensure_env("gradio4", ROOT / "tests" / "gradio4" / "constraints.txt")
    assert versions(python) == ["4.40.0", "2.8.2", "0.104.1"]
    result = run_tests(python)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
