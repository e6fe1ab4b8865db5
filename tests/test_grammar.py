"""The one prompt parser against what A1111 v1.10.1's own code made of 418 prompts (tests/data/a1111_golden.json,
written by tests/golden/make_a1111_golden.py)."""

from __future__ import annotations

import json
import random
import sys
import types

import pytest

from sdpa_ext.craft import grammar

from .golden.agreement import FIXTURE, entries
from .golden.corpus import corpus, soup

ENTRIES = entries()


def test_the_fixture_covers_every_form():
    prompts = [e["prompt"] for e in ENTRIES]
    assert len(prompts) >= 300
    for needle in ("<lora:", "AND", "BREAK", "[cat:dog:", "[cat|dog]", r"\(", "(瀑布:1.2)", "&amp;", "ＣＡＴ", ">_<"):
        assert any(needle in p for p in prompts), needle
    assert any(not s["parsed"] for e in ENTRIES for s in e["schedules"])  # texts lark rejects are there too


@pytest.mark.parametrize("entry", ENTRIES, ids=range(len(ENTRIES)))
def test_networks_parts_schedules_and_attention_match_a1111(entry):
    prompt = entry["prompt"]
    by_kind: dict[str, list[list[str]]] = {}  # A1111 groups them by kind, in order of first appearance
    for network in grammar.networks(prompt):
        by_kind.setdefault(network.kind, []).append(list(network.args))
    assert [[kind, args] for kind, items in by_kind.items() for args in items] == entry["networks"]
    text = grammar.without_networks(prompt)
    assert text == entry["text"]
    assert [[p.text, p.weight] for p in grammar.parts(text)] == entry["parts"]
    for (part, _), want in zip(entry["parts"], entry["schedules"], strict=True):
        assert grammar.tree(part).ok == want["parsed"]
        assert [list(step) for step in grammar.schedule(part)] == want["steps"]
    for text, want in entry["attention"].items():
        if "error" in want:
            with pytest.raises(ValueError):
                grammar.attention(text)
            assert grammar.bad_weights(text)
        else:
            assert [[s.text, s.weight] for s in grammar.attention(text)] == want["segments"]
            assert grammar.bad_weights(text) == []


def test_parts_know_where_their_text_and_weight_are():
    prompt = "a cabin :1.2 AND a frozen lake :0.8"
    first, second = grammar.parts(prompt)
    assert prompt[first.start:first.end] == "a cabin" and prompt[first.end:first.stop] == " :1.2 "
    assert prompt[second.start:second.end] == " a frozen lake" and second.weight == 0.8


def test_brackets_terms_and_keywords():
    text = r"<lora:a:1>, (x, y:1.2), \(lit, [p|q], >_<, heart <3, BREAK, (z BREAK w)"
    assert [text[s:e].strip() for s, e in grammar.terms(text)] == [
        "<lora:a:1>", "(x, y:1.2)", r"\(lit", "[p|q]", ">_<", "heart <3", "BREAK", "(z BREAK w)"]
    assert grammar.brackets(text).unmatched == []
    assert grammar.keywords(text, "BREAK") == [text.index("BREAK")]
    assert grammar.brackets("(a], b)") == grammar.Brackets({0: 6}, [2])
    assert grammar.brackets("((a), b").unmatched == [0]


def test_words_read_every_script():
    assert grammar.words("(瀑布:1.2), Café_au-lait") == ["瀑布", "1", "2", "café", "au", "lait"]


def test_plain_keeps_the_words_only():
    assert " ".join(grammar.plain(r"<lora:x:1>, (red hair:1.2), [blurry], \(artist\) AND cat BREAK dog").split()) \
        == ", red hair, blurry, (artist) cat dog"


def test_the_hosts_parser_answers_inside_the_webui(monkeypatch):
    host = types.ModuleType("modules.prompt_parser")
    host.get_learned_conditioning_prompt_schedules = lambda prompts, steps: [[[steps, "from the host"]]]
    host.parse_prompt_attention = lambda text: [["host", 1.5]]
    host.get_multicond_prompt_list = lambda prompts: ([[(0, 1.0)]], ["host part"], {})
    monkeypatch.setitem(sys.modules, "modules.prompt_parser", host)
    assert grammar.schedule("[a:b:5]") == [(20, "from the host")]
    assert [(s.text, s.weight) for s in grammar.attention("x")] == [("host", 1.5)]
    assert grammar.texts("a AND b") == ["from the host"]


def test_random_syntax_soup_reads_as_a1111_reads_it():
    soup = json.loads(FIXTURE.read_text(encoding="utf-8"))["soup"]
    assert len(soup) >= 1000
    wrong = []
    for text, schedule, attention in soup:
        try:
            ours = [[s.text, s.weight] for s in grammar.attention(text)]
        except ValueError:
            ours = "ValueError"
        if [list(step) for step in grammar.schedule(text)] != schedule or ours != attention:
            wrong.append(text)
    assert not wrong, wrong[:10]


def test_the_fixture_is_the_corpus_the_script_writes():
    fixture = json.loads(FIXTURE.read_text(encoding="utf-8"))
    assert [e["prompt"] for e in fixture["prompts"]] == corpus(random.Random(11))
    assert [s[0] for s in fixture["soup"]] == soup(random.Random(12), 1500)


def test_the_linear_readings_agree_with_a1111s_own_patterns():
    """Issue 17 replaced patterns that backtrack quadratically on runs of spaces, `\\(` and `<lora:` by linear
    code: on every short string of the characters that matter, each gives what A1111's pattern gives."""
    import re

    from sdpa_ext.craft.syntax import tidy

    weight = re.compile(r"^((?:\s|.)*?)(?:\s*:\s*([-+]?(?:\d+\.?|\d*\.\d+)))?\s*$")  # get_multicond_prompt_list
    breaks = re.compile(r"\s*\bBREAK\b\s*", re.S)  # parse_prompt_attention
    escaped_pair = re.compile(r"\\[(\[](?:[^\\]|\\[^)\]])*?\\[)\]]")
    merged = re.compile(r"\s*:\s*[-+]?(?:\d+\.?|\d*\.\d+)\s+and\s+", re.I)

    def old_tidy(text: str) -> str:
        text = re.sub(r"[ \t]+", " ", text)
        text = re.sub(r"\s+,", ",", re.sub(r"\s*,(\s*,)+", ",", text))
        return re.sub(r",(?=\S)", ", ", text).strip(" ,\n")

    rng = random.Random(17)
    pieces = [" ", "\n", "\u3000", ":", "1", ".", "-", "a", "and", "BREAK", ",", "\\", "(", ")", "[", "]", "<lora:",
              ">", "AND"]
    for _ in range(20_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        parts = [(m[1], float(m[2]) if m[2] else 1.0) for m in (weight.search(p) for p in re.split(r"\bAND\b", text))]
        assert [(p.text, p.weight) for p in grammar.parts(text)] == parts, text
        start, end = sorted((rng.randint(0, len(text)), rng.randint(0, len(text))))
        assert list(grammar._breaks(text, start, end)) == [m.span() for m in breaks.finditer(text, start, end)], text
        assert grammar._escaped_pairs(text) == [m.span() for m in escaped_pair.finditer(text)], text
        assert grammar.merged_parts(text) == merged.split(text), text
        assert grammar.without_networks(text) == grammar.NETWORK.sub("", text), text
        assert tidy(text) == old_tidy(text), text
