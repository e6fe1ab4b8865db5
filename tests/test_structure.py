"""The code's shape, checked: short functions, layers that import one way, no second copy of process state."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_LINES = 60  # a function longer than this does more than one thing
SOURCES = sorted([*(ROOT / "sdpa_ext").rglob("*.py"), *(ROOT / "scripts").glob("*.py")])


def _trees() -> dict[Path, ast.Module]:
    return {path: ast.parse(path.read_text(encoding="utf-8"), str(path)) for path in SOURCES}


def long_functions(trees: dict[Path, ast.Module], limit: int = MAX_LINES) -> list[str]:
    """`file:function (lines)` for every function or method longer than `limit` lines."""
    found = []
    for path, tree in trees.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = node.end_lineno - node.lineno + 1
                if lines > limit:
                    found.append(f"{path.relative_to(ROOT)}:{node.name} ({lines})")
    return found


def test_no_function_is_longer_than_sixty_lines():
    assert long_functions(_trees()) == []


def test_the_length_check_sees_a_long_function():
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_LINES))
    tree = {ROOT / "sdpa_ext" / "example.py": ast.parse(f"def long():\n{body}\n\ndef short():\n    pass\n")}
    assert long_functions(tree) == [f"{Path('sdpa_ext', 'example.py')}:long (61)"]


def _imports(tree: ast.Module, package: str) -> set[str]:
    """Absolute names of the sdpa_ext modules a file in `package` imports."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                names.add(".".join([*base, node.module] if node.module else base))
            elif node.module:
                names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return {name for name in names if name.startswith("sdpa_ext")}


def test_providers_never_import_the_craft():
    """The providers speak HTTP; reading answers is the craft's job (no cycle between them)."""
    for path, tree in _trees().items():
        if "providers" in path.parts:
            assert not any(n.startswith("sdpa_ext.craft") for n in _imports(tree, "sdpa_ext.providers")), path


MUTABLE = ("dict", "list", "set", "Lock", "RLock", "Condition", "Semaphore", "BoundedSemaphore", "Session",
           "Watchdog")


def mutable_globals(tree: ast.Module) -> list[str]:
    """Module-level names bound to an empty container or a lock, session or watchdog: state of the process."""
    found = []
    for node in tree.body:
        value = node.value if isinstance(node, ast.Assign | ast.AnnAssign) else None
        empty = isinstance(value, ast.Dict | ast.List | ast.Set) and not ast.unparse(value).strip("{}[]() ")
        call = value.func if isinstance(value, ast.Call) else None
        if empty or (getattr(call, "attr", "") or getattr(call, "id", "")) in MUTABLE:
            found.append(ast.unparse(node).split("=")[0].strip())
    return found


def test_process_wide_provider_state_has_one_owner():
    """Connection pools, in-flight slots, learnt response formats and the watchdog live in one object,
    providers.http.STATE (conftest resets it before every test); no other module of providers/ keeps any."""
    from sdpa_ext.providers.http import STATE

    for path, tree in _trees().items():
        if "providers" in path.parts:
            assert mutable_globals(tree) == [], path
    sample = ast.parse("_cache: dict = {}\nLOCK = threading.Lock()\nA = (1, 2)\nB = {'x': 1}")
    assert mutable_globals(sample) == ["_cache: dict", "LOCK"]
    STATE.set_form("http://x/v1", "text")
    STATE.reset()
    assert STATE.form("http://x/v1", "json_schema") == "json_schema"
