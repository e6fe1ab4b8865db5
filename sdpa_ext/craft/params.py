"""Generation settings held to the family's rules, whoever wrote them (a model, the user, a chip):
known keys only, finite numbers in the family's ranges, sizes from its list or multiples of 64 within
its pixel budget, samplers and schedulers that exist in A1111 1.10 and Forge. Every change is said."""

from __future__ import annotations

import json
import math
import re
from functools import cache

from .families import DATA, Family

KEYS = ("steps", "cfg_scale", "distilled_cfg_scale", "sampler_name", "scheduler", "width", "height")
_ALIASES = {"sampler": "sampler_name", "cfg": "cfg_scale", "guidance": "distilled_cfg_scale",
            "distilled_cfg": "distilled_cfg_scale"}
MAX_SIDE = 2048


@cache
def _names() -> dict:
    return json.loads((DATA / "samplers.json").read_text(encoding="utf-8"))


def _pick(value: object, names: list[str]) -> str | None:
    lowered = str(value).strip().lower()
    return next((name for name in names if name.lower() == lowered), None)


def named_sampler(words: list[str]) -> tuple[int, dict[str, str]]:
    """How many of `words` (as words_of reads them: `dpm++` is `dpm`) name a sampler and then a scheduler as A1111
    lists them, and the settings they name (`dpm 2m karras`: 3, DPM++ 2M and Karras)."""
    names, used, out = _names(), 0, {}
    for key, listed in (("sampler_name", names["samplers"]), ("scheduler", names["schedulers"])):
        table = {_plain(name): name for name in listed}
        size = next((n for n in range(min(6, len(words) - used), 0, -1)
                     if _plain("".join(words[used:used + n])) in table), 0)
        if size:
            out[key], used = table[_plain("".join(words[used:used + size]))], used + size
    return used, out


def _plain(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _number(key: str, value: object, notes: list[str]) -> float | None:
    if isinstance(value, bool) or value is None:
        notes.append(f"{key}={value!r} ignored: not a number")
        return None
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        notes.append(f"{key}={value!r} ignored: not a number")
        return None
    if not math.isfinite(number):
        notes.append(f"{key}={value!r} ignored: not a finite number")
        return None
    return number


def nearest_size(family: Family, width: float, height: float) -> tuple[int, int]:
    """The family's listed size closest in aspect ratio."""
    aspect = width / height if width > 0 and height > 0 else 1.0
    return min(family.sizes, key=lambda s: abs(math.log(s[0] / s[1]) - math.log(aspect)))


def size_fits(family: Family, width: int, height: int) -> bool:
    low, high = family.limits["pixels"]
    listed = (width, height) in family.sizes
    free = width % 64 == 0 and height % 64 == 0 and low <= width * height <= high and max(width, height) <= MAX_SIDE
    return listed or (free and max(width / height, height / width) <= 3)


def split_scheduler(params: dict) -> dict:
    """The settings with an old sampler name that holds its scheduler (`DPM++ 2M Karras`) read as A1111 1.9+ reads
    it: the sampler (DPM++ 2M) and the scheduler (Karras)."""
    name = str(params.get("sampler_name", ""))
    if name.lower().endswith(" karras") and "scheduler" not in params:
        return {**params, "sampler_name": name[:-7], "scheduler": "Karras"}
    return params


def _sampler(raw: dict, out: dict, family: Family, notes: list[str]) -> None:
    sampler = raw.get("sampler_name")
    if sampler is not None:
        raw = split_scheduler(raw)
        name = str(raw["sampler_name"])
        picked = _pick(name, _names()["samplers"])
        if picked:
            out["sampler_name"] = picked
        else:
            notes.append(f"unknown sampler {str(sampler)[:40]!r} replaced by {family.params['sampler_name']}")
            out["sampler_name"] = family.params["sampler_name"]
    if raw.get("scheduler") is not None:
        picked = _pick(raw["scheduler"], _names()["schedulers"])
        if picked:
            out["scheduler"] = picked
        else:
            notes.append(f"unknown scheduler {str(raw['scheduler'])[:40]!r} replaced by {family.params['scheduler']}")
            out["scheduler"] = family.params["scheduler"]


def _ranged(raw: dict, out: dict, family: Family, notes: list[str], current: bool = False) -> None:
    for key in ("steps", "cfg_scale", "distilled_cfg_scale"):
        if key not in raw:
            continue
        if key not in family.limits:
            if not current:  # the WebUI's own slider for it (Forge's distilled CFG on SD 1.5): nobody set it
                notes.append(f"{key} ignored: {family.label} has no such setting")
            continue
        number = _number(key, raw[key], notes)
        if number is None:
            continue
        low, high = family.limits[key]
        kept = min(max(number, low), high)
        kept = round(kept) if key == "steps" else round(kept, 2)
        if kept != number:
            notes.append(f"{key} {number:g} -> {kept:g} ({family.label} uses {low:g}-{high:g})")
        out[key] = kept


def _size(raw: dict, out: dict, family: Family, notes: list[str]) -> None:
    if "width" not in raw and "height" not in raw:
        return
    width = _number("width", raw.get("width", out.get("width", family.params["width"])), notes)
    height = _number("height", raw.get("height", out.get("height", family.params["height"])), notes)
    if width is None or height is None:
        return
    if width > 0 and height > 0 and size_fits(family, int(width), int(height)) and width.is_integer() \
            and height.is_integer():
        out["width"], out["height"] = int(width), int(height)
        return
    best = nearest_size(family, width, height)
    notes.append(f"size {width:g}x{height:g} -> {best[0]}x{best[1]} ({family.label}'s sizes, or multiples of 64 "
                 f"from {family.limits['pixels'][0]:,} to {family.limits['pixels'][1]:,} pixels)")
    out["width"], out["height"] = best


def family_params(family: Family, *layers: object, notes: list[str] | None = None, current: object = None) -> dict:
    """The family's defaults, then the settings in use (`current`: the WebUI's components, a version's own), then
    each layer (a model's or a user's changes) over them, every value checked; `notes` gets a line for each value
    changed or dropped, but none for a setting of `current` the family does not have: the WebUI shows some
    components whatever the model (Forge's distilled CFG), so nobody set that one."""
    notes = notes if notes is not None else []
    out = dict(family.params)
    for index, layer in enumerate((current, *layers)):
        if not isinstance(layer, dict):
            if layer not in (None, ""):
                notes.append("settings ignored: not an object")
            continue
        raw = {}
        for key, value in layer.items():
            name = _ALIASES.get(str(key), str(key))
            if name not in KEYS:
                notes.append(f"unknown setting {str(key)[:40]!r} dropped")
                continue
            raw.setdefault(name, value)
        _sampler(raw, out, family, notes)
        _ranged(raw, out, family, notes, current=index == 0)
        _size(raw, out, family, notes)
    if "distilled_cfg_scale" not in family.limits:
        out.pop("distilled_cfg_scale", None)
    return out


def aspect_size(family: Family, aspect: tuple[int, int]) -> dict:
    """The family's size for an aspect ratio ("square", "portrait", "16:9")."""
    width, height = nearest_size(family, *aspect)
    return {"width": width, "height": height}
