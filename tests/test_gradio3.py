"""The UI and the API under A1111's stack (Gradio 3.41.2, FastAPI 0.94, pydantic 1), in a second
environment made here once (.venv-g3, from tests/gradio3/constraints.txt) and reused."""

from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENV = ROOT / ".venv-g3"
PYTHON = ENV / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")


def _ensure_env() -> None:
    marker = ENV / "sdpa-ready"
    constraints = ROOT / "tests" / "gradio3" / "constraints.txt"
    if marker.is_file() and marker.read_text() == constraints.read_text():
        return
    venv.EnvBuilder(with_pip=True, clear=True).create(ENV)
    subprocess.run([str(PYTHON), "-m", "pip", "install", "-q", "--disable-pip-version-check", "-c", str(constraints),
                    "gradio", "fastapi", "pydantic", "pytest", "requests", "httpx"], check=True, timeout=900)
    marker.write_text(constraints.read_text())


def test_ui_and_api_under_gradio_3_41():
    _ensure_env()
    code = "import gradio, pydantic; print(gradio.__version__, pydantic.VERSION)"
    version = subprocess.run([str(PYTHON), "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert version == ["3.41.2", "1.10.27"]
    files = ["tests/test_ui_build.py", "tests/test_api.py", "tests/test_webui_script.py"]
    result = subprocess.run([str(PYTHON), "-m", "pytest", "-q", "-p", "no:cacheprovider", *files], cwd=ROOT,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
