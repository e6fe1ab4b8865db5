"""The checks every answer passes, whoever wrote it: the description's subject kept, nothing that
contradicts it, no new ages, body counts or violence, and the family's rules on the text."""

from __future__ import annotations

import re

from .describe import Description
from .families import Family
from .grammar import brackets, inner
from .lexicon import alternation, kin, lexicon, stem, words_of
from .prompt import Prompt, tag_terms
from .structure import names, read_term, without_clash, without_phrase
from .vocab import Facets, clash, facets, phrase_pattern, vocab


def has_word(word: str, text_words: set[str]) -> bool:
    """The word, or its singular, is said (`candles` where the answer says `candle`)."""
    target, one = stem(word), lexicon().singular(word)
    parts = {p for w in text_words if "-" in w for p in w.split("-")}  # `harley` in `harley-davidson`
    return any(stem(w) == target or lexicon().singular(w) == one for w in (*text_words, *parts))


def _compounded(word: str, text_words: set[str]) -> bool:
    """The word is said inside a compound (`shop` in `bookshop`, `girl` in `1girl`, `tea` in `teacup`; not `man`
    in `woman`), or as the word it is a pet form of (`plush` for a `plushie`)."""
    return len(word) >= 3 and any((len(w) > len(word) and (w.startswith(word) or w.endswith(word)) and
                                   w[:-len(word)] not in ("wo", "fe")) or
                                  (len(w) >= 4 and word.startswith(w) and word[len(w):] in ("ie", "ies", "y"))
                                  for w in text_words)


def missing_nouns(prompt: str, desc: Description) -> list[str]:
    """The description's nouns the prompt does not say: not in a word of one family (`candlelit`: candlelight),
    nor a synonym (`kid`: a child; `grandma`: an elderly woman)."""
    said = set(words_of(prompt))
    return [noun for noun in desc.nouns if not any(
        names(prompt, n) if " " in n else has_word(n, said) or _compounded(n, said) or any(
            kin(n, w) for w in said if len(w) >= 5) for n in (noun, *lexicon().synonyms.get(noun, ())))]


def leads(family: Family):
    """What opens a prompt of the family and stays first (Pony's scores, source, rating and count tags)."""
    return lambda text: text in family.prefix or lexicon().is_leading(text)


def keep_subject(answer: Prompt, desc: Description, family: Family, notes: list[str]) -> None:
    """Put the description's words back at the front when the answer lost what it shows (its subject): the answer
    drifted, so every noun it dropped comes back. Beside a kept subject, a noun the answer left out (`for my coffee
    shop`, `like studio ghibli`) is the model's choice: the answer stands."""
    lost = missing_nouns(answer.render(), desc)
    if not set(lost) & set(desc.subject) and len(lost) < 2:
        return
    notes.append(f"kept your words: the answer had dropped {', '.join(lost)}")
    if answer.sentences:
        answer.insert(0, desc.sentence)
        return
    have = {t.lower() for t in answer.texts()}
    back = [p for p in desc.phrases if any(has_word(n, set(lost)) for n in words_of(p)) and p.lower() not in have]
    cut = answer.leading(leads(family))
    for offset, phrase in enumerate(back):
        answer.insert(cut + offset, phrase)


def keep_facets(answer: Prompt, desc: Description, groups: set[str], family: Family, notes: list[str]) -> None:
    """The description's time, season or weather (`at dusk`) goes back where the answer says none of that kind."""
    said = facets(answer.render())
    back = [p for p in desc.phrases if any(g in groups and g not in said for g in facets(p))]
    for phrase in back:
        notes.append(f"kept {phrase!r}: the answer said no {', '.join(g for g in facets(phrase) if g in groups)}")
        if answer.sentences:
            answer.insert(len(answer.texts()), f"{phrase[:1].upper()}{phrase[1:]}.")
        else:
            answer.insert(answer.leading(leads(family)) + 1, phrase)


def drop_contradictions(answer: Prompt, context: Facets, notes: list[str],
                        keep: set[str] | frozenset[str] = frozenset(),
                        *, only: set[str] | None = None, spare: set[str] | frozenset[str] = frozenset(),
                        asked: Facets | None = None) -> None:
    """Remove what contradicts `context` (time of day, season, weather, setting, medium, framing, mood...):
    inside a phrase that holds words in `keep` (the user's, or what the answer kept), only the contradicting
    words or phrase (`sunlit wheat field` at night -> `wheat field`); else the whole term or clause. `only`:
    the groups to check (the others are left alone); `spare`: words whose terms stay (`keep it sunny`);
    `asked`: what is asked, a term that says some of it stays (`golden hour` is a clear sky too: `blue sky`)."""
    if only is not None:
        context = {group: values for group, values in context.items() if group in only}
    for term in answer.terms:
        clause = term.text
        found = clash(said := facets(clause), context) if clause.strip() else None
        if not found or read_term(term.text).syntax or spare & set(words_of(clause)) or any(
                said.get(group, set()) & values for group, values in (asked or {}).items()):
            continue
        group, said, wanted = found
        entry = clause.strip(" .").lower() in vocab().by_tag
        mine = not entry and any(has_word(w, set(words_of(clause))) for w in keep)
        stripped = without_clash(clause, context, answer.sentences) if mine else ""
        answer.set(term, stripped)
        if stripped:
            notes.append(f"removed {said} from {clause!r}: the {vocab().labels[group]} is {wanted}")
        else:
            notes.append(f"removed {clause!r}: its {vocab().labels[group]} ({said}) contradicts {wanted}")


_COUNT = re.compile(r"^\d+\+?(?=boys?$|girls?$)")  # `1boy` says boy
_SAID_NO = re.compile(r"^(?:no|without|not|zero)\s+(?:any\s+|the\s+)?", re.I)


def _plain(term: str, thing: str) -> bool:
    """The term says the thing is there but empty (`simple background` for `no background`)."""
    return bool(phrase_pattern(list(lexicon().negations["plain"])).match(term.strip())) and names(term, thing)


def negations_to_negative(answer: Prompt, negative: str, negated: list[str], family: Family, notes: list[str], *,
              everyone: bool = False, restate: bool = False) -> str:
    """What must not be in the picture leaves the positive prompt (`no cars`, or `cars`: CLIP reads both as
    cars) and goes into the negative prompt (returned), where the family has one. `everyone`: `no people` takes
    every term that is only a person (a plan's answer to a description that says so). `restate`: what a booru
    tag says is absent (`no humans`) goes into the negative too, as the user said it (our own plan; a model's
    answer that says it once stands)."""
    people = set(lexicon().people["any_person"]) if everyone else set()
    tags = set(lexicon().negations["tags"]) if family.counts else set()  # a booru tag: `no humans` says it
    for thing in negated:
        for term in answer.terms:
            clause = term.text
            if clause.strip().lower() in tags:
                continue
            said = _SAID_NO.sub("", clause.strip())
            if _plain(said, thing):
                continue  # `no background`: `simple background, white background` say it
            everyone = thing in people and set(words_of(clause)) and set(words_of(clause)) <= people  # `person`
            if (said != clause.strip() and names(said, thing)) or everyone:
                answer.set(term, "")
            elif (cut := without_phrase(clause, thing)) is not None and cut != clause:
                answer.set(term, cut)
            else:
                continue
            notes.append(f"took {thing!r} out of the prompt: " + (
                "it goes in the negative prompt" if family.negative_allowed else "a prompt that names it draws it"))
    if family.negative_allowed:
        have = tag_terms(negative)
        said = [t.strip().lower() for t in answer.texts() if t.strip().lower() in tags]
        new = [t for t in negated if not any(
            names(h, t) or _COUNT.sub("", h) in (t, f"{t}s", lexicon().singular(t)) for h in have)
               and (restate or not any(names(tag, t) for tag in said)) and not any(
                   _plain(x, t) for x in answer.texts())]
        negative = ", ".join([*have, *new]) if new else negative
    return negative


_SAID_NEGATION = re.compile(r"^(?:" + alternation(lexicon().negations["in_prompt"]) +
                            r")\s+(?:any\s+|the\s+)?(?P<thing>[a-z][a-z' -]{0,40})$", re.IGNORECASE)


def said_negations(answer: Prompt) -> list[str]:
    """What the prompt's own terms say must not be there (`no people`, `without text`), booru tags aside."""
    found = []
    for term in answer.texts():
        plain_term = " ".join(term.lower().strip(" .!").split())
        if plain_term not in lexicon().negations["tags"] and (match := _SAID_NEGATION.match(plain_term)):
            found.append(match.group("thing").strip())
    return found


def wanted_out_of_negative(negative: str, wanted: list[str], lettering: list[str], notes: list[str]) -> str:
    """The negative prompt never names what is asked for: a noun of the description or instruction, and, with
    wanted lettering (`says "OPEN"`), text, letters and the like (a watermark or `misspelled text` stays out)."""
    keep = []
    for term in tag_terms(negative):
        said = set(words_of(term))
        text = lettering and said and said <= set(lexicon().text_words)
        if text or (len(said) == 1 and any(has_word(w, said) for w in wanted)):
            notes.append(f"took {term!r} out of the negative prompt: it is what you asked for")
            continue
        keep.append(term)
    return ", ".join(keep)


_QUALIFIER = re.compile(r"(?<=\w)\s+\\?\([a-z ]+\\?\)\s*$")


_AGE = re.compile(r"\b\d{1,3}\s*-?\s*(?:ish|yo|y/o|yrs?|years?)\b")  # `like 70ish`: an age said


def drop_intruders(answer: Prompt, desc_text: str, notes: list[str]) -> None:
    """Remove terms that bring ages, body counts or violence the description does not have; a kind it speaks of is
    its own (`make him look hurt` allows `injured`)."""
    said = desc_text.lower()
    kinds = [k for k in ("violence", "ages") if not phrase_pattern(vocab().intruders[k]).search(said)
             and not (k == "ages" and _AGE.search(said))]
    words = [w for kind in kinds for w in vocab().intruders[kind]]
    pattern = phrase_pattern(words) if words else None
    count = re.compile(r"\b\d+\s+(?:people|persons|men|women|children|bodies|dead|soldiers)\b", re.I)
    for term in answer.terms:
        said = _QUALIFIER.sub("", term.text)  # `holding bow (weapon)`: a booru tag's qualifier says which bow
        if (pattern and pattern.search(said)) or count.search(said):
            notes.append(f"removed {term.text.strip()!r}: it adds what the description does not have")
            answer.set(term, "")


def drop_chat(answer: Prompt, notes: list[str], kept: Prompt | None = None) -> None:
    """A term of chat or function words alone (`u`, `pic`, `lil`, `gimme`, `w`: with) says nothing of the picture:
    it goes, unless the user's own prompt (`kept`) has it."""
    lex = lexicon()
    chat = lex.chat | set(lex.chat_description) | lex.interjections | {a for a in lex.asking if " " not in a}
    mine = {t.strip().lower() for t in kept.texts()} if kept else set()
    for term in answer.terms:
        said = set(words_of(term.text.lower()))
        chatty = {w for w in said if w in chat or lex.spellings.get(w, w) != w}  # `from behind` is no chat
        if chatty and said - chatty <= lex.function and term.text.strip().lower() not in mine \
                and not read_term(term.text).syntax:
            notes.append(f"removed {term.text.strip()!r}: a chat word, not part of the picture")
            answer.set(term, "")


def family_rules(prompt: str, negative: str, family: Family, notes: list[str], *,
                 rating: bool = True) -> tuple[str, str]:
    """Pony's score prefix (and a rating tag, unless `rating` is off: a refine of a prompt without one); no
    weights where the family ignores them; no quality-tag lists and (Flux) no negative prompt for sentence
    families."""
    if not family.weights and _groups(prompt):
        prompt = without_groups(prompt)
        notes.append(f"{family.label} reads no attention weights: removed them")
    if family.sentences:
        pattern = phrase_pattern(lexicon().quality_tags)
        answer = Prompt.parse(prompt, family)
        dropped = [t for t in answer.terms if pattern.fullmatch(t.text.strip().rstrip("."))]
        if dropped:
            notes.append(f"{family.label} reads sentences, not quality tags: removed "
                         f"{', '.join(t.text for t in dropped)}")
            for term in dropped:
                answer.set(term, "")
            prompt = answer.render()
    if not family.negative_allowed and negative:
        notes.append(f"{family.label} ignores negative prompts; left it empty")
        negative = ""
    if family.prefix:
        prompt = _leading(prompt, family, notes, rating)
    return prompt, negative


def _leading(prompt: str, family: Family, notes: list[str], rating: bool) -> str:
    """The family's prefix first (Pony's scores), and its rating tag where the prompt has none."""
    items = tag_terms(prompt)
    rest = [t for t in items if t not in family.prefix]
    added = []
    if rating and family.rating and not any(t.startswith("rating_") for t in rest):
        rest.insert(0, family.rating)
        added.append(family.rating)
    if items[: len(family.prefix)] != list(family.prefix):
        added = [*family.prefix, *added]
    if added:
        notes.append(f"added the {family.label} tags {', '.join(added)}")
    return ", ".join([*family.prefix, *rest])


def _groups(text: str) -> list[tuple[int, int]]:
    return [(start, end) for start, end in brackets(text).pairs.items() if text[start] == "("]


def without_groups(text: str) -> str:
    """Every `(term:1.2)` and `(term)` as plain `term`, innermost first."""
    while groups := _groups(text):
        start, end = max(groups)  # the last opening bracket holds no other group
        text = text[:start] + inner(text[start:end + 1])[0] + text[end + 1:]
    return text
