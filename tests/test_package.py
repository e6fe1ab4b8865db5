"""The package as a packager ships it: a wheel and an sdist built from the tracked files hold every data file,
and the wheel, installed in a fresh virtual environment outside the checkout (with only `requests` beside it),
runs `config` and `plan`."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tarfile
import venv
import zipfile
from pathlib import Path

import pytest

from .test_providers import ANSWER, server_and_env

ROOT = Path(__file__).resolve().parent.parent
RUNTIME = ("requests", "urllib3", "idna", "certifi", "charset_normalizer")  # requests and what it imports


def _tracked() -> list[str]:
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    return [name for name in listed.decode().split("\0") if name and (ROOT / name).is_file()]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    """A wheel and an sdist built by setuptools from a copy of the tracked files (nothing written here)."""
    base = tmp_path_factory.mktemp("package")
    source, dist = base / "source", base / "dist"
    for name in _tracked():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, source / name)
    built = {}
    for kind in ("wheel", "sdist"):  # one process each: setuptools keeps state between the two builds
        code = f"import sys; from setuptools import build_meta as b; print('built', b.build_{kind}(sys.argv[1]))"
        result = subprocess.run([sys.executable, "-c", code, str(dist)], cwd=source, capture_output=True, text=True,
                                timeout=300)
        assert result.returncode == 0, result.stderr[-3000:]
        built[kind] = dist / result.stdout.splitlines()[-1].split()[1]
    return {**built, "base": base}


def _data_files() -> set[str]:
    files = {name for name in _tracked() if name.startswith("sdpa_ext/") and not name.endswith(".py")}
    assert any(name.startswith("sdpa_ext/craft/data/") for name in files)  # the listing itself works
    return files


def test_the_wheel_and_the_sdist_hold_every_data_file(built):
    with zipfile.ZipFile(built["wheel"]) as wheel:
        in_wheel = set(wheel.namelist())
    with tarfile.open(built["sdist"]) as sdist:
        in_sdist = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    assert _data_files() - in_wheel == set()
    assert _data_files() - in_sdist == set()


@pytest.fixture(scope="module")
def installed(built) -> tuple[Path, Path]:
    """A fresh venv outside the checkout with the wheel (no dependencies resolved) and a copy of requests."""
    env, deps = built["base"] / "venv", built["base"] / "deps"
    venv.create(env, with_pip=False)
    python = env / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
    result = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps",
                             "--no-index", str(built["wheel"])], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    for name in RUNTIME:
        spec = importlib.util.find_spec(name)
        assert spec is not None and spec.submodule_search_locations, name
        shutil.copytree(spec.submodule_search_locations[0], deps / name)
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    (Path(site) / "sdpa_runtime.pth").write_text(str(deps), encoding="utf-8")
    return python, built["base"]


def _run(installed, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    python, base = installed
    clean = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")
             and not k.endswith(("_API_KEY", "_BASE_URL", "_MODEL", "_PROVIDER")) and k != "OLLAMA_HOST"}
    (base / "empty.env").touch()
    full = {**clean, "SDPA_ENV_FILE": str(base / "empty.env"), "SDPA_DATA_DIR": str(base / "data"),
            "PYTHONIOENCODING": "utf-8", **(env or {})}
    return subprocess.run([str(python), *args], cwd=base, env=full, capture_output=True, text=True,
                          encoding="utf-8", timeout=120)


def test_the_installed_wheel_runs_config_and_plan_outside_the_checkout(installed):
    where = _run(installed, "-c", "import sdpa_ext; print(sdpa_ext.__file__)")
    assert where.returncode == 0, where.stderr
    assert str(ROOT) not in where.stdout and "site-packages" in where.stdout
    config = _run(installed, "-m", "sdpa_ext", "config")
    assert config.returncode == 0, config.stderr
    assert "LLM_PROVIDER" in config.stdout
    server, env = server_and_env("ollama", answer=ANSWER)
    with server:
        plan = _run(installed, "-m", "sdpa_ext", "plan", "a cozy cabin in a snowy forest at dusk", "--json", env=env)
    assert plan.returncode == 0, plan.stderr
    assert json.loads(plan.stdout)["prompt"] == "cozy cabin, snowy forest, dusk, warm window light"
