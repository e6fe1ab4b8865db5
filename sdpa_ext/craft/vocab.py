"""The vocabulary a small model may add (data/vocab.json) and the conflict groups that say when a
piece of text contradicts another: time of day, season, weather, indoors/outdoors, setting, medium,
brightness, level of detail, mood and colour palette."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from .lexicon import lexicon

DATA = Path(__file__).resolve().parent.parent / "data" / "vocab.json"
Facets = dict[str, set[str]]  # group -> the values a text says
SOLE = frozenset({"time", "season"})  # one at a time in a picture (weather may mix: sunlit snow)


@dataclass(frozen=True)
class Value:
    group: str
    name: str
    words: tuple[str, ...]
    fits: frozenset[str]
    tags: tuple[str, ...]
    sentence: str


@dataclass(frozen=True)
class Entry:
    tag: str
    prose: str
    category: str
    facets: tuple[tuple[str, str], ...]  # (group, value) the entry implies
    keys: frozenset[str]


@dataclass(frozen=True)
class Vocab:
    groups: dict[str, dict[str, Value]]
    labels: dict[str, str]
    categories: dict[str, tuple[Entry, ...]]
    intruders: dict[str, tuple[str, ...]]
    by_tag: dict[str, Entry] = field(default_factory=dict)
    opposites: dict[str, dict[str, str]] = field(default_factory=dict)  # group -> value -> its opposite
    rules_out: dict[str, tuple[str, ...]] = field(default_factory=dict)  # setting value -> words it rules out
    masked: tuple[str, ...] = ()  # `depth of field`: read as no value


@cache
def vocab() -> Vocab:
    raw = json.loads(DATA.read_text(encoding="utf-8"))
    groups = {name: {key: Value(name, key, tuple(v["words"]), frozenset(v["fits"]), tuple(v["tags"]),
                                v.get("sentence", ""))
                     for key, v in group["values"].items()}
              for name, group in raw["groups"].items()}
    patterns = [(value, phrase_pattern(value.words)) for group in groups.values() for value in group.values()]
    masked = phrase_pattern(raw["masked"]["phrases"])

    def implied(entry: dict) -> tuple[tuple[str, str], ...]:
        """What the entry says it implies, and what its own words say (`street photography`: outdoors)."""
        said = {(v.group, v.name) for v, pattern in patterns if _says(pattern, entry["tag"], masked)}
        declared = tuple(entry.get("set", {}).items())
        return (*sorted(said - set(declared)), *declared)  # declared last: dict() of them keeps it

    categories = {name: tuple(Entry(e["tag"], e.get("prose", e["tag"]), name, implied(e),
                                    frozenset(e.get("keys", [])))
                              for e in entries)
                  for name, entries in raw["categories"].items()}
    by_tag = {entry.tag: entry for entries in categories.values() for entry in entries}
    return Vocab(groups=groups, labels={name: group["label"] for name, group in raw["groups"].items()},
                 categories=categories,
                 intruders={k: tuple(v) for k, v in raw["intruders"].items() if k != "note"}, by_tag=by_tag,
                 opposites={k: v for k, v in raw["opposites"].items() if k != "note"},
                 rules_out={k: tuple(v) for k, v in raw["rules_out"].items() if k != "note"},
                 masked=tuple(raw["masked"]["phrases"]))


def phrase_pattern(phrases: tuple[str, ...] | list[str]) -> re.Pattern[str]:
    """Whole-word matches of any phrase (plurals too), longest first, case-insensitive."""
    body = "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{body})(?:s|es)?(?![\w-])", re.I)


@cache
def _value_patterns() -> tuple[tuple[Value, re.Pattern[str]], ...]:
    return tuple((value, phrase_pattern(value.words)) for group in vocab().groups.values()
                 for value in group.values())


@cache
def _entry_pattern() -> re.Pattern[str]:
    return phrase_pattern([tag for tag, entry in vocab().by_tag.items() if entry.facets])


def facets(text: str, *, entries: bool = True) -> Facets:
    """The conflict-group values a text says: its group words, and (unless `entries` is False) the
    vocabulary entries it contains."""
    found: Facets = {}
    for value, pattern in _value_patterns():
        if _says(pattern, text, _masked()):
            found.setdefault(value.group, set()).add(value.name)
    for match in _entry_pattern().finditer(text) if entries else ():
        entry = vocab().by_tag.get(match.group(0).lower())
        for group, name in entry.facets if entry else ():
            found.setdefault(group, set()).add(name)
    return found


def _says(pattern: re.Pattern[str], text: str, masked: re.Pattern[str]) -> bool:
    """The pattern matches the text, not only inside a masked phrase (`field` in `depth of field`), unless the
    match is the masked phrase itself (`depth of field` is a photo's)."""
    spans = [m.span() for m in masked.finditer(text)]
    return any(not any(a <= m.start() and m.end() <= b for a, b in spans) or masked.fullmatch(m.group())
               for m in pattern.finditer(text))


@cache
def _masked() -> re.Pattern[str]:
    return phrase_pattern(vocab().masked)


def outright(text: str) -> Facets:
    """The text's facets, where one value of a group is named outright (`an outdoor terrace cafe`: outdoor,
    whatever a cafe implies)."""
    found = facets(text)
    for group, values in found.items():
        named = {v for v in values if phrase_pattern([v, *vocab().groups[group][v].tags]).search(text)}
        if len(named) == 1:
            found[group] = named
    return found


def fits(group: str, value: str, said: set[str]) -> bool:
    """True when `value` goes with what was said in that group (the same value, or one that fits)."""
    values = vocab().groups[group]
    return value in said or any(value in values[s].fits or s in values[value].fits for s in said)


def clash(text_facets: Facets, context: Facets) -> tuple[str, str, str] | None:
    """(group, what the text says, what the context says) for the first group in which none of the
    text's values goes with the context; None when nothing contradicts."""
    for group, values in text_facets.items():
        said = context.get(group)
        if said and not any(fits(group, value, said) for value in values):
            return group, "/".join(sorted(values)), "/".join(sorted(said))
    return None


def entry_facets(entry: Entry) -> Facets:
    found: Facets = {}
    for group, value in entry.facets:
        found.setdefault(group, set()).add(value)
    return found


def merge(context: Facets, more: Facets) -> Facets:
    """The context with the groups it did not say yet taken from `more`."""
    return {**{g: set(v) for g, v in more.items()}, **{g: set(v) for g, v in context.items() if v}}


def find_value(text: str) -> Value | None:
    """The group value a short phrase names (`night`, `a charcoal drawing`, `rainy`), longest word first."""
    said = text.lower().strip()
    best: tuple[int, Value] | None = None
    for value, pattern in _value_patterns():
        match = pattern.search(said)
        if match and (best is None or len(match.group(0)) > best[0]):
            best = (len(match.group(0)), value)
    return best[1] if best else None


def opposite(value: Value) -> Value | None:
    """`less saturated` -> muted, `less dark` -> bright; None where a value has no opposite."""
    name = vocab().opposites.get(value.group, {}).get(value.name)
    return vocab().groups[value.group][name] if name else None


@cache
def known_words() -> frozenset[str]:
    """Every word of the vocabulary: entries, group words and value tags (for the 'invented' measure)."""
    v = vocab()
    texts = [*v.by_tag, *(e.prose for e in v.by_tag.values()),
             *(w for g in v.groups.values() for val in g.values() for w in (*val.words, *val.tags, val.sentence)),
             *(t for chip in lexicon().chips.values() for t in (*chip.get("add", []), chip.get("sentence", "")))]
    return frozenset(w for text in texts for w in re.findall(r"[a-z0-9]+", text.lower()))
