"""Refines that need no model: the chips (darker, brighter, more detail, simpler, cinematic, photo,
anime, square) and the common forms ("make it X", "more/less X", "add X", "remove X", "no X",
"X format", "change A to B"), read from the instruction and applied as edits from our data. The
user's syntax is never rewritten: an edit works on plain terms (or clauses, for Flux/SD3)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .checks import COMPARATIVES, base_forms, drop_contradictions, has_word, stem, terms
from .describe import ARTICLES, words_of
from .families import Family
from .grammar import brackets, inner, plain
from .params import aspect_size
from .syntax import find_spans, targets, tidy
from .vocab import Value, phrase_pattern, vocab

_CHIP_WORDS = {
    "darker": "darker", "dark": "darker", "moodier": "darker", "brighter": "brighter", "bright": "brighter",
    "lighter": "brighter", "more detail": "more detail", "more details": "more detail", "detailed": "more detail",
    "more detailed": "more detail", "simpler": "simpler", "simple": "simpler", "minimal": "simpler",
    "minimalist": "simpler", "less detail": "simpler", "less detailed": "simpler", "cinematic": "cinematic",
    "more cinematic": "cinematic", "photo": "photo", "a photo": "photo", "photograph": "photo",
    "a photograph": "photo", "photographic": "photo", "photorealistic": "photo", "realistic": "photo",
    "anime": "anime", "anime style": "anime", "manga": "anime", "square": "square",
}
_LEAD = re.compile(r"^(?:please\s+|can you\s+|could you\s+|now\s+|just\s+)+", re.I)
_PATTERNS = [
    ("replace", re.compile(r"^(?:change|turn|switch|transform)\s+(?:the\s+)?(?P<a>.+?)\s+(?:to|into)\s+"
                           r"(?:an?\s+|the\s+)?(?P<b>.+)$")),
    ("replace", re.compile(r"^replace\s+(?:the\s+)?(?P<a>.+?)\s+with\s+(?:an?\s+|the\s+)?(?P<b>.+)$")),
    ("replace", re.compile(r"^swap\s+(?:the\s+)?(?P<a>.+?)\s+for\s+(?:an?\s+|the\s+)?(?P<b>.+)$")),
    ("replace", re.compile(r"^(?:an?\s+|the\s+)?(?P<b>.+?)\s+instead of\s+(?:an?\s+|the\s+)?(?P<a>.+)$")),
    ("more", re.compile(r"^(?:make|turn) (?:it|this|the (?:image|picture|scene|prompt)) (?:a (?:bit|lot) )?more\s+"
                        r"(?P<x>.+)$")),
    ("less", re.compile(r"^(?:make|turn) (?:it|this|the (?:image|picture|scene|prompt)) (?:a (?:bit|lot) )?less\s+"
                        r"(?P<x>.+)$")),
    ("make", re.compile(r"^(?:make|let) (?:him|her|them) (?P<x>.+)$")),
    ("make", re.compile(r"^(?:make|turn|set|render|change) (?:it|this|the (?:image|picture|scene|prompt))\s+"
                        r"(?:into\s+|to\s+|at\s+|in\s+|as\s+|look\s+)?(?P<x>.+)$")),
    ("size", re.compile(r"^(?:in\s+)?(?:an?\s+)?(?P<x>[\w:]+)\s+(?:format|aspect(?: ratio)?|orientation|ratio)$")),
    ("more", re.compile(r"^(?:(?:a (?:bit|lot) )?more|increase|boost|emphasi[sz]e|stronger)\s+(?:the\s+)?(?P<x>.+)$")),
    ("less", re.compile(r"^(?:(?:a (?:bit|lot) )?less|fewer|reduce|decrease|tone down|weaker)\s+(?:the\s+)?"
                        r"(?P<x>.+)$")),
    ("add", re.compile(r"^(?:add|include|put in|insert|give it|with)\s+(?:an?\s+|the\s+|some\s+)?(?P<x>.+)$")),
    ("no", re.compile(r"^(?:no more|no|without)\s+(?:the\s+|any\s+)?(?P<x>.+)$")),
    ("remove", re.compile(r"^(?:remove|delete|drop|get rid of|take out|erase|lose)\s+(?:the\s+|any\s+|all\s+)?"
                          r"(?P<x>.+)$")),
    ("make", re.compile(r"^(?:at|in|during|under)\s+(?:the\s+|a\s+)?(?P<x>.+)$")),
]
_RATIO = re.compile(r"^(\d+)\s*[:x/]\s*(\d+)$")
_MAX_WORDS = 6


@dataclass
class Edit:
    """What an instruction asks, in our terms."""

    add: list[str] = field(default_factory=list)  # tags
    sentences: list[str] = field(default_factory=list)  # the same additions as prose (Flux/SD3)
    remove: list[str] = field(default_factory=list)
    negative: list[str] = field(default_factory=list)
    replace: list[tuple[str, str]] = field(default_factory=list)
    set: list[Value] = field(default_factory=list)  # conflict-group values: what contradicts them goes
    weight: list[tuple[str, float]] = field(default_factory=list)
    size: tuple[int, int] | None = None

    def merge(self, other: Edit) -> Edit:
        """This edit and then `other` (whose size, if any, wins)."""
        for name in ("add", "sentences", "remove", "negative", "replace", "set", "weight"):
            getattr(self, name).extend(getattr(other, name))
        self.size = other.size or self.size
        return self

    def empty(self) -> bool:
        return self == Edit()


@dataclass
class Applied:
    prompt: str
    negative: str
    params: dict
    changes: list[str]
    notes: list[str]


def _value(text: str) -> Value | None:
    said = text.lower().strip()
    for group in vocab().groups.values():
        for value in group.values():
            if value.tags and said in value.words:
                return value
    return None


def _chip(edit: Edit, name: str) -> None:
    chip = vocab().chips[name]
    if "size" in chip:
        edit.size = tuple(chip["size"])
        return
    edit.add += chip["add"]
    edit.sentences.append(chip["sentence"])
    for group, value in chip.get("set", {}).items():
        edit.set.append(vocab().groups[group][value])


def _set(edit: Edit, value: Value) -> None:
    if value.group in ("brightness", "detail"):  # the chips say these better
        chips = {"dark": "darker", "bright": "brighter", "detailed": "more detail", "simple": "simpler"}
        _chip(edit, chips[value.name])
        return
    edit.set.append(value)
    edit.add += list(value.tags)
    edit.sentences.append(value.sentence or f"{', '.join(value.tags).capitalize()}.")


def _size(x: str) -> tuple[int, int] | None:
    ratio = _RATIO.match(x)
    if ratio and int(ratio.group(1)) and int(ratio.group(2)):
        return int(ratio.group(1)), int(ratio.group(2))
    return vocab().sizes.get(x)


def _make(edit: Edit, x: str, *, loose: bool) -> bool:
    """`make it X`: a chip, a size, a conflict-group value, or (loose) the user's own words."""
    x = re.sub(r"^(?:(?:look|feel|seem)\s+)?(?:like\s+)?(?:(?:at|in|on|during|under)\s+)?(?:(?:a|an|the)\s+)?", "",
               x).strip()
    if not x:
        return False
    if x in _CHIP_WORDS:
        _chip(edit, _CHIP_WORDS[x])
        return True
    if _size(x):
        edit.size = _size(x)
        return True
    value = _value(x) or _value(_plainer(x))
    if value:
        _set(edit, value)
        return True
    if loose and 0 < len(x.split()) <= 3:
        edit.add.append(x)
        edit.sentences.append(f"{x[:1].upper()}{x[1:]}.")
        return True
    return False


def _plainer(x: str) -> str:
    """`cozier feeling` -> `cozy`, `more hopeful look` -> `hopeful`: a value word under its wrapping."""
    x = re.sub(r"\s+(?:feeling|feel|look|vibe|mood|atmosphere|touch|style|tone|tones)$", "", x.strip())
    forms = base_forms(x, COMPARATIVES) if " " not in x else []
    return forms[0] if forms else x


def _part(edit: Edit, part: str) -> bool:
    """Read one clause of an instruction into `edit`; False when it is free-form."""
    text = _LEAD.sub("", part.strip().lower()).strip(" .!?")
    if not text:
        return True
    if text in _CHIP_WORDS:
        _chip(edit, _CHIP_WORDS[text])
        return True
    for kind, pattern in _PATTERNS:
        match = pattern.match(text)
        if not match:
            continue
        if kind == "replace":
            a, b = match.group("a"), match.group("b")
            if a in ("it", "this", "the image", "the scene", "the picture"):
                return _make(edit, b, loose=False)
            edit.replace.append((a, b))
            return len(a.split()) <= _MAX_WORDS and len(b.split()) <= _MAX_WORDS
        x = match.group("x").strip()
        if len(x.split()) > _MAX_WORDS:
            return False
        if kind == "make":
            return _make(edit, x, loose=pattern.pattern.startswith("^(?:make"))
        if kind == "size":
            edit.size = _size(x)
            return edit.size is not None
        if kind in ("more", "less"):
            if f"{kind} {x}" in _CHIP_WORDS:
                _chip(edit, _CHIP_WORDS[f"{kind} {x}"])
            elif kind == "less" and _value(x) and _value(x).group in ("brightness", "detail"):
                other = {"dark": "brighter", "bright": "darker", "detailed": "simpler", "simple": "more detail"}
                _chip(edit, other[_value(x).name])
            elif kind == "more" and getattr(_value(_plainer(x)), "group", "") in ("mood", "color"):
                _set(edit, _value(_plainer(x)))  # `more hopeful`: a mood, and what contradicts it goes
            else:
                edit.weight.append((x, 0.1 if kind == "more" else -0.2))
            return True
        if kind == "add":
            if text.startswith("give it") and _make(edit, x, loose=False):  # `give it a cozier feeling`
                return True
            edit.add.append(x)
            edit.sentences.append(f"With {x}.")
            return True
        edit.remove.append(x)
        if kind == "no":
            edit.negative.append(x)
        return True
    return _make(edit, text, loose=False)


def read_parts(instruction: str) -> tuple[Edit, list[str]]:
    """The edit the common forms of an instruction ask for, and the parts that are free-form."""
    edit, rest = Edit(), []
    parts = re.split(r"\s*(?:,|;|\band then\b|\bthen\b|\band\b(?!\s+(?:white|blue|gold|black)\b))\s*",
                     instruction.strip())
    for part in (p for p in parts if p.strip()):
        mine = Edit()
        if _part(mine, part):
            edit.merge(mine)
        else:
            rest.append(part)
    return edit, rest


def read_edit(instruction: str) -> Edit | None:
    """The edit an instruction asks for, or None when it needs a model (free-form)."""
    edit, rest = read_parts(instruction)
    return None if rest else edit


# ---------------------------------------------------------------------------------------------
# Applying an edit


def _content(text: str) -> set[str]:
    return {stem(w) for w in words_of(plain(text))} - {stem(a) for a in ARTICLES}


def _named(term: str, phrase: str) -> bool:
    want = _content(phrase)
    return bool(want) and want <= _content(term)


def _removable(term: str, instruction: str, embeddings: list[str]) -> bool:
    """A term with the user's syntax goes only when the instruction names that span."""
    spans = find_spans(term, embeddings)
    return all(targets(instruction, span)[1] for span in spans if span.kind == "network") if spans else True


def _reweight(term: str, delta: float) -> str:
    term = term.strip()
    whole = term.startswith("(") and brackets(term).pairs.get(0) == len(term) - 1
    body, said = inner(term) if whole else (term, "")
    weight = float(said) if said else 1.1 if whole else 1.0
    new = round(min(1.5, max(0.5, weight + delta)), 2)
    return body if new == 1.0 else f"({body}:{new:g})"


def _quality_cut(items: list[str], family: Family) -> int:
    quality = {q.lower() for q in family.quality}
    cut = len(items)
    while cut > 0 and items[cut - 1].lower() in quality:
        cut -= 1
    return cut


def _drop_words(clause: str, phrase: str) -> str:
    body = phrase_pattern([phrase]).pattern
    return tidy(re.sub(rf"\b(?:(?:a|an|the|some)\s+)?(?:[\w-]+\s+)?{body}", "", clause, flags=re.I))


def apply_edit(prompt: str, negative: str, params: dict, edit: Edit, family: Family, instruction: str,
               embeddings: list[str]) -> Applied:
    """Apply an edit to the current fields; every change is listed."""
    changes: list[str] = []
    notes: list[str] = []
    sentences = family.style == "sentences"
    for value in edit.set:
        before = prompt
        prompt = drop_contradictions(prompt, {value.group: {value.name}}, family, notes,
                                     keep=_keep_words(prompt, value))
        if prompt != before:
            changes.append(f"took out what contradicts {value.name}")
    items = terms(prompt) if not sentences else [prompt]
    _remove(items, edit, sentences, instruction, embeddings, changes, notes)
    _replace(items, edit, changes, notes)
    _weigh(items, edit, family, sentences, changes, notes)
    prompt = _joined([i for i in items if i.strip()], edit, family, sentences, changes)
    negative = _negative(negative, edit, family, changes)
    params = dict(params)
    if edit.size:
        size = aspect_size(family, edit.size)
        if (params.get("width"), params.get("height")) != (size["width"], size["height"]):
            params.update(size)
            changes.append(f"size {size['width']}x{size['height']}")
    return Applied(prompt, negative, params, changes, notes)


def _remove(items: list[str], edit: Edit, sentences: bool, instruction: str, embeddings: list[str],
            changes: list[str], notes: list[str]) -> None:
    """The edit's removals, in `items` (terms, or the one sentence text)."""
    for phrase in edit.remove:
        found = False
        for index, item in enumerate(items):
            if sentences:
                if has_word(phrase.split()[-1], set(words_of(item))):
                    items[index] = _drop_words(item, phrase)
                    found = True
            elif _named(item, phrase) and _removable(item, instruction, embeddings):
                items[index] = ""
                changes.append(f"removed {item}")
                found = True
        if sentences and found:
            changes.append(f"removed {phrase}")
        if not found and phrase not in edit.negative:
            notes.append(f"no {phrase} in the prompt to remove")


def _replace(items: list[str], edit: Edit, changes: list[str], notes: list[str]) -> None:
    """The edit's A -> B changes, in `items`; a B without its A is added instead."""
    for old, new in edit.replace:
        pattern = phrase_pattern([old])
        hits = [i for i, item in enumerate(items) if pattern.search(item)]
        for index in hits:
            items[index] = pattern.sub(new, items[index])
        if hits:
            changes.append(f"{old} -> {new}")
        else:
            notes.append(f"no {old} in the prompt: added {new}")
            edit.add.append(new)
            edit.sentences.append(f"With {new}.")


def _weigh(items: list[str], edit: Edit, family: Family, sentences: bool, changes: list[str],
           notes: list[str]) -> None:
    """The edit's more X / less X, in `items`: a weight where the family takes them, else added or dropped."""
    for phrase, delta in edit.weight:
        hits = [i for i, item in enumerate(items) if item and _named(item, phrase)]
        if hits and family.weights and not sentences:
            for index in hits[:1]:
                items[index] = _reweight(items[index], delta)
                changes.append(f"{'more' if delta > 0 else 'less'} {phrase}: {items[index]}")
        elif delta > 0:
            edit.add.append(phrase)
            edit.sentences.append(f"With more {phrase}.")
        elif hits:
            for index in hits:
                items[index] = _drop_words(items[index], phrase) if sentences else ""
            changes.append(f"removed {phrase}")
        else:
            notes.append(f"no {phrase} in the prompt to reduce")


def _joined(items: list[str], edit: Edit, family: Family, sentences: bool, changes: list[str]) -> str:
    """The prompt again from its items, with the edit's additions (sentences appended, tags before the
    quality terms)."""
    if sentences:
        text = " ".join(items).strip()
        new = [s for s, tag in zip(edit.sentences, edit.add, strict=False) if not _present(tag, text)]
        new += [s for s in edit.sentences[len(edit.add):] if s not in text]
        changes += [f"added {s}" for s in dict.fromkeys(new)]
        return " ".join([text, *dict.fromkeys(new)]).strip()
    added = [t for t in dict.fromkeys(edit.add) if not any(_present(t, item) for item in items)]
    cut = _quality_cut(items, family)
    changes += [f"added {t}" for t in added]
    return tidy(", ".join([*items[:cut], *added, *items[cut:]]))


def _present(tag: str, text: str) -> bool:
    want = _content(tag)
    return bool(want) and want <= _content(text)


def _keep_words(prompt: str, value: Value) -> set[str]:
    """Words a refine keeps while taking out what contradicts `value`: all but that group's words."""
    group_words = {w for v in vocab().groups[value.group].values() for p in v.words for w in words_of(p)}
    return {w for w in words_of(prompt) if w not in group_words and len(w) > 2} - set(vocab().by_tag)


def _negative(negative: str, edit: Edit, family: Family, changes: list[str]) -> str:
    if not edit.negative or not family.negative_allowed:
        return negative
    have = terms(negative)
    new = [n for n in edit.negative if not any(_named(h, n) for h in have)]
    if new:
        changes.append(f"negative prompt: added {', '.join(new)}")
    return tidy(", ".join([*have, *new]))
