"""The VRAM budget beside the Stable Diffusion checkpoint, and which Ollama models fit in it.

Budget = GPU total - SD footprint - generation working memory - margin (data in sd.json).
Recommendations come from catalog.json: one model for single mode; for dual mode a planning model
(quality first) and an execution model (speed first). Installed models are preferred; a model that is
not installed comes with its `ollama pull` command. When no useful pair fits beside the checkpoint,
the mode is `swap`: Ollama is unloaded before each generation.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from functools import cache
from pathlib import Path

from ..settings.config import RoleConfig, Settings
from .gpu import GpuInfo, GpuReading
from .ollama_vram import OllamaState, same_model

DATA = Path(__file__).resolve().parent
MIN_PLANNING_QUALITY = 60  # below this a model writes prompts no better than the embedded one
MIN_EXECUTION_QUALITY = 45
DEFAULT_CTX = 4096
# What a what-if report accepts (`hardware --vram-gb ...`): (lowest, highest).
LIMITS = {"vram_gb": (0.5, 1024.0), "checkpoint_gb": (0.1, 200.0), "width": (64, 8192), "height": (64, 8192),
          "batch": (1, 64)}
CPU_REASON = "Ollama runs on the CPU, where small models answer fastest; a cloud provider is faster still"


def no_gpu(why: str) -> str:
    """The one sentence every report gives without a GPU."""
    return f"No CUDA GPU ({why.removeprefix('no CUDA GPU: ')}): no VRAM to share, nothing to budget"


@cache
def catalog() -> dict:
    return json.loads((DATA / "catalog.json").read_text(encoding="utf-8"))


@cache
def sd_data() -> dict:
    return json.loads((DATA / "sd.json").read_text(encoding="utf-8"))


@dataclass
class SdFacts:
    """What is known about Stable Diffusion's side (from the host, or from the command line)."""

    family: str = ""  # "" when no checkpoint is known
    checkpoint: str = ""
    footprint_gb: float | None = None  # measured or given; else the family's typical size
    source: str = "none"  # host, --checkpoint-gb, --family, none
    gpu_index: int = 0
    mode: str = "normal"  # normal, medvram, lowvram
    width: int = 1024
    height: int = 1024
    batch: int = 1

    @property
    def known(self) -> bool:
        return bool(self.family) or self.footprint_gb is not None

    def resident_gb(self) -> float:
        if self.footprint_gb is not None:
            return self.footprint_gb
        family = sd_data()["families"].get(self.family or "sdxl")
        return family["footprint_gb"] * sd_data()["modes"].get(self.mode, 1.0)

    def working_gb(self) -> float:
        family = sd_data()["families"].get(self.family or "sdxl")
        megapixels = self.width * self.height / 1e6
        return family["base_gb"] + family["per_megapixel_gb"] * megapixels * max(1, self.batch)


@dataclass
class Candidate:
    model: str
    vram_gb: float
    quality: int
    speed: int
    installed: bool

    def as_pick(self) -> dict:
        return {"model": self.model, "vram_gb": round(self.vram_gb, 2), "installed": self.installed,
                "pull": "" if self.installed else f"ollama pull {self.model}"}


@dataclass
class Recommendation:
    single: dict | None
    dual: dict | None
    mode: str  # concurrent, swap, or cpu (no GPU)
    reason: str
    gpu_index: int | None = None
    vision: dict | None = None  # an Ollama model that sees images, for the same room (Ollama swaps it in)


@dataclass
class HardwareReport:
    gpus: list[dict]
    cuda: bool
    message: str
    sd: dict
    budget_gb: float
    ollama: dict
    recommended: Recommendation
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def margin_gb(total_gb: float) -> float:
    margin = sd_data()["margin"]
    return margin["fixed_gb"] + margin["fraction"] * total_gb


def model_candidates(state: OllamaState | None, num_ctx: int = DEFAULT_CTX) -> list[Candidate]:
    """The catalog's models plus installed ones it does not know (ranked by their size)."""
    installed = [m["name"] for m in (state.installed if state and state.reachable else [])]
    extra_ctx = max(0, num_ctx - DEFAULT_CTX) / 1024
    found = [Candidate(m["tag"], m["vram_gb"] + m["kv_gb_per_1k"] * extra_ctx, m["quality"], m["speed"],
                       any(same_model(m["tag"], name) for name in installed))
             for m in catalog()["models"]]
    for model in state.installed if state and state.reachable else []:
        if not any(same_model(model["name"], c.model) for c in found) and model["size_gb"] > 0:
            size = model["size_gb"]  # unknown to the catalog: bigger is better, smaller is faster
            found.append(Candidate(model["name"], size * 1.15 + 0.3, min(85, int(40 + 6 * size)),
                                   max(20, int(100 - 9 * size)), True))
    return found


def _best_single(pool: list[Candidate], budget: float) -> Candidate | None:
    fitting = [c for c in pool if c.vram_gb <= budget and c.quality >= MIN_PLANNING_QUALITY]
    if not fitting:
        return None
    return max(fitting, key=lambda c: (c.installed, c.quality, c.speed))


def _best_pair(pool: list[Candidate], budget: float) -> tuple[Candidate, Candidate] | None:
    best, best_key = None, None
    for planning in pool:
        if planning.quality < MIN_PLANNING_QUALITY or planning.vram_gb > budget:
            continue
        for execution in pool:
            if execution is planning or execution.quality < MIN_EXECUTION_QUALITY:
                continue
            if execution.vram_gb > planning.vram_gb or planning.vram_gb + execution.vram_gb > budget:
                continue
            # Planning: quality first. Execution: speed first, but not at any price in quality.
            key = (planning.installed + execution.installed, planning.quality, execution.speed + execution.quality)
            if best_key is None or key > best_key:
                best, best_key = (planning, execution), key
    return best


def _pair_dict(pair: tuple[Candidate, Candidate], gpu: GpuInfo, sd_gpu: bool) -> dict:
    planning, execution = pair
    total = planning.vram_gb + execution.vram_gb
    return {"planning": planning.as_pick(), "execution": execution.as_pick(), "total_gb": round(total, 2),
            "free_for_sd_gb": round(gpu.total_gb - total if sd_gpu else gpu.total_gb, 2)}


def _guide_pair(total_gb: float, pool: list[Candidate]) -> tuple[Candidate, Candidate] | None:
    by_tag = {c.model: c for c in pool}
    for tier in catalog()["guide_tiers"]["tiers"]:
        if total_gb >= tier["min_gb"]:
            return by_tag[tier["planning"]], by_tag[tier["execution"]]
    return None


def vision_pick(reading: GpuReading, sd: SdFacts, state: OllamaState | None, budget: float) -> dict | None:
    """The vision model for this machine: without a GPU the catalog's CPU pick; with no checkpoint known and
    nothing installed the guide-style tier for the card; else the best (installed first) that fits the LLM
    budget beside the checkpoint, else in swap mode's room, else the smallest (installed first) in the whole card
    (it spills to the CPU while the checkpoint is loaded: a smaller card never gets a larger model than a larger
    card). None when nothing fits even then."""
    vision = catalog()["vision"]
    installed = [m["name"] for m in (state.installed if state and state.reachable else [])]

    def pick(model: dict, note: str) -> dict:
        have = any(same_model(model["tag"], name) for name in installed)
        return {"model": model["tag"], "vram_gb": model["vram_gb"], "installed": have,
                "pull": "" if have else f"ollama pull {model['tag']}", "note": note}

    by_tag = {m["tag"]: m for m in vision["models"]}
    if not reading.gpus:
        return pick(by_tag[vision["cpu"]], "on the CPU: the smallest model that sees")
    gpu = max(reading.gpus, key=lambda g: g.total_gb)
    if not sd.known and not installed:
        tier = next((t for t in vision["tiers"] if gpu.total_gb >= t["min_gb"]), None)
        return pick(by_tag[tier["model"]], f"for {gpu.total_gb:g} GB of VRAM") if tier else None
    ranked = sorted(vision["models"], key=lambda m: (any(same_model(m["tag"], n) for n in installed), m["quality"]),
                    reverse=True)
    fits = next((m for m in ranked if m["vram_gb"] <= budget), None)
    if fits is not None:
        return pick(fits, f"fits the {budget:.1f} GB beside the checkpoint; Ollama loads it in place of the text "
                          "models when you ask about an image")
    swap = gpu.total_gb - (sd.resident_gb() if sd.known else 0.0) - margin_gb(gpu.total_gb)
    fits = next((m for m in ranked if m["vram_gb"] <= swap), None)
    if fits is not None:
        return pick(fits, "swap mode: Ollama is unloaded before each generation")
    whole = gpu.total_gb - margin_gb(gpu.total_gb)  # spilling to the CPU: the less it spills, the faster
    fits = min((m for m in ranked if m["vram_gb"] <= whole), key=lambda m: (
        not any(same_model(m["tag"], n) for n in installed), m["vram_gb"]), default=None)
    return pick(fits, "runs partly on the CPU while the checkpoint is loaded (slower)") if fits else None


def recommend(reading: GpuReading, sd: SdFacts, state: OllamaState | None = None,
              num_ctx: int = DEFAULT_CTX) -> tuple[Recommendation, float]:
    """The recommendation (a vision model with it) and the LLM budget in GB."""
    recommendation, budget = _recommend_text(reading, sd, state, num_ctx)
    recommendation.vision = vision_pick(reading, sd, state, budget)
    return recommendation, budget


def _recommend_text(reading: GpuReading, sd: SdFacts, state: OllamaState | None,
                    num_ctx: int) -> tuple[Recommendation, float]:
    """The text models' recommendation and the LLM budget in GB."""
    pool = model_candidates(state, num_ctx)
    if not reading.gpus:
        small = [c for c in pool if c.model in ("llama3.2:3b", "gemma2:2b")]
        return Recommendation(
            small[0].as_pick(),
            {"planning": small[0].as_pick(), "execution": small[1].as_pick(),
             "total_gb": round(small[0].vram_gb + small[1].vram_gb, 2), "free_for_sd_gb": None},
            "cpu", CPU_REASON), 0.0
    any_installed = any(c.installed for c in pool)
    budgets = []
    for gpu in reading.gpus:
        sd_here = sd.known and gpu.index == sd.gpu_index
        need = sd.resident_gb() + sd.working_gb() if sd_here else 0.0
        budgets.append((gpu.total_gb - need - margin_gb(gpu.total_gb), gpu, sd_here))
    budget, gpu, sd_here = max(budgets, key=lambda b: b[0])
    where = f"GPU {gpu.index} ({gpu.name}, {gpu.total_gb:g} GB)"

    if not sd.known and not any_installed:
        pair = _guide_pair(gpu.total_gb, pool)
        if pair is not None:
            total = pair[0].vram_gb + pair[1].vram_gb
            return Recommendation(pair[0].as_pick(), _pair_dict(pair, gpu, True), "concurrent",
                                  f"no checkpoint known: the guide's pair for {gpu.total_gb:g} GB of VRAM, about "
                                  f"{total:g} GB, leaving {gpu.total_gb - total:g} GB for Stable Diffusion",
                                  gpu.index), round(total, 2)
    if not sd.known:  # installed models but no checkpoint: keep what the guide leaves for SD
        pair = _guide_pair(gpu.total_gb, pool)
        budget = pair[0].vram_gb + pair[1].vram_gb if pair else gpu.total_gb - margin_gb(gpu.total_gb)

    pair = _best_pair(pool, budget)
    single = _best_single(pool, budget)
    if pair is not None:
        sd_text = (f"Stable Diffusion needs {sd.resident_gb():.1f} GB + {sd.working_gb():.1f} GB to generate "
                   f"{sd.width}x{sd.height}" if sd_here else "Stable Diffusion is on another GPU")
        return Recommendation(single.as_pick() if single else None, _pair_dict(pair, gpu, sd_here), "concurrent",
                              f"{where}: {sd_text}; {budget:.1f} GB is left for Ollama", gpu.index), round(budget, 2)

    # Nothing useful fits beside the checkpoint: unload Ollama before each generation (swap).
    swap_budget = gpu.total_gb - (sd.resident_gb() if sd_here else 0.0) - margin_gb(gpu.total_gb)
    pair = _best_pair(pool, swap_budget)
    single = _best_single(pool, swap_budget)
    reason = (f"{where}: Stable Diffusion needs {sd.resident_gb():.1f} GB + {sd.working_gb():.1f} GB to generate, "
              f"leaving {max(0.0, budget):.1f} GB: no useful pair fits beside it. Swap mode: Ollama is unloaded "
              f"before each generation ({max(0.0, swap_budget):.1f} GB while you write prompts)")
    if pair is None:  # Ollama can still run, spilling layers to the CPU (slower)
        whole = gpu.total_gb - margin_gb(gpu.total_gb)
        pair, single = _best_pair(pool, whole), _best_single(pool, whole)
        reason += ("; even that is too little: these models run partly on the CPU while the checkpoint is "
                   "loaded (slower); a cloud provider for planning avoids it")
    return Recommendation(single.as_pick() if single else None,
                          _pair_dict(pair, gpu, sd_here) if pair else None, "swap", reason, gpu.index), \
        round(max(0.0, budget), 2)


def hardware_report(reading: GpuReading, sd: SdFacts, state: OllamaState | None,
                    num_ctx: int = DEFAULT_CTX) -> HardwareReport:
    recommendation, budget = recommend(reading, sd, state, num_ctx)
    sd_info = {"checkpoint": sd.checkpoint, "family": sd.family or None,
               "footprint_gb": round(sd.resident_gb(), 2) if sd.known else None, "source": sd.source,
               "working_gb": round(sd.working_gb(), 2) if sd.known else None, "mode": sd.mode}
    ollama = asdict(state) if state is not None else {"host": "", "reachable": False, "version": "", "installed": [],
                                                      "loaded": [], "error": "not asked"}
    message = reading.message if reading.gpus else no_gpu(reading.message)
    return HardwareReport([asdict(g) for g in reading.gpus], bool(reading.gpus), message, sd_info, budget,
                          ollama, recommendation)


def needs_room(reading: GpuReading, sd: SdFacts, state: OllamaState) -> bool:
    """Policy `auto`: do the loaded Ollama models and this generation not fit together?"""
    if not reading.gpus or not state.reachable or not state.loaded:
        return False
    gpu = next((g for g in reading.gpus if g.index == sd.gpu_index), reading.gpus[0])
    loaded = sum(m["vram_gb"] for m in state.loaded)
    return sd.resident_gb() + sd.working_gb() + loaded + margin_gb(gpu.total_gb) > gpu.total_gb


def auto_configure(settings: Settings, recommendation: Recommendation) -> list[str]:
    """Roles on Ollama without a model of the user's get the recommended one (OLLAMA_AUTO_CONFIGURE)."""
    notes = []
    for role in ("planning", "execution"):
        config: RoleConfig = settings.role(role)
        var = f"{role.upper()}_OLLAMA_MODEL" if settings.dual else "OLLAMA_MODEL"
        entry = settings.entries.get(var)
        if config.provider != "ollama" or (entry is not None and entry.source != "default"):
            continue
        if settings.dual and recommendation.dual:
            pick = recommendation.dual[role]
        elif recommendation.single:
            pick = recommendation.single
        else:
            continue
        why = f"fits {pick['vram_gb']:g} GB, {recommendation.mode}" + ("" if pick["installed"] else
                                                                       f"; run `{pick['pull']}`")
        updated = replace(config, model=pick["model"], auto_note=why)
        if role == "planning":
            settings.planning = updated
            if not settings.dual:
                settings.execution = replace(settings.execution, model=pick["model"], auto_note=why)
        else:
            settings.execution = updated
        notes.append(f"{role}: {pick['model']} ({why})")
    return notes
