"""CLIP's byte-pair encoding in plain Python, over the vocabulary a WebUI already ships without a checkpoint:
OpenAI's `clip` and `open_clip` packages (both hosts install them) bundle `bpe_simple_vocab_16e6.txt.gz`, and
Forge keeps SD 1.5's `merges.txt` under `backend/huggingface`. The same merges make the same ids as the
tokenizer the WebUI loads with a checkpoint (transformers' CLIPTokenizer), so the counts are the host's.

Nothing is imported from those packages (open_clip would import torch): their files are found and read.
"""

from __future__ import annotations

import gzip
import importlib.util
import itertools
import sys
import unicodedata
from collections.abc import Callable
from functools import cache
from pathlib import Path

VOCAB_SIZE = 49408  # 256 bytes, 256 word ends, the merges, start and end
SPECIAL = ("<|startoftext|>", "<|endoftext|>")
CONTRACTIONS = ("s", "t", "re", "ve", "m", "ll", "d")  # after an apostrophe, as CLIP's pattern lists them
BUNDLED = "bpe_simple_vocab_16e6.txt.gz"
FORGE_MERGES = Path("huggingface", "runwayml", "stable-diffusion-v1-5", "tokenizer", "merges.txt")


def vocabulary_files() -> list[Path]:
    """The CLIP merges files this Python can see: the `clip` and `open_clip` packages' bundled vocabulary (found,
    not imported), then Forge's tokenizer files (its `backend` package, when loaded)."""
    found = []
    for package in ("open_clip", "clip"):
        try:
            spec = importlib.util.find_spec(package)
        except (ImportError, ValueError):
            spec = None
        for folder in (spec.submodule_search_locations or []) if spec else []:
            found.append(Path(folder) / BUNDLED)
    found += [Path(folder).joinpath(FORGE_MERGES) for folder in getattr(sys.modules.get("backend"), "__path__", [])]
    return [path for path in found if path.is_file()]


def _bytes_to_unicode() -> dict[int, str]:
    """CLIP's printable stand-in for each byte."""
    printable = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1), *range(ord("®"), ord("ÿ") + 1)]
    others = [b for b in range(256) if b not in printable]
    return {**{b: chr(b) for b in printable}, **{b: chr(256 + n) for n, b in enumerate(others)}}


def read_merges(path: Path) -> list[tuple[str, str]]:
    """The merges, in rank order, of either format (a first line of comment, then one pair a line)."""
    raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    lines = raw.decode("utf-8").strip().split("\n")[1: VOCAB_SIZE - 512 - 2 + 1]
    return [(a, b) for a, b in (line.split() for line in lines)]


def _kind(char: str) -> str:
    """L (letter), N (number), s (space) or o (anything else), as CLIP's pattern sees a character."""
    if char.isspace():
        return "s"
    major = unicodedata.category(char)[0]
    return major if major in "LN" else "o"


def _split(text: str) -> list[str]:
    """CLIP's pre-tokenizer pattern (`<|startoftext|>|<|endoftext|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|
    [^\\s\\p{L}\\p{N}]+`), tried in that order at each place, by Unicode category (no `regex` package needed)."""
    pieces, i = [], 0
    while i < len(text):
        head = next((s for s in (*SPECIAL, *(f"'{c}" for c in CONTRACTIONS)) if text.startswith(s, i)), None)
        if head:
            pieces.append(head)
            i += len(head)
            continue
        kind, end = _kind(text[i]), i + 1
        if kind in "Lo":  # a run of letters, or of what is neither letter, number nor space
            while end < len(text) and _kind(text[end]) == kind:
                end += 1
        if kind != "s":
            pieces.append(text[i:end])
        i = end
    return pieces


class ClipBpe:
    """Text (already normalised) -> CLIP token ids."""

    def __init__(self, merges: list[tuple[str, str]]):
        self.byte_char = _bytes_to_unicode()
        symbols = list(self.byte_char.values())
        vocab = [*symbols, *(s + "</w>" for s in symbols), *("".join(m) for m in merges), *SPECIAL]
        self.ids = {token: index for index, token in enumerate(vocab)}
        self.ranks = {merge: rank for rank, merge in enumerate(merges)}
        self._words: dict[str, list[int]] = {}

    def _bpe(self, word: str) -> list[str]:
        parts = [*word[:-1], word[-1] + "</w>"]
        while len(parts) > 1:
            pairs = set(itertools.pairwise(parts))
            best = min(pairs, key=lambda pair: self.ranks.get(pair, len(self.ranks)))
            if best not in self.ranks:
                break
            merged, i = [], 0
            while i < len(parts):
                if i < len(parts) - 1 and (parts[i], parts[i + 1]) == best:
                    merged.append(parts[i] + parts[i + 1])
                    i += 2
                else:
                    merged.append(parts[i])
                    i += 1
            parts = merged
        return parts

    def encode(self, text: str) -> list[int]:
        out: list[int] = []
        for piece in _split(text):
            if piece not in self._words:
                chars = piece if piece in SPECIAL else "".join(self.byte_char[b] for b in piece.encode("utf-8"))
                self._words[piece] = [self.ids[chars]] if piece in SPECIAL else [self.ids[p] for p in self._bpe(chars)]
            out += self._words[piece]
        return out


@cache
def shipped() -> Callable[[str], list[int]] | None:
    """An encoder over the first vocabulary file found, or None where there is none."""
    files = vocabulary_files()
    return ClipBpe(read_merges(files[0])).encode if files else None
