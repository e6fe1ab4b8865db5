"""A styles file "Save as style" wrote, read by the WebUI's own StyleDatabase (modules/styles.py of A1111 or
Forge, run with the WebUI's Python): every style the file had, the new and the replaced one, and a template
style applied as the WebUI applies it. Opt-in, as the rest of tests/host: SDPA_WEBUI_DIR and SDPA_WEBUI_PYTHON.
It starts no WebUI and writes nothing into it."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from sdpa_ext.styles import Style, StylesFile

from ..test_styles import ODD, webui_reads

WEBUI = os.environ.get("SDPA_WEBUI_DIR", "")
PYTHON = os.environ.get("SDPA_WEBUI_PYTHON", "")
pytestmark = pytest.mark.skipif(not (WEBUI and PYTHON), reason="opt-in: set SDPA_WEBUI_DIR and SDPA_WEBUI_PYTHON")

READ = r"""
import json, sys, types
modules = types.ModuleType("modules")
modules.errors = types.SimpleNamespace(report=lambda *a, **k: print("error", a, file=sys.stderr))
comments = types.ModuleType("modules.processing_scripts.comments")  # Forge strips prompt comments
comments.strip_comments = lambda text: text
modules.processing_scripts = types.ModuleType("modules.processing_scripts")
modules.processing_scripts.comments = comments
sys.modules.update({"modules": modules, "modules.processing_scripts": modules.processing_scripts,
                    "modules.processing_scripts.comments": comments})
namespace = {}
exec(compile(open(sys.argv[1] + "/modules/styles.py", encoding="utf-8").read(), "styles.py", "exec"), namespace)
database = namespace["StyleDatabase"]([sys.argv[2]])
styles = {name: [s.prompt, s.negative_prompt] for name, s in database.styles.items()}
applied = database.apply_styles_to_prompt("an owl on a branch", ["Owl template"])
print(json.dumps({"styles": styles, "applied": applied}))
"""


def test_the_webuis_own_style_store_reads_what_we_wrote(tmp_path):
    path = tmp_path / "styles.csv"
    path.write_bytes(ODD)
    StylesFile(path).save(Style("Owl template", "masterpiece, {prompt}, moonlight, \"soft\" focus", "blurry, 3d"))
    StylesFile(path).save(Style("Multi", "replaced, {prompt}", "n"), replace=True)
    result = subprocess.run([PYTHON, "-c", READ, WEBUI, str(path)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and "error" not in result.stderr, result.stderr[-2000:]
    host = json.loads(result.stdout)
    assert host["styles"] == {name: list(fields) for name, fields in webui_reads(path.read_bytes()).items()}
    assert host["styles"]["Owl template"] == ["masterpiece, {prompt}, moonlight, \"soft\" focus", "blurry, 3d"]
    assert host["applied"] == "masterpiece, an owl on a branch, moonlight, \"soft\" focus"
