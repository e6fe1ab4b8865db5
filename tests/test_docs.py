"""The README's pictures exist, are PNG screenshots, and are made by the script that says it makes them."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_picture_the_readme_shows_is_a_png_in_docs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    pictures = re.findall(r"\((docs/screenshots/[\w.-]+\.png)\)", readme)
    assert {f"docs/screenshots/{host}-{page}.png" for host in ("a1111", "forge") for page in ("txt2img", "tab")} | {
        "docs/screenshots/standalone.png"} <= set(pictures)
    for picture in pictures:
        data = (ROOT / picture).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000, picture


def test_the_screenshot_script_runs_the_tests_that_save_them():
    script = (ROOT / "docs" / "screenshots.py").read_text(encoding="utf-8")
    browser = (ROOT / "tests" / "test_browser.py").read_text(encoding="utf-8")
    host = (ROOT / "tests" / "host" / "test_host.py").read_text(encoding="utf-8")
    test = re.search(r"tests/test_browser.py::(\w+)", script).group(1)
    assert f"def {test}(" in browser and '"standalone.png"' in browser and "SDPA_SCREENSHOTS" in browser
    assert "SDPA_HOST_SCREENSHOTS" in script and "-txt2img.png" in host and "-tab.png" in host
