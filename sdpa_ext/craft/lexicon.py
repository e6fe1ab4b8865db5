"""The lexicon (data/lexicon.json): every word list the package reads instructions and descriptions with, and the
one word tokeniser and stemmer. Verbs and their operations, objects and their slots, comparatives and antonyms,
chat words, negations, prepositions, colours, people, quality and leading tags, named sizes and our chips."""

from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass, fields
from functools import cache, cached_property
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data" / "lexicon.json"
WORDS = DATA.with_name("words.txt.gz")  # CLIP's whole-word tokens (tests/test_one_reading.py derives them again)
_WORD = re.compile(r"[^\W_]+(?:['-][^\W_]+)*")


def words_of(text: str) -> list[str]:
    """Lower-case words in any script (`瀑布` is a word; `close-up` and `don't` are one word; `_` is not a letter)."""
    return _WORD.findall(text.lower())


def kin(a: str, b: str) -> bool:
    """Two words of one family: the same stem, or one begins the other but for an ending (`wrinkly`, `wrinkled`;
    `storm`, `stormy`)."""
    a, b = stem(a), stem(b)
    if a == b:
        return True
    shared = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    return shared >= 5 and shared >= min(len(a), len(b)) - 2


def stem(word: str) -> str:
    """A word without its plural ending (`cities` -> city, `foxes` -> fox, `candles` -> candle, `glass` stays)."""
    word = word.lower()
    if word.endswith("ies") and len(word) >= 6:
        return word[:-3] + "y"
    if word.endswith("es") and len(word) >= 5 and (word[:-2].endswith(("ss", "x", "z", "ch", "sh")) or (
            word[:-2].endswith("o") and not word.endswith(("shoes", "toes", "canoes")))):
        return word[:-2]
    return word[:-1] if word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) >= 4 else word


def base_verb(verb: str) -> str:
    """A verb without its `-s` (`wears` -> wear, `carries` -> carry, `watches` -> watch)."""
    if verb.endswith("ies"):
        return verb[:-3] + "y"
    return verb[:-2] if verb.endswith(("ches", "shes", "sses", "xes")) else verb[:-1]


def base_forms(word: str, suffixes: tuple[tuple[str, str], ...] = (("ier", "y"), ("er", ""), ("est", ""), ("ish", ""),
                                                                ("ing", ""))) -> list[str]:
    """The plain forms of a word under its suffixes, most likely first (`cozier` -> cozy, cozi)."""
    return [word[: -len(suffix)] + base for suffix, base in suffixes
            if word.endswith(suffix) and len(word) - len(suffix) >= 3]


def _list(raw: dict, key: str) -> tuple[str, ...]:
    return tuple(raw[key])


def _table(raw: dict) -> dict[str, tuple[str, ...]]:
    return {k: tuple(v) for k, v in raw.items() if k != "note"}


@dataclass(frozen=True)
class Lexicon:
    verbs: dict[str, tuple[str, ...]]  # operation -> verb phrases
    objects: dict[str, tuple[str, ...]]  # slot (it, subject, network, framing, setting...) -> words
    copulas: tuple[str, ...]
    having: tuple[str, ...]  # `it needs X`: X is added
    looks: frozenset[str]  # `the motorcycle look old`: how a thing looks
    choosing: tuple[str, ...]  # `go with harsh sunlight`: a verb that takes what is chosen, no object
    hair: dict[str, tuple[str, ...]]  # booru hair tags: lengths, styles
    tag_forms: dict[str, dict[str, tuple[str, ...]]]  # tags / booru / negated / sources: what tag models call a
    # description's words
    holding: tuple[str, ...]  # `holding a tray of cake`: holding tray (booru)
    connectors: dict[str, tuple[str, ...]]
    comparatives: dict[str, tuple[str, str]]  # shorter -> (short, long)
    antonyms: dict[str, frozenset[str]]  # word -> its opposites
    opposite: dict[str, str]  # word -> the opposite `too X` asks for: its first pair's (`too old`: young)
    asking: tuple[str, ...]
    softeners: tuple[str, ...]
    hedges: tuple[str, ...]  # `like 0.4`: before a number or an amount
    interjections: frozenset[str]  # `vertical pls for my phone`: dropped wherever they stand
    question_tags: tuple[str, ...]  # `rating_safe right?`: dropped at the end of a question
    placeholders: frozenset[str]  # `the epic scale thing`
    trailers: frozenset[str]  # `summer vibes`, `underwater version`: what asks for the value before it
    chat: frozenset[str]
    chat_description: tuple[str, ...]  # dropped from a description
    praise: frozenset[str]  # `golden hour would look way better`: what is said of an ask, not an ask
    versions: tuple[str, ...]  # `the lighting from before`: an earlier picture, which the rules cannot see
    vague: tuple[str, ...]
    negations: dict[str, tuple[str, ...]]
    articles: frozenset[str]
    determiners: frozenset[str]
    possessives: frozenset[str]
    place_prepositions: frozenset[str]
    unwrap: tuple[str, ...]
    trailing: dict[str, str]  # word -> more / less
    going: tuple[str, ...]  # `the seagulls gotta go`: said after a thing, it goes
    reasons: tuple[str, ...]  # `no neon, it is too much`: why, not what
    degree: frozenset[str]
    prepositions: tuple[str, ...]
    dropped_prepositions: frozenset[str]
    phrase_breaks: tuple[str, ...]
    count_tag_words: dict[str, dict[str, str]]  # `old` said of `1girl` -> mature female
    participles: frozenset[str]  # `overgrown`: a participle not in -ed
    function_words: frozenset[str]
    temporal: frozenset[str]  # `after a volleyball match`: what happened, not what is shown
    day_parts: frozenset[str]  # `in the evening`, where other times are `at dusk`
    loosely_when: frozenset[str]  # `late` at night: when, said loosely after a thing
    pronouns: frozenset[str]
    english: frozenset[str]
    foreign: frozenset[str]
    ing_nouns: frozenset[str]
    request: tuple[str, ...]
    colours: tuple[str, ...]
    shades: tuple[str, ...]  # what a colour may open with: `dark purple`
    materials: dict[str, str]  # a material, or an adjective that says one (`wooden`) -> the material (wood)
    made_of: tuple[str, ...]  # what opens a material: `made of stone`
    people: dict[str, tuple[str, ...]]
    numbers: dict[str, int]
    heads: dict[str, frozenset[str]]
    composition: tuple[str, ...]
    quality_tags: tuple[str, ...]
    quality_words: frozenset[str]
    leading_prefixes: tuple[str, ...]
    one_of_prefixes: tuple[str, ...]  # Pony's source and rating: one tag of each
    leading_tags: frozenset[str]
    text_words: tuple[str, ...]
    saying: frozenset[str]  # what a sign does with its lettering: `says "OPEN"`
    span_words: dict[str, frozenset[str]]
    stop: frozenset[str]
    places_on: frozenset[str]
    places_alone: dict[str, str]  # `inside` -> indoors
    place_things: dict[str, tuple[str, ...]]  # `forest`: trees, mushrooms (what only that place has)
    role_gear: dict[str, tuple[str, ...]]  # `knight`: armor, sword (what a role wears or carries)
    setting_signs: frozenset[str]  # `seagulls`: the sea's, no place
    proper_places: frozenset[str]
    sizes: dict[str, tuple[int, int]]
    size_words: tuple[str, ...]
    settings: dict[str, tuple[str, ...]]  # a generation setting's key: what an instruction calls it
    modals: frozenset[str]  # `can she wear ...`: asked of the subject
    unseen_close: frozenset[str]  # what a close-up leaves out of the frame (`tail`, `shoes`)
    corrections: frozenset[str]  # `actually no`: the clause before is taken back
    reports: tuple[str, ...]  # `keeps coming out desaturated`: how the pictures come out, no ask
    traces: dict[str, tuple[str, ...]]  # what a weather leaves behind (`wet pavement`), by the weather
    qualities: tuple[str, ...]
    wrappers: tuple[str, ...]
    chips: dict[str, dict]
    spellings: dict[str, str]
    gerunds: dict[str, str]
    becomes: dict[str, str]  # `empty the tavern`: the verb -> what its object becomes
    adjective_verbs: dict[str, str]  # `clear night`: the verb -> the value it names as an adjective
    particles: frozenset[str]  # `calm the sea down`: part of the verb, after its object
    adverbs: frozenset[str]  # a clause of one of them says nothing on its own (`Outside.`)
    extent: tuple[str, ...]  # `snow everywhere`: how much, not what
    quantities: frozenset[str]  # `lots of bubbles`: how many, not what
    ordinals: dict[str, int]  # `the 2nd lora`: which, by place (-1: the last)
    one_more: tuple[str, ...]  # `another girl`, `a second fox`: one more of it
    about: tuple[str, ...]  # `a seagull or two`: how many, loosely
    rough: tuple[str, ...]  # `like hundreds of commuters`: a count said roughly
    groups: dict[str, int]  # `a pair of deer`: how many a group says
    styles: tuple[str, ...]  # named art styles and artists: `make it look like a ghibli background`
    style_media: dict[str, str]  # a style's medium: `pixar` is a render
    single: frozenset[str]  # `only one moon`: one of it
    alone: frozenset[str]  # `a lone tree`: one of it, said of it
    collective: tuple[str, ...]  # `a group of 4 maids`: four maids
    pairs: frozenset[str]  # `couple`: two people together
    people_only: frozenset[str]  # `twin sisters`: a number said only of people
    plurals: dict[str, str]  # the plurals no ending makes (`wolf` -> wolves)
    agreement: dict[str, str]  # a verb said of one -> said of several (`is` -> are)
    questions: frozenset[str]  # `why is there no snow`: a question, no edit
    subordinators: frozenset[str]  # what opens a clause inside a clause (`... while steam rises`)
    clause_openers: tuple[str, ...]  # what joins a clause to the one before (`, and a cup steams`)
    joined_by_and: tuple[str, ...]  # `black and white`: one thing, never two
    run_on: dict[str, tuple[str, ...]]  # `... off make it evening`: where one ask ends, where the next opens
    clause_verbs: frozenset[str]  # what a clause's subject does (`a trail of smoke rises`): where the subject ends
    synonyms: dict[str, tuple[str, ...]]
    intensity: dict[str, tuple[str, ...]]
    gendered: dict[str, dict]  # female/male: pronoun swaps and the words that say it

    @cached_property
    def number_words(self) -> dict[int, str]:
        """How a count is said in words (`2`: two), the first word the lexicon has for it (`two`, not `twin`)."""
        return {n: w for w, n in reversed({"one": 1, **self.numbers}.items())}

    @cached_property
    def attributes(self) -> frozenset[str]:
        """What a thing has or wears, and the things that change like it (`her hair`, `the car`)."""
        return self.heads["attribute"] | self.heads["things"]

    @cached_property
    def verb_phrases(self) -> tuple[str, ...]:
        """Every verb phrase of every operation: what may open a clause."""
        return tuple(v for said in self.verbs.values() for v in said)

    def colour_of(self, words: list[str]) -> str | None:
        """`red`, `dark purple`, `platinum blonde`, `white and orange`: a colour, with its shade, or two; None: the
        words are not one."""
        if not words or words[-1] not in self.colours:
            return None
        shaded = len(words) == 2 and (words[0] in self.shades or words[0] in self.colours)  # `platinum blonde`
        two = len(words) == 3 and words[1] == "and" and words[0] in self.colours
        return " ".join(words) if len(words) == 1 or shaded or two else None

    def plural(self, noun: str) -> str:
        """`fox` -> foxes, `puppy` -> puppies, `wolf` -> wolves (the last word of a phrase)."""
        *before, last = noun.split() or [""]
        compound = next((k for k in self.plurals if len(k) >= 3 and len(last) - len(k) >= 3 and last.endswith(k)), "")
        if last in self.plurals:
            last = self.plurals[last]
        elif compound:  # `fisherman` -> fishermen, `werewolf` -> werewolves
            last = last[:-len(compound)] + self.plurals[compound]
        elif last.endswith(("s", "x", "z", "ch", "sh")):
            last += "es"
        elif last.endswith("y") and last[-2:-1] not in ("a", "e", "i", "o", "u"):
            last = last[:-1] + "ies"
        else:
            last += "s"
        return " ".join([*before, last])

    def singular(self, noun: str) -> str:
        """`foxes` -> fox, `puppies` -> puppy, `wolves` -> wolf, `moons` -> moon (the last word of a phrase)."""
        *before, last = noun.split() or [""]
        low = last.lower()
        if (one := next((o for o, several in self.plurals.items() if several == low), None)) is not None:
            last = one
        elif one := next((o for o, several in self.plurals.items() if len(o) >= 3 and len(low) - len(several) >= 3
                          and low.endswith(several) and several != o), None):
            last = last[:-len(self.plurals[one])] + one  # `fishermen` -> fisherman
        elif low.endswith("ies") and len(low) > 4:
            last = last[:-3] + "y"
        elif low.endswith(("ches", "shes", "sses", "xes", "zes")):
            last = last[:-2]
        elif low.endswith("s") and not low.endswith("ss"):
            last = last[:-1]
        return " ".join([*before, last])

    def of_one(self, verb: str) -> str:
        """A verb said of several, said of one: `sit` -> sits, `touch` -> touches, `are` -> is."""
        low = verb.lower()
        if (one := next((o for o, several in self.agreement.items() if several == low), None)) is not None:
            return one
        if low.endswith("s"):
            return verb
        if low.endswith(("ch", "sh", "x")):
            return verb + "es"
        return verb[:-1] + "ies" if low.endswith("y") and low[-2:-1] not in tuple("aeiou") else verb + "s"

    def of_several(self, verb: str) -> str:
        """A verb said of one, said of several: `sits` -> sit, `touches` -> touch, `is` -> are."""
        low = verb.lower()
        if low in self.agreement:
            return self.agreement[low]
        if low.endswith("ies"):
            return verb[:-3] + "y"
        if low.endswith(("ches", "shes", "sses", "xes")):
            return verb[:-2]
        return verb[:-1] if low.endswith("s") and not low.endswith("ss") else verb

    def op_of(self, phrase: str) -> list[str]:
        """The operations a verb phrase can ask for (`put`: add or relocate)."""
        return [op for op, said in self.verbs.items() if phrase in said]

    def chip_of(self, phrase: str) -> str | None:
        """The chip a phrase names (`moodier` -> darker), or None."""
        return next((name for name, chip in self.chips.items() if phrase in chip["words"]), None)

    def gender_of(self, phrase: str) -> str:
        """`female`, `male` or '' for the person a phrase names (`a female astronaut`, `an old man`)."""
        said = set(words_of(phrase))
        for kind in ("female", "male"):
            names = {*self.people[kind], *self.people[f"{kind}_kin"], *self.gendered[f"{kind}_words"]}
            if said & {form for n in names for form in (n, n + "s", n.replace("man", "men"))}:
                return kind
        return ""

    def is_leading(self, tag: str) -> bool:
        """A booru tag that opens a Pony or Danbooru prompt (score, source, rating, counts)."""
        low = tag.strip().lower()
        return low in self.leading_tags or low.startswith(self.leading_prefixes)

    def slot_of_object(self, phrase: str) -> str | None:
        """What an object phrase stands for (`the camera` -> framing, `her` -> subject), or None."""
        return next((slot for slot, said in self.objects.items() if phrase in said), None)

    def opposites_of(self, word: str) -> frozenset[str]:
        """What gives way when `word` is said of a thing: its antonyms, or its last part's (`30-year-old`: old)."""
        return self.antonyms.get(word) or self.antonyms.get(word.split("-", 1)[-1], frozenset())

    @cached_property
    def plural_verbs(self) -> frozenset[str]:
        """The clause verbs as a plural subject says them (`covers`: `autumn leaves cover the path`)."""
        return frozenset(base_verb(verb) for verb in self.clause_verbs if verb.endswith("s"))

    @property
    def gerund_heads(self) -> frozenset[str]:
        """The first words of the poses and actions as a prompt says them (`sitting`, `looking`)."""
        return frozenset(said.split()[0] for said in self.gerunds.values())

    @property
    def function(self) -> frozenset[str]:
        """Articles, one-word prepositions and the function words: what names nothing."""
        return self.articles | {p for p in self.prepositions if " " not in p} | self.function_words

    @property
    def network_words(self) -> frozenset[str]:
        return frozenset(self.objects["network"])


def _antonyms(pairs: list[list[str]], comparatives: dict[str, tuple[str, str]]
              ) -> tuple[dict[str, frozenset[str]], dict[str, str]]:
    """Each word's opposites (the pairs, and each comparative's plain form and its opposite), and the first of
    them in that order."""
    antonyms: dict[str, set[str]] = {}
    first: dict[str, str] = {}
    for a, b in [*pairs, *((base, opposite) for base, opposite in comparatives.values() if base and opposite)]:
        antonyms.setdefault(a, set()).add(b)
        antonyms.setdefault(b, set()).add(a)
        first.setdefault(a, b)
        first.setdefault(b, a)
    return {k: frozenset(v) for k, v in antonyms.items()}, first


@cache
def english_words() -> frozenset[str]:
    """Lower-case words of three letters or more that CLIP's vocabulary holds whole (`dragon`, `shipwreck`; not
    `xyzzy`): what a person may name is a word of these."""
    return frozenset(gzip.decompress(WORDS.read_bytes()).decode("utf-8").split())


_STRETCHED = re.compile(r"\b[a-z]*([a-z])\1\1[a-z]*\b", re.I)


def unstretched(text: str) -> str:
    """`wayyy` -> way, `sooo` -> so, `cooool` -> cool: a letter typed over and over, said once or twice, whichever
    makes a word of the lexicon, else of English; a word that neither makes stays as typed (`zzz`)."""
    def once(found: re.Match) -> str:
        word = found.group()
        said = [re.sub(r"([a-z])\1{2,}", r"\1" * times, word, flags=re.I) for times in (1, 2)]
        return next((s for known in (lexicon_words(), english_words()) for s in said if s.lower() in known), word)
    return _STRETCHED.sub(once, text)


@cache
def lexicon_words() -> frozenset[str]:
    """Every word of the lexicon's lists and tables (its verbs, objects, values, chat): what a typo is most
    likely of."""
    def strings(node: object) -> list[str]:
        if isinstance(node, dict):
            return [s for key, value in node.items() if key != "note" for s in [key, *strings(value)]]
        return [s for value in node for s in strings(value)] if isinstance(node, list) else [str(node)]
    return frozenset(words_of(" ".join(strings(json.loads(DATA.read_text(encoding="utf-8"))))))


def one_typo(word: str) -> set[str]:
    """The words one slip of the keys away: two letters swapped (`hiar`, `nigth`, `chnage`), or, in a longer word,
    one dropped or doubled (`backgrond`, `remmove`). A letter changed is no typo we mend (`lute` is no `late`)."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    cuts = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    swapped = {a + b[1] + b[0] + b[2:] for a, b in cuts if len(b) > 1}
    if len(word) < 6:
        return swapped
    return swapped | {a + b[1:] for a, b in cuts if b} | {a + c + b for a, b in cuts for c in letters}


def _counting(raw: dict) -> dict:
    """The lexicon's words for how many (`another`, `a couple of`, `a lone`), each key a field (`more`: one_more),
    as the field's type says (a set, or the words in their order)."""
    types = {f.name: str(f.type) for f in fields(Lexicon)}
    named = {k: "one_more" if k == "more" else k for k in raw if k != "note"}
    return {name: dict(raw[k]) if isinstance(raw[k], dict) else frozenset(raw[k]) if types[name].startswith(
        "frozenset") else tuple(raw[k]) for k, name in named.items()}


@cache
def lexicon() -> Lexicon:
    raw = json.loads(DATA.read_text(encoding="utf-8"))
    comparatives = {k: (v[0], v[1]) for k, v in raw["comparatives"].items() if k != "note"}
    people, chat = raw["people"], raw["chat"]
    antonyms, opposite = _antonyms(raw["antonyms"]["pairs"], comparatives)
    return Lexicon(
        verbs=_table(raw["verbs"]), objects=_table(raw["objects"]), copulas=_list(raw, "copulas"),
        having=_list(raw, "having"), looks=frozenset(raw["looks"]), connectors=_table(raw["connectors"]),
        comparatives=comparatives, antonyms=antonyms, opposite=opposite, asking=tuple(chat["asking"]),
        softeners=tuple(chat["softeners"]), chat=frozenset(chat["words"]), hedges=tuple(chat["hedges"]),
        interjections=frozenset(chat["interjections"]), question_tags=tuple(chat["question_tags"]),
        praise=frozenset(chat["praise"]), versions=tuple(chat["versions"]),
        placeholders=frozenset(chat["placeholders"]), chat_description=tuple(chat["description"]),
        vague=tuple(chat["vague"]), trailers=frozenset(chat["trailers"]), negations=_table(raw["negations"]),
        determiners=frozenset(raw["determiners"]), possessives=frozenset(raw["possessives"]),
        place_prepositions=frozenset(raw["place_prepositions"]), unwrap=_list(raw, "unwrap"),
        trailing={w: k for k, said in raw["trailing"].items() if k not in ("note", "going") for w in said},
        going=tuple(raw["trailing"]["going"]), reasons=tuple(chat["reasons"]), degree=frozenset(raw["degree"]),
        prepositions=_list(raw, "prepositions"), dropped_prepositions=frozenset(raw["dropped_prepositions"]),
        phrase_breaks=_list(raw, "phrase_breaks"), participles=frozenset(raw["participles"]["words"]),
        count_tag_words={k: v for k, v in raw["count_tag_words"].items() if k != "note"},
        function_words=frozenset(raw["function_words"]), temporal=frozenset(raw["temporal"]["words"]),
        loosely_when=frozenset(raw["temporal"]["loose"]), day_parts=frozenset(raw["temporal"]["day_parts"]),
        pronouns=frozenset(raw["pronouns"]), english=frozenset(raw["english"]), foreign=frozenset(raw["foreign"]),
        ing_nouns=frozenset(raw["ing_nouns"]), request=_list(raw, "request"), colours=_list(raw, "colours"),
        shades=_list(raw, "shades"), chips={k: v for k, v in raw["chips"].items() if k != "note"},
        materials={**{w: w for w in raw["materials"]["words"]}, **raw["materials"]["forms"]},
        made_of=tuple(raw["materials"]["made_of"]), articles=frozenset(raw["articles"]),
        people={k: tuple(v) for k, v in people.items() if k not in ("note", "numbers")},
        numbers=dict(people["numbers"]), heads={k: frozenset(v) for k, v in raw["heads"].items() if k != "note"},
        composition=_list(raw, "composition"), quality_tags=tuple(raw["quality"]["tags"]),
        quality_words=frozenset(raw["quality"]["words"]), leading_prefixes=tuple(raw["leading_tags"]["prefixes"]),
        leading_tags=frozenset(raw["leading_tags"]["tags"]), text_words=_list(raw, "text_words"),
        one_of_prefixes=tuple(raw["leading_tags"]["one_of"]["prefixes"]), saying=frozenset(raw["saying"]),
        span_words={k: frozenset(v) for k, v in raw["span_words"].items() if k != "note"}, stop=frozenset(raw["stop"]),
        places_on=frozenset(raw["places_on"]),
        places_alone={k: v for k, v in raw["places_alone"].items() if k != "note"},
        setting_signs=frozenset(raw["setting_signs"]["words"]), proper_places=frozenset(raw["proper_places"]),
        quantities=frozenset(raw["quantities"]["words"]),
        sizes={k: (v[0], v[1]) for k, v in raw["sizes"].items() if k != "note"}, size_words=_list(raw, "size_words"),
        unseen_close=frozenset(raw["unseen_close"]["words"]), place_things=_table(raw["place_things"]),
        role_gear=_table(raw["role_gear"]), corrections=frozenset(raw["corrections"]["words"]),
        reports=tuple(raw["reports"]["words"]), settings=_table(raw["settings"]), traces=_table(raw["traces"]),
        modals=frozenset(raw["modals"]["words"]), qualities=_list(raw, "qualities"), wrappers=_list(raw, "wrappers"),
        spellings={k: v for k, v in raw["spellings"].items() if k != "note"},
        gerunds={k: v for k, v in raw["gerunds"].items() if k != "note"},
        becomes={k: v for k, v in raw["becomes"].items() if k not in ("note", "particles", "adjectives")},
        adjective_verbs=raw["becomes"]["adjectives"], particles=frozenset(raw["becomes"]["particles"]),
        adverbs=frozenset(raw["adverbs"]), extent=tuple(raw["extent"]["words"]),
        ordinals=dict(raw["ordinals"]["words"]), styles=tuple(raw["styles"]["names"]),
        style_media=raw["styles"]["media"], hair=_table(raw["hair"]), clause_openers=tuple(raw["clause_openers"]),
        holding=_list(raw["tag_forms"], "holding"), run_on=_table(raw["run_on"]),
        tag_forms={k: _table(v) for k, v in raw["tag_forms"].items() if isinstance(v, dict)},
        subordinators=frozenset(raw["subordinators"]), choosing=_list(raw["choosing"], "words"),
        questions=frozenset(raw["questions"]), clause_verbs=frozenset(raw["clause_verbs"]),
        joined_by_and=_list(raw, "joined_by_and"), synonyms=_table(raw["synonyms"]), intensity=_table(raw["intensity"]),
        gendered={k: v for k, v in raw["pronouns_by_gender"].items() if k != "note"}, **_counting(raw["counting"]))


def alternation(phrases: tuple[str, ...] | list[str] | frozenset[str]) -> str:
    """A regex alternation of whole phrases, longest first (for building patterns from lexicon data)."""
    return "|".join(re.escape(p) for p in sorted(set(phrases), key=len, reverse=True))


def longest_at(words: list[str], index: int, phrases: tuple[str, ...] | frozenset[str] | list[str]) -> int:
    """How many words from `index` the longest of `phrases` covers (0: none starts there)."""
    best = 0
    for phrase in phrases:
        size = len(phrase.split())
        if size > best and words[index:index + size] == phrase.split():
            best = size
    return best
