"""The data the use-case layer hands to every front end (the CLI's and the API's JSON is `to_json()` of these)."""

from __future__ import annotations

import math
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from .providers.types import Completion, Usage

# The fields of a version that hold text from the user or a model (tokens: its chunks' text): scrubbed of
# secrets before a version is kept or shown, and again when history is read.
TEXT_FIELDS = ("prompt", "negative_prompt", "params", "provider", "model", "family_reason", "notes", "warnings",
               "source", "tokens", "extra")

if TYPE_CHECKING:
    from .images.infotext import Infotext

JSON_ORDER = ("prompt", "negative_prompt", "params", "provider", "model", "role", "usage", "cost_usd",
              "latency_s", "ttft_s", "family", "family_reason", "notes", "warnings", "tokens", "extra", "kind",
              "source", "id", "parent", "takes", "created")


@dataclass
class HostContext:
    """What the host (the WebUI adapter) tells us; defaults when standalone."""

    checkpoint: str = ""  # the loaded (or, with none loaded, the selected) checkpoint's name
    arch: str = ""  # architecture flag from the host: sd1, sd2, sdxl, sd3, flux, ...
    checkpoint_file: str = ""  # the selected checkpoint's file, when no model is loaded (its header tells)
    preset: str = ""  # Forge's UI preset: sd, xl, flux (all: no hint)
    embeddings: list[str] = field(default_factory=list)  # textual-inversion names the host has loaded
    count_tokens: Callable[[str], list[int]] | None = None  # the host's CLIP tokenizer, if any
    user: str = ""  # the logged-in WebUI user, for per-user history
    read_image: Callable[[bytes], Infotext | None] | None = None  # the host's own infotext reader, if any
    # The host's own interrogator (image bytes, tags wanted -> caption, its name: CLIP or DeepBooru), which stands
    # in for "Prompt from image" when the planning model cannot see.
    interrogate: Callable[[bytes, bool], tuple[str, str]] | None = None


@dataclass
class PromptVersion:
    """One version of the prompt fields, and how it was made."""

    prompt: str
    negative_prompt: str = ""
    params: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)  # an image's other settings (seed, model, LoRA hashes...), kept
    provider: str = ""
    model: str = ""
    role: str = ""
    usage: Usage = field(default_factory=Usage)
    cost_usd: float | None = 0.0
    latency_s: float = 0.0
    ttft_s: float | None = None
    family: str = ""
    family_reason: str = ""
    notes: str = ""  # the model's one line on what it chose
    warnings: list[str] = field(default_factory=list)  # repairs, fallbacks, removed spans
    kind: str = "plan"  # plan, refine, edit (by hand), restore, image (read from an image's parameters)
    source: str = ""  # the description or instruction that made it
    tokens: dict = field(default_factory=dict)  # CLIP token counts and chunk boundaries
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    parent: str = ""
    takes: list[str] = field(default_factory=list)  # the ids of the takes made with it (itself included), in order
    created: float = field(default_factory=time.time)

    def to_json(self) -> dict:
        """The documented JSON shape of a result (stable key order; NaN and infinities as null)."""
        data = asdict(self)
        return finite({key: data[key] for key in JSON_ORDER})


@dataclass
class Takes:
    """What one plan or refine made: its version, or several takes, and what the calls behind them cost."""

    versions: list[PromptVersion]
    cost_usd: float | None
    latency_s: float
    calls: int  # model calls (a chip or our rules: none)

    @classmethod
    def of(cls, versions: list[PromptVersion], completions: list[Completion]) -> Takes:
        """Takes numbered and linked (each lists every take's id), with the totals of the distinct calls."""
        calls = list({id(c): c for c in completions}.values())
        costs = [c.cost_usd for c in calls]
        if len(versions) > 1:
            ids = [v.id for v in versions]
            for index, version in enumerate(versions):
                version.takes = list(ids)
                version.notes = f"take {index + 1} of {len(versions)}: {version.notes}".rstrip(": ")
        return cls(versions, None if None in costs else round(sum(costs), 8),
                   round(sum(c.latency_s for c in calls), 3), sum(c.provider != "rules" for c in calls))


def finite(value: Any) -> Any:
    """`value` with every NaN or infinity replaced by None (JSON has no such numbers)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite(v) for v in value]
    return value


@dataclass
class ImageCheck:
    """The execution model's look at a generated image: what matches, what does not, refines to try."""

    matches: list[str]
    mismatches: list[str]
    refines: list[str]  # at most three instructions, each a button that runs it
    provider: str = ""
    model: str = ""
    usage: Usage = field(default_factory=Usage)
    cost_usd: float | None = 0.0
    latency_s: float = 0.0
    image: str = ""  # what was sent: `768x1024 JPEG, about 1,049 tokens`

    def to_json(self) -> dict:
        return finite(asdict(self))
