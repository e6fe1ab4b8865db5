"""A model's answer -> checked prompt fields -> a PromptVersion.

Every answer passes the same checks before it can replace anything: it parses, it has a prompt,
its syntax is repaired, and (for a refine) the guard keeps every span the user wrote.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache

from ..errors import ProviderError
from ..providers.types import Completion
from ..types import PromptVersion
from . import compact
from .families import DATA, Family
from .parse import parse_answer
from .syntax import guard, repair

_WEIGHT = re.compile(r"\(([^():<>]+?)(?::\s*[\d.]+)?\)")


@dataclass
class Fields:
    prompt: str
    negative: str
    params: dict
    notes: str = ""
    warnings: list[str] = field(default_factory=list)


@cache
def _names() -> dict:
    return json.loads((DATA / "samplers.json").read_text(encoding="utf-8"))


def _text(value: object) -> str:
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value if str(v).strip())
    if not isinstance(value, str):
        return ""
    return " ".join(value.replace("\r", " ").split()).strip(" ,")


def _pick(value: object, names: list[str]) -> str | None:
    lowered = str(value).strip().lower()
    return next((name for name in names if name.lower() == lowered), None)


def clean_params(raw: object, family: Family, warnings: list[str]) -> dict:
    """Keep the settings that exist in A1111/Forge with sane values; drop (and say) the rest."""
    if not isinstance(raw, dict):
        return {}
    out: dict = {}
    sampler = raw.get("sampler_name", raw.get("sampler"))
    if sampler:
        name = str(sampler)
        if name.lower().endswith(" karras") and "scheduler" not in raw:  # the old "DPM++ 2M Karras" form
            name, out["scheduler"] = name[:-7], "Karras"
        picked = _pick(name, _names()["samplers"])
        if picked:
            out["sampler_name"] = picked
        else:
            warnings.append(f"unknown sampler {sampler!r} ignored")
    if raw.get("scheduler"):
        picked = _pick(raw["scheduler"], _names()["schedulers"])
        if picked:
            out["scheduler"] = picked
        else:
            warnings.append(f"unknown scheduler {raw['scheduler']!r} ignored")
    for key, low, high, kind in (("steps", 1, 150, int), ("cfg_scale", 1.0, 30.0, float),
                                 ("distilled_cfg_scale", 0.0, 30.0, float), ("width", 64, 2048, int),
                                 ("height", 64, 2048, int)):
        value = raw.get(key, raw.get("cfg") if key == "cfg_scale" else None)
        if value is None or isinstance(value, bool):
            continue
        try:
            number = kind(float(value))
        except (TypeError, ValueError):
            warnings.append(f"{key}={value!r} ignored: not a number")
            continue
        if not low <= number <= high:
            warnings.append(f"{key}={number} ignored: outside {low}-{high}")
            continue
        out[key] = round(number / 8) * 8 if key in ("width", "height") else number
    if "distilled_cfg_scale" not in family.params:
        out.pop("distilled_cfg_scale", None)
    return out


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


def plan_fields(completion: Completion, family: Family, *, compact_form: bool, style: dict | None,
                description: str) -> Fields:
    data, warnings = read_answer(completion)
    if compact_form:
        prompt = compact.plan_text(data, family, style, description)
        if not prompt:  # nothing usable: the user's own words are the subject
            prompt = compact.fallback_text(description, family)
            warnings.append("the embedded model wrote nothing usable; your description is the prompt's subject")
        negative = ", ".join(dict.fromkeys([family.negative, *(style["negative"] if style else [])])).strip(", ")
        return Fields(prompt, negative if family.negative_allowed else "", dict(family.params),
                      notes=f"The embedded model chose the tags; prefix, quality tags, negative prompt and "
                            f"settings are the {family.label} defaults.", warnings=warnings)
    prompt = _text(data.get("prompt"))
    if not prompt:
        raise _no_prompt(completion)
    negative = _text(data.get("negative_prompt", data.get("negative")))
    if not family.negative_allowed:
        if negative:
            warnings.append(f"{family.label} ignores negative prompts; left it empty")
        negative = ""
    elif not negative:
        negative = family.negative
    if not family.weights:
        prompt = _WEIGHT.sub(r"\1", prompt)
    prompt, fixes = repair(_ensure_prefix(prompt, family, warnings))
    negative, negative_fixes = repair(negative)
    params = dict(family.params)
    params.update(clean_params(data.get("params"), family, warnings))
    return Fields(prompt, negative, params, _text(data.get("notes"))[:300], warnings + fixes + negative_fixes)


def refine_fields(completion: Completion, family: Family, current: PromptVersion, instruction: str, *,
                  compact_form: bool, embeddings: list[str]) -> Fields:
    data, warnings = read_answer(completion)
    params = dict(current.params)
    if compact_form:
        prompt, removed, added = compact.apply_edit(current.prompt, data, family, instruction)
        negative = current.negative_prompt
        params.update(compact.size_params(instruction, family, current.params))
        summary = "; ".join(([f"removed {', '.join(removed)}"] if removed else [])
                            + ([f"added {', '.join(added)}"] if added else [])) or "no change suggested"
    else:
        prompt = _text(data.get("prompt"))
        if not prompt:
            raise _no_prompt(completion)
        negative = _text(data.get("negative_prompt", data.get("negative", current.negative_prompt)))
        if not family.negative_allowed and not current.negative_prompt:
            negative = ""
        params.update(clean_params(data.get("params"), family, warnings))
        summary = _text(data.get("notes"))[:300]
    result = guard(current.prompt, prompt, instruction, embeddings)
    negative_result = guard(current.negative_prompt, negative, instruction, embeddings)
    warnings += result.repairs + negative_result.repairs
    warnings += [f"removed {span} as asked" for span in result.removed + negative_result.removed]
    if not result.text:
        raise _no_prompt(completion)
    return Fields(result.text, negative_result.text, params, summary, warnings)


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


def _ensure_prefix(prompt: str, family: Family, warnings: list[str]) -> str:
    """Families such as Pony need their prefix tags first."""
    if not family.prefix:
        return prompt
    tags = [t.strip() for t in prompt.split(",") if t.strip()]
    rest = [t for t in tags if t not in family.prefix]
    if tags[: len(family.prefix)] != list(family.prefix):
        warnings.append(f"added the {family.label} prefix {', '.join(family.prefix)}")
    return ", ".join([*family.prefix, *rest])
