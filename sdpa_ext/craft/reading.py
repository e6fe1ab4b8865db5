"""The one reading of an instruction: its clauses chunked (verb, object, complement) and resolved against the
lexicon (data/lexicon.json), the vocabulary and the prompt's own spans, into a `Reading`: typed operations (`Edit`:
set a value, add, remove, replace, recolour, adjust a modifier, move the setting, weight, size), which of the
user's syntax spans it names and what happens to each, and the clauses no rule could read (`unread`, said to the
user, never pasted). Every later step (the model's request, the checks, the guard, the notes) takes the Reading;
none reads the instruction's words again.
"""

from __future__ import annotations

import re
from copy import deepcopy
from dataclasses import dataclass, field, fields, replace
from functools import cache

from .describe import JOINED, QUOTED, verb_ing
from .lexicon import (
    alternation,
    base_forms,
    base_verb,
    english_words,
    kin,
    lexicon,
    lexicon_words,
    longest_at,
    one_typo,
    stem,
    unstretched,
    words_of,
)
from .params import named_sampler
from .prompt import Prompt, Span
from .structure import head_of, names, read_term, same_noun, subject_heads
from .vocab import SOLE, Value, clash, facets, find_value, known_words, opposite, phrase_pattern, vocab

_NUMBER = re.compile(r"\d*\.?\d+")
_RATIO = re.compile(r"^(\d+)\s*(?::|x|by|/)\s*(\d+)$")
_MAX_WORDS = 6
_CLAUSES = re.compile(r"\s*(?:,|;|\.\s|\.{2,}|!\s|(?<=\?)\s|\s\+\s|\band then\b|\bthen\b|\balso\b|\bplus\b|\bbut\b|"
                      r"\bwhile\b|"
                      r"\band\b(?!" + JOINED + r")|(?<=\w)(?=\s+not\s+(?:" + alternation(lexicon().colours) +
                      r")\s*[.!?]?\s*$))\s*")  # `a red dress not white`: a correction of its own


def _interjected(said: set[str]) -> re.Pattern[str]:
    """The asides an instruction may hold (`lol`, `no cap`); `no cap` is none where the prompt has a cap."""
    return _asides(frozenset(i for i in lexicon().interjections if i.startswith("no ") and set(i.split()[1:]) & said))


@cache
def _asides(literal: frozenset[str]) -> re.Pattern[str]:
    """The asides' pattern, without those the prompt makes literal (built once for each such set)."""
    return re.compile(r"\s*\b(?:" + alternation([i for i in lexicon().interjections if i not in literal]) + r")\b\s*")


UNREAD = "the rules do not know what"  # how a note of what no rule read begins
VAGUE = ("asks for no particular change: say what to change, or try a chip (darker, brighter, more detail, simpler, "
         "cinematic, photo, anime)")
_NETWORK_TAG = re.compile(r"<(\w+):([^>:]+)")


@dataclass
class Edit:
    """What an instruction asks, as typed operations on the structured prompt."""

    add: list[str] = field(default_factory=list)  # tags
    said: list[str] = field(default_factory=list)  # which of them are the user's own words (`lightning`)
    sentences: list[str] = field(default_factory=list)  # the same additions as prose (Flux/SD3)
    remove: list[str] = field(default_factory=list)
    unsaid: list[tuple[str, str]] = field(default_factory=list)  # (noun, word said of it that goes; the noun
    # stays): `the lighthouse shouldn't be old`; noun '': wherever it is said (`not abandoned`)
    negative: list[str] = field(default_factory=list)
    replace: list[tuple[str, str]] = field(default_factory=list)  # old '' = the prompt's subject
    set: list[Value] = field(default_factory=list)  # conflict-group values: what contradicts them goes
    implied: list[Value] = field(default_factory=list)  # a new phrase's time or season: what contradicts it goes,
    # nothing is added for it (`sunset sky instead of day`: no blue sky)
    weight: list[tuple[str, float]] = field(default_factory=list)  # (thing, delta)
    network_weight: list[tuple[str, float, bool]] = field(default_factory=list)  # (tag, number, absolute); an
    # editing span's (`[cat:dog:0.5]`) number is when it switches
    recolour: list[tuple[str, str]] = field(default_factory=list)  # (noun, colour)
    adjust: list[tuple[str, str]] = field(default_factory=list)  # (noun, word): `shorter hair` -> (hair, short)
    relocate: list[str] = field(default_factory=list)  # a new setting: the old one goes
    relight: list[str] = field(default_factory=list)  # a new light (`lit by candles`): the prompt's lights go
    keep: list[str] = field(default_factory=list)  # what the user says stays (`keep it sunny`)
    count: list[tuple[str, int]] = field(default_factory=list)  # (noun, how many; 0: one more): `two foxes`
    says: list[tuple[str, str]] = field(default_factory=list)  # (noun, its quoted text): `the sign should say "OPEN"`
    size: tuple[int, int] | None = None
    settings: list[tuple[str, float | str]] = field(default_factory=list)  # `28 steps`, `cfg 7`, `sampler euler`

    def merge(self, other: Edit) -> Edit:
        """This edit and then `other` (whose size, if any, wins); one that sets again the values this one sets says
        no second sentence of them (`calmer, more peaceful`: one calm mood)."""
        if other.set and {(v.group, v.name) for v in other.set} <= {(v.group, v.name) for v in self.set} and len(
                other.sentences) == 1 and self.sentences:
            other = replace(other, sentences=[])
        for name in (f.name for f in fields(self) if f.name != "size"):
            getattr(self, name).extend(getattr(other, name))
        self.size = other.size or self.size
        return self

    def empty(self) -> bool:
        return self == Edit()

    def drop_added(self, at: int) -> None:
        """Take back the addition at `at` and its sentence (said another way: in place, recoloured)."""
        del self.add[at]
        if at < len(self.sentences):
            del self.sentences[at]

    def taken(self) -> list[str]:
        """What the edit takes away: removals, replaced phrases, negations."""
        return [*self.remove, *(w for _, w in self.unsaid), *self.negative, *(old for old, _ in self.replace if old)]

    def asked(self) -> list[str]:
        """What the edit asks for: additions, new phrases, colours, modifiers, settings."""
        return [*self.add, *(new for _, new in self.replace), *(f"{c} {n}" for n, c in self.recolour),
                *(f"{n} {q}" for n, q in self.says),
                *(f"{w} {n}" for n, w in self.adjust), *self.relocate]


@dataclass
class Reading:
    """An instruction read once: the edit, the user's spans it names (span text -> `remove` or `change`), whether
    it adds an extra network or asks about the AND/BREAK structure, and what could not be read."""

    edit: Edit = field(default_factory=Edit)
    spans: dict[str, str] = field(default_factory=dict)
    adds_network: bool = False
    structure: bool = False
    unread: list[str] = field(default_factory=list)
    unread_words: list[str] = field(default_factory=list)  # their content words (no chat, verbs or comparatives)
    vague: list[str] = field(default_factory=list)  # clauses that ask for no particular change (`make it better`)
    notes: list[str] = field(default_factory=list)
    lettering: list[str] = field(default_factory=list)  # wanted text, with its quotes (`says "OPEN"`)
    prompt: Prompt | None = field(default=None, repr=False)  # the parse it was read against: later steps share it

    def parse_of(self, text: str) -> Prompt:
        """The prompt this reading was read against when `text` is it (its parse, shared), else `text` parsed."""
        return self.prompt if self.prompt is not None and self.prompt.text == text else Prompt.parse(text)

    @property
    def exact(self) -> bool:
        """Every clause was read (a vague one is read as asking for nothing in particular)."""
        return not self.unread

    def names(self, span: Span) -> bool:
        return span.text in self.spans

    def removes(self, span: Span) -> bool:
        return self.spans.get(span.text) == "remove"

    def unread_note(self) -> str:
        """What the user is told of the clauses no rule could read."""
        if not self.unread:
            return ""
        said = "; ".join(repr(u) for u in self.unread)
        part = "that part" if not self.edit.empty() or self.spans or self.vague else "it"  # the rest was read
        return (f"{UNREAD} {said} asks for, so {part} changed nothing; try 'add X', 'remove X', 'make it X', 'more X', "
                "'less X', 'change A to B', 'zoom out' or a chip")


# ---------------------------------------------------------------------------------------------------------------
# Words


FALLING = ("rain", "storm", "fog", "snowfall", "cloudy")  # weathers a thing said with one brings (`low clouds`;
# not `clouds`: a blue sky may have some)
WORDED = ("mood", "time", "season")  # groups a value of which the user's own word says best (`lonely`, `sunset`)


def _sentence(x: str) -> str:
    return f"{x[:1].upper()}{x[1:]}."


def articled(place: str) -> str:
    """A place with its article: `a beach`, `the mountains`, `Tokyo`."""
    if re.match(r"^(?:a|an|the|some)\s", place) or place.lower() in lexicon().proper_places:
        return place
    if place.endswith("s") or place.lower() in lexicon().heads["unique"]:  # `the mountains`, `the moon`
        return "the " + place
    return ("an " if place[:1] in "aeiou" else "a ") + place


def _values_only(words: list[str]) -> bool:
    """Every word is a word of the values it says (`dutch angle full body shot`, `rainy night, low angle`)."""
    text = " ".join(words)
    covered = set()  # where each value's phrases are said, overlapping (`red maple leaves`: red maple, maple leaves)
    for said in (w for value in _values(text) for w in value.words):
        covered |= {i for m in phrase_pattern([said]).finditer(text) for i in range(m.start(), m.end())}
    at = [sum(len(w) + 1 for w in words[:i]) for i in range(len(words))]
    return bool(covered) and all(start in covered or w in lexicon().articles or w == "and"
                                 for start, w in zip(at, words, strict=True))


def _suggested(words: list[str]) -> list[str]:
    """What a suggestion asks for (`golden hour lighting would look way better`, `a hat would be cool`: the
    words before the modal); [] when the clause is no suggestion (`a hat would look weird` is none)."""
    lex = lexicon()
    at = next((i for i, w in enumerate(words) if i and w in lex.modals), 0)
    said = [w for w in words[at + 1:] if w not in lex.looks and w != "be" and not any(
        w in p.split() for phrases in lex.intensity.values() for p in phrases)]
    if not at or not said or not set(said) <= lex.praise or content(words[:at]) != words[:at]:
        return []
    return words[:at]


def _relocated(edit: Edit, place: str) -> None:
    """A new setting, named (`a beach`) or said alone (`inside`: indoors)."""
    alone = lexicon().places_alone.get(place)
    prep, _, where = place.partition(" ")
    edit.relocate.append(alone or place)
    beside = prep in lexicon().heads["beside"] and where  # `by the ocean`: not in it
    edit.sentences.append(_sentence(alone or (f"{prep} {articled(where)}" if beside else f"in {articled(place)}")))


def _strip_phrases(words: list[str], phrases: tuple[str, ...], *, lead: bool = True, tail: bool = True,
                   inside: bool = False) -> list[str]:
    """`words` without the phrases at its start, at its end and (`inside`) anywhere."""
    changed = True
    while changed and words:
        changed = False
        if lead and (size := longest_at(words, 0, phrases)) and size < len(words):
            words, changed = words[size:], True
        if tail:
            for start in range(max(1, len(words) - 4), len(words)):
                if longest_at(words, start, phrases) == len(words) - start:
                    words, changed = words[:start], True
                    break
    if inside:
        out, index = [], 0
        while index < len(words):
            size = longest_at(words, index, phrases)
            if size and index > 0 and index + size < len(words):
                index += size
                continue
            out.append(words[index])
            index += 1
        words = out
    return words


def _spelled(text: str) -> str:
    """The text in the lexicon's spellings (`n` -> and, `dont` -> don't, `nighttime` -> night), lower case, a
    letter typed over and over once (`wayyy` -> way)."""
    text = unstretched(text.lower())
    for said, meant in lexicon().spellings.items():
        text = re.sub(rf"(?<![\w+-]){re.escape(said)}(?![\w+-])", meant, text)  # not `dpm++`
    return text


def _tokens(text: str) -> list[str]:
    """A clause as words, in the lexicon's spellings: `16:9`, `<lora:x` and `0.3` stay one token; of words
    written as choices (`leap/pounce`), the first."""
    text = re.sub(r"(?<![\w/])([a-z]{2,})(?:/[a-z]{2,})+(?![\w/])", r"\1", _spelled(text).strip().strip(" .!?"))
    return re.findall(r"<\w+:[^>\s]*>?|\d+\s*[:x/]\s*\d+|\d*\.\d+|[^\W_]+(?:['-][^\W_]+)*|\+", text)


_PREPOSITION_WORDS = {w for p in lexicon().prepositions for w in p.split()} | {"of"}  # `in front of the cabin`
_ASKING_LEAD = tuple(a for a in lexicon().asking if a != "too")


def normal(clause: str) -> list[str]:
    """A clause without the words that say how it asks (`can u`, `pls`, `kinda`, `lol`)."""
    lex = lexicon()
    words = [w for w in _tokens(clause) if w not in lex.interjections]
    words = [w for i, w in enumerate(words) if not (w == "like" and 0 < i < len(words) - 1 and words[
        i - 1] in lex.place_prepositions and words[i + 1] in lex.articles)]  # `move it to like a market`: to a market
    if clause.rstrip().endswith("?"):  # `rating_safe right?`: the question's tag asks nothing
        words = _strip_phrases(words, lex.question_tags, lead=False)
    if len(words) > 2 and words[0] in lex.modals and lex.slot_of_object(words[1]) == "subject" and (
            words[2] in lex.gerunds or longest_at(words, 2, lex.verb_phrases)) and "be" not in words[3:5]:
        # not `can her hair be white`, `can her dress be red`
        words = [words[1], "should", *words[2:]]  # `can she wear a dress`: she should wear a dress
    if len(words) > 2 and lex.slot_of_object(words[0]) == "subject" and words[1] in lex.clause_verbs and (
            base := base_verb(words[1])) in lex.gerunds:
        words = [words[0], "is", *lex.gerunds[base].split(), *words[2:]]  # `she wears armor`: she is wearing it
    for size in (4, 3):  # `both of them sitting at a table`: they
        if len(words) > size and lex.slot_of_object(" ".join(words[:size])) == "subject":
            words = ["they", *words[size:]]
            break
    words = _strip_phrases(words, lex.about, lead=False, inside=True)  # `a seagull or two`
    if len(words) > 2 and (size := next((n for n in (3, 2, 1) if " ".join(words[-n:]) in lex.intensity["small"]), 0)):
        words = words[:-size]  # `lora down a notch`: how much (the clause's degree says it)
    hedged = [i for i in range(len(words)) if (size := longest_at(words, i, lex.hedges)) and i + size < len(words) and (
        _NUMBER.fullmatch(words[i + size]) or longest_at(words, i + size, (*lex.softeners, "more", "less")))]
    for start in reversed(hedged):  # `like 0.4`, `like way more visible`: the number, the amount
        words = words[:start] + words[start + longest_at(words, start, lex.hedges):]
    words = [w for i, w in enumerate(words) if not (w in lex.heads["wholly"] and lex.colour_of(words[i + 1:i + 2]))]
    # `all black`, `completely white`: the colour
    for at in range(1, len(words) - 1):  # `a scarf thats red`, `a scarf that is red`: a red scarf
        said = 1 + (words[at] in ("that", "which") and words[at + 1] in lex.copulas)
        if words[at] in ("thats", "that's", "that", "which") and (colour := lex.colour_of(words[at + said:])):
            words = [*words[:at - 1], *colour.split(), words[at - 1]]
            break
    for i in range(len(words) - 2):  # `a little bird` is a small one; `a little darker` asks for a bit
        if words[i:i + 2] in (["a", "little"], ["a", "lil"]) and _sized_thing(words[i + 2]):
            person = lex.gender_of(words[i + 2]) or words[i + 2] in lex.people["any"]
            words[i + 1] = "young" if person else "small"  # `a little girl` is a child
    for _ in range(3):
        words = _strip_phrases(_strip_phrases(words, _ASKING_LEAD), lex.asking, lead=False)  # `add a hat too`, but
        # `too far away`
        words = _strip_phrases(words, lex.softeners, tail=False, inside=True)
        for start in range(max(1, len(words) - 3), len(words)):  # `down a bit`, but `too much` stays
            if longest_at(words, start, lex.softeners) == len(words) - start and words[start - 1] not in lex.degree:
                words = words[:start]
                break
    if len(words) > 1 and words[-1] in lex.trailers and words[-2] not in lex.function and words[-2] not in (
            "more", "less"):
        words = words[:-1]  # `summer vibes`, `underwater version`: summer, underwater
    return words


def _counting(words: list[str]) -> bool:
    """The words open with how many (`two`, `3`, `another`, `a couple`)."""
    lex = lexicon()
    return bool(words) and bool(words[0] in lex.numbers or _NUMBER.fullmatch(words[0]) or longest_at(
        words, 0, lex.one_more) or longest_at(words, 0, tuple(lex.groups)))


def _sized_thing(word: str) -> bool:
    """A word `a little` says the size of (`bird`), not how much of a change (`darker`, `more`, `warm`)."""
    lex = lexicon()
    return word.isalpha() and not (word in lex.comparatives or _base(word) or word in lex.antonyms or adjectival(
        [word]) or word in lex.degree or word in lex.trailing or word in ("more", "less", "bit", "much", "too")
        or word in lex.function or word.endswith("er") or verb_ing(word))


def _count(words: list[str]) -> tuple[str, int] | None:
    """`two foxes`, `3 girls`, `another girl`, `a second fox girl`: (the noun, how many; 0: one more; -n: n more)."""
    lex = lexicon()
    words = _strip_phrases(_strip_phrases(words, ("instead",), lead=False), ("just", "only"), tail=False)
    at = 1 if words[:1] and words[0] in lex.articles else 0
    if words[at:at + 2] and words[at] in lex.collective and words[at + 1] == "of" and words[at + 2:at + 3] and (
            words[at + 2] in lex.numbers or words[at + 2].isdigit()):
        words = words[at + 2:]  # `a group of 4 maids`: four maids
    if (size := longest_at(words, 0, lex.one_more)) and 0 < len(words) - size <= 3:
        noun, many = words[size:], 0
    elif (size := longest_at(words, 0, tuple(lex.groups))) and 0 < len(words) - size - (words[size] == "more") <= 2:
        noun, many = words[size:], lex.groups[" ".join(words[:size])]  # `a pair of deer`
        noun, many = (noun[1:], -many) if noun[0] == "more" else (noun, many)  # `a couple more boats`
        noun = [*noun[:-1], lex.singular(noun[-1])]
    elif len(words) in (3, 4, 5) and words[1] == "more" and (words[0] in lex.numbers or re.fullmatch(r"[2-9]", words[
            0])):  # `2 more cats`: how many more (the prompt says how many there are)
        noun, many = words[2:], -(lex.numbers.get(words[0]) or int(words[0]))
        noun = [*noun[:-1], lex.singular(noun[-1])]
    elif len(words) == 1 and (tag := re.fullmatch(r"([2-9])(girl|boy)s", words[0])):
        return tag.group(2), int(tag.group(1))  # `make it 2girls`
    elif len(words) == 3 and words[1] == "of" and words[2] in lex.pronouns and (
            words[0] in lex.numbers or re.fullmatch(r"[2-9]", words[0])):
        return words[2], lex.numbers.get(words[0]) or int(words[0])  # `3 of them`: the reader says who
    elif len(words) in (2, 3, 4) and (words[0] in lex.numbers or re.fullmatch(r"[2-9]", words[0])):
        noun, many = words[1:], lex.numbers.get(words[0]) or int(words[0])
        singular = lex.singular(noun[-1])
        person = bool(lex.gender_of(singular)) or singular in lex.people["any"]
        if (singular == noun[-1] and not person) or (words[0] in lex.people_only and not person):
            return None  # `two tone`: no plural, no count (`2 samurai` are two); `twin tails` is a hairstyle
        noun = [*noun[:-1], singular]
    else:
        return None
    return (" ".join(noun), many) if content(noun) == noun else None


_IN_CAPITALS = r"[A-Z0-9][\w'!?&/-]*"
_CAPITALS = re.compile(rf"\b(?:{'|'.join(sorted(lexicon().saying))})\s+"
                       rf"({_IN_CAPITALS}(?:\s+{_IN_CAPITALS}){{0,4}})(?=\s*(?:$|[,.;!?])|\s+(?:"
                       rf"{alternation(sorted({*lexicon().chat, *lexicon().run_on['joins']}))})\b)")
# `change the sign to say CLOSED`, `sign should say Chez Margot instead`, `say CLOSED and make it red`: lettering
# without quotes


def _done_with(words: list[str]) -> tuple[list[str], str] | None:
    """A thing and what the subject does with it, said after it (`a black cat she is holding`, `a cat to hold`,
    `a lance for him to carry`): (the thing, the doing: `holding`); None when nothing is said after it."""
    lex = lexicon()
    for at in range(1, len(words) - 1):
        tail = words[at:]
        if tail[0] in ("that", "which"):
            tail = tail[1:]
        if tail[:1] == ["for"] and len(tail) > 1 and tail[1] in lex.pronouns:
            tail = tail[2:]
        if len(tail) == 2 and tail[0] == "to" and tail[1] in lex.gerunds:
            return words[:at], lex.gerunds[tail[1]]
        if len(tail) in (2, 3) and tail[0] in lex.pronouns and verb_ing(tail[-1]) and (
                len(tail) == 2 or tail[1] in lex.copulas):
            return words[:at], tail[-1]
    return None


def _strip_determiner(words: list[str]) -> list[str]:
    while words and (words[0] in lexicon().articles or words[0] in lexicon().determiners):
        words = words[1:]
    return words


def content(words: list[str], noun: bool = False) -> list[str]:
    """Words that may enter a prompt: no chat, asking, pronoun or vague words, no unresolved comparative, and no
    verb of the lexicon to open them (`make her`, `keep it` are a misreading; `curled up` is a pose) unless they
    follow an article (`noun`: `an axe`). A possessive before a noun is content (`on her shoulder`)."""
    lex = lexicon()
    verbs = {v for said in lex.verbs.values() for v in said if " " not in v} - lex.attributes  # `dress` is worn
    owned = {i for i, w in enumerate(words[:-1]) if i and w in lex.possessives and words[i + 1] not in lex.function
             and words[i + 1] not in lex.degree}  # `on its nose`, not `its too dark`
    return [w for i, w in enumerate(words) if (w not in lex.chat or i in owned) and (i or noun or w not in verbs)
            and w not in lex.comparatives and (w not in lex.pronouns or i in owned) and w not in lex.vague
            and not w.endswith("n't")]


def _out_there(edit: Edit, thing: list[str]) -> bool:
    """`rainy outside`, `a rainy evening outside the window`: the weather or time out there; the scene stays put."""
    out = next((i + 1 for i, w in enumerate(thing) if i and w in lexicon().places_alone), 0)
    return bool(out) and any(v.group in ("weather", "season", "time") for v in _values(" ".join(thing[:out]))) and \
        _make(edit, thing[:out])


def _one_of(words: list[str]) -> list[str]:
    """`at one of the tables`: at a table; `one of the shop doors`: a shop door (the run's last noun)."""
    at = next((i for i in range(len(words) - 3) if words[i:i + 3] == ["one", "of", "the"]), None)
    if at is None:
        return words
    end = next((i for i in range(at + 3, len(words)) if words[i] in _PREPOSITION_WORDS), len(words)) - 1
    return [*words[:at], "a", *words[at + 3:end], lexicon().singular(words[end]), *words[end + 1:]]


def _phrase(words: list[str]) -> str:
    return " ".join(_strip_determiner(words))


# ---------------------------------------------------------------------------------------------------------------
# Values, sizes, chips


def _chip(edit: Edit, name: str) -> None:
    chip = lexicon().chips[name]
    if "size" in chip:
        edit.size = tuple(chip["size"])
        return
    edit.add += chip["add"]
    edit.sentences.append(chip["sentence"])
    for group, value in chip.get("set", {}).items():
        edit.set.append(vocab().groups[group][value])


def chip_edit(name: str) -> Edit:
    """One of our chips (darker, brighter, more detail, simpler, cinematic, photo, anime, square)."""
    if name not in lexicon().chips:
        raise KeyError(name)
    edit = Edit()
    _chip(edit, name)
    return edit


def _gerund(words: list[str]) -> list[str]:
    """A pose or an action as a prompt says it: `sit on a throne` -> `sitting on a throne`."""
    gerunds = lexicon().gerunds
    for size in range(min(4, len(words)), 0, -1):
        if (said := " ".join(words[:size])) in gerunds:
            return [*gerunds[said].split(), *words[size:]]
    return words


def _set(edit: Edit, value: Value, said: str = "") -> None:
    """Set a group value; its tags are what is added, or the user's own words (`said`) where they say more."""
    chip = next((name for name, chip in lexicon().chips.items() if chip.get("set", {}).get(value.group) == value.name
                 and value.group in ("brightness", "detail")), None)
    if chip and (not said or said in value.words):  # the chips say these better; not `dark clouds`: a thing
        _chip(edit, chip)
        return
    edit.set.append(value)
    plain = " ".join(_strip_determiner(said.split()))
    if plain or not value.tags:
        edit.said += [plain] if plain else []
        edit.add.append(plain or value.name)
        edit.sentences.append(_said_sentence(value, plain or value.name))
        return
    edit.add += list(value.tags)
    edit.sentences.append(value.sentence or _sentence(", ".join(value.tags)))


def _said_sentence(value: Value, said: str) -> str:
    """A value in the user's words, as a sentence: `A lonely mood.`, `At sunset.`, else the words."""
    if len(said.split()) <= 2 and value.group == "mood":
        return _sentence(f"{'an' if said[:1] in 'aeiou' else 'a'} {said} mood")
    if len(said.split()) == 1 and value.group in ("time", "season") and not any(
            v.group == "weather" for v in _values(said)):  # `Sunny.`, not `At sunny.`
        return _sentence(f"in the {said}" if said in lexicon().day_parts else f"at {said}")  # `In the evening.`
    return _sentence(said)


def _size(words: list[str]) -> tuple[int, int] | None:
    lex = lexicon()
    words = _strip_phrases(_strip_determiner([w for w in words if w not in ("in", "to")]), lex.size_words,
                           lead=False)
    x = " ".join(_strip_determiner(words))
    for said in (x, *(words if not set(words) & set(lex.saying) else ())):  # `should read 3:15` is lettering
        ratio = _RATIO.match(said)
        if ratio and int(ratio.group(1)) and int(ratio.group(2)) and 1 / 4 <= int(ratio.group(1)) / int(
                ratio.group(2)) <= 4:  # a picture's shape, not a time (`3:15`)
            return int(ratio.group(1)), int(ratio.group(2))
    if x in lex.sizes:
        return lex.sizes[x]
    for size in range(len(words) - 1, 0, -1):  # `vertical for my phone`, `square its for my pfp`: a named size,
        rest = words[size:]  # then what it is for
        if (first := " ".join(words[:size])) in lex.sizes and (" ".join(rest) in lex.sizes or rest[0] in (
                "for", "its", "it") or (len(rest) == 1 and rest[0].isdigit() and int(rest[0]) >= 256)):
            return lex.sizes[first]  # `square 1024`: the shape, in pixels the family's own
    return None


def _age(words: list[str]) -> str:
    """An age said as a number (`25`, `60 years old`, `70ish`): `25-year-old`, else ''."""
    said = re.fullmatch(r"(\d{1,3})(?:-?ish)?", words[0]) if words and words[1:] in ([], ["years", "old"], ["yo"]) \
        else None
    return f"{said.group(1)}-year-old" if said and 1 <= int(said.group(1)) <= 110 else ""


def _angle(words: list[str]) -> Value | None:
    """The camera angle words name (`from below`), or a comparative says of the camera (`lower`: a low angle)."""
    said = [v for v in _values(" ".join(words)) if v.group == "angle"]
    said += [v for v in [find_value(f"{_base(words[-1])} angle")] if v and v.group == "angle"] if words else []
    return said[0] if said else None


def _settings(words: list[str]) -> list[tuple[str, float | str]]:
    """`28 steps`, `cfg 7`, `set the steps to 30`, `steps 35 cfg 5.5`, `sampler euler a`: generation settings by
    name and number (or A1111's name); [] unless every word is one of them."""
    lex = lexicon()
    said = [w for w in _strip_determiner(words[longest_at(words, 0, lex.verb_phrases):]) if w not in ("to", "at", "=")]
    names = {n: k for k, all_names in lex.settings.items() for n in all_names}
    found, index, pending = [], 0, None  # a number said before its name (`28 steps`)
    while index < len(said):
        size = longest_at(said, index, tuple(names))
        if size:
            key, index = names[" ".join(said[index:index + size])], index + size
            if key in ("sampler_name", "scheduler"):  # `sampler dpm++ 2m karras`: A1111's names
                used, named = named_sampler(said[index:])
                if not named or pending is not None:
                    return []
                found, index = [*found, *named.items()], index + used
            elif index < len(said) and _NUMBER.fullmatch(said[index]):
                found.append((key, float(said[index])))
                index += 1
            elif pending is not None:
                found.append((key, pending))
                pending = None
            else:
                return []
        elif _NUMBER.fullmatch(said[index]) and pending is None:
            pending, index = float(said[index]), index + 1
        elif pending is None and (bare := _bare_sampler(said[index:]))[0]:
            found, index = [*found, *bare[1].items()], index + bare[0]
        else:
            return []
    return found if pending is None else []


def _bare_sampler(words: list[str]) -> tuple[int, dict[str, str]]:
    """`use dpm++ sde karras`: a sampler said by its name alone, a name that is no English word (`restart` is)."""
    used, named = named_sampler(words)
    return (used, named) if "sampler_name" in named and words[0] not in english_words() else (0, {})


def _values_said(words: list[str]) -> bool:
    """Words that are values alone: `dutch angle full body shot`, `calm sunny day` (a mood and a day, not `calm`
    the day away); not `calm the sea`, nor `big waves crashing` (the sea the prompt has, made rough)."""
    if len(words) > 3:
        return _values_only(words)
    return len(words) == 3 and not set(words) & lexicon().articles and _values_only(words) and not any(
        v.group in ("place", "setting") for v in _values(" ".join(words)))


def _without_why(words: list[str]) -> list[str]:
    """A removal without why the user asks (`no neon it is too much`, `get rid of the mug its clutter`)."""
    lex = lexicon()
    why = next((i for i in range(1, len(words)) if longest_at(words, i, lex.reasons) or (
        words[i] == "its" and i + 1 < len(words) and words[i - 1] not in lex.function)), None)
    if why is not None and longest_at(words, 0, (*lex.negations["leading"], *lex.verbs["remove"])):
        return words[:why]
    return words


def added_sentence(thing: list[str], words: list[str]) -> str:
    """A thing added, as prose: `With his axe.`; `Lit by candles.` and `Dusty.` as they are (never `With lit by
    candles.`, `With dusty.`)."""
    lex, x = lexicon(), " ".join(thing)
    article = next((w for w in words[:1] if w in lex.articles | lex.possessives), "")
    done = thing[0] in lex.participles or (thing[0].endswith("ed") and len(thing) > 1 and thing[1] == "by") or (
        len(thing) == 1 and (adjectival(thing) or thing[0].endswith(("ic", "ive", "ish", "less", "esque"))) and not
        set(words) & lex.articles)  # `Romantic.`, never `With romantic.`
    return _sentence(x) if done else f"With {article} {x}.".replace("  ", " ")


def _a_count(words: list[str]) -> bool:
    """`one`, `a single`, `1`: how many, and nothing else (`3 canoes instead of one`)."""
    return bool(words) and all(w in lexicon().single or w.isdigit() for w in words)


def _values(x: str) -> list[Value]:
    """Every group value a phrase names (`a stormy night`: storm and night); a value that has the whole phrase
    among its words is the one it names (`huge waves`: a rough sea, not the sea's waves)."""
    values = [vocab().groups[g][name] for g, names in facets(x, entries=False).items() for name in sorted(names)]
    whole = [v for v in values if x.lower() in v.words]
    return whole if len(whole) == 1 else values


def _unwrapped(words: list[str]) -> list[str]:
    """A value under its wrapping: `more of a noir feel` -> noir, `like it was night` -> night."""
    lex = lexicon()
    words = _strip_phrases(words, (*lex.copulas, *lex.unwrap), tail=False)
    return _strip_phrases(words, lex.wrappers, lead=False, tail=True)


def _base(word: str) -> str | None:
    """The plain form of a comparative (`cozier` -> cozy) from the lexicon, else by its ending."""
    lex = lexicon()
    if word in lex.comparatives:
        return lex.comparatives[word][0]
    for suffix, base in (("ier", "y"), ("er", ""), ("est", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and find_value(word[:-len(suffix)] + base):
            return word[:-len(suffix)] + base
    return None


def _specific(words: list[str], value: Value) -> bool:
    """The user's words say more than the value's tags would: `lonely`, `christmas`, `sunset` (a mood, a season or
    a time in the user's own word), `lightning` of a storm, `a sandstorm`, `huge waves`, `blue hour` (not `colder
    colors`: a comparison)."""
    lex, x = lexicon(), " ".join(words)
    if len(words) == 1:
        return x in value.tags[1:] or x in lex.heads["weather"] or (
            value.group in WORDED and x in value.words and x not in value.tags and (
                x != value.name or x in lex.day_parts))  # `evening`, not `dusk`; `day`: daytime
    return (x in value.words or _values_only(words)) and x not in value.tags and not any(_base(w) for w in words)


def _composed(edit: Edit, words: list[str]) -> bool:
    """`from above`, `view from above like a drone shot`: how it is composed, as said."""
    lex = lexicon()
    framed = longest_at(words, 0, lex.composition)
    if not framed or (framed < len(words) and words[framed] not in lex.hedges):
        return False
    edit.add.append(" ".join(words[:framed]))
    edit.sentences.append(_sentence(" ".join(words[:framed])))
    return True


def _valued(edit: Edit, thing: list[str], words: list[str]) -> bool:
    """`add some fog`: a weather, its words; not `a dog sitting` (what the dog does, not the subject's pose)."""
    values = _values(" ".join(thing)) if len(thing) <= 3 else []
    covered = set(words_of(" ".join(w for v in values for w in v.words)))
    if thing[0] not in covered and next((verb_ing(w) for w in thing if w in covered), False):
        return False
    if values and all(v.group not in ("place", "setting") for v in values) and _make(edit, thing):
        if words[:1] in (["a"], ["an"]) and words[1:] == thing and edit.sentences and edit.sentences[-1] == _sentence(
                " ".join(thing)):
            edit.sentences[-1] = _sentence(" ".join(words))  # `A heavy fog.`, its article kept (not `Some snow`)
        return True
    return False


def _sky_said(edit: Edit, obj: list[str], comp: list[str], said: set[str]) -> bool:
    """`the sky should be clear`, `make the weather clear`: a time, season or weather said of what shows it (a clear
    sky); not `the sea should be rough` where the prompt says its opposite (the calm sea is made rough in place)."""
    named = [comp[0], *obj[-1:]] if len(comp) == 1 and not lexicon().antonyms.get(comp[0], frozenset()) & said else []
    if not named[1:] or not (value := find_value(" ".join(named))) or value.group not in ("time", "season", "weather") \
            or " ".join(named) not in value.words:
        return False
    if not _make(edit, named):
        _set(edit, value)
    return True


def _make(edit: Edit, words: list[str]) -> bool:
    """`make it X`: a chip, a size, group values or a setting."""
    lex = lexicon()
    words = _unwrapped(words)
    x = " ".join(words)
    if not x or (len(words) > 2 and words[1] in lex.articles and words[0] not in lex.function and not find_value(
            words[0])):
        return False  # `vanquish the fireplace`: a verb we do not know, before what it acts on
    if chip := lex.chip_of(x):
        _chip(edit, chip)
        return True
    if size := _size(words):
        edit.size = size
        return True
    values = _values(x)
    out = next((i for i, w in enumerate(words) if i and w in ("outside", "outdoors")), None)
    if out is not None and any(v.group in ("weather", "season", "time") for v in values):
        values = [v for v in values if v.group != "place"]  # `raining outside (the window)`: out there, the scene
        words = words[:out]  # stays put
        x = " ".join(words)
    if values and all(v.group in ("place", "setting") for v in values):
        if content(words) != words or set(words) & {w for said in lex.objects.values() for w in said} or \
                set(words) & set(lex.negations["leading"]) or "from" in words[1:] or " ".join(
                    _strip_determiner(words)) in lex.setting_signs:
            return False  # `the camera not outside` is no place; `wet from the ocean` says how, not where; nor is
            # a seagull
        _relocated(edit, x)
        return True
    if values:
        covered = set(words_of(" ".join(w for v in values for w in v.words)))
        extra = [w for w in words if w not in covered and w not in lex.articles and w != "and"]
        own = x if extra or _specific(words, values[0]) or len(values) > 1 or (
            values[0].group == "medium" and x != values[0].name) else ""
        if own and content(extra) != extra:
            own = " ".join(w for w in words if w in covered)
        if len(values) > 1 and len(words) > 3 and not extra:  # `dutch angle full body shot`: a tag each
            for value in sorted(values, key=lambda v: phrase_pattern(v.words).search(x).start()):
                _set(edit, value, phrase_pattern(value.words).search(x).group())
            return True
        for index, value in enumerate(values):
            if own and index:
                edit.set.append(value)  # the user's words (added once, with the first) say it
            else:
                _set(edit, value, own)
        return True
    if len(words) == 1 and (base := _base(words[0])):
        if chip := lex.chip_of(words[0]):
            _chip(edit, chip)
            return True
        if value := find_value(base):
            _set(edit, value)
            return True
    if len(words) == 1 and (value := find_value(words[0])):
        _set(edit, value)
        return True
    return False


STEPS = {("more", ""): 0.1, ("less", ""): -0.2, ("more", "big"): 0.3, ("less", "big"): -0.3, ("more", "small"): 0.1,
         ("less", "small"): -0.1}  # a weight's change, by how much the user asks (`way stronger`, `a bit less`)


def _weigh(edit: Edit, kind: str, words: list[str], degree: str = "") -> bool:
    lex = lexicon()
    x = " ".join(_strip_determiner(words))
    if chip := lex.chip_of(f"{kind} {x}"):
        _chip(edit, chip)
        return True
    said = x.split()
    if not x or content(said) != said or any(w in lex.articles and said[i - 1] not in _PREPOSITION_WORDS
                                             for i, w in enumerate(said) if i):
        return False  # `calm the sea down even`: a verb we do not know, before what it acts on
    base = _base(x) if " " not in x else None
    value = find_value(x) or (find_value(base) if base else None)
    if value is not None and len(x.split()) <= 3 and value.group in lex.qualities:
        wanted = value if kind == "more" else opposite(value)
        if wanted is not None:  # `more blue cold tones`, `more hopeful`: in the user's words
            own = kind == "more" and (len(x.split()) > 1 or (value.group in WORDED and x != value.name))
            _set(edit, wanted, x if own else "")
            return True
    edit.weight.append((x, STEPS[kind, degree]))
    return True


# ---------------------------------------------------------------------------------------------------------------
# Clauses


@dataclass
class _Clause:
    """One clause chunked: its operation, object and complement (words), and what it named."""

    op: str = ""
    obj: list[str] = field(default_factory=list)
    comp: list[str] = field(default_factory=list)


def _object_slot(words: list[str]) -> str | None:
    """What an object stands for: the picture, the subject, a network, a slot; None for a thing."""
    lex = lexicon()
    phrase = " ".join(words)
    if slot := lex.slot_of_object(phrase):
        return slot
    bare = " ".join(_strip_determiner(words))
    if slot := lex.slot_of_object(bare):
        return slot
    if words and (set(words) & lex.network_words or _NETWORK_TAG.match(words[-1])):
        return "network"
    return None


def adjectival(words: list[str]) -> bool:
    """`rusty`, `old`, `well kept`: words that say what a thing is like (by their form; no dictionary here: `boy`
    and `bed` are too short to tell)."""
    last = words[-1] if words else ""
    return bool(words) and words[0] not in lexicon().articles and (
        last in lexicon().antonyms or (len(last) > 4 and last.endswith(("y", "ed", "ful", "ous"))) or
        (len(words) == 2 and words[0] == "well"))


def _split_object(words: list[str]) -> tuple[list[str], list[str]]:
    """`the dog a cat` -> (dog, a cat); `her hair shorter` -> (her hair, shorter); `it night` -> (it, night)."""
    lex = lexicon()
    if not words:
        return [], []
    for size in (3, 2, 1):
        head = " ".join(words[:size])
        if lex.slot_of_object(head) in ("it", "subject") and size < len(words):
            rest = words[size:]
            if words[0] in lex.possessives and rest and (rest[0] in lex.attributes or (
                    len(rest) > 1 and not lex.colour_of(rest[:1]) and lex.colour_of(rest[1:]))):
                break  # `her hair red`, `her raincoat blue`: the hair, the raincoat is the object
            return words[:size], rest
    start = 1 if words[0] in lex.articles | lex.possessives else 0
    if start < len(words) - 1 and words[start] in lex.attributes:  # `her hair long`: the hair, then what
        return words[:start + 1], words[start + 1:]
    for index in range(start + 1, len(words)):
        word = words[index]
        if stem(word) in lex.heads["light"] and lex.colour_of(words[index + 1:]):
            return words[:index], words[index:]  # `the sword glow blue`: its glow
        if word in lex.looks and index + 1 < len(words):  # `the motorcycle look old`: how it looks
            return words[:index], words[index + (words[index + 1] not in lex.prepositions):]  # `look at the camera`
        if (made := longest_at(words, index, lex.made_of)) and words[-1] in lex.materials and index + made < len(words):
            return words[:index], words[index + made:]  # `the bench out of marble`: what it is made of
        if ((word in lex.articles and words[index - 1] not in _PREPOSITION_WORDS) or (word in lex.colours and not (
                start and index + 2 == len(words) and words[-1] not in lex.function | set(lex.colours) | set(
                    lex.materials)))  # not `a small red scarf`: the colour of the scarf said after it
                or word in lex.comparatives or _base(word) or word in lex.connectors["to"]
                or word in ("more", "less") or find_value(word)
                or (word in lex.materials and index == len(words) - 1)):  # `the bridge stone`
            return words[:index], words[index:]
    if len(words) - start >= 2 and adjectival(words[-1:]):
        return words[:-1], words[-1:]  # `the robot rusty`, `the robot old`
    return words, []


def _connector(words: list[str], kinds: tuple[str, ...] = ("to", "reversed")
               ) -> tuple[list[str], str, list[str]] | None:
    """(before, connector, after) at the first connector word (`A to B`, `B instead of A`; with `kinds` naming
    `with`: `replace A with B`)."""
    lex = lexicon()
    for index in range(1, len(words)):
        for kind, said in ((k, lex.connectors[k]) for k in kinds):
            size = longest_at(words, index, said)
            if size and index + size < len(words):
                return words[:index], kind, words[index + size:]
    return None


def gendered_role(old: str, new: str) -> str:
    """`make the knight a girl`: a female knight (a role keeps its name, the person changes); `the fisherman a
    woman`: a fisherwoman; a plain person (`the man a woman`) is replaced."""
    lex = lexicon()
    plain = {w for said in lex.gendered["plain"].values() if isinstance(said, list) for w in said}
    head, gender = (old.split() or [""])[-1], lex.gender_of(new)
    person = head in plain or head in lex.people["everyone"] or head in lex.people["any_person"]
    if not gender or not set(new.split()) - set(lex.articles) <= plain or person or not (
            lex.gender_of(head) or head in lex.people["any"]):
        return new
    if head.endswith("man") and gender == "female":
        return old[:-3] + "woman"
    if head.endswith("woman") and gender == "male":
        return old[:-5] + "man"
    return f"{gender} {old}" if lex.gender_of(head) != gender else old


def _weight_of(span: Span) -> float:
    """A network's or group's weight as A1111 reads it (`(x:1.2)`, `((x))`: 1.21, `<lora:x:0.6>`)."""
    said = re.search(r":(\d*\.?\d+)(?:\)+|>)$", span.text)
    return float(said.group(1)) if said else round(1.1 ** (len(span.text) - len(span.text.lstrip("("))), 2)


def _network_names(words: list[str], spans: list[Span]) -> list[Span]:
    """The networks an object names: by its tag, by words of the network's name, or (the only one, or `the
    lora` with one network) by a network word alone."""
    networks = [s for s in spans if s.kind == "network"]
    if set(words) & {"all", "every", "loras", "networks", "lycos", "hypernetworks"}:
        return networks  # `nuke all the loras`
    place = next((lexicon().ordinals[w] for w in words if w in lexicon().ordinals), None)
    if place is not None and len(networks) >= abs(place) and place:  # `remove the 2nd lora`
        return [networks[place - 1 if place > 0 else place]]
    said = [w for w in words if w not in lexicon().network_words and w not in lexicon().function and w != "the"
            and not _NUMBER.fullmatch(w) and not any(w in p.split() for ps in lexicon().intensity.values() for p in ps)]
    # `lora to 0.8`: the number names no network, nor does `a smidge`
    joined = "".join(said)
    found = []
    for span in networks:
        name = re.sub(r"[^a-z0-9]", "", span.key.split(":", 1)[1])
        tagged = any(_NETWORK_TAG.match(w) and span.key.split(":", 1)[1] in w for w in words)
        parts = {lexicon().singular(p) for p in re.split(r"[^a-z0-9]+", span.key.split(":", 1)[1].lower())} | set(
            re.split(r"[^a-z0-9]+", span.key.split(":", 1)[1].lower()))  # `the ink one`: <lora:ink_v1>; `elf`: elves
        if tagged or (len(joined) >= 3 and (joined in name or any((len(w) >= 4 and w in name) or w in parts
                                                                  for w in said))):
            found.append(span)
    if not found and len(networks) == 1 and not said:
        found = networks
    return found


class _Reader:
    def __init__(self, spans: list[Span], subject: list[str], said: set[str], terms: list[list[str]]):
        self.spans = spans
        self.terms = terms  # the prompt's terms, as words
        self.subject = {stem(h) for h in subject}  # the prompt's subject head nouns
        self.nouns = subject
        self.said = said  # the prompt's words
        self.degree = ""  # how much the clause read asks for: big, small or as usual
        self.reading = Reading()
        self.last = _Clause()
        self.quotes: list[str] = []  # the instruction's lettering as typed (the clauses are read lower case)
        self.setting: tuple[str, str] | None = None  # a setting asked more of, and the note asking its number
        self.prior: list[str] = []  # the clause before, what `it` may name (`realistic is too strong, drop it to 1.1`)
        self.added: list[str] = []  # what the clause before added
        self.kept = Edit()  # the edit before the clause before, for one that takes it back (`actually no`)
        self.asked = ""  # a question whose thing a later clause may add (`why is there no moon? add one`)
        self.judged = ""  # a judgement whose thing a later clause may change (`the snow is distracting`)
        self.owner = ""  # the prompt's thing a clause denies a word of (`the lighthouse shouldn't be old`)

    # -- span targets ------------------------------------------------------------------------------------------

    def _name_spans(self, words: list[str], op: str) -> bool:
        """Mark the user's spans an object names; True when it names a network (the clause is read)."""
        lex = lexicon()
        what = "remove" if op in ("remove", "no") else "change"
        named = {s.text for s in self.spans if s.kind == "network" and s.text in self.reading.spans}
        others = [s for s in self.spans if s.kind == "network" and s.text not in named]
        if "other" in words and named and others and not set(words) - {"the", "other", "one", "ones",
                                                                         *lex.network_words}:
            for span in others:  # `cyberpunk lora to 0.8 and turn the other one off`: the LoRAs not named
                self.reading.spans[span.text] = what
            return True
        one = (words[-1:] in (["one"], ["ones"]) or (words[-1:] and words[-1] in lexicon().placeholders)) and len(
            words) > 1 and bool(_network_names(words[:-1], self.spans))  # `the fantasy one`, `that ghibli thing`
        if one or _object_slot(words) == "network" or any(_NETWORK_TAG.match(w) for w in words):  # `the ink one`
            found = _network_names(words, self.spans)
            if not found:
                self.reading.notes.append("which LoRA? name it (`the detail lora`) when the prompt has several"
                                          if any(s.kind == "network" for s in self.spans) else "no LoRA in the prompt")
            for span in found:
                self.reading.spans[span.text] = what
            return True
        said = {w for w in words if w not in lex.stop and len(w) >= 3}
        for span in self.spans:
            if span.kind == "network":
                continue
            own = {w for w in words_of(span.key) if w not in lex.stop and len(w) >= 3 and not w.isdigit()}
            foreign = {w for w in words_of(span.key) if not w.isascii()} & set(words)
            kind_words = lex.span_words.get(span.kind, frozenset())
            if foreign or any(kin(a, b) for a in said for b in own) or set(words) & kind_words:
                self.reading.spans.setdefault(span.text, what)
        return False

    # -- one clause ----------------------------------------------------------------------------------------------

    def clause(self, text: str) -> None:
        added = len(self.reading.edit.add)
        if " ".join(_tokens(text)) in lexicon().corrections:  # `add from behind.. actually no, from the side`
            self.reading.edit, self.added = self.kept, []
            return
        self.kept = deepcopy(self.reading.edit)
        if text.rstrip().endswith("?") and _tokens(text)[-1:] and _tokens(text)[-1] in lexicon().question_tags:
            return  # `the truck is red right?`: the user checks, asks nothing
        if not self._placed_after(normal(text)) and not self._retagged(text):
            self._clause(text)
        self.prior = normal(text) or self.prior
        self.added = self.reading.edit.add[added:]
        if _tokens(text)[-1:] == ["instead"] and self.added and verb_ing(self.added[0].split()[0]):
            self._undone(self.added[0])

    def _undone(self, doing: str) -> None:
        """`hes eating ramen at a stall instead`: the pose the prompt says (`running`) goes for what is done now."""
        for text in self.reading.prompt.texts() if self.reading.prompt else ():
            value = find_value(text.strip().lower())
            if value and value.group == "pose" and text.strip().lower() in value.words and not names(doing, text):
                self.reading.edit.remove.append(text.strip())
                return

    def _retagged(self, text: str) -> bool:
        """`switch to source_cartoon`, `the cartoon source tag instead of the anime one`: a tag the prompt has one
        of (Pony's source, its rating) in place of the prompt's."""
        for prefix in lexicon().one_of_prefixes:
            said = re.search(rf"(?<![\w]){prefix}([a-z]+)", text, re.I) or re.search(
                rf"(?<![\w])([a-z]+)\s+{prefix.rstrip('_')}\s+tag", text, re.I)
            new = f"{prefix}{said.group(1).lower()}" if said else ""
            old = next((t for t in self.reading.prompt.texts() if t.lower().startswith(prefix)), "") if said and \
                self.reading.prompt else ""
            if old and old.lower() != new:
                self.reading.edit.replace.append((old, new))
                self.reading.spans[old] = "change"
                return True
        return False

    def _placed_after(self, words: list[str]) -> bool:
        """`throw in an old guy reading, next to the cat`: where the thing the clause before added is."""
        at = longest_at(words, 0, lexicon().prepositions)
        if not self.added or not at or at == len(words) or content(words[at:]) != words[at:] or len(words) > 6:
            return False
        if any(v.group in ("time", "season", "weather") for v in _values(" ".join(words))) or any(
                self.added[-1] in v.tags for v in self.reading.edit.set):
            return False  # `a watercolor, at night`: a time of the picture, not where a value's tag is
        thing, where = self.added[-1], " ".join(words)
        where = f"and {where}" if set(thing.split()) & _PREPOSITION_WORDS else where  # `on the ground and on it`
        edit = self.reading.edit
        edit.add[len(edit.add) - 1 - edit.add[::-1].index(thing)] = f"{thing} {where}"
        edit.sentences[:] = [f"{s.rstrip('.')} {where}." if thing.lower() in s.lower() else s for s in edit.sentences]
        return True

    def _clause(self, text: str) -> None:
        words = normal(text)
        if not words or self._says(text):
            return
        lex = lexicon()
        if words[0] in lex.questions:
            return self._question(words, text)
        words = _without_why(words)
        said = _tokens(text)
        if self._why(said):
            return
        if self._aside(words, said, text):
            return None
        self.degree = next((k for k, phrases in lex.intensity.items() if any(
            longest_at(said, i, phrases) for i in range(len(said)))), "")
        raw = " ".join(said)
        self.reading.structure = self.reading.structure or "break" in said or "AND" in text.split()
        if any(w.startswith("<") for w in words) and longest_at(words, 0, lexicon().verbs["add"]):
            self.reading.adds_network = True
        edit, read = Edit(), None
        if (value := self._said_number(words)) is not None:  # `lower the lora a bit, like 0.5`: a number alone
            read = self._number(edit, value)  # sets what the clause before named, or is never pasted
            if not read:
                self.reading.unread.append(raw)
                return
        verbless = not longest_at(words, 0, lexicon().verb_phrases) and not (len(words) > 1 and lex.trailing.get(
            words[-1]) == "remove")  # `crows gone`: its verb said last
        carries = self.last.op and not self.last.op.startswith(("no", "keep", "only")) and not longest_at(
            words, 0, lexicon().negations["leading"]) and said[:1] not in (["just"], ["only"]) and not {
            "actually", "instead", "rather"} & set(said) and said[:1] != ["its"] and said[:2] != ["it", "is"]
        # `less smiley, kinda sad actually`: sad; `lora off, its overcooking everything`: why; `no rain`, `just
        # the food` after `make it sunny`, `get rid of the chef`: what the clause before did does not carry
        hedge = longest_at(words, 0, lexicon().hedges)  # `more magic, like sparks`: examples of what it asked
        example = words[hedge:] if hedge and hedge < len(words) else words
        if carries and longest_at(self.last.op.split(), 0, lexicon().verbs["remove"]) and not set(
                content(words)) <= self.said and not set(words) & lex.network_words:
            carries = False  # `remove glasses, long hair`: nothing of the prompt to take away, a thing (but `lose
            # the fog and the film lora`: the LoRA goes too)
        if read is None and hedge and len(example) <= 3 and not set(like := _strip_determiner(example)) & lex.heads[
                "generic"] and all(_values(w) for w in content(like)) and _make(edit, like):
            read = True  # `can it be snowing, like a winter night`: what it is like is a time or a season
        if read is None and verbless and (described := self._described(words)):
            edit.recolour.append(described)  # `turn it into summer, green forest`: the prompt's forest, green
            read = True
        if read is None and carries and verbless and (len(example) <= 2 or set(example) & lex.network_words):
            read = self._read(edit, [*self.last.op.split(), *example])  # `make her hair long and red`: it carries
        if read is None:  # `golden hour lighting would look way better`: the lighting
            edit = Edit()
            read = self._read(edit, _suggested(words) or words)
        verb_only = longest_at(self.last.op.split(), 0, lex.verb_phrases) == len(
            self.last.op.split())  # `horse should be brown, knight holding a lance`: `horse should be` stays put
        if read is None and self.last.op and verbless and verb_only and not hedge and (carries or not longest_at(
                self.last.op.split(), 0, lexicon().verbs["remove"])):
            read = self._read(edit, [*self.last.op.split(), *words])  # `no umbrellas or boats`: the verb carries
        if read:
            self.reading.edit.merge(edit)
        elif self._vague(words):
            self._judged(words, text.strip())
        else:
            self._unread(words, raw or text.strip())

    def _aside(self, words: list[str], said: list[str], text: str) -> bool:
        """A clause that says how the pictures come out (`keeps coming out desaturated`: why, no ask) or names an
        earlier picture (`the lighting from before`: not ours to see): said in the note, never pasted."""
        lex = lexicon()
        if any(longest_at(said, i, lex.reports) for i in range(len(said))):
            self._judged(words, text.strip())
        elif any(longest_at(said, i, lex.versions) for i in range(len(said))):
            self._unread(words, " ".join(said))
        else:
            return False
        return True

    def _judged(self, words: list[str], text: str) -> None:
        """A clause that asks for no change of its own (`the snow is distracting`): said in the note; what it
        names, `it` may stand for in the clause after (`less of it`)."""
        self._named(words)
        self.reading.vague.append(text)
        self.reading.notes.append(f"{text!r} {VAGUE}")
        self.judged = text

    def _described(self, words: list[str]) -> tuple[str, str] | None:
        """`green forest` where the prompt has a forest: (the noun, its new colour)."""
        said = _strip_determiner(words)
        colour = lexicon().colour_of(said[:-1]) if len(said) in (2, 3) else None
        return (said[-1], colour) if colour and self._in_prompt(said[-1]) else None

    def _unread(self, words: list[str], raw: str) -> None:
        """A clause no rule read: said in the note; a weighted group it speaks of may change, never a LoRA."""
        self._named(words)
        self.reading.unread.append(raw)
        self.reading.unread_words += [w for w in content(words) if w not in lexicon().function]
        self._name_spans([w for w in content(words) if w not in lexicon().network_words], "change")

    def _question(self, words: list[str], text: str) -> None:
        """`why is there no snow falling`: what it asks for, said next (`add that`)."""
        at = next((i + 1 for i, w in enumerate(words) if w in lexicon().negations["leading"]), len(words))
        self.last = _Clause("", content(words[at:]))
        self.asked = " ".join(_tokens(text))

    def _why(self, said: list[str]) -> bool:
        """`more details lora off, its overcooking everything`: after a removal, why it goes; nothing more."""
        taken = self.reading.edit.remove or "remove" in self.reading.spans.values() or any(
            d < 0 for _, d in self.reading.edit.weight)
        return bool(taken) and (said[:1] == ["its"] or said[:2] == ["it", "is"]) and not any(
            v.group in ("time", "season", "weather") for v in _values(" ".join(said)))  # `its night now` asks for it

    def _says(self, text: str) -> bool:
        """`the sign should say "FRESH BREAD"`: the prompt's thing and the lettering it carries, as typed."""
        quote = QUOTED.search(text)
        before = _tokens(text[:quote.start()]) if quote else []
        having = {w for h in lexicon().having for w in h.split()}  # `the car should have "SPEED" on it`
        at = next((i for i, w in enumerate(before) if w in lexicon().saying or w in having), None)
        noun = next((w for w in reversed(before[:at or 0]) if self._in_prompt(w) and w not in lexicon().function),
                    None)
        if quote is None:
            return False
        typed = next((q for q in self.quotes if q.lower() == quote.group().lower()), quote.group())
        if at is not None and self._new_sign(before[:at], typed, _tokens(text[quote.end():])):
            return True
        if at is None or noun is None:
            return self._titled(before, _tokens(text[quote.end():]), typed)

        self.reading.edit.says.append((noun, typed))
        self.last = _Clause("", [noun])  # `... and make it red`: the sign
        return True

    def _setting_said(self, edit: Edit, words: list[str]) -> bool | None:
        """`more steps, like 35`, `less cfg like 4`: a setting said with a comparative takes the number said with it
        or in the next clause (never a weight of `steps`); with none, a note asks for it. `28 steps`, `cfg 7`: set."""
        lex = lexicon()
        if settings := _settings(words):
            edit.settings += settings
            return True
        said = [w for w in words if w not in lex.hedges and w not in lex.degree]
        number = said[-1] if said and _NUMBER.fullmatch(said[-1]) else None
        names = {n: k for k, all_names in lex.settings.items() for n in all_names}
        verb = longest_at(said, 0, (*lex.verbs["more"], *lex.verbs["less"]))
        size = longest_at(said, verb, tuple(names)) if verb else 0
        if not size or verb + size + (number is not None) != len(said):
            return None
        name = " ".join(said[verb:verb + size])
        if number:
            edit.settings.append((names[name], float(number)))
            return True
        note = f"how many {name}? say a number (`{name} 30`)"
        self.reading.notes.append(note)
        self.setting = (names[name], note)
        return True

    def _new_sign(self, before: list[str], typed: str, after: list[str]) -> bool:
        """`add a lil chalkboard sign that says "Pizza Night"`, `put a banner on the tower that says ...`: a new
        thing that carries the lettering is added with it, as typed (never the tower made to say it)."""
        lex = lexicon()
        verb = longest_at(before, 0, (*lex.verbs["add"], *lex.verbs["relocate"]))
        thing = [w for w in before[verb:] if w not in lex.chat and w not in ("that", "which")]
        at = next((i for i, w in enumerate(thing) if i and w in _PREPOSITION_WORDS), len(thing))
        if not verb or not content(thing[:at]) or self._in_prompt(content(thing[:at])[-1]):
            return False
        title = f'"{typed[1:-1]}"' if typed.startswith("'") else typed  # SD reads double quotes as lettering
        where = after if after[:1] and after[0] in _PREPOSITION_WORDS and content(after) else []  # `above the door`
        phrase = " ".join([*_strip_determiner(thing), "that says", title, *where])
        self.reading.edit.add.append(phrase)
        self.reading.edit.sentences.append(_sentence(" ".join(["with", *thing, "that says", title, *where])))
        return True

    def _titled(self, before: list[str], after: list[str], typed: str) -> bool:
        """`put 'Winter Tales' at the top like a book cover`: lettering said on its own is added as a title, where
        and on what the clause says (`book cover with the title "Winter Tales" at the top`)."""
        lex = lexicon()
        if content(before) or (before and longest_at(before, 0, lex.verb_phrases) != len(before)):
            return False
        hedge = next((i for i, w in enumerate(after) if w in lex.hedges), len(after))
        where, carrier = after[:hedge], _strip_determiner(after[hedge + 1:])
        if (where and where[0] not in _PREPOSITION_WORDS) or content(carrier) != carrier:
            return False
        title = f'"{typed[1:-1]}"' if typed.startswith("'") else typed  # SD reads double quotes as lettering
        phrase = " ".join([*carrier, "with the title" if carrier else "the text", title, *where])
        self.reading.edit.add.append(phrase)
        self.reading.edit.sentences.append(_sentence(phrase))
        return True

    def _stands_for(self) -> list[str]:
        """What `it` stands for: the thing the clause before named; a judgement or a question about it was why."""
        if self.judged:
            self.reading.vague.remove(self.judged)
            self.reading.notes.remove(f"{self.judged!r} {VAGUE}")
        self.judged = self.asked = ""
        return self.last.obj

    def recoloured(self) -> None:
        """An added `red dress` where the prompt has a dress (of another colour) recolours it (`give her a red
        dress` on `white dress`): one dress, not two."""
        lex, edit = lexicon(), self.reading.edit
        for tag in list(edit.add):
            words = tag.split()
            colour = next((lex.colour_of(words[:i]) for i in (2, 1) if lex.colour_of(words[:i])), None)
            noun = " ".join(words[len(colour.split()):]) if colour else ""
            if noun in lex.heads["attribute"] and self._in_prompt(noun):
                edit.drop_added(edit.add.index(tag))
                edit.recolour.append((noun, colour))
        for noun, word in [*edit.recolour, *edit.adjust]:  # `grey hair` on `(long black hair:1.2)`, `younger` on
            opposite = lex.antonyms.get(word, frozenset())  # `(wrinkled skin:1.1)`: the user's group may change
            for span in (s for s in self.spans if s.kind == "group"):
                if any((noun not in lex.function and len(noun) > 2 and same_noun(w, noun)) or w in opposite
                       for w in words_of(span.key)):
                    self.reading.spans.setdefault(span.text, "change")

    def _opposed(self, noun: str, word: str) -> bool:
        """The prompt says `noun` after an opposite of `word` (`calm sea` for stormy; not `cat sleeping` for awake)."""
        opposite = lexicon().antonyms.get(word, frozenset())
        return any(noun in said and any(w in opposite for w in said[:said.index(noun)]) for said in self.terms)

    def _in_prompt(self, noun: str) -> bool:
        """The prompt says the noun, or its synonym or a compound of it (`armour` where it says `armor`)."""
        return any(same_noun(w, noun) for w in self.said)

    def _named(self, words: list[str]) -> None:
        """A clause not read that names a thing of the prompt: what `it` may stand for next (`the smoke looks weird,
        get rid of it`)."""
        lex = lexicon()
        named = [w for w in content(words) if (w in self.said or w in lex.network_words) and w not in lex.stop]
        if named:
            self.last = _Clause("", named)

    @staticmethod
    def _vague(words: list[str]) -> bool:
        """A clause that asks for no particular change (`make it better`, `ehh not feeling it`, `more vibes`, `the
        snow is kinda distracting`)."""
        lex = lexicon()
        said = [w for w in words if w not in lex.chat]
        plain = [w for w in said if w not in lex.stop]
        verb = next((i + (longest_at(said, i, lex.copulas) or 1) for i, w in enumerate(said)
                     if i and (w in lex.looks or longest_at(said, i, lex.copulas))), None)
        judged = verb is not None and len(said) >= verb and set(said[verb:]) <= set(lex.vague) | lex.degree
        return judged or " ".join(said) in lex.vague or " ".join(plain) in lex.vague or \
            set(said) <= set(lex.vague) | lex.chat | lex.pronouns | lex.function

    def _read(self, edit: Edit, words: list[str]) -> bool | None:
        """Read one clause into `edit`: True read, None not read."""
        lex = lexicon()
        if len(words) > 2 and words[0] == "one" and (head := head_of(" ".join(words[1:]))) and not self._in_prompt(
                head) and lex.singular(head) == head:
            words = ["a", *words[1:]]  # `one lone guy walking`: someone new, not a count
        text = " ".join(words)
        if chip := lex.chip_of(text):
            _chip(edit, chip)
            return True
        if len(words) > 1 and not set(words) & (lex.chat | lex.pronouns) and (any(text in v.words for v in _values(
                text)) or _values_said(words)) and _make(edit, words):
            return True  # `clear sky` is the weather, not `clear` the sky away; `dutch angle full body shot`
        if (styled := self._styled(edit, words)) is not None or self._looked(edit, words):
            return True if styled is None else styled  # `make her blush n look away`: where she looks
        if longest_at(words, 0, lex.connectors["reversed"]) and words[0] != "not":
            return self._instead_of(edit, words)
        if (read := self._rather(edit, words)) is not None:
            return read
        if _composed(edit, words):
            return True
        for kind in ("wide", "close"):
            named = longest_at(words, 0, vocab().groups["framing"][kind].words)
            if named and named < len(words) and words[named] in ("on", "of") and len(words) - named <= 4:
                return self._framing(edit, kind, " ".join(words[:named]), words[named + 1:])  # `closeup on her face`
            if longest_at(words, 0, lex.verbs[kind]) or text in lex.verbs[kind]:
                self.last = _Clause(kind)
                named = longest_at(words, 0, vocab().groups["framing"][kind].words)  # `full body shot so we can see
                on = words.index("on") + 1 if kind == "close" and "on" in words[1:-1] else len(words)  # the pier`
                return self._framing(edit, kind, " ".join(words[:named]) if named else text, words[on:])
        if words[0] not in lex.articles and (size := _size(words)):  # `a banner or two` is a thing
            edit.size = size
            return True
        if (read := self._setting_said(edit, words)) is not None:
            return read
        subject = 1 if words[0] in lex.pronouns or words[0] == "there" else 0  # `there is no hat`, `he is not
        subject += longest_at(words, subject, lex.copulas) if subject else 0  # wearing a helmet`: no hat, no helmet
        denied = longest_at(words, subject, lex.negations["leading"]) if subject else 0
        if denied and words[subject:subject + denied] != ["not"]:  # not `it is not red enough`: a state
            words = words[subject:]
        self.owner = ""
        if not subject and (owner := self._denied_of(words)):  # `the robot shouldn't be rusty`
            self.owner, words = " ".join(_strip_determiner(words[:owner])), words[owner:]
        negation = longest_at(words, 0, lex.negations["leading"])
        if negation and negation < len(words):
            return self._negation(edit, words[negation:], words[:negation])
        doing = _strip_phrases(words[1:], ("instead",), lead=False)  # `her looking up at the viewer`
        if len(words) > 1 and lex.slot_of_object(words[0]) == "subject" and words[0] not in lex.articles and verb_ing(
                words[1]) and content(doing) == doing and (state := self._state(edit, doing)) is not None:
            return state
        for read in (self._network, self._lit, self._camera, self._posed, self._verb, self._too, self._copula,
                     self._coloured, self._said_more, self._trailing, self._reversed, self._comparative, self._placed,
                     self._instead, self._possessed, self._with, self._bare):
            found = read(edit, words)
            if found is not None:
                return found
        if len(words) <= 3 and _make(edit, words):  # `night`, `rainy`, `charcoal drawing`
            return True
        return None

    @staticmethod
    def _styled(edit: Edit, words: list[str]) -> bool | None:
        """A named style asked as a look (`make it look like a ghibli background`, `can we try a sumi-e ink look`,
        `van gogh style`): `<name> style` is added; nothing moves to a place called `studio ghibli`."""
        lex = lexicon()
        at = next(((i, size) for i in range(len(words)) if (size := longest_at(words, i, lex.styles))), None)
        if longest_at(words, 0, (*lex.verbs["less"], *lex.verbs["remove"], *lex.negations["leading"])) or set(
                words) & lex.network_words:
            return None  # `less cyberpunk`, `no noir`, `turn the cyberpunk lora off`: not this
        if at is None or not (set(words) & set(lex.wrappers) or longest_at(words, 0, lex.verb_phrases) or
                              at[0] + at[1] == len(words)):
            return None  # `the cyberpunk samurai holds a katana`: a word of the picture, no look asked
        name = " ".join(words[at[0]:at[0] + at[1]])
        edit.add.append(f"{name} style")
        edit.sentences.append(_sentence(f"in the style of {name}"))
        medium = lex.style_media.get(name) or next(iter(facets(" ".join(words)).get("medium", ())), None)
        if medium:  # `make it pixar style`: a render, no more a photograph
            edit.set.append(vocab().groups["medium"][medium])
        return True

    def _denied_of(self, words: list[str]) -> int:
        """How many words name the prompt's thing before a denial of what it is (`the old books shouldn't be`,
        `robot isn't`); 0 when the clause opens otherwise."""
        lex = lexicon()
        for at in range(1, min(len(words) - 1, 4)):
            denial = words[at:at + longest_at(words, at, lex.negations["leading"])]
            thing = _strip_determiner(words[:at])
            if denial and denial != ["not"] and ("not" in denial or denial[0].endswith("n't")) and thing and \
                    content(thing) == thing \
                    and self._in_prompt(thing[-1]):
                return at
        return 0

    def _network(self, edit: Edit, words: list[str]) -> bool | None:
        """`detail lora to 0.3`, `crank dynamic pose to 1.4`, `the lineart one to 0.8`: a network's or a weighted
        group's weight as a number; named by nothing of its own (`drop it to 1.1`, `do 0.55`), the span the clause
        before named. A number that is the weight already (`the lora at 0.8 is too much`) says which, not how
        much."""
        number = next((w for w in reversed(words) if _NUMBER.fullmatch(w)), None)
        rest = [w for w in words[longest_at(words, 0, lexicon().verb_phrases):] if w != number]
        named_only = number == words[-1] and float(number) <= 2 and len(_network_names(rest, self.spans)) == 1
        if number is None or ("." not in number and _object_slot(rest) != "network" and not named_only):
            return None  # `bump fantasy world to 1`: a network named by its words alone, a whole weight last
        value = float(number) / (100 if 3 < float(number) <= 100 else 1)  # no weight is past 3: `50%` is 0.5
        pronoun = not set(content(rest)) - lexicon().pronouns - lexicon().function  # `drop it to 1`: what the
        named = (self._weighted(self.prior) if pronoun and self.prior else []) or self._weighted(rest)  # clause
        if not named and set(words) & set(lexicon().span_words["edit_step"]):  # before named, not the one lora
            named = [s for s in self.spans if s.kind == "edit"]  # `swap at 0.3`: `[cat:dog:0.5]`
        if named and abs(_weight_of(named[0]) - value) < 1e-9 and words[-1] != number:
            return None  # `the lora at 0.8 is too much`: which, not how much
        if len(named) != 1:
            return None if _object_slot(rest) != "network" else self._weight_to(edit, rest, value)
        span = named[0]
        self.reading.spans[span.text] = "change"
        if span.kind in ("network", "edit"):
            edit.network_weight.append((span.text, value, True))
            self.reading.edit.network_weight = [w for w in self.reading.edit.network_weight if w[0] != span.text]
        else:
            edit.weight.append((span.key, round(value - _weight_of(span), 2)))  # the number says how much: a
            self.reading.edit.weight = [w for w in self.reading.edit.weight if not set(words_of(w[0])) <= set(
                words_of(span.key))]  # step asked before (`hair weight is too much, take it down to 1.05`) goes
        return True

    def _weighted(self, words: list[str]) -> list[Span]:
        """The one network or weighted group the words name best (`ghibli lora`, `the weathered face thing`)."""
        one = (words[-1:] in (["one"], ["ones"]) or (words[-1:] and words[-1] in lexicon().placeholders)) and len(
            words) > 1 and bool(_network_names(words[:-1], self.spans))  # `the fantasy one`, `that ghibli thing`
        if one or _object_slot(words) == "network" or any(_NETWORK_TAG.match(w) for w in words):  # `the ink one`
            return _network_names(words, self.spans)
        said = {stem(w) for w in content(words) if w not in lexicon().stop and len(w) >= 3}
        scored = [(len(said & {stem(w) for w in words_of(s.key)}), s) for s in self.spans if s.kind == "group"]
        best = max((n for n, _ in scored), default=0)
        found = [s for n, s in scored if n and n == best]
        return found or [s for s in _network_names(words, self.spans) if len(words) > 1]

    def _framing(self, edit: Edit, kind: str, said: str = "", on: list[str] | tuple[str, ...] = ()) -> bool:
        """The framing; in the user's words where they name it (`full body`), else its tags; what a close-up is on
        (`closeup on the dragons head`: the dragon's head), added with it."""
        value = vocab().groups["framing"][kind]
        _set(edit, value, said if said in value.words and said not in value.tags else "")
        lex = lexicon()
        focus = [w for w in on if w not in lex.articles]
        if kind != "close" or len(focus) != 2 or content(focus[1:]) != focus[1:]:
            return True  # `zoom in on the knight`: the close-up is of him
        if focus[0] in lex.possessives:  # `her face`: face focus
            edit.add.append(f"{focus[1]} focus")
        elif lex.singular(focus[0]) != focus[0] and self._in_prompt(lex.singular(focus[0])):
            focus = [f"{lex.singular(focus[0])}'s", focus[1]]  # `the dragons head`: the dragon's head
            edit.add.append(" ".join(focus))
        else:
            return True
        the = "" if focus[0] in lex.possessives else "the "
        edit.sentences[-1] = _sentence(f"a close-up of {the}{' '.join(focus)}")
        return True

    def _negation(self, edit: Edit, words: list[str], said: list[str]) -> bool | None:
        """`no hats pls`, `without the people`, `not in the woods`: each thing goes (and to the negative)."""
        lex = lexicon()
        words = _strip_phrases(words, lex.negations["tail"], lead=False)
        if said == ["not"] and words and words[0] in ("in", "on", "at"):
            words = words[1:]
        elif len(words) == 1 and words[0] in self.said and (self.owner or (said == ["not"] and adjectival(words))):
            edit.unsaid.append((self.owner, words[0]))  # `not abandoned`: the word said of the prompt's thing goes
            self.last = _Clause("no", self.owner.split())  # `the bench shouldn't be wooden, make it metal`
            return True
        elif self.owner and len(words) == 1 and (adjectival(words) or words[0] in lex.antonyms or words[0] in
                                                  lex.materials):
            self.reading.notes.append(f"the prompt does not say the {self.owner} is {words[0]}")
            return True
        elif said == ["not"] and len(words) == 1 and lex.colour_of(words) and self.reading.edit.recolour:
            return True  # `hair should be blue not pink`: the colour said before is the correction
        elif said == ["not"] and not (words and words[0] in lex.articles):
            return self._less(edit, [w for w in words if w not in lex.degree])
        if (posed := lex.gerunds.get(" ".join(words))) and posed != " ".join(words):  # `she shouldn't be looking
            edit.remove.append(posed)  # at the viewer`: `looking at viewer`; a pose, nothing to keep out
            return True
        state = next((i for i, w in enumerate(words) if w in lex.looks or longest_at(words, i, lex.copulas)), None)
        if state is not None:  # `i dont want her to look so serious`: a state, never a thing for the negative
            size = longest_at(words, state, lex.copulas) or 1
            said = [w for w in words[state + size:] if w not in lex.degree and w not in lex.softeners]
            if not said:
                return None
            if set(said) <= self.said:
                edit.unsaid += [(self.owner, w) for w in said]
            else:  # nothing to take out, and nothing a model could add would do it
                self.reading.notes.append(f"no {' '.join(said)} in the prompt to take out")
            return True
        but = next((i for i in range(1, len(words)) if longest_at(words, i, lex.negations["but"])), 0)
        if but and (kept := _strip_determiner(words[but + longest_at(words, but, lex.negations["but"]):])):
            if self._in_prompt(kept[-1]):  # `nobody except the barista`: the barista stays
                edit.keep.append(" ".join(kept))
            else:
                self._add(edit, kept)  # `no rain, just fog`: the fog is there
            words = words[:but]
        things, current = [], []
        for index, word in enumerate(words):
            if longest_at(words, index, lex.negations["joiners"]) and current:
                things.append(current)
                current = []
            elif word not in lex.negations["joiners"] or current:
                current.append(word)
        things.append(current)
        self.last = _Clause("no")
        for thing in things:  # `no hats` keeps hats out; `not the woods` only corrects the place
            self._take(edit, thing, negative=said != ["not"])
        return True

    def _take(self, edit: Edit, words: list[str], *, negative: bool) -> None:
        lex = lexicon()
        words = _strip_determiner(words)
        at = next((i for i, w in enumerate(words) if i and w in lex.place_prepositions), len(words))
        words = words[:at]  # `nobody on the beach`: the people, wherever they are
        if words and " ".join(words) in lex.pronouns and self.last.obj:
            words = self._stands_for()  # `the smoke looks weird, just get rid of it`: the smoke
        if not words or " ".join(words) in lex.pronouns:  # `ditch the lora, don't need it`: an earlier clause's
            return
        if self._name_spans(words, "remove"):
            return
        if named := self._quality_tags(words):  # `nuke the masterpiece best quality tags`: each of them
            edit.remove += named
            return
        said, last = " ".join(words), words[-1]
        thing = said if said in lex.quality_words else " ".join(content(words) if content(words) else words)
        if said not in self.said and last.endswith("ing"):  # `she shouldn't be smiling` on `smile`: the smile
            thing = next((b for b in (*base_forms(last), f"{last[:-3]}e") if b in self.said), thing)
        edit.remove.append(thing)
        if negative and negatable(thing):
            edit.negative.append(thing)

    def _quality_tags(self, words: list[str]) -> list[str]:
        """The quality tags `the masterpiece best quality tags` names, or (`the quality tags`) every one the prompt
        says."""
        if len(words) < 2 or words[-1] not in ("tags", "tag"):
            return []
        said = f" {' '.join(words[:-1])} "
        named = [q for q in lexicon().quality_words if f" {q} " in said]
        if not named and words[-2] == "quality":
            named = [q for q in lexicon().quality_words if set(words_of(q)) <= self.said]
        return [q for q in named if not any(q != o and q in o for o in named)]

    def _less(self, edit: Edit, words: list[str]) -> bool | None:
        return self._weighed(edit, "less", words)

    def _weighed(self, edit: Edit, kind: str, words: list[str]) -> bool | None:
        words = _strip_determiner(words)
        lex = lexicon()
        while len(words) > 1 and words[-1] in lex.placeholders:  # `the epic scale thing`
            words = words[:-1]
        weights = lex.objects["weights"]  # `weight on the hair`, `the hair weight`: the hair's
        if len(words) > 1 and (words[0] in weights or words[-1] in weights) and _object_slot(words) != "network":
            words = _strip_determiner(words[2:] if words[0] in weights and words[1] in ("on", "of") else [
                w for w in words if w not in weights])
        if words[:1] == ["of"]:
            words = words[1:]  # `less of it`
        if self.last.obj and words and all(w in lex.trailing or w in lex.pronouns for w in words):
            words = self._stands_for()  # `freckles, way more visible`; `the lora looks weird, lower it`
        at = next((i for i, w in enumerate(words) if i and w in lexicon().place_prepositions), len(words))
        where = _strip_determiner(words[at + 1:])
        if adjectival(words[:at]) and len(where) == 1 and _object_slot(where) == "setting":
            return _weigh(edit, kind, [*words[:at], *where], self.degree) or None  # `more blurry in the background`
        words = words[:at]  # `less dust in the sky`: the dust
        if not words:
            return None
        one = lex.singular(words[0]) if len(words) == 1 else ""
        if kind == "more" and one and one != words[0] and one in self.said and words[0] not in self.said:
            edit.count.append((one, 0))  # `more airships` on one airship: another one
            self.last = _Clause(kind, words)  # (`more cats, like 3`: three)
            return True
        self.last = _Clause(kind, words)
        if self._name_spans(words, kind):
            spans = [t for t, op in self.reading.spans.items() if op == "change"]
            for text in spans:
                step = {"big": 0.3, "small": 0.1}.get(self.degree, 0.2)
                if not self._weighed_before(text, step if kind == "more" else -step):
                    edit.network_weight.append((text, step if kind == "more" else -step, False))
            return True
        slot = _object_slot(words)
        if words in (["far", "away"], ["far"], ["away"], ["close"], ["near"]):  # `too far away`: less far
            return self._framing(edit, "wide" if (kind == "more") == (words[0] in ("far", "away")) else "close")
        if slot == "framing":  # `less zoom`
            return self._framing(edit, "wide" if kind == "less" else "close")
        said = set(words)
        if any(op == "change" and not text.startswith("<") and said <= set(words_of(text.lower()))
               for text, op in self.reading.spans.items()):  # the user's own group, in its words (`epic scale`)
            if not self._weighed_before(" ".join(words), STEPS[kind, self.degree]):
                edit.weight.append((" ".join(words), STEPS[kind, self.degree]))
            return True
        return _weigh(edit, kind, words, self.degree) or None

    def _said_number(self, words: list[str]) -> float | None:
        """A number said alone (`like 0.8 ish`), or half the weight of the network the clause before named (`too
        strong, like half it`); None: no number."""
        if (len(words) == 1 or " ".join(words[1:]) in lexicon().about) and _NUMBER.fullmatch(words[0]):
            return float(words[0])
        named = [t for t, op in self.reading.spans.items() if op == "change" and t.startswith("<")]
        weight = re.search(r":(\d*\.?\d+)>$", named[-1]) if named else None
        if weight and len(words) <= 4 and {"half", "halve", "halved"} & set(words) and set(words) <= {
                "half", "halve", "halved", "it", "that", "in", "cut", "by", "like"}:
            return round(float(weight.group(1)) / 2, 2)
        return None

    def _how_many(self, edit: Edit, value: float) -> bool:
        """`more balloons, like 10`: a number said alone counts what the clause before asked more or less of."""
        lex = lexicon()
        noun = self.last.obj[-1] if self.last.op in ("more", "less") and len(self.last.obj) == 1 else ""
        if value != int(value) or not 1 < value <= 100 or not noun or lex.singular(noun) == noun or not \
                self._in_prompt(lex.singular(noun)):
            return False
        self.reading.edit.weight = [w for w in self.reading.edit.weight if w[0] != noun]  # a number, not a weight
        self.reading.edit.count = [c for c in self.reading.edit.count if c[0] != lex.singular(noun)]  # nor one more
        edit.count.append((lex.singular(noun), int(value)))
        return True

    def _weighed_before(self, thing: str, step: float) -> bool:
        """A clause before asked a step the same way of the same thing (`the fog is too strong, tone it down`,
        `more freckles, like way more`): one ask said twice, whose bigger step stands."""
        for asked in (self.reading.edit.weight, self.reading.edit.network_weight):
            for at, (said, before, *absolute) in enumerate(asked):
                if said == thing and not any(absolute) and (before > 0) == (step > 0):
                    asked[at] = (said, max(before, step, key=abs), *absolute)
                    return True
        return False

    def _too(self, edit: Edit, words: list[str]) -> bool | None:
        """`too dark`, `its too saturated`, `the scarf is too strong`, `colors are too much`."""
        if "too" not in words and "overly" not in words:
            return None
        at = words.index("too") if "too" in words else words.index("overly")
        before, after = words[:at], [w for w in words[at + 1:] if w not in ("much",)] or ["much"]
        before = [w for w in before if w not in lexicon().copulas and w not in lexicon().objects["it"] and w != "so"]
        strong = {"strong", "much", "heavy", "intense", "prominent", "big", "loud", "bright", "saturated", "busy",
                  *(("high",) if set(before) & lexicon().span_words["group"] else ())}  # `the fur weight is too high`
        if before:
            self._name_spans(before, "change")  # `background is too washed out`: its weight may change
        if before and _object_slot(before) not in ("it", None) and set(after) <= strong:
            if _object_slot(before) == "palette":
                return _make(edit, ["muted"]) or None
            return self._less(edit, before)
        if before and _object_slot(before) is None and set(after) <= strong:
            return self._less(edit, before)
        if not before and set(after) <= strong and self.last.op:
            return True  # `lose the wind, its too much`: why the clause before asked, nothing more
        lex = lexicon()
        if len(after) == 1 and after[0] in lex.antonyms and not lex.chip_of(after[0]) and not find_value(after[0]):
            noun = before[-1] if before and before[-1] in lex.attributes else ""  # `too old`: younger,
            if before and _object_slot(before) == "light":  # `lighting too harsh`: the prompt's light, not her
                noun = next((w for w in sorted(lex.heads["light"]) if w in self.said), before[-1])
            edit.adjust.append((noun, lex.opposite[after[0]]))  # `her hair is too long`: short hair
            return True
        return self._less(edit, after)

    def _copula(self, edit: Edit, words: list[str]) -> bool | None:
        """`she should be smiling`, `can the sky be pink`, `i want it sunny`, `her hair should be red`."""
        lex = lexicon()
        asked = bool(words) and words[0] in lex.modals
        if asked:
            words = words[1:]
        if words[:1] == ["there"] and (size := longest_at(words, 1, lex.copulas)) and size + 1 < len(words):
            self.last = _Clause("add")  # `can there be a sandstorm`, `there should be birds`: what is there
            return self._add(edit, words[size + 1:])
        if (size := longest_at(words, 0, lex.copulas)) and size < len(words) and words[0] != "have":
            self.last = _Clause(" ".join(words[:size]))  # `should be a close up`: the picture should be
            return self._set_to(edit, ["it"], words[size:])
        for index in range(1, len(words)):
            having = longest_at(words, index, lex.having)
            if having and index + having < len(words) and (_object_slot(words[:index]) in ("it", "subject") or (
                    _object_slot(words[:index]) is None and stem(words[index - 1]) in self.subject) or (
                    index == 1 and words[0] in lex.people["everyone"])):  # `everyone has umbrellas`
                rest = words[index + having:]  # `it needs more contrast`, `she should have a hat`
                self.last = _Clause("add")  # `she needs a bow and arrows`: the arrows too
                return self._weighed(edit, rest[0], rest[1:]) if rest[0] in ("more", "less") else self._add(
                    edit, rest)
            size = longest_at(words, index, lex.copulas)
            if not size or index + size >= len(words):
                continue
            obj, comp = words[:index], words[index + size:]
            thing = obj and obj[-1] in lex.attributes | {"sky", "background"}
            if _object_slot(obj) is None and not thing and len(obj) > 3:
                continue
            if not asked and size == 1 and words[index] in lex.looks | {"is", "are"} and (
                    judged := self._judgement(edit, words, comp, words[index] in lex.looks)) is not None:
                return judged
            self.last = _Clause(" ".join(words[:index + size]))  # `she should be smiling and happy`
            return self._set_to(edit, obj, comp)
        if len(words) >= 2 and _object_slot(words[:1]) in ("it",) and words[0] == "it":
            return self._set_to(edit, words[:1], words[1:])
        return None

    def _looked(self, edit: Edit, words: list[str]) -> bool:
        """`look away`, `look up at the sky` said alone (`make her blush n look away all shy`): where she looks; what
        follows that is not where is said as unread."""
        posed = longest_at(words, 0, tuple(lexicon().gerunds))
        if not posed or words[0] not in lexicon().looks:
            return False
        if words[posed:posed + 1] and words[posed] in _PREPOSITION_WORDS and self._state(edit, words):
            return True  # `look up at the sky`
        if not self._state(edit, words[:posed]):
            return False
        if words[posed:]:
            self.reading.unread.append(" ".join(words[posed:]))
        return True

    def _judgement(self, edit: Edit, words: list[str], comp: list[str], looks: bool) -> bool | None:
        """How the picture is now, said as why the user asks (`she looks bored`, `they look dumb`): never added;
        `shes smiling too much`: less of it. None: it asks for something (`its storming`, `she is a witch`)."""
        lex = lexicon()
        if comp[-2:] == ["too", "much"] and (said := [w for w in comp[:-2] if w not in lex.degree]) and (
                set(said) & self.said or {f for b in base_forms(said[-1]) for f in (b, f"{b}e")} & self.said):
            return self._weighed(edit, "less", said)  # `shes smiling too much` on `smile`
        said = [w for w in comp if w not in lex.degree]
        if not looks or not said or len(said) > 2 or set(said) & self.said or said[0] in lex.articles or said[
                0] == "like" or set(said) <= set(lex.vague):
            return None  # `the sun looks off`: left for a model to read; `hes soaked` (after `add heavy rain`) asks
        self._judged(words, " ".join(words))  # what it names, `it` may stand for next (`less of it`)
        return True

    def _verb(self, edit: Edit, words: list[str]) -> bool | None:
        """A clause that opens with a verb of the lexicon: its operations, then its object and complement."""
        lex = lexicon()
        if len(words) > 2 and lex.trailing.get(words[-1]) == "remove" and _object_slot(words[:-1]) == "network" and \
                f"{words[0]} {words[-1]}" not in lex.verbs["remove"]:
            return None  # `more details lora off`: the LoRA named `more details` goes (read after its object); not
            # `turn the detail lora off`
        best, ops = 0, []
        for op, said in lex.verbs.items():
            size = longest_at(words, 0, said) if op not in ("wide", "close") else 0
            if size > best:
                best, ops = size, [op]
            elif size and size == best:
                ops.append(op)
        split = [op for op, said in lex.verbs.items()  # a verb split by its object: `take the hat off`
                 if op not in ("wide", "close") and len(words) >= 3 and longest_at([words[0], words[-1]], 0, said) == 2]
        if split and best <= 1 and len(words) == 3 and words[1] in lex.pronouns:  # `dial it back`, `tone it down`
            kind = next((k for k in ("less", "more") if k in split), None)
            if kind and not self.last.obj and words[0] in lex.becomes:  # `calm it down`: the picture is calm
                return self._becomes(edit, lex.becomes[words[0]], words[1:2])
            if kind:
                return self._weighed(edit, kind, self.last.obj) if self.last.obj else True
        if split and best <= 1 and words[1] not in lex.pronouns:
            self.last = _Clause(f"{words[0]} {words[-1]}", self.last.obj)
            return self._operate(edit, split, words[1:-1])
        if best and any(" ".join(words[:size]) in v.words for size in (2, 3) for v in _values(" ".join(words[:size]))):
            return None  # `clear sky with cherry blossoms`: a weather, not `clear` the sky away
        if best == 1 and words[0] in lex.adjective_verbs and (value := find_value(lex.adjective_verbs[words[0]])) and (
                not set(content(words[1:])) <= self.said or value in _values(" ".join(words[1:]))) and _make(
                rest := Edit(), words[1:]):
            _set(edit, value)  # `clear night`: a clear sky at night, not the night taken away; `clear blue sky`
            edit.merge(rest)
            return True
        if not best and (size := longest_at(words, 0, tuple(lex.becomes))) and size < len(words):
            return self._becomes(edit, lex.becomes[" ".join(words[:size])], words[size:])
        if not best and size == len(words) == 1:  # `dry n dusty`: make it dry
            return self._set_to(edit, ["it"], [lex.becomes[words[0]]])
        rest = _strip_phrases(words[best:], ("instead",), lead=False)
        rest = _strip_phrases(rest, ("like", "something like", "more like"), tail=False)  # `add like a frozen lake`
        if not best or not rest:
            return None
        self.last = _Clause(" ".join(words[:best]), self.last.obj)  # what `it` may name: the object before
        if " ".join(words[:best]) in lex.choosing and rest[0] not in lex.pronouns:
            return self._operate(edit, ["set"], ["it", *rest])  # `go with harsh sunlight`: make it so
        return self._operate(edit, ops, rest)

    def _becomes(self, edit: Edit, state: str, words: list[str]) -> bool | None:
        """`empty the tavern`, `calm the sea down a bit`: the object (up to its particle or how much) becomes
        `state`."""
        lex = lexicon()
        degrees = [*lex.degree, *(w for said in lex.intensity.values() for w in said)]
        end = next((i for i, w in enumerate(words) if i and (w in lex.particles or w in lex.trailing or w == "even"
                                                             or longest_at(words, i, degrees))), len(words))
        obj = words[:end]
        if obj[:1] and obj[0] in lex.pronouns and len(obj) == 1:
            return self._set_to(edit, obj, [state])  # `wake it up`: the subject is awake
        if not obj or content(_strip_determiner(obj)) != _strip_determiner(obj) or (
                obj[0] not in lex.articles and not set(obj) & self.said and _values(" ".join(obj))):
            return None  # `calm blue sky`: a calm sky, said as it should be (not the prompt's to calm)
        self.last = _Clause("make", obj)
        return self._set_to(edit, obj, [state])

    def _operate(self, edit: Edit, ops: list[str], rest: list[str]) -> bool | None:
        lex = lexicon()
        who = 1 if rest[:1] and (rest[0] in lex.pronouns or stem(rest[0]) in self.subject) else 2 if rest[:1] == [
            "the"] and len(rest) > 2 and stem(rest[1]) in self.subject else 0
        doing = (_connector(rest[who:], ("reversed",)) or (rest[who:],))[0]  # `stand up instead of sitting`
        if "set" in ops and who and _gerund(doing) != doing and not any(
                v.group in ("place", "setting") for v in _values(" ".join(doing))):
            return self._state(edit, doing)  # `make it leap into the snow`; `fly over the ocean` moves it
        split = _connector(rest)
        if split and split[1] == "to" and len(split[2]) == 1 and _NUMBER.fullmatch(split[2][0]):
            return self._weight_to(edit, split[0], float(split[2][0]))  # `drop it to 0.5`: a weight, not a place
        if "keep" in ops and 2 <= len(rest) <= 3 and rest[0] in lex.single and content(rest[1:]) == rest[1:]:
            edit.count.append((" ".join(rest[1:]), 1))  # `only one moon`: not two
            return True
        if "keep" in ops and _count(rest) and self._counted(edit, rest):  # `only 2 of them`, `just two wolves`
            return True
        if "keep" in ops:  # `keep it sunny`: nothing to change; what it names stays
            edit.keep.append(" ".join(w for w in rest if w not in lex.pronouns))
            return True
        if "remove" in ops and ("relocate" not in ops or self._relocate(Edit(), rest) is None):
            rest = rest[:-1] if len(rest) > 1 and rest[-1] in ("out", "off", "away") else rest  # `yoink it out`
            rest = rest[1:] if len(rest) > 1 and rest[0] in lex.particles else rest  # `clear up the storm`
            for thing in self._things(rest):
                self._take(edit, thing, negative=False)
            return True
        if split and split[1] == "reversed" and "replace" not in ops:  # `make it snowy instead of rain`
            new = [w for w in split[0] if w not in lex.pronouns]
            if "set" in ops and new and (new[0] in lex.articles or self._noun_phrase(new)) and not _values(" ".join(
                    new)) and split[0][0] in lex.pronouns and set(_strip_determiner(split[2])) <= self.said:  # `make
                # it a plate of sushi instead of ramen`, `waffles not pancakes`; not `the jacket black instead of red`
                return self._replace(edit, split[2], new)
            if not (lex.colour_of(split[2]) and lex.colour_of(new[-1:])) and not _a_count(split[2]):
                self._take(edit, split[2], negative=False)  # `the jacket black instead of red`: no other red
            rest, split = split[0], None
        if "replace" in ops:
            split = _connector(rest, ("to", "with", "reversed"))
            if split and split[1] in ("to", "with"):
                return self._replace(edit, split[0], split[2])
            return self._replace(edit, split[2], split[0]) if split else None
        obj, comp = _split_object(rest)
        if "dress" in ops and "in" in rest[:4]:  # `dress the kids in red snowsuits`
            return self._worn(edit, rest[rest.index("in") + 1:], dressed=True)
        if "recolour" in ops and comp and (colour := lex.colour_of(comp[-2:]) or lex.colour_of(comp[-1:])):
            self._name_spans(obj, "change")
            edit.recolour.append((_phrase(obj).split()[-1], colour))
            return True
        if "more" in ops or "less" in ops:
            return self._weighed(edit, "more" if "more" in ops else "less", rest)
        if "relocate" in ops and (placed := self._relocate(edit, rest)) is not None:
            return placed
        if "set" in ops:
            return self._set_op(edit, ops, rest, split)
        return self._add(edit, rest) if "add" in ops else None

    def _set_op(self, edit: Edit, ops: list[str], rest: list[str], split: tuple | None) -> bool | None:
        """A verb that sets (`make`, `give it`, `get`): the object becomes the complement, or, where nothing is set,
        a thing is added (`give it a red scarf`, `get a deer in front of the cabin`)."""
        lex = lexicon()
        obj, comp = _split_object(rest)
        at = next((i for i, w in enumerate(rest) if i >= 2 and (w in lex.gerunds or verb_ing(w) or w in (
            _PREPOSITION_WORDS - {"to", "into", "of"}))), 0) if rest[0] in lex.articles and rest[0] != "the" else 0
        if at and not self._in_prompt(rest[at - 1]) and self._noun_phrase(rest[1:at]):
            doing = lex.gerunds.get(rest[at], rest[at]).split()  # `make a dog sit beside him`: a dog sitting
            return self._add(edit, [*rest[:at], *doing, *rest[at + 1:]])  # `have a dog sitting next to him`
        if split and split[1] == "to":
            return self._set_to(edit, split[0], split[2], replacing=True)
        if rest[0] in ("to", "into") and len(rest) > 1:  # `change to a swimsuit (at the beach)`: what she wears
            at = next((i for i, w in enumerate(rest) if i > 1 and w in lex.place_prepositions), len(rest))
            worn = _strip_determiner(rest[1:at])  # (and where); `change to night`: the picture
            if worn and lex.singular(worn[-1]) in lex.heads["outfit"]:
                return bool(self._worn(edit, rest[1:at])) and (at == len(rest) or bool(self._relocate(edit, [
                    "it", *rest[at:]])))
            return self._set_to(edit, ["it"], rest[1:], replacing=True)
        if comp:  # `make him look tired and hurt`, `make her hair long and red`: the next clause's object
            earlier = self.last.obj
            self.last = _Clause(f"{self.last.op} {' '.join(obj)}", earlier)
            if obj == ["it"] and earlier and (comp[-1] in lex.materials or lex.colour_of(comp)):
                obj = earlier  # `the bench shouldn't be wooden, make it metal`: the bench
            read = self._set_to(edit, obj, comp)
        else:
            read = None if _object_slot(obj) in ("it", "subject") else _make(edit, obj) or None
        return read if read is not None or not ("add" in ops or rest[0] in lex.articles) else self._add(edit, rest)

    def _things(self, words: list[str]) -> list[list[str]]:
        joiners = lexicon().negations["joiners"]
        things, current = [], []
        for index, word in enumerate(words):
            if longest_at(words, index, joiners) and current and word in ("or", "and", "nor"):
                things.append(current)
                current = []
            else:
                current.append(word)
        return [*things, current]

    def _number(self, edit: Edit, value: float) -> bool | None:
        """A number said after a weight was asked for: the network's weight, or the user's group's (`freckles way
        stronger, like 1.5`: 1.5, not a step more), or the setting asked more of (`more steps, like 35`)."""
        if self.setting:
            key, note = self.setting
            edit.settings.append((key, value))
            self.reading.notes.remove(note)
            self.setting = None
            return True
        if not self.last.obj:
            return self._network(edit, [str(value)])  # `..., try 0.6`: the span the clause before named
        if self._how_many(edit, value):
            return True
        if self._weight_to(edit, self.last.obj, value):
            return True
        phrase = " ".join(self.last.obj)
        for text, op in self.reading.spans.items():
            weight = re.search(r":(\d*\.?\d+)\)+$", text)
            if op == "change" and weight and set(self.last.obj) <= set(words_of(text.lower())):
                self.reading.edit.weight = [w for w in self.reading.edit.weight if w[0] != phrase]
                edit.weight.append((phrase, round(value - float(weight.group(1)), 2)))
                return True
        if self.last.op in ("more", "less") and value != int(value) and 0 < value <= 2 and any(
                w[0] == phrase for w in self.reading.edit.weight):  # `more freckles, like 1.3`: unweighted till now
            self.reading.edit.weight = [w for w in self.reading.edit.weight if w[0] != phrase]
            edit.weight.append((phrase, round(value - 1, 2)))
            return True
        return None

    def _weight_to(self, edit: Edit, obj: list[str], value: float) -> bool | None:
        """A network's weight set to a number; `tone it down to 0.4`: `it` is what the clause before named. The
        number says how much: a step asked before for the same network goes; `50%` (50 said) is 0.5."""
        lex = lexicon()
        value = value / 100 if 3 < value <= 100 else value  # no weight is past 3: a percent (`like 50%`)
        if self.last.obj and all(w in lex.pronouns or w in lex.trailing for w in obj):
            obj = self.last.obj
        if self._name_spans(obj, "change"):
            for text, op in self.reading.spans.items():
                if op == "change" and text.startswith("<"):
                    edit.network_weight.append((text, value, True))
                    self.reading.edit.network_weight = [w for w in self.reading.edit.network_weight
                                                        if w[2] or w[0] != text]
            return True
        return None

    def _more_of(self, edit: Edit, words: list[str]) -> bool | None:
        """`add more flowers` on flowers: more of them, never `already flowers`; None: not so."""
        more = 2 if words[:2] == ["some", "more"] else 1 if words[:1] == ["more"] else 0
        if more and 0 < len(words) - more <= 2 and all(self._in_prompt(w) for w in words[more:]) and not _count(
                words):
            return self._weighed(edit, "more", words[more:])
        return None

    def _add(self, edit: Edit, words: list[str]) -> bool | None:
        lex = lexicon()
        if (more := self._more_of(edit, words)) is not None:
            return more
        if len(words) == 1 and words[0] in lex.pronouns and self.last.obj:
            words = self._stands_for()  # `why is there no snow falling, add that`
        if words and lex.slot_of_object(words[0]) in ("subject", "it") and len(words) > 1:
            words = words[1:]  # `give her a hat`
        at = next((i for i in (1, 2) if i + 1 < len(words) and words[i] in lex.articles), 0)
        if at and all(self._in_prompt(w) for w in _strip_determiner(words[:at]) or ["-"]):
            words = words[at:]  # `give the samurai a mask`: the mask
        while len(words) > 2 and words[-1] in lex.pronouns:  # `a robot dog next to him`: the relation is the picture's
            words = words[:-2] if words[-2] in lex.prepositions or words[-2] in ("to", "at") else words[:-1]
        if len(words) > 1 and words[-1] in ("next", "beside", "near"):
            words = words[:-1]
        for size in range(len(words) - 1, 0, -1):  # `snow everywhere`: the snow
            if longest_at(words, size, lex.extent) == len(words) - size:
                words = words[:size]
                break
        if any(w.startswith("<") for w in words) or set(words) & lex.network_words:
            self.reading.adds_network = True
            return True
        if done := _done_with(words):  # `a black cat she's holding`, `a cat to hold`
            thing, doing = done
            edit.add.append(f"{doing} {' '.join(_strip_determiner(thing))}")
            edit.sentences.append(_sentence(f"{doing} {' '.join(thing)}"))
            return True
        if _counting(words) and self._counted(edit, words):  # `add another girl`, `get 3 of them`, `a couple ravens`
            return True
        thing = _one_of(_strip_determiner([w for w in words if w not in lex.chat_description]))  # `a lil mug`
        if not thing:
            return None
        if len(thing) == 1 and lex.antonyms.get(thing[0], frozenset()) & self.said:
            edit.adjust.append(("", thing[0]))  # `dry n dusty` on `wet asphalt`: dry, not `With dry.`
            return True
        said = [w for w in thing[:-1] if w in lex.antonyms and not lex.colour_of([w])]  # `blue` is a colour first
        if len(thing) >= 2 and thing[-1] in lex.attributes and thing[-1] in self.said and all(
                w in lex.antonyms or lex.colour_of([w]) or w in lex.shades for w in thing[:-1]) and (said or (
                lex.colour_of(thing[:-1]) and len(thing) == 2)):  # `give her long hair`, `straight black hair`,
            colour = lex.colour_of([w for w in thing[:-1] if w not in said])  # `blue eyes`: the prompt's changes
            edit.adjust += [(thing[-1], w) for w in said]
            edit.recolour += [(thing[-1], colour)] if colour else []
            return True
        if _out_there(edit, thing):
            return True
        if _valued(edit, thing, words):
            return True
        kept, doing = content(thing, noun=thing != words), any(verb_ing(w) for w in thing[1:]) and not any(
            w in lex.articles and thing[i - 1] not in _PREPOSITION_WORDS and not verb_ing(thing[i - 1])
            for i, w in enumerate(thing) if i)  # `an axe` is a noun, not the verb; `a man fishing
        dropped = [i for i, w in enumerate(thing) if w not in kept]  # `a man fishing off the dock`: `off` is where
        if any(i == len(thing) - 1 or thing[i] not in _PREPOSITION_WORDS | {"off", "out"} for i in dropped) or len(
                thing) > _MAX_WORDS + (4 if doing or set(thing[1:]) & _PREPOSITION_WORDS else 2):  # or placed
            return None
        x = " ".join(thing)  # off the dock`, not `the man a sad backstory`
        edit.add.append(" ".join(w for w in thing if w not in lex.possessives))  # a tag: `black cat on shoulder`
        edit.implied += [v for v in _values(x) if v.group in SOLE or v.name in FALLING]  # `mist on the water`
        edit.sentences.append(added_sentence(thing, words))
        return True

    def _relocate(self, edit: Edit, words: list[str]) -> bool | None:
        """`put her on a beach`, `move it to paris`, `put the camera further away`."""
        lex = lexicon()
        obj, comp = _split_object(words)
        if _object_slot(obj) == "framing":
            far = {"far", "further", "farther", "back", "away", "out", "wider", "distant"}
            return self._framing(edit, "wide" if set(comp) & far else "close") if comp else None
        slot = lex.slot_of_object(" ".join(words[:1])) or lex.slot_of_object(" ".join(words[:2]))
        start = 1 if slot in ("it", "subject") else 2 if words[:2] in (["the", "scene"], ["it", "all"]) else 0
        rest = words[start:]
        at = next((i for i, w in enumerate(rest[:4]) if i and w in lex.place_prepositions), 0)
        if at and rest[0] not in lex.place_prepositions and stem(rest[at - 1]) in self.subject:
            rest = rest[at:]  # `put the car on a mountain road`: the subject, somewhere else
        if len(rest) > 2 and rest[0] in lex.places_alone and rest[1] in lex.place_prepositions:
            rest = rest[1:]  # `take her outside to a garden`: the garden says where
        if len(rest) > 2 and rest[0] in lex.particles and rest[1] in lex.place_prepositions:
            rest = rest[1:]  # `put it up in the mountains`
        if "instead" in rest[2:]:  # `in the mountains instead of a town`: the town goes
            old = _strip_determiner(rest[rest.index("instead") + 2:]) if rest[rest.index("instead") + 1:][:1] == [
                "of"] else []
            if old and content(old) == old and any(v.group == "setting" for v in _values(" ".join(old))):
                edit.remove.append(" ".join(old))
            rest = rest[:rest.index("instead")]
        if rest[:2] == ["out", "of"] and len(rest) > 2 and content(rest[2:]) == rest[2:] and any(
                v.group == "setting" for v in _values(" ".join(rest[2:]))):
            edit.remove.append(" ".join(_strip_determiner(rest[2:])))  # `move it out of town`: the town goes
            return True
        if len(rest) == 1 and (rest[0] in lex.places_alone or (  # `take her inside`, `put it underwater`
                (value := find_value(rest[0])) is not None and value.group == "setting")):
            _relocated(edit, rest[0])
            return True
        if rest and rest[0] in lex.place_prepositions:
            place = _strip_determiner(rest[1:])
            if len(place) > 3 and place[0] in lex.heads["place_part"] and place[1] == "of":
                place = _strip_determiner(place[2:])  # `in the middle of a busy street`: the street
            at = next((i for i, w in enumerate(place) if i and (w in lex.place_prepositions or w in lex.prepositions)),
                      0)
            tail = place[at + 1:]  # `on a windowsill in the rain`: the rain is a weather; `at night with neon
            if at and (self._with(edit, tail) or _make(edit, _strip_determiner(tail))):  # reflections`: added
                place = place[:at]
            if not place or len(place) > _MAX_WORDS or content(place) != place:
                return None
            if rest[0] in ("in", "to", "into") and lex.singular(place[-1]) in lex.attributes | lex.heads["outfit"]:
                # `put him in golden armor`, `put her in a swimsuit`: worn, not a place
                return self._worn(edit, rest[1:])
            x = " ".join([*rest[:1], *place] if rest[0] in lex.heads["beside"] else place)
            values = _values(" ".join(place))
            if any(v.group not in ("place", "setting") for v in values):  # `put him in a storm`: weather
                if not any(v.group == "setting" for v in values) and (find_value(place[-1]) is not None or place[
                        -1] in lex.wrappers):  # `in anime style`: a look, no place
                    return _make(edit, place) or None
                edit.set += [v for v in values if v.group not in ("place", "setting")]  # `a snowy forest`: winter
            _relocated(edit, x)
            return True
        return None

    def _worn(self, edit: Edit, words: list[str], *, dressed: bool = False) -> bool | None:
        """What the subject is dressed in (`dress him in golden armor`; `dressed`: the verb says it is worn,
        `dress the kids in snowsuits`): a tag of it, `Wearing ...` in prose; a whole outfit takes the place of the
        one the prompt has (`put her in a school uniform` on a miko's red hakama)."""
        lex = lexicon()
        thing = _strip_determiner([w for w in words if w != "instead"])
        worn = lex.attributes | lex.heads["outfit"]
        if not thing or content(thing) != thing or not (dressed or lex.singular(thing[-1]) in worn):
            return None
        if lex.singular(thing[-1]) in lex.heads["outfit"] and (old := self._outfits()):
            edit.replace += [(o, " ".join(thing)) for o in old]  # one outfit at a time
            return True
        edit.add.append(" ".join(thing))
        edit.sentences.append(_sentence(f"wearing {' '.join(words)}"))
        return True

    def _outfits(self) -> list[str]:
        """The whole outfits the prompt says (`miko`, `red hakama`, `a white sundress`), each with the words said of
        it before it."""
        lex, found = lexicon(), []
        for words in self.terms:
            for at, word in enumerate(words):
                if lex.singular(word) in lex.heads["outfit"] and not (
                        at + 1 < len(words) and lex.singular(words[at + 1]) in lex.heads["outfit"]):
                    start = at  # `miko outfit`: one, its head last
                    while start and words[start - 1] not in lex.function and not verb_ing(words[start - 1]):
                        start -= 1
                    found.append(" ".join(words[start:at + 1]))
        return found

    def _replace(self, edit: Edit, a: list[str], b: list[str]) -> bool | None:
        lex = lexicon()
        if len(b) >= 2 and b[-1] in ("one", "ones") and _strip_determiner(a):  # `the hakama for a black one`
            b = [*_strip_determiner(b[:-1]), _strip_determiner(a)[-1]]
        old, new = _phrase(a), _phrase(_strip_phrases(b, ("instead", *lexicon().asking), lead=False))
        if new and content(new.split()) == new.split() and _object_slot(a) in ("it", "subject") and not old:
            return self._set_to(edit, a, b, replacing=True)  # `swap her for a wolf girl`: a new subject
        if not new or content(new.split()) != new.split() or not content(old.split()):
            return None
        if self._name_spans(a, "change") and _object_slot(a) == "network":
            return True
        new = gendered_role(old, new)
        if _object_slot(a) == "it" or not old:
            return self._set_to(edit, ["it"], b, replacing=True)
        if _object_slot(a) == "size" and (size := _size(b)):
            edit.size = size
            return True
        if {v.group for v in _values(old)} & {v.group for v in _values(new)} & {"medium", "angle", "weather"}:
            return _make(edit, new.split()) or None  # `photo instead of painting`: the oil painting goes whole;
            # `side angle instead of from the top`: the overhead shot goes; `rainy instead of sunny`: the blue sky
        if old.split()[-1] in lex.attributes and lex.colour_of(new.split()):
            edit.recolour.append((old.split()[-1], new))
            return True
        edit.replace.append((old, new))
        if {lex.singular(new.split()[-1]), lex.singular(old.split()[-1])} <= lex.heads["outfit"] and new.split()[
                -1] != old.split()[-1]:  # another outfit, not the same one recoloured (`the hakama for a black one`)
            edit.replace += [(o, new) for o in self._outfits() if o.split()[-1] != old.split()[-1]]  # `swimsuit
            # instead of uniform`: the serafuku and the pleated skirt go too; not the kimono made red twice
        edit.implied += [v for v in _values(new) if v.group in SOLE or (v.group == "place" and phrase_pattern(
            [v.name, *v.tags]).search(new))]  # `outdoor garden tea party instead of the cafe`: no more indoors
        return (len(old.split()) <= _MAX_WORDS and len(new.split()) <= _MAX_WORDS) or None

    def _counted(self, edit: Edit, comp: list[str]) -> bool:
        """How many of a thing: `make it two foxes`, `can there be 3 girls`, `make it just one girl`, `make it 3
        robots sitting together` (and what they do)."""
        lex = lexicon()
        split = _connector(comp)
        if split and split[1] == "reversed" and _a_count(split[2]):
            comp = split[0]  # `3 canoes instead of one`: how many there were is no thing
        counted = _count(comp) or (lambda one: (" ".join(one[1:]), 1) if len(one) in (2, 3) and one[0] in
                                    lex.single - lex.articles and content(one[1:]) == one[1:] else None)(
            _strip_phrases(comp, ("just", "only"), tail=False))
        doing = next((i for i, w in enumerate(comp) if i >= 2 and (verb_ing(w) or (  # `3 robots sitting together`,
            w.endswith("ed") and len(w) > 4 and i + 1 < len(comp)))), None)  # `3 pocket watches scattered around`:
        if not counted and doing and (counted := _count(comp[:doing])) and counted[1] > 1:  # how they lie is said,
            if verb_ing(comp[doing]):  # never pasted
                self._state(edit, comp[doing:])
            else:
                self.reading.unread.append(" ".join(comp[doing:]))
        where = next((i for i, w in enumerate(comp) if i >= 2 and w in _PREPOSITION_WORDS and w != "of"), None)
        if not counted and where and comp[where] != "with" and (one := _count(comp[:where])) and one[1] <= 0 and not {
                w for w in comp[where:] if w not in lexicon().function} <= self.said:  # `another boat in the
            # distance`, `2 more fishermen behind him`: new ones there, the prompt's stay
            if one[1] < 0:  # never counted again (`2 more` is no count of the prompt's): `two more fishermen`
                said = [lexicon().number_words.get(int(w), w) if w.isdigit() else w for w in comp]
                edit.add.append(" ".join(said))
                edit.sentences.append(_sentence(" ".join(said)))
                return True
            return bool(self._add(edit, ["a", *comp[:where][longest_at(comp, 0, lexicon().one_more):], *comp[
                where:]]))
        if not counted and where and (counted := _count(comp[:where])) and not set(content(comp[where:])) <= self.said:
            edit.add.append(" ".join(comp[where:]))  # `3 girls on a swing`: where they are, new to the prompt
            edit.sentences.append(_sentence(" ".join(comp[where:])))
        if counted and counted[0] in lex.pronouns:  # `3 of them`: of who the prompt shows
            counted = (self._who(), counted[1]) if self._who() else None
        if counted:
            edit.count.append(counted)
            self._name_spans(counted[0].split(), "change")  # `2 dragons` on `(huge black dragon:1.3)`: its count
        return bool(counted)

    def _who(self) -> str:
        """Who the prompt shows: its count tag's word (`1girl`: girl), else its subject's head noun."""
        tag = next((m.group(1) for t in self.terms if len(t) == 1 and (m := re.fullmatch(r"\d+\+?(girl|boy)s?", t[0]))),
                   "")
        return tag or (self.nouns[0] if self.nouns else "")

    def _in_place_of(self, edit: Edit, obj: list[str], comp: list[str]) -> bool | None:
        """`can it be a corgi instead of a cat`, `can she be flying instead of just standing there`: what the prompt
        says goes for the new; None: no such change."""
        split = _connector(comp)
        was = [w for w in _strip_determiner(_strip_phrases(split[2], ("just", "only"), tail=False))
               if w not in lexicon().adverbs] if split else []  # `instead of just standing there`: standing
        if _object_slot(obj) in ("it", "subject") and split and split[1] == "reversed" and (verb_ing(split[0][0]) or (
                split[0][0] in lexicon().articles and not _values(" ".join(split[0])))) and was and set(
                was) <= self.said:
            return self._replace(edit, was, split[0])
        return None

    def _portrayed(self, edit: Edit, comp: list[str]) -> bool:
        """`make it a portrait of an old man`, `a photo of a cat`: the medium or framing, and a new subject."""
        at = comp.index("of") if "of" in comp[1:-2] else 0
        lead, thing = _strip_determiner(comp[:at]), _strip_determiner(comp[at + 1:])
        values = _values(" ".join(lead)) if at and comp[at + 1] in ("a", "an") else []
        if not values or any(v.group not in ("medium", "framing") for v in values) or not thing or content(
                thing) != thing or self._in_prompt(thing[-1]) or not _make(edit, lead):
            return False
        edit.replace.append(("", " ".join(thing)))
        return True

    def _emptied(self, edit: Edit, obj: list[str], comp: list[str]) -> bool:
        """`make it empty`, `deserted` where the prompt has people: nobody is there (never `an empty neon`)."""
        lex = lexicon()
        crowd = {*lex.people["any_person"], *lex.people["crowding"]}
        place = _object_slot(obj) is None and obj and any(v.group in ("setting", "place") for v in _values(
            obj[-1])) and any(p.head == obj[-1] for t in self.reading.prompt.texts() for p in read_term(t).phrases) \
            if self.reading.prompt else False  # `make the street empty`; not a `street vendor`
        if not (_object_slot(obj) == "it" or place) or not comp or comp[-1] not in lex.people["emptied"] or not (
                self.said & crowd):
            return False
        edit.remove.append("people")
        edit.unsaid += [("", w) for w in sorted(set().union(*(lex.antonyms.get(e, ()) for e in lex.people[
            "emptied"]))) if w in self.said]  # not a crowded tavern, nor a busy market
        if place:
            edit.adjust.append((obj[-1], comp[-1]))
            return True
        edit.add.append(comp[-1])
        edit.sentences.append(_sentence(f"{comp[-1]}, with nobody around"))
        return True

    def _set_to(self, edit: Edit, obj: list[str], comp: list[str], *, replacing: bool = False) -> bool | None:
        """The object becomes the complement: a value of the picture, a colour, a modifier, a new subject."""
        lex = lexicon()
        if (done := self._in_place_of(edit, obj, comp)) is not None:
            return done
        if (_object_slot(obj) in ("it", "subject", None) and self._counted(edit, comp)) or self._emptied(
                edit, obj, comp := self._trimmed(edit, comp)) or _sky_said(edit, obj, comp, self.said) or (
                _object_slot(obj) == "it" and self._portrayed(edit, comp)):
            return True  # `the sky should be clear`, `make it a portrait of an old man`
        if set(obj) & lex.heads["styled"] and comp[:1] == ["in"] and len(comp) > 1:
            return self._add(edit, comp[1:])  # `hair in a ponytail`: the style, the hair stays
        if len(comp) >= 2 and comp[0] == "more" and lex.colour_of(comp[1:]):
            comp = comp[1:]  # `the sky more purple`: a purple sky
        slot = _object_slot(obj)
        if len(comp) > 2 and comp[0] == "not" and comp[-1] == "enough":  # `its not bushy enough`: more of it
            return self._weighed(edit, "more", comp[1:-1] if slot in ("it", None) else obj)
        if len(comp) == 3 and comp[1] == "and" and not replacing and not _values(" ".join(comp)) and not \
                lex.colour_of(comp):  # `old and rusty`: each; `green and purple` is one colouring
            return all([self._set_to(edit, obj, [word]) for word in comp[::2]]) or None
        if not comp or (set(comp) <= set(lex.vague) | lex.function and slot not in ("light", "palette")):
            return None  # `that sun looks ugly`, `make it cooler`: not a change we know (`the light cooler` is)
        if slot is None and _phrase(obj) and len(comp) == 2 and comp[0] == "more" and adjectival(comp[1:]) and not \
                _values(comp[1]) and comp[1] not in self.said and self._in_prompt(_phrase(obj).split()[-1]):
            edit.adjust.append((_phrase(obj).split()[-1], comp[1]))  # `the bridge more crumbly`: a crumbly bridge
            return True
        if slot is None and _phrase(obj) and comp[-1] in lex.materials and not replacing and (
                len(comp) <= 3 or lex.colour_of(comp[:-1])):  # `make the bridge stone`, `red and white striped`
            return self._thing(edit, obj, comp, False)
        if slot is None and _phrase(obj) and stem(_phrase(obj).split()[-1]) in self.subject:
            if replacing or comp[0] in lex.articles or lex.colour_of(comp):
                return self._thing(edit, obj, comp, replacing or comp[0] in lex.articles)  # `the owl white`, `a man`
            if len(comp) == 1 and comp[0] in lex.antonyms and not lex.gender_of(_phrase(obj)):
                return self._thing(edit, obj, comp, False)  # `the books should be new`: the books', not the cat's
            slot = "subject"  # `the fisherman should be smiling`
        if slot == "size" and (size := _size(comp)):
            edit.size = size
            return True
        if slot == "network":
            number = next((w for w in comp if re.fullmatch(r"\d*\.?\d+", w)), None)
            kind = next((lex.trailing[w] for w in comp if w in lex.trailing), None)
            return self._weight_to(edit, obj, float(number)) if number else self._weighed(edit, kind, obj) if kind \
                else None
        if slot in ("framing", "palette", "time", "season", "weather", "setting") or (
                slot == "it" and comp and comp[0] in lex.place_prepositions):
            return self._scene(edit, obj, comp, slot)
        if slot == "light" and (colour := lex.colour_of(comp)):  # `make the light red`
            edit.recolour.append((_phrase(obj).split()[-1], colour))
            return True
        base = _base(comp[0]) or comp[0]
        if slot == "light" and len(comp) == 1 and base in lex.antonyms and obj[-1] in self.said:
            edit.adjust.append((obj[-1], base))  # `make the light cooler` on `warm light`: the prompt's light
            return True
        if slot == "light" and comp[0] not in ("more", "less") and not (len(comp) == 1 and (
                lex.chip_of(comp[0]) or _base(comp[0]))) and self._relight(edit, obj, comp):
            return True  # `change the lighting to neon`; `the lighting darker` is the chip
        if slot in ("it", "subject", "light") or not obj:
            return self._picture(edit, slot, comp, replacing)
        return self._thing(edit, obj, comp, replacing)

    @staticmethod
    def _relight(edit: Edit, obj: list[str], comp: list[str]) -> bool | None:
        """The picture's light becomes the complement (`change the lighting to neon`: neon lighting; `lit by candles`):
        the prompt's light goes; a time or weather it says takes out what contradicts it."""
        thing = _strip_determiner(_strip_phrases(comp, ("instead",), lead=False))
        if not thing or content(thing) != thing or len(thing) > _MAX_WORDS:
            return None
        named = stem(thing[-1]) in lexicon().heads["light"] or not obj or thing[0] == "lit"
        light = " ".join(thing if named else [*thing, obj[-1]])
        edit.relight.append(light)
        edit.add.append(light)
        edit.said.append(light)
        edit.sentences.append(_sentence(f"lit by {light}" if len(thing) == 1 and named else light))  # `Lit by
        # candlelight.`, `Neon lighting.`
        edit.implied += [v for v in _values(light) if v.group in ("time", "weather", "season")]
        return True

    def _lit(self, edit: Edit, words: list[str]) -> bool | None:
        """`lit by candles`, `lit only by the laptop screen`: the light the picture is lit by."""
        by = next((i for i, w in enumerate(words[:3]) if w in ("by", "with")), 0)
        if words[0] != "lit" or not by or not set(words[1:by]) <= {"only", "just"}:
            return None
        return self._relight(edit, [], ["lit", *words[by:]])

    def _scene(self, edit: Edit, obj: list[str], comp: list[str], slot: str | None) -> bool | None:
        """The camera, the palette, the time or the setting becomes the complement (`the shot from below`, `change
        the time to night`, `make the background blurry`, `put it in a forest`)."""
        if slot == "framing" and (angle := _angle(comp)):
            _set(edit, angle)  # `the shot from below`, `camera should be lower`: its angle
            return True
        if slot == "framing":
            far = {"far", "further", "farther", "wider", "wide", "distant", "back", "away"}
            return self._framing(edit, "wide" if set(comp) & far else "close")
        if slot == "palette":
            return _make(edit, comp) or self._weighed(edit, "more", comp)
        if slot in ("time", "season", "weather"):  # `change the time to night`
            return _make(edit, _strip_determiner(comp)) or None
        if slot == "setting" and len(comp) <= 2 and adjectival(comp) and not _values(" ".join(comp)) and \
                self._english(comp):  # `make the background blurry`: how it is, not a place
            edit.adjust.append((_phrase(obj).split()[-1], " ".join(comp)))
            return True
        placed = comp[0] in lexicon().place_prepositions
        place = _strip_determiner(comp[1:] if placed else comp)
        return self._relocate(edit, ["it", "in", *place]) or _make(edit, comp) or None

    def _trimmed(self, edit: Edit, comp: list[str]) -> list[str]:
        """A complement without what it takes away (`not outside`), explains (`like an alarm is going off`) or
        adds (`with flower print`): those are read here."""
        comp = _strip_phrases(comp, ("instead",), lead=False)
        lex = lexicon()
        if (size := longest_at(comp, 0, lex.made_of)) and comp[size:] and comp[-1] in lex.materials:
            comp = _strip_determiner(comp[size:])  # `made of stone`: the material
        if len(comp) >= 2 and comp[-1] in ("one", "ones"):  # `a black one`: the thing itself, described
            comp = _strip_determiner(comp[:-1])
        if (split := _connector(comp)) and split[1] == "reversed" and content(split[2]) == split[2]:
            self._take(edit, split[2], negative=False)  # `looking at the camera not outside`
            comp = split[0]
        if len(comp) > 1 and comp[-1] in {"looking", *lex.looks}:  # `more crumbly looking`: how it looks
            comp = comp[:-1]
        if comp[:2] == ["more", "like"]:  # `more like a painting`: what it becomes
            comp = comp[2:]
        if "with" in comp[1:] and content(comp[comp.index("with") + 1:]):  # `blue with flower print`, `older like
            self._add(edit, comp[comp.index("with") + 1:])  # 30s w a beard`
            comp = comp[:comp.index("with")]
        if "like" in comp[1:]:  # `red like an alarm is going off`: the rest explains
            comp = comp[:comp.index("like", 1)]
        return comp

    def _picture(self, edit: Edit, slot: str | None, comp: list[str], replacing: bool) -> bool | None:
        """The picture, its light or its subject becomes the complement (`make it night`, `make her older`, `she
        should be crying`, `make it a cat`)."""
        lex = lexicon()
        if (moved := self._moving(edit, comp)) is not None:
            return moved
        posed = comp[0] in lex.gerund_heads and not any(v.group == "angle" for v in _values(" ".join(comp)))
        # `looking at the camera`, `sitting on a throne`, `looking outside`; not `from the side`
        if (slot in ("subject", "it") and " ".join(comp) in lex.gerunds) or (slot in ("subject", "it") and posed):
            return self._state(edit, comp)  # `make it run`
        comp = _strip_phrases(comp, lex.copulas, tail=False) if len(comp) > 1 else comp
        if comp[0] in ("more", "less") and len(comp) > 1:
            return self._weighed(edit, comp[0], comp[1:])
        if slot == "subject" and (age := _age(comp)):
            edit.adjust.append(("", age))  # `make him like 25`: a 25-year-old
            return True
        if len(comp) == 1 and (base := _base(comp[0])) and slot == "subject" and not lex.chip_of(comp[0]):
            edit.adjust.append(("", base))  # `make her older`: the subject's modifier
            return True
        thing = _strip_determiner(comp)
        if slot == "subject" and (replacing or comp[0] in lex.articles) and thing and content(thing) == thing \
                and not _values(" ".join(thing)):
            edit.replace.append(("", " ".join(thing)))  # `turn him into a robot samurai`: a new subject
            return True
        if slot == "subject" and len(comp) == 1 and content(comp) == comp and not _values(comp[0]) and not (
                verb_ing(comp[0]) or comp[0] in lex.gerunds or lex.chip_of(comp[0])):
            edit.adjust.append(("", comp[0]))  # `make the motorcycle look rusty`: said of the subject
            return True
        if slot == "subject" and (state := self._state(edit, comp)) is not None:
            return state
        if comp[0] == "lit":
            return self._lit(edit, comp)  # `make it lit by stained glass windows`
        thing = _strip_determiner(comp)
        lit = thing[:next((i for i, w in enumerate(thing) if i and w in ("from", "through")), len(thing))]
        if slot == "it" and lit and stem(lit[-1]) in lex.heads["light"] and not lit[-1].endswith("lights"):
            return self._add(edit, thing) if set(lit) & lex.heads["accent"] else self._relight(edit, [], thing)
            # `make it candlelight`, `blue moonlight through the window`; `use rim lighting` adds to the others
        at = next((i for i, w in enumerate(thing) if i and w in lex.place_prepositions), 0)
        where = _values(" ".join(thing[:at])) if at else []
        if slot == "it" and where and all(v.group in ("place", "setting") for v in where) and _values(" ".join(
                thing[at + 1:])):  # `make it a beach at sunset`: the beach is where, the sunset when
            return self._relocate(edit, ["it", "in", *comp])
        if _make(edit, comp):
            return True
        if slot == "it" and self.subject and len(comp) <= 2 and content(comp) == comp and adjectival(comp) and \
                self._english(comp):
            edit.adjust.append(("", " ".join(comp)))  # `make it well kept`: said of the subject
            return True
        noun = bool(comp[0] in lex.articles) or replacing
        if slot in ("it",) and noun and thing and content(thing) == thing and len(thing) <= _MAX_WORDS:
            edit.replace.append(("", " ".join(thing)))  # `make it a cat`: a new subject
            return True
        if slot == "it" and (held := self._held()) and len(comp) <= 2 and self._noun_phrase(comp) and all(
                w.isalpha() and w not in lex.sizes and w not in lex.size_words for w in comp) and not (
                adjectival(comp) or lex.colour_of(comp) or comp[-1] in lex.materials or _values(" ".join(comp))):
            edit.replace.append((held, " ".join(comp)))  # `make it tea` on `a cup of coffee`: what the cup holds
            return True
        return None

    def _held(self) -> str:
        """What the prompt's first container holds (`a cup of coffee with latte art`: coffee), else ''."""
        lex = lexicon()
        for words in self.terms:
            at = next((i for i in range(1, len(words) - 1) if words[i] == "of" and words[i - 1] in lex.heads[
                "container"]), None)
            if at is not None:
                rest = words[at + 1:]
                return " ".join(rest[:next((i for i, w in enumerate(rest) if w in lex.prepositions), len(rest))])
        return ""

    def _moving(self, edit: Edit, comp: list[str]) -> bool | None:
        """`fly over the ocean`, `swim in a lake`: an action and where it happens; the place moves (with its
        preposition), the action is added when the prompt does not say it."""
        lex = lexicon()
        at = next((i for i, w in enumerate(comp[:3]) if i and w in lex.prepositions), None)
        if at is None or at + 1 >= len(comp) or comp[at] == "from" or comp[0] in lex.antonyms:
            return None  # `wet from the ocean`: how it is, not where
        action = _gerund(comp[:at])
        place = _strip_determiner(comp[at + 1:])
        values = _values(" ".join(place))
        if not (len(action) == 1 and verb_ing(action[0])) or not values or any(
                v.group not in ("place", "setting") for v in values) or content(place) != place:
            return None
        edit.relocate.append(" ".join([comp[at], *comp[at + 1:]]))
        edit.sentences.append(_sentence(" ".join(comp[at:])))
        if action[0] not in self.said:
            edit.add.append(action[0])
        return True

    def _thing(self, edit: Edit, obj: list[str], comp: list[str], replacing: bool) -> bool | None:
        """A thing of the prompt becomes the complement: a weight, a colour, a modifier, a value, another thing
        (`replacing`: `change A to B` names the new thing)."""
        lex = lexicon()
        self._name_spans(obj, "change")
        noun = _phrase(obj).split()[-1] if _phrase(obj) else ""
        if len(comp) == 1 and comp[0] in lex.trailing and comp[0] not in lex.antonyms:  # `the signs stronger`
            if (base := _base(comp[0])) and base in lex.antonyms and self._opposed(noun, base):
                edit.adjust.append((noun, base))  # `the robot bigger` on a small robot: a big one
                return True
            return self._weighed(edit, lex.trailing[comp[0]], obj)
        if len(comp) >= 2 and comp[-1] in lex.materials and (colour := lex.colour_of(comp[:-1])):
            edit.recolour.append((noun, f"{colour} {comp[-1]}"))  # `the armchair should be dark red leather`
            return True
        if len(comp) >= 2 and stem(comp[0]) in lex.heads["light"] and (colour := lex.colour_of(comp[1:])):
            lit = [w for t in self.terms for at, said in enumerate(t) if same_noun(said, noun) for w in t[at + 1:at + 5]
                   if w in lex.heads["light"]]  # the light said just after them
            edit.recolour.append((lit[0] if lit else noun, colour))  # `the windows should glow blue`: the light
            return True  # they glow with (`glowing with warm light`), else they (`glowing eyes`: red glowing eyes)
        if colour := lex.colour_of(comp):
            edit.recolour.append((noun, colour))
            return True
        if replacing:
            return self._replace(edit, obj, comp)
        if len(comp) == 1 and (base := _base(comp[0])):
            if any(op == "change" and not text.startswith("<") and base in words_of(text.lower())
                   for text, op in self.reading.spans.items()):
                return self._weighed(edit, "more", [base, noun])  # `hair way longer` on `(long hair:1.2)`
            edit.adjust.append((noun, base))  # `her hair shorter`
            return True
        if len(comp) == 1 and self._in_prompt(noun) and self._opposed(noun, comp[0]):
            edit.adjust.append((noun, comp[0]))  # `sea should be stormy` on a calm sea: a stormy sea
            return True
        if _values(" ".join(comp)) and comp[0] not in lex.articles:
            return _make(edit, comp) or None  # `make the sky stormy`
        if len(comp) <= 2 and comp[0] not in lex.articles and content(comp) == comp:
            if not self._english(comp):
                return None  # `photorealistic is way overdone`: a word we cannot say of it
            edit.adjust.append((noun, " ".join(comp)))  # `the cabin should look abandoned`
            return True
        if comp[0] in ("more", "less"):
            return self._weighed(edit, comp[0], obj)
        return self._replace(edit, obj, comp)

    @staticmethod
    def _state(edit: Edit, comp: list[str]) -> bool | None:
        """What the subject is or does, in the user's words (`make her sad`, `she should be crying`): a pose as a
        prompt says it (`stand up` -> standing); the expression or mood it names is set, so its opposite goes."""
        lex = lexicon()
        words = _gerund(_strip_determiner(comp))
        said = " ".join(words)
        posed = bool(words) and words[0] in lex.gerund_heads  # `sitting on a throne`: a pose, and where
        where = next((i for i, w in enumerate(words) if i and w in _PREPOSITION_WORDS), len(words)) if posed else len(
            words)  # `leaping into the snow`: where it leaps is no state of its own
        groups = {v.group for v in _values(" ".join(words[:where]))} - ({"place", "setting"} if posed else set())
        if not words or (not posed and (content(words) != words or len(words) > 4)) or len(words) > 6 or (
                groups and not groups & {"expression", "mood", "pose"}):
            return None  # a place or a time is no state: `_make` reads it
        edit.set += [v for v in _values(said) if v.group in ("expression", "pose")]
        edit.add.append(said)
        edit.sentences.append(_sentence(said))
        return True

    def _posed(self, edit: Edit, words: list[str]) -> bool | None:
        """A pose alone, as a prompt says it (`sitting on a throne`, `him kneeling`): the pose it names is set."""
        lex = lexicon()
        if (split := _connector(words)) and split[1] == "reversed":
            return None  # `standing instead of sitting`: one pose for another
        if any(longest_at(words, i, lex.copulas) for i in range(1, len(words))):
            return None  # `fighting stance is overcooked`: what is said of a thing, no pose
        rest = words[1:] if len(words) > 1 and (words[0] in lex.pronouns or words[0] in lex.quantities) else words
        # `him kneeling`, `both wearing straw hats`
        if len(words) == 3 and words[1] in lex.pronouns and (said := f"{words[0]} {words[2]}") in lex.gerunds:
            return self._state(edit, said.split())  # `turn her around`
        if len(words) > 2 and stem(words[0]) in self.subject and words[1] in lex.gerund_heads:
            return self._state(edit, words[1:])  # `knight holding a lance`: what the subject does
        return self._state(edit, rest) if rest[0] in lex.gerund_heads else None

    def _coloured(self, edit: Edit, words: list[str]) -> bool | None:
        """A thing of the prompt and its new colour, without a verb: `robe in dark purple`, `hakama blue not red`,
        `blue hakama`."""
        lex = lexicon()
        if len(words) > 2 and words[-2] == "more" and lex.colour_of(words[-1:]):
            words = [*words[:-2], words[-1]]  # `the sky more orange`: an orange sky
        if {"more", "less"} & set(words):
            return None  # `hair less silver`: how much of a colour, not a thing in it
        if (split := _connector(words)) and split[1] == "reversed" and lex.colour_of(split[2]):
            words = split[0]  # `not red`: the colour it had
        made = words[-1] if len(words) > 2 and words[-1] in lex.materials and lex.colour_of(words[-2:-1]) else ""
        words = words[:-1] if made else words  # `blanket red plaid`: a red plaid one
        for size in (3, 2, 1):
            colour = lex.colour_of(words[-size:])
            obj = words[:-size]
            if colour and obj and obj[-1] in ("in", "to"):  # `robe in dark purple`, `robe -> green`
                obj = obj[:-1]
            if colour is None and (colour := lex.colour_of(words[:size])):
                obj = words[size:]  # `blue hakama`
            thing = _strip_determiner([w for w in obj if w not in lex.possessives])
            if not colour or not thing or len(thing) > 2 or content(thing) != thing or lex.colour_of(thing[-1:]):
                continue
            colour = f"{colour} {made}".strip()
            if self._in_prompt(thing[-1]):
                self._name_spans(thing, "change")
                edit.recolour.append((thing[-1], colour))
                return True
            if obj == words[:len(obj)] and head_of(" ".join(thing)):  # `the sky purple`: a purple sky, added
                return self._add(edit, [*colour.split(), *thing])
        return None

    def _said_more(self, edit: Edit, words: list[str]) -> bool | None:
        """`eyes less detailed`: a thing of the prompt, then more or less of what is said of it (the user's group
        that says both, else the word or its opposite said of the thing)."""
        lex = lexicon()
        at = next((i for i, w in enumerate(words) if i and w in ("more", "less")), None)
        if at is None or at + 1 >= len(words) or at > 3:
            return None
        obj, quality = _strip_determiner(words[:at]), words[at + 1:]
        kind = words[at]
        if not obj or _object_slot(obj) not in (None, "setting") or not self._in_prompt(obj[-1]) or \
                len(quality) > 2 or content(quality) != quality:
            return None
        self._name_spans([*quality, *obj], kind)
        groups = [text for text, op in self.reading.spans.items() if op == "change" and not text.startswith("<")]
        if groups:  # `(detailed eyes:1.2)`: its weight; `tattoos less visible`: the tattoos'
            said = set(quality) <= {w for text in groups for w in words_of(text.lower())}
            return self._weighed(edit, kind, [*quality, *obj] if said else obj)
        word = quality[-1]
        if kind == "less" and len(quality) == 1 and word in lex.antonyms:
            word = lex.opposite[word]
        elif kind == "less":
            return None
        edit.adjust.append((obj[-1], word))  # `hair more wavy`, `eyes less sad`: happy eyes
        return True

    @staticmethod
    def _camera(edit: Edit, words: list[str]) -> bool | None:
        """`camera from street level looking up`, `the shot from above`: the camera's angle or framing, said of
        it without a verb."""
        words = _strip_determiner(words)
        if len(words) < 2 or lexicon().slot_of_object(words[0]) != "framing":
            return None
        rest = " ".join(words[1:])
        found = [m.group() for v in _values(rest) if v.group in ("angle", "framing")
                 for m in [phrase_pattern(v.words).search(rest)] if m]
        return all([_make(edit, said.split()) for said in found]) if found else None

    def _trailing(self, edit: Edit, words: list[str]) -> bool | None:
        """`the scarf stronger`, `freckles down a bit`, `lora weight down`."""
        ups = lexicon().trailing
        going = next((i for i in range(1, len(words)) if longest_at(words, i, lexicon().going) == len(words) - i), 0)
        if going:  # `the seagulls gotta go`
            self._take(edit, words[:going], negative=True)
            return True
        if len(words) >= 4 and ups.get(words[-1]) == "add" and "with" in words[1:-2]:
            return self._with(edit, words[:-1])  # `night w the headlights on`: night, and the headlights
        if len(words) >= 2 and ups.get(words[-1]) == "add" and content(words[:-1]) == words[:-1]:
            return self._add(edit, words[:-1])  # `headlights on`
        if len(words) >= 2 and ups.get(words[-1]) == "remove":  # `paint lora off`, `hat off` (`the sun looks off` is
            thing = _strip_determiner(words[:-1])  # no removal)
            if _object_slot(words[:-1]) != "network" and not (thing and content(thing) == thing and all(
                    self._in_prompt(w) for w in thing)):
                return None
            self._take(edit, words[:-1], negative=False)
            return True
        if len(words) >= 2 and words[-1] in ups:
            obj, kind = [w for w in words[:-1] if w not in lexicon().objects["weights"]], ups[words[-1]]
            if words[-2] in ("more", "less") and len(words) > 2:  # `tattoos way less visible`: less of them
                obj, kind = words[:-2], ("less" if (words[-2] == "less") == (kind == "more") else "more")
            return self._weighed(edit, kind, obj) if obj else None
        return None

    def _reversed(self, edit: Edit, words: list[str]) -> bool | None:
        """`a fox instead of the dog`, `red rather than blue`."""
        split = _connector(words)
        if split and split[1] == "to" and set(split[0]) & lexicon().heads["styled"] and len(split[0]) <= 2:
            return self._add(edit, split[2])  # `hair -> twintails`: the style, the hair stays
        if split and split[1] == "to" and not longest_at(words, 0, lexicon().verb_phrases) and content(
                _strip_determiner(split[0])) and set(_strip_determiner(split[0])) <= self.said and not set(
                split[0]) & lexicon().heads["styled"]:  # not `hair -> twintails`: a style of the hair
            return self._replace(edit, split[0], split[2])  # `wizard -> witch`, `the sign's wood to neon`
        if split and split[1] == "reversed" and split[0][0] not in lexicon().negations["leading"]:
            old, new, lex = _strip_determiner(split[2]), _strip_determiner(split[0]), lexicon()
            if len(old) == 1 and (old[0] in lex.materials or lex.colour_of(old)) and len(new) >= 2 and (
                    colour := lex.colour_of(new[:-1])) and self._in_prompt(new[-1]):
                self._name_spans(new[-1:], "change")  # `silver watch not brass`: the watch's brass gives way,
                edit.recolour.append((new[-1], colour))  # not the compass's
                if not lex.materials.get(colour) and not lex.colour_of(old):
                    edit.unsaid.append((new[-1], old[0]))  # `a wooden chair` made blue not wood: no wood
                return True
            if (_count(split[0]) or split[0][0] in lexicon().numbers or _NUMBER.fullmatch(split[0][0])) and \
                    self._counted(edit, split[0]):
                return True  # `2 foxes instead of one`, `2 dogs in the back instead of 1`
            return self._value_for(edit, old, new) or self._replace(edit, split[2], split[0])
        return None

    def _value_for(self, edit: Edit, old: list[str], new: list[str]) -> bool:
        """`evening candlelit dinner vibe instead of morning`: a time (a season, a weather) for another, said with
        more: the value is set (what contradicts it goes) and the rest added."""
        lex, was = lexicon(), find_value(" ".join(old))
        said = [w for w in new if w not in lex.chat and w not in lex.vague]
        same = [v for v in _values(" ".join(said)) if was and v.group == was.group and v.name != was.name]
        if not same or was.group not in ("time", "season", "weather") or len(said) < 3:  # `dusk sky`: a tag for it
            return False
        hit = phrase_pattern(same[0].words).search(" ".join(said)).group().split()
        _set(edit, same[0], " ".join(hit))
        rest = [w for w in said if w not in hit and w not in lex.adverbs and not longest_at([w], 0, lex.extent)]
        return not content(rest) or bool(self._add(edit, rest if rest[0] in lex.articles else ["a", *rest]))

    def _rather(self, edit: Edit, words: list[str]) -> bool | None:
        """`he should have a spear not a katana`, `can she wear a silk dress rather than the corset`: a clause
        with its verb, then what it takes the place of; the prompt's thing is replaced by the one thing added."""
        lex = lexicon()
        split = _connector(words, ("reversed",))
        if split is None or not (longest_at(words, 0, lex.verb_phrases) or words[0] in lex.pronouns or
                                 longest_at(words, 0, lex.asking)) or len(split[2]) > 4 or any(
                longest_at(words, 0, lex.verbs[op]) for op in ("set", "replace", "recolour")):
            return None  # `make it a glass of lemonade instead of tea`: the verb says it
        read, old = Edit(), _strip_determiner(split[2])
        if not self._read(read, split[0]) or not (read.add or read.set):
            return None  # `her hair should be pink not neon`: a colour, read whole
        if not content(old):  # `looking up not down`: the pose says it
            edit.merge(read)
            return True
        if set(old) <= self.said and len(read.add) == 1 and not read.set and not read.remove:
            new = read.add[0].split()  # `wearing a silk dress` for the corset: the dress
            worn = new[0] in lexicon().phrase_breaks and len(new) > 1
            return self._replace(edit, old, _strip_determiner(new[1:]) if worn else new)
        edit.merge(read)
        if set(old) <= self.said:
            edit.remove.append(_phrase(old))
        return True

    def _instead_of(self, edit: Edit, words: list[str]) -> bool | None:
        """`instead of rain can it be snowing`, `(night sky) instead of dawn`: what goes is said first; what comes
        is the rest of the clause, or the clause before. What goes is never added."""
        lex = lexicon()
        rest = words[longest_at(words, 0, lex.connectors["reversed"]):]
        at = next((i for i in range(1, len(rest)) if any(
            longest_at(rest, i, said) for said in (lex.verb_phrases, lex.asking, lex.copulas))), len(rest))
        old, new, read = _strip_determiner(rest[:at]), normal(" ".join(rest[at:])), Edit()
        if not content(old) or (new and not self._read(read, new)):
            return None
        if set(old) <= self.said and len(read.add) == 1 and not read.set and not read.remove:
            return self._replace(edit, old, read.add[0].split())  # `instead of the fox can we have a wolf`
        edit.merge(read)
        if set(old) <= self.said:
            edit.remove.append(_phrase(old))
        return True

    def _comparative(self, edit: Edit, words: list[str]) -> bool | None:
        """`shorter hair`, `way darker`, `more far away`, `older`."""
        if words[0] in ("more", "less") and len(words) > 1:
            return self._weighed(edit, words[0], words[1:])
        obj = _strip_determiner(words[:-1])
        if 1 <= len(obj) <= 2 and _base(words[-1]) and content(obj) == obj and self._in_prompt(obj[-1]):
            return self._set_to(edit, obj, words[-1:])  # `hair longer`: the prompt's hair, long
        base = _base(words[0])
        if base is None:
            return None
        if len(words) == 1:
            return _make(edit, words) or None
        noun = _phrase(words[1:])
        if (slot := _object_slot(words[1:])) in ("palette", "light", "it"):  # `colder colors`, `warmer light`
            own = noun and noun.split()[-1] in self.said  # `cooler light` on `warm light`: the prompt's light
            if not (own and slot == "light") and (_make(edit, words) or _make(edit, [base])):
                return True
            if own:
                edit.adjust.append((noun.split()[-1], base))
                return True
            return self._weighed(edit, "more", [base])
        if noun and content(noun.split()) == noun.split():
            edit.adjust.append((noun.split()[-1], base))
            return True
        return None

    def _instead(self, edit: Edit, words: list[str]) -> bool | None:
        """`an arctic fox instead`: a new subject (or `night instead`: a value). A pronoun past the first word
        (`hand her a mug instead`) is a clause we do not read, not a noun phrase."""
        lex = lexicon()
        if len(words) < 2 or words[-1] != "instead" or any(w in lex.pronouns | lex.possessives for w in words[1:-1]):
            return None
        return self._set_to(edit, ["it"], words, replacing=True)

    @staticmethod
    def _people() -> list[str]:
        return [w for said in lexicon().people.values() for w in said]

    def _possessed(self, edit: Edit, words: list[str]) -> bool | None:
        """`her yukata blue`, `his hair shorter`: the object, then what it becomes."""
        if words[0] not in lexicon().possessives:
            return None
        if words[0] == "its" and len(words) > 1 and (verb_ing(words[1]) or find_value(words[1])):
            return self._read(edit, ["it", "is", *words[1:]])  # `its raining outside`: it is
        obj, comp = _split_object(words[1:])
        return self._set_to(edit, obj, comp) if comp else None

    def _with(self, edit: Edit, words: list[str]) -> bool | None:
        """`at night with lanterns`: what comes before `with`, and the things after it added."""
        if "with" not in words[1:-1]:
            return None
        at = words.index("with", 1)
        mine = Edit()
        if self._read(mine, words[:at]) and self._add(mine, words[at + 1:]):
            edit.merge(mine)
            return True
        return None

    def _bare(self, edit: Edit, words: list[str]) -> bool | None:
        """A noun phrase alone (`a female astronaut`, `a black cat`): the subject anew when it names the subject's
        head noun, else a thing to add."""
        lex = lexicon()
        if words[:1] == ["like"] and len(words) > 2 and any(v.group == "medium" for v in _values(" ".join(words[
                1:]))) and content(thing := _strip_determiner(words[1:])) == thing:  # `like an anime screenshot`:
            edit.add.append(" ".join(thing))  # what it looks like, in the user's words (a likeness sets no medium
            edit.said.append(" ".join(thing))  # that would take the user's own `(bokeh:1.2)`)
            edit.sentences.append(_sentence(" ".join(thing)))
            return True
        if words[:1] == ["extra"] and len(words) == 2 and lex.singular(words[1]) == words[1] and self._in_prompt(
                words[1]):
            return self._weighed(edit, "more", words[1:])  # `extra pork`: more of it, never a second pork
        if len(words) == 2 and words[0] in lex.single - lex.articles and lex.plural(words[1]) in self.said and \
                self._counted(edit, words):
            return True  # `just one lantern` on three lanterns
        if (longest_at(words, 0, lex.one_more) or words[1:2] == ["more"]) and (counted := _count(words)):
            # `one more cat pls`, `2 more cats`
            edit.count.append(counted)
            return True
        thing = _strip_determiner(words)
        if (thing[:1] and thing[0] in _PREPOSITION_WORDS) or " ".join(thing) in lex.places_alone or any(
                v.group == "setting" and " ".join(thing) == v.name for v in _values(" ".join(thing))):
            return None  # `its for insta`: what it is for, no thing; `underwater`: where it is, no thing
        if _out_there(edit, thing):
            return True
        at = next((i for i in range(1, min(len(thing), 5)) if (thing[i] in _PREPOSITION_WORDS and thing[i] != "of")
                   or (verb_ing(thing[i]) and all(v.group == "setting" for v in _values(" ".join(thing[:i]))))),
                  len(thing))  # `snow on the ground`, `a dragon circling the towers`, `a seagull sitting on the dock`:
        # a thing and where it is or what it does (`snow falling` is a weather)
        if at < len(thing) and (len(thing) - at > 5 or content(thing[at:]) != thing[at:] or not self._noun_phrase(
                thing[:at])):
            return None
        if not self._noun_phrase(thing[:at]):
            return None  # `xyzzy plugh`: no word we know; `sky needs more drama`: no noun phrase
        gathered = thing[2:] if len(thing) > 2 and thing[1] == "of" and (thing[0] in lex.collective or thing[
            0] in lex.heads["container"]) else []  # `a pack of wolves` on `a wolf`
        if at == len(thing) and gathered and stem(lex.singular(gathered[-1])) in self.subject:
            edit.replace.append(("", " ".join(thing)))
            return True
        if at == len(thing) and stem(head_of(" ".join(thing))) in self.subject:
            counted = _count(words) if len(thing) <= 3 else None  # `two foxes` on `a red fox`: how many, no new fox
            counted = counted if counted and " " not in counted[0] else None  # (`two white foxes` is a new one)
            edit.count.append(counted) if counted else edit.replace.append(("", " ".join(thing)))
            return True
        articled = words[:1] and words[0] in lex.articles and not _count(words)  # `With a dragon.`, `a pair of`
        self.last = _Clause()  # `just his face and hands`: the hands are added too, never `closer hands`
        return self._add(edit, words if articled else thing)

    def _english(self, words: list[str]) -> bool:
        """Words a prompt may take: English ones, ours or the prompt's (`abandoned`; not `glowy`)."""
        return all(w in english_words() or w in known_words() or w in self.said or (not w.isalpha() and all(
            part in english_words() for part in w.split("-") if part.isalpha())) for w in words)  # not `spooky-ish`

    def _noun_phrase(self, thing: list[str]) -> bool:
        """Words that make a noun phrase of words we know (`a black cat`; not `xyzzy plugh`, `sky needs more`)."""
        lex = lexicon()
        verbs = {v for said in (*lex.verbs.values(), lex.copulas, lex.having) for v in said if " " not in v}
        known = known_words() | self.said | set(lex.colours) | set(self._people()) | english_words()
        return bool(thing) and len(thing) <= 4 and content(thing) == thing and not set(thing) & verbs and \
            thing[-1] not in lex.antonyms and bool(head_of(" ".join(thing))) and bool(
                (set(thing) - lex.function) & known) and not set(thing[1:]) & (lex.articles | lex.possessives)
        # not `straighten her hair`: a verb we do not know, and its object

    def _placed(self, edit: Edit, words: list[str]) -> bool | None:
        """`her in a desert`: the subject somewhere else."""
        if lexicon().slot_of_object(words[0]) in ("subject", "it") and len(words) > 2:
            return self._relocate(edit, words)
        if words[0] in lexicon().place_prepositions and any(v.group == "setting" for v in _values(" ".join(words))):
            return self._relocate(edit, ["it", *words])  # `..., onto a desert highway`: where it is now
        return None


def read(instruction: str, prompt: str | Prompt = "", embeddings: list[str] | tuple[str, ...] = ()) -> Reading:
    """An instruction read once, against the prompt it changes (its spans and terms, parsed as tags; a caller that
    has the parse passes it)."""
    parsed = prompt if isinstance(prompt, Prompt) else Prompt.parse(prompt)
    reader = _Reader(parsed.spans(embeddings), subject_heads(parsed.texts()), set(words_of(parsed.text)),
                     [words_of(t.lower()) for t in parsed.texts()])
    instruction = _CAPITALS.sub(lambda m: m.group(0)[:m.start(1) - m.start(0)] + f'"{m.group(1)}"', instruction)
    reader.quotes, reader.reading.prompt = QUOTED.findall(instruction), parsed
    spelled, reader.reading.edit.negative = _to_negative(_spelled(_typos_fixed(instruction, reader.said)).strip())
    said = (c for c in _CLAUSES.split(spelled) if c and c.strip())
    for clause in (run for c in said for p in _interjected(reader.said).split(c) if p.strip() for part in _so(p)
                   for run in _run_on(part)):
        reader.clause(clause)  # `robot looks too happy lol make it sad`: `lol` ends a clause
    reading = reader.reading
    _said_absent(reading, parsed)
    _calmed(reading, parsed)
    reader.recoloured()
    _contradicted(reading, reader.spans)
    if reader.asked:
        reading.unread.append(reader.asked)
    reading.prompt = parsed
    if any(w.startswith("<") for w in _tokens(instruction)) and not reading.spans:
        reading.adds_network = True
    reading.notes = list(dict.fromkeys(reading.notes))
    reading.lettering = QUOTED.findall(instruction)
    return reading


@cache
def _ours() -> frozenset[str]:
    """The lexicon's and the vocabulary's words, once: what a typo is mended towards after the prompt's."""
    return lexicon_words() | known_words()


def _typos_fixed(instruction: str, said: set[str]) -> str:
    """The instruction with a word no dictionary of ours holds put right when one typo away from one word of the
    prompt's, else of the lexicon's or the vocabulary's (`hiar` -> hair, `nigth` -> night, `wayyy` -> way); a
    name we do not know (`frieren`) stays as typed. Lettering in quotes is never touched."""
    def known(word: str) -> bool:
        return word in said or word in _ours() or word in english_words()

    def fixed(match: re.Match[str]) -> str:
        word = match.group().lower()
        if known(word) or len(word) < 4 or known(lexicon().singular(word)):
            return match.group()
        for squeezed in (re.sub(r"(.)\1{2,}", r"\1", word), re.sub(r"(.)\1{2,}", r"\1\1", word)):
            if squeezed != word and known(squeezed):  # `wayyy`, `moreee`
                return squeezed
        for words in (said, _ours()):
            near = sorted(one_typo(word) & words, key=lambda w: (w[0] != word[0], abs(len(w) - len(word)), w))
            if near:
                return near[0]
        return match.group()
    quoted = [m.span() for m in QUOTED.finditer(instruction)]
    return re.sub(r"[A-Za-z]+", lambda m: m.group() if any(a <= m.start() < b for a, b in quoted) else fixed(m),
                  instruction)


_NEGATIVE = re.compile(r"\s+(?:in|to|into|inside|onto)\s+(?P<where>" + alternation(lexicon().objects["negative"]) +
                       r")(?![\w'])")
_NEGATIVE_LABEL = re.compile(r"^\s*(?:" + alternation(lexicon().objects["negative"]) + r")\s*:\s*(?P<what>[^.;!?]+)")
_PUTTING = re.compile(r"(?<![\w'])(?:" + alternation((*lexicon().verbs["add"], *lexicon().verbs["relocate"], "throw"))
                      + r")(?![\w'])")


_SYNTAX = re.compile(r"\([^()]+:\s*-?[\d.]+\s*\)|<\w+:[^>]+>")  # a weighted group, a network


def _to_negative(text: str) -> tuple[str, list[str]]:
    """`stick extra fingers n fused fingers in the negs`, `add cartoon, 3d, painting to the neg prompt`: the
    instruction without what it puts in the negative prompt, and each thing it puts there (from the verb that puts
    them, else from the clause's start)."""
    if labelled := _NEGATIVE_LABEL.match(text):  # `negative: add bad hands and extra fingers`
        start, end, what = labelled.start("what"), labelled.end(), labelled.group("what")
        text = text[:labelled.start()] + " " * (start - labelled.start()) + text[start:]
    elif found := _NEGATIVE.search(text):
        sentence = re.split(r"[.;!?]\s", text[:found.start()])[-1]
        start = found.start() - len(sentence)
        verbs = list(_PUTTING.finditer(sentence))
        start += verbs[-1].start() if verbs else sentence.rfind(",") + 1
        end, what = found.end(), text[start:found.start()]
    else:
        return text, []
    things = []
    for part in re.split(r"\s+(?:and|&|or)\s+|\s*[+,]\s*(?![^()]*\))", what):
        if syntax := _SYNTAX.search(part):  # `add (worst quality:1.4) to the neg`: the user's syntax, as typed
            things.append(syntax.group())
            continue
        words = normal(part)
        verb = longest_at(words, 0, lexicon().verb_phrases) or int(words[:1] != [] and words[0] in lexicon().gerunds)
        things.append(_phrase(words[verb:]))  # `throw bad hands into the negs`: a verb of its own
    before = re.sub(rf"(?:[\s,]*\b(?:{alternation(lexicon().asking)}))+[\s,]*$", "", text[:start])  # `can u`
    return (before + text[end:]).strip(" ,"), [t for t in things if t]


def _run_on(clause: str) -> list[str]:
    """`turn the sunlight off make it evening`, `the fog is too strong tone it down`: an ask typed straight after
    one that has ended (in a particle, or `too` and its word) is a clause of its own."""
    lex, words = lexicon(), list(re.finditer(r"\S+", clause))
    for at in range(2, len(words)):
        before = [w.group().lower() for w in words[at - 2:at]]
        if (before[1] in lex.run_on["ends"] or before[0] == "too") and longest_at(
                _tokens(clause[words[at].start():]), 0, lex.run_on["opens"]):
            return [clause[:words[at - 1].end()], *_run_on(clause[words[at].start():])]
    return [clause]


def _so(clause: str) -> list[str]:
    """`its autumn now so no cherry blossoms`: a `so` that opens an ask of its own (a negation, a verb) ends the
    clause before; `so dark` stays one."""
    lex = lexicon()
    for said in re.finditer(r"(?<=\w)\s+so\s+", clause):
        after = _tokens(clause[said.end():])
        if any(longest_at(after, 0, asks) for asks in (lex.negations["leading"], lex.verb_phrases)):
            return [clause[:said.start()], *_so(clause[said.end():])]
    return [clause]


def _said_absent(reading: Reading, prompt: Prompt) -> None:
    """A thing to keep out that the prompt's own tag says is absent already (`no people` where it says `no
    humans`, a tag the model reads as such): nothing to take out or to add to the negative; the reading says so."""
    everyone = set(lexicon().people["everyone"])
    tags = [t for t in prompt.texts() if t.lower() in lexicon().negations["tags"]]
    for thing in list(reading.edit.remove):
        said = set(words_of(thing))
        tag = next((t for t in tags if names(" ".join(words_of(t)[1:]), thing) or (
            said & everyone and set(words_of(t)[1:]) & everyone)), None)
        if tag:
            reading.edit.remove.remove(thing)
            reading.edit.negative[:] = [n for n in reading.edit.negative if n != thing]
            reading.notes.append(f"the prompt says {tag!r} already")


def _calmed(reading: Reading, prompt: Prompt) -> None:
    """`make it calm and sunny` over a rough sea: the sea is calm too (its huge waves go), not only the mood."""
    calm = vocab().groups["weather"]["calm sea"]
    if any(v.group == "mood" and v.name == "calm" for v in reading.edit.set) and calm not in reading.edit.set and \
            "rough sea" in facets(prompt.text).get("weather", set()):
        _set(reading.edit, calm)


def _contradicted(reading: Reading, spans: list[Span]) -> None:
    """The user's spans that contradict what the edit sets (`(golden hour:1.3)` under `midday sun instead of
    sunset`, `[sketch:photorealistic:0.5]` under `make it a pencil sketch`) go, as the prompt's other terms that
    contradict it do; a model may keep them."""
    context: dict[str, set[str]] = {}
    for value in (*reading.edit.set, *reading.edit.implied):
        context.setdefault(value.group, set()).add(value.name)
    close = "close" in context.get("framing", set())  # `zoom in on the fox`: its `(bushy tail:1.2)` may go
    gone = [w for weather, said in lexicon().traces.items() if weather in reading.edit.remove or clash(
        {"weather": {weather}}, context) for w in said]  # `no more rain`: its `(wet pavement:1.1)` may go
    for span in spans if gone else ():
        if span.kind == "group" and phrase_pattern(gone).search(span.key):
            reading.spans.setdefault(span.text, "may go")
    for span in spans if context else ():
        if close and span.kind == "group" and set(words_of(span.key)) & lexicon().unseen_close:
            reading.spans.setdefault(span.text, "may go")
        name = re.sub(r"(?<=[a-z])(?=[A-Z])|[_\-]", " ", span.text.strip("<>").split(":")[1]) \
            if span.kind == "network" else span.key
        said = {g: v for g, v in facets(name).items() if span.kind != "network" or g == "medium"}  # a LoRA's look
        # is its medium (not `dark` under `make it peaceful`)
        if any(clash({group: {value}}, context) for group, values in said.items() for value in values):
            reading.spans.setdefault(span.text, "remove" if span.kind != "network" else "may go")  # a LoRA that
            # says the old look (`PixelArtRedmond` under `make it a photo`) a model may drop; our rules keep it


def negatable(thing: str) -> bool:
    """Whether a thing removed or refused also goes to the negative prompt: not a LoRA or other network, nor a
    quality tag (`masterpiece` in the negative asks for worse pictures)."""
    return not set(words_of(thing)) & lexicon().network_words and thing.lower() not in lexicon().quality_words
