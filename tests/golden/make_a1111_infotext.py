"""Write tests/data/a1111_infotext.json: what AUTOMATIC1111 v1.10.1's own code makes of the infotexts of
tests/golden/infotexts.py, and of small images it saves with them.

Opt-in, never run by CI: it needs an A1111 checkout and the Python of its venv (Pillow, piexif, lark,
packaging are there):

    SDPA_WEBUI_DIR=/path/to/webui /path/to/webui/venv/bin/python tests/golden/make_a1111_infotext.py

What runs is A1111's code, not a copy: `quote`, `unquote`, `parse_generation_parameters` and
`restore_old_hires_fix_params` (modules/infotext_utils.py), `save_image_with_geninfo` and
`read_info_from_image` (modules/images.py) are read from the checkout's source and run with stubs for the
options (infotext_styles "Ignore": no styles file here; nothing skipped when pasting) and the modules they
import; modules/infotext_versions.py and modules/prompt_parser.py are loaded as they are.
"""

from __future__ import annotations

import ast
import base64
import io
import json
import os
import sys
import tempfile
import types
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from infotexts import a1111_text, cases  # tests/golden/infotexts.py, beside this script

OUT = Path(__file__).resolve().parents[1] / "data" / "a1111_infotext.json"
OPTS = types.SimpleNamespace(infotext_skip_pasting=[], infotext_styles="Ignore", use_old_hires_fix_width_height=False,
                             auto_backcompat=True, enable_pnginfo=True, jpeg_quality=80, webp_lossless=False)
IMAGES = [("png-latin1", ".png", 2), ("png-unicode", ".png", 4), ("jpeg", ".jpg", 2), ("jpeg-unicode", ".jpg", 4),
          ("webp", ".webp", 5)]  # (name, extension, which case's infotext)


def _webui() -> Path:
    root = Path(os.environ.get("SDPA_WEBUI_DIR", ""))
    if not (root / "modules" / "infotext_utils.py").is_file():
        sys.exit("SDPA_WEBUI_DIR must name an A1111 v1.10.1 checkout")
    return root


def _load(path: Path, names: set[str], namespace: dict) -> dict:
    """Run the named top-level functions and assignments of a module's source in `namespace`."""
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    found = [n for n in tree.body if (isinstance(n, ast.FunctionDef) and n.name in names) or (
        isinstance(n, ast.Assign) and any(getattr(t, "id", "") in names for t in n.targets))]
    assert len(found) == len(names), (path, names)
    exec(compile(ast.Module(body=found, type_ignores=[]), str(path), "exec"), namespace)
    return namespace


def _module(path: Path, name: str, **attributes) -> types.ModuleType:
    module = types.ModuleType(name)
    module.__dict__.update(attributes)
    exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), module.__dict__)
    return module


def _a1111(root: Path) -> dict:
    import piexif
    import piexif.helper
    from PIL import Image, PngImagePlugin

    shared = types.SimpleNamespace(opts=OPTS, prompt_styles=None)
    fake_modules = types.ModuleType("modules")
    fake_modules.shared = shared
    sys.modules["modules"] = fake_modules
    versions = _module(root / "modules" / "infotext_versions.py", "modules.infotext_versions")
    parser = _module(root / "modules" / "prompt_parser.py", "modules.prompt_parser")
    errors = types.SimpleNamespace(report=lambda *a, **k: None)
    namespace = {"re": __import__("re"), "json": json, "shared": shared, "infotext_versions": versions,
                 "prompt_parser": parser, "processing": None, "errors": errors, "opts": OPTS, "Image": Image,
                 "PngImagePlugin": PngImagePlugin, "piexif": piexif, "os": os}
    _load(root / "modules" / "infotext_utils.py", {"re_param_code", "re_param", "re_imagesize", "quote", "unquote",
                                                   "parse_generation_parameters", "restore_old_hires_fix_params"},
          namespace)
    return _load(root / "modules" / "images.py", {"IGNORED_INFO_KEYS", "read_info_from_image",
                                                  "save_image_with_geninfo"}, namespace)


def _image(a1111: dict, extension: str, text: str) -> tuple[str, str | None]:
    """An 8x8 image saved by A1111 with this infotext (base64), and what A1111 reads back from it."""
    from PIL import Image

    folder = Path(tempfile.mkdtemp())
    path = folder / f"image{extension}"
    a1111["save_image_with_geninfo"](Image.new("RGB", (8, 8), (200, 60, 30)), text, str(path))
    data = path.read_bytes()
    geninfo, _items = a1111["read_info_from_image"](Image.open(io.BytesIO(data)))
    return base64.b64encode(data).decode("ascii"), geninfo


def main() -> None:
    a1111 = _a1111(_webui())
    out_cases = []
    for case in cases():
        line = ", ".join(k if k == v else f"{k}: {a1111['quote'](v)}" for k, v in case["settings"].items())
        negative = f"\nNegative prompt: {case['negative']}" if case["negative"] else ""
        text = f"{case['prompt']}{negative}\n{line}".strip()  # processing.create_infotext's last lines
        assert text == a1111_text(case), "tests/golden/infotexts.py writes infotext differently from A1111"
        out_cases.append({"text": text, "parsed": a1111["parse_generation_parameters"](text)})
    images = []
    for name, extension, index in IMAGES:
        data, read = _image(a1111, extension, out_cases[index]["text"])
        images.append({"name": name, "data": data, "read": read})
    OUT.write_text(json.dumps({"source": "AUTOMATIC1111 v1.10.1: modules/infotext_utils.py, modules/images.py; made "
                               "by tests/golden/make_a1111_infotext.py", "cases": out_cases, "images": images},
                              ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({len(out_cases)} infotexts, {len(images)} images)")


if __name__ == "__main__":
    main()
