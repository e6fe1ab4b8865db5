"""CLIP token counts and 75-token chunks as A1111 shows them."""

from __future__ import annotations

from sdpa_ext.craft import tokens
from sdpa_ext.craft.tokens import count_tokens, plain_variants


def test_the_bundled_clip_tokenizer_counts_words_and_commas():
    result = count_tokens("a cozy cabin, snowy forest")
    assert result.source == "clip-bpe"
    assert (result.count, result.limit) == (6, 75)  # a, cozy, cabin, ",", snowy, forest


def test_extra_networks_and_attention_markup_do_not_count():
    # A1111 removes the tag but not the comma after it, so that comma still counts.
    assert count_tokens("<lora:detail:0.8>, (cozy cabin:1.2), [snow]").count == count_tokens(", cozy cabin, snow").count


def test_break_starts_a_new_chunk_padded_to_75():
    result = count_tokens("cabin, BREAK, snow")
    assert [c["tokens"] for c in result.chunks] == [2, 2]  # "cabin ," | ", snow": commas stay with their side
    assert (result.count, result.limit) == (77, 150)
    assert [c["text"] for c in result.chunks] == ["cabin", "snow"]


def test_long_prompts_chunk_at_a_comma_within_20_tokens():
    term = "beautiful detailed landscape painting with mountains"  # 6 tokens, 7 with its comma
    result = count_tokens(", ".join([term] * 20))
    first = result.chunks[0]["tokens"]
    assert first == 70  # 10 whole terms: the 11th would be split, so the chunk backs up to the comma
    assert result.count == 75 + result.chunks[1]["tokens"] and result.limit == 150


def test_editing_and_and_count_their_longest_variant():
    variants = plain_variants("[cat:a very fluffy dog:0.5] on grass AND (sky:1.2)")
    assert "cat on grass" in variants and "a very fluffy dog on grass" in variants and "sky" in variants
    longest = count_tokens("a very fluffy dog on grass").count
    assert count_tokens("[cat:a very fluffy dog:0.5] on grass").count == longest


def test_a_host_tokenizer_is_used_when_given():
    seen: list[str] = []

    def host(text: str) -> list[int]:
        seen.append(text)
        return [9] * len(text.split()) if text != "," else [7]

    result = count_tokens("one two, three", host)
    assert result.source == "host" and seen and result.count == 3


def test_without_a_tokenizer_the_count_is_an_estimate(monkeypatch):
    monkeypatch.setattr(tokens, "_bundled", lambda: None)
    result = count_tokens("a cozy cabin, snowy forest")
    assert result.source == "estimate" and 4 <= result.count <= 10
