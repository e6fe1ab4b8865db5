"""The UI and the API under A1111's stack (Gradio 3.41.2, FastAPI 0.94, pydantic 1), in an environment
built once outside the checkout from tests/gradio3/constraints.txt (tests/hostenvs.py)."""

from __future__ import annotations

from .hostenvs import ROOT, ensure_env, run_tests, versions


def test_ui_and_api_under_gradio_3_41():
    python = ensure_env("gradio3", ROOT / "tests" / "gradio3" / "constraints.txt")
    assert versions(python) == ["3.41.2", "1.10.27", "0.94.0"]
    result = run_tests(python)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
