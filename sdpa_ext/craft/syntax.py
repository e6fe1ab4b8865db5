"""A1111/Forge prompt syntax: find the spans a user wrote, check and repair an answer, guard a refine.

Protected spans: extra networks `<lora:name:0.8>` (`<lyco:>`, `<hypernet:>`...), attention groups
`(term:1.2)`, `(term)`, `[term]`, prompt editing `[from:to:0.5]`, alternation `[a|b]`, `BREAK`,
`AND`, wildcards `__name__`, variants `{a|b}`, and the host's textual-inversion embedding names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

NETWORK = re.compile(r"<(?P<kind>[A-Za-z_]+):(?P<name>[^:<>]+)(?::(?P<weight>[^:<>]*))*>")
WILDCARD = re.compile(r"__[\w\-/.*]+__")
KEYWORD = re.compile(r"\b(BREAK|AND)\b")
WEIGHT_RANGE = (0.1, 2.0)  # attention weights outside this are a model's mistake
NETWORK_RANGE = (-2.0, 3.0)
_OPEN = {"(": ")", "[": "]", "{": "}", "<": ">"}
_CLOSE = {v: k for k, v in _OPEN.items()}
_STOP = {"the", "a", "an", "and", "of", "to", "it", "in", "on", "with", "make", "more", "less", "some", "please",
         "add", "remove", "no", "not", "any", "very", "bit", "lot", "is", "be", "that", "this", "into", "from", "for"}
_REMOVE_VERBS = re.compile(r"\b(remove|delete|drop|without|no|no more|get rid|take out|lose|strip|exclude|minus|"
                           r"don'?t want|instead of|replace|swap)\b", re.I)


@dataclass(frozen=True)
class Span:
    kind: str  # network, group, edit, alternation, keyword, wildcard, variant, embedding
    text: str
    key: str  # what identifies it when rewritten: a LoRA's name, a group's inner words, the keyword
    start: int
    end: int


@dataclass
class Guarded:
    text: str
    repairs: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# Finding spans


def _escaped(text: str, index: int) -> bool:
    backslashes = 0
    while index - 1 - backslashes >= 0 and text[index - 1 - backslashes] == "\\":
        backslashes += 1
    return backslashes % 2 == 1


def _matching(text: str, start: int) -> int | None:
    """Index of the bracket closing the one at `start` (same kind, nesting, escapes honoured)."""
    opener, closer = text[start], _OPEN[text[start]]
    depth = 0
    for index in range(start, len(text)):
        char = text[index]
        if _escaped(text, index):
            continue
        if char == opener:
            depth += 1
        elif char == closer:
            depth -= 1
            if depth == 0:
                return index
    return None


_EDIT = re.compile(r"[^:\[\]()]*(?::[^:\[\]()]*)?:\s*[\d.]+\s*")
_WEIGHTED = re.compile(r"\(([^()]*?):\s*([+-]?[\d.]+)\s*\)")


def _top_level(inner: str, char: str) -> bool:
    depth = 0
    for item in inner:
        if item in "([{":
            depth += 1
        elif item in ")]}":
            depth -= 1
        elif item == char and depth == 0:
            return True
    return False


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def _inner_key(inner: str) -> str:
    plain = re.sub(r":\s*-?[\d.]+\s*$", "", inner)
    return " ".join(words(re.sub(r"[()\[\]{}]", " ", plain)))


def find_spans(text: str, embeddings: list[str] | tuple[str, ...] = ()) -> list[Span]:
    """Every protected span, outermost first, in order of position."""
    spans: list[Span] = []
    taken: list[tuple[int, int]] = []

    def add(kind: str, start: int, end: int, key: str) -> None:
        if not any(s <= start < e for s, e in taken):
            spans.append(Span(kind, text[start:end], key, start, end))
            taken.append((start, end))

    for match in NETWORK.finditer(text):
        add("network", match.start(), match.end(), f"{match['kind'].lower()}:{match['name'].strip().lower()}")
    index = 0
    while index < len(text):
        char = text[index]
        if char in "([{" and not _escaped(text, index) and not any(s <= index < e for s, e in taken):
            end = _matching(text, index)
            if end is not None:
                inner = text[index + 1:end]
                if char == "{":
                    add("variant", index, end + 1, "{" + inner.lower() + "}")
                elif char == "[" and _top_level(inner, "|"):
                    add("alternation", index, end + 1, inner.lower())
                elif char == "[" and _EDIT.fullmatch(inner):
                    add("edit", index, end + 1, inner.lower())
                else:
                    add("group", index, end + 1, _inner_key(inner))
                index = end + 1
                continue
        index += 1
    for match in WILDCARD.finditer(text):
        add("wildcard", match.start(), match.end(), match.group().lower())
    for match in KEYWORD.finditer(text):
        add("keyword", match.start(), match.end(), match.group())
    for name in embeddings:
        if len(name) < 3:
            continue
        for match in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text, flags=re.I):
            add("embedding", match.start(), match.end(), name.lower())
    return sorted(spans, key=lambda s: s.start)


# ---------------------------------------------------------------------------------------------
# Checking and repairing


def _unmatched(text: str) -> tuple[list[int], list[int]]:
    """Positions of closing brackets without an opener, and of openers never closed (escapes skipped)."""
    closers: list[int] = []
    stack: list[int] = []
    for index, char in enumerate(text):
        if _escaped(text, index):
            continue
        if char in _OPEN:
            stack.append(index)
        elif char in _CLOSE:
            if stack and text[stack[-1]] == _CLOSE[char]:
                stack.pop()
            else:
                closers.append(index)
    return closers, stack


def problems(text: str) -> list[str]:
    """What is wrong with a prompt's syntax (empty: valid)."""
    closers, openers = _unmatched(text)
    found = [f"unmatched {text[i]!r}" for i in closers] + [f"unclosed {text[i]!r}" for i in openers]
    for match in _WEIGHTED.finditer(text):
        value = _number(match.group(2))
        if value is None:
            found.append(f"weight {match.group(2)!r} in {match.group()!r} is not a number")
        elif not WEIGHT_RANGE[0] <= value <= WEIGHT_RANGE[1]:
            found.append(f"weight {value:g} in {match.group()!r} is outside {WEIGHT_RANGE[0]}-{WEIGHT_RANGE[1]}")
    for match in NETWORK.finditer(text):
        weight = (match.group("weight") or "").strip()
        value = _number(weight) if weight else 1.0
        if value is None or not NETWORK_RANGE[0] <= value <= NETWORK_RANGE[1]:
            found.append(f"{match.group()!r} has a bad weight")
    seen: set[str] = set()
    for match in NETWORK.finditer(text):
        key = f"{match['kind'].lower()}:{match['name'].strip().lower()}"
        if key in seen:
            found.append(f"{match['kind']} {match['name']!r} appears twice")
        seen.add(key)
    return found


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def balance(text: str) -> tuple[str, list[str]]:
    """Drop brackets that have no partner."""
    closers, openers = _unmatched(text)
    drop = set(closers) | set(openers)
    if not drop:
        return text, []
    fixed = "".join(ch for i, ch in enumerate(text) if i not in drop)
    return tidy(fixed), [f"removed {len(drop)} unmatched bracket(s)"]


def clamp_weights(text: str) -> tuple[str, list[str]]:
    """Attention weights into a sane range; a weight that is not a number is dropped."""
    notes: list[str] = []

    def fix(match: re.Match) -> str:
        inner, raw = match.group(1), match.group(2)
        value = _number(raw)
        if value is None:
            notes.append(f"dropped the weight {raw!r} of {inner!r}: not a number")
            return f"({inner})"
        low, high = WEIGHT_RANGE
        if low <= value <= high:
            return match.group()
        clamped = min(high, max(low, value))
        notes.append(f"weight of {inner!r} {value:g} -> {clamped:g}")
        return f"({inner}:{clamped:g})"

    return _WEIGHTED.sub(fix, text), notes


def dedupe_networks(text: str) -> tuple[str, list[str]]:
    """Keep the first of two tags for the same LoRA (or other network)."""
    seen: set[str] = set()
    notes: list[str] = []

    def keep(match: re.Match) -> str:
        key = f"{match['kind'].lower()}:{match['name'].strip().lower()}"
        if key in seen:
            notes.append(f"removed a duplicate {match.group()}")
            return ""
        seen.add(key)
        return match.group()

    return tidy(NETWORK.sub(keep, text)), notes


def tidy(text: str) -> str:
    """Collapse the commas and spaces a removal leaves behind."""
    text = re.sub(r"[ \t]+", " ", text)
    text = re.sub(r"\s*,(\s*,)+", ",", text)
    text = re.sub(r"\s+,", ",", text)
    text = re.sub(r",(?=\S)", ", ", text)
    return text.strip(" ,\n")


def repair(text: str) -> tuple[str, list[str]]:
    """Balance brackets, clamp weights, drop duplicate LoRA tags."""
    notes: list[str] = []
    for step in (balance, clamp_weights, dedupe_networks):
        text, found = step(text)
        notes += found
    return text, notes


# ---------------------------------------------------------------------------------------------
# Guarding a refine


def targets(instruction: str, span: Span) -> tuple[bool, bool]:
    """(the instruction talks about this span, the instruction asks to remove it)."""
    said = set(words(instruction)) - _STOP
    kind_words = {"network": {"lora", "loras", "lyco", "lycoris", "hypernet", "network"},
                  "keyword": {span.key.lower()}, "wildcard": {"wildcard", "wildcards"},
                  "variant": {"variant", "variants"}, "embedding": {"embedding", "embeddings"},
                  "group": {"weight", "weights", "emphasis"}, "edit": {"editing"},
                  "alternation": {"alternation", "alternating"}}[span.kind]
    own = set(words(span.key.split(":", 1)[-1] if span.kind == "network" else span.key)) - _STOP
    own = {w for w in own if len(w) >= 3 and not w.replace(".", "").isdigit()}
    mentioned = bool(said & (kind_words | own))
    return mentioned, mentioned and bool(_REMOVE_VERBS.search(instruction))


def _terms(text: str) -> list[tuple[int, int]]:
    """(start, end) of each top-level comma-separated term."""
    bounds: list[tuple[int, int]] = []
    depth, start = 0, 0
    for index, char in enumerate(text):
        if _escaped(text, index):
            continue
        if char in "([{<":
            depth += 1
        elif char in ")]}>":
            depth = max(0, depth - 1)
        elif char == "," and depth == 0:
            bounds.append((start, index))
            start = index + 1
    bounds.append((start, len(text)))
    return [(s, e) for s, e in bounds if text[s:e].strip()]


def _anchor(original: str, span: Span) -> str:
    """The plain term just before a span in the original (where to put it back)."""
    before = [original[s:e].strip() for s, e in _terms(original[:span.start]) if original[s:e].strip()]
    return before[-1] if before else ""


def guard(original: str, answer: str, instruction: str, embeddings: list[str] | tuple[str, ...] = ()) -> Guarded:
    """Check an answer against the prompt it changed: repair syntax, keep every span the user wrote that
    the instruction did not ask to change, and say what was removed on request."""
    text, repairs = repair(answer)
    result = Guarded(text, repairs)
    new_spans = find_spans(result.text, embeddings)
    old_spans = find_spans(original, embeddings)
    for span in old_spans:
        mentioned, removal = targets(instruction, span)
        count = sum(1 for s in new_spans if s.text == span.text)
        if count >= sum(1 for s in old_spans if s.text == span.text):
            continue
        same_key = [s for s in new_spans if s.kind == span.kind and s.key == span.key and s.text != span.text]
        if mentioned and (same_key or removal):
            if not same_key:
                result.removed.append(span.text)
            continue
        if same_key:  # rewritten (another weight, another bracket form): put the user's form back
            target = same_key[0]
            result.text = result.text[:target.start] + span.text + result.text[target.end:]
            result.repairs.append(f"restored {span.text} (the model wrote {target.text})")
        else:
            loose = _bare(span)
            if loose and span.kind == "group" and re.search(rf"(?<![\w(]){re.escape(loose)}(?![\w)])", result.text):
                result.text = re.sub(rf"(?<![\w(]){re.escape(loose)}(?![\w)])", span.text.replace("\\", "\\\\"),
                                     result.text, count=1)
                result.repairs.append(f"restored {span.text} (the model dropped its brackets)")
            else:
                result.text = _insert(result.text, span.text, _anchor(original, span))
                result.repairs.append(f"restored {span.text} (the model dropped it)")
        new_spans = find_spans(result.text, embeddings)
    result.text = tidy(result.text)
    return result


def _bare(span: Span) -> str:
    """A group's text without its brackets and weight: `(red hair:1.2)` -> `red hair`."""
    inner = span.text[1:-1]
    return re.sub(r":\s*-?[\d.]+\s*$", "", inner).strip()


def _insert(text: str, piece: str, anchor: str) -> str:
    """Insert a term after the term `anchor` (at the start when there is none or it is gone)."""
    if anchor:
        for start, end in _terms(text):
            if text[start:end].strip() == anchor:
                return tidy(text[:end] + ", " + piece + text[end:])
    return tidy(piece + ", " + text) if text.strip() else piece
