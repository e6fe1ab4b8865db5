"""How often a token counter agrees with A1111 on the golden fixture (token count, and chunk count).

    python tests/golden/agreement.py            # this checkout's sdpa_ext.craft
    python tests/golden/agreement.py /tmp/old   # /tmp/old/craft/{__init__,syntax,tokens}.py, an older version
"""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "a1111_golden.json"


@dataclass
class Agreement:
    total: int = 0
    count: int = 0  # token count equal to A1111's counter
    chunks: int = 0  # number of 75-token chunks equal
    both: int = 0
    differences: list[tuple[str, tuple[int, int], tuple[int, int]]] = field(default_factory=list)

    def line(self) -> str:
        return (f"token count {self.count}/{self.total} ({100 * self.count / self.total:.1f}%), chunk count "
                f"{self.chunks}/{self.total} ({100 * self.chunks / self.total:.1f}%), both "
                f"{self.both}/{self.total} ({100 * self.both / self.total:.1f}%)")


def entries() -> list[dict]:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))["prompts"]


def a1111_chunks(entry: dict) -> list[int]:
    """The chunks of the text A1111's counter shows: the first longest of every AND part's every step."""
    best: list[int] = []
    for schedule in entry["schedules"]:
        for _, text in schedule["steps"]:
            chunks = entry["attention"][text]["chunks"]
            if 75 * (len(chunks) - 1) + chunks[-1] > 75 * (len(best) - 1) + (best[-1] if best else -1):
                best = chunks
    return best


def measure(count: Callable[[str], tuple[int, int]]) -> Agreement:
    """`count(prompt)` -> (token count, chunk count); prompts where A1111 itself raises are left out."""
    result = Agreement()
    for entry in entries():
        if "error" in entry["counter"]:
            continue
        want = (entry["counter"]["count"], len(a1111_chunks(entry)))
        got = count(entry["prompt"])
        result.total += 1
        result.count += got[0] == want[0]
        result.chunks += got[1] == want[1]
        result.both += got == want
        if got != want:
            result.differences.append((entry["prompt"], want, got))
    return result


def _craft(folder: str | None):
    """(tokens, syntax) modules: this checkout's, or those of a `craft` package in `folder` (an older version,
    e.g. from `git show REV:sdpa_ext/craft/tokens.py`)."""
    if folder is None:
        from sdpa_ext.craft import syntax, tokens

        return tokens, syntax
    sys.path.insert(0, folder)
    return importlib.import_module("craft.tokens"), importlib.import_module("craft.syntax")


def main() -> None:
    """Token agreement with the fixture, then the mangling suite's count of guarded outputs A1111 reads
    differently: `python tests/golden/agreement.py [FOLDER_WITH_AN_OLD_craft_PACKAGE]`."""
    sys.path.insert(0, str(FIXTURE.parents[2]))
    tokens, syntax = _craft(sys.argv[1] if len(sys.argv) > 1 else None)

    def ours(prompt: str) -> tuple[int, int]:
        result = tokens.count_tokens(prompt)
        return result.count, len(result.chunks)

    agreement = measure(ours)
    print(agreement.line())
    for prompt, want, got in agreement.differences:
        print(f"  A1111 {want} ours {got}: {prompt[:100]!r}")
    from sdpa_ext.craft.reading import read
    from tests.test_mangling import INSTRUCTION, MANGLES, PROMPTS, differences

    cases = [(prompt, mangle(prompt)) for mangle in MANGLES.values() for prompt in PROMPTS]
    wrong = sum(1 for prompt, answer in cases
                if differences(prompt, syntax.guard(prompt, answer, read(INSTRUCTION, prompt)).text))
    print(f"mangling suite: {wrong}/{len(cases)} guarded outputs read differently by A1111 on the user's spans")


if __name__ == "__main__":
    main()
