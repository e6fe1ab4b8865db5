"""The checks every answer passes, whoever wrote it: the description's subject kept, nothing that
contradicts it, no new ages, body counts or violence, and the family's rules on the text."""

from __future__ import annotations

import re

from .describe import Description
from .families import Family
from .grammar import brackets, inner
from .grammar import terms as term_bounds
from .lexicon import lexicon, stem, words_of
from .structure import names, read_term, without_clash, without_phrase
from .vocab import Facets, clash, facets, phrase_pattern, vocab

_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_CLAUSE = re.compile(r",\s*|;\s*")


def has_word(word: str, text_words: set[str]) -> bool:
    target = stem(word)
    return any(stem(w) == target for w in text_words)


def missing_nouns(prompt: str, desc: Description) -> list[str]:
    said = set(words_of(prompt))
    return [noun for noun in desc.nouns if not has_word(noun, said)]


def terms(prompt: str) -> list[str]:
    return [prompt[s:e].strip() for s, e in term_bounds(prompt)]


def _prefix_len(items: list[str], family: Family) -> int:
    count = 0
    for item in items:
        if item in family.prefix or lexicon().is_leading(item):
            count += 1
        else:
            break
    return count


def keep_subject(prompt: str, desc: Description, family: Family, notes: list[str]) -> str:
    """Put the description's words back at the front when the answer dropped any of its nouns."""
    lost = missing_nouns(prompt, desc)
    if not lost:
        return prompt
    notes.append(f"kept your words: the answer had dropped {', '.join(lost)}")
    if family.style == "sentences":
        return f"{desc.sentence} {prompt}".strip()
    items = terms(prompt)
    lost_set = set(lost)
    back = [p for p in desc.phrases if any(has_word(n, lost_set) for n in words_of(p))]
    cut = _prefix_len(items, family)
    return ", ".join(dict.fromkeys([*items[:cut], *back, *items[cut:]]))


def pieces(prompt: str, family: Family) -> list[list[str]]:
    """Terms (tag families) or the clauses of each sentence (sentence families)."""
    if family.style != "sentences":
        return [[t] for t in terms(prompt)]
    return [[c for c in _CLAUSE.split(s) if c.strip()] for s in _SENTENCE.split(prompt.strip()) if s.strip()]


def joined(parts: list[list[str]], family: Family) -> str:
    if family.style != "sentences":
        return ", ".join(p[0] for p in parts if p and p[0].strip())
    sentences = []
    kept = [[c.strip() for c in clauses if c.strip()] for clauses in parts]
    kept = [clauses for clauses in kept if clauses]
    for index, clauses in enumerate(kept):
        ending = clauses[-1][-1] if clauses[-1][-1] in ".!?" else ("" if index == len(kept) - 1 else ".")
        sentences.append(", ".join(c.rstrip(".!?") for c in clauses) + ending)  # the writer's own endings and case
    return " ".join(sentences)


def drop_contradictions(prompt: str, context: Facets, family: Family, notes: list[str],
                        keep: set[str] | frozenset[str] = frozenset(), *, only: set[str] | None = None) -> str:
    """Remove what contradicts `context` (time of day, season, weather, setting, medium, framing, mood...):
    inside a phrase that holds words in `keep` (the user's, or what the answer kept), only the contradicting
    words or phrase (`sunlit wheat field` at night -> `wheat field`); else the whole term or clause. `only`:
    the groups to check (the others are left alone)."""
    if only is not None:
        context = {group: values for group, values in context.items() if group in only}
    parts = pieces(prompt, family)
    for clauses in parts:
        for index, clause in enumerate(clauses):
            found = clash(facets(clause), context)
            if not found or read_term(clause).syntax:
                continue
            group, said, wanted = found
            entry = clause.strip(" .").lower() in vocab().by_tag
            mine = not entry and any(has_word(w, set(words_of(clause))) for w in keep)
            stripped = without_clash(clause, context) if mine else ""
            if stripped:
                clauses[index] = stripped
                notes.append(f"removed {said} from {clause!r}: the {vocab().labels[group]} is {wanted}")
            else:
                clauses[index] = ""
                notes.append(f"removed {clause!r}: its {vocab().labels[group]} ({said}) contradicts {wanted}")
    return joined(parts, family)


def negations(prompt: str, negative: str, negated: list[str], family: Family, notes: list[str]) -> tuple[str, str]:
    """What must not be in the picture leaves the positive prompt (`no cars`, or `cars`: CLIP reads both as
    cars) and goes into the negative prompt, where the family has one."""
    parts = pieces(prompt, family)
    for thing in negated:
        for clauses in parts:
            for index, clause in enumerate(clauses):
                said = re.sub(r"^(?:no|without|not|zero)\s+(?:any\s+|the\s+)?", "", clause.strip(), flags=re.I)
                if said != clause.strip() and names(said, thing):
                    clauses[index] = ""
                elif (cut := without_phrase(clause, thing)) is not None and cut != clause:
                    clauses[index] = cut
                else:
                    continue
                notes.append(f"took {thing!r} out of the prompt: it goes in the negative prompt")
    prompt = joined(parts, family)
    if family.negative_allowed:
        have = terms(negative)
        new = [t for t in negated if not any(names(h, t) for h in have)]
        negative = ", ".join([*have, *new]) if new else negative
    return prompt, negative


_NEGATION = re.compile(r"^(?:no|without|zero)\s+(?:any\s+|the\s+)?(?P<thing>[a-z][a-z' -]{0,40})$", re.IGNORECASE)


def said_negations(prompt: str) -> list[str]:
    """What the prompt's own terms say must not be there (`no people`, `without text`), booru tags aside."""
    found = []
    for term in terms(prompt):
        plain_term = " ".join(term.lower().split())
        if plain_term not in lexicon().negations["tags"] and (match := _NEGATION.match(plain_term)):
            found.append(match.group("thing").strip())
    return found


def wanted_out_of_negative(negative: str, wanted: list[str], lettering: list[str], notes: list[str]) -> str:
    """The negative prompt never names what is asked for: a noun of the description or instruction, and, with
    wanted lettering (`says "OPEN"`), text, letters, watermark and the like."""
    keep = []
    for term in terms(negative):
        said = set(words_of(term))
        text = lettering and said & set(lexicon().text_words)
        if text or (len(said) == 1 and any(has_word(w, said) for w in wanted)):
            notes.append(f"took {term!r} out of the negative prompt: it is what you asked for")
            continue
        keep.append(term)
    return ", ".join(keep)


def drop_intruders(prompt: str, desc_text: str, family: Family, notes: list[str], *, people: bool) -> str:
    """Remove terms that bring ages, body counts, violence (and, for small models, people) the
    description does not have."""
    said = desc_text.lower()
    kinds = ["violence", "ages", *(["people"] if people else [])]
    words = [w for kind in kinds for w in vocab().intruders[kind] if not phrase_pattern([w]).search(said)]
    pattern = phrase_pattern(words) if words else None
    count = re.compile(r"\b\d+\s+(?:people|persons|men|women|children|bodies|dead|soldiers)\b", re.I)
    parts = pieces(prompt, family)
    for clauses in parts:
        for index, clause in enumerate(clauses):
            if (pattern and pattern.search(clause)) or count.search(clause):
                notes.append(f"removed {clause.strip()!r}: it adds what the description does not have")
                clauses[index] = ""
    return joined(parts, family)


def family_rules(prompt: str, negative: str, family: Family, notes: list[str], *,
                 rating: bool = True) -> tuple[str, str]:
    """Pony's score prefix (and a rating tag, unless `rating` is off: a refine of a prompt without one); no
    weights where the family ignores them; no quality-tag lists and (Flux) no negative prompt for sentence
    families."""
    if not family.weights and _groups(prompt):
        prompt = unweighted(prompt)
        notes.append(f"{family.label} reads no attention weights: removed them")
    if family.style == "sentences":
        pattern = phrase_pattern(lexicon().quality_tags)
        parts = pieces(prompt, family)
        dropped = [c for clauses in parts for c in clauses if pattern.fullmatch(c.strip().rstrip("."))]
        if dropped:
            notes.append(f"{family.label} reads sentences, not quality tags: removed {', '.join(dropped)}")
            parts = [[c for c in clauses if c not in dropped] for clauses in parts]
            prompt = joined(parts, family)
    if not family.negative_allowed and negative:
        notes.append(f"{family.label} ignores negative prompts; left it empty")
        negative = ""
    if family.key == "pony":
        prompt = _pony(prompt, family, notes, rating)
    return prompt, negative


def _pony(prompt: str, family: Family, notes: list[str], rating: bool) -> str:
    items = terms(prompt)
    rest = [t for t in items if t not in family.prefix]
    added = []
    if rating and not any(t.startswith("rating_") for t in rest):
        rest.insert(0, "rating_safe")
        added.append("rating_safe")
    if items[: len(family.prefix)] != list(family.prefix):
        added = [*family.prefix, *added]
    if added:
        notes.append(f"added the Pony tags {', '.join(added)}")
    return ", ".join([*family.prefix, *rest])


def _groups(text: str) -> list[tuple[int, int]]:
    return [(start, end) for start, end in brackets(text).pairs.items() if text[start] == "("]


def unweighted(text: str) -> str:
    """Every `(term:1.2)` and `(term)` as plain `term`, innermost first."""
    while groups := _groups(text):
        start, end = max(groups)  # the last opening bracket holds no other group
        text = text[:start] + inner(text[start:end + 1])[0] + text[end + 1:]
    return text
