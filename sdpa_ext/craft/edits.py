"""Applying an edit (craft/intent.py) to the structured prompt (craft/structure.py): values set inside the
user's phrases, removals and replacements of phrases, colours, a new setting, weights, additions before the
quality tags (or as sentences for Flux/SD3), negations into the negative prompt, and sizes. The user's syntax
is never rewritten unless the instruction names it (a LoRA's weight, a LoRA removed)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import grammar
from .checks import joined, pieces, terms
from .families import Family
from .grammar import brackets, inner
from .lexicon import lexicon, words_of
from .params import aspect_size
from .reading import Edit, Reading, negatable
from .structure import (
    modify,
    names,
    read_term,
    recolour,
    replace_in,
    says_something,
    subject_heads,
    without_clash,
    without_phrase,
    without_slot,
)
from .syntax import find_spans, tidy


@dataclass
class Applied:
    prompt: str
    negative: str
    params: dict
    changes: list[str]
    notes: list[str]


def _each(parts: list[list[str]], change) -> bool:
    """Apply `change(text) -> new text | None` to every piece; True when any changed."""
    hit = False
    for clauses in parts:
        for index, text in enumerate(clauses):
            if not text.strip():
                continue
            new = change(text)
            if new is not None and new != text:
                clauses[index] = new
                hit = True
    return hit


def _reweight(term: str, delta: float) -> str:
    term = term.strip()
    whole = term.startswith("(") and brackets(term).pairs.get(0) == len(term) - 1
    body, said = inner(term) if whole else (term, "")
    weight = float(said) if said else 1.1 if whole else 1.0
    new = round(min(1.5, max(0.5, weight + delta)), 2)
    return body if new == 1.0 else f"({body}:{new:g})"


def _network_weight(text: str, named: str, number: float, absolute: bool) -> str | None:
    """The weight of the network `named` (its tag as the user wrote it) set to `number`, or moved by it."""
    changed = text
    for network in reversed(grammar.networks(text)):
        if text[network.start:network.end] != named:
            continue
        args = list(network.args)
        weight = float(args[1]) if len(args) > 1 and re.fullmatch(r"[-+]?\d*\.?\d+", args[1].strip()) else 1.0
        args[1:2] = [f"{round(min(2.0, max(0.0, number if absolute else weight + number)), 2):g}"]
        changed = f"{changed[:network.start]}<{network.kind}:{':'.join(args)}>{changed[network.end:]}"
    return changed if changed != text else None


def _quality_cut(items: list[str], family: Family) -> int:
    quality = {q.lower() for q in family.quality}
    cut = len(items)
    while cut > 0 and items[cut - 1].lower() in quality:
        cut -= 1
    return cut


def _without_spans(text: str, reading: Reading) -> str | None:
    """The term without the user's syntax the reading removes (`remove the detail lora`)."""
    spans = [s for s in find_spans(text) if reading.spans.get(s.text) == "remove"]
    for span in reversed(spans):
        text = tidy(text[:span.start] + text[span.end:])
    return text if spans else None


def _removal(thing: str, subject: list[str]):
    """`remove X` on one term; `people` names every person but the prompt's subject."""
    people = set(lexicon().people["any_person"])
    heads = people - set(subject) if set(words_of(thing)) & people else set()

    def change(text: str) -> str | None:
        return None if read_term(text).syntax else without_phrase(text, thing, heads)
    return change


def _subject_phrase(parts: list[list[str]]) -> str:
    """The body of the prompt's first subject phrase (what `make it a cat instead` replaces)."""
    flat = [c for clauses in parts for c in clauses if c.strip()]
    heads = subject_heads(flat)
    for text in flat:
        for phrase in read_term(text).phrases:
            if heads and phrase.head == heads[0]:
                return re.sub(r"^(?:a|an|the|some)\s+", "", phrase.body, flags=re.I)
    return ""


def _relocate(parts: list[list[str]], place: str) -> bool:
    """A new setting: the old setting's phrases go; the new one takes the first one's place (`portrait of a
    woman in a field` -> `... on a beach`), or follows the subject when there was none; False: add it."""
    flat = [(i, j) for i, clauses in enumerate(parts) for j, c in enumerate(clauses) if c.strip()]
    prep = "on" if re.match(r"^(?:beach|shore|street|road|mountain|hill|island|roof|stage)", place) else "in"
    placed = False
    for i, j in flat:
        text = parts[i][j]
        term = read_term(text)
        settings = [p for p in term.phrases if p.slot == "setting"]
        if not settings or term.syntax:
            continue
        if not placed and any(p.slot in ("subject", "framing") for p in term.phrases) and settings[0].prep:
            first = settings[0]
            text = f"{text[:first.start]} {prep} {_articled(place)}{text[first.end:]}"
            placed = True
            for phrase in reversed(settings[1:]):
                text = text[:phrase.start] + text[phrase.end:]
            parts[i][j] = tidy(text)
        else:
            parts[i][j] = without_slot(text, "setting")
    for i, j in flat if not placed else ():
        term = read_term(parts[i][j])
        if any(p.slot == "subject" for p in term.phrases) and not term.syntax and len(term.text.split()) > 1:
            parts[i][j] = f"{parts[i][j].rstrip(' .')} {prep} {_articled(place)}"
            return True
    return placed


def _articled(place: str) -> str:
    if re.match(r"^(?:a|an|the|some)\s", place) or place.endswith("s") or (" " not in place and place in (
            "paris", "tokyo", "london", "space", "mars", "heaven", "hell")):
        return place
    return ("an " if place[:1] in "aeiou" else "a ") + place


def apply_edit(prompt: str, negative: str, params: dict, reading: Reading, family: Family) -> Applied:
    """Apply a reading's edit to the current fields; every change is listed."""
    edit = reading.edit
    changes: list[str] = []
    notes: list[str] = list(reading.notes)
    parts = pieces(prompt, family)
    removed = [text for text, op in reading.spans.items() if op == "remove"]
    if removed and _each(parts, lambda text: _without_spans(text, reading)):
        changes += [f"removed {text}" for text in removed]
    for value in edit.set:
        if _each(parts, lambda text, v=value: None if read_term(text).syntax else without_clash(
                text, {v.group: {v.name}})):
            changes.append(f"took out what contradicts {value.name}")
    subject = subject_heads([c for clauses in parts for c in clauses if c.strip()])
    for thing in edit.remove:
        if _each(parts, _removal(thing, subject)):
            changes.append(f"removed {thing}")
            if thing not in edit.negative and negatable(thing):
                edit.negative.append(thing)  # `get rid of the freckles`: kept out, as SD users do
        elif thing not in edit.negative:
            notes.append(f"no {thing} in the prompt to remove")
    _replace(parts, edit, changes, notes)
    for noun, colour in edit.recolour:
        if _each(parts, lambda text, n=noun, c=colour: recolour(text, n, c)):
            changes.append(f"{noun}: {colour}")
        else:
            edit.add.append(f"{colour} {noun}")
            edit.sentences.append(f"With {colour} {noun}.")
    for noun, word in edit.adjust:
        noun = noun or (subject[0] if subject else "")
        if noun and _each(parts, lambda text, n=noun, w=word: modify(text, n, w)):
            changes.append(f"{noun}: {word}")
        elif noun:
            notes.append(f"no {noun} in the prompt to make {word}")
    for place in edit.relocate:
        if _relocate(parts, place):
            changes.append(f"moved to {place}")
            edit.add[:] = [a for a in edit.add if a != place]
            edit.sentences[:] = [s for s in edit.sentences if s.lower() != f"in {place}."]
        else:
            edit.add.append(place)
    _weigh(parts, edit, family, changes, notes)
    prompt = _joined(parts, edit, family, changes)
    negative = _negative(negative, edit, family, changes)
    params = dict(params)
    if edit.size:
        size = aspect_size(family, edit.size)
        if (params.get("width"), params.get("height")) != (size["width"], size["height"]):
            params.update(size)
            changes.append(f"size {size['width']}x{size['height']}")
        else:
            notes.append(f"already {size['width']}x{size['height']}")
    return Applied(prompt, negative, params, changes, notes)


def _replace(parts: list[list[str]], edit: Edit, changes: list[str], notes: list[str]) -> None:
    """The edit's A -> B changes inside the phrases; `''` -> B replaces the subject; a B without its A is added."""
    for old, new in edit.replace:
        old = old or _subject_phrase(parts)
        if old and _each(parts, lambda text, o=old, n=new: None if read_term(text).syntax else replace_in(text, o, n)):
            changes.append(f"{old} -> {new}")
        else:
            notes.append(f"no {old or 'subject'} in the prompt: added {new}")
            edit.add.append(new)
            edit.sentences.append(f"With {new}.")


def _weigh(parts: list[list[str]], edit: Edit, family: Family, changes: list[str], notes: list[str]) -> None:
    """The edit's network weights, then its more X / less X: a term's weight where the family takes them, else
    the thing added (more) or taken out (less)."""
    for named, number, absolute in edit.network_weight:
        if _each(parts, lambda text, n=named, v=number, a=absolute: _network_weight(text, n, v, a)):
            said = f"weight {number:g}" if absolute else "stronger" if number > 0 else "weaker"
            changes.append(f"{named}: {said}")
    sentences = family.style == "sentences"
    for phrase, delta in edit.weight:
        hits = [(i, j) for i, clauses in enumerate(parts) for j, c in enumerate(clauses) if c and names(c, phrase)]
        if hits and family.weights and not sentences:
            i, j = hits[0]
            parts[i][j] = _reweight(parts[i][j], delta)
            changes.append(f"{'more' if delta > 0 else 'less'} {phrase}: {parts[i][j]}")
        elif delta > 0:
            edit.add.append(phrase)
            edit.sentences.append(f"With more {phrase}.")
        elif hits:
            for i, j in hits:
                parts[i][j] = without_phrase(parts[i][j], phrase) or ""
            changes.append(f"removed {phrase}")
        else:
            notes.append(f"no {phrase} in the prompt to reduce")


def _joined(parts: list[list[str]], edit: Edit, family: Family, changes: list[str]) -> str:
    """The prompt again from its pieces, with the edit's additions (sentences appended, tags before the
    quality terms)."""
    if family.style == "sentences":
        text = joined(parts, family)
        new = [s for s, tag in zip(edit.sentences, edit.add, strict=False) if not names(text, tag)]
        new += [s for s in edit.sentences[len(edit.add):] if s not in text]
        changes += [f"added {s}" for s in dict.fromkeys(new)]
        if new and text and text[-1] not in ".!?":  # the writer's last phrase had no full stop
            text += "."
        return " ".join([text, *dict.fromkeys(new)]).strip()
    items = [c[0] for c in parts if c and c[0].strip() and (read_term(c[0]).syntax or says_something(c[0]))]
    added = [t for t in dict.fromkeys(edit.add) if not any(names(item, t) for item in items)]
    cut = _quality_cut(items, family)
    changes += [f"added {t}" for t in added]
    return tidy(", ".join([*items[:cut], *added, *items[cut:]]))


def _negative(negative: str, edit: Edit, family: Family, changes: list[str]) -> str:
    if not edit.negative or not family.negative_allowed:
        return negative
    have = terms(negative)
    new = [n for n in edit.negative if not any(names(h, n) for h in have)]
    if new:
        changes.append(f"negative prompt: added {', '.join(new)}")
    return tidy(", ".join([*have, *new]))
