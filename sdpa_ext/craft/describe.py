"""What a description says: its phrases (the user's own words, kept first and never shortened), its
head nouns (what every prompt must keep), its conflict-group facets, and whether it is English."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .lexicon import alternation, lexicon, longest_at, unstretched, words_of
from .vocab import Facets, facets

if TYPE_CHECKING:
    from .families import Family

_LEX = lexicon()
_PREPOSITION = re.compile(r"\b(" + alternation(_LEX.prepositions) + r")\b", re.I)
# A phrase that says what must NOT be in the picture: it goes to the negative prompt (CLIP reads `no cars` as cars).
_NEGATION = re.compile(r"^(?:" + alternation((*_LEX.negations["leading"], *_LEX.negations["described"])) +
                       r")\s+(?:any\s+|the\s+|an?\s+)?(.+)$", re.I)
_AND_NO = re.compile(r"\s+(?:" + alternation(_LEX.negations["joiners"]) + r")\s+", re.I)
_NEGATION_TAIL = re.compile(r"(?:\s+(?:" + alternation(_LEX.negations["tail"]) + r"))+$", re.I)
_BUT = re.compile(r"\s+(?:" + alternation(_LEX.negations["but"]) + r")\s+", re.I)
_EMPTY = re.compile(r"\b(?:" + alternation(_LEX.negations["empty"]) + r")\b", re.I)
QUOTED = re.compile(r'"[^"\n]{1,60}"|“[^”\n]{1,60}”|\'[^\'\n]{2,60}\'(?!\w)')
_SAID_OF = {s for s, m in _LEX.spellings.items() if m.split()[0] in _LEX.pronouns}  # `shes`: she is, said
_SPACES = re.compile(r"\s+")
_CHUNK = re.compile(r",\s*|\s[-–—]\s")
_LIKE = re.compile(r"((?:^|[,;]|\s[-–—])\s*)like\s+(?=an?\s)", re.I)
_LIKE_COUNT = re.compile(r"\blike\s+(?=\d|(?:" + alternation((*_LEX.rough, *_LEX.numbers)) + r")\b)", re.I)  # a guess
JOINED = "|".join([*(rf"(?<=\b{re.escape(a)} and)\s+{re.escape(b)}\b" for a, _, b in  # `and` inside `black and
                    (p.partition(" and ") for p in _LEX.joined_by_and) if b),  # white` joins no two things,
                    *(rf"(?<=\b{re.escape(c)} and)\s+(?:{alternation(_LEX.colours)})\b" for c in _LEX.colours)])
# nor inside two colours (`a white and orange hakama`)
# a boundary: a comma, a sentence's end, `and` (not inside `black and white`), `but`, before a `not X` that ends a
# phrase (`photo not painting`: the painting is not wanted)
_BOUNDARY = re.compile(r"\s*(?:[,;:]|\s[-–—]\s|[.?!](?:\s|$)|\band\b(?!" + JOINED + r")|\bbut\b|"
                       r"(?<=\w)(?=\s+not\s+(?:an?\s+|the\s+)?\w+\s*(?:[,.;]|$)))\s*", re.I)


@dataclass
class Description:
    text: str
    english: bool
    phrases: list[str] = field(default_factory=list)  # tags in the user's words, in order
    nouns: list[str] = field(default_factory=list)  # the head nouns of the things every prompt must keep
    subject: list[str] = field(default_factory=list)  # those of its first phrase that names a thing: what it shows
    heads: list[str] = field(default_factory=list)  # every head noun (`dusk`, `logo` too): never in the negative
    facets: Facets = field(default_factory=dict)
    negated: list[str] = field(default_factory=list)  # what must not be there (`no cars`): the negative prompt's
    lettering: list[str] = field(default_factory=list)  # wanted text, with its quotes (`"OPEN"`)

    @property
    def wanted_heads(self) -> list[str]:
        """The head nouns of what is wanted: none the description rules out (`a wizard's study, no wizard`)."""
        return [h for h in self.heads if h not in self.negated]

    @property
    def wanted(self) -> str:
        """The description without what it says must not be there (`no girls`)."""
        kept = [c for c in re.split(r"(?<=[,;])\s*", self.text) if not _NEGATION.match(c.strip(" ,;.?!"))]
        return " ".join(" ".join(kept).split()).strip(" ,;")

    @property
    def sentence(self) -> str:
        """The description as a first sentence (Flux/SD3)."""
        text = _LIKE.sub(r"\1in the style of ", self.wanted)  # `, like a vintage book cover`: how it is drawn
        text = text[:1].upper() + text[1:]
        return text if text.endswith((".", "!", "?")) else text + "."


def is_english(text: str) -> bool:
    """Latin letters and more English than foreign function words (a one-word description counts)."""
    letters = [ch for ch in text if ch.isalpha()]
    if letters and sum(ch.isascii() for ch in letters) / len(letters) < 0.9:
        return False
    said = words_of(text)
    return sum(w in _LEX.foreign for w in said) <= sum(w in _LEX.english for w in said)


def _split_preps(chunk: str) -> list[tuple[str, str]]:
    """(preposition, rest) pieces of one chunk; the first piece has no preposition."""
    pieces, last, prep = [], 0, ""
    for match in _PREPOSITION.finditer(chunk):
        pieces.append((prep, chunk[last:match.start()]))
        prep, last = match.group(1).lower(), match.end()
    pieces.append((prep, chunk[last:]))
    return [(p, " ".join(text.split())) for p, text in pieces if text.strip()]


def _strip_articles(text: str) -> str:
    parts = text.split()
    while parts and (parts[0].lower() in _LEX.articles or parts[0].lower() in _LEX.determiners):
        parts = parts[1:]
    return " ".join(parts)


def verb_ing(word: str, after: str = "") -> bool:
    """A verb in -ing (`dancing`), not a noun (`evening`, `building`) unless an article follows it (`building a
    snowman`), nor the first word of a thing's name (`living room`)."""
    word = word.lower()
    return word.endswith("ing") and len(word) > 4 and (word.rstrip("s") not in _LEX.ing_nouns or
                                                       after.lower() in _LEX.articles) and \
        f"{word} {after.lower()}" not in _LEX.ing_nouns


def _ing_split(prep: str, text: str) -> list[tuple[str, str]]:
    """A prepositional piece that goes on with a verb (`in a red dress dancing`) ends before the verb, and so does
    a thing worn or had (`cat ears eating ramen`: no ears eat)."""
    parts = text.split()
    for index, word in enumerate(parts[1:], 1):
        worn = parts[index - 1].lower() in _LEX.heads["attribute"]
        if (prep or worn) and verb_ing(word, parts[index + 1] if index + 1 < len(parts) else ""):
            return [(prep, " ".join(parts[:index])), ("", " ".join(parts[index:]))]
    return [(prep, text)]


def phrases_of(text: str) -> list[str]:
    """The user's words as tags: split at commas, `and`, and prepositions; articles and a few plain
    prepositions dropped (`a cozy cabin in a snowy forest at dusk` -> cozy cabin, snowy forest, dusk)."""
    out: list[str] = []
    seen: set[str] = set()
    quotes = QUOTED.findall(text)  # lettering is one piece, whatever it says (`"DUST AND STARS"`)
    for index, quote in enumerate(quotes):
        text = text.replace(quote, f"zqz{index}zqz", 1)
    for chunk in _BOUNDARY.split(_SPACES.sub(" ", text)):  # one space a run: _BOUNDARY's \s* rescans runs
        if (whole := chunk.strip(" .!?")).lower() in _LEX.composition and whole.lower() not in seen:
            seen.add(whole.lower())  # `from behind`: how it is seen, one tag
            out.append(whole)
            continue
        for prep, piece in _split_preps(chunk):
            for sub_prep, sub in _ing_split(prep, piece):
                body = _strip_articles(re.sub(r"^like\s+", "", sub, flags=re.I))  # `like a still life painting`
                if not body or all(w in _LEX.function or w in _LEX.single for w in words_of(body)):
                    continue  # `one with black hair`: the hair, no `one`
                tag = body if not sub_prep or sub_prep in _LEX.dropped_prepositions else f"{sub_prep} {sub}"
                tag = _unquoted_ends(tag.strip(" .!?"))
                if len(said := tag.split()) > 1 and said[-1].lower() in _LEX.loosely_when:
                    tag = " ".join(said[:-1])  # `at her desk late at night`: the desk (the night is its own)
                if sub_prep == "without":
                    tag = f"no {tag}"
                if out and "zqz" in tag and words_of(tag)[:1] and words_of(tag)[0] in _LEX.saying:
                    out[-1] = f"{out[-1]} {sub_prep or 'that'} {tag}"  # `sign that says "OPEN"`: one phrase
                    continue
                tag = _elided(tag, out[-1] if out else "")
                if tag and tag.lower() not in seen:
                    seen.add(tag.lower())
                    out.append(tag)
    return [re.sub(r"zqz(\d+)zqz", lambda m: quotes[int(m.group(1))], tag) for tag in out]


def _elided(tag: str, before: str) -> str:
    """A tag without the pronouns that stand for a thing said elsewhere (`one with blue hair one with pink`: blue
    hair, pink hair): a colour alone takes the noun of the colour before it."""
    words = tag.split()
    if len(words) > 2 and words[0].lower() in _LEX.pronouns and (size := longest_at(
            [w.lower() for w in words], 1, _LEX.copulas)) and len(words) > size + 1:
        words = _strip_articles(" ".join(words[size + 1:])).split()  # `shes smiling`, `he has a scar`: smiling, scar
    while len(words) > 1 and words[-1].lower() in _LEX.pronouns and words[-2].lower() not in _LEX.function:
        words = words[:-1]  # `blue hair one`; not `the two of them`
    said = before.split()
    if len(words) == 1 and _LEX.colour_of([words[0].lower()]) and len(said) >= 2 and _LEX.colour_of(
            [said[0].lower()]):
        words = [words[0], *said[1:]]
    return " ".join(words)


def _unquoted_ends(tag: str) -> str:
    """A tag without stray quotes at its ends; a quoted word the user wants written (`says "OPEN"`) keeps them."""
    for quote in ('"', "'"):
        if tag.count(quote) % 2:
            tag = tag.strip(quote) if tag.startswith(quote) or tag.endswith(quote) else tag
    return tag.strip()


def negations(phrases: list[str], text: str, others: bool = False) -> tuple[list[str], list[str]]:
    """(the phrases that say what is wanted, the things the description says must not be there); `others`: it says
    nobody else is there (`2 girls at a bus stop, nobody else around`): no crowd, the girls stay."""
    kept, negated = [], []
    for index, phrase in enumerate(phrases):
        if index and _NEGATION.match(phrases[index - 1]) and any(_NEGATION_TAIL.fullmatch(f" {prep}{phrase}")
                                                                 for prep in ("", "in ", "at ")):
            continue  # `no other people in sight`: no `sight`
        match = _NEGATION.match(phrase)
        if match:  # `no umbrellas or boats either`, `no people no animals`: each thing
            said, *but = _BUT.split(match.group(1).strip(), 1)  # `no people just the robot`: the people, and the
            things = _AND_NO.split(_NEGATION_TAIL.sub("", said))  # robot is there
            negated += [t.strip() for t in things if t.strip()]
            body = _strip_articles(_NEGATION_TAIL.sub("", but[0].strip())) if but else ""
            kept += [body] if set(words_of(body)) - _ASKED - set(_LEX.pronouns) else []  # not `but me`
        else:
            kept.append(phrase)
    if _EMPTY.search(text) and not any(w in words_of(text) for w in ("people", "person", "crowd")):
        negated.append("crowd" if people_in(", ".join(kept)) else "people")  # `a lonely girl`: she is there
    if others and people_in(", ".join(kept)):
        negated = list(dict.fromkeys("crowd" if t.removeprefix("other ") in _LEX.people["everyone"] else t for t in
                                     negated))
    return kept, negated


def _participle(word: str, after: str) -> bool:
    """A past participle after a noun (`owl perched`, `girl dressed in red`): in -ed, ending the phrase or
    followed by a function word, so not an adjective before its noun (`tattered cloak`)."""
    return ((word.endswith("ed") and len(word) > 4) or word in _LEX.participles) and (
        after == "of" or after in _LEX.function)


def nouns_of(phrase: str) -> list[str]:
    """Head nouns: the last word of each run, a run ending before a verb in -ing, a past participle or at
    `of`."""
    nouns: list[str] = []
    run: list[str] = []
    words = [*words_of(QUOTED.sub(" ", phrase)), "of"]  # the lettering is no thing drawn
    past = False  # a run after `after`, `before`: what happened then, no thing shown
    for index, word in enumerate(words):
        after = words[min(index + 1, len(words) - 1)]
        if word == "of" or word in _LEX.temporal or (run and (
                verb_ing(word, after) or (word in _LEX.saying and f"{word} {after}" not in _LEX.ing_nouns) or
                _participle(word, after))):
            if run and not past:  # `two boys fist bumping`: the boys; `fist` is the doing's
                before = run[-2] if len(run) >= 2 else ""
                plural = verb_ing(word, after) and _LEX.singular(before) != before and bool(people_in(before)) \
                    and _LEX.singular(run[-1]) == run[-1]  # not `sports car drifting`
                nouns.append(run[-2] if plural else run[-1])
            run, past = [], word in _LEX.temporal
            continue
        if word in _LEX.adverbs and run and ((after == "of" and index == len(words) - 2) or after in _LEX.function):
            if not past:  # `seagulls overhead`: the seagulls, where they are
                nouns.append(run[-1])
            run = []
            continue
        if word.endswith(("'s", "’s")):  # `a fisherman's face`: the fisherman, and his face
            nouns.append(word[:-2])
            run = []
        elif word not in _LEX.function:
            run.append(word)
    return [n for n in nouns if len(n) > 1 and not n.isdigit()]


def _noun(word: str) -> bool:
    """A word that may name a thing: not a number, a pronoun, an adverb, a quantity (`lots`, `together`), an
    adjective of the antonym pairs (`very small`), a verb in -ing (`coming` down) or a participle (`seen` from
    behind)."""
    lex = _LEX
    adjective = word in lex.antonyms and word not in lex.heads["light"]
    return not (word.isdigit() or adjective or word in lex.numbers or word in lex.pronouns or word in lex.adverbs
                or word in lex.extent or word in lex.quantities or verb_ing(word) or word in lex.participles
                or (word.endswith("ed") and len(word) > 4 and word not in lex.ing_nouns))


# How people ask for a picture, before saying what it shows: `can you make me a logo` is about a logo.
_REQUEST = re.compile(r"^\s*(?:(?:" + alternation((*_LEX.request, *_LEX.asking)) + r")\s+)+(?:me\s+|us\s+)?", re.I)


_ASKED = _LEX.chat | _LEX.function | set(_LEX.softeners) | set(_LEX.asking)  # what a spelling may mean and not be read
_CHAT = re.compile(r"(?<![\w'])(?:" + alternation(_LEX.chat_description) + r")(?![\w'])", re.I)


def _unsaid(chat: re.Match) -> str:
    """What stands for a chat word taken out: a comma where a phrase of its own came before it (`pony style pic of
    a car`: `pony style, a car`), else a space."""
    before = chat.string[:chat.start()].split()
    last = before[-1].lower() if before else ""
    said_of = chat.group().lower().endswith(" of")
    return ", " if said_of and last.isalpha() and last not in _LEX.function else " "


def unchatted(text: str) -> str:
    """A description without the words that say how it is asked (`pls`, `kinda`, `lil`, `vibes`, `u know`); quoted
    lettering stays as written (`"NANI?!"`)."""
    out, last = [], 0
    for quote in QUOTED.finditer(text):
        out += [_unchatted(text[last:quote.start()]), quote.group()]
        last = quote.end()
    return "".join([*out, _unchatted(text[last:])]).strip(" ,;?")


def _unchatted(cleaned: str) -> str:
    """What `unchatted` does to the words outside quotes."""
    edges = cleaned[:len(cleaned) - len(cleaned.lstrip())], cleaned[len(cleaned.rstrip()):]
    cleaned = _CHAT.sub(_unsaid, _LIKE_COUNT.sub("", unstretched(cleaned)))
    for said, meant in _LEX.spellings.items():  # `w/ a big moon`, `w a big moon`: with a big moon; `no ppl`,
        means = set(words_of(meant))
        if not said.isalpha() or said == "w" or meant.startswith("no ") or said in _SAID_OF or (
                not means & (_ASKED - _LEX.function) and not means & set(_LEX.copulas)):
            # `backround`: a word misspelled; `nobody around`: no people; `thru`, `n`: function words; not `u`
            # or `bc` (chat words, dropped), nor `theres` (how it is said)
            cleaned = re.sub(rf"(?<![\w/+]){re.escape(said)}(?![\w/+])", meant, cleaned, flags=re.I)
    said = _LEX.number_words  # the first word for each number: `two`, not `twin`
    cleaned = re.sub(r"(?<![\w.:/x-])([2-9])\s+(?=[a-z]{2,}(?:\s+[a-z]+){0,2}?s\b)",
                     lambda m: f"{said[int(m.group(1))]} ", cleaned)  # `2 dragons`: two dragons
    cleaned = re.sub(r"\b(an?)\s+(?:an?\s+)+", r"\1 ", cleaned, flags=re.I)  # `a pic of a fox` -> `a a fox`
    cleaned = re.sub(r"\s*([,.;?!])(?:\s*[,.;?!])*", r"\1", re.sub(r"[ \t]+", " ", cleaned))
    return edges[0][:1] + cleaned.strip() + edges[1][:1] if cleaned.strip() else cleaned.strip()


def describe(text: str, family: Family | None = None) -> Description:
    """The description read once: its phrases in the user's words (without one that only names the `family`
    already chosen: `pony style`), head nouns, facets, negations and lettering."""
    english, said = is_english(text), text
    asked = _REQUEST.sub("", unchatted(text) if english else text) if english else text
    text = asked if asked.strip() and len(asked.split()) >= 2 else text
    if family is not None:  # `..., sd3 pls, cinematic`: the family is chosen already, nothing to draw
        kept = [c for c in _CHUNK.split(text) if not family.named_by(c)]
        text = ", ".join(c.strip(" ,") for c in kept if c.strip(" ,")) if kept else text
    phrases = phrases_of(text) if english else [" ".join(text.split()).strip(" .")]
    phrases = [p for p in phrases if family is None or not family.named_by(p)]
    others = bool({"else", "other"} & set(words_of(said)))  # before the chat words go (`else` is one)
    phrases, negated = negations(phrases, text, others) if english else (phrases, [])
    heads = list(dict.fromkeys(n for p in phrases for n in nouns_of(p) if _noun(n))) if english else []
    things = ([n for n in nouns_of(p) if _noun(n) and _thing(n) and not (family and family.named_by(n))]
              for p in phrases)  # `cute pony pic of a dragon girl`: the girl
    return Description(text=text, english=english, phrases=phrases, nouns=[n for n in heads if _thing(n)],
                       subject=next((t for t in things if t), []), heads=heads,
                       facets=facets(", ".join(phrases)) if english else {}, negated=negated,
                       lettering=QUOTED.findall(text))


def _thing(noun: str) -> bool:
    """A noun that names a thing to keep, not a time, a weather or a look (`night`, `watercolor`) nor `indoors`."""
    said = facets(noun)
    if noun in _LEX.heads["generic"] or noun in _LEX.size_words:  # `style`, `design`, a `wallpaper` of a street
        return False
    return not (set(said) - {"place", "setting"}) and not (said and noun.removesuffix("s") in {
        a.removesuffix("s") for a in _LEX.adverbs})


def people_in(text: str) -> str:
    """`female`, `male`, `any` or '' for the people a text names (Danbooru count tags)."""
    said = set(words_of(text))
    for kind in ("female", "male", "any"):
        kin = _LEX.people.get(f"{kind}_kin", [])  # `twin sisters`
        if said & {w for p in [*_LEX.people[kind], *kin] for w in (p, p + "s")}:
            return kind
    return ""
