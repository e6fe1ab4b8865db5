"""The README and docs/: the README's pictures exist, are PNG screenshots, and are made by the script that says it
makes them; the README stays a first screen; every relative link points at a file (and a heading) that exists;
docs/architecture.md's module map names every module under sdpa_ext/, and only modules that exist."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README_LINES = 220  # the first screen, "about 200 lines" (issue 27)
OUTSIDE = ("scripts/sdpa.py", "install.py", "preload.py", "javascript/sdpa.js")  # the map names these too


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


def test_the_readme_is_a_first_screen():
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= README_LINES, f"README.md has {len(lines)} lines (at most {README_LINES}): move some to docs/"


def _pages() -> list[Path]:
    return [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *sorted((ROOT / "docs").glob("*.md"))]


def _prose(text: str) -> str:
    """The text without fenced code blocks and inline code, where `[a](b)` is not a link."""
    text = re.sub(r"^```.*?^```", "", text, flags=re.S | re.M)
    return re.sub(r"`[^`\n]*`", "", text)


def _anchors(text: str) -> set[str]:
    """The anchors GitHub gives a page's headings: lower case, punctuation dropped, spaces as hyphens."""
    found: set[str] = set()
    for heading in re.findall(r"^#{1,6} +(.+?) *$", _prose_headings(text), flags=re.M):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        base, n = slug, 1
        while slug in found:  # a repeated heading gets -1, -2, ...
            slug, n = f"{base}-{n}", n + 1
        found.add(slug)
    return found


def _prose_headings(text: str) -> str:
    """Headings keep their inline code's text (GitHub's anchor has it); code blocks hold no headings."""
    return re.sub(r"^```.*?^```", "", text, flags=re.S | re.M).replace("`", "")


def _links(page: Path) -> list[str]:
    return re.findall(r"\]\(([^)\s]+)\)", _prose(page.read_text(encoding="utf-8")))


def test_every_relative_link_points_at_a_file_that_exists():
    seen = 0
    for page in _pages():
        for target in _links(page):
            if re.match(r"[a-z][a-z0-9+.-]*:", target):  # https:, mailto: ...
                continue
            path, _, anchor = target.partition("#")
            file = (page.parent / path).resolve() if path else page
            where = f"{page.relative_to(ROOT)} -> {target}"
            assert file.exists(), f"{where}: no such file"
            assert ROOT in file.parents or file == ROOT, f"{where}: outside the repository"
            if anchor and file.suffix == ".md":
                assert anchor in _anchors(file.read_text(encoding="utf-8")), f"{where}: no such heading"
            seen += 1
    assert seen >= 40, f"only {seen} relative links found: the pattern is broken"


def test_the_readme_links_to_every_page_of_the_docs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for page in sorted((ROOT / "docs").glob("*.md")):
        assert f"(docs/{page.name})" in readme, f"README.md does not link to docs/{page.name}"
    assert "(CONTRIBUTING.md)" in readme


def test_the_module_map_names_every_module_and_only_modules_that_exist():
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`(sdpa_ext/[\w/]+\.py)`", text))
    modules = {path.relative_to(ROOT).as_posix() for path in (ROOT / "sdpa_ext").rglob("*.py")}
    assert modules, "no module found: the path is broken"
    assert sorted(modules - named) == [], "modules missing from docs/architecture.md's map (one line each)"
    assert sorted(named - modules) == [], "docs/architecture.md names modules that do not exist"
    for path in OUTSIDE:
        assert f"`{path}`" in text and (ROOT / path).is_file(), path
