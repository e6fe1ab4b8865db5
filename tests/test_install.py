"""install.py says why pip failed in words a new user can act on: PEP 668, no virtual environment, offline."""

from __future__ import annotations

import importlib.util
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# pip's own words on Debian 12's python3 (abridged).
PEP_668 = """error: externally-managed-environment

× This environment is externally managed
╰─> To install Python packages system-wide, try apt install
    python3-xyz, where xyz is the package you are trying to
    install.

note: If you believe this is a mistake, please contact your Python installation or OS distribution provider.
hint: See PEP 668 for the detailed specification.
"""
OFFLINE = ("WARNING: Retrying (Retry(total=0, ...)) after connection broken by 'NewConnectionError(...: "
           "Failed to establish a new connection: [Errno -3] Temporary failure in name resolution')'\n"
           "ERROR: No matching distribution found for xllamacpp>=2026.1\n")
DENIED = "ERROR: Could not install packages due to an OSError: [Errno 13] Permission denied: '/usr/lib/python3'\n"


@pytest.fixture
def install():
    spec = importlib.util.spec_from_file_location("sdpa_install", ROOT / "install.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _pip_answers(monkeypatch, install, stderr: str, *, venv: bool) -> None:
    monkeypatch.setattr(install.subprocess, "run", lambda command, **kw: subprocess.CompletedProcess(
        command, 1, stdout="", stderr=stderr))
    monkeypatch.setattr(install.sys, "base_prefix", install.sys.prefix if not venv else "/usr")


def test_pep_668_is_named_with_the_venv_steps(monkeypatch, capsys, install):
    _pip_answers(monkeypatch, install, PEP_668, venv=False)
    assert install.pip("--no-deps", "xllamacpp") is False
    line = capsys.readouterr().out.strip()
    assert "PEP 668" in line and "externally-managed-environment" in line
    assert "python3 -m venv .venv" in line and "py -m venv .venv" in line
    assert "offline" not in line


def test_no_venv_and_no_permission_says_so(monkeypatch, capsys, install):
    _pip_answers(monkeypatch, install, DENIED, venv=False)
    install.pip("xllamacpp")
    line = capsys.readouterr().out.strip()
    assert "not in a virtual environment" in line and "python3 -m venv .venv" in line


def test_offline_is_named_with_the_way_round(monkeypatch, capsys, install):
    _pip_answers(monkeypatch, install, OFFLINE, venv=True)
    install.pip("xllamacpp")
    line = capsys.readouterr().out.strip()
    assert "cannot be reached" in line and "PIP_NO_INDEX=1" in line and "virtual environment" not in line


def test_in_venv_is_the_prefix_test(monkeypatch, install):
    monkeypatch.setattr(install.sys, "base_prefix", install.sys.prefix)
    assert install.in_venv() is False
    monkeypatch.setattr(install.sys, "base_prefix", "/usr")
    assert install.in_venv() is True
