"""CLIP token counts the way A1111 counts them: 75-token chunks, `BREAK` starts a new chunk, a chunk
that would split a phrase moves back to the last comma (up to 20 tokens), extra networks do not
count, and `AND` parts and prompt-editing schedules count as their longest variant.

The tokenizer: the host's own inside the WebUI; standalone, a CLIP BPE tokenizer from an installed
package (`instant-clip-tokenizer`, vocabulary built in); else an estimate, marked as such.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from .syntax import NETWORK, _escaped, _matching, _top_level

CHUNK = 75
BACKTRACK = 20  # A1111's default "comma padding backtrack"
Encoder = Callable[[str], list[int]]
_BREAK = object()


@dataclass
class TokenCount:
    count: int  # what A1111 shows left of the slash
    limit: int  # what it shows right of it: whole chunks of 75
    chunks: list[dict] = field(default_factory=list)  # [{"tokens": n, "text": "..."}]
    source: str = "clip-bpe"  # host, clip-bpe or estimate


@cache
def _bundled() -> tuple[Encoder, int] | None:
    try:
        from instant_clip_tokenizer import Tokenizer
    except ImportError:
        return None
    tokenizer = Tokenizer()
    return tokenizer.encode, tokenizer.encode(",")[0]


def _estimate(text: str) -> list[int]:
    """About 1.3 tokens a word when no tokenizer is installed (commas are their own token)."""
    tokens: list[int] = []
    for piece in re.findall(r"[A-Za-z]+|\d|[^\sA-Za-z\d]", text):
        tokens += [0] * (2 if len(piece) > 7 else 1) if piece != "," else [1]
    return tokens


def encoder(host: Encoder | None = None) -> tuple[Encoder, int, str]:
    """(encode, comma token id, source name)."""
    if host is not None:
        return host, (host(",") or [-1])[0], "host"
    bundled = _bundled()
    if bundled is not None:
        return bundled[0], bundled[1], "clip-bpe"
    return _estimate, 1, "estimate"


def plain_variants(prompt: str) -> list[str]:
    """The texts A1111 actually encodes: extra networks out, one text per AND part and per side of
    prompt editing, attention brackets and weights stripped."""
    prompt = NETWORK.sub("", prompt)
    out: list[str] = []
    for part in re.split(r"\bAND\b", prompt):
        part = re.sub(r":\s*[\d.]+\s*$", "", part.strip())  # AND's own weight: `AND cat :1.2`
        for side in (0, 1):
            out.append(" ".join(_flatten(part, side).split()))
    return list(dict.fromkeys(out))


def _flatten(text: str, side: int) -> str:
    """Strip attention syntax; pick `side` of each `[from:to:n]` and an option of each `[a|b]`."""
    result: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            result.append(text[index + 1])
            index += 2
            continue
        if char in "([" and not _escaped(text, index):
            end = _matching(text, index)
            if end is not None:
                inner = text[index + 1:end]
                if char == "[" and _top_level(inner, "|"):
                    options = inner.split("|")
                    inner = max(options, key=len) if side else options[0]
                else:
                    edit = re.fullmatch(r"(.*?)(?::(.*?))?:\s*[\d.]+\s*", inner, flags=re.S)
                    if edit and char == "[":
                        first, second = edit.group(1), edit.group(2)
                        if second is None:  # [to:n] adds `to` after step n
                            first, second = "", first
                        inner = second if side else first
                    else:
                        inner = re.sub(r":\s*[\d.]+\s*$", "", inner)
                result.append(_flatten(inner, side))
                index = end + 1
                continue
        result.append(char)
        index += 1
    return "".join(result)


def _chunks(pieces: list[tuple[str, list[int]] | object], comma: int) -> tuple[list[list[int]], list[list[str]]]:
    """A1111's chunking over (text, tokens) pieces; returns token chunks and the texts in each."""
    chunks: list[list[int]] = []
    texts: list[list[str]] = []
    current: list[int] = []
    owners: list[str] = []
    last_comma = -1

    def close() -> None:
        nonlocal current, owners, last_comma
        chunks.append(current)
        texts.append(owners)
        current, owners, last_comma = [], [], -1

    for piece in pieces:
        if piece is _BREAK:
            close()
            continue
        text, tokens = piece  # type: ignore[misc]
        for token in tokens:
            if token == comma:
                last_comma = len(current)
            elif len(current) == CHUNK and last_comma != -1 and len(current) - last_comma <= BACKTRACK:
                cut = last_comma + 1
                moved, moved_owners = current[cut:], owners[cut:]
                current, owners = current[:cut], owners[:cut]
                close()
                current, owners = moved, moved_owners
            if len(current) == CHUNK:
                close()
            current.append(token)
            owners.append(text)
    if current or not chunks:
        close()
    return chunks, texts


def count_tokens(prompt: str, host: Encoder | None = None) -> TokenCount:
    """The count, the limit and the chunks of a prompt, as the WebUI's counter shows them."""
    encode, comma, source = encoder(host)
    best: TokenCount | None = None
    for variant in plain_variants(prompt):
        pieces: list = []
        for index, segment in enumerate(re.split(r"\bBREAK\b", variant)):
            if index:
                pieces.append(_BREAK)
            for term in re.findall(r"[^,]+,?|,", segment):
                if term.strip():
                    pieces.append((term.strip(), encode(term)))
        chunks, texts = _chunks(pieces, comma)
        count = CHUNK * (len(chunks) - 1) + len(chunks[-1])
        result = TokenCount(count=count, limit=max(CHUNK, math.ceil(max(count, 1) / CHUNK) * CHUNK),
                            chunks=[{"tokens": len(c), "text": " ".join(dict.fromkeys(t)).strip(" ,")}
                                    for c, t in zip(chunks, texts, strict=True)], source=source)
        if best is None or result.count > best.count:
            best = result
    assert best is not None
    return best
