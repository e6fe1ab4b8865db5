"""A model's answer -> a PromptVersion: parse, check, apply the family's rules, clean the settings."""

from __future__ import annotations

import json
import re
from functools import cache

from ..errors import ProviderError
from ..providers.types import Completion
from ..types import PromptVersion
from .families import DATA, Family
from .parse import parse_answer

_WEIGHT = re.compile(r"\(([^():<>]+?)(?::\s*[\d.]+)?\)")


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


def build_version(completion: Completion, family: Family, *, kind: str, source: str,
                  base: PromptVersion | None = None) -> PromptVersion:
    """Turn an answer into a version, or raise ProviderError (the caller's fields stay untouched)."""
    parsed = parse_answer(completion.text)
    data = parsed.data
    if data is None:
        raise ProviderError(completion.provider, f"{completion.model}'s answer is not a usable prompt: "
                            f"{parsed.error}", hint="your prompt is unchanged; try again or use a stronger model")
    prompt = _text(data.get("prompt"))
    if not prompt:
        raise ProviderError(completion.provider, f"{completion.model}'s answer has no prompt",
                            hint="your prompt is unchanged; try again or use a stronger model")
    warnings = list(completion.notes)
    if parsed.salvaged:
        warnings.append("the answer was cut short; its complete parts were used")
    negative = _text(data.get("negative_prompt", data.get("negative")))
    if not family.negative_allowed:
        if negative:
            warnings.append(f"{family.label} ignores negative prompts; left it empty")
        negative = ""
    elif kind == "plan" and not negative:
        negative = family.negative
    if kind == "plan":
        if not family.weights:
            prompt = _WEIGHT.sub(r"\1", prompt)
        prompt = _ensure_prefix(prompt, family, warnings)
    params = dict(base.params) if base is not None else dict(family.params)
    params.update(clean_params(data.get("params"), family, warnings))
    return PromptVersion(
        prompt=prompt,
        negative_prompt=negative,
        params=params,
        provider=completion.provider,
        model=completion.model,
        role=completion.role,
        usage=completion.usage,
        cost_usd=completion.cost_usd,
        latency_s=completion.latency_s,
        ttft_s=completion.ttft_s,
        family=family.key,
        notes=_text(data.get("notes"))[:300],
        warnings=warnings,
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
