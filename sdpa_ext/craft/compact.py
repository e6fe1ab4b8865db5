"""The compact answer form, for tiny local models (the embedded 135M-270M GGUFs): the model chooses,
it does not invent.

A plan's subject is the user's own words (craft/describe.py), first and whole. The model only picks,
for each category (lighting, mood, colour, camera, medium, material, detail), one entry of our
vocabulary among a few that suit the description and do not contradict it: the choice is a JSON
schema of enums, which the embedded server turns into a grammar. A free-form refine picks what to add
from the vocabulary and what to remove from the prompt's own terms the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..providers.types import ChatRequest, Message
from .checks import base_forms, stem
from .describe import Description, people_in, words_of
from .edits import Edit
from .families import Family
from .syntax import REMOVE_VERBS
from .vocab import Entry, Facets, clash, entry_facets, facets, merge, vocab

CHOICES = 5  # options offered per category
MAX_ADDED = 2  # what one free-form refine adds at most
FIXED = ("composition", "detail")  # the best entry, without asking the model (fewer tokens to write)
_FILLER = {"the", "and", "can", "could", "would", "should", "make", "look", "looks", "like", "feel", "feels", "more",
           "less", "some", "with", "from", "want", "please", "its", "this", "that", "show", "give", "let", "put",
           "set", "bit", "lot", "very", "much", "overall", "come", "kind", "sort", "than", "into", "around", "have"}
PLAN_CATEGORIES = ("lighting", "color", "mood", "camera", "composition", "material", "medium", "detail")
SENTENCE_CATEGORIES = ("lighting", "color", "mood", "camera", "composition", "medium", "detail")
# The order tags take in the prompt: subject, material, lighting, colour, mood, camera, medium, detail.
TAG_ORDER = ("material", "lighting", "color", "mood", "camera", "composition", "medium", "detail")
_FAMILY_MEDIUM = {"pony": ("illustration", "anime"), "illustrious": ("anime", "illustration")}


@dataclass
class Plan:
    """What a compact plan offers the model, and what it falls back on."""

    options: dict[str, list[Entry]]
    fixed: list[Entry]  # categories not worth a model's tokens: their best entry

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


def candidates(category: str, desc_words: set[str], context: Facets, *, limit: int = CHOICES,
               prefer: tuple[str, ...] = (), exclude: set[str] | frozenset[str] = frozenset(),
               heads: set[str] | frozenset[str] = frozenset()) -> list[Entry]:
    """The entries of a category that suit the words and contradict nothing, best first. Entries for
    other things (their keys miss the description) come only when nothing else is left."""
    ranked = []
    for index, entry in enumerate(vocab().categories[category]):
        if clash(entry_facets(entry), context) or entry.tag.lower() in exclude:
            continue
        medium = dict(entry.facets).get("medium")
        bonus = 3 if medium and medium in prefer else 0
        ranked.append((-(_score(entry, desc_words, heads) + bonus), index, entry))
    ranked.sort(key=lambda item: item[:2])
    suited = [entry for score, _, entry in ranked if score < 0]
    return (suited or [entry for _, _, entry in ranked])[:limit]


def plan_options(desc: Description, family: Family, style: dict | None) -> Plan:
    heads = set(desc.nouns)
    said = heads | set(words_of(desc.text))
    context = dict(desc.facets)
    exclude = {p.lower() for p in desc.phrases}
    categories = SENTENCE_CATEGORIES if family.style == "sentences" else PLAN_CATEGORIES
    options: dict[str, list[Entry]] = {}
    fixed: list[Entry] = []
    for category in categories:
        if category == "medium" and ("medium" in context or style):
            continue
        found = candidates(category, said, context, prefer=_FAMILY_MEDIUM.get(family.key, ()), exclude=exclude,
                           heads=heads)
        if category == "material":  # a texture only for what the description has
            found = [e for e in found if _score(e, said) >= 2]
        if found and category in FIXED:
            fixed.append(found[0])
        elif found:
            options[category] = found
    return Plan(options, fixed)


def plan_request(desc: Description, plan: Plan) -> ChatRequest:
    lines = [f"{name}: " + " | ".join(e.tag for e in entries) for name, entries in plan.options.items()]
    system = ("You choose words for a Stable Diffusion prompt. For the picture described, pick the option "
              "in each list that suits it best. Answer with JSON only.")
    ask = f"Picture: {desc.text}\n" + "\n".join(lines)
    return ChatRequest(messages=[Message("user", ask)], system=system, schema=plan.schema(), schema_name="choice",
                       temperature=0.2, max_tokens=120, seed=42)


def keep_consistent(picks: list[Entry], context: Facets, notes: list[str]) -> list[Entry]:
    """Drop a pick that contradicts the description or an earlier pick (the medium is read first)."""
    kept: list[Entry] = []
    ordered = sorted(picks, key=lambda e: e.category != "medium")
    for entry in ordered:
        conflict = clash(entry_facets(entry), context)
        if conflict:
            notes.append(f"left out {entry.tag!r}: its {vocab().labels[conflict[0]]} ({conflict[1]}) "
                         f"contradicts {conflict[2]}")
            continue
        context = merge(context, entry_facets(entry))
        kept.append(entry)
    return kept


def count_tags(desc: Description) -> list[str]:
    """Danbooru count tags from the people the description names (Illustrious)."""
    kind = people_in(desc.text)
    return {"female": ["1girl", "solo"], "male": ["1boy", "solo"], "": ["no humans"]}.get(kind, [])


def pony_tags(medium: str | None) -> list[str]:
    """Pony's source tag (none for realism) and rating tag."""
    return ([] if medium == "photo" else ["source_anime"]) + ["rating_safe"]


def tag_prompt(desc: Description, picks: list[Entry], family: Family, style: dict | None) -> str:
    mediums = [dict(e.facets).get("medium") for e in picks if e.category == "medium"]
    medium = next(iter(desc.facets.get("medium", ())), None) or (mediums[0] if mediums else None)
    head = list(family.prefix)
    if family.key == "pony":
        head += pony_tags(medium)
    if family.key == "illustrious":
        head += count_tags(desc)
    ordered = sorted(picks, key=lambda e: TAG_ORDER.index(e.category) if e.category in TAG_ORDER else 99)
    extra = [e.tag for e in ordered]
    styled = list(style["tags"]) if style else []
    items = [*head, *desc.phrases, *extra, *styled, *family.quality]
    return ", ".join(dict.fromkeys(items))


def sentence_prompt(desc: Description, picks: list[Entry], style: dict | None) -> str:
    """The description as the first sentence, then the picks in plain sentences."""
    by = {e.category: e.prose for e in picks}
    sentences = [desc.sentence]
    if "lighting" in by:
        color = f", with {by['color']}" if "color" in by else ""
        sentences.append(f"The scene is lit by {by['lighting']}{color}.")
    look = [by[c] for c in ("mood", "camera", "composition") if c in by]
    if look:
        sentences.append(f"{look[0][:1].upper()}{look[0][1:]}" + "".join(f", {part}" for part in look[1:]) + ".")
    if "medium" in by or "detail" in by:
        medium = by.get("medium", "an image")
        detail = f", with {by['detail']}" if "detail" in by else ""
        sentences.append(f"It is {medium}{detail}.")
    if style:
        sentences.append(style["sentence"])
    return " ".join(sentences)


def own_words_prompt(desc: Description, family: Family) -> str:
    """A prompt of the user's words only (a description the embedded model cannot read)."""
    if family.style == "sentences":
        return desc.sentence
    return ", ".join(dict.fromkeys([*family.prefix, *(["rating_safe"] if family.key == "pony" else []),
                                    *desc.phrases, *family.quality]))


# ---------------------------------------------------------------------------------------------
# Free-form refines


def refine_request(terms: list[str], instruction: str, additions: list[Entry]) -> ChatRequest:
    """Pick additions (our vocabulary) and removals (the prompt's own plain terms) for an instruction."""
    schema = {"type": "object", "properties": {
        "add": {"type": "array", "items": {"type": "string", "enum": [e.tag for e in additions]}, "maxItems": 3},
        "remove": {"type": "array", "items": {"type": "string", "enum": terms or [""]}, "maxItems": 3}},
        "required": ["add", "remove"]}
    system = ("You edit a list of Stable Diffusion tags. Choose the tags to add (from the options) and the tags to "
              "remove (from the current tags) so the picture follows the instruction. Remove only what the "
              "instruction contradicts. Answer with JSON only.")
    ask = (f"Current tags: {', '.join(terms)}\nInstruction: {instruction}\n"
           f"Options to add: {' | '.join(e.tag for e in additions)}")
    return ChatRequest(messages=[Message("user", ask)], system=system, schema=schema, schema_name="edit",
                       temperature=0.2, max_tokens=120, seed=42)


def _roots(text: str) -> set[str]:
    """Content words and their plain forms (warmer -> warm, colours -> colour), without filler words."""
    out = set()
    for word in words_of(text.lower().replace("colour", "color").replace("grey", "gray")):
        if len(word) < 3 or word in _FILLER:
            continue
        out.update([stem(word), *base_forms(word)])
    return out


def refine_options(instruction: str, context: Facets, prompt: str = "") -> list[Entry]:
    """Vocabulary entries an instruction asks for, best first: its words in the entry's tag (or keys).
    Only the best-matching tier is offered, one entry per category at most, none the prompt has."""
    said = _roots(instruction)
    have = prompt.lower()
    scored = []
    for index, entry in enumerate(vocab().by_tag.values()):
        if clash(entry_facets(entry), context) or entry.tag in have:
            continue
        tag = [_roots(word) for word in words_of(entry.tag)]
        matched = sum(bool(roots & said) for roots in tag)
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


def choice_edit(data: dict | None, options: list[Entry], current_terms: list[str], instruction: str,
                asked: Facets) -> Edit:
    """The embedded model's picks as an edit: only offered additions, and removals of the prompt's own
    terms that the instruction names or contradicts. The instruction's own conflict-group words
    (night, rain, winter...) and options it spells out count even when the model missed them."""
    said = set(words_of(instruction))
    edit = Edit()
    picked = {str(t).lower() for t in (data or {}).get("add", []) if isinstance(t, str)}
    spelled = [e for e in options if set(words_of(e.tag)) <= said]
    chosen = [e for e in options if e.tag.lower() in picked] or options[:1]
    for group, values in asked.items():
        value = vocab().groups[group][sorted(values)[0]]
        if value.tags:
            edit.set.append(value)
            if not spelled and not chosen:
                edit.add += list(value.tags)
                edit.sentences.append(value.sentence)
    for entry in list(dict.fromkeys([*spelled, *chosen]))[:MAX_ADDED]:
        edit.add.append(entry.tag)
        edit.sentences.append(f"{entry.prose[:1].upper()}{entry.prose[1:]}.")
    named = bool(REMOVE_VERBS.search(instruction))
    for term in (data or {}).get("remove", []):
        if term in current_terms and ((named and set(words_of(term)) & {w for w in said if len(w) >= 3})
                                      or clash(facets(term), asked)):
            edit.remove.append(term)
    return edit
