"""Every well-formed prompt of the golden corpus crossed with the ways models break syntax: the guarded
output must parse in A1111's grammar, keep the extra networks, the AND parts and their weights, and give each
of the user's spans the reading A1111 gave it (same part, same BREAK chunk, same weight on every character).

The spans and readings come from grammar.py, which tests/test_grammar.py holds to A1111's own output."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from sdpa_ext.craft import grammar, reading
from sdpa_ext.craft.syntax import guard

from .golden.agreement import entries

INSTRUCTION = "evoke a lonelier, quieter feeling"  # names none of the corpus' spans


def _well_formed(prompt: str) -> bool:
    text = grammar.without_networks(prompt)
    return (bool(grammar.terms(prompt)) and not grammar.brackets(prompt).unmatched and not grammar.bad_weights(text)
            and all(grammar.tree(p.text).ok for p in grammar.parts(text)))


# A BREAK written with and without a comma before it, beside editing, weights and a LoRA (issue 24's regression)
BREAKS = ["[day:night:0.7] BREAK window, curtains",
          "night market, neon lights BREAK from side, (signs:1.1), <lora:x:0.7>",
          "a rainy street, reflections, BREAK from side, a woman with a ((red umbrella))",
          "(cabin:1.2) BREAK snow BREAK forest"]
PROMPTS = [e["prompt"] for e in entries() if _well_formed(e["prompt"])] + BREAKS


@dataclass(frozen=True)
class _Read:
    text: str
    part: int
    weight: float
    chunk: int
    chars: tuple[tuple[str, float | None], ...]


def _blank_networks(prompt: str) -> str:
    for network in grammar.networks(prompt):
        prompt = prompt[:network.start] + " " * (network.end - network.start) + prompt[network.end:]
    return prompt


def _spans(part: str) -> list[tuple[int, int]]:
    """The user's syntax in one AND part: top-level constructs and escaped brackets."""
    found = [(n.start, n.end) for n in grammar.tree(part).items if n.kind != "text"]
    found += [(m.start(), m.end()) for m in re.finditer(r"\\[()\[\]]", part)
              if not any(s <= m.start() < e for s, e in found)]
    return found


def readings(prompt: str) -> list[_Read]:
    """Each of a prompt's spans as A1111 reads it."""
    out = []
    for index, part in enumerate(grammar.parts(_blank_networks(prompt))):
        read = grammar.reading(part.text)
        for start, end in _spans(part.text):
            chunk = sum(1 for b in read.breaks if b < start)
            chars = tuple((c, w) for c, w in zip(part.text[start:end], read.weights[start:end], strict=True))
            out.append(_Read(part.text[start:end], index, part.weight, chunk, chars))
    return out


def differences(original: str, output: str) -> list[str]:
    """How A1111 reads the output differently from the original on the user's syntax (empty: the same)."""
    found = []
    text = grammar.without_networks(output)
    if grammar.brackets(output).unmatched or grammar.bad_weights(text) or not all(
            grammar.tree(p.text).ok for p in grammar.parts(text)):
        return ["does not parse cleanly in A1111's grammar"]
    if sorted((n.kind, n.args) for n in grammar.networks(output)) != sorted(
            (n.kind, n.args) for n in grammar.networks(original)):
        found.append("extra networks changed")
    if [p.weight for p in grammar.parts(text)] != [p.weight for p in grammar.parts(grammar.without_networks(original))]:
        found.append("AND parts or their weights changed")
    elif _breaks(output) != _breaks(original):
        found.append("BREAK chunks added or lost")
    left = readings(output)
    for read in readings(original):
        if read in left:
            left.remove(read)
        else:
            found.append(f"{read.text!r} (part {read.part}, chunk {read.chunk}) is read differently")
    return found


def _breaks(prompt: str) -> list[int]:
    return [len(grammar.reading(p.text).breaks) for p in grammar.parts(_blank_networks(prompt))]


def _top_spans(prompt: str) -> list[str]:
    return [r.text for r in readings(prompt)] + [prompt[n.start:n.end] for n in grammar.networks(prompt)]


def _terms(prompt: str) -> list[str]:
    return [prompt[s:e].strip() for s, e in grammar.terms(prompt)]


def _first_group(prompt: str) -> tuple[int, int] | None:
    pairs = grammar.brackets(prompt).pairs
    return min(pairs.items()) if pairs else None


def _unbalance(prompt: str) -> str:
    group = _first_group(prompt)
    cut = prompt[:group[1]] + prompt[group[1] + 1:] if group else prompt
    return cut + ", (dark"


def _rewrap(prompt: str) -> str:
    prompt = re.sub(r"\(([^():\[\]]+):[\d.]+\)", r"((\1))", prompt)
    prompt = re.sub(r"(?<![\[\\])\[([^\[\]:|]+)\](?!\])", r"(\1:0.9)", prompt)
    return re.sub(r"(?<![(\\])\(([^():]+)\)(?!\))", r"\1", prompt)


def _double_wrap(prompt: str) -> str:
    spans = _top_spans(prompt)
    return prompt.replace(spans[0], f"({spans[0]}, garden:1.1)", 1) if spans else prompt


def _drop_first(prompt: str) -> str:
    spans = _top_spans(prompt)
    return prompt.replace(spans[0], "", 1) + ", dark" if spans else prompt + ", dark"


MANGLES: dict[str, Callable[[str], str]] = {
    "adds a term": lambda p: p + ", dark night",
    "drops a span": _drop_first,
    "strips all syntax": lambda p: ", ".join(t for t in (" ".join(grammar.plain(x).split()) for x in _terms(p)) if t),
    "reweights": lambda p: re.sub(r"(<\w+:[^:>]+):[^>]*>", r"\1:1.0>", re.sub(r":\s*[\d.]+\)", ":1.5)", p)),
    "rewraps": _rewrap,
    "wraps a span in a new group": _double_wrap,
    "lowercases AND and BREAK": lambda p: p.replace("AND", "and").replace("BREAK", "break") + ", dark",
    "drops AND and BREAK": lambda p: re.sub(r"\b(AND|BREAK)\b", "", p) + ", dark",
    "moves BREAK to the start": lambda p: "BREAK, " + re.sub(r"\bBREAK\b", "", p),
    "unescapes": lambda p: p.replace("\\(", "(").replace("\\)", ")").replace("\\[", "[").replace("\\]", "]"),
    "leaves a bare |": lambda p: p + " | starry sky",
    "writes a bad weight": lambda p: re.sub(r":([\d.]+)\)", r":\1.3)", p, count=1) + ", ((a cat), sitting:1.2.3)",
    "nests JSON in the prompt": lambda p: json.dumps({"prompt": p + ", dark", "negative_prompt": ""}),
    "adds a LoRA": lambda p: p + ", <lora:new_style:0.7>",
    "reverses the terms": lambda p: ", ".join(reversed(_terms(p))),
    "repeats the spans": lambda p: ", ".join([p, *_top_spans(p)]),
    "unbalances brackets": _unbalance,
    "adds >_< and <3": lambda p: p + ", >_<, heart <3",
    "opens with AND and lowercases it": lambda p: "AND, " + p.replace(" AND ", " and ") + ", dark",
}


def test_the_suite_has_a_thousand_cases():
    assert len(PROMPTS) >= 300 and len(PROMPTS) * len(MANGLES) >= 1000


def test_the_checker_sees_what_a1111_would_read_differently():
    assert differences("a cabin :1.2 AND a frozen lake :0.8", "AND, a cabin :1.2 and a frozen lake :0.8, dark")
    assert differences("(瀑布:1.2), rain", "瀑布, rain")
    assert differences("[blurry], garden", "([[blurry]], garden:1.1)")
    assert differences(r"\(artist\), x", "(artist), x")
    assert differences("(a) BREAK b", "BREAK (a) b")
    assert differences("(a), b", "(a) BREAK b")
    assert differences("[a:b:5], c", "[a:b:5], c | d")
    assert differences("<lora:x:0.8>, c", "<lora:x:1>, c")
    assert differences("(a:1.2), c", "(a:1.2), (c")
    assert not differences("(a:1.2), c BREAK <lora:x:1> d", "(a:1.2), c, dark BREAK <lora:x:1> d, night")


@pytest.mark.parametrize("instruction", ["make it darker", "add a cat", "remove the curtains", "more contrast pls"])
def test_a_break_stays_where_the_user_wrote_it_whatever_is_asked(instruction):
    for prompt in BREAKS:
        for mangle in MANGLES.values():
            output = guard(prompt, mangle(prompt), reading.read(instruction, prompt)).text
            assert not differences(prompt, output), (prompt, mangle(prompt), output)
    lowered = guard(BREAKS[0], "[day:night:0.7] break window, curtains", reading.read(instruction, BREAKS[0])).text
    assert "break" not in lowered and lowered.startswith("[day:night:0.7] BREAK window"), lowered


@pytest.mark.parametrize("mangle", list(MANGLES))
def test_guarded_outputs_read_as_the_user_wrote(mangle):
    failures = []
    for prompt in PROMPTS:
        output = guard(prompt, MANGLES[mangle](prompt), reading.read(INSTRUCTION, prompt)).text
        found = differences(prompt, output)
        if found:
            failures.append((prompt, output, found))
    assert not failures, f"{len(failures)}/{len(PROMPTS)}: " + "\n".join(map(repr, failures[:5]))
