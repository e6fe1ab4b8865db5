"""Importing any part of sdpa_ext imports no WebUI module, no Gradio, no torch and no vendor SDK (the
UI builder imports Gradio only when a UI is built)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import importlib, pkgutil, sys
sys.path.insert(0, sys.argv[1])
import sdpa_ext
names = [m.name for m in pkgutil.walk_packages(sdpa_ext.__path__, "sdpa_ext.") if not m.name.endswith("__main__")]
for name in names:
    importlib.import_module(name)
banned = ("modules", "launch", "gradio", "torch", "anthropic", "openai", "google", "ollama", "pydantic", "httpx")
print(len(names), sorted({m.split(".")[0] for m in sys.modules} & set(banned)))
"""


def test_no_host_gradio_torch_or_vendor_sdk_at_import_time():
    result = subprocess.run([sys.executable, "-c", CHILD, str(ROOT)], capture_output=True, text=True, timeout=60,
                            check=True)
    count, loaded = result.stdout.strip().split(" ", 1)
    assert int(count) >= 30
    # FastAPI (only sdpa_ext.server.api imports it) brings pydantic with it; nothing else may appear.
    assert loaded in ("[]", "['pydantic']"), loaded

