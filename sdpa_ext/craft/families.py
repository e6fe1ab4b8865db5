"""Model families (data in data/families.json), style presets, and detecting the family in use."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..errors import ConfigError
from ..types import HostContext
from .lexicon import lexicon, words_of

DATA = Path(__file__).with_name("data")
DEFAULT_FAMILY = "sdxl"


@dataclass(frozen=True)
class Family:
    key: str
    label: str
    style: str  # "tags" or "sentences"
    rules: str
    quality: tuple[str, ...]
    prefix: tuple[str, ...]
    negative: str
    params: dict
    sizes: tuple[tuple[int, int], ...]
    weights: bool  # attention weights welcome
    negative_allowed: bool
    example: dict
    hints: tuple[str, ...]
    limits: dict  # steps, cfg_scale (and distilled_cfg_scale) ranges, pixels: the area range of a size
    rating: str = ""  # the rating tag its prompts carry (Pony: rating_safe)
    source: bool = False  # a source tag leads (Pony: source_anime, none for a photo)
    counts: bool = False  # Danbooru count tags lead (Illustrious: 1girl, solo)
    prefer_medium: tuple[str, ...] = ()  # the media its pictures are, best first

    @property
    def sentences(self) -> bool:
        """It reads sentences (Flux, SD3), not comma tags."""
        return self.style == "sentences"

    @property
    def booru(self) -> bool:
        """Trained on booru tags (DeepBooru's vocabulary): its prompts open with booru's source or count tags."""
        return self.source or self.counts

    def named_by(self, phrase: str) -> bool:
        """A phrase that only names the family (`pony style`, `in sdxl`, `a simple pony prompt`: how the prompt is
        asked for): chosen already, nothing to draw."""
        names = {w for said in (*self.hints, self.label) for w in words_of(said.lower())}
        words = words_of(phrase.lower())
        said = set(words) - lexicon().heads["generic"]
        asked = phrase.lower().rstrip(" .").endswith(("prompt", "prompts")) and len(words) <= 4
        return bool(said) and (said <= names or bool(said & names and asked))

    def leading(self, medium: str | None, said: str = "") -> list[str]:
        """The tags that open its prompts after the prefix: a source (the one a word of `said` names: `furry`), a
        rating (Pony)."""
        sources = lexicon().tag_forms["sources"]
        named = next((sources[w][0] for w in words_of(said) if w in sources), "source_anime")
        source = [named] if self.source and medium != "photo" else []
        return [*source, *([self.rating] if self.rating else [])]


@cache
def families() -> dict[str, Family]:
    raw = json.loads((DATA / "families.json").read_text(encoding="utf-8"))
    return {
        key: Family(key=key, label=v["label"], style=v["style"], rules=v["rules"], quality=tuple(v["quality"]),
                    prefix=tuple(v["prefix"]), negative=v["negative"], params=dict(v["params"]),
                    sizes=tuple(tuple(s) for s in v["sizes"]), weights=v["weights"],
                    negative_allowed=v["negative_allowed"], example=v["example"], hints=tuple(v["hints"]),
                    limits=v["limits"], rating=v["leading"]["rating"], source=v["leading"]["source"],
                    counts=v["leading"]["counts"], prefer_medium=tuple(v["leading"]["prefer_medium"]))
        for key, v in raw.items()
    }


@cache
def styles() -> dict[str, dict]:
    return json.loads((DATA / "styles.json").read_text(encoding="utf-8"))


def family_choices() -> list[str]:
    return ["auto", *families()]


def get_style(name: str | None) -> dict | None:
    if not name:
        return None
    key = name.strip().lower().replace("_", " ").replace("-", " ")
    if key not in styles():
        raise ConfigError("style", name, sorted(styles()))
    return styles()[key]


# Architecture flags the hosts report -> the family they imply.
_ARCH = {"sd1": "sd15", "sd15": "sd15", "sd2": "sd15", "sdxl": "sdxl", "ssd": "sdxl", "sd3": "sd3",
         "flux": "flux", "chroma": "flux"}
# Name hints that refine an SDXL architecture (Pony and Illustrious are SDXL fine-tunes).
_SDXL_FINETUNES = ("pony", "illustrious")


# Forge's UI preset (sd / xl / flux; "all" says nothing) -> family.
_PRESETS = {"sd": "sd15", "xl": "sdxl", "flux": "flux"}
# Most specific first: "ponyDiffusionV6XL" is Pony before it is SDXL.
_HINT_ORDER = ("pony", "illustrious", "flux", "sd3", "sd15", "sdxl")


def _hinted(name: str) -> str | None:
    lowered = name.lower()
    for key in _HINT_ORDER:
        if any(hint in lowered for hint in families()[key].hints):
            return key
    return None


def _arch(ctx: HostContext) -> tuple[str, str]:
    """The architecture and where it came from: the loaded model, else the selected file's header."""
    if ctx.arch and ctx.arch.lower() in _ARCH:
        return _ARCH[ctx.arch.lower()], f"the host reports a {ctx.arch} checkpoint"
    if ctx.checkpoint_file:
        from .checkpoint import arch_of_file

        found = arch_of_file(ctx.checkpoint_file)
        if found:
            return _ARCH[found], f"the selected checkpoint's tensors are {found}"
    return "", ""


def resolve_family(requested: str | None, ctx: HostContext | None = None) -> tuple[Family, str]:
    """The family to write for, and why: the loaded model's architecture, else the selected checkpoint's
    file header, its name, Forge's UI preset; SDXL when nothing is known."""
    requested = (requested or "auto").strip().lower()
    if requested != "auto":
        if requested not in families():
            raise ConfigError("family", requested, family_choices())
        return families()[requested], f"chosen: --family {requested}"
    ctx = ctx or HostContext()
    name = ctx.checkpoint
    hinted = _hinted(name) if name else None
    arch, why = _arch(ctx)
    if arch == "sdxl" and hinted in _SDXL_FINETUNES:
        return families()[hinted], f"checkpoint {name!r} is SDXL and its name says {hinted}"
    if arch:
        return families()[arch], why + (f" ({name})" if name else "")
    if hinted:
        return families()[hinted], f"checkpoint name {name!r} suggests {hinted}"
    preset = _PRESETS.get(ctx.preset.strip().lower())
    if preset:
        return families()[preset], f"Forge's UI preset is {ctx.preset!r}"
    if name:
        return families()[DEFAULT_FAMILY], f"checkpoint {name!r} gives no hint; SDXL assumed"
    return families()[DEFAULT_FAMILY], "no checkpoint known; SDXL assumed (use --family to choose)"
