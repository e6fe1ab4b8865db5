"""CLIP token counts the way the WebUI's token counter makes them (modules/ui.py `update_token_counter`):
extra networks out, one text per `AND` part and per step of prompt editing and alternation, the longest
counts; each text is cut by attention and `BREAK` (grammar.py) and packed into 75-token chunks that move
back to the last comma (up to 20 tokens), as sd_hijack_clip's `tokenize_line` does.

The tokenizer: the host's own once a checkpoint is loaded; else CLIP's BPE after the text normalisation A1111's
tokenizer applies (transformers' CLIPTokenizer runs ftfy.fix_text, which A1111's requirements install: see
`normalize`): `instant-clip-tokenizer` standalone (vocabulary built in), inside the WebUI clip_bpe.py over the
vocabulary the host ships; an estimate, marked so, only where neither exists.
"""

from __future__ import annotations

import html.entities
import math
import re
import sys
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from . import clip_bpe, grammar

CHUNK = 75
BACKTRACK = 20  # A1111's default "comma padding backtrack"
Encoder = Callable[[str], list[int]]


@dataclass
class TokenCount:
    count: int  # what A1111 shows left of the slash
    limit: int  # what it shows right of it: whole chunks of 75
    chunks: list[dict] = field(default_factory=list)  # [{"tokens": n, "text": "..."}]
    source: str = "clip-bpe"  # host, clip-bpe or estimate


# ---------------------------------------------------------------------------------------------------------------
# ftfy.fix_text, the parts that change CLIP tokens (its mojibake repair is left out)

_ENTITY = re.compile(r"&#?[0-9A-Za-z]{1,24};")
_WIDTH = {0x3000: " "} | {i: unicodedata.normalize("NFKC", chr(i)) for i in range(0xFF01, 0xFFF0)
                          if unicodedata.normalize("NFKC", chr(i)) != chr(i)}
_LIGATURES = {ord(c): unicodedata.normalize("NFKC", c) for c in "ĲĳŉǄǅǆǇǈǉǊǋǌǱǲǳﬀﬁﬂﬃﬄﬅﬆ"}
_QUOTES = {ord(c): "'" for c in "ʼ‘’‚‛"} | {ord(c): '"' for c in "“”„‟"}
_CONTROL = {i: None for i in [*range(0, 9), 11, *range(14, 32), 127, *range(0x206A, 0x2070), 0xFEFF,
                              *range(0xFFF9, 0xFFFD)]}
_BREAKS = {ord(c): "\n" for c in "\r\u2028\u2029\u0085"}


def _entity(match: re.Match) -> str:
    text = match.group(0)
    if text.startswith("&#"):
        decoded = html.unescape(text)
        return text if ";" in decoded else decoded
    return html.entities.html5.get(text[1:], text)


def normalize(text: str) -> str:
    """What A1111's CLIP tokenizer makes of a text before BPE: ftfy.fix_text (HTML entities unless the line
    holds a `<`, width forms, ligatures, curly quotes, control characters, NFC), whitespace, lower case."""
    out, unescape = [], True
    for line in text.replace("\r\n", "\n").splitlines(keepends=True):
        unescape = unescape and "<" not in line
        fixed = _ENTITY.sub(_entity, line) if unescape else line
        for _ in range(3):  # ftfy repeats its fixes until nothing changes
            before = fixed
            fixed = unicodedata.normalize("NFC", fixed.translate(_LIGATURES).translate(_WIDTH).translate(_QUOTES)
                                          .translate(_BREAKS).translate(_CONTROL))
            if fixed == before:
                break
        out.append(fixed)
    return " ".join("".join(out).split()).lower()


@cache
def _bundled() -> tuple[Encoder, int] | None:
    """CLIP's BPE: `instant-clip-tokenizer` where it is installed, else over a vocabulary file the host ships."""
    try:
        from instant_clip_tokenizer import Tokenizer
    except ImportError:
        shipped = clip_bpe.shipped()
        return ((lambda text: shipped(normalize(text))), shipped(",")[0]) if shipped else None
    tokenizer = Tokenizer()
    return (lambda text: tokenizer.encode(normalize(text))), tokenizer.encode(",")[0]


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


# ---------------------------------------------------------------------------------------------------------------
# sd_hijack_clip.tokenize_line


@dataclass
class _Chunks:
    comma: int
    done: list[list[tuple[int, str]]] = field(default_factory=list)  # (token, the text it came from)
    current: list[tuple[int, str]] = field(default_factory=list)
    last_comma: int = -1
    count: int = 0  # 75 for each chunk closed early (BREAK, full), the length of the last

    def close(self, last: bool = False) -> None:
        self.count += len(self.current) if last else CHUNK
        self.done.append(self.current)
        self.current, self.last_comma = [], -1

    def add(self, token: int, text: str) -> None:
        if token == self.comma:
            self.last_comma = len(self.current)
        elif len(self.current) == CHUNK and self.last_comma != -1 and len(self.current) - self.last_comma <= BACKTRACK:
            cut = self.last_comma + 1
            moved, self.current = self.current[cut:], self.current[:cut]
            self.close()
            self.current = moved
        if len(self.current) == CHUNK:
            self.close()
        self.current.append((token, text))


def chunks(text: str, encode: Encoder, comma: int) -> _Chunks:
    """One text's 75-token chunks and its token count."""
    packer = _Chunks(comma)
    for segment in grammar.attention(text):
        if segment.text == "BREAK" and segment.weight == -1:
            packer.close()
            continue
        for token in encode(segment.text):
            packer.add(token, segment.text)
    if packer.current or not packer.done:
        packer.close(last=True)
    return packer


def _host_clip() -> Any:
    """The loaded text encoder wrapper whose tokenize_line the host's counter runs: A1111's sd_hijack_clip,
    or Forge's text-processing engine (CLIP-L for SDXL, as Forge counts)."""
    hijack = getattr(sys.modules.get("modules.sd_hijack"), "model_hijack", None)
    model = getattr(getattr(sys.modules.get("modules.sd_models"), "model_data", None), "sd_model", None)
    candidates = [getattr(hijack, "clip", None)] + [getattr(model, name, None) for name in
                                                    ("text_processing_engine_l", "text_processing_engine")]
    return next((c for c in candidates if callable(getattr(c, "tokenize_line", None))), None)


def _host_prompt(prompt: str) -> str:
    """Forge's counter strips `#` comments first (A1111's does not)."""
    comments = sys.modules.get("modules.processing_scripts.comments")
    strip = getattr(comments, "strip_comments", None)
    return strip(prompt).strip() if "modules_forge" in sys.modules and callable(strip) else prompt


def _host_chunks(clip: Any, text: str, ours: _Chunks) -> _Chunks:
    """The host's own chunks of a text (embeddings included; real tokens end at the first end token), with
    the words of our chunk of the same place."""
    lines, count = clip.tokenize_line(text)
    packed = _Chunks(comma=-1, count=count)
    for index, line in enumerate(lines):
        tokens = [*list(line.tokens)[1:-1], clip.id_end]
        words = [t for _, t in ours.done[index]] if index < len(ours.done) else []
        packed.done.append([(token, words[i] if i < len(words) else "")
                            for i, token in enumerate(tokens[:tokens.index(clip.id_end)])])
    return packed


def count_tokens(prompt: str, host: Encoder | None = None, *, positive: bool = True,
                 steps: int = grammar.DEFAULT_STEPS) -> TokenCount:
    """The count, the limit and the chunks of a prompt, as the WebUI's counter shows them (`positive`:
    the prompt box, whose `AND` parts are counted apart; the negative box counts its text whole). Inside
    the WebUI (a host tokenizer given), the host's own tokenize_line makes the chunks when it is loaded."""
    encode, comma, source = encoder(host)
    clip = _host_clip() if host is not None else None
    prompt = _host_prompt(prompt) if host is not None else prompt
    best: _Chunks | None = None
    for text in dict.fromkeys(grammar.texts(prompt, positive=positive, steps=steps)):
        text = grammar.without_bad_weights(text)  # A1111 raises on those
        packed = chunks(text, encode, comma)
        if clip is not None:
            packed = _host_chunks(clip, text, packed)
        if best is None or packed.count > best.count:
            best = packed
    assert best is not None
    return TokenCount(count=best.count, limit=math.ceil(max(best.count, 1) / CHUNK) * CHUNK,
                      chunks=[{"tokens": len(c), "text": " ".join(dict.fromkeys(t.strip() for _, t in c)).strip(" ,")}
                              for c in best.done], source=source)

