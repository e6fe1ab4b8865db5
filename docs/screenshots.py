"""Remake the README's screenshots (docs/screenshots/) with the browser tests.

    python docs/screenshots.py                 the standalone page, three takes of one description, the second
                                               picked (tests/test_browser.py)
    SDPA_WEBUI_DIR=... SDPA_WEBUI_PYTHON=... python docs/screenshots.py
                                               also txt2img inside A1111 / Forge, a description planned
                                               then refined, and the Prompt Assistant tab (tests/host, opt-in)

One process (-n 0): the host check's tests build on each other in one WebUI (CONTRIBUTING.md, "The host check").
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "SDPA_SCREENSHOTS": str(OUT), "SDPA_HOST_SCREENSHOTS": str(OUT)}
    tests = ["tests/test_browser.py::test_takes_side_by_side_and_picking_one"]
    if os.environ.get("SDPA_WEBUI_DIR") and os.environ.get("SDPA_WEBUI_PYTHON"):
        tests.append("tests/host")
    result = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-n", "0", *tests], cwd=ROOT,
                            env=env, check=False)
    for picture in sorted(OUT.glob("*.png")):
        print(picture.relative_to(ROOT))
    return result.returncode


if __name__ == "__main__":
    raise SystemExit(main())
