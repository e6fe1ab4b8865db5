"""The WebUI hosts' UI stacks as test environments: Gradio 3.41.2 + pydantic 1 (A1111) and Gradio 4.40.0 +
pydantic 2.8 (Forge). Each is built once, outside the checkout (`$XDG_CACHE_HOME/sdpa-test-envs`, else
`~/.cache/sdpa-test-envs`), keyed by its constraints file, and reused; a lock keeps two runs from building
the same one at once."""

from __future__ import annotations

import contextlib
import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("gradio", "fastapi", "pydantic", "pytest", "requests", "httpx")
# What these environments run: the UI build, the API router and the WebUI script against fake modules.
HOST_TESTS = ("tests/test_ui_build.py", "tests/test_api.py", "tests/test_webui_script.py", "tests/test_render.py")


def cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "sdpa-test-envs"


def python_of(env: Path) -> Path:
    return env / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")


def ensure_env(name: str, constraints: Path) -> Path:
    """The environment's Python, building the environment first when its constraints changed."""
    text = constraints.read_text(encoding="utf-8")
    key = hashlib.sha256(f"{sys.version_info[:2]}\n{PACKAGES}\n{text}".encode()).hexdigest()[:12]
    env = cache_root() / f"{name}-{key}"
    marker = env / "sdpa-ready"
    cache_root().mkdir(parents=True, exist_ok=True)
    with open(cache_root() / f"{name}.lock", "w") as lock:
        with contextlib.suppress(ImportError):  # POSIX: one build at a time (Windows runs go one by one)
            import fcntl

            fcntl.flock(lock, fcntl.LOCK_EX)
        if not marker.is_file():
            venv.EnvBuilder(with_pip=True, clear=True).create(env)
            subprocess.run([str(python_of(env)), "-m", "pip", "install", "-q", "--disable-pip-version-check",
                            "-c", str(constraints), *PACKAGES], check=True, timeout=900)
            marker.write_text(text, encoding="utf-8")
    return python_of(env)


def run_tests(python: Path, files: tuple[str, ...] = HOST_TESTS) -> subprocess.CompletedProcess:
    """The files in one process of the environment (it has no pytest-xdist: pyproject's addopts is replaced)."""
    return subprocess.run([str(python), "-m", "pytest", "-o", "addopts=-q", "-q", "-p", "no:cacheprovider", *files],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)


def versions(python: Path) -> list[str]:
    code = "import gradio, pydantic, fastapi; print(gradio.__version__, pydantic.VERSION, fastapi.__version__)"
    return subprocess.run([str(python), "-c", code], capture_output=True, text=True, check=True).stdout.split()
