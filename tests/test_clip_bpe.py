"""CLIP's BPE over the vocabulary a WebUI ships without a checkpoint (clip_bpe.py): found where A1111 and Forge keep
it, read without importing its package, and counting as A1111's own counter does on the golden fixture.

tests/data/open_clip/ holds the file open-clip-torch 2.20.0 (both hosts' pin) bundles, unchanged."""

from __future__ import annotations

import gzip
import sys
import types
from pathlib import Path

import pytest

from sdpa_ext.craft import clip_bpe, tokens

from .golden.agreement import entries, measure
from .test_tokens import KNOWN

DATA = Path(__file__).resolve().parent / "data"
BUNDLED = DATA / "open_clip" / clip_bpe.BUNDLED


@pytest.fixture
def host_vocabulary(monkeypatch):
    """A Python like the WebUI's: `open_clip` importable (from tests/data), no instant-clip-tokenizer."""
    monkeypatch.syspath_prepend(str(DATA))
    monkeypatch.setitem(sys.modules, "instant_clip_tokenizer", None)  # an import of it raises ImportError
    for cached in (clip_bpe.shipped, tokens._bundled):
        cached.cache_clear()
    yield
    for cached in (clip_bpe.shipped, tokens._bundled):
        cached.cache_clear()


def test_the_bundled_vocabulary_is_found_and_its_package_not_imported(host_vocabulary):
    assert clip_bpe.vocabulary_files() == [BUNDLED]
    assert tokens.count_tokens("a cozy cabin").source == "clip-bpe"
    assert "open_clip" not in sys.modules  # open_clip imports torch: its file is read, the package never run


def test_counts_and_chunks_agree_with_a1111_on_the_fixture(host_vocabulary):
    def ours(prompt: str) -> tuple[int, int]:
        result = tokens.count_tokens(prompt)
        assert result.source == "clip-bpe"
        return result.count, len(result.chunks)

    agreement = measure(ours)
    assert agreement.total >= 300
    assert {prompt for prompt, _, _ in agreement.differences} == KNOWN, agreement.differences


def test_ids_are_clips_own():
    encode = clip_bpe.ClipBpe(clip_bpe.read_merges(BUNDLED)).encode
    # CLIP ids of these words (transformers' CLIPTokenizer of openai/clip-vit-large-patch14 gives the same)
    assert encode("a photo of a cat") == [320, 1125, 539, 320, 2368]
    assert encode(",") == [267]
    assert encode("<|startoftext|>dog's") == [49406, 1929, 568]
    assert len(clip_bpe.read_merges(BUNDLED)) == clip_bpe.VOCAB_SIZE - 512 - 2


def test_forges_merges_file_gives_the_same_ids(tmp_path, monkeypatch):
    """Forge keeps SD 1.5's tokenizer (merges.txt with a `#version` line) under backend/huggingface."""
    merges = tmp_path / "backend" / clip_bpe.FORGE_MERGES
    merges.parent.mkdir(parents=True)
    lines = gzip.decompress(BUNDLED.read_bytes()).decode("utf-8").split("\n")[1:]
    merges.write_text("#version: 0.2\n" + "\n".join(lines), encoding="utf-8")
    monkeypatch.setitem(sys.modules, "backend", types.SimpleNamespace(__path__=[str(tmp_path / "backend")]))
    assert merges in clip_bpe.vocabulary_files()
    theirs, ours = (clip_bpe.ClipBpe(clip_bpe.read_merges(path)).encode for path in (merges, BUNDLED))
    for entry in entries()[:120]:
        text = tokens.normalize(entry["prompt"])
        assert theirs(text) == ours(text), text


def test_the_pre_tokenizer_splits_as_clips_pattern():
    assert clip_bpe._split("it's 42nd-floor ²  café <|endoftext|>!?") == [
        "it", "'s", "4", "2", "nd", "-", "floor", "²", "café", "<|endoftext|>", "!?"]
