"""Parse once, read once, words as data (issue 24), checked on the source: one module parses prompts, one module
reads instructions, and the word lists live in one data file. Each check is shown to fail on a sample that breaks
its rule."""

from __future__ import annotations

import ast
import json
from pathlib import Path

from sdpa_ext.craft.lexicon import DATA, lexicon

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "sdpa_ext"
READER = PACKAGE / "craft" / "reading.py"
PARSER = PACKAGE / "craft" / "prompt.py"
GRAMMAR = PACKAGE / "craft" / "grammar.py"
TEXT_READERS = {"words_of", "words", "facets", "findall", "search", "match", "fullmatch", "split", "lower", "sub",
                "finditer", "normal", "phrases_of", "nouns_of"}


def _sources() -> dict[Path, ast.Module]:
    return {p: ast.parse(p.read_text(encoding="utf-8"), str(p)) for p in sorted(PACKAGE.rglob("*.py"))}


def instruction_readers(trees: dict[Path, ast.Module]) -> list[str]:
    """Places outside the reader that read an instruction's words: a call that takes a name `instruction` (or
    a method called on it) among the functions that split, search or match text."""
    found = []
    for path, tree in trees.items():
        if path == READER:
            continue
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "attr", "") or getattr(node.func, "id", "")
            on = getattr(node.func, "value", None)
            args = [*node.args, *((on is not None and [on]) or [])]
            if name in TEXT_READERS and any(isinstance(a, ast.Name) and a.id == "instruction" for a in args):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {ast.unparse(node)[:60]}")
    return found


def prompt_splitters(trees: dict[Path, ast.Module]) -> list[str]:
    """Places outside the parser (and A1111's grammar under it) that split a prompt: `grammar.terms`, a split at
    commas or sentence ends, and the old splitters by name."""
    gone = {"pieces", "joined", "pieces_of", "units", "_answer_terms", "_split_keywords", "_slots"}
    found = []
    for path, tree in trees.items():
        if path in (PARSER, GRAMMAR):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and node.name in gone - {"_slots"}:
                found.append(f"{path.relative_to(ROOT)}: def {node.name}")
            if isinstance(node, ast.Attribute) and node.attr == "terms" and getattr(node.value, "id", "") == "grammar":
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} grammar.terms")
            if isinstance(node, ast.ImportFrom) and node.module == "grammar" and any(
                    a.name == "terms" for a in node.names):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} imports grammar.terms")
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "split" and node.args and \
                    isinstance(node.args[0], ast.Constant) and node.args[0].value in (",", ", ") and \
                    "craft" in path.parts:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} split at commas")
    return found


def word_list_copies(trees: dict[Path, ast.Module], lists: dict[str, set[str]]) -> list[str]:
    """Literal collections of words in the package that repeat four or more words of one lexicon list (names of
    the vocabulary's groups and categories, and of prompt slots, are names, not words)."""
    from sdpa_ext.craft.vocab import vocab

    names = {*vocab().groups, *vocab().categories, "setting", "light", "quality", "palette", "attribute", "subject",
             "syntax", "composition"}
    found = []
    for path, tree in trees.items():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Set | ast.List | ast.Tuple | ast.Dict):
                continue
            items = node.keys if isinstance(node, ast.Dict) else node.elts
            said = {i.value.lower() for i in items if isinstance(i, ast.Constant) and isinstance(i.value, str)}
            for name, words in lists.items() if not said <= names else ():
                if len(said & words) >= 4:
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} repeats lexicon {name}")
    return found


def _lexicon_lists() -> dict[str, set[str]]:
    """Every list of words in lexicon.json, by its path."""
    out: dict[str, set[str]] = {}

    def walk(value, path: str) -> None:
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            out[path] = {v.lower() for v in value}
        elif isinstance(value, dict):
            for key, inner in value.items():
                walk(inner, f"{path}.{key}" if path else key)
            if len(value) >= 4 and path:
                out[path + " (keys)"] = {k.lower() for k in value if k != "note"}
    walk(json.loads(DATA.read_text(encoding="utf-8")), "")
    return out


def test_one_module_reads_instructions():
    assert not (PACKAGE / "craft" / "intent.py").exists()
    assert instruction_readers(_sources()) == []
    second = ast.parse("def targets(instruction, span):\n    return set(words_of(instruction)) & {'lora'}\n")
    assert instruction_readers({PACKAGE / "craft" / "syntax.py": second}) != []


def test_one_module_parses_prompts():
    assert prompt_splitters(_sources()) == []
    second = ast.parse("def units(text):\n    return [t.strip() for t in text.split(',')]\n"
                       "def pieces(p):\n    return grammar.terms(p)\n")
    assert len(prompt_splitters({PACKAGE / "craft" / "checks.py": second})) == 4


def test_the_word_lists_live_in_the_lexicon_alone():
    lists = _lexicon_lists()
    assert {"verbs.remove", "chat.words", "negations.leading", "prepositions", "colours", "people.any_person",
            "quality.tags", "chips (keys)", "objects.network"} <= set(lists)
    assert word_list_copies(_sources(), lists) == []
    second = ast.parse('REMOVE_VERBS = ("remove", "delete", "drop", "erase", "ditch")')
    assert word_list_copies({PACKAGE / "craft" / "syntax.py": second}, lists) == [
        "sdpa_ext/craft/syntax.py:1 repeats lexicon verbs.remove"]


def test_the_chips_come_from_the_lexicon():
    from sdpa_ext.cli import _parser

    blocks = (PACKAGE / "ui" / "blocks.py").read_text(encoding="utf-8")
    assert "lexicon().chips" in blocks and '"darker", "brighter"' not in blocks
    refine = _parser()._subparsers._group_actions[0].choices["refine"]
    chip = next(a for a in refine._actions if "--chip" in a.option_strings)
    assert list(chip.choices) == list(lexicon().chips)
