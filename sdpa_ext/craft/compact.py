"""The compact answer form, for tiny local models (the embedded 135M-270M GGUFs): the model chooses,
it does not invent.

A plan's subject is the user's own words (craft/describe.py), first and whole. The model only picks,
for each category (lighting, mood, colour, camera, medium, material, detail), one entry of our
vocabulary among a few that suit the description and do not contradict it: the choice is a JSON
schema of enums, which the embedded server turns into a grammar. A free-form refine picks what to add
from the vocabulary and what to remove from the prompt's own terms the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..providers.types import ChatRequest, Message
from .describe import Description, people_in, verb_ing
from .families import Family
from .lexicon import base_forms, lexicon, stem, words_of
from .reading import Edit
from .structure import head_of, read_term
from .vocab import Entry, Facets, Value, clash, entry_facets, facets, fits, merge, phrase_pattern, vocab

CHOICES = 5  # options offered per category
MAX_ADDED = 2  # what one free-form refine adds at most
FIXED = ("composition", "detail")  # the best entry, without asking the model (fewer tokens to write)
PLAN_CATEGORIES = ("lighting", "color", "mood", "camera", "composition", "material", "medium", "detail")
SENTENCE_CATEGORIES = ("lighting", "color", "mood", "camera", "composition", "medium", "detail")
# The order tags take in the prompt: subject, material, lighting, colour, mood, camera, medium, detail.
TAG_ORDER = ("material", "lighting", "color", "mood", "camera", "composition", "medium", "detail")


@dataclass
class Plan:
    """What a compact plan offers the model, and what it falls back on."""

    options: dict[str, list[Entry]]
    fixed: list[Entry]  # categories not worth a model's tokens: their best entry
    spare: dict[str, list[Entry]] = field(default_factory=dict)  # every category's wider candidates, best first

    def take(self, index: int, used: dict[str, set[str]]) -> Plan:
        """The plan of take `index` (from 0): each category's options without what earlier takes picked, topped
        up from its wider candidates (all of them again when none is left), and the fixed categories' candidate
        at that index. The first take is the plan itself (what one take would be)."""
        if index == 0:
            return self
        options = {}
        for name, entries in self.options.items():
            pool = {e.tag: e for e in [*entries, *self.spare.get(name, [])] if e.tag not in used.get(name, set())}
            options[name] = list(pool.values())[:CHOICES] or entries
        fixed = [found[index % len(found)] for name, found in self.spare.items() if name not in self.options]
        return Plan(options, fixed if self.spare else self.fixed, self.spare)

    def schema(self) -> dict:
        return {"type": "object",
                "properties": {name: {"type": "string", "enum": [e.tag for e in entries]}
                               for name, entries in self.options.items()},
                "required": list(self.options)}

    def chosen(self, data: dict | None) -> list[Entry]:
        """The model's picks, each checked against the options (the first option where it strayed)."""
        picks = []
        for name, entries in self.options.items():
            said = str((data or {}).get(name, "")).strip().lower()
            picks.append(next((e for e in entries if e.tag.lower() == said), entries[0]))
        return [*picks, *self.fixed]


def _score(entry: Entry, said: set[str], heads: set[str] | frozenset[str] = frozenset()) -> int:
    """How well an entry suits a description: its keys among the words, twice over among the head nouns
    (a barn owl is an owl: feathers before barn wood)."""
    keys = {w for key in entry.keys for w in (key, key + "s")}
    return 2 * len(keys & said) + 2 * len(keys & heads) + (1 if not entry.keys else 0)


def _ruled_out(context: Facets) -> re.Pattern[str] | None:
    """The words a setting of the context rules out (underwater: no sky; space: no trees), as one pattern."""
    words = {w for said in context.values() for v in said for w in vocab().rules_out.get(v, ())}
    return phrase_pattern(sorted(words)) if words else None


def candidates(category: str, desc_words: set[str], context: Facets, *, limit: int = CHOICES,
               prefer: tuple[str, ...] = (), exclude: set[str] | frozenset[str] = frozenset(),
               heads: set[str] | frozenset[str] = frozenset(), wide: bool = False) -> list[Entry]:
    """The entries of a category that suit the words and contradict nothing, best first. Entries for
    other things (their keys miss the description) come only when nothing else is left, or (`wide`, for
    takes that need more to choose from) after the ones that suit."""
    ruled = _ruled_out(context)
    ranked = []
    for index, entry in enumerate(vocab().categories[category]):
        if clash(entry_facets(entry), context) or entry.tag.lower() in exclude:
            continue
        if ruled and (ruled.search(entry.tag) or ruled.search(entry.prose)):
            continue  # underwater: no sky; space: no trees; indoors: no landscape
        mediums = {value for group, value in entry.facets if group == "medium"}
        if prefer and "medium" not in context and not all(m in prefer or all(fits("medium", m, {p}) for p in prefer)
                                                          for m in mediums):
            continue  # an anime family's picture is no photograph, nor a linocut, unless the description says so
        bonus = 3 if mediums & set(prefer) else 0
        ranked.append((-(_score(entry, desc_words, heads) + bonus), index, entry))
    ranked.sort(key=lambda item: item[:2])
    suited = [entry for score, _, entry in ranked if score < 0]
    others = [entry for score, _, entry in ranked if score >= 0]
    return ([*suited, *others] if wide else suited or others)[:limit]


def plan_options(desc: Description, family: Family, style: dict | None) -> Plan:
    heads = set(desc.heads)
    said = heads | set(words_of(desc.text))
    context = dict(desc.facets)
    exclude = {p.lower() for p in desc.phrases}
    categories = SENTENCE_CATEGORIES if family.sentences else PLAN_CATEGORIES
    options: dict[str, list[Entry]] = {}
    fixed: list[Entry] = []
    spare: dict[str, list[Entry]] = {}
    for category in categories:
        if (category == "medium" and ("medium" in context or style)) or (category == "lighting" and _lit(heads)):
            continue
        found, wider = (candidates(category, said, context, prefer=family.prefer_medium,
                                   exclude=exclude, heads=heads, limit=limit, wide=wide)
                        for limit, wide in ((CHOICES, False), (2 * CHOICES, True)))
        if category in ("material", "lighting"):  # a texture or a light only for what the description has
            found, wider = ([e for e in entries if _score(e, heads) >= 2 or (category == "lighting" and not e.keys)]
                            for entries in (found, wider))
        if found:
            spare[category] = [*found, *(e for e in wider if e not in found)]
        if found and category in FIXED:
            fixed.append(found[0])
        elif found:
            options[category] = found
    return Plan(options, fixed, spare)


def _lit(heads: set[str]) -> bool:
    """The description names its light (`candlelight`, `soft lighting`): no other light is added to it; what a
    light leaves (`reflections`, `shadows`) names none."""
    return bool(heads & (lexicon().heads["light"] - {"reflections", "shadows", "highlights"}))


def choice_request(desc: Description, plan: Plan) -> ChatRequest:
    lines = [f"{name}: " + " | ".join(e.tag for e in entries) for name, entries in plan.options.items()]
    system = ("You choose words for a Stable Diffusion prompt. For the picture described, pick the option "
              "in each list that suits it best. Answer with JSON only.")
    ask = f"Picture: {desc.text}\n" + "\n".join(lines)
    return ChatRequest(messages=[Message("user", ask)], system=system, schema=plan.schema(), schema_name="choice",
                       temperature=0.2, max_tokens=120, seed=42)


def keep_consistent(picks: list[Entry], context: Facets, notes: list[str], negated: tuple[str, ...] = ()) -> list[
        Entry]:
    """Drop a pick that contradicts the description or an earlier pick (the medium is read first), or names what
    the description says is not there (`no clouds`: no `sun rays breaking through clouds`)."""
    kept: list[Entry] = []
    ordered = sorted(picks, key=lambda e: e.category != "medium")
    ruled = {stem(w) for thing in negated for w in words_of(thing) if w not in lexicon().function}
    for entry in ordered:
        if ruled & {stem(w) for w in words_of(entry.tag)}:
            notes.append(f"left out {entry.tag!r}: the description says no {' '.join(negated)}")
            continue
        said = {v for values in context.values() for v in values}
        if out := said & {w for _, v in entry.facets for w in vocab().rules_out.get(v, ())}:  # a cheerful mood in a
            notes.append(f"left out {entry.tag!r}: the description says {', '.join(sorted(out))}")  # storm
            continue
        conflict = clash(entry_facets(entry), context)
        if conflict:
            notes.append(f"left out {entry.tag!r}: its {vocab().labels[conflict[0]]} ({conflict[1]}) "
                         f"contradicts {conflict[2]}")
            continue
        context = merge(context, entry_facets(entry))
        kept.append(entry)
    return kept



def _counted(text: str, kind: str) -> int:
    """How many people of a kind the text names: the largest number said (`5 girls`, `two women`, `twin
    sisters`), else a plural as 2 and each singular as 1."""
    lex = lexicon()
    nouns = {*lex.people[kind], *(lex.people["female_kin"] if kind == "female" else lex.people["male_kin"])}
    irregular = {"women": "woman", "men": "man"}
    words = re.findall(r"[a-z0-9+]+|[^\sa-z0-9+]", text.lower())
    numbered, plain, last = [], 0, -9
    for index, word in enumerate(words):
        forms = (irregular.get(word, word), *((word[:-1], word[:-2]) if word.endswith("s") and not
                                               word.endswith("ss") else ()))
        after = words[index + 1:index + 2]  # `a female knight`: a woman
        noun = next((w for w in forms if w in nouns), None) or (
            word if word == kind and after and lex.singular(after[0]) in lex.people["any"] else None)
        if noun is None:
            continue
        one = index - last <= 3 and all(w.isalnum() and w not in lex.function and not verb_ing(w) for w in words[
            last + 1:index])  # `a catgirl maid`, `a witch girl`, `a fox girl shrine maiden`: one person said twice
        last = index
        if one:
            continue
        plural = word != noun
        said = [w for w in words[max(0, index - 2):index] if w.isdigit() or w in lex.numbers]
        if said:
            numbered.append(int(said[-1]) if said[-1].isdigit() else lex.numbers[said[-1]])
        else:
            plain += 2 if plural else 1
    return max(numbered) if numbered else plain


def count_tags(desc: Description) -> list[str]:
    """Danbooru count tags from the people the description names (Illustrious): `1girl, solo`, `2girls`,
    `1girl, 1boy`, `6+girls`, or `no humans`."""
    said = desc.wanted  # not what it says is absent (`no girls`)
    if re.search(r"(?<![\w+])\d\+?(?:girl|boy)s?(?!\w)", said, re.I):
        return []  # `1girl with long pink hair`: the user's own count tag, kept as typed
    if people_in(" ".join(desc.heads)) == "" and not any(_person_before_head(p) for p in desc.phrases):
        return ["no humans"]  # a person said only of a thing (`a wizard hat`) is no one drawn
    girls, boys = _counted(said, "female"), _counted(said, "male")
    tags = [count_tag(n, word) for n, word in ((girls, "girl"), (boys, "boy")) if n]
    return [*tags, "solo"] if girls + boys == 1 and not _someone_else(said) else tags


def _someone_else(text: str) -> bool:
    """A person of no said gender beside the counted one (`a knight kneeling before a queen`): no `solo`; `a girl
    knight` is one person."""
    lex = lexicon()
    gendered = {w for kind in ("female", "male") for p in lex.people[kind] for w in (p, p + "s")} | {
        "female", "male"}
    anyone = {w for p in lex.people["any"] for w in (p, p + "s")}
    words = re.findall(r"[a-z]+", text.lower())
    return any(w in anyone and not {*words[max(0, i - 1):i], *words[i + 1:i + 2]} & gendered
               for i, w in enumerate(words))


def counted_negated(negated: list[str], family: Family) -> list[str]:
    """What must not be there, in a family of count tags: people as count tags (`no boys`: 1boy, multiple boys)."""
    forms = lexicon().tag_forms["negated"] if family.counts else {}
    return list(dict.fromkeys(t for thing in negated for t in forms.get(thing.lower(), (thing,))))


def _person_before_head(phrase: str) -> bool:
    """`a bunny girl bartender`: a person said just before a head noun that is no thing worn or held (a wizard
    hat is a hat) is a person drawn."""
    words = words_of(phrase)
    head = head_of(phrase)
    at = words.index(head) if head in words else 0
    return at > 0 and bool(people_in(words[at - 1])) and head not in lexicon().attributes


def count_tag(n: int, word: str) -> str:
    """A Danbooru count tag: `1girl`, `2girls`, `6+girls`."""
    return f"{n}{word}" if n == 1 else f"6+{word}s" if n >= 6 else f"{n}{word}s"


def tag_prompt(desc: Description, picks: list[Entry], family: Family, style: dict | None) -> str:
    mediums = [dict(e.facets).get("medium") for e in picks if e.category == "medium"]
    medium = next(iter(desc.facets.get("medium", ())), None) or (mediums[0] if mediums else None)
    booru = family.booru or medium == "anime"  # an anime picture in SD1.5/SDXL: booru tags too
    counted = count_tags(desc) if family.counts or medium == "anime" else []
    head = [*family.prefix, *family.leading(medium, desc.wanted), *counted]
    ordered = sorted(picks, key=lambda e: TAG_ORDER.index(e.category) if e.category in TAG_ORDER else 99)
    extra = [e.tag for e in ordered]
    styled = list(style["tags"]) if style else []
    quality = [q for q in family.quality if not clash(facets(q), desc.facets)]  # a minimalist logo: not detailed
    phrases = [t for p in desc.phrases for t in _booru_hair(p)] if booru else desc.phrases
    items = [*head, *phrases, *said_as_tags(desc, booru), *extra, *styled, *quality]
    return ", ".join(dict.fromkeys(items))


def unsaid_facets(desc: Description) -> list[Value]:
    """The weather and season a description says only by an adjective (`foggy`, `snowy cabin`, `rainy day`): those
    whose first tag (`fog`, `snow`, `rain`) it does not say."""
    said = set(words_of(" ".join(desc.phrases)))
    values = [vocab().groups[g][v] for g in ("weather", "season") for v in sorted(desc.facets.get(g, ()))]
    ruled = _ruled_out(desc.facets)  # underwater sun rays: no `clear sky`
    return [v for v in values if v.tags and not set(words_of(v.tags[0])) <= said and not (
        ruled and ruled.search(v.tags[0]))]


def said_as_tags(desc: Description, booru: bool) -> list[str]:
    """What a description says, as tag models know it, to follow the user's words: a weather or season said by an
    adjective (`foggy`: fog), the lexicon's tag forms (`shallow dof`: depth of field) and, for a booru picture, its
    booru tags (`smiling`: smile, `catgirl`: cat ears, `holding a tray of cake`: holding tray)."""
    forms = lexicon().tag_forms
    table = {**forms["tags"], **(forms["booru"] if booru else {})}
    tags = [v.tags[0] for v in unsaid_facets(desc)]
    tags += [t for said, meant in table.items() if phrase_pattern([said]).search(
        desc.text if said.split()[0] in lexicon().negations["leading"] else desc.wanted) for t in meant]  # `no
    # shoes`: barefoot
    holding = re.compile(rf"\b({'|'.join(lexicon().holding)})\s+(.+)", re.I) if booru else None
    for phrase in desc.phrases if holding else ():
        if (match := holding.search(phrase)) and (head := head_of(match.group(2))):
            tags.append(f"{match.group(1).lower()} {head}")
    said = {p.lower() for p in desc.phrases}
    return [t for t in dict.fromkeys(tags) if t.lower() not in said]


def _booru_hair(phrase: str) -> list[str]:
    """Hair as booru tags say it: `long blonde hair` -> `long hair`, `blonde hair`; `pink twintails` -> `pink hair`,
    `twintails`; anything else as it is."""
    lex = lexicon()
    words = phrase.split()
    colour = [w for w in words[:-1] if lex.colour_of([w.lower()])]
    rest = " ".join(w for w in words if w not in colour)
    if not colour or len(words) > 4:
        return [phrase]
    if words[-1].lower() == "hair" and rest.lower()[:-5].strip() in lex.hair["lengths"]:
        return [rest, f"{' '.join(colour)} hair"]
    if rest.lower() in lex.hair["styles"]:
        return [f"{' '.join(colour)} hair", rest]
    return [phrase]


def sentence_prompt(desc: Description, picks: list[Entry], style: dict | None) -> str:
    """The description as the first sentence, then the picks in plain sentences."""
    by = {e.category: e.prose for e in picks}
    sentences = [desc.sentence, *(v.sentence for v in unsaid_facets(desc) if v.sentence)]
    if "lighting" in by:
        color = f", with {by['color']}" if "color" in by else ""
        sentences.append(f"The scene is lit by {by['lighting']}{color}.")
    elif "color" in by:  # the user's light said already (`candlelight`): the colours alone
        sentences.append(f"{by['color'][:1].upper()}{by['color'][1:]}.")
    look = [by[c] for c in ("mood", "camera", "composition") if c in by]
    if look:
        sentences.append(f"{look[0][:1].upper()}{look[0][1:]}" + "".join(f", {part}" for part in look[1:]) + ".")
    if "medium" in by:
        detail = f", with {by['detail']}" if "detail" in by else ""
        sentences.append(f"It is {by['medium']}{detail}.")
    elif "detail" in by:  # the user's medium (`photo of ...`) said already: no `It is an image`
        sentences.append(f"{by['detail'][:1].upper()}{by['detail'][1:]}.")
    if style:
        sentences.append(style["sentence"])
    return " ".join(sentences)


def own_words_prompt(desc: Description, family: Family) -> str:
    """A prompt of the user's words only (a description the embedded model cannot read)."""
    if family.sentences:
        return desc.sentence
    return ", ".join(dict.fromkeys([*family.prefix, *([family.rating] if family.rating else []), *desc.phrases,
                                    *family.quality]))


# ---------------------------------------------------------------------------------------------
# Free-form refines


OPS = ("add", "remove", "replace", "none")
MAX_TARGETS = 24


@dataclass
class EditChoices:
    """What the embedded model may choose for an instruction our rules cannot read: an operation, a target
    among the prompt's own phrases that the instruction names, and a value among our vocabulary's entries (the
    instruction's own words are never a value: what no rule read does not enter the prompt as text)."""

    targets: list[str]
    values: list[str]
    entries: list[Entry]

    def schema(self) -> dict:
        return {"type": "object", "properties": {
            "op": {"type": "string", "enum": list(OPS)},
            "target": {"type": "string", "enum": ["none", *self.targets]},
            "value": {"type": "string", "enum": ["none", *self.values]}},
            "required": ["op", "target", "value"]}


def edit_choices(words: list[str], plain_terms: list[str], context: Facets) -> EditChoices:
    """`words`: the content words of the clauses the rules could not read (Reading.unread_words)."""
    phrases = [re.sub(r"^(?:(?:a|an|the|some)\s+)", "", p.body, flags=re.I) for t in plain_terms
               for p in read_term(t).phrases if p.slot not in ("quality", "syntax")]
    entries = refine_options(words, context, ", ".join(plain_terms))
    values = list(dict.fromkeys(e.tag for e in entries if said_by(e.tag, words)))  # the user's words, ours
    return EditChoices(list(dict.fromkeys(phrases))[:MAX_TARGETS], values[:MAX_TARGETS], entries)


def edit_request(choices: EditChoices, terms: list[str], instruction: str) -> ChatRequest:
    system = ("You edit a Stable Diffusion prompt by one operation: add a value, remove a target phrase, or "
              "replace a target phrase by a value, so the picture follows the instruction. Answer with JSON only.")
    ask = (f"Prompt: {', '.join(terms)}\nInstruction: {instruction}\n"
           f"Targets: {' | '.join(choices.targets)}\nValues: {' | '.join(choices.values)}")
    return ChatRequest(messages=[Message("user", ask)], system=system, schema=choices.schema(), schema_name="edit",
                       temperature=0.2, max_tokens=80, seed=42)


def said_by(value: str, words: list[str]) -> bool:
    """Every distinctive word of a vocabulary entry is among the instruction's words (`dreamy atmosphere` for
    `dreamier`; not `blue hour` for `her yukata blue`)."""
    lex = lexicon()
    generic = lex.heads["generic"] | set(lex.wrappers) | lex.function
    roots = _roots(" ".join(words))
    own = [w for w in words_of(value) if w not in generic and len(w) >= 3]
    return bool(own) and all(_said(w, roots) for w in own)


def _said(word: str, roots: set[str]) -> bool:
    """A word among the roots of what was said: the same root, or the same first five letters (`dramatic` for
    `drama`)."""
    return bool(_roots(word) & roots) or (len(word) >= 5 and any(len(r) >= 5 and r[:5] == word[:5] for r in roots))


def typed_edit(data: dict | None, choices: EditChoices, words: list[str], asked: Facets) -> Edit:
    """The embedded model's operation as an edit, held to its choices and to what the instruction says: a removal
    only of what it names or contradicts, a value only of its own words; its group words (night, rain, winter)
    count even when the model missed them, but never a place."""
    data = data or {}
    op = str(data.get("op", "none"))
    target = data.get("target") if data.get("target") in choices.targets else None
    value = data.get("value") if data.get("value") in choices.values else None
    edit = Edit()
    for group, values in asked.items():
        if group in ("place", "setting"):  # `neon from the street outside` moves nothing: a move is read, not guessed
            continue
        chosen = vocab().groups[group][sorted(values)[0]]
        if chosen.tags:
            edit.set.append(chosen)
    said = {w for w in words if len(w) >= 3}
    named = target is not None and (bool(set(words_of(target)) & said) or bool(clash(facets(target), asked)))
    if op in ("remove", "replace") and target and named and (op == "remove" or value):
        if op == "remove":
            edit.remove.append(target)
        else:
            edit.replace.append((target, value))
        return edit
    if op != "none" and value:
        edit.add.append(value)
        edit.sentences.append(f"{value[:1].upper()}{value[1:]}.")
    elif edit.set:
        edit.add += [t for v in edit.set for t in v.tags]
        edit.sentences += [v.sentence for v in edit.set if v.sentence]
    return edit


def _roots(text: str) -> set[str]:
    """Content words and their plain forms (warmer -> warm, colours -> colour), without filler words."""
    out = set()
    for word in words_of(text.lower().replace("colour", "color").replace("grey", "gray")):
        if len(word) < 3 or word in lexicon().chat or word in lexicon().function:
            continue
        out.update([stem(word), *base_forms(word)])
    return out


def refine_options(words: list[str], context: Facets, prompt: str = "") -> list[Entry]:
    """Vocabulary entries the words of an instruction ask for, best first: its words in the entry's tag (or keys).
    Only the best-matching tier is offered, one entry per category at most, none the prompt has."""
    said = _roots(" ".join(words))
    have = prompt.lower()
    scored = []
    for index, entry in enumerate(vocab().by_tag.values()):
        if clash(entry_facets(entry), context) or entry.tag in have:
            continue
        tag = words_of(entry.tag)
        matched = sum(_said(word, said) for word in tag)
        hits = 3 * matched / max(1, len(tag)) + len({stem(k) for k in entry.keys} & said)
        if hits:
            scored.append((-hits, index, entry))
    scored.sort(key=lambda item: item[:2])
    best = scored[0][0] if scored else 0
    options: dict[str, Entry] = {}
    for score, _, entry in scored:
        if score <= best + 1:  # within one key of the best
            options.setdefault(entry.category, entry)
    return list(options.values())[:MAX_ADDED + 2]
