"""A model's answer -> checked prompt fields -> a PromptVersion.

Every answer passes the same checks before it can replace anything: it parses, it has a prompt, the
description's subject is kept, nothing contradicts the description (or the instruction), the family's
rules hold on the text and on every setting, its syntax is repaired, and (for a refine) the guard
keeps every span the user wrote.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from ..errors import ProviderError
from ..providers.types import Completion, Usage
from ..types import PromptVersion
from . import compact
from .checks import (
    drop_chat,
    drop_contradictions,
    drop_intruders,
    family_rules,
    has_word,
    keep_facets,
    keep_subject,
    leads,
    negations_to_negative,
    said_negations,
    wanted_out_of_negative,
)
from .describe import QUOTED, Description
from .edits import Applied, apply_edit
from .families import Family
from .grammar import networks, plain
from .lexicon import alternation, lexicon, stem, words_of
from .params import aspect_size, family_params
from .parse import parse_answer
from .prompt import Prompt, find_spans, tag_terms
from .reading import Edit, Reading
from .structure import (
    head_of,
    names,
    read_term,
    recolour,
    replace_in,
    says_something,
    subject_heads,
    without_phrase,
)
from .syntax import guard, no_new_edges, repair
from .vocab import SOLE, Facets, clash, facets, phrase_pattern, vocab

# Groups whose contradictions are sure enough to change a large model's answer; indoors/outdoors is read from
# nouns (`shuttered shops` on a street is not indoors), so there a contradiction is only a warning.
SURE = {"time", "season", "weather", "setting", "medium", "brightness", "detail", "mood", "color", "framing",
        "expression"}
# Groups whose values are one at a time in a picture (a night is no day): an instruction read exactly that sets one
# is the one reading sure enough to change a model's answer (what contradicts it goes, a value it left out is
# added); for the others the model decided, and a note says what looks off.
EXCLUSIVE = {"time", "season", "weather", "medium"}


@dataclass
class Fields:
    prompt: str
    negative: str
    params: dict
    notes: str = ""
    warnings: list[str] = field(default_factory=list)


_COUNT = re.compile(r"^\d+\+?")  # `1girl` is a girl
_FENCE = re.compile(r"^\s*```[\w-]*|```\s*$")


def _text(value: object) -> str:
    """A field of the answer as one line: a list joined, a code fence around it taken off."""
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value if str(v).strip())
    if not isinstance(value, str):
        return ""
    return " ".join(_FENCE.sub("", value.strip()).replace("\r", " ").split()).strip(" ,")


def read_answer(completion: Completion) -> tuple[dict, list[str]]:
    """The answer's JSON object, or ProviderError (the caller's fields stay untouched)."""
    parsed = parse_answer(completion.text)
    if parsed.data is None:
        raise ProviderError(completion.provider, f"{completion.model}'s answer is not a usable prompt: "
                            f"{parsed.error}", hint="your prompt is unchanged; try again or use a stronger model")
    return parsed.data, ["the answer was cut short; its complete parts were used"] if parsed.salvaged else []


def _no_prompt(completion: Completion) -> ProviderError:
    return ProviderError(completion.provider, f"{completion.model}'s answer has no prompt",
                         hint="your prompt is unchanged; try again or use a stronger model")


def _default_negative(family: Family, style: dict | None) -> str:
    if not family.negative_allowed:
        return ""
    return ", ".join(dict.fromkeys([family.negative, *(style["negative"] if style else [])])).strip(", ")


def compact_plan_fields(completion: Completion | None, family: Family, desc: Description, plan: compact.Plan | None,
                        style: dict | None) -> Fields:
    """The embedded model's choices (or, for a description it cannot read, none) around the user's words."""
    warnings: list[str] = []
    if plan is None or completion is None:
        prompt = compact.own_words_prompt(desc, family)
        note = "Your own words, with the family's settings."
    else:
        data, warnings = read_answer(completion)
        picks = compact.keep_consistent(plan.chosen(data), dict(desc.facets), warnings, tuple(desc.negated))
        builder = compact.sentence_prompt if family.sentences else None
        prompt = builder(desc, picks, style) if builder else compact.tag_prompt(desc, picks, family, style)
        note = (f"Your words first; the embedded model chose {', '.join(e.tag for e in picks) or 'nothing'} "
                f"from the vocabulary; negative prompt and settings are the {family.label} defaults.")
    prompt, fixes = repair(prompt)
    answer = Prompt.parse(prompt, family)
    negated = compact.counted_negated(desc.negated, family)
    negative = negations_to_negative(answer, _default_negative(family, style), negated, family, warnings,
                                     restate=True)
    negative = wanted_out_of_negative(negative, desc.wanted_heads, desc.lettering, warnings)
    return Fields(answer.render(), negative, family_params(family), note, warnings + fixes)


def plan_fields(completion: Completion, family: Family, *, desc: Description, style: dict | None,
                answer: tuple[dict, list[str]] | None = None) -> Fields:
    """A full answer (prompt, negative prompt, settings, notes), held to the description and the family.
    `answer`: one take of an answer of several, read already (craft/takes.py)."""
    data, warnings = (answer[0], list(answer[1])) if answer is not None else read_answer(completion)
    prompt = _text(data.get("prompt"))
    if not prompt:
        raise _no_prompt(completion)
    negative = _text(data.get("negative_prompt", data.get("negative")))
    if family.negative_allowed and not negative:
        negative = family.negative
    parsed = Prompt.parse(prompt, family)  # every check below changes this one parse
    drop_chat(parsed, warnings)
    if desc.english:
        drop_intruders(parsed, desc.text, warnings)
        sure = SURE | ({"place"} if _indoors(desc) else set())  # `indoors`, said: no beach
        drop_contradictions(parsed, desc.facets, warnings, keep=set(desc.nouns), only=sure)
        _other_places(parsed, desc, warnings)
        negative = negations_to_negative(parsed, negative, desc.negated, family, warnings, everyone=True)
        keep_subject(parsed, desc, family, warnings)
        keep_facets(parsed, desc, EXCLUSIVE, family, warnings)
        negative = wanted_out_of_negative(negative, desc.wanted_heads, desc.lettering, warnings)
    if family.negative_allowed and (own := said_negations(parsed)):  # the answer's own `no people`
        negative = negations_to_negative(parsed, negative, own, family, warnings)
    negative = wanted_out_of_negative(negative, subject_heads(parsed.texts()), [], warnings)
    prompt = parsed.render()
    rating = not set(family.prefix) <= set(tag_terms(prompt))  # a model that wrote Pony's scores chose its rating
    prompt, negative = family_rules(prompt, negative, family, warnings, rating=rating)
    prompt, fixes = repair(prompt)
    negative, negative_fixes = repair(negative)
    params = family_params(family, data.get("params"), notes=warnings)
    return Fields(prompt, negative, params, _text(data.get("notes"))[:300], warnings + fixes + negative_fixes)


PLACES = ("underwater", "space", "indoor")  # settings that rule out another place's picks (sky under water)


def _indoors(desc: Description) -> bool:
    """The description says indoors, or in an indoor place (`reading in a library`): a sign on a cafe may be seen
    from the street outside."""
    indoor = vocab().groups["place"]["indoor"]
    inside = re.compile(r"\b(?:in|inside|within)\s+(?:\w+\s+){0,3}?(?:" + alternation(indoor.words) + r")\b", re.I)
    return bool(phrase_pattern(["indoor", *indoor.tags]).search(desc.text) or inside.search(desc.text))


def _other_places(answer: Prompt, desc: Description, notes: list[str]) -> None:
    """Under water, in space or indoors, a term that is another place's (`sky`, `clouds`, `street`: vocab's
    rules_out), whole or by its head noun, goes; what the description itself names stays."""
    said = desc.facets.get("setting", set()) | desc.facets.get("place", set())
    said -= set() if _indoors(desc) else {"indoor"}
    ruled = {w for v in said if v in PLACES for w in vocab().rules_out.get(v, ())} - set(desc.heads)
    for term in answer.terms if ruled else ():
        heads = {p.head for p in read_term(term.text).phrases if p.head}
        if term.text.strip() and (term.text.strip(" .").lower() in ruled or (heads and heads <= ruled)):
            notes.append(f"removed {term.text.strip()!r}: another place than {', '.join(sorted(said & set(PLACES)))}")
            answer.set(term, "")


def _subject_unit(before: Prompt, family: Family) -> list[str]:
    """What a prompt is about, by the form's convention: its first sentence (sentence families), else its first
    term past the leading, quality and syntax-only tags."""
    if before.sentences:
        groups = [[t.text.strip() for t in g if t.text.strip()] for g in before.groups()]
        return next((g for g in groups if g), [])
    quality = {q.lower() for q in family.quality} | set(lexicon().quality_words)
    said = [t for t in before.texts()[before.leading(leads(family)):] if t.lower() not in quality and
            says_something(_unspanned(t))]
    first = next((t for t in said if not all(p.slot == "medium" for p in read_term(_unspanned(t)).phrases)),
                 said[0] if said else None)  # `pixel art, a small knight`: the knight, not the medium
    return [first] if first else []


def _unspanned(text: str) -> str:
    """A term without the user's syntax spans (`a [stone:crystal:0.5] castle` -> `a castle`), a weighted group's
    words kept (`a (huge dragon:1.3) perched` -> `a huge dragon perched`): what it is about."""
    for span in reversed(find_spans(text)):
        kept = plain(span.text) if span.kind == "group" else ""
        text = f"{text[:span.start]} {kept} {text[span.end:]}"
    return " ".join(text.split())


def _lost(unit: list[str], after: set[str], said: set[str], sentences: bool) -> str:
    """The subject's head noun when the answer lost the subject (''): a term whose head nouns are all gone, or a
    sentence of which less than two fifths of the content words stay; never what the instruction takes away."""
    heads = [p.head for text in unit for p in read_term(_unspanned(text)).phrases if p.head and p.prep in ("", "of")]
    if not heads or has_word(heads[0], said):  # the instruction takes the subject itself away
        return ""
    if sentences:
        words = [w for text in unit for w in words_of(text) if w not in lexicon().function and len(w) > 2]
        return heads[0] if sum(has_word(w, after) for w in words) < 0.4 * len(words) else ""
    return "" if any(has_word(h, after) for h in heads) else heads[0]


_GLUED = re.compile(r"(?<=[a-z0-9])\s+((?:" + alternation(tuple(w.capitalize() for w in lexicon().negations[
    "in_prompt"])) + r")\s+[a-z][^.!?]*[.!?]?)$")


def _keep_subject(before: Prompt, answer: Prompt, reading: Reading, family: Family, notes: list[str]) -> None:
    """A refine keeps what the prompt is about unless the reading takes it away: the leading count tags (`1girl`)
    the answer dropped go back first, and the subject (the first term or sentence) goes back when the answer lost
    it. A replacement of the subject the answer made is a change, not a loss; where the instruction takes a person
    away, or its unread part may speak of the subject, the answer stands (with a note)."""
    edit = reading.edit
    people = set(lexicon().people["any_person"]) | {w for k in ("female", "male", "any") for w in lexicon().people[k]}
    said = {stem(head_of(t)) for t in edit.taken()} | {stem(w) for w in reading.unread_words}
    after = answer.render()
    unit = _subject_unit(before, family)
    replaced = [(old, new) for old, new in edit.replace if new and (not old or names(" ".join(unit), old) or not names(
        before.render(), old))]  # `swap the car for a harley` on a mustang convertible: the subject, by its kind
    olds = {w for old, _ in replaced for w in words_of(old)}
    rest = [w for t in unit for w in words_of(t) if w not in lexicon().function and len(w) > 2 and w not in olds]
    gone = answer.sentences and sum(has_word(w, set(words_of(after))) for w in rest) < 0.4 * len(rest)
    if (any(_mentioned(after, new) for _, new in replaced) and not gone) or any(not n for n, _ in edit.adjust):
        return  # a new subject, or a replacement the answer made in its own words (`swap the dog for a fox`); not
        # when the subject's sentence went with it (`a bowl of ramen on a wooden counter` -> `the plate holds`)
    have, had = set(answer.texts()), set(before.texts())
    if any(t in lexicon().leading_tags and t not in had for t in have):
        return  # new count tags (`1girl` for `2girls`): the answer changed who is in the picture
    counts = [t for t in before.texts() if t in lexicon().leading_tags and t not in have
              and stem(_COUNT.sub("", t)) not in said]
    if "solo" in counts and (reading.unread or edit.count or edit.add):  # `surround him with 5 skeletons`: others
        counts.remove("solo")  # may be there now; the model's call
        notes.append("the answer dropped 'solo': kept as the model wrote it (the instruction adds someone or more)")
    for offset, tag in enumerate(counts):
        answer.insert(answer.leading(lambda x: x in family.prefix or x.startswith(lexicon().leading_prefixes))
                      + offset, tag)
        notes.append(f"kept {tag!r}: the answer had dropped it")
    lost = _lost(unit, set(words_of(_unspanned(after))), said - {stem(w) for old, _ in replaced for w in words_of(old)},
                 answer.sentences)
    if lost and replaced:  # the subject was to change, and the answer lost it: it comes back, changed
        unit = [_replaced(unit[0], replaced), *unit[1:]]
    if not lost or (lost in people and said & {stem(p) for p in people}):
        return
    if reading.unread and set(reading.unread_words) & (lexicon().pronouns | people):
        notes.append(f"the answer dropped {lost}: kept as the model wrote it (the instruction may ask it)")
        return
    notes.append(f"kept {' '.join(unit)!r}: the answer had dropped {lost}")
    stranded = {span.text for text in unit for span in find_spans(text)}  # `[wood:stone:0.4]` kept alone: it goes
    for term in answer.terms:  # back inside its subject
        if term.text.strip() in stranded:
            answer.set(term, "")
    if answer.sentences:
        text = ", ".join(c.rstrip(".!?") for c in unit)
        answer.insert(0, text + (unit[-1][-1] if unit[-1][-1] in ".!?" else "."))
    else:
        answer.insert(answer.leading(leads(family)), unit[0])


def _keep_quality(before: Prompt, answer: Prompt, edit: Edit, family: Family, notes: list[str]) -> None:
    """The quality tags a booru prompt opens with (`masterpiece, best quality`) that an answer dropped unasked go
    back where they were (a medium changed may drop a photo's `8k`: the model's call)."""
    tags, have = set(lexicon().quality_tags), {t.strip().lower() for t in answer.texts()}
    taken = " ".join(edit.taken())
    lead = list(itertools.takewhile(lambda t: t.strip().lower() in tags, before.texts()))
    for at, text in enumerate(lead if family.counts else ()):  # a booru prompt's leading `masterpiece, ...`
        said = text.strip().lower()
        if said not in have and not names(taken, said):
            answer.insert(min(at, len(answer.texts())), text.strip())
            notes.append(f"kept {text.strip()!r}: the answer had dropped it")


def _keep_medium(before: Prompt, answer: Prompt, edit: Edit, notes: list[str]) -> None:
    """The term a prompt opens with when it only says the picture's medium (`pixel art`), dropped by an answer the
    instruction asked no other medium or style of, goes back; a new medium asked (`make it a photo`) may take it."""
    if any(v.group == "medium" for v in [*edit.set, *edit.implied]) or answer.sentences or any(
            "medium" in facets(a) or a.endswith(" style") for a in edit.asked()):
        return
    have, taken = {t.strip().lower() for t in answer.texts()}, " ".join(edit.taken())
    for at, text in enumerate(before.texts()[:1]):  # the term a prompt opens with (`pixel art, a knight`)
        read = read_term(text)
        if read.phrases and not read.syntax and all(p.slot == "medium" for p in read.phrases) and \
                text.strip().lower() not in have and not names(taken, text.strip()):
            answer.insert(min(at, len(answer.texts())), text.strip())
            notes.append(f"kept {text.strip()!r}: the answer had dropped it")


def _replaced(text: str, pairs: list[tuple[str, str]]) -> str:
    """The text with each (old, new) made (`A small wooden cabin stands` -> `A small wooden lighthouse stands`)."""
    for old, new in pairs:
        text = (replace_in(text, old, new) if old else None) or text
    return text


def _taken_out(answer: Prompt, before: Prompt, edit: Edit, notes: list[str]) -> None:
    """What the instruction takes away (removals, negations, replaced phrases) does not stay in the answer; a
    thing the prompt did not say (`a grown cat`) only where the answer says it whole (not the `black cat`)."""
    asked = " ".join(edit.asked())
    by = {old: new for old, new in edit.replace}
    of = {word: noun for noun, word in edit.unsaid if noun}  # `silver watch not brass`: the watch's brass only
    for thing in dict.fromkeys(edit.taken()):
        if not thing or names(asked, thing):
            continue
        said = any(names(text, thing) for text in before.texts())
        cuts = 0
        for term in answer.terms:
            clause = term.text
            if not clause.strip() or (thing in by and _mentioned(clause, by[thing])) or read_term(clause).syntax or \
                    not (said or names(clause, thing)) or (thing in of and not names(clause, of[thing])):
                continue  # `sunset sky` for "make the sky a sunset"
            # a replacement is made inside the phrase (`red vintage car` -> `red vintage motorcycle`)
            cut = replace_in(clause, thing, by[thing]) if by.get(thing) else without_phrase(clause, thing)
            if cut is not None and cut != clause:
                answer.set(term, cut)
                cuts += 1
        if cuts:
            notes.append(f"took out {thing!r}: the instruction takes it away")


def _recoloured(answer: Prompt, before: Prompt, edit: Edit, notes: list[str]) -> None:
    """A recolour holds in the answer: the noun's other colours leave its phrases (`silver hair` when the hair is
    now black) and a term that is only the noun's old colour (`silver`) goes."""
    for noun, colour in edit.recolour:
        old = {w for t in before.terms for p in read_term(t.text).phrases if p.head == noun
               for w in words_of(p.body) if w in lexicon().colours and w != colour}
        for term in answer.terms:
            clause = term.text
            words = set(words_of(clause))
            if words and words <= old:
                answer.set(term, "")
            elif words & old and (changed := recolour(clause, noun, colour)) not in (None, clause):
                answer.set(term, "" if changed in answer.texts() else changed)  # `black hair` is there already
            else:
                continue
            notes.append(f"the {noun} is {colour} now: changed {clause!r}")


def _one_weight(answer: Prompt, before: Prompt, notes: list[str]) -> None:
    """One weight per term: when the answer holds a term twice, weighted two ways (`(freckles:1.4)` beside the old
    `(freckles:1.2)`), the copy that is the current prompt's goes (the other is the change)."""
    if answer.sentences:
        return
    had = set(before.texts())
    seen: dict[str, list[str]] = {}
    for item in answer.texts():
        key = " ".join([*words_of(plain(item)), *(n.key for n in networks(item))])  # a LoRA by its name
        seen.setdefault(key, []).append(item)
    stale = {i for copies in seen.values() if any(c not in had for c in copies) for i in copies if i in had}
    if stale:
        notes.append(f"kept the new weight: removed {', '.join(sorted(stale))}")
        for term in answer.terms:
            if term.text.strip() in stale:
                answer.set(term, "")


def _asked_for(answer: Prompt, edit: Edit, family: Family, notes: list[str]) -> None:
    """What an instruction our rules read whole asks for, and the answer left out: a time, season or weather is
    added; for the rest (a new thing, a colour, a modifier, a place: words the model may say its own way) a note
    says what may be missing. A right answer already has it all and passes unchanged."""
    prompt = answer.render()
    missing = Edit()
    for value in edit.set:
        if value.group not in EXCLUSIVE:  # darker can be night, more detail a texture: the model's call
            continue
        said = facets(prompt).get(value.group, set())
        named = _mentioned(prompt, value.name) or any(_mentioned(prompt, t) for t in value.tags)
        phrases = [t for t in edit.add if t in value.tags or names(t, value.name)]
        if phrases and all(any(v in facets(prompt).get(g, set()) for g, vs in facets(t).items() if g != value.group
                               for v in vs) for t in phrases):
            continue  # `an overcast grey day`: the answer's overcast says it; the day was how it was said
        if not named and value.name not in said and not any(value.name in vocab().groups[value.group][s].fits
                                                            for s in said):
            missing.set.append(value)
            missing.add += [t for t in edit.add if t in value.tags or names(t, value.name)] or list(value.tags)
            missing.sentences.append(value.sentence or f"{', '.join(value.tags).capitalize()}.")
    chips = {t for chip in lexicon().chips.values() for t in chip.get("add", [])}
    unsure = [a for a in edit.add if not _mentioned(prompt, a) and a not in chips and not any(
        a in v.tags for v in edit.set)]
    unsure += [new for _, new in edit.replace if not _mentioned(prompt, new)]
    unsure += [f"{c} {n}" for n, c in edit.recolour if not _mentioned(prompt, f"{c} {n}")]
    unsure += [f"{w} {n}".strip() for n, w in edit.adjust if not _mentioned(prompt, w)]
    unsure += [p for p in edit.relocate if not _mentioned(prompt, p)]
    if unsure:
        notes.append(f"check: the answer may not say {', '.join(dict.fromkeys(unsure))}; kept as the model wrote it")
    if missing.empty():
        return
    applied = apply_edit(answer, "", {}, Reading(edit=missing), family)
    if applied.changes:
        notes.append(f"the answer left out what the instruction asks: {'; '.join(applied.changes)}")


# Words of an instruction that say how it asks, not what (`make her crying`, `fireflies around`)
_ASKING = frozenset({*lexicon().function, *lexicon().chat, *lexicon().pronouns, *lexicon().copulas,
                     *(v for said in lexicon().verbs.values() for v in said if " " not in v), "made", "around", "next"})


def _mentioned(prompt: str, asked: str) -> bool:
    """The answer says what was asked, in its own words: the phrase, or any of its content words (a phrase read
    loosely: `make her crying`, `fireflies around`, `christmas theme`). Unsure is the model's call."""
    if names(prompt, asked):
        return True
    said = set(words_of(prompt))
    content = [w for w in words_of(asked) if w not in _ASKING and len(w) > 2]
    return not content or any(has_word(w, said) for w in content)


def _asked_facets(edit: Edit) -> Facets:
    found: Facets = {}
    for value in edit.set:
        found.setdefault(value.group, set()).add(value.name)
    return found


def _unsure(answer: Prompt, before: Prompt, notes: list[str]) -> None:
    """Contradictions the instruction did not ask about are the model's call: a warning, no change."""
    both = set(answer.texts())
    context = facets(", ".join(t for t in before.texts() if t in both))
    for clause in answer.texts():
        found = clash(facets(clause), context)
        if found and clause not in before.text:
            notes.append(f"check: {clause!r} may contradict the prompt's {found[2]} ({found[0]}); kept as written")


def refine_fields(completion: Completion, family: Family, current: PromptVersion, reading: Reading, *,
                  embeddings: list[str], answer: tuple[dict, list[str]] | None = None) -> Fields:
    """A model's whole new prompt, checked against the reading of the instruction: what it takes away stays out,
    what it sets wins over what contradicts it, the subject stays unless touched, negations (and the answer's own
    `no X`) reach the negative prompt, the family's and the user's syntax rules hold. What the reading asks for
    and the answer left out is added only when the reading is exact; a right answer passes unchanged; a check
    that is unsure only warns. `answer`: one take, read."""
    edit = reading.edit
    data, warnings = (answer[0], list(answer[1])) if answer is not None else read_answer(completion)
    prompt = _text(data.get("prompt"))
    if not prompt:
        raise _no_prompt(completion)
    negative = _text(data.get("negative_prompt", data.get("negative", current.negative_prompt)))
    if not family.negative_allowed and not current.negative_prompt:
        negative = ""
    if family.sentences:  # `... warm tones No people.`: a sentence of its own, glued on where no period ended
        prompt = _GLUED.sub(r". \1", prompt)
    before, answer = Prompt.parse(current.prompt, family), Prompt.parse(prompt, family)  # every check shares them
    _keep_subject(before, answer, reading, family, warnings)
    _keep_quality(before, answer, edit, family, warnings)
    _keep_medium(before, answer, edit, warnings)
    drop_chat(answer, warnings, before)
    # what the user said no to goes into the negative prompt if the answer still had it; else the answer stands
    held = [thing for thing in edit.negative if any(names(text, thing) for text in answer.texts())]
    if reading.exact:  # what an exact reading takes away, sets or asks for; an unsure one leaves the answer be
        drop_intruders(answer, " ".join([current.prompt, *edit.asked()]), warnings)
        _taken_out(answer, before, edit, warnings)
        _recoloured(answer, before, edit, warnings)
        asked = _asked_facets(edit)  # what is asked, not what an added thing implies (`a calm blue sky` at sunset)
        if sole := {g: v for g, v in asked.items() if g in SOLE}:
            kept = {w for k in edit.keep for w in words_of(k)}
            drop_contradictions(answer, sole, warnings, keep=set(words_of(answer.render())), spare=kept,
                                asked=asked)
        for clause in answer.texts() if "weather" in asked else ():
            if found := clash(facets(clause), {"weather": asked["weather"]}):
                warnings.append(f"check: {clause!r} may contradict {found[2]}; kept as the model wrote it")
        _asked_for(answer, edit, family, warnings)
    _one_weight(answer, before, warnings)
    _unsure(answer, before, warnings)
    own = said_negations(answer)  # the answer's own `no people`: CLIP reads it as people
    negative = negations_to_negative(answer, negative, [*held, *own], family, warnings)
    answer.prune(lexicon().adverbs)
    prompt = answer.render()
    lettering = [*reading.lettering, *QUOTED.findall(prompt)]
    negative = wanted_out_of_negative(negative, [w for a in edit.asked() for w in words_of(a)], lettering, warnings)
    params = family_params(family, data.get("params"), current=current.params, notes=warnings)
    if edit.size:  # a size is our rule's to apply: the family's own sizes
        params.update(aspect_size(family, edit.size))
    if edit.settings:  # so is a setting the instruction names with its number
        params = family_params(family, params, dict(edit.settings), notes=warnings)
    return _guarded(Fields(prompt, negative, params, _text(data.get("notes"))[:300], warnings), family, current,
                    reading, embeddings, completion)


def edit_fields(applied: Applied, family: Family, current: PromptVersion, reading: Reading, *,
                embeddings: list[str]) -> Fields:
    """An edit read from the instruction (or chosen by the embedded model), through the same guard."""
    notes = list(applied.notes)
    params = family_params(family, applied.params, current=current.params, notes=notes)
    summary = "; ".join(applied.changes)
    return _guarded(Fields(applied.prompt, applied.negative, params, summary, notes), family, current, reading,
                    embeddings, None)


def _guarded(fields: Fields, family: Family, current: PromptVersion, reading: Reading, embeddings: list[str],
             completion: Completion | None) -> Fields:
    rating = any(t.startswith("rating_") for t in tag_terms(current.prompt))  # the user's prompt decides
    prompt, negative = family_rules(fields.prompt, fields.negative, family, fields.warnings, rating=rating)
    result = guard(current.prompt, prompt, reading, embeddings)
    negative_result = guard(current.negative_prompt, negative, reading, embeddings)
    fields.warnings += result.repairs + negative_result.repairs
    fields.warnings += [f"removed {span} as asked" for span in result.removed + negative_result.removed]
    if not result.text:
        if completion is None:
            raise ProviderError("edit", "the edit would leave the prompt empty", hint="your prompt is unchanged")
        raise _no_prompt(completion)
    fields.prompt, fields.negative = result.text, negative_result.text
    if completion is None:  # an edit asked to empty a chunk: no BREAK left around nothing
        fields.prompt = no_new_edges(fields.prompt, current.prompt)
    return fields


RULED = {"chip": "chip", "rules": "edit rules", "own words": "your own words", "image": "image parameters"}


def ruled(role: str, latency_s: float, how: str = "rules") -> Completion:
    """The record of an answer made by our rules, with no model call: a chip, the rules' reading of an
    instruction (embedded model), or the user's own words."""
    return Completion(text="", provider="rules", model=RULED[how], role=role, usage=Usage(),
                      cost_usd=0.0, latency_s=latency_s, ttft_s=None)


def to_version(completion: Completion, fields: Fields, family: Family, *, kind: str, source: str,
               reason: str, base: PromptVersion | None = None) -> PromptVersion:
    return PromptVersion(
        prompt=fields.prompt,
        negative_prompt=fields.negative,
        params=fields.params,
        extra=dict(base.extra) if base is not None else {},
        provider=completion.provider,
        model=completion.model,
        role=completion.role,
        usage=completion.usage,
        cost_usd=completion.cost_usd,
        latency_s=completion.latency_s,
        ttft_s=completion.ttft_s,
        family=family.key,
        family_reason=reason,
        notes=fields.notes,
        warnings=[*completion.notes, *fields.warnings],
        kind=kind,
        source=source,
        parent=base.id if base is not None else "",
    )
