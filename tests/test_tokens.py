"""CLIP token counts and 75-token chunks as A1111 shows them, judged against its own counter's numbers on the
golden fixture (tests/data/a1111_golden.json)."""

from __future__ import annotations

import sys
import types

import pytest

from sdpa_ext.craft import tokens
from sdpa_ext.craft.tokens import count_tokens, normalize

from .golden.agreement import a1111_chunks, entries, measure

pytest.importorskip("instant_clip_tokenizer")
ENTRIES = entries()
# Every prompt whose count differs from A1111's, and why (docs/prompt-craft.md): ftfy also repairs mojibake.
KNOWN = {"â€™ mojibake"}


def _ours(prompt: str) -> tuple[int, int]:
    result = count_tokens(prompt)
    return result.count, len(result.chunks)


def test_counts_and_chunks_agree_with_a1111_on_99_percent_of_the_fixture():
    agreement = measure(_ours)
    assert agreement.total >= 300
    assert {prompt for prompt, _, _ in agreement.differences} == KNOWN, agreement.differences
    assert agreement.both / agreement.total >= 0.99, agreement.line()


@pytest.mark.parametrize("entry", [e for e in ENTRIES if e["prompt"] not in KNOWN], ids=lambda e: e["prompt"][:40])
def test_chunk_boundaries_of_every_text_agree(entry):
    encode, comma, _ = tokens.encoder()
    for text, want in entry["attention"].items():
        if "chunks" in want:
            assert [len(chunk) for chunk in tokens.chunks(text, encode, comma).done] == want["chunks"], text
    if "error" not in entry["counter"]:
        result = count_tokens(entry["prompt"])
        assert [c["tokens"] for c in result.chunks] == a1111_chunks(entry)
        assert (result.count, result.limit) == (entry["counter"]["count"], entry["counter"]["limit"])
    if "error" not in entry["negative_counter"]:  # the negative box: AND is a word there
        negative = count_tokens(entry["prompt"], positive=False)
        assert (negative.count, negative.limit) == (entry["negative_counter"]["count"],
                                                    entry["negative_counter"]["limit"])


def test_normalize_does_what_ftfy_does_for_the_tokenizer():
    assert normalize("ＣＡＴ，ＤＯＧ") == "cat,dog"
    assert normalize("Tom &amp; Jerry") == "tom & jerry"
    assert normalize("&lt;3 <b>") == "&lt;3 <b>"  # a line holding "<" keeps its entities (ftfy's "auto")
    assert normalize("“ﬁne”  \t quotes’") == "\"fine\" quotes'"
    assert normalize("cafe\u0301") == "café"


def test_break_starts_a_new_chunk_and_a_trailing_one_counts_a_whole_chunk():
    result = count_tokens("cabin, BREAK, snow")
    assert [c["tokens"] for c in result.chunks] == [2, 2]  # "cabin ," | ", snow": commas stay with their side
    assert (result.count, result.limit) == (77, 150)
    assert [c["text"] for c in result.chunks] == ["cabin", "snow"]
    assert (count_tokens("cabin BREAK").count, count_tokens("(cabin BREAK snow)").count) == (75, 3)


def test_a_host_tokenizer_is_used_when_given():
    seen: list[str] = []

    def host(text: str) -> list[int]:
        seen.append(text)
        return [9] * len(text.split()) if text != "," else [7]

    result = count_tokens("one two, (three:1.2)", host)
    assert result.source == "host" and "three" in seen and result.count == 3


def test_without_a_tokenizer_the_count_is_an_estimate(monkeypatch):
    monkeypatch.setattr(tokens, "_bundled", lambda: None)
    result = count_tokens("a cozy cabin, snowy forest")
    assert result.source == "estimate" and 4 <= result.count <= 10


def test_inside_a1111_its_own_tokenize_line_makes_the_chunks(monkeypatch):
    class Chunk:
        def __init__(self, tokens: list[int]):
            self.tokens = [49406, *tokens, *[49407] * (76 - len(tokens))]

    class Clip:
        id_end = 49407

        def tokenize_line(self, text: str):
            return ([Chunk([1] * 75), Chunk([2, 3])], 77) if "long" in text else ([Chunk([4])], 1)

    monkeypatch.setitem(sys.modules, "modules.sd_hijack", types.SimpleNamespace(model_hijack=types.SimpleNamespace(
        clip=Clip())))
    result = count_tokens("[short:long:5]", lambda text: [1] * len(text))
    assert (result.count, result.limit, [c["tokens"] for c in result.chunks]) == (77, 150, [75, 2])
    assert result.chunks[0]["text"] == "long"  # the words, from our chunk of the same place
    assert count_tokens("[short:long:5]").source == "clip-bpe"  # standalone, ours


def test_inside_forge_its_engine_counts_after_stripping_comments(monkeypatch):
    class Engine:
        id_end = 49407

        def tokenize_line(self, text: str):
            return [types.SimpleNamespace(tokens=[49406, *[5] * len(text.split()), *[49407] * 76])], len(text.split())

    model = types.SimpleNamespace(text_processing_engine_l=Engine())
    monkeypatch.setitem(sys.modules, "modules.sd_models", types.SimpleNamespace(
        model_data=types.SimpleNamespace(sd_model=model)))
    monkeypatch.setitem(sys.modules, "modules_forge", types.ModuleType("modules_forge"))
    monkeypatch.setitem(sys.modules, "modules.processing_scripts.comments", types.SimpleNamespace(
        strip_comments=lambda text: text.split("#")[0]))
    result = count_tokens("one two three # a comment of five words", lambda text: [1])
    assert (result.count, [c["tokens"] for c in result.chunks]) == (3, [3])
