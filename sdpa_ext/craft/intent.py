"""What an instruction asks, read as people type it ("can u make it night time", "she should be smiling",
"its too saturated", "get rid of the people", "put her on a beach", "zoom out a bit", "16:9 pls"): an
`Edit` of typed operations (set a value, add, remove, replace, recolour, move the setting, weight, size),
plus the clauses no rule could read. The configured model answers typed instructions; this reading tells the
checks what the instruction took away and what it asked for, and lets the embedded model's refines and our
chips work without a large model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .checks import COMPARATIVES, base_forms
from .describe import words_of
from .structure import ATTRIBUTE_HEADS, COLOURS
from .syntax import NETWORK_WORDS
from .vocab import Value, facets, find_value, opposite, vocab

CHIP_WORDS = {
    "darker": "darker", "dark": "darker", "moodier": "darker", "brighter": "brighter", "bright": "brighter",
    "lighter": "brighter", "more detail": "more detail", "more details": "more detail", "detailed": "more detail",
    "more detailed": "more detail", "simpler": "simpler", "simple": "simpler", "minimal": "simpler",
    "minimalist": "simpler", "less detail": "simpler", "less detailed": "simpler", "cinematic": "cinematic",
    "more cinematic": "cinematic", "photo": "photo", "a photo": "photo", "photograph": "photo",
    "a photograph": "photo", "photographic": "photo", "photorealistic": "photo", "realistic": "photo",
    "more realistic": "photo", "anime": "anime", "anime style": "anime", "manga": "anime", "square": "square",
}
PEOPLE = {"people", "person", "persons", "humans", "human", "crowd", "everyone", "pedestrians", "figures",
          "bystanders", "passersby", "tourists", "man", "men", "woman", "women", "kids", "children", "guy", "guys"}
_POLITE = re.compile(r"^(?:(?:please|pls|plz|pl[sz]e|can you|can u|could you|could u|would you|will you|can we|"
                     r"could we|can i|could i|now|just|also|"
                     r"maybe|perhaps|ok|okay|hmm+|hey|actually|then|so|and|but|i think|i'?d like|i would like|"
                     r"i want|i wanna|i need|we need|let'?s|try to|try|go|lets|id like|how about|what about|"
                     r"i'?d prefer|i prefer|i'?d rather|rather)\s+)+", re.I)
_SOFTENERS = re.compile(r"\b(?:a bit|a little|a little bit|slightly|a tad|way|much|kinda|kind of|sort of|super|"
                        r"really|very|somewhat|a lot|lots|abit|alot|even|bit)\s+", re.I)
_TAIL = re.compile(r"\s+(?:please|pls|plz|thanks|thx|if possible|too|as well|though|for me|pls thx|instead|tbh|"
                   r"maybe|ok|lol)$", re.I)
_RATIO = re.compile(r"^(\d+)\s*(?::|x|by|/)\s*(\d+)$")
_SIZES = {"phone wallpaper": (9, 16), "phone": (9, 16), "mobile wallpaper": (9, 16), "mobile": (9, 16),
          "desktop wallpaper": (16, 9), "desktop": (16, 9), "instagram": (4, 5), "banner": (16, 9)}
_SUBJECT = r"(?:her|him|them|it|this|he|she|they|the (?:image|picture|scene|prompt|whole thing|shot|photo))"
_PERSON = r"(?:her|him|them|he|she|they)"
_MAX_WORDS = 6
# Groups whose values are qualities of the whole picture: `more X` sets them (`more vibrant`), where for things
# (snow, rain, forest) `more X` weights the term.
QUALITIES = ("mood", "color", "brightness", "detail", "framing", "medium", "expression")


@dataclass
class Edit:
    """What an instruction asks, as typed operations on the structured prompt."""

    add: list[str] = field(default_factory=list)  # tags
    sentences: list[str] = field(default_factory=list)  # the same additions as prose (Flux/SD3)
    remove: list[str] = field(default_factory=list)
    negative: list[str] = field(default_factory=list)
    replace: list[tuple[str, str]] = field(default_factory=list)  # old '' = the prompt's subject
    set: list[Value] = field(default_factory=list)  # conflict-group values: what contradicts them goes
    weight: list[tuple[str, float]] = field(default_factory=list)
    recolour: list[tuple[str, str]] = field(default_factory=list)  # (noun, colour)
    relocate: list[str] = field(default_factory=list)  # a new setting: the old one goes
    size: tuple[int, int] | None = None

    def merge(self, other: Edit) -> Edit:
        """This edit and then `other` (whose size, if any, wins)."""
        for name in ("add", "sentences", "remove", "negative", "replace", "set", "weight", "recolour", "relocate"):
            getattr(self, name).extend(getattr(other, name))
        self.size = other.size or self.size
        return self

    def empty(self) -> bool:
        return self == Edit()

    def taken(self) -> list[str]:
        """What the edit takes away: removals, replaced phrases, negations."""
        return [*self.remove, *self.negative, *(old for old, _ in self.replace if old)]

    def asked(self) -> list[str]:
        """What the edit asks for: additions, new phrases, colours, settings."""
        return [*self.add, *(new for _, new in self.replace), *(f"{c} {n}" for n, c in self.recolour),
                *self.relocate]


def _chip(edit: Edit, name: str) -> None:
    chip = vocab().chips[name]
    if "size" in chip:
        edit.size = tuple(chip["size"])
        return
    edit.add += chip["add"]
    edit.sentences.append(chip["sentence"])
    for group, value in chip.get("set", {}).items():
        edit.set.append(vocab().groups[group][value])


def chip_edit(name: str) -> Edit:
    """One of our chips (darker, brighter, more detail, simpler, cinematic, photo, anime, square)."""
    if name not in vocab().chips:
        raise KeyError(name)
    edit = Edit()
    _chip(edit, name)
    return edit


def _sentence(x: str) -> str:
    return f"{x[:1].upper()}{x[1:]}."


def _set(edit: Edit, value: Value, said: str = "") -> None:
    """Set a group value; its tags are what is added, or the user's own words (`said`) where they say more."""
    if value.group in ("brightness", "detail"):  # the chips say these better
        chips = {"dark": "darker", "bright": "brighter", "detailed": "more detail", "simple": "simpler"}
        _chip(edit, chips[value.name])
        return
    edit.set.append(value)
    plain = re.sub(r"^(?:a|an|the|some)\s+", "", said.strip())
    if plain or not value.tags:
        edit.add.append(plain or value.name)
        edit.sentences.append(_sentence(plain or value.name))
        return
    edit.add += list(value.tags)
    edit.sentences.append(value.sentence or _sentence(", ".join(value.tags)))


def _size(x: str) -> tuple[int, int] | None:
    x = re.sub(r"\s+(?:format|aspect(?: ratio)?|orientation|ratio|mode|layout|size|crop|wallpaper)$", "", x.strip())
    x = re.sub(r"^(?:in\s+|to\s+)?(?:an?\s+|the\s+)?", "", x)
    ratio = _RATIO.match(x)
    if ratio and int(ratio.group(1)) and int(ratio.group(2)):
        return int(ratio.group(1)), int(ratio.group(2))
    return vocab().sizes.get(x) or _SIZES.get(x)


def _values(x: str) -> list[Value]:
    """Every group value a phrase names (`a stormy night`: storm and night)."""
    return [vocab().groups[g][name] for g, names in facets(x, entries=False).items() for name in sorted(names)]


def _make(edit: Edit, x: str, *, loose: bool) -> bool:
    """`make it X`: a chip, a size, group values, a setting, or (loose) the user's own words."""
    x = re.sub(r"^(?:(?:look|feel|seem|be|more|appear)\s+)*(?:like\s+)?(?:(?:it was|it's|its)\s+)?"
               r"(?:(?:at|in|on|during|under|into|to|as)\s+)?(?:(?:a|an|the)\s+)?", "", x).strip()
    x = re.sub(r"\s+(?:style|vibes?|feel|look|aesthetic|version|instead|type)$", "", x).strip()
    if not x:
        return False
    if x in CHIP_WORDS:
        _chip(edit, CHIP_WORDS[x])
        return True
    if _size(x):
        edit.size = _size(x)
        return True
    values = _values(x)
    if values and all(v.group in ("place", "setting") for v in values):
        edit.relocate.append(x)
        edit.sentences.append(_sentence(f"in {x}"))
        return True
    if values:
        covered = set(words_of(" ".join(w for v in values for w in v.words)))
        extra = [w for w in words_of(x) if w not in covered and w not in ("a", "an", "the", "and")]
        own = x if extra or len(values) > 1 or (values[0].group == "medium" and x != values[0].name) else ""
        for index, value in enumerate(values):
            if own and index:
                edit.set.append(value)  # the user's words (added once, with the first) say it
            else:
                _set(edit, value, own)
        return True
    plain = _plainer(x)
    value = find_value(plain) if plain != x else None
    if value:
        _set(edit, value)
        return True
    if loose and 0 < len(x.split()) <= 4:
        edit.add.append(x)
        edit.sentences.append(_sentence(x))
        return True
    return False


def _plainer(x: str) -> str:
    """`cozier feeling` -> `cozy`, `more hopeful look` -> `hopeful`: a value word under its wrapping."""
    x = re.sub(r"\s+(?:feeling|feel|look|vibe|mood|atmosphere|touch|style|tone|tones)$", "", x.strip())
    forms = base_forms(x, COMPARATIVES) if " " not in x else []
    return forms[0] if forms else x


def normal(text: str) -> str:
    """An instruction as our readers take it: lower case, no politeness or softeners, common shapes spelled
    one way (`its too saturated` -> `less saturated`, `she should be smiling` -> `make her smiling`)."""
    text = " " + text.lower().strip().strip(" .!?") + " "
    text = re.sub(r"\b(?:dont|don't|do not)\b", "don't", text)
    text = re.sub(r"\bu\b", "you", text)
    text = re.sub(r"\b(?:night time|nighttime|night-time)\b", "night", text)
    text = _SOFTENERS.sub("", text).strip()
    for _ in range(3):
        text = _TAIL.sub("", _POLITE.sub("", text)).strip()
    rules = [
        (r"^(?:it'?s|its|it is|this is|that'?s|thats|the image is|everything is)\s+(?:too|so|overly)\s+(.+)$",
         r"less \1"),
        (r"^(?:the\s+)?colou?rs?\s+(?:is|are)\s+(?:too|so|overly)(?:\s+(?:strong|intense|loud|bright|saturated))?$",
         "less saturated"),
        (r"^de-?saturate(?:\s+(?:it|this|the colou?rs?))?$", "less saturated"),
        (r"^(?:the\s+)?(.+?)\s+(?:is|are)\s+(?:too|so|overly)\s+(?:strong|much|heavy|intense|prominent|big|loud)$",
         r"less \1"),
        (r"^(?:dial|tone|turn|bring)\s+(?:it|that|this|them)\s+(?:back|down)$", ""),  # what an earlier clause named
        (rf"^{_PERSON}\s+((?:in|on|at|inside|into|under|by)\s+.+)$", r"put her \1"),
        (r"^not\s+(?:in|on|at)\s+(.+)$", r"remove \1"),
        (r"^not\s+(?:the|an?)\s+(.+)$", r"remove \1"),
        (r"^too\s+(.+)$", r"less \1"),
        (r"^not (?:so|that|as)\s+(.+)$", r"less \1"),
        (r"^(?:it|this)\s+(?:needs|could use|should have|wants)\s+(more|less)\s+(.+)$", r"\1 \2"),
        (r"^(?:it|this)\s+(?:needs|could use|should have|wants)\s+(?:an?\s+|some\s+)?(.+)$", r"add \1"),
        (rf"^{_PERSON}\s+(?:should|could|must|needs to|has to)\s+(?:be\s+|look\s+)?(.+)$", r"make her \1"),
        (r"^(?:it|this|the (?:image|picture|scene))\s+(?:should|could|must)\s+(?:be\s+|look\s+|feel\s+)?(.+)$",
         r"make it \1"),
        (r"^(?:it|this)\s+(?:to be|to look|to feel|looking|to)\s+(.+)$", r"make it \1"),
        (r"^(?:it|this)\s+((?:at|in|during|on|under|as)\s+.+)$", r"make it \1"),
        (r"^(?:to\s+)?see\s+(?:the\s+)?whole\s+(.+)$", "zoom out"),
        (r"^(?:no|don't want|don't need|don't show|don't include)\s+(?:any\s+|the\s+)?(.+)$", r"no \1"),
        (r"^(?:lose|ditch|nix|scrap|kill|cut|get rid of)\s+(?:any\s+|the\s+|that\s+|those\s+)?(.+)$", r"remove \1"),
        (r"^(?:i\s+)?don't\s+(?:want|need|like)\s+(?:any\s+|the\s+)?(.+)$", r"no \1"),
        (r"^(?:it|this)\s+(?!to\b|is\b|was\b|needs\b|should\b)(\w+(?:\s+\w+)?)$", r"make it \1"),  # `(i want) it sunny`
    ]
    for pattern, repl in rules:
        text = re.sub(pattern, repl, text)
    return text.strip()


_FRAMING = [
    (re.compile(r"^(?:zoom(?:ed)? out|pull back|pull out|wider|wider shot|go wider|show more|more of the (?:scene|"
                r"background|surroundings)|from further away|further away|farther away|from a distance|"
                r"show (?:the )?(?:whole|full|entire) (?:body|scene|thing|figure)|full body|wide shot|wide angle)"
                r"(?:\s+.*)?$"), "wide"),
    (re.compile(r"^(?:zoom(?:ed)? in|closer|get closer|move closer|tighter|tighter crop|close up|close-up|closeup|"
                r"crop in|crop closer)(?:\s+.*)?$"), "close"),
]
_PATTERNS = [
    ("replace", re.compile(r"^(?:change|turn|switch|transform|swap|make)\s+(?:the\s+|her\s+|his\s+|their\s+)?"
                           r"(?P<a>.+?)\s+(?:to|into|for)\s+(?:an?\s+|the\s+|some\s+)?(?P<b>.+)$")),
    ("replace", re.compile(r"^replace\s+(?:the\s+)?(?P<a>.+?)\s+(?:with|by)\s+(?:an?\s+|the\s+|some\s+)?(?P<b>.+)$")),
    ("replace", re.compile(r"^(?:an?\s+|the\s+|some\s+)?(?P<b>.+?)\s+instead of\s+(?:an?\s+|the\s+)?(?P<a>.+)$")),
    ("replace", re.compile(r"^make\s+(?:the\s+)?(?P<a>(?!it\b|this\b|her\b|him\b|them\b)\w+)\s+(?:an?\s+)(?P<b>.+)$")),
    ("relocate", re.compile(rf"^(?:put|place|move|set|take|bring|send|transport)\s+{_SUBJECT}\s+"
                            r"(?:on|in|at|into|inside|onto|to|by|near|under)\s+(?:an?\s+|the\s+|some\s+)?(?P<x>.+)$")),
    ("relocate", re.compile(r"^(?:move|set)\s+(?:the scene\s+|it all\s+)?(?:to|into|in)\s+(?:an?\s+|the\s+)?"
                            r"(?P<x>.+)$")),
    ("recolour", re.compile(r"^(?:make|change|turn|dye|color|colour|paint)\s+(?:her|his|their|the|its)\s+"
                            r"(?P<n>\w+)\s+(?:to\s+|into\s+)?(?P<c>\w+)$")),
    ("recolour", re.compile(r"^(?:give\s+(?:her|him|them|it)\s+)?(?P<c>\w+)\s+(?P<n>hair|eyes|dress|shirt|jacket|coat|"
                            r"hat|armor|armour|skin|gown|robe|scarf|car|door)$")),
    ("more", re.compile(r"^(?:make|turn) (?:it|this|the (?:image|picture|scene|prompt)) more\s+(?P<x>.+)$")),
    ("less", re.compile(r"^(?:make|turn) (?:it|this|the (?:image|picture|scene|prompt)) less\s+(?P<x>.+)$")),
    ("make", re.compile(rf"^(?:make|let|have) {_PERSON} (?P<x>.+)$")),
    ("make", re.compile(r"^(?:make|turn|set|render|change|do|redo|convert) "
                        r"(?:it|this|the (?:image|picture|scene|prompt|whole thing))\s+"
                        r"(?:into\s+|to\s+|at\s+|in\s+|as\s+|look\s+)?(?P<x>.+)$")),
    ("make", re.compile(r"^(?:more\s+)?(?:like|as)\s+(?:an?\s+|the\s+)?(?P<x>.+)$")),
    ("make", re.compile(r"^(?:in the style of|style of|in a|in an)\s+(?P<x>.+)$")),
    ("size", re.compile(r"^(?:make it\s+|set it to\s+|change it to\s+|in\s+|to\s+)?(?:an?\s+)?"
                        r"(?P<x>[\w:/ ]+?)\s+(?:format|aspect(?: ratio)?|orientation|ratio|mode|layout|size|crop|"
                        r"wallpaper)$")),
    ("more", re.compile(r"^(?:more emphasis on|emphasis on|focus more on|focus on|more|increase|boost|emphasi[sz]e|"
                        r"stronger|strengthen|enhance|intensify|amp up|crank up|pump up|turn up|bump up|up|bigger|"
                        r"raise)\s+"
                        r"(?:the\s+|her\s+|his\s+)?(?P<x>.+)$")),
    ("more", re.compile(r"^(?:make\s+|turn\s+)?(?:the\s+|her\s+|his\s+)?(?P<x>.+?)\s+"
                        r"(?:stronger|more|up|bigger|higher|more prominent)$")),
    ("less", re.compile(r"^(?:less emphasis on|less|fewer|reduce|decrease|tone down|weaker|weaken|lower|soften|"
                        r"turn down|dial down|dial back|lessen|down|smaller|minimi[sz]e)\s+(?:the\s+|her\s+|his\s+)?"
                        r"(?P<x>.+)$")),
    ("less", re.compile(r"^(?:make\s+|turn\s+)?(?:the\s+|her\s+|his\s+)?(?P<x>.+?)\s+"
                        r"(?:weaker|less|down|lower|smaller|less prominent)$")),
    ("add", re.compile(r"^(?:add|include|put in|insert|throw in|give it|give her|give him|give them|with|plus|"
                       r"i want|put)\s+(?:an?\s+|the\s+|some\s+|more\s+)?(?P<x>.+)$")),
    ("no", re.compile(r"^(?:no more|no|without|minus|none of the)\s+(?:the\s+|any\s+)?(?P<x>.+)$")),
    ("remove", re.compile(r"^(?:remove|delete|drop|get rid of|take out|take away|erase|lose|clear|eliminate|"
                          r"strip|exclude|hide)\s+(?:the\s+|any\s+|all\s+|all the\s+|that\s+)?(?P<x>.+)$")),
    ("make", re.compile(r"^(?:at|in|during|under|on)\s+(?:the\s+|a\s+|an\s+)?(?P<x>.+)$")),
]
_IT = ("it", "this", "the image", "the scene", "the picture", "the whole thing", "everything")
_PRONOUNS = frozenset({"it", "this", "that", "them", "these", "those", "him", "her", "one", "that one"})


def _replace(edit: Edit, a: str, b: str) -> bool:
    a = re.sub(r"^(?:the|a|an|her|his|their)\s+", "", a.strip())
    b = re.sub(r"\s+instead$", "", b.strip())
    if a in _IT:
        if re.search(r"\binstead\b", b) or not _make(Edit(), b, loose=False):
            edit.replace.append(("", b))  # `make it a cat instead`: the subject changes
            return len(b.split()) <= _MAX_WORDS
        return _make(edit, b, loose=False)
    if a in ATTRIBUTE_HEADS and b in COLOURS:
        edit.recolour.append((a, b))
        return True
    if _size(b) and a in ("size", "format", "aspect", "aspect ratio", "ratio", "orientation"):
        edit.size = _size(b)
        return True
    edit.replace.append((a, b))
    return len(a.split()) <= _MAX_WORDS and len(b.split()) <= _MAX_WORDS


def _weigh(edit: Edit, kind: str, x: str) -> bool:
    if f"{kind} {x}" in CHIP_WORDS:
        _chip(edit, CHIP_WORDS[f"{kind} {x}"])
        return True
    value = find_value(x) or find_value(_plainer(x))
    if value is not None and len(x.split()) <= 3 and value.group in QUALITIES:
        wanted = value if kind == "more" else opposite(value)
        if wanted is not None:
            _set(edit, wanted)
            return True
    edit.weight.append((x, 0.1 if kind == "more" else -0.2))
    return True


def _matched(edit: Edit, kind: str, match: re.Match[str], text: str, loose: bool) -> bool | None:
    """One pattern's reading of a clause: True read, False not read, None: try the next pattern."""
    if kind == "replace":
        # `she should be X instead of Y` reads as `make her X instead of Y`: the new value is X
        new = re.sub(rf"^(?:make|let|have)\s+(?:{_PERSON}|it)\s+", "", match.group("b"))
        return _replace(edit, match.group("a"), new) or None
    if kind == "recolour":
        noun, colour = match.group("n"), match.group("c")
        if colour in COLOURS and noun not in ("it", "this"):
            edit.recolour.append((noun, colour))
            return True
        return None
    x = re.sub(r"\s+(?:instead|too|again|back)$", "", match.group("x").strip())
    if len(x.split()) > _MAX_WORDS:
        return None
    if kind == "relocate":
        if any(v.group not in ("place", "setting") for v in _values(x)):  # `put him in a storm`: weather
            return _make(edit, x, loose=False) or None
        edit.relocate.append(x)
        edit.sentences.append(_sentence(f"in {x}"))
        return True
    if kind == "make":
        said = match.group("x").strip()
        noun = re.match(r"^(?:an?|some)\s", said) and not _make(Edit(), x, loose=False)
        if (noun or said.endswith(" instead")) and loose:
            edit.replace.append(("", re.sub(r"^(?:an?|some)\s+", "", x)))  # `make it a cat`: a new subject
            return True
        return _make(edit, x, loose=loose) or None
    if kind == "size":
        edit.size = _size(x)
        return edit.size is not None or None
    if kind in ("more", "less"):
        return _weigh(edit, kind, x)
    if kind == "add":
        if not (text.startswith("give it") and _make(edit, x, loose=False)):  # `give it a cozier feeling`
            edit.add.append(x)
            edit.sentences.append(f"With {x}.")
        return True
    if x in _PRONOUNS:  # `ditch the lora, don't need it`: what an earlier clause named
        return True
    edit.remove.append(x)
    if kind == "no" and negatable(x):
        edit.negative.append(x)
    return True


def negatable(thing: str) -> bool:
    """Whether a thing removed or refused also goes to the negative prompt: not a LoRA or other network
    (`no lora`, `remove the lora`: nothing to keep out)."""
    return not set(words_of(thing)) & NETWORK_WORDS


def _part(edit: Edit, part: str) -> bool:
    """Read one clause of an instruction into `edit`; False when no rule reads it."""
    text = normal(part)
    if not text:
        return True
    if text in CHIP_WORDS:
        _chip(edit, CHIP_WORDS[text])
        return True
    for pattern, framing in _FRAMING:
        if pattern.match(text):
            _set(edit, vocab().groups["framing"][framing])
            return True
    if _size(text):
        edit.size = _size(text)
        return True
    for kind, pattern in _PATTERNS:
        match = pattern.match(text)
        loose = pattern.pattern.startswith(("^(?:make|let", "^(?:make|turn"))
        if match and (read := _matched(edit, kind, match, text, loose)) is not None:
            return read
    return len(text.split()) <= 3 and _make(edit, text, loose=False)  # `night`, `rainy`, `charcoal drawing`


_CLAUSES = re.compile(r"\s*(?:,|;|\.\s|\band then\b|\bthen\b|\balso\b|\bplus\b|\bbut\b|"
                      r"\band\b(?!\s+(?:white|blue|gold|black|red)\b))\s*")


def read_parts(instruction: str) -> tuple[Edit, list[str]]:
    """The edit the rules read from an instruction, and the clauses they could not read."""
    edit, rest = Edit(), []
    for part in (p for p in _CLAUSES.split(instruction.strip()) if p and p.strip()):
        mine = Edit()
        if _part(mine, part):
            edit.merge(mine)
        else:
            rest.append(part)
    return edit, rest


def read_edit(instruction: str) -> Edit | None:
    """The edit an instruction asks for, or None when some of it needs a model."""
    edit, rest = read_parts(instruction)
    return None if rest else edit
