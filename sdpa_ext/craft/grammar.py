"""A1111's prompt grammar, read the way AUTOMATIC1111 v1.10.1 reads it: the one parser of prompt syntax.

- extra networks `<lora:name:0.8>` (modules/extra_networks.py `parse_prompt`),
- `AND` parts and their weights (prompt_parser.get_multicond_prompt_list),
- prompt editing `[a:b:0.5]` and alternation `[a|b]` (prompt_parser's lark grammar, reproduced here by a
  recursive descent that picks the same derivation; a prompt the grammar rejects is used as it is),
- attention `(a:1.2)`, `(a)`, `[a]`, escapes and `BREAK` (prompt_parser.parse_prompt_attention),

plus what the guard needs to edit a prompt: matching brackets, top-level terms, groups and their keys.
Inside the WebUI the host's own `modules.prompt_parser` answers instead, when it is loaded (`host_parser`).
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from types import ModuleType

from ..budget import charge

NETWORK = re.compile(r"<(\w+):([^>]+)>")  # extra_networks.re_extra_net
_AND = re.compile(r"\bAND\b")
_PART_NUMBER = re.compile(r"[-+]?(?:\d+\.?|\d*\.\d+)")  # get_multicond_prompt_list's part weight
_MERGED = re.compile(r":\s*[-+]?(?:\d+\.?|\d*\.\d+)\s+and\s+", re.I)  # after spaces: `spaced`
_WEIGHT_TAIL = re.compile(r":\s*[+-]?[.\d]*\d[.\d]*")  # after spaces: `spaced`
_LEADING_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)")
_ESCAPE = re.compile(r"\\[()\[\]]")
_ATTENTION = re.compile(r"""
\\\(|\\\)|\\\[|\\]|\\\\|\\|
\(|\[|
:\s*([+-]?[.\d]+)\s*\)|
\)|]|
[^\\()\[\]:]+|
:
""", re.X)
_BREAK = re.compile(r"\bBREAK\b")  # A1111 splits on \s*\bBREAK\b\s*; the spaces are found by hand (linear)
_PLAIN = re.compile(r"(?:[^\\\[\]():|]|\\.)+")  # the schedule grammar's `plain` (`.` is not a newline)
_NUMBER = re.compile(r"[+-]?(?:\d+[eE][+-]?\d+|(?:\d+\.\d*|\.\d+)(?:[eE][+-]?\d+)?|\d+)")  # lark SIGNED_NUMBER
_SPACE = re.compile(r"\s+")
_STRAY = "[]():"
_OPEN = {"(": ")", "[": "]", "{": "}"}
_CLOSE = {v: k for k, v in _OPEN.items()}
_WORD = re.compile(r"[^\W_]+")
DEFAULT_STEPS = 20  # the WebUI's default sampling steps, which its token counter schedules over


def host_parser() -> ModuleType | None:
    """The WebUI's own prompt_parser when the host has loaded it (never imported from here)."""
    return sys.modules.get("modules.prompt_parser")


# ---------------------------------------------------------------------------------------------------------------
# Extra networks and AND parts


@dataclass(frozen=True)
class Network:
    kind: str  # lora, lyco, hypernet, ... as written
    args: tuple[str, ...]  # name, then weights and named arguments, split on ":"
    start: int
    end: int

    @property
    def name(self) -> str:
        return self.args[0]

    @property
    def key(self) -> str:
        return f"{self.kind.lower()}:{self.name.strip().lower()}"


def _network_matches(text: str) -> Iterator[re.Match]:
    """NETWORK's matches, searched only up to the last `>`: past it `[^>]+` would scan to the end from every
    `<` (quadratic on `<lora:<lora:...`), and no match can end there."""
    return NETWORK.finditer(text, 0, text.rfind(">") + 1)


def networks(text: str) -> list[Network]:
    charge()
    return [Network(m[1], tuple(m[2].split(":")), m.start(), m.end()) for m in _network_matches(text)]


def without_networks(text: str, instead: str = "") -> str:
    """The text with each extra network replaced by `instead`."""
    out, last = [], 0
    for match in _network_matches(text):
        out += [text[last:match.start()], instead]
        last = match.end()
    return "".join(out) + text[last:]


@dataclass(frozen=True)
class Part:
    text: str  # without its weight
    weight: float
    start: int  # where the part's text begins in the prompt (networks not removed)
    end: int  # where the text ends (its weight, if any, follows)
    stop: int  # where the part ends (the next AND, or the end)


def _part_weight(text: str) -> tuple[str, str | None]:
    """A part's text and the weight at its end, as A1111's `^(.*?)(?:\\s*:\\s*(number))?\\s*$` reads them,
    found in linear time (that pattern backtracks quadratically on runs of spaces)."""
    body = text.rstrip()
    colon = body.rfind(":")
    if colon >= 0 and _PART_NUMBER.fullmatch(body[colon + 1:].lstrip()):
        return body[:colon].rstrip(), body[colon + 1:].lstrip()
    return body, None


def without_part_weight(text: str) -> str:
    """A part's text without the `:1.2` weight A1111 reads at its end."""
    return _part_weight(text)[0]


def merged_parts(text: str) -> list[str]:
    """Pieces of a text where a model wrote `a cabin :1.2 and a lake` for `a cabin :1.2 AND a lake`."""
    cuts = spaced(_MERGED, text)
    return [text[start:end] for start, end in zip([0] + [e for _, e in cuts], [s for s, _ in cuts] + [len(text)],
                                                  strict=True)]


def spaced(pattern: re.Pattern[str], text: str, least: int = 0) -> list[tuple[int, int]]:
    """Where `\\s*` (`least=1`: `\\s+`) and then `pattern` match in `text`, as re finds them (left to right, no
    overlaps), in linear time: re retries a leading `\\s*` from every space of a run (quadratic on long runs).
    `pattern` must begin with a character that is not a space."""
    found, last = [], 0
    for match in pattern.finditer(text):
        start = match.start()
        while start > last and text[start - 1].isspace():
            start -= 1
        if match.start() - start >= least:
            found.append((start, match.end()))
            last = match.end()
    return found


def replaced(text: str, spans: list[tuple[int, int]], by: str) -> str:
    """`text` with each of `spans` (in order, apart) replaced by `by`."""
    out, last = [], 0
    for start, end in spans:
        out += [text[last:start], by]
        last = end
    return "".join(out) + text[last:]


def parts(text: str) -> list[Part]:
    """The `AND` parts of a prompt and their weights (`a cabin :1.2 AND a lake :0.8`)."""
    out: list[Part] = []
    start = 0
    for stop in [m.start() for m in _AND.finditer(text)] + [len(text)]:
        body, number = _part_weight(text[start:stop])
        weight = float(number) if number is not None else 1.0
        out.append(Part(body, weight, start, start + len(body), stop))
        start = stop + 3
    return out


# ---------------------------------------------------------------------------------------------------------------
# Prompt editing and alternation: prompt_parser's lark grammar
#   !start: (prompt | /[][():]/+)*
#   prompt: (emphasized | scheduled | alternate | plain | WHITESPACE)*
#   !emphasized: "(" prompt ")" | "(" prompt ":" prompt ")" | "[" prompt "]"
#   scheduled: "[" [prompt ":"] prompt ":" [WHITESPACE] NUMBER [WHITESPACE] "]"
#   alternate: "[" prompt ("|" [prompt])+ "]"


@dataclass
class Node:
    kind: str  # text, group, edit, alternation
    start: int
    end: int
    children: list[list[Node]] = field(default_factory=list)  # group: 1-2 runs; edit: before?, after; alt: options
    number: str = ""  # an edit's step (as written)


def _prompt(text: str, index: int) -> tuple[list[Node], int]:
    """A run of items from `index`; stops at a character no item can start with."""
    items: list[Node] = []
    while index < len(text):
        char = text[index]
        if char in "([":
            node = _bracketed(text, index)
            if node is None:
                break
            items.append(node)
            index = node.end
            continue
        match = _PLAIN.match(text, index)
        if not match:
            break
        items.append(Node("text", index, match.end()))
        index = match.end()
    return items, index


def _bracketed(text: str, index: int) -> Node | None:
    if text[index] == "(":
        first, end = _prompt(text, index + 1)
        if end < len(text) and text[end] == ")":
            return Node("group", index, end + 1, [first])
        if end < len(text) and text[end] == ":":
            second, close = _prompt(text, end + 1)
            if close < len(text) and text[close] == ")":
                return Node("group", index, close + 1, [first, second])
        return None
    first, end = _prompt(text, index + 1)
    if end >= len(text):
        return None
    if text[end] == "]":
        return Node("group", index, end + 1, [first])
    if text[end] == "|":
        options = [first]
        while end < len(text) and text[end] == "|":
            option, end = _prompt(text, end + 1)
            options.append(option)
        return Node("alternation", index, end + 1, options) if end < len(text) and text[end] == "]" else None
    if text[end] != ":":
        return None
    step = _step(text, end + 1)
    if step is not None:
        return Node("edit", index, step[1], [[], first], step[0])  # `[to:n]`: nothing before step n
    second, end2 = _prompt(text, end + 1)
    if end2 < len(text) and text[end2] == ":":
        step = _step(text, end2 + 1)
        if step is not None:
            return Node("edit", index, step[1], [first, second], step[0])
    return None


def _step(text: str, index: int) -> tuple[str, int] | None:
    """`[WHITESPACE] NUMBER [WHITESPACE] "]"` at index: (the number, the index after `]`)."""
    space = _SPACE.match(text, index)
    index = space.end() if space else index
    number = _NUMBER.match(text, index)
    if not number:
        return None
    index = number.end()
    space = _SPACE.match(text, index)
    index = space.end() if space else index
    return (number.group(), index + 1) if index < len(text) and text[index] == "]" else None


@dataclass
class Tree:
    """A prompt (one AND part) as the schedule grammar reads it."""

    text: str
    items: list[Node]  # top level: text runs, constructs, and stray brackets/colons as text
    ok: bool  # False: lark rejects the text and A1111 uses it as it is (no editing, no alternation)


def tree(text: str) -> Tree:
    charge()
    try:
        return _tree(text)
    except RecursionError:  # brackets nested hundreds deep: no parse (A1111's lark fails too)
        return Tree(text, [Node("text", 0, len(text))], ok=False)


def _tree(text: str) -> Tree:
    items: list[Node] = []
    index = 0
    while index < len(text):
        run, index = _prompt(text, index)
        items += run
        if index < len(text):
            if text[index] not in _STRAY:
                return Tree(text, [Node("text", 0, len(text))], ok=False)
            items.append(Node("text", index, index + 1))
            index += 1
    return Tree(text, items, ok=True)


def _walk(items: list[Node]) -> Iterator[Node]:
    for node in items:
        yield node
        for run in node.children:
            yield from _walk(run)


def _when(number: str, steps: int) -> int:
    value = float(number)
    return min(steps, int(value * steps if "." in number else value))


def _at(text: str, items: list[Node], step: int, steps: int) -> str:
    out: list[str] = []
    for node in items:
        if node.kind == "text":
            out.append(text[node.start:node.end])
        elif node.kind == "group":
            close = text[node.end - 1]
            inner = [_at(text, run, step, steps) for run in node.children]
            out.append(text[node.start] + ":".join(inner) + close)
        elif node.kind == "edit":
            before, after = node.children
            out.append(_at(text, before if step <= _when(node.number, steps) else after, step, steps))
        else:
            out.append(_at(text, node.children[(step - 1) % len(node.children)], step, steps))
    return "".join(out)


def schedule(text: str, steps: int = DEFAULT_STEPS) -> list[tuple[int, str]]:
    """prompt_parser.get_learned_conditioning_prompt_schedules for one text: [(last step, text)]."""
    host = host_parser()
    if host is not None:
        return [(int(s), str(t)) for s, t in host.get_learned_conditioning_prompt_schedules([text], steps)[0]]
    parsed = tree(text)
    if not parsed.ok:
        return [(steps, text)]
    points = {steps}
    for node in _walk(parsed.items):
        if node.kind == "edit" and _when(node.number, steps) >= 1:
            points.add(_when(node.number, steps))
        elif node.kind == "alternation":
            points.update(range(1, steps + 1))
    return [(step, _at(text, parsed.items, step, steps)) for step in sorted(points)]


def texts(prompt: str, *, positive: bool = True, steps: int = DEFAULT_STEPS) -> list[str]:
    """Every text the WebUI encodes for a prompt (its token counter's candidates), in its order."""
    text = without_networks(prompt)
    host = host_parser()
    if positive and host is not None:
        flat = list(host.get_multicond_prompt_list([text])[1])
    elif positive:
        flat = list(dict.fromkeys(part.text for part in parts(text)))
    else:
        flat = [text]
    return [t for item in flat for _, t in schedule(item, steps)]


# ---------------------------------------------------------------------------------------------------------------
# Attention: prompt_parser.parse_prompt_attention


@dataclass
class Segment:
    text: str
    weight: float  # -1: a BREAK (a BREAK inside brackets gets another weight and is a plain word)
    start: int = 0  # where its text is in the source (before runs of equal weight are merged)
    end: int = 0


def _breaks(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Where `\\s*\\bBREAK\\b\\s*` matches in text[start:end] (A1111's split), found in linear time."""
    last = start
    for keyword in _BREAK.finditer(text, start, end):
        before, after = keyword.start(), keyword.end()
        while before > last and text[before - 1].isspace():
            before -= 1
        while after < end and text[after].isspace():
            after += 1
        last = after
        yield before, after


def _runs(text: str) -> list[Segment]:
    """parse_prompt_attention before it merges runs of equal weight, with source positions (fresh segments:
    callers change them)."""
    return [Segment(*run) for run in _read_runs(text)]


@functools.lru_cache(maxsize=16)
def _read_runs(text: str) -> tuple[tuple[str, float, int, int], ...]:
    """The runs of `text`, kept for the next call: one refine reads the same prompt a dozen times."""
    charge()
    out: list[Segment] = []
    round_open: list[int] = []
    square_open: list[int] = []

    def multiply(start: int, by: float) -> None:
        for segment in out[start:]:
            segment.weight *= by

    for match in _ATTENTION.finditer(text):
        piece, weight, start = match.group(0), match.group(1), match.start()
        if piece.startswith("\\"):
            out.append(Segment(piece[1:], 1.0, start + 1, match.end()))
        elif piece == "(":
            round_open.append(len(out))
        elif piece == "[":
            square_open.append(len(out))
        elif weight is not None and round_open:
            multiply(round_open.pop(), float(weight))
        elif piece == ")" and round_open:
            multiply(round_open.pop(), 1.1)
        elif piece == "]" and square_open:
            multiply(square_open.pop(), 1 / 1.1)
        else:
            for before, after in _breaks(text, start, match.end()):
                out.append(Segment(text[start:before], 1.0, start, before))
                out.append(Segment("BREAK", -1, before, after))
                start = after
            out.append(Segment(text[start:match.end()], 1.0, start, match.end()))
    for start in round_open:
        multiply(start, 1.1)
    for start in square_open:
        multiply(start, 1 / 1.1)
    return tuple((s.text, s.weight, s.start, s.end) for s in out)


def attention(text: str) -> list[Segment]:
    """Text and weight runs; raises ValueError on a weight that is no number, as A1111 does."""
    host = host_parser()
    if host is not None:
        return [Segment(t, w) for t, w in host.parse_prompt_attention(text)]
    merged: list[Segment] = []
    for segment in _runs(text) or [Segment("", 1.0)]:
        if merged and merged[-1].weight == segment.weight:
            merged[-1].text += segment.text
            merged[-1].end = segment.end
        else:
            merged.append(segment)
    return merged


@dataclass(frozen=True)
class Attention:
    """How A1111 weighs each character of a text: None for syntax (brackets, weights, escapes' backslash)."""

    weights: tuple[float | None, ...]
    breaks: tuple[int, ...]  # where the BREAKs A1111 acts on begin


def reading(text: str) -> Attention:
    weights: list[float | None] = [None] * len(text)
    breaks: list[int] = []
    for run in _runs(text):
        if run.weight == -1:
            breaks.append(run.start)
        else:
            weights[run.start:run.end] = [run.weight] * (run.end - run.start)
    return Attention(tuple(weights), tuple(breaks))


def bad_weights(text: str) -> list[tuple[int, int]]:
    """(start, end) of each `:n)` whose n is no number (`(a:1.2.3)`): A1111 raises on them."""
    out = []
    for match in _ATTENTION.finditer(text):
        if match.group(1) is not None:
            try:
                float(match.group(1))
            except ValueError:
                out.append((match.start(), match.end()))
    return out


# ---------------------------------------------------------------------------------------------------------------
# Brackets and terms, for the guard


def escaped(text: str, index: int) -> bool:
    count = 0
    while index - 1 - count >= 0 and text[index - 1 - count] == "\\":
        count += 1
    return count % 2 == 1


def _masked(text: str) -> str:
    """The text with extra networks and escaped characters blanked, positions kept."""
    chars = list(text)
    for network in networks(text):
        chars[network.start:network.end] = " " * (network.end - network.start)
    for index, char in enumerate(text):
        if char in "()[]{}" and escaped(text, index):
            chars[index] = " "
    return "".join(chars)


@dataclass(frozen=True)
class Brackets:
    pairs: dict[int, int]  # opener -> its closer
    unmatched: list[int]  # closers without an opener and openers never closed


def brackets(text: str) -> Brackets:
    """Match (), [] and {} (escapes and extra networks are text; `<` and `>` are never brackets)."""
    charge()
    masked = _masked(text)
    pairs: dict[int, int] = {}
    stack: list[int] = []
    unmatched: list[int] = []
    for index, char in enumerate(masked):
        if char in _OPEN:
            stack.append(index)
        elif char in _CLOSE:
            if stack and masked[stack[-1]] == _CLOSE[char]:
                pairs[stack.pop()] = index
            else:
                unmatched.append(index)
    return Brackets(pairs, sorted(unmatched + stack))


def depth_zero(text: str) -> list[bool]:
    """For each character: is it outside every bracket pair and every extra network?"""
    change = [0] * (len(text) + 1)  # +1 where a pair or network begins, -1 after it ends: linear when nested
    spans = [(n.start, n.end) for n in networks(text)] + [(s, e + 1) for s, e in brackets(text).pairs.items()]
    for start, end in spans:
        change[start] += 1
        change[end] -= 1
    outside, depth = [], 0
    for step in change[:-1]:
        depth += step
        outside.append(depth == 0)
    return outside


def terms(text: str) -> list[tuple[int, int]]:
    """(start, end) of each top-level comma-separated term that is not blank."""
    outside = depth_zero(text)
    bounds, start = [], 0
    for index, char in enumerate(text):
        if char == "," and outside[index]:
            bounds.append((start, index))
            start = index + 1
    bounds.append((start, len(text)))
    return [(s, e) for s, e in bounds if text[s:e].strip()]


def keywords(text: str, word: str) -> list[int]:
    """Positions of a top-level `AND` / `BREAK` (the forms A1111 acts on outside brackets)."""
    outside = depth_zero(text)
    return [m.start() for m in re.finditer(rf"\b{word}\b", text) if outside[m.start()]]


def words(text: str) -> list[str]:
    """Lower-case words in any script (`瀑布` is a word; `_` and punctuation are not)."""
    return _WORD.findall(text.lower())


def inner(group: str) -> tuple[str, str]:
    """A group's text and weight, without its brackets: `(red hair:1.2)` -> ("red hair", "1.2")."""
    body = group[1:-1]
    match = re.search(r":\s*([+-]?[.\d]+)\s*$", body) if group.startswith("(") else None
    return (body[:match.start()], match.group(1)) if match else (body, "")


def plain(text: str) -> str:
    """The words of a prompt with every piece of syntax taken out (networks, brackets, weights, keywords)."""
    text = without_networks(text, " ")
    text = _AND.sub(" ", re.sub(r"\bBREAK\b", " ", text))
    out = "".join(segment.text for segment in attention(without_bad_weights(text)))
    return replaced(out, spaced(_WEIGHT_TAIL, out), "").replace("|", " ")


def leading_number(text: str) -> float | None:
    """The number a malformed weight starts with: `1.2.3` -> 1.2."""
    match = _LEADING_NUMBER.match(text.strip())
    return float(match.group()) if match else None


def escapes(text: str) -> list[tuple[int, int]]:
    """(start, end) of escaped text `\\(artist\\)`, and of each escaped bracket outside such a pair."""
    pairs = _escaped_pairs(text)
    inside = bytearray(len(text) + 1)
    for start, end in pairs:
        inside[start:end] = b"\x01" * (end - start)
    lone = [(m.start(), m.end()) for m in _ESCAPE.finditer(text)
            if not escaped(text, m.start()) and not inside[m.start()]]
    return sorted(pairs + lone)


def _escaped_pairs(text: str) -> list[tuple[int, int]]:
    r"""What `\\[(\[](?:[^\\]|\\[^)\]])*?\\[)\]]` finds, in linear time: that lazy pattern scans to the end
    from every escaped opener that has no closer (quadratic on `\(\(\(...`). `close[p]` is where the
    escaped closer lies that a scan from p reaches (a character or an escape pair at a time), or -1."""
    size = len(text)
    close = [-1] * (size + 2)
    for index in range(size - 1, -1, -1):
        if text[index] != "\\":
            close[index] = close[index + 1]
        elif index + 1 < size:
            close[index] = index if text[index + 1] in ")]" else close[index + 2]
    pairs, index = [], 0
    while index < size - 1:
        if text[index] == "\\" and text[index + 1] in "([" and close[index + 2] >= 0:
            pairs.append((index, close[index + 2] + 2))
            index = close[index + 2] + 2
        else:
            index += 1
    return pairs


def without_lone_backslashes(text: str) -> str:
    """A backslash before a line break or the end escapes nothing the schedule grammar accepts: drop it."""
    return re.sub(r"(?<!\\)((?:\\\\)*)\\(?=\n|$)", r"\1", text)


def without_bad_weights(text: str) -> str:
    """`(a:1.2.3)` -> `(a)`: what is left when a weight A1111 cannot read is dropped."""
    for start, end in reversed(bad_weights(text)):
        text = text[:start] + ")" + text[end:]
    return text
