"""A model's answer -> checked prompt fields -> a PromptVersion.

Every answer passes the same checks before it can replace anything: it parses, it has a prompt, the
description's subject is kept, nothing contradicts the description (or the instruction), the family's
rules hold on the text and on every setting, its syntax is repaired, and (for a refine) the guard
keeps every span the user wrote.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import ProviderError
from ..providers.types import Completion, Usage
from ..types import PromptVersion
from . import compact
from .checks import drop_contradictions, drop_intruders, family_rules, has_word, keep_subject, terms
from .describe import Description, nouns_of, words_of
from .edits import Applied
from .families import Family
from .params import family_params
from .parse import parse_answer
from .syntax import find_spans, guard, no_new_edges, repair
from .vocab import facets, merge


@dataclass
class Fields:
    prompt: str
    negative: str
    params: dict
    notes: str = ""
    warnings: list[str] = field(default_factory=list)


def _text(value: object) -> str:
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value if str(v).strip())
    if not isinstance(value, str):
        return ""
    return " ".join(value.replace("\r", " ").split()).strip(" ,")


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
        picks = compact.keep_consistent(plan.chosen(data), dict(desc.facets), warnings)
        builder = compact.sentence_prompt if family.style == "sentences" else None
        prompt = builder(desc, picks, style) if builder else compact.tag_prompt(desc, picks, family, style)
        note = (f"Your words first; the embedded model chose {', '.join(e.tag for e in picks) or 'nothing'} "
                f"from the vocabulary; negative prompt and settings are the {family.label} defaults.")
    prompt, fixes = repair(prompt)
    return Fields(prompt, _default_negative(family, style), family_params(family), note, warnings + fixes)


def plan_fields(completion: Completion, family: Family, *, desc: Description, style: dict | None) -> Fields:
    """A full answer (prompt, negative prompt, settings, notes), held to the description and the family."""
    data, warnings = read_answer(completion)
    prompt = _text(data.get("prompt"))
    if not prompt:
        raise _no_prompt(completion)
    negative = _text(data.get("negative_prompt", data.get("negative")))
    if family.negative_allowed and not negative:
        negative = family.negative
    if desc.english:
        prompt = drop_intruders(prompt, desc.text, family, warnings, people=False)
        prompt = drop_contradictions(prompt, desc.facets, family, warnings, keep=set(desc.nouns))
        prompt = keep_subject(prompt, desc, family, warnings)
    prompt, negative = family_rules(prompt, negative, family, warnings)
    prompt, fixes = repair(prompt)
    negative, negative_fixes = repair(negative)
    params = family_params(family, data.get("params"), notes=warnings)
    return Fields(prompt, negative, params, _text(data.get("notes"))[:300], warnings + fixes + negative_fixes)


def _subject_of(prompt: str, family: Family) -> str:
    """The current prompt's subject: its first plain term (tags) or first sentence."""
    if family.style == "sentences":
        return prompt.split(". ")[0]
    plain = [t for t in terms(prompt) if not t.startswith(("score_", "source_", "rating_")) and not find_spans(t)]
    return plain[0] if plain else ""


def _keep_current_subject(before: str, after: str, instruction: str, family: Family, notes: list[str]) -> str:
    """A refine keeps the current subject unless the instruction talks about it."""
    subject = _subject_of(before, family)
    nouns = [n for n in nouns_of(subject) if not has_word(n, set(words_of(instruction)))]
    lost = [n for n in nouns if not has_word(n, set(words_of(after)))]
    if not subject or not lost:
        return after
    notes.append(f"kept {subject!r}: the answer had dropped {', '.join(lost)}")
    if family.style == "sentences":
        return f"{subject.rstrip('.')}. {after}"
    items = terms(after)
    cut = sum(1 for t in items if t.startswith(("score_", "source_", "rating_")))
    return ", ".join([*items[:cut], subject, *items[cut:]])


def refine_fields(completion: Completion, family: Family, current: PromptVersion, instruction: str, *,
                  embeddings: list[str]) -> Fields:
    """A full refine answer (the whole new prompt), held to the instruction, the user's syntax and the family."""
    data, warnings = read_answer(completion)
    prompt = _text(data.get("prompt"))
    if not prompt:
        raise _no_prompt(completion)
    negative = _text(data.get("negative_prompt", data.get("negative", current.negative_prompt)))
    if not family.negative_allowed and not current.negative_prompt:
        negative = ""
    prompt = drop_intruders(prompt, f"{current.prompt} {instruction}", family, warnings, people=False)
    prompt = _keep_current_subject(current.prompt, prompt, instruction, family, warnings)
    old = set(terms(current.prompt))
    kept = ", ".join(t for t in terms(prompt) if t in old)  # what the answer kept holds, unless asked otherwise
    context = merge(facets(instruction), facets(kept))
    prompt = drop_contradictions(prompt, context, family, warnings, keep=set(words_of(f"{instruction} {kept}")))
    params = family_params(family, current.params, data.get("params"), notes=warnings)
    return _guarded(Fields(prompt, negative, params, _text(data.get("notes"))[:300], warnings), family, current,
                    instruction, embeddings, completion)


def edit_fields(applied: Applied, family: Family, current: PromptVersion, instruction: str, *,
                embeddings: list[str]) -> Fields:
    """An edit read from the instruction (or chosen by the embedded model), through the same guard."""
    notes = list(applied.notes)
    params = family_params(family, current.params, applied.params, notes=notes)
    summary = "; ".join(applied.changes)
    return _guarded(Fields(applied.prompt, applied.negative, params, summary, notes), family, current, instruction,
                    embeddings, None)


def _guarded(fields: Fields, family: Family, current: PromptVersion, instruction: str, embeddings: list[str],
             completion: Completion | None) -> Fields:
    prompt, negative = family_rules(fields.prompt, fields.negative, family, fields.warnings)
    result = guard(current.prompt, prompt, instruction, embeddings)
    negative_result = guard(current.negative_prompt, negative, instruction, embeddings)
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


def ruled(role: str, latency_s: float) -> Completion:
    """The record of an answer made by our rules, with no model call."""
    return Completion(text="", provider="rules", model="edit rules", role=role, usage=Usage(),
                      cost_usd=0.0, latency_s=latency_s, ttft_s=None)


def to_version(completion: Completion, fields: Fields, family: Family, *, kind: str, source: str,
               reason: str, base: PromptVersion | None = None) -> PromptVersion:
    return PromptVersion(
        prompt=fields.prompt,
        negative_prompt=fields.negative,
        params=fields.params,
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
