"""The compact answer form, for tiny local models (the embedded 135M-270M GGUFs).

A tiny model cannot write a whole prompt, a negative prompt and settings reliably, but it can list
a few tags under a grammar. So it answers `{"tags": [...]}` for a plan and `{"add": [...],
"remove": [...]}` for a refine; the family's data supplies the prefix, quality tags, negative prompt
and settings, and the user's syntax is never handed to the model to rewrite.
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import cache

from ..providers.types import ChatRequest, Message
from ..types import PromptVersion
from .families import DATA, Family
from .syntax import _terms, tidy, words

MAX_TAGS = 8
# A second example, unlike the family's, so the model copies neither.
_SECOND = ("portrait of an old sailor", ["old sailor", "weathered face", "white beard", "knit cap", "harbor",
                                         "overcast light", "portrait photography"])
_SIZES = {"square": (1, 1), "portrait": (2, 3), "vertical": (2, 3), "tall": (2, 3), "landscape": (3, 2),
          "wide": (3, 2), "horizontal": (3, 2), "widescreen": (16, 9), "panorama": (16, 9)}


def _schema(fields: dict[str, tuple[int, int]]) -> dict:
    return {"type": "object",
            "properties": {name: {"type": "array", "items": {"type": "string"}, "minItems": low, "maxItems": high}
                           for name, (low, high) in fields.items()},
            "required": list(fields)}


def _shots(family: Family) -> list[tuple[str, list[str]]]:
    """Two few-shot examples: the family's own and a different one, so the model copies neither."""
    if family.style == "sentences":
        tags = [t.strip(" .") for t in re.split(r"[.,]", family.example["prompt"]) if t.strip()]
    else:
        tags = [t.strip() for t in family.example["prompt"].split(",")
                if t.strip() and t.strip() not in family.prefix and t.strip() not in family.quality]
    return [(family.example["description"], tags[:8]), _SECOND]


def plan_request(description: str, family: Family, *, language: str = "English") -> ChatRequest:
    system = ("You turn an image description into Stable Diffusion tags. Answer with JSON "
              f'{{"tags": [...]}}: 5 to {MAX_TAGS} short tags in {language}, the subject first, then details, '
              "setting, lighting and style. Never repeat a tag.")
    messages: list[Message] = []
    for asked, tags in _shots(family):
        messages += [Message("user", asked), Message("assistant", json.dumps({"tags": tags}))]
    messages.append(Message("user", description))
    return ChatRequest(messages=messages, system=system, schema=_schema({"tags": (3, MAX_TAGS)}),
                       schema_name="tags", temperature=0.3, max_tokens=160, seed=42, frequency_penalty=1.0)


def refine_request(current: PromptVersion, instruction: str, family: Family) -> ChatRequest:
    system = ('You edit a list of Stable Diffusion tags. Answer with JSON {"add": [...], "remove": [...]}: '
              "the tags to add and the existing tags to remove so the picture follows the instruction. "
              "Add at most 5 short tags. Remove only tags the instruction contradicts.")
    example = {"add": ["night", "moonlight", "starry sky"], "remove": ["soft morning light"]}
    messages = [
        Message("user", "Tags: red fox, fresh snow, pine forest, soft morning light\nInstruction: make it night"),
        Message("assistant", json.dumps(example)),
        Message("user", f"Tags: {_plain(current.prompt)}\nInstruction: {instruction}"),
    ]
    return ChatRequest(messages=messages, system=system, schema=_schema({"add": (0, 5), "remove": (0, 5)}),
                       schema_name="edit", temperature=0.2, max_tokens=120, seed=42, frequency_penalty=1.0)


def _plain(prompt: str) -> str:
    """The prompt as the tiny model sees it: words only, no syntax to mangle."""
    return tidy(re.sub(r"<[^<>]*>|\bBREAK\b|\bAND\b|[()\[\]{}]|:\s*[\d.]+", " ", prompt))


def clean_tags(raw: object, limit: int = MAX_TAGS, max_words: int = 8) -> list[str]:
    """Tags a tiny model wrote, without empties, runaways and repeats (comma lists are split)."""
    tags: list[str] = []
    seen: set[str] = set()
    items = [part for item in (raw if isinstance(raw, list) else []) for part in str(item).split(",")]
    for item in items:
        visible = "".join(ch for ch in item if ch.isprintable() and unicodedata.category(ch) != "Cf")
        tag = " ".join(visible.split()).strip(" .;:!?")
        key = " ".join(words(tag))
        if not key or len(key.split()) > max_words or key in seen or re.search(r"[<>{}\[\]()]", tag):
            continue
        seen.add(key)
        tags.append(tag)
    return tags[:limit]


@cache
def _opposites() -> dict[str, list[str]]:
    data = json.loads((DATA / "opposites.json").read_text(encoding="utf-8"))
    return {key: value for key, value in data.items() if key != "note"}


def _stem(word: str) -> str:
    for suffix in ("ness", "est", "er", "ly", "y"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _contradicted(instruction: str) -> set[str]:
    said = set(words(instruction))
    return {w for word in said for key in (word, _stem(word)) for w in _opposites().get(key, [])}


def may_remove(term: str, instruction: str) -> bool:
    """A tiny model may remove a term the instruction names, or one that contradicts it."""
    term_words = set(words(term))
    return bool(term_words & {w for w in words(instruction) if len(w) >= 3} or term_words & _contradicted(instruction))


def plan_text(data: dict, family: Family, style: dict | None, description: str) -> str:
    """Assemble the prompt: family prefix, the model's tags, the style, the quality tags. Tags copied
    from the few-shot examples that have nothing to do with the description are dropped."""
    asked = set(words(description))
    copied = {" ".join(words(t)) for _, tags in _shots(family) for t in tags}
    tags = [t for t in clean_tags(data.get("tags"), max_words=24 if family.style == "sentences" else 8)
            if " ".join(words(t)) not in copied or set(words(t)) & asked]
    if not tags:
        return ""
    if family.style == "sentences":
        first, rest = tags[0][:1].upper() + tags[0][1:], tags[1:]
        body = first if not rest else f"{first}, with {', '.join(rest[:-1])}{' and ' if rest[:-1] else ''}{rest[-1]}"
        return " ".join(part for part in (body + ".", style["sentence"] if style else "") if part)
    extra = list(style["tags"]) if style else []
    items = [*family.prefix, *tags, *[t for t in extra if t not in tags], *family.quality]
    return ", ".join(dict.fromkeys(items))


def fallback_text(description: str, family: Family) -> str:
    """The description itself as the subject, in the family's form."""
    text = " ".join(description.split()).strip(" .")
    if family.style == "sentences":
        return text[:1].upper() + text[1:] + "."
    return ", ".join([*family.prefix, text, *family.quality])


_ADD = re.compile(r"^\s*(?:please\s+)?(?:add|include|put in|give (?:it|him|her|them))\s+"
                  r"(?:an?\s+|the\s+|some\s+)?(.+?)[.!]?$", re.I)
_REMOVE = re.compile(r"^\s*(?:please\s+)?(?:remove|delete|drop|no more|no|without|get rid of)\s+"
                     r"(?:the\s+|any\s+)?(.+?)[.!]?$", re.I)
_ARTICLES = {"a", "an", "the", "some"}


def _content(text: str) -> set[str]:
    return set(words(text)) - _ARTICLES


def instruction_edit(instruction: str) -> dict:
    """"add a red hat" / "remove the cat": what a tiny model should have answered, read from the words."""
    for pattern, key in ((_ADD, "add"), (_REMOVE, "remove")):
        match = pattern.match(instruction)
        if match and len(match.group(1).split()) <= 6:
            return {key: [match.group(1)]}
    return {}


def apply_edit(prompt: str, data: dict, family: Family, instruction: str) -> tuple[str, list[str], list[str]]:
    """Remove the named plain terms and add the new ones before the trailing quality tags; an explicit
    "add X" / "remove X" instruction counts even when the model missed it.
    Returns (prompt, removed terms, added terms)."""
    asked = instruction_edit(instruction)
    data = {"add": [*asked.get("add", []), *(data.get("add") or [])],
            "remove": [*asked.get("remove", []), *(data.get("remove") or [])]}
    removing = [_content(t) for t in clean_tags(data.get("remove"), 5)]
    contradicted = _contradicted(instruction) | set().union(*(_content(t) for t in asked.get("remove", [])))
    kept, removed = [], []
    for start, end in _terms(prompt):
        term = prompt[start:end].strip()
        plain = re.search(r"[<>()\[\]{}]|__|\bBREAK\b|\bAND\b", term) is None
        named = any(phrase and phrase <= _content(term) for phrase in removing)
        if plain and named and may_remove(term, instruction):
            removed.append(term)
        else:
            kept.append(term)
    present = [_content(t) for t in kept]
    added = [t for t in clean_tags(data.get("add"), 5)  # nothing already said, nothing contradicting the ask
             if not any(_content(t) <= have for have in present) and not set(words(t)) & contradicted]
    if family.style == "sentences":
        text = tidy(", ".join(kept))
        return (f"{text} {', '.join(added).capitalize()}." if added else text), removed, added
    quality = {q.lower() for q in family.quality}
    cut = len(kept)
    while cut > 0 and kept[cut - 1].lower() in quality:
        cut -= 1
    return tidy(", ".join([*kept[:cut], *added, *kept[cut:]])), removed, added


def size_params(instruction: str, family: Family, current: dict) -> dict:
    """Aspect changes a tiny model cannot do: "square", "portrait", "landscape", "widescreen"."""
    said = set(words(instruction))
    for word, (w, h) in _SIZES.items():
        if word in said:
            best = min(family.sizes, key=lambda size: abs(size[0] / size[1] - w / h))
            return {"width": best[0], "height": best[1]}
    return {}
