"""The user's prompt syntax through a refine: find their spans, check and repair an answer, guard a refine.

Spans: extra networks `<lora:name:0.8>`, attention groups `(term:1.2)`, `(term)`, `[term]`, escaped text
`\\(artist\\)`, prompt editing `[from:to:0.5]`, alternation `[a|b]`, `BREAK`, `AND`, wildcards `__name__`,
variants `{a|b}`, and the host's textual-inversion names. Everything is read with grammar.py, A1111's grammar.
The guard keeps each span in its `AND` part and its `BREAK` chunk, with the reading A1111 gives it.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise
from typing import TYPE_CHECKING

from . import grammar
from .parse import parse_answer
from .prompt import Prompt, Span, find_spans, is_keyword, tag_terms

if TYPE_CHECKING:
    from .reading import Reading

WEIGHT_RANGE = (0.1, 2.0)  # attention weights outside this are a model's mistake
NETWORK_RANGE = (-2.0, 3.0)
_COMMAS = re.compile(r",(\s*,)+")
_COMMA = re.compile(",")


@dataclass
class Guarded:
    text: str
    repairs: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------------------------
# Checking and repairing


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _weighted(text: str) -> list[tuple[int, int, str, str]]:
    """(start, end, inner text, weight as written) of every `(inner:weight)` group."""
    out = []
    for start, end in sorted(grammar.brackets(text).pairs.items()):
        if text[start] == "(":
            inner, weight = grammar.inner(text[start:end + 1])
            if weight:
                out.append((start, end + 1, inner, weight))
    return out


def problems(text: str) -> list[str]:
    """What is wrong with a prompt's syntax (empty: valid)."""
    unmatched = grammar.brackets(text).unmatched
    found = [f"{'unclosed' if text[i] in '([{' else 'unmatched'} {text[i]!r}" for i in unmatched]
    for start, end, _, raw in _weighted(text):
        value = _number(raw)
        if value is None:
            found.append(f"weight {raw!r} in {text[start:end]!r} is not a number")
        elif not WEIGHT_RANGE[0] <= value <= WEIGHT_RANGE[1]:
            found.append(f"weight {value:g} in {text[start:end]!r} is outside {WEIGHT_RANGE[0]}-{WEIGHT_RANGE[1]}")
    seen: set[str] = set()
    for network in grammar.networks(text):
        tag = text[network.start:network.end]
        weight = network.args[1].strip() if len(network.args) > 1 and "=" not in network.args[1] else "1"
        value = _number(weight)
        if value is None or not NETWORK_RANGE[0] <= value <= NETWORK_RANGE[1]:
            found.append(f"{tag!r} has a bad weight")
        if network.key in seen:
            found.append(f"{network.kind} {network.name!r} appears twice")
        seen.add(network.key)
    if not _parses(text):
        found.append("A1111 cannot parse it (a bare '|' or a lone '\\'): all prompt editing would be ignored")
    return found


def _parses(text: str) -> bool:
    """A1111's schedule grammar takes every AND part (`{a|b}` variants are Dynamic Prompts', expanded before)."""
    braces = [(s, e) for s, e in grammar.brackets(text).pairs.items() if text[s] == "{"]
    if braces:
        inside = {i for s, e in braces for i in range(s, e)}
        text = "".join("," if ch == "|" and i in inside else ch for i, ch in enumerate(text))
    return all(grammar.tree(p.text).ok for p in grammar.parts(grammar.without_networks(text)))


def balance(text: str) -> tuple[str, list[str]]:
    """Drop brackets that have no partner (`<` and `>` are text, never brackets)."""
    drop = set(grammar.brackets(text).unmatched)
    if not drop:
        return text, []
    fixed = "".join(ch for i, ch in enumerate(text) if i not in drop)
    return tidy(fixed), [f"removed {len(drop)} unmatched bracket(s)"]


def clamp_weights(text: str) -> tuple[str, list[str]]:
    """Attention weights into a sane range; a weight that is not a number keeps the number it starts with."""
    notes: list[str] = []
    for start, end, inner, raw in reversed(_weighted(text)):
        value = _number(raw)
        if value is None:
            value = grammar.leading_number(raw)
            notes.append(f"weight {raw!r} of {inner!r} is not a number: " + (f"{value:g}" if value is not None
                                                                                 else "dropped"))
            if value is None:
                text = text[:start] + f"({inner})" + text[end:]
                continue
        low, high = WEIGHT_RANGE
        clamped = min(high, max(low, value))
        if clamped != value:
            notes.append(f"weight of {inner!r} {value:g} -> {clamped:g}")
        if clamped != value or _number(raw) is None:
            text = text[:start] + f"({inner}:{clamped:g})" + text[end:]
    return text, notes


def parseable(text: str) -> tuple[str, list[str]]:
    """A bare `|` or a lone trailing `\\` makes A1111's parser drop all editing: `|` becomes a comma."""
    if _parses(text):
        return text, []
    outside = grammar.depth_zero(text)
    fixed = "".join("," if ch == "|" and outside[i] else ch for i, ch in enumerate(text))
    fixed = grammar.without_lone_backslashes(fixed)
    return tidy(fixed), ["a bare '|' or '\\' (A1111 would ignore all prompt editing) became a comma"]


def dedupe_networks(text: str, allowed: dict[str, int] | None = None) -> tuple[str, list[str]]:
    """Keep the first tag for each LoRA (or other network); `allowed`: how many the user wrote of each."""
    seen: dict[str, int] = {}
    notes: list[str] = []
    kept, last = [], 0
    for network in grammar.networks(text):
        seen[network.key] = seen.get(network.key, 0) + 1
        kept.append(text[last:network.start])
        if seen[network.key] <= max(1, (allowed or {}).get(network.key, 1)):
            kept.append(text[network.start:network.end])
        else:
            notes.append(f"removed a duplicate {text[network.start:network.end]}")
        last = network.end
    return (tidy("".join(kept) + text[last:]), notes) if notes else (text, [])


def tidy(text: str) -> str:
    """Collapse the commas and spaces a removal leaves behind."""
    text = re.sub(r"[ \t]+", " ", text)
    text = grammar.replaced(text, grammar.spaced(_COMMAS, text), ",")  # \s*,(\s*,)+ in linear time
    text = grammar.replaced(text, grammar.spaced(_COMMA, text, least=1), ",")  # \s+,
    text = re.sub(r",(?=\S)", ", ", text)
    return text.strip(" ,\n")


def repair(text: str, allowed: dict[str, int] | None = None) -> tuple[str, list[str]]:
    """Unwrap a prompt nested as JSON, balance brackets, mend weights, make the text parse, drop duplicate
    LoRA tags (beyond `allowed`)."""
    notes: list[str] = []
    unwrapped = _unwrap_json(text)
    if unwrapped is not None and unwrapped != text:
        text = unwrapped
        notes.append("the prompt was a JSON object: its own prompt was used")
    for step in (balance, clamp_weights, parseable):
        text, found = step(text)
        notes += found
    text, found = dedupe_networks(text, allowed)
    return text, notes + found


# ---------------------------------------------------------------------------------------------------------------
# Guarding a refine


@dataclass
class _Slot:
    """One BREAK chunk of one AND part of the original: where its text is, and the terms poured into it."""

    start: int  # without its edge commas and spaces
    end: int
    terms: list[str] = field(default_factory=list)


def _slots(original: Prompt) -> list[_Slot]:
    return [_Slot(chunk.start, chunk.end) for chunk in original.chunks()]


def _unwrap_json(answer: str) -> str | None:
    """The prompt inside a JSON object a model put in the prompt field; None when there is none."""
    if "{" not in answer or '"' not in answer:
        return answer
    data = parse_answer(answer).data
    if data is None:
        return answer
    prompt = data.get("prompt")
    return _unwrap_json(prompt) if isinstance(prompt, str) else None


def _user_form(term: str, spans: list[Span], reading: Reading, notes: list[str]) -> str:
    """Put the user's form back for each span the model rewrote, re-wrapped or wrapped in a new group."""
    forms = {s.text for s in spans}
    new = [f for f in find_spans(term) if f.text not in forms]
    for span in spans:
        if span.kind in ("keyword", "embedding", "wildcard"):
            continue
        for found in new:
            same = found.key == span.key and (found.kind == span.kind or {found.kind, span.kind} <= {"group",
                                                                                                     "literal"})
            if same and found.text != span.text and not reading.names(span):
                notes.append(f"restored {span.text} (the model wrote {found.text})")
                return _user_form(term[:found.start] + span.text + term[found.end:], spans, reading, notes)
    for found in new:  # a new group around a user's span: keep the span, drop the new brackets
        if found.kind == "group":
            inside = [s for s in spans if s.kind != "keyword" and s.text in found.text]
            if inside:
                bare = grammar.inner(found.text)[0].strip()
                notes.append(f"kept {inside[0].text} as you wrote it (the model wrapped it in {found.text})")
                return _user_form(term[:found.start] + bare + term[found.end:], spans, reading, notes)
    return term


def _bare(span: Span) -> str:
    """A group's or escaped text's words without the brackets, as plain text; empty for other spans."""
    if span.kind not in ("group", "literal"):
        return ""
    bare = grammar.inner(span.text)[0] if span.kind == "group" else span.text
    return grammar.plain(bare).strip().lower()


def guard(original: str, answer: str, reading: Reading, embeddings: list[str] | tuple[str, ...] = ()) -> Guarded:
    """Check an answer against the prompt it changed: repair its syntax, and keep every span the user wrote
    that the reading of the instruction does not name, in its AND part and BREAK chunk, read by A1111 as before."""
    unwrapped = _unwrap_json(answer)
    if unwrapped is None:
        return Guarded(original, ["kept your prompt: the answer's prompt was a JSON object without a prompt"])
    parsed = reading.parse_of(original)  # the user's prompt as the reading parsed it
    spans = [s for s in parsed.spans(embeddings) if s.kind != "keyword"]
    keys = [n.key for n in grammar.networks(original)]
    text, repairs = repair(unwrapped, {key: keys.count(key) for key in keys})
    result = Guarded(text, ["the prompt was a JSON object: its own prompt was used"] * (unwrapped != answer) + repairs)
    text = _unasked_networks(text, set(keys), reading, result)
    asked = reading.structure  # the user asks about the AND/BREAK structure
    structure = asked or len(grammar.keywords(original, "AND")) != len(grammar.parts(original)) - 1  # AND in ()
    lowered = "BREAK" in original and not re.search(r"\bbreak\b", original)  # a `break` the model made of it
    terms = [_user_form(t, spans, reading, result.repairs) for t in Prompt.parse(text).flat(asked, lowered)]
    terms = _no_copies([piece for t in terms for piece in tag_terms(t)], spans, result)
    missing = _put_back(terms, spans, reading, result)
    result.text = _no_empty_chunks(terms) if structure else _rebuild(parsed, terms, missing, spans, text)
    if problems(result.text) and not problems(original):
        fixed, notes = repair(result.text, {key: keys.count(key) for key in keys})
        result.text, result.repairs = fixed, result.repairs + notes
    if not asked and _layout(result.text) != _layout(original):
        result.repairs.append("kept your prompt: the answer changed its AND parts in a way that cannot be undone")
        result.text = original
    return result


def _unasked_networks(text: str, keys: set[str], reading: Reading, result: Guarded) -> str:
    """Extra networks the user did not write are dropped, unless the instruction asks to add one."""
    if reading.adds_network:
        return text
    for network in reversed(grammar.networks(text)):
        if network.key not in keys:
            result.repairs.append(f"removed {text[network.start:network.end]} (not asked for)")
            text = tidy(text[:network.start] + text[network.end:])
    return text


def _no_copies(terms: list[str], spans: list[Span], result: Guarded) -> list[str]:
    """Copies of the user's spans beyond what they wrote are dropped."""
    wanted = Counter(span.text for span in spans)
    kept: list[str] = []
    for term in terms:
        if term in wanted:
            if wanted[term] <= 0:
                result.repairs.append(f"removed a second copy of {term}")
                continue
            wanted[term] -= 1
        kept.append(term)
    return kept


def _put_back(terms: list[str], spans: list[Span], reading: Reading, result: Guarded) -> list[Span]:
    """Re-wrap the user's spans the model unwrapped (in `terms`); return those it dropped, to be put back in
    their chunks. A span the instruction names may go (removal) or change (anything but a network); one that says
    what the instruction changes (`may go`) may go."""
    missing: list[Span] = []
    plain_terms = ["" if find_spans(t) else grammar.plain(t).strip().lower() for t in terms]  # syntax-free terms
    joined = "\0".join(terms)  # a span never holds a NUL (input is cleaned of control characters)
    have = {text: joined.count(text) for text in {span.text for span in spans}}
    for span in spans:
        if have[span.text] > 0:
            have[span.text] -= 1
            continue
        mentioned, removal = reading.names(span), reading.removes(span)
        bare = _bare(span)
        loose = next((i for i, term in enumerate(plain_terms) if bare and term == bare), None)
        if mentioned and removal:
            if loose is None:
                result.removed.append(span.text)
            continue
        if reading.spans.get(span.text) == "may go":  # a LoRA of the old look, under a new one: the model's call
            continue
        if mentioned and (span.kind != "network" or any(
                n.key == span.key for term in terms for n in grammar.networks(term))):
            continue
        if loose is not None:
            terms[loose], plain_terms[loose] = span.text, ""
            result.repairs.append(f"restored {span.text} (the model dropped its brackets)")
        else:
            missing.append(span)
            result.repairs.append(f"restored {span.text} (the model dropped it)")
    return missing


def _layout(text: str) -> list[float]:
    """The AND parts' weights as A1111 reads them."""
    return [part.weight for part in grammar.parts(grammar.without_networks(text))]


def _no_empty_chunks(terms: list[str]) -> str:
    """The answer's own AND/BREAK layout, without a keyword at either end or twice in a row."""
    kept: list[str] = []
    for term in terms:
        if is_keyword(term) and (not kept or is_keyword(kept[-1])):
            continue
        kept.append(term)
    while kept and is_keyword(kept[-1]):
        kept.pop()
    return tidy(", ".join(kept))


def _rebuild(parsed: Prompt, terms: list[str], missing: list[Span], spans: list[Span], answer: str = "") -> str:
    """The answer's terms poured into the original's AND parts and BREAK chunks: a term the user wrote (or that
    holds one of their spans) goes back to its chunk; a new one stays in the answer's own chunk when the answer
    has the original's layout, else it follows the term before it."""
    original = parsed.text
    slots = _slots(parsed)
    if not slots:
        return tidy(", ".join(terms))
    theirs: dict[str, list[int]] = {}
    answer_slots = _slots(Prompt.parse(answer)) if answer else []
    if len(answer_slots) == len(slots):
        for index, slot in enumerate(answer_slots):
            for term in tag_terms(answer[slot.start:slot.end]):
                theirs.setdefault(term, []).append(index)

    starts = [s.start for s in slots]  # ascending, and the slots are apart (a keyword between each two)

    def slot_of(position: int) -> _Slot:
        near = slots[bisect_right(starts, position) - 1]
        return near if near.start <= position <= near.end else slots[-1]

    owners: dict[str, list[_Slot]] = {}
    for slot in slots:
        for term in tag_terms(original[slot.start:slot.end]):
            owners.setdefault(term, []).append(slot)
    terms = [piece for term in terms for piece in _split_across(term, spans, slot_of)]
    homes: list[_Slot | None] = []
    for term in terms:
        if owners.get(term):
            homes.append(owners[term].pop(0))
            continue
        inside = next((s for s in spans if s.text in term), None)
        homes.append(slot_of(inside.start) if inside else slots[theirs[term].pop(0)] if theirs.get(term) else None)
    first = next((h for h in homes if h is not None), next(s for s in slots if s.end > s.start) if any(
        s.end > s.start for s in slots) else slots[0])
    current = first
    for term, home in zip(terms, homes, strict=True):
        current = home or current
        current.terms.append(term)
    outside = grammar.depth_zero(original)  # keywords and spans lie outside every pair: a slot's prefix reads alike
    commas = [i for i, char in enumerate(original) if char == "," and outside[i]]
    for start, text in _together(original, missing):  # `<lora:a:0.6> <lora:b:0.5>` written as one term: so back
        home = slot_of(start)
        home.terms.insert(_anchor(original, commas, home, start), text)
    out, last = [], 0
    for slot in slots:
        out.append(original[last:slot.start])
        piece = ", ".join(slot.terms)
        if piece and slot.start == slot.end:  # an empty chunk of the user's now holds terms
            piece = f" {piece} "
        out.append(piece)
        last = slot.end
    out.append(original[last:])
    return _clean_edges("".join(out))


def _together(original: str, missing: list[Span]) -> list[tuple[int, str]]:
    """The dropped spans as they were written: those with only spaces between them (`<lora:a:0.6> <lora:b:0.5>`)
    one term, as the user had them; each with where it started."""
    runs: list[list[Span]] = []
    for span in sorted(missing, key=lambda s: s.start):
        if runs and not original[runs[-1][-1].end:span.start].strip():
            runs[-1].append(span)
        else:
            runs.append([span])
    return [(run[0].start, original[run[0].start:run[-1].end]) for run in runs]


def _anchor(original: str, commas: list[int], home: _Slot, position: int) -> int:
    """Where a dropped span goes back among its chunk's terms: after the nearest term before it that the chunk
    still holds, else first. `commas`: the original's top-level commas."""
    end = position
    for comma in reversed(commas[bisect_left(commas, home.start):bisect_left(commas, position)]):
        term = original[comma + 1:end].strip()
        if term and term in home.terms:
            return home.terms.index(term) + 1
        end = comma
    term = original[home.start:end].strip()
    return home.terms.index(term) + 1 if term and term in home.terms else 0


def _split_across(term: str, spans: list[Span], slot_of) -> list[str]:
    """A term holding the user's spans from different chunks or parts (a lost BREAK or AND) is cut after the
    last span of one before the first span of the next."""
    pieces = []
    while cut := _first_cut(term, spans, slot_of):
        pieces.append(term[:cut].strip())
        term = term[cut:].strip()
    return [*pieces, term]


def _first_cut(term: str, spans: list[Span], slot_of) -> int:
    """Where `_split_across` cuts a term first (0: nowhere)."""
    at_text = {text: term.find(text) for text in {s.text for s in spans if s.kind != "embedding"}}
    found = sorted(((at_text[s.text], s) for s in spans if s.kind != "embedding" and at_text[s.text] >= 0),
                   key=lambda item: item[0])
    for (_, before), (at, after) in pairwise(found):
        if slot_of(before.start) is not slot_of(after.start):
            cut = at_text[before.text] + len(before.text)
            if cut <= at:
                return cut
    return 0


def no_new_edges(text: str, original: str) -> str:
    """No BREAK at an end of the prompt, or twice in a row, where the user had none: the empty chunk an
    edit leaves when it removes all a chunk held."""
    def edges(value: str) -> tuple[bool, bool, bool]:
        stripped = value.strip(" ,\n")
        return (stripped.startswith("BREAK"), stripped.endswith("BREAK"),
                re.search(r"\bBREAK\s*,?\s*BREAK\b", value) is not None)

    had = edges(original)
    now = edges(text)
    if now[0] and not had[0]:
        text = re.sub(r"^[\s,]*BREAK\b[\s,]*", "", text)
    if now[1] and not had[1]:
        text = re.sub(r"[\s,]*\bBREAK[\s,]*$", "", text)
    if now[2] and not had[2]:
        text = re.sub(r"\bBREAK(\s*,?\s*BREAK\b)+", "BREAK", text)
    return text


def _clean_edges(text: str) -> str:
    """Spaces collapsed and no empty term left between commas; the user's keywords and weights stay."""
    text = re.sub(r"[ \t]+", " ", text)
    text = re.sub(r",(\s*,)+", ",", text)
    return text.strip(" ,\n")
