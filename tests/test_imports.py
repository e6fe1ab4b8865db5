"""Importing any part of sdpa_ext imports no WebUI module, no Gradio, no torch and no vendor SDK (the
UI builder imports Gradio only when a UI is built); and no module of sdpa_ext imports itself back through others
(no import circle, at module level or inside a function)."""

from __future__ import annotations

import ast
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


PACKAGE = ROOT / "sdpa_ext"


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, modules: set[str]) -> set[str]:
    """The package's modules that `path` imports anywhere in it (module level, functions, TYPE_CHECKING), relative
    imports resolved: `from package import name` is the module `package.name` when there is one, else `package`."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: package.count(".") + 2 - node.level]
                base = ".".join([*anchor, base]) if base else ".".join(anchor)
            found.update(f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names)
    return (found & modules) - {name}


def import_graph() -> dict[str, set[str]]:
    """Every module under sdpa_ext/ -> the modules of sdpa_ext it imports."""
    paths = sorted(PACKAGE.rglob("*.py"))
    modules = {_module_name(path) for path in paths}
    return {_module_name(path): _imports(path, modules) for path in paths}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One circle in each group of modules that import each other (a circle: its modules, the first repeated at
    the end; the rest of the group after it, in brackets); [] when there is none."""
    found, done = [], set()
    for start in sorted(graph):
        if start in done:
            continue
        reach = _reachable(graph, start)
        group = {m for m in reach if start in _reachable(graph, m)}
        done |= group
        if start in reach:
            circle = [start, *_path(graph, start, start, group)]
            found.append(circle + ([f"[also {', '.join(sorted(group - set(circle)))}]"] if group - set(circle) else []))
    return found


def _reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen, todo = set(), list(graph[start])
    while todo:
        module = todo.pop()
        if module not in seen:
            seen.add(module)
            todo.extend(graph[module])
    return seen


def _path(graph: dict[str, set[str]], start: str, end: str, within: set[str]) -> list[str]:
    """The shortest import path from `start` to `end` inside `within` (breadth first), `start` left out."""
    came: dict[str, str] = {}
    todo = [start]
    while todo:
        module = todo.pop(0)
        for child in sorted(graph[module] & within):
            if child not in came:
                came[child] = module
                if child == end:
                    path = [end]
                    while path[-1] != start or len(path) == 1:
                        path.append(came[path[-1]])
                    return path[::-1][1:]
                todo.append(child)
    return []


def test_the_import_graph_is_read():
    graph = import_graph()
    assert "sdpa_ext.ui.render" in graph["sdpa_ext.ui.takes_view"], "a relative import was not resolved"
    assert "sdpa_ext.errors" in graph["sdpa_ext.service"]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]
    assert cycles({"a": {"b", "c"}, "b": {"a"}, "c": {"a"}}) == [["a", "b", "a", "[also c]"]]


def test_no_import_circle():
    found = cycles(import_graph())
    assert found == [], "import circles:\n" + "\n".join(" -> ".join(circle) for circle in found)


# Names each module may define for itself, by convention: its data path and its export list.
SHARED_NAMES = {"DATA", "__all__"}


def public_names(path: Path) -> set[str]:
    """The public names `path` defines at module level: its functions, classes and the names it assigns
    (`NAME = ...`, `NAME: type = ...`), those starting with `_` left out."""
    names = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(target.id for target in node.targets if isinstance(target, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return {name for name in names if not name.startswith("_")}


def collisions() -> dict[str, list[str]]:
    """Each public name defined in more than one module of sdpa_ext (SHARED_NAMES aside) -> those modules."""
    where: dict[str, list[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        for name in public_names(path) - SHARED_NAMES:
            where.setdefault(name, []).append(_module_name(path))
    return {name: modules for name, modules in sorted(where.items()) if len(modules) > 1}


def test_the_public_names_are_read(tmp_path):
    source = tmp_path / "m.py"
    source.write_text("A = 1\nB: int = 2\n_C = 3\ndef f(): x = 1\nasync def g(): pass\nclass K: y = 2\nD, E = 1, 2\n")
    assert public_names(source) == {"A", "B", "f", "g", "K"}


def test_each_public_name_means_one_thing():
    found = collisions()
    assert found == {}, "public names defined in more than one module:\n" + "\n".join(
        f"{name}: {', '.join(modules)}" for name, modules in found.items())
