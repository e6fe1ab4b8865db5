"""Applying a reading (craft/reading.py) to the parsed prompt (craft/prompt.py): values set inside the user's
phrases, removals and replacements of phrases, colours and other modifiers, a new setting, weights, additions
before the quality tags (or as sentences for Flux/SD3), negations into the negative prompt, and sizes. The user's
syntax is never rewritten unless the reading names it (a LoRA's weight, a LoRA removed)."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from . import grammar
from .compact import count_tag
from .describe import QUOTED, verb_ing
from .families import Family
from .grammar import brackets, inner
from .lexicon import alternation, base_forms, base_verb, lexicon, stem, words_of
from .params import aspect_size, family_params
from .prompt import Prompt, Term, find_spans, tag_terms
from .reading import Edit, Reading, added_sentence, adjectival, articled, gendered_role, negatable
from .structure import (
    Phrase,
    TermReading,
    acts,
    head_of,
    kind_of,
    locked,
    modify,
    names,
    read_term,
    recolour,
    replace_in,
    same_noun,
    says_something,
    stands,
    subject_heads,
    without_clash,
    without_material,
    without_phrase,
    without_slot,
    without_value,
    without_word,
)
from .syntax import tidy
from .vocab import Value, clash, facets, find_value, outright, phrase_pattern, vocab


@dataclass
class Applied:
    prompt: str
    negative: str
    params: dict
    changes: list[str]
    notes: list[str]


def _reweight(term: str, delta: float) -> str:
    """A term's attention weight moved by `delta` (`((red scarf))` reads as 1.21), written as `(term:1.3)`."""
    body, weight = term.strip(), 1.0
    while body.startswith("(") and brackets(body).pairs.get(0) == len(body) - 1:
        body, said = inner(body)
        weight = float(said) if said else round(weight * 1.1, 2)
        if said:
            break
    new = round(min(1.5, max(0.5, weight + delta)), 2)
    return body if new == 1.0 else f"({body}:{new:g})"


def _lettered(text: str, noun: str, quote: str) -> str | None:
    """The term with `noun` saying `quote`: the lettering it has is replaced, else `that says "..."` follows the
    noun; None: no `noun`, or the user's syntax."""
    said = next((m for m in re.finditer(r"[\w'-]+", text) if same_noun(m.group().lower(), noun)), None)
    if said is None or read_term(text).syntax:
        return None
    if QUOTED.search(text):
        return QUOTED.sub(lambda _: quote, text, count=1)
    return f"{text[:said.end()]} that says {quote}{text[said.end():]}"


def _reweighed_in(text: str, thing: str, delta: float) -> str:
    """The term with the weight of what names `thing` moved: the phrase that follows the term's first one when it
    is that (`overgrown with (ivy:0.8)`), else the whole term (`(red scarf:1.1)`)."""
    term = read_term(text)
    hit = None if term.syntax else next(
        (p for p in term.phrases[1:] if p.head and same_noun(p.head, thing.split()[-1])), None)
    if hit is None:
        return _reweight(text, delta)
    body = text[hit.body_start:hit.end]
    said = re.sub(r"^(?:a|an|the|some)\s+", "", body.strip(), flags=re.I)  # `a (red scarf:1.1)`
    at = hit.body_start + body.index(said)
    return text[:at] + _reweight(said, delta) + text[at + len(said):]


def _network_weight(text: str, named: str, number: float, absolute: bool) -> str | None:
    """The weight of the network `named` (its tag as the user wrote it) set to `number`, or moved by it; an
    editing span's (`[cat:dog:0.5]`) switch point set to it."""
    if named.startswith("[") and named in text:
        return text.replace(named, re.sub(r":[\d.]+\]$", f":{number:g}]", named))
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
    """The term without the user's syntax the reading removes (`remove the detail lora`); an escaped name goes
    with the words it names (`nanashi \\(artist\\)` is one artist tag)."""
    spans = [s for s in find_spans(text) if reading.spans.get(s.text) == "remove"]
    if any(s.kind == "literal" for s in spans):
        return ""
    for span in reversed(spans):
        text = tidy(text[:span.start] + text[span.end:])
    return text if spans else None


def _first(prompt: Prompt, change, prefer) -> bool:
    """`change(text) -> new | None` on one term: the first that `prefer` picks and it changes, else the first it
    changes (`shorter hair` shortens `long hair`, not `blonde hair` too)."""
    terms = sorted((t for t in prompt.terms if t.text.strip()), key=lambda t: not prefer(t.text))
    for term in terms:
        if (new := change(term.text)) is not None and new != term.text:
            prompt.set(term, new)
            return True
    return False


def _in_spans(prompt: Prompt, reading: Reading, change) -> bool:
    """`change` inside the user's weighted groups the reading names (`((red umbrella))` -> `((yellow umbrella))`):
    the brackets and weight stay."""
    for term in prompt.terms:
        for span in find_spans(term.text):
            if span.kind != "group" or reading.spans.get(span.text) != "change":
                continue
            body = inner(span.text)[0]
            while body.startswith("(") and brackets(body).pairs.get(0) == len(body) - 1:
                body = inner(body)[0]
            if (new := change(body)) is not None and new != body:
                prompt.set(term, term.text.replace(span.text, span.text.replace(body, new, 1), 1))
                return True
    return False


def _removal(thing: str, subject: list[str]):
    """`remove X` on one term; `people` names every person but the prompt's subject."""
    people = set(lexicon().people["any_person"])  # `no people` takes them all; `no crowd` the crowd
    heads = people - set(subject) if set(words_of(thing)) & set(lexicon().people["everyone"]) else set()

    def change(text: str) -> str | None:
        if text.strip().lower() in lexicon().leading_tags and stem(text.strip().lower().lstrip("0123456789+")) == \
                stem(thing):
            return ""  # `no boy`: `1boy`
        said = words_of(text.lower())
        if said[:1] in (["no"], ["without"]) and words_of(thing.lower())[:1] != said[:1]:
            return None  # `no humans` says the thing is absent already: it stays
        if locked(text):
            return None
        cut = without_phrase(text, thing, heads)  # `not dark wood`: the wood said of a counter, as a material
        for other in kinds if cut is None else ():  # `no dog`: the golden retriever
            cut = without_phrase(text, other, heads)
            if cut is not None:
                break
        return cut if cut is not None else without_material(text, thing)
    kinds = lexicon().synonyms.get(lexicon().singular(thing.lower()), ()) if " " not in thing else ()
    return change


def _said_values(thing: str) -> list[Value]:
    """The times, seasons or weathers a removed word names (`rain`), whose other words go with it: all of them for
    its name, else those of its stem (`snow`: snowy, snowfall; `lightning`: not the storm; `stars`: not the
    night), and a value that says the word whole (`snowflakes falling`, where it says `snow falling`)."""
    value, said = find_value(thing), thing.lower()
    if not value or value.group not in ("time", "season", "weather") or said not in value.words:
        return []
    found = [value if said == value.name else replace(value, words=tuple(w for w in value.words if w[:4] == said[:4]))]
    for group in ("time", "season", "weather"):
        found += [replace(other, words=tuple(w for w in other.words if w[:4] == said[:4] or said in words_of(w)))
                  for other in vocab().groups[group].values() if other != value and any(
                      said in words_of(w) for w in other.words)]
    return found


def _phrase_body(prompt: Prompt, wanted: Callable[[str, TermReading, Phrase], bool]) -> str:
    """The body, without its article, of the prompt's first phrase that `wanted(term, its reading, phrase)` takes."""
    for text in prompt.texts():
        read = read_term(text)
        for phrase in read.phrases:
            if wanted(text, read, phrase):
                return re.sub(r"^(?:a|an|the|some)\s+", "", phrase.body, flags=re.I)
    return ""


def _subject_phrase(prompt: Prompt) -> str:
    """The body of the prompt's first subject phrase (what `make it a cat instead` replaces)."""
    heads = subject_heads(prompt.texts())
    return _phrase_body(prompt, lambda text, read, phrase: bool(heads) and phrase.head == heads[0])


def _same_kind(prompt: Prompt, new: str) -> str:
    """The prompt's phrase with the new thing's head (`blue dress instead`: `black dress`), or what it holds (`a bowl
    of pho` on `a bowl of ramen`: the ramen), else ''."""
    head = stem(head_of(new) or new.split()[-1])
    subject = {stem(h) for h in subject_heads(prompt.texts())} if " of " in new else set()
    for text in prompt.texts() if " of " in new else ():
        read = read_term(text)
        held = [(stem(b.head), p) for b, p in zip(read.phrases, read.phrases[1:], strict=False)
                if b.head and p.prep == "of"]
        held = [p for h, p in held if h == head] or [p for h, p in held if h in subject]  # `a mug of tea` on a
        if held and not locked(text):  # `cup of coffee`: what it holds, the cup with it
            return re.sub(r"^(?:a|an|the|some)\s+", "", held[0].body, flags=re.I)
    return _phrase_body(prompt, lambda text, read, phrase: bool(phrase.head) and stem(phrase.head) == head and
                        read.bare(phrase) and not locked(text))


def _venue(read: TermReading, heads: list[str]) -> bool:
    """A tag that is a building or site alone (`castle`, `ruins`), not the prompt's subject: where it is."""
    body = _strip_article(read.text.lower())
    return len(read.phrases) == 1 and not read.spans and read.phrases[0].head not in heads and (
        body in lexicon().heads["venue"] or read.phrases[0].head in lexicon().heads["venue"])


def _relocate(prompt: Prompt, place: str) -> bool:
    """A new setting: the old setting's phrases go; the new one takes the first one's place (`portrait of a
    woman in a field` -> `... on a beach`), or follows the subject when there was none; False: add it."""
    terms = [t for t in prompt.terms if t.text.strip()]
    if place in lexicon().places_alone.values():  # `indoors`: the old place's phrases go, it is added as a tag
        for term in (t for t in terms if not locked(t.text)):  # a park is outdoors already
            prompt.set(term, without_slot(term.text, "setting", lambda body: not clash(facets(body), outright(place))))
        return False
    if place in lexicon().proper_places and "city" in facets(place).get("setting", set()):
        place = place.title()  # `move it to tokyo`: Tokyo
    said, _, rest = place.partition(" ")
    if said in lexicon().prepositions and rest:  # `over the ocean`: where, as the user said it
        prep, place = said, rest
    else:
        prep = "on" if place.split()[-1] in lexicon().places_on else "in"  # its head: `on a desert highway`
    placed, heads = False, subject_heads(prompt.texts())
    for term in terms:
        text, read = term.text, read_term(term.text)
        settings = [p for p in read.phrases if p.slot == "setting" and read.bare(p)]
        if not settings and not prompt.sentences and _venue(read, heads):
            settings = list(read.phrases)  # `1boy, knight, castle`: the castle is where he is
        if not settings or locked(text):
            continue
        said = facets(text[settings[0].start:settings[0].end])  # `night sky` says the time: no place to take over
        a_place = "setting" in said or not said.keys() & {"time", "weather"}
        if not placed and a_place and not prompt.sentences and len(settings) == len(read.phrases) and not read.spans:
            # a tag for a tag: `sunflower field` -> `beach`, `on a porch` -> `on a beach`
            prompt.set(term, f"{prep} {articled(place)}" if settings[0].prep else re.sub(
                r"^(?:a|an|the|some)\s+", "", place))
            placed = True
        elif not placed and a_place and any(p.slot in ("subject", "framing") for p in read.phrases) and \
                settings[0].prep:
            new = facets(place).get("setting", set())  # `into the mountains` keeps `on a cliff`, the ocean goes
            fits = [p for p in settings if new and p.head in lexicon().heads["landform"] and facets(p.body).get(
                "setting", {""}) <= new]  # a cliff is in the mountains; Paris is no part of London
            if len(fits) == len(settings):  # every place said is in the new one: it follows them, once
                placed = True
                if not names(text, head_of(place) or place):
                    prompt.set(term, tidy(f"{text[:fits[-1].end]} {prep} {articled(place)}{text[fits[-1].end:]}"))
                continue
            settings = [p for p in settings if p not in fits]
            first, prep = settings[0], "of" if settings[0].prep == "of" else prep  # `surface of Mars`: of the moon
            of = list(itertools.takewhile(lambda p: p.prep == "of", read.phrases[read.phrases.index(first) + 1:]))
            for phrase in sorted([*settings[1:], *(p for p in of if p not in settings)], key=lambda p: p.start,
                                 reverse=True):  # from the end, so the
                text = text[:phrase.start] + text[phrase.end:]  # first one's place stays; `a stack of old books` goes
            after = text[first.end:]
            text = f"{text[:first.start]} {prep} {articled(place)}{' ' if after[:1].isalnum() else ''}{after}"
            placed = True
            prompt.set(term, tidy(text))
        else:  # another place goes; what only says outdoors (`clear sky`) stays where the new place is outdoors
            prompt.set(term, without_slot(text, "setting", lambda body: "setting" not in (said := facets(body)) and
                                          not clash(said, outright(place))))
    for term in terms if not placed else ():
        read = read_term(term.text)
        if any(p.slot == "subject" and p.head in heads for p in read.phrases) and not read.syntax and len(
                term.text.split()) > 1:  # the subject's term (`a red fox` -> `a red fox in a snowy forest`)
            prompt.set(term, f"{term.text.rstrip(' .')} {prep} {articled(place)}")
            return True
    return placed


_COUNT_TAG = re.compile(r"^(\d+)\+?(girl|boy)s?$", re.I)
_WORD_OF = {"female": "girl", "male": "boy"}  # the count tags' word for the people lexicon's gender



def _count_tags(prompt: Prompt, word: str = "") -> list[tuple[Term, int]]:
    """The prompt's booru count tags (of `word`, or any) with the number each says."""
    found = [(t, _COUNT_TAG.match(t.text.strip())) for t in prompt.terms]
    return [(t, int(m.group(1))) for t, m in found if m and (not word or m.group(2).lower() == word)]


def _recount(prompt: Prompt, tag: Term, word: str, many: int, changes: list[str]) -> bool:
    """The count tag says `many` of `word` (`1girl` -> `2girls`), and `solo` goes beside several; False when it
    says that already."""
    before, after = tag.text.strip(), count_tag(many, word)
    if after == before:
        return False
    prompt.set(tag, after)
    said = _COUNT_TAG.match(before).group(2).lower()
    gone = {"solo"} if many > 1 else set()
    if said != word:  # `1boy, male focus` -> `1girl`
        gone.add(lexicon().gendered["focus"][next(g for g, w in _WORD_OF.items() if w == said)])
    for term in prompt.terms:
        if term.text.strip().lower() in gone:
            prompt.set(term, "")
    changes.append(f"{before} -> {after}")
    return True


def _count(prompt: Prompt, edit: Edit, family: Family, noun: str, many: int, changes: list[str],
           notes: list[str]) -> None:
    """How many of a thing (`two foxes`; `many` 0: one more): a booru family's count tag (`1girl, solo` ->
    `2girls`), else the noun's phrase (`a red fox sits` -> `two red foxes sit`), else the things are added."""
    lex = lexicon()
    word = _WORD_OF.get(lex.gender_of(noun), "")
    if family.counts and word and (tags := _count_tags(prompt, word)):
        _recount(prompt, tags[0][0], word, tags[0][1] - many if many < 0 else many or tags[0][1] + 1, changes)
        return
    if many < 0:  # `add 2 more wolves` beside `a lone wolf`: two more of them, the one said stays as it is
        more = f"{lex.number_words.get(-many, str(-many))} more {lex.plural(lex.singular(noun.split()[-1]))}"
        edit.add.append(more)
        edit.sentences.append(f"With {more}.")
        return
    number = lex.number_words.get(many or 2, str(many))
    asked = lex.singular(noun.split()[-1])
    counted = re.compile(r"^(?:a|an|one|the|\d+|" + "|".join(lex.numbers) + r")\s+", re.I)  # the count it said
    subject = subject_heads(prompt.texts())[:1]
    def named(p: Phrase, modified: bool) -> bool:  # `just two kids` on `three children`: the children; `3 corgis`
        said = [lex.singular(w) for w in words_of(p.body)[:-1]] if modified and p.head in subject and not \
            lex.gender_of(p.head) else []  # on the subject `a corgi puppy`: it (not `cat ears`, a `dragon girl`)
        return lex.singular(p.head) == asked or lex.singular(p.head) in lex.synonyms.get(asked, ()) or asked in said
    for term in sorted(prompt.terms, key=lambda t: not any(named(p, False) for p in read_term(t.text).phrases)):
        read = read_term(term.text)
        phrase = next((p for p in read.phrases if p.head and read.bare(p) and named(p, True)), None)
        if phrase is None or locked(term.text):
            continue
        head = lex.singular(phrase.head)
        body = term.text[phrase.body_start:phrase.end]
        lead, bare = _counted_at(body.strip(), phrase.head, counted)  # `fighting a dragon`: fighting two dragons
        if many != 1:  # `a lone tree` -> three trees
            bare = re.sub(rf"(?<![\w-])(?:{alternation(lex.alone)})\s+", "", bare, flags=re.I)
        at = list(re.finditer(rf"(?<![\w-]){re.escape(phrase.head)}(?![\w-])", bare, re.I))[-1]
        said = f"{lead}{number} {bare[:at.start()]}{lex.plural(head) if many != 1 else head}{bare[at.end():]}"
        said = said[:1].upper() + said[1:] if body.strip()[:1].isupper() else said
        said += body[len(body.rstrip()):]  # the space before what follows
        after = term.text[phrase.end:]
        verbs = {*lex.clause_verbs, *lex.agreement.values(), *lex.agreement}
        verb = re.match(r"(\s*)(\w+)", after)
        if verb and verb.group(2).lower() in ("with", "of"):  # `a robot with big round eyes sits`
            clause = re.match(r"[^,.;]*", after).group(0)
            verb = next((m for m in re.finditer(r"(\s*)(\w+)", clause) if m.group(2).lower() in verbs), None)
        if prompt.sentences and verb and verb.group(2).lower() in verbs:
            agreed = lex.of_one(verb.group(2)) if many == 1 else lex.of_several(verb.group(2))
            after = after[:verb.start()] + verb.group(1) + agreed + after[verb.end():]
        prompt.set(term, term.text[:phrase.body_start] + (" " if phrase.prep else "") + said + after)
        changes.append(f"{noun}: {number}")
        return
    if many == 1:
        notes.append(f"no {lex.plural(noun)} in the prompt to count")
        return
    edit.add.append(f"{number} {lex.plural(noun)}")
    edit.sentences.append(f"With {number} {lex.plural(noun)}.")


def _counted_at(body: str, head: str, counted: re.Pattern[str]) -> tuple[str, str]:
    """A phrase split where its count goes: what comes before the thing (`fighting `) and the thing without the
    count it said (`dragon`)."""
    heads = list(re.finditer(rf"(?<![\w-]){re.escape(head)}(?![\w-])", body, re.I))
    said = [m for m in re.finditer(counted.pattern.lstrip("^").join([r"(?<![\w-])", ""]), body[:heads[-1].start()],
                                   re.I)] if heads else []
    if said:
        return body[:said[-1].start()], body[said[-1].end():]
    return "", counted.sub("", body)


def _relocations(prompt: Prompt, edit: Edit, subject: list[str], changes: list[str], notes: list[str]) -> None:
    """The new places: each takes the old place's words, and what it rules out goes."""
    for place in edit.relocate:
        _ruled_out(prompt, place, changes)
        before = _places_of(prompt.texts())
        if _relocate(prompt, place):
            _ruled_out(prompt, place, changes, "place")
            changes.append(f"moved to {place}")
            edit.add[:] = [a for a in edit.add if a != place]
            prep, _, where = place.partition(" ")  # `near a lake.` as `near lake` was read
            said = (f"in {place}.", f"in {articled(place)}.".lower(), f"{place}.", f"{prep} {articled(where)}.".lower())
            edit.sentences[:] = [s for s in edit.sentences if s.lower() not in said]
        elif place in lexicon().places_alone.values() and outright(place).get("place", {""}) <= facets(
                prompt.render()).get("place", set()):  # `make it outdoors` in a park
            notes.append(f"already {place}")
            edit.sentences[:] = [s for s in edit.sentences if s.lower() != f"{place}."]
        else:
            edit.add.append(place)
            _ruled_out(prompt, place, changes, "place")
        _other_settings(prompt, place, [*subject, *words_of(place)], changes)
        _left_behind(prompt, before - _places_of([*prompt.texts(), place]), [*subject, *words_of(place)], changes)


def _places_of(texts: list[str]) -> set[str]:
    """The places the texts say whose own things the lexicon knows: settings (`forest`) and places by name."""
    settings = facets(" ".join(texts).lower()).get("setting", set())
    bodies = [_strip_article(p.body.lower()) for text in texts for p in read_term(text).phrases]
    return {k for k in lexicon().place_things if k in settings or any(b == k or b.endswith(f" {k}") for b in bodies)}
    # a place said as a thing's head (`shrine`), not of another (`shrine maiden`)


def _left_behind(prompt: Prompt, gone: set[str], subject: list[str], changes: list[str]) -> None:
    """The things of the places the prompt left, said as tags alone, go with them (`move her to a beach` from a
    forest: no `trees, mushrooms`; from a classroom: no `desks`)."""
    things = {t for place in gone for t in lexicon().place_things[place]}
    for term in prompt.terms if things and not prompt.sentences else ():
        said = _strip_article(term.text.strip().lower())
        if said in things and not locked(term.text) and not any(same_noun(w, h) for w in words_of(said)
                                                                 for h in subject):
            changes.append(f"took out {term.text.strip()!r}: it was the old place's")
            prompt.set(term, "")


def _ruled_out(prompt: Prompt, place: str, changes: list[str], group: str = "setting") -> None:
    """What a new setting rules out goes (`put it underwater`: no stormy sky, no rain); a place, once the prompt is
    there (`put it in a tavern`: no rain, no sidewalk)."""
    ruled = [w for name in facets(place).get(group, set()) for w in vocab().rules_out.get(name, ())]
    pattern = phrase_pattern(ruled) if ruled else None
    for term in prompt.terms if pattern else ():
        if term.text.strip() and not locked(term.text) and pattern.search(term.text):
            said = pattern.search(term.text).group(0)
            cut = "" if not prompt.sentences else without_phrase(term.text, said)
            if cut is not None and cut != term.text:
                changes.append(f"took out {term.text.strip() if not cut else said!r}: {place} rules it out")
                prompt.set(term, cut)


def _other_settings(prompt: Prompt, place: str, subject: list[str], changes: list[str]) -> None:
    """A new setting takes the old one's things that only belong there (`bamboo forest`: no `city lights`;
    `desert`: no `waves crashing`); a term of the subject's keeps it (`a castle on a cliff above the sea` moves)."""
    new = facets(place).get("setting", set())
    for term in prompt.terms if new else ():
        text = term.text
        if not text.strip() or locked(text) or any(same_noun(w, h) for w in words_of(text) for h in subject):
            continue
        cut = without_clash(text, {"setting": new}, prompt.sentences) if clash(facets(text), {"setting": new}) \
            else text
        if cut != text and not prompt.sentences and len(words_of(cut)) <= 1:
            cut = ""  # `city lights`: no `lights` left alone
        if cut != text:
            changes.append(f"took out {text.strip()!r}: not of {place}" if not cut else f"{text.strip()} -> {cut}")
            prompt.set(term, cut)


def apply_edit(prompt: Prompt, negative: str, params: dict, reading: Reading, family: Family) -> Applied:
    """Apply a reading's edit to the parsed prompt (changed in place) and the other fields; every change is
    listed."""
    edit = replace(reading.edit, add=list(reading.edit.add), sentences=list(reading.edit.sentences),
                   negative=list(reading.edit.negative))
    changes: list[str] = []
    notes: list[str] = list(reading.notes)
    removed = [text for text, op in reading.spans.items() if op == "remove"]
    if removed and prompt.each(lambda text: _without_spans(text, reading)):
        changes += [f"removed {text}" for text in removed]
    _replace_phrases(prompt, reading, edit, family, changes, notes)  # in place first: `sunset sky instead of day`,
    # then no blue sky
    _remediumed(prompt, edit, changes)
    for value in edit.set if not edit.relocate else ():
        if value.group == "setting":  # `put it underwater`: no stormy sky
            _ruled_out(prompt, value.name, changes)
    _contradictions(prompt, edit, edit.set, changes)
    subject = subject_heads(prompt.texts())
    _uncounted(prompt, edit, family, changes)
    _removals(prompt, edit, [*subject, *(w for kept in edit.keep for w in words_of(kept))], changes, notes)  # `nobody
    # except the barista`: the barista stays
    for noun, quote in edit.says:  # `the sign should say "OPEN"`: its lettering, as typed
        if _first(prompt, lambda text, n=noun, q=quote: _lettered(text, n, q), lambda text: True):
            changes.append(f"{noun} says {quote}")
        else:
            notes.append(f"no {noun} in the prompt to carry {quote}")
    _modifiers(prompt, reading, edit, family, subject, changes, notes)
    _contradictions(prompt, edit, edit.implied, changes)  # after the modifiers: `sea should be stormy, huge waves
    _dried(prompt, edit, changes)  # crashing` makes the calm sea stormy before the waves take out a calm one
    _relocations(prompt, edit, subject, changes, notes)
    for light in edit.relight:
        if _relit(prompt):
            changes.append(f"the light is now {light}")
    _apply_weights(prompt, reading, edit, family, changes, notes)
    for noun, many in edit.count:
        _count(prompt, edit, family, noun, many, changes, notes)
    _medium_renamed(prompt, edit, changes)
    _counted_in(prompt, edit, family, changes)
    _already_said(prompt, edit, notes)
    _people_added(prompt, edit, family, changes)
    _additions(prompt, edit, family, changes)
    prompt.drop_verbless(acts, stands)
    prompt.prune(lexicon().adverbs)
    text = prompt.render()
    return Applied(tidy(text) if prompt.changed and not prompt.sentences else text,
                   _negative(negative, edit, family, changes), _sized(params, edit, family, changes, notes), changes,
                   notes)


def _contradictions(prompt: Prompt, edit: Edit, values: list[Value], changes: list[str]) -> None:
    """What contradicts the values goes, but in the terms the user says stay (`keep it sunny`)."""
    kept = {w for k in edit.keep for w in words_of(k)}
    main = set(subject_heads(prompt.texts())[:1])
    for value in values:
        if prompt.each(lambda text, v=value: None if locked(text) or kept & set(words_of(text)) or (
                v.group in ("pose", "expression") and _someone_else(text, main))
                       else without_clash(text, {v.group: {v.name}}, prompt.sentences)):
            changes.append(f"took out what contradicts {value.name}")
        for ruled in {found for word in vocab().rules_out.get(value.name, ()) if (found := find_value(word))}:
            if prompt.each(lambda text, v=ruled: None if locked(text) or kept & set(words_of(text))
                           else without_value(text, v, prompt.sentences)):  # a cheerful mood: no storm
                changes.append(f"took out the {ruled.name} ({value.name} rules it out)")


def _kind_gone(prompt: Prompt, old: str, new: str, changes: list[str]) -> None:
    """A subject of another kind: the old kind's own covering goes (`swap the dragon for a griffin`: no green
    scales; `a phoenix`: no detailed scales), unless the new one is said with it; what the old one wears as its
    own goes (`make her a vampire` on `witch, witch hat`: no witch hat)."""
    gear = {*_gear(old)} - {*_gear(new), *words_of(new)}  # `turn the knight into a wizard`: no armor, no sword
    for term in prompt.terms if head_of(new) != head_of(old) else ():
        for worn in _worn(term.text, old) if not locked(term.text) else ():
            prompt.set(term, without_phrase(term.text, worn) or "")
            changes.append(f"removed {worn} (a {head_of(old)}'s)")
        if term.text.strip().lower() in gear and not locked(term.text):
            changes.append(f"removed {term.text.strip()} (a {head_of(old)}'s)")
            prompt.set(term, "")
        for own in (g for g in gear if prompt.sentences and not locked(term.text) and names(term.text, g)):
            if (cut := without_phrase(term.text, own)) is not None:  # `its golden mane blowing in the wind`
                changes.append(f"removed {own} (a {head_of(old)}'s)")
                prompt.set(term, cut)
    if subject_heads(prompt.texts())[:1] != [head_of(new)] or head_of(new) in ("", head_of(old)):
        return  # the subject now is the new kind
    for covering, kinds in (("scales", "scaled"), ("feathers", "feathered"), ("plumage", "feathered")):
        if head_of(new) in lexicon().heads[kinds] or covering in words_of(new):
            continue  # `a wyvern` has scales too
        if prompt.each(lambda text, c=covering: None if locked(text) else without_phrase(text, c)):
            changes.append(f"removed {covering} (a {head_of(old)}'s)")
    kind = kind_of(head_of(old)) if head_of(old) else frozenset()
    for term in prompt.terms if head_of(new) not in kind else ():  # `shiba inu, dog` -> a cat: no `dog` beside it
        if term.text.strip().lower() in kind and not locked(term.text):
            prompt.set(term, "")
            changes.append(f"removed {term.text.strip()} (a {head_of(old)}'s kind)")


def _parts_follow(prompt: Prompt, old: str, new: str, changes: list[str]) -> None:
    """A person of another animal's kind takes its ears and tail (`make her a fox girl` on `cat girl, cat ears, cat
    tail`: fox ears, fox tail)."""
    said, wanted = (_kemonomimi(words_of(_strip_article(w))) for w in (old, new))
    if len(said) != 2 or len(wanted) != 2 or said[1] != wanted[1] or said[0] == wanted[0]:
        return
    parts = lexicon().heads["body_part"]
    for term in prompt.terms:
        found = re.fullmatch(rf"(\s*){re.escape(said[0])}(\s+(?:{alternation(parts)}))(\s*)", term.text, re.I)
        if found and not locked(term.text):
            prompt.set(term, f"{found.group(1)}{wanted[0]}{found.group(2)}{found.group(3)}")
            changes.append(f"{said[0]}{found.group(2)} -> {wanted[0]}{found.group(2)}")


def _kemonomimi(words: list[str]) -> list[str]:
    """`catgirl` said as `cat girl`, a word of an animal's kind of person (`foxboy`: fox boy)."""
    found = re.fullmatch(r"([a-z]{3,})(girl|boy)", words[0]) if len(words) == 1 else None
    return [found.group(1), found.group(2)] if found else words


def _gear(role: str) -> tuple[str, ...]:
    """What a role (`a knight`, `shrine maiden`) wears or carries as its own."""
    gear = lexicon().role_gear
    said = _strip_article(role.lower())
    return gear.get(said) or gear.get(head_of(said) or said, ())


def _worn(text: str, old: str) -> list[str]:
    """The phrases of a term that name what `old` wears as its own (`large witch hat`, `nurse cap`)."""
    own = words_of(old)
    return [phrase.body for phrase in read_term(text).phrases if len(own) == 1 and phrase.head in lexicon().heads[
        "worn"] and own[0] in words_of(phrase.body)[:-1]]


def _someone_else(text: str, main: set[str]) -> bool:
    """A term about another than the prompt's subject (`a small knight standing below` beside a dragon): a pose or
    a face asked of the subject is not its."""
    phrases = read_term(text).phrases
    return bool(main) and bool(phrases) and phrases[0].slot == "subject" and bool(phrases[0].head) and \
        phrases[0].head not in main and any(p.slot == "action" or verb_ing((words_of(p.body) or [""])[0])
                                            for p in phrases[1:])  # its own subject, doing something of its own


def _dried(prompt: Prompt, edit: Edit, changes: list[str]) -> None:
    """What a weather left behind goes when another takes its place or one that contradicts it is set (`instead
    of rain can it be snowing`: `the wet cobblestone street` -> `the cobblestone street`; `puddles` goes under a
    clear sky), but from the terms the user keeps: the mark of a trace said in words (`wet`), a trace alone as its
    term."""
    context = {"weather": {v.name for v in [*edit.set, *edit.implied] if v.group == "weather"}}
    kept = {w for k in edit.keep for w in words_of(k)}
    replaced = {name for old, _ in edit.replace for name in facets(old).get("weather", ())}  # not `no more rain`:
    for weather, traces in lexicon().traces.items():  # the street is still wet after it
        if weather not in replaced and not (context["weather"] and clash({"weather": {weather}}, context)):
            continue
        for term in (t for t in prompt.terms if t.text.strip() and not locked(t.text) and not kept & set(words_of(
                t.text))):
            found = phrase_pattern(traces).search(term.text)
            if found and " " in found.group():  # `wet cobblestone`: the mark goes, the thing stays
                prompt.set(term, term.text[:found.start()] + term.text[found.start() + found.group().index(" ") + 1:])
            elif found and set(words_of(term.text[:found.start()] + term.text[found.end():])) <= lexicon().articles:
                prompt.set(term, "")
            else:
                continue
            changes.append(f"took out {found.group()} (left by {weather})")


def _a_thing_lit(body: str) -> bool:
    """A light phrase that is a thing in the picture, not how it is lit (`fairy lights`, `wet reflections`)."""
    return body.lower().rstrip().endswith(("lights", "reflections"))


def _relit(prompt: Prompt) -> bool:
    """A new light (`lit by candles`): the prompt's lights go, but lights that are things; a sentence's adjective
    said of a light that went goes with it (`Warm, soft lighting`)."""
    hit = False
    for at, term in enumerate(prompt.terms):
        new = without_slot(term.text, "light", _a_thing_lit) if term.text.strip() else term.text
        if new == term.text:
            continue
        if (words_of(new)[:1] or [""])[0] in lexicon().prepositions:  # `on the left` of a light that went
            new = ""
        prompt.set(term, new)
        hit = True
        before = prompt.terms[at - 1] if at and prompt.sentences and not new else None
        if before is not None and before.sentence == term.sentence and adjectival(words_of(before.text)):
            prompt.set(before, "")
    return hit


def _remediumed(prompt: Prompt, edit: Edit, changes: list[str]) -> None:
    """A new medium takes the place of the one a term opens with (`A watercolor illustration of a fox` -> `An oil
    painting of a fox`): the subject it is said of stays where it was."""
    for value in (v for v in edit.set if v.group == "medium"):
        new = next((a for a in edit.add if find_value(a) == value and a.split()[-1] in lexicon().heads["medium"]),
                   None)  # `oil painting`, not `anime style`
        for term in prompt.terms if new else ():
            read = read_term(term.text)
            first = read.phrases[0] if len(read.phrases) > 1 and not read.syntax else None
            if first is None or first.slot != "medium" or read.phrases[1].prep != "of" or value.name in facets(
                    first.body).get("medium", set()):
                continue
            changed = replace_in(term.text, first.body, new)
            if changed:
                prompt.set(term, changed)
                changes.append(f"{first.body} -> {new}")
                edit.drop_added(edit.add.index(new))
                break


def _reposed(prompt: Prompt, edit: Edit, noun: str, word: str) -> str | None:
    """`the fox shouldn't be sitting, make it leap`: the pose said after its noun (`a fox sitting in the snow`)
    goes, and the pose the edit adds (`leaping into the snow`) takes its place; None: no such pose."""
    new = next((a for a in edit.add if verb_ing(a.split()[0])), "")
    for term in prompt.terms:
        read = read_term(term.text)
        at = next((i for i, p in enumerate(read.phrases) if i and p.head == word and not p.prep and read.phrases[
            i - 1].head and (not noun or same_noun(read.phrases[i - 1].head, noun))), None)
        if at is None or read.syntax:
            continue
        phrase = read.phrases[at]
        prompt.set(term, re.sub(r"\s+", " ", f"{term.text[:phrase.start]} {new} {term.text[phrase.end:]}").replace(
            " ,", ",").strip())
        if new:
            edit.drop_added(edit.add.index(new))
        return new
    return None


def _adjective_of(prompt: Prompt, thing: str) -> str:
    """The prompt's word that says a thing is there, as an adjective (`clouds`: cloudy; `fog`: foggy; `smoke`:
    smoky), else ''."""
    noun = lexicon().singular(thing.lower())
    forms = {f"{noun}y", f"{noun[:-1]}y", f"{noun}{noun[-1:]}y"} if noun.isalpha() and len(noun) >= 3 else set()
    return next((w for w in words_of(prompt.text.lower()) if w in forms), "")


def _removals(prompt: Prompt, edit: Edit, subject: list[str], changes: list[str], notes: list[str]) -> None:
    """The things the edit takes away (and into the negative prompt), then the words it unsays (`not abandoned`)."""
    for thing in edit.remove:
        *before, last = thing.split() or [""]
        if before and last in lexicon().adverbs and not names(prompt.text, thing) and names(prompt.text, " ".join(
                before)):
            thing = " ".join(before)  # `instead of just standing there`: the standing
        said = _said_values(thing)  # `instead of rain`: rainy, raindrops too
        if any([prompt.each(_removal(thing, subject)), *(prompt.each(
                lambda text, v=value: None if locked(text) else without_value(text, v, prompt.sentences))
                for value in said)]):
            changes.append(f"removed {thing}")
            if thing not in edit.negative and negatable(thing):
                edit.negative.append(thing)  # `get rid of the freckles`: kept out, as SD users do
        elif " " not in thing and prompt.each(lambda text, t=thing: None if locked(text) or not (adjectival([t]) or any(
                same_noun(w, n) for w in words_of(text) for n, _ in [*edit.recolour, *edit.adjust] if n))
                else without_word(text, t)):  # `her hair should be pink not neon`: a word said of what changes;
            # `no more moody stuff`: a word said of anything
            changes.append(f"removed {thing}")
        elif (word := _adjective_of(prompt, thing)) and prompt.each(
                lambda text, w=word: None if locked(text) else without_word(text, w)):  # `no clouds`: a cloudy sky
            changes.append(f"removed {word}")
        elif thing not in edit.negative and not names(prompt.text, thing):  # not gone already (`midday instead
            notes.append(f"no {thing} in the prompt to remove")  # of dusk`: dusk went as what contradicts it)
    for noun, word in edit.unsaid:  # the word goes, what it was said of stays
        if prompt.each(lambda text, w=word, n=noun: None if locked(text) else without_word(text, w, n)):
            changes.append(f"removed {word}")
        elif verb_ing(word) and (new := _reposed(prompt, edit, noun, word)) is not None:
            changes.append(f"{word} -> {new}" if new else f"removed {word}")
        elif names(prompt.render(), word):  # gone already is no news (`it shouldn't be standing, have it kneel`)
            notes.append(f"no {word} {noun} in the prompt to change" if noun else f"no {word} in the prompt to remove")


def _sized(params: dict, edit: Edit, family: Family, changes: list[str], notes: list[str]) -> dict:
    params = dict(params)
    if edit.size:
        size = aspect_size(family, edit.size)
        if (params.get("width"), params.get("height")) != (size["width"], size["height"]):
            params.update(size)
            changes.append(f"size {size['width']}x{size['height']}")
        else:
            notes.append(f"already {size['width']}x{size['height']}")
    for key, value in edit.settings:
        held = family_params(family, params, {key: value}, notes=notes).get(key)
        said = f"{held:g}" if isinstance(held, float | int) else str(held)
        if held is not None and held != params.get(key):
            params[key] = held
            changes.append(f"{key} {said}")
        elif held is not None:
            notes.append(f"already {key} {said}")
    return params


def _modifiers(prompt: Prompt, reading: Reading, edit: Edit, family: Family, subject: list[str],
               changes: list[str], notes: list[str]) -> None:
    """Colours and other modifiers said of a noun (`red hair`, `shorter hair`, `older`: the subject's), in the
    term that says the old one, or inside the user's group the reading names."""
    colours = set(lexicon().colours)
    for noun, colour in edit.recolour:
        if any(p.head and same_noun(p.head, noun) and set(words_of(colour)) <= set(words_of(p.body))
               for t in prompt.terms for p in read_term(t.text).phrases):
            notes.append(f"the prompt says {colour} {noun} already")  # `the truck is red right?`: not its bed
            continue
        def change(text: str, n: str = noun, c: str = colour) -> str | None:
            return recolour(text, n, c)
        if _first(prompt, change, lambda text: bool(colours & set(words_of(text)))) or _in_spans(
                prompt, reading, change):
            changes.append(f"{noun}: {colour}")
            for term in _coat_of(prompt, noun):  # `a black cat`: its `orange fur` turns black too
                cover = next(w for w in words_of(term.text) if w in lexicon().heads["covering"])
                if colours & set(words_of(term.text)) and (new := recolour(term.text, cover, colour)):
                    prompt.set(term, new)
        else:
            edit.add.append(f"{colour} {noun}")
            edit.sentences.append(f"With {colour} {noun}.")
    at = len(changes)
    for noun, word in reversed(edit.adjust):  # each opens the noun phrase: the last first (`an old weathered boat`)
        if _plain_gender(word) and _regendered(prompt, family, word, changes):
            continue  # `can the wizard be female` on `1boy, wizard`: `1girl, wizard`
        noun = noun or (subject[0] if subject else "")
        if counted := _COUNT_TAG.match(noun):  # `old 1girl` is no tag: `mature female` is
            tag = lexicon().count_tag_words.get(word, {}).get(counted.group(2).lower(), word)
            edit.add.append(tag)
            edit.sentences.append(f"{tag.capitalize()}.")
            continue
        others = lexicon().opposites_of(word)
        if noun and others and _in_spans(prompt, reading, lambda body, n=noun, w=word, o=others: modify(body, n, w)
                                         if o & set(words_of(body)) else None):
            changes.insert(at, f"{noun}: {word}")  # `hair shorter` on `(long hair:1.2)`: `(short hair:1.2)`
        elif noun and _first(prompt, lambda text, n=noun, w=word: modify(text, n, w),
                             lambda text, o=others: bool(o & set(words_of(text)))):
            changes.insert(at, f"{noun}: {word}")
        elif noun and names(prompt.text, f"{word} {noun}"):
            notes.append(f"the prompt says {word} {noun} already")
        elif noun in lexicon().heads["backdrop"]:  # `make the background blurry` where none is said: one is
            edit.add.append(f"{word} {noun}")
            edit.sentences.append(f"A {word} {noun}.")
        elif noun and _first(prompt, lambda text, n=noun, w=word: _said_before(text, n, w), lambda text: False):
            changes.insert(at, f"{noun}: {word}")  # `wet cobblestones` on `a cobblestone street`
        elif noun:
            notes.append(f"no {noun} in the prompt to make {word}")


def _said_before(text: str, noun: str, word: str) -> str | None:
    """`word` said before `noun` where the term has the noun as a modifier (`wet cobblestones` on `a cobblestone
    street`: `a wet cobblestone street`); None where it has not, or says the word there already."""
    if locked(text) or find_spans(text):
        return None
    found = re.search(rf"(?<![\w-]){re.escape(stem(noun))}(?:e?s|e)?(?![\w-])", text, flags=re.I)
    if found is None or words_of(text[:found.start()])[-1:] == [word]:
        return None
    return f"{text[:found.start()]}{word} {text[found.start():]}"


def _coat_of(prompt: Prompt, noun: str) -> list[Term]:
    """The terms that say an animal's coat (`cat, orange fur`): within two terms after the one that names it; a
    thing worn or a person has none."""
    lex = lexicon()
    if noun in lex.attributes or noun in lex.people["any_person"]:
        return []
    terms = [t for t in prompt.terms if t.text.strip()]
    at = next((i for i, t in enumerate(terms) if any(same_noun(w, noun) for w in words_of(t.text))), None)
    return [] if at is None else [t for t in terms[at + 1:at + 3]
                                  if set(words_of(t.text)) & lex.heads["covering"]]


def _regender(prompt: Prompt, old: str, new: str) -> None:
    """A subject that changes gender takes its pronouns along (`a young woman` -> `a man`: beside her -> him)."""
    lex = lexicon()
    def gender_of(said: str) -> str:  # `fisherwoman` is a woman
        return lex.gender_of(said) or ("female" if said.lower().endswith("woman") else "male" if said.lower(
            ).endswith("man") else "")
    gender = gender_of(new)
    if not gender or gender_of(old) == gender:
        return
    swaps = lex.gendered[gender]
    pattern = re.compile(r"\b(" + "|".join(swaps) + r")\b(\s+\w+)?", re.I)

    def swap(match: re.Match[str]) -> str:
        said, after = match.group(1), match.group(2) or ""
        word = swaps[said.lower()]
        if said.lower() == "her" and after and after.split()[0].lower() not in lex.function:
            word = "his"  # `her hair` -> `his hair`; `beside her` -> `beside him`
        return (word[:1].upper() + word[1:] if said[:1].isupper() else word) + after
    other = set(lex.gendered["only"]["male" if gender == "female" else "female"])
    for term in prompt.terms:
        read = read_term(term.text)
        if read.syntax:
            continue
        heads = {p.head for p in read.phrases if p.head}
        if heads and all(h in other or lex.singular(h) in other for h in heads):
            prompt.set(term, "")  # `short beard` on a woman, `pleated skirt` on a boy
            continue
        text = term.text
        for phrase in reversed([p for p in read.phrases if p.prep and read.bare(p)]):  # `a keeper with a grey
            grown = next((m for m in re.finditer(r"[\w-]+", text[phrase.start:phrase.end]) if m.group().lower() in
                          other or lex.singular(m.group().lower()) in other), None)  # beard (mends his nets)`
            if grown is None or (phrase.head not in other and phrase.prep != "with"):
                continue
            after = text[phrase.start + grown.end():] if phrase.head not in other else text[phrase.end:]
            text = text[:phrase.start].rstrip() + (" " if after.strip()[:1].isalnum() else "") + after.lstrip(" ")
        prompt.set(term, pattern.sub(swap, text))


def _plain_gender(words: str) -> bool:
    """The words say only a gender (`a woman`, `female`)."""
    plain = {w for said in lexicon().gendered["plain"].values() if isinstance(said, list) for w in said}
    return bool(words_of(words)) and set(words_of(_strip_article(words))) <= plain


def _strip_article(words: str) -> str:
    return re.sub(r"^(?:a|an|the|some)\s+", "", words.strip(), flags=re.I)


def _regendered(prompt: Prompt, family: Family, said: str, changes: list[str]) -> bool:
    """A booru prompt's one person takes the gender `said` names in its count tag (`make the wizard a woman` on
    `1boy, male focus`: `1girl`); False when the family counts no one or the tag says that gender already."""
    word = _WORD_OF.get(lexicon().gender_of(said), "")
    tags = _count_tags(prompt)
    if not word or len(tags) != 1 or _count_tags(prompt, word):  # a family that counts, or a prompt that does
        return False
    before = tags[0][0].text.strip()
    _recount(prompt, tags[0][0], word, tags[0][1], changes)
    _regender(prompt, before, word)
    return True


def _replace_phrases(prompt: Prompt, reading: Reading, edit: Edit, family: Family, changes: list[str],
                     notes: list[str]) -> None:
    """The edit's A -> B changes inside the phrases; `''` -> B replaces the subject; a B without its A is added."""
    for old, new in edit.replace:
        gender, _, role = new.partition(" ")
        if family.counts and role == old and _plain_gender(gender) and _regendered(prompt, family, gender, changes):
            continue  # `make the knight a girl` on `1boy, knight`: `1girl, knight`, the count tag says she is
        if (_plain_gender(new) and family.counts and _regendered(prompt, family, new, changes)) or (
                not _role(prompt, new) and _counted_as(prompt, old, new, changes)):
            continue  # `make the wizard a woman` on `1boy, wizard`: `1girl, wizard`
        old = old or _same_kind(prompt, new) or _role(prompt, new) or _subject_phrase(prompt)
        if _plain_gender(new) and old and lexicon().gender_of(old) and head_of(old) != old:
            old = head_of(old)  # `make this a dude` on `a young woman`: a young man
        elif _plain_gender(new) and old and ((role := gendered_role(head_of(old), new)) != new or _agent(head_of(
                old))):  # `make him a woman` on `an old fisherman`: an old fisherwoman; on `a lighthouse keeper`:
            if role != new and not role.endswith(head_of(old)):  # a female lighthouse keeper (the role and what
                old, new = head_of(old), role  # is said of it stay)
            else:
                said = _strip_article(_subject_phrase(prompt))
                old = said if head_of(said) == head_of(old) else _strip_article(old)
                said = old.split()  # the gender after what is said of the person: `an old female baker`
                at = next((i for i, w in enumerate(said) if i == len(said) - 1 or not (
                    w in lexicon().antonyms or adjectival([w]))), 0)
                new = " ".join([*said[:at], lexicon().gender_of(new), *said[at:]])
        if _COUNT_TAG.match(old) and lexicon().gender_of(new) and _regendered(prompt, family, new, changes):
            new = " ".join(w for w in words_of(_strip_article(new)) if not _plain_gender(w))  # `a male barista`
            if new:
                edit.add.append(new)
            continue
        if _COUNT_TAG.match(old) and not lexicon().gender_of(new):  # `make it a duel`: 1boy stays, a duel is added
            edit.add.append(new)
            edit.sentences.append(f"{new.capitalize()}.")
            continue
        def change(text: str, o: str = old, n: str = new) -> str | None:
            lead = re.match(r"\s*BREAK\s+", text)  # `BREAK a lone wizard` (no comma before it): the words after
            body = text[lead.end():] if lead else text
            if (worn := _worn(body, o)) and len(worn) == len([p for p in read_term(body).phrases if o.lower() in
                                                              words_of(p.body)]):
                return None  # `witch hat` is not a `vampire hat`: it goes with the witch (below)
            if not prompt.sentences and body.strip().lower() == o.lower() and any(names(t, n) for t in prompt.texts()):
                return ""  # `miko, red hakama` -> a school uniform: once
            tag = o.lower().startswith(lexicon().one_of_prefixes) and body.strip().lower() == o.lower()
            out = body.replace(body.strip(), n) if tag else None if read_term(body).syntax else replace_in(
                body, o, n)  # `source_anime` -> `source_cartoon`: the tag whole
            return f"{lead.group()}{out}" if out and lead else out
        if old and (prompt.each(change) or _in_spans(prompt, reading, lambda body, o=old, n=new: replace_in(
                body, o, n))):
            _regender(prompt, old, new)
            changes.append(f"{old} -> {new}")
            _parts_follow(prompt, old, new, changes)
            _kind_gone(prompt, old, new, changes)
            _regendered(prompt, family, new, changes)  # `a female knight instead` on `1boy`: 1girl
        else:
            notes.append(f"no {old or 'subject'} in the prompt: added {new}")
            edit.add.append(new)
            placed = words_of(new)[:1] and words_of(new)[0] in lexicon().prepositions  # `by a lake`: By a lake.
            edit.sentences.append(f"{new[:1].upper()}{new[1:]}." if placed else f"With {new}.")


def _agent(head: str) -> bool:
    """A noun that names what a person does (`keeper`, `sailor`, `florist`, `librarian`), not who they are."""
    return len(head) > 4 and head.lower().endswith(("er", "or", "ist", "ian")) and not lexicon().gender_of(head)


def _role(prompt: Prompt, new: str) -> str:
    """On a booru prompt, the person its count tag counts, when the new subject is a person too (`make it a witch`
    on `1boy, wizard`: the wizard); else ''."""
    people = lexicon().people
    kinds = {stem(w) for kind in ("female", "male", "any") for w in people[kind]}
    if not _count_tags(prompt) or stem(head_of(new) or new.split()[-1]) not in kinds:
        return ""
    return _phrase_body(prompt, lambda text, read, phrase: bool(phrase.head) and stem(phrase.head) in kinds and
                        read.bare(phrase) and not locked(text))


def _counted_as(prompt: Prompt, old: str, new: str, changes: list[str]) -> bool:
    """A booru count tag takes a new person in its own form: `make him a girl` (subject: `1boy`) -> `1girl`; `2 girls
    instead of 1` -> `2girls`, and `solo` goes."""
    lex = lexicon()
    word = _WORD_OF.get(lex.gender_of(new), "")
    said = words_of(new)
    number = lex.numbers.get(said[0]) or (int(said[0]) if said[0].isdigit() else 0) if said else 0
    tags = _count_tags(prompt)
    if not word or not tags or len(said) > 2 or (old and not old.isdigit()) or (len(said) == 2 and not number):
        return False
    (tag, counted), before = tags[0], tags[0][0].text.strip()
    if not _recount(prompt, tag, word, number or counted, changes):
        return False  # `make her a woman` on `1girl`: not a count
    _regender(prompt, before, word)
    return True


def _apply_weights(prompt: Prompt, reading: Reading, edit: Edit, family: Family, changes: list[str],
           notes: list[str]) -> None:
    """The edit's network weights, then its more X / less X: a term's weight where the family takes them, else
    the thing added (more) or taken out (less)."""
    for named, number, absolute in edit.network_weight:
        if prompt.each(lambda text, n=named, v=number, a=absolute: _network_weight(text, n, v, a)):
            said = f"switches at {number:g}" if named.startswith("[") else f"weight {number:g}" if absolute else \
                "stronger" if number > 0 else "weaker"
            changes.append(f"{named}: {said}")
    for phrase, delta in edit.weight:
        if family.weights and _in_group(prompt, reading, phrase, delta):
            changes.append(f"{'more' if delta > 0 else 'less'} {phrase}")
            continue
        hits = [t for t in prompt.terms if t.text.strip() and names(t.text, phrase)]
        if not hits and delta < 0 and len(phrase) >= 4 and " " not in phrase:  # `less dust`: the `dusty` sky;
            said = {w for t in prompt.terms for w in words_of(t.text) if (w.startswith(phrase) and w[len(phrase):] in (
                "y", "ed", "ing", "s", "es")) or (len(stem(w)) >= 4 and phrase.startswith(stem(w)) and phrase[len(
                    stem(w)):] in ("ed", "y"))}  # `less crowded`: crowds; `less rain`: rainy, not the raincoat
            hits = [t for t in prompt.terms if said & set(words_of(t.text))]
            phrase = next(iter(said), phrase)
        if hits and family.weights and not prompt.sentences:
            prompt.set(hits[0], _reweighed_in(hits[0].text, phrase, delta))
            changes.append(f"{'more' if delta > 0 else 'less'} {phrase}: {hits[0].text}")
        elif hits and delta > 0 and (many := _many(hits[0].text, phrase)):  # `more gondolas` where no weight is
            prompt.set(hits[0], many)  # read: `many gondolas`
            changes.append(f"more {phrase}: {many}")
        elif delta > 0 and not hits and phrase in lexicon().heads["generic"]:  # `colors stronger`: the palette
            if not edit.set:  # the reading set says it, else which?
                notes.append(f"no {phrase} in the prompt to make stronger")
        elif delta > 0:
            edit.add.append(phrase)
            edit.sentences.append(added_sentence(phrase.split(), phrase.split()))
        elif hits:
            for term in hits:  # `less pink`: the pink goes, the light it was said of stays
                cut = without_phrase(term.text, phrase)
                prompt.set(term, cut if cut is not None else without_word(term.text, phrase) or "")
            changes.append(f"removed {phrase}")
        else:
            notes.append(f"no {phrase} in the prompt to reduce")


def _many(text: str, phrase: str) -> str | None:
    """The term with `many` before a plural the user asks more of (`gondolas`), unless it says how many."""
    lex = lexicon()
    said = re.search(rf"(?<![\w-])((?:a|an|the|some)\s+)?{re.escape(phrase)}(?![\w-])", text, re.I)
    before = words_of(text[:said.start()])[-1:] if said else []
    if not said or lex.singular(phrase) == phrase or " " in phrase or (before and (
            before[0] in lex.quantities or before[0] in lex.numbers)):
        return None
    return f"{text[:said.start()]}many {text[said.start() + len(said.group(1) or ''):]}"


MET = ("time", "season", "weather", "expression", "place", "setting", "medium", "framing", "angle")  # not the
# chips' own groups


def _medium_renamed(prompt: Prompt, edit: Edit, changes: list[str]) -> None:
    """A medium asked by name where the prompt says another of its kind (`an oil painting` on `A watercolor
    painting of a fox`): the prompt's takes the new name in place, never `already painting`; a medium tag alone
    takes the new medium's place (`digital painting` -> `3d render`, `oil painting` -> `watercolor painting`)."""
    for asked in [a for a in edit.add if "medium" in facets(a)]:
        kind = facets(asked)["medium"]  # a medium by its own name (`oil painting`), not a look (`storybook`)
        named = asked in edit.said and any(asked.lower() in vocab().groups["medium"][name].words for name in kind)
        kind = {n for n, v in vocab().groups["medium"].items() if asked.lower() in (*v.words, *v.tags)} or kind
        for term in (t for t in prompt.terms if t.text.strip() and not locked(t.text)):
            said = term.text.strip()
            whole = any(said.lower() in value.words for value in vocab().groups["medium"].values()) and not (
                facets(said).get("medium", set()) & kind)
            old = next((" ".join(w for w in p.body.split() if w.lower() not in lexicon().articles)
                        for p in read_term(term.text).phrases if p.head == head_of(asked) and facets(p.body).get(
                            "medium", kind) - kind), "") if named else ""
            if whole or (old and (new := replace_in(term.text, old, asked))):
                prompt.set(term, term.text.replace(said, asked) if whole else new)
                changes.append(f"{said if whole else old} -> {asked}")
                edit.drop_added(edit.add.index(asked))
                break
    _other_media_gone(prompt, edit, changes)


def _other_media_gone(prompt: Prompt, edit: Edit, changes: list[str]) -> None:
    """A medium asked: the prompt's other media said as tags alone go, even one that fits it (`make it a pencil
    sketch` on `digital art, trending on artstation`: no artstation; `oil painting instead` of `watercolor, soft
    washes`: no washes)."""
    asked = {v.name for v in edit.set if v.group == "medium"}
    drawn = {n for n in asked if "illustration" in vocab().groups["medium"][n].fits}  # a watercolor illustration
    for term in (t for t in prompt.terms if t.text.strip() and not locked(t.text)) if asked else ():
        said = facets(term.text) if not read_term(term.text).syntax else {}  # `(bokeh:1.2)`: the user's own weight
        if said.keys() == {"medium"} and not said["medium"] & asked and not (drawn and said["medium"] <= {
                "illustration"}):  # a medium alone, not `vibrant colors`; an illustration may be drawn any way
            changes.append(f"removed {term.text.strip()} (another medium)")
            prompt.set(term, "")


def _already_said(prompt: Prompt, edit: Edit, notes: list[str]) -> None:
    """A value the prompt says already (`rain` on a rainy street, `smiling` beside `smile`) adds nothing, nor does a
    thing it has (`the cat should be sleeping` on `a black cat sleeps`)."""
    for added in [a for a in edit.add if _met(prompt, a)]:
        notes.append(f"already {added}")
        at, aligned = edit.add.index(added), len(edit.add) == len(edit.sentences)  # its sentence stands at its
        edit.add.pop(at)  # place (`sleeping`: `Asleep.`), where each addition has one (a value's tags share theirs:
        if aligned:  # `mist` of `fog, mist` takes no `In the rain.` with it)
            edit.sentences.pop(at)
    said = facets(prompt.render())
    said["framing"] = facets(prompt.render(), entries=False).get("framing", set())  # an 85mm lens is no close-up
    main = set(subject_heads(prompt.texts())[:1])  # a pose or a face: the subject's, not the dog's beside her
    own = facets(", ".join(t for t in prompt.texts() if not _someone_else(t, main)), entries=False)
    said.update({g: own.get(g, set()) for g in ("pose", "expression")})
    met = [v for v in edit.set if v.group in MET and v.name in said.get(v.group, set()) and (
        v.group != "framing" or _framed_so(prompt.render(), v, edit.add))]
    tags = {t.strip(" .").lower() for t in prompt.texts()}  # a mood said by a term of its own (`cozy`), not `calm sea`
    met += [v for v in edit.set if v.group == "mood" and tags & {*v.words, *v.tags}]
    if met:  # the value's own tags go; what the user named (`lightning` in a storm) stays unless it is there
        text = prompt.render()
        gone = [a for a in edit.add if names(text, a) or _respelled(text, a) or any(_only_names(a, v) for v in met)
                or (a not in edit.said and any(a in v.tags or v.name in facets(a).get(v.group, set()) for v in met))]
        edit.add[:] = [a for a in edit.add if a not in gone]
        edit.sentences[:] = [s for s in edit.sentences if not any(s == v.sentence for v in met) and not any(
            s.lower().strip(".") == a.lower() for a in gone)]


def _framed_so(text: str, value: Value, added: list[str]) -> bool:
    """The prompt frames the picture as asked: by a word of what is asked (`macro photography` for `a macro
    shot`), not another framing of the same kind (`portrait` is no `close-up`: `closer` asks for one)."""
    pattern = phrase_pattern(value.words)
    said = {w for m in pattern.finditer(text) for w in re.findall(r"[a-z]+", m.group().lower())}  # `close-up` is
    asked = {w for a in added for m in pattern.finditer(a) for w in re.findall(r"[a-z]+", m.group().lower())}  # close
    return not asked or bool(said & asked)


def _forms(word: str) -> set[str]:
    """A word's forms, to find it said otherwise (`sleeps`, `sleeping`, `asleep`: sleep; `sitting`: sit)."""
    lex = lexicon()
    forms = {word, stem(word), *base_forms(word)}
    forms |= {base_verb(word)} if word.endswith("s") else set()
    forms |= {word[1:]} if word.startswith("a") and word[1:] in lex.gerunds else set()  # `asleep`
    forms |= {f[:-1] for f in forms if len(f) > 3 and f[-1] == f[-2]} | {f + "e" for f in forms if len(f) > 3}
    return forms


def _met(prompt: Prompt, added: str) -> bool:
    """The prompt says an addition already (`sitting down` on `puppy sitting`, `holding a katana` on `holding
    sword, katana`): a thing with its words in one term, what is done anywhere in the prompt."""
    lex = lexicon()
    words = [w for w in words_of(added) if (w not in lex.function or w in lex.particles) and w not in lex.articles]
    if len(words) == 2 and words[1] in lex.particles and any(
            words[1] not in words_of(lex.gerunds.get(f"{f} {words[1]}", words[1])) for f in _forms(words[0])):
        words = words[:1]  # `sitting down` is sitting (`sit down`: sitting); `looking up` is not `looking down`
    main = set(subject_heads(prompt.texts())[:1])  # what is done: by the subject (not `a dog sitting beside her`)
    anywhere = {f for t in prompt.texts() if not _someone_else(t, main) for w in words_of(t) for f in _forms(w)}
    head = head_of(added)
    if not words or not head or verb_ing(head):
        return bool(words) and all(_forms(w) & anywhere for w in words)
    terms = [{f for w in words_of(t) for f in _forms(w)} for t in prompt.texts()
             if any(p.head and _forms(head) & _forms(p.head) for p in read_term(t).phrases)]  # `cat ears` is no cat
    return any(all(_forms(w) & (anywhere if verb_ing(w) else term) for w in words) for term in terms)


def _only_names(said: str, value: Value) -> bool:
    """`photo`, `realistic photo`, `golden hour light`: the value by its name or words, with only its own words,
    a light or a look beside it (`lightning` in a storm names more than the storm)."""
    words, lex = set(words_of(said)), lexicon()
    own, look = {value.name, *(w for p in value.words for w in words_of(p))}, lex.heads["light"] | set(lex.wrappers)
    named = value.name in words or (words & look and phrase_pattern(value.words).search(said) is not None)
    return bool(named) and words <= own | look


def _respelled(text: str, said: str) -> bool:
    """The text says it, hyphens and spaces aside (`close up` where the prompt says `close-up`)."""
    flat, whole = (re.sub(r"[\s-]+", " ", t.lower()).strip() for t in (said, text))
    return bool(flat) and re.search(rf"(?<!\w){re.escape(flat)}(?!\w)", whole) is not None


def _in_group(prompt: Prompt, reading: Reading, phrase: str, delta: float) -> bool:
    """A weight moved on the user's group the reading names (`less emphasis on the umbrella`: `((red umbrella))`
    -> `red umbrella`)."""
    for term in prompt.terms:
        for span in find_spans(term.text):
            said = {w[:4] for w in words_of(phrase) if len(w) >= 4}  # `holo signs`: `(holographic signs:1.1)`
            if span.kind == "group" and reading.spans.get(span.text) == "change" and (names(span.text, phrase) or (
                    said and said <= {w[:4] for w in words_of(span.key)})):
                prompt.set(term, term.text.replace(span.text, _reweight(span.text, delta), 1))
                return True
    return False


def _in_place(prompt: Prompt, edit: Edit, changes: list[str]) -> None:
    """An addition whose opposite the prompt says takes its place (`standing` for `sitting`; the fox `sleeping
    curled up` where it was `sitting`)."""
    antonyms = lexicon().antonyms
    for tag in list(dict.fromkeys(edit.add)):
        if not verb_ing(tag.split()[0]):
            continue  # a pose (`sleeping curled up`, `standing`), not a thing (`old man`) nor a chip's `dark`
        opposite = {o for key in (tag.lower(), tag.lower().split()[0]) for o in antonyms.get(key, ())}
        pattern = phrase_pattern(sorted(opposite)) if opposite else None
        term = next((t for t in prompt.terms if pattern and t.text.strip() and pattern.search(t.text)
                     and not read_term(t.text).syntax), None)
        if term is None:
            continue
        old = pattern.search(term.text).group(0)
        prompt.set(term, pattern.sub(tag, term.text, count=1))
        changes.append(f"{old} -> {tag}")
        edit.add[:] = [a for a in edit.add if a != tag]
        edit.sentences[:] = [s for s in edit.sentences if s.lower().strip(".").removeprefix("with ") != tag.lower()]


def _said_otherwise(prompt: Prompt, edit: Edit, changes: list[str]) -> None:
    """An added thing the prompt has, said otherwise (`long hair in a ponytail` on `short black hair`): the
    prompt's phrase takes the new words (`long black hair`), and in tags what the addition says after its thing
    is a tag of its own (`ponytail`)."""
    lex = lexicon()
    for at, tag in reversed(list(enumerate(edit.add))):
        read = read_term(tag)
        first = read.phrases[0] if read.phrases and not read.syntax else None
        if first is None or not first.head or (len(read.phrases) > 1 and prompt.sentences) or (
                first.prep == "with" and any(many != 1 for _, many in edit.count)):
            continue  # `another girl with black hair`: hers, the first one's stays
        words = [w for w in words_of(first.body) if w not in lex.articles]
        said, noun = words[:-1], words[-1]
        if not said or noun != first.head.lower() or not all(w in lex.antonyms or w in lex.materials or w in
                                                             lex.colours for w in said):
            continue
        def opposed(text: str, w: str) -> bool:
            others = lex.antonyms.get(w, frozenset()) | (set(lex.colours) - {w} if w in lex.colours else set())
            return bool(others & set(words_of(text)))
        term = next((t for t in prompt.terms if t.text.strip() and any(opposed(t.text, w) for w in said) and any(
            p.head and same_noun(p.head, noun) for p in read_term(t.text).phrases)), None)
        text = term.text if term else None
        for word in reversed(said):
            text = text and ((recolour if word in lex.colours else modify)(text, noun, word) or text)
        if term is None or text is None or text == term.text:
            continue
        prompt.set(term, text)
        changes.append(f"{noun}: {' '.join(said)}")
        rest = tag[first.end:].strip()
        edit.drop_added(at)
        if rest and (thing := next((p for p in read_term(rest).phrases if p.head), None)):
            edit.add.insert(at, re.sub(r"^(?:a|an|the|some)\s+", "", thing.body, flags=re.I))


def _uncounted(prompt: Prompt, edit: Edit, family: Family, changes: list[str]) -> None:
    """A person of a gender taken out of a booru prompt that counts people: its count tag says one fewer (`remove
    the guy` on `1girl, 1boy, couple`: `1girl`), and a couple is no more."""
    for thing in list(edit.remove) if family.counts and not prompt.sentences else ():
        word = _WORD_OF.get(lexicon().gender_of(thing), "") if _plain_gender(thing) else ""
        tags = _count_tags(prompt, word) if word else []
        if not tags or (len(_count_tags(prompt)) < 2 and tags[0][1] == 1):
            continue  # the only one counted is the subject
        tag, many = tags[0]
        if many > 1:
            _recount(prompt, tag, word, many - 1, changes)
        else:
            changes.append(f"removed {tag.text.strip()}")
            prompt.set(tag, "")
        for term in prompt.terms:
            if term.text.strip().lower() in lexicon().pairs:
                prompt.set(term, "")
        edit.remove.remove(thing)


def _counted_in(prompt: Prompt, edit: Edit, family: Family, changes: list[str]) -> None:
    """A person of a gender added to a booru prompt that counts people: the count tag counts them too (`add a girl
    next to her` on `1girl, solo`: `2girls`; `add a boy knight`: `1boy`, knight), and `solo` goes; the plain
    gender word is said by the tag (`her sister` stays a sister)."""
    lex = lexicon()
    if not family.counts or prompt.sentences or not _count_tags(prompt) or edit.count:
        return  # (`add a second fox girl, like her sister`: the count says her)
    for at in reversed(range(len(edit.add))):
        said = edit.add[at].split()
        word = _WORD_OF.get(lex.gender_of(said[0]), "") if said else ""
        kin = said[:1] and lex.singular(said[0]) in {*lex.people["female_kin"], *lex.people["male_kin"]}
        if not word or not (_plain_gender(said[0]) or kin) or len(said) > 3:
            continue
        tags = _count_tags(prompt, word)
        if tags:
            _recount(prompt, tags[0][0], word, tags[0][1] + 1, changes)
        else:
            kept = [t for t in prompt.terms if t.text.strip()]
            prompt.insert(kept.index(_count_tags(prompt)[-1][0]) + 1, count_tag(1, word))
            changes.append(f"added {count_tag(1, word)}")
        for term in prompt.terms:
            if term.text.strip().lower() == "solo":
                prompt.set(term, "")
        rest = said if kin else said[1:]
        if rest:
            edit.add[at] = " ".join(rest)
        else:
            edit.drop_added(at)


def _people_added(prompt: Prompt, edit: Edit, family: Family, changes: list[str]) -> None:
    """A person added: a tag that says no one is there goes (`no humans`); a booru family counts them (`girl
    sleeping by the cat` -> `1girl`, `sleeping by the cat`)."""
    lex = lexicon()
    others = lex.people["others"]
    anyone = {*lex.people["any_person"], *lex.people["any"], *others}  # `a rider`, `two classmates`
    hers = {tag for said in lex.count_tag_words.values() for tag in said.values()}  # `mature male`: him, older
    people = [(at, head) for at, tag in enumerate(edit.add) if tag not in hers and (
        head := read_term(tag).phrases[0].head) and (lex.gender_of(head) or {head, lex.singular(head)} & anyone)]
    plain = [(at, head) for at, head in people if _plain_gender(head) or lex.singular(head) in others]  # `a girl`,
    # `her friend`: someone besides her; `a pirate` may be a role said of her, `pirates` are others
    crowd = family.counts and bool(plain or any(lex.singular(head) != head for _, head in people)) and bool(
        _count_tags(prompt))  # someone is there already: not solo
    for term in prompt.terms if people else ():
        said = words_of(term.text)
        if (said[:1] and said[0] in lex.negations["in_prompt"] and said[1:] and set(said[1:]) <= set(
                lex.people["everyone"])) or (crowd and said == ["solo"]):
            changes.append(f"removed {term.text.strip()}")
            prompt.set(term, "")
    for at, head in reversed(plain if family.counts and not prompt.sentences else []):
        word = _WORD_OF.get(lex.gender_of(head), "")
        said = edit.add[at].split()
        if word and not _count_tags(prompt, word) and said[0] == head:  # `1girl` counts her
            edit.add[at:at + 1] = [count_tag(1, word), *([" ".join(said[1:])] if said[1:] else [])]


def _additions(prompt: Prompt, edit: Edit, family: Family, changes: list[str]) -> None:
    """The edit's additions: sentences appended (Flux/SD3), tags before the quality terms; terms a cut left
    saying nothing go (a `sky` the user wrote stays)."""
    _in_place(prompt, edit, changes)
    _said_otherwise(prompt, edit, changes)
    if prompt.sentences:
        main = set(subject_heads(prompt.texts())[:1])  # said of the subject, not of `a dog sitting beside her`
        text = ", ".join(t for t in prompt.texts() if not _someone_else(t, main))
        new = [s for s, tag in zip(edit.sentences, edit.add, strict=False) if not names(text, tag)]
        new += [s for s in edit.sentences[len(edit.add):] if s not in text]
        for sentence in _moods_joined(list(dict.fromkeys(new))):
            prompt.insert(len(prompt.texts()), sentence)
            changes.append(f"added {sentence}")
        return
    for term in prompt.terms:
        if term.text.strip() and not (prompt.as_parsed(term) or read_term(term.text).syntax or says_something(
                term.text)):
            prompt.set(term, "")
    items = prompt.texts()
    added = [re.sub(r"^with\s+", "", t) for t in dict.fromkeys(edit.add) if not any(
        names(item, t) and _headed(item, t) for item in items)]  # `another girl with black hair`: a tag of hers
    cut = _quality_cut(items, family)
    for offset, tag in enumerate(added):
        prompt.insert(cut + offset, tag)
        changes.append(f"added {tag}")


_MOOD = re.compile(r"^An? ([\w-]+(?: [\w-]+)?) mood\.$")


def _moods_joined(sentences: list[str]) -> list[str]:
    """`A lonely mood.`, `An eerie mood.`: `A lonely, eerie mood.`"""
    out: list[str] = []
    for sentence in sentences:
        if out and (said := _MOOD.match(sentence)) and _MOOD.match(out[-1]):
            out[-1] = f"{out[-1][:-6]}, {said.group(1)} mood."
        else:
            out.append(sentence)
    return out


def _headed(item: str, tag: str) -> bool:
    """The item is about what the tag names (`black cat` for `cat`; `cat ears` is ears)."""
    head = head_of(tag)
    return not head or any(p.head and same_noun(p.head, head) for p in read_term(item).phrases)


def _negative(negative: str, edit: Edit, family: Family, changes: list[str]) -> str:
    if not edit.negative or not family.negative_allowed:
        return negative
    have = tag_terms(negative)
    new = [n for n in edit.negative if not any(names(h, n) for h in have)]
    if new:
        changes.append(f"negative prompt: added {', '.join(new)}")
    return tidy(", ".join([*have, *new]))
