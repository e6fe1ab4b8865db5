"""VRAM-aware model choice beside the SD checkpoint, and sharing the GPU with Ollama.

Nothing here imports torch until a report is asked for.
"""

from __future__ import annotations

from ..settings.config import Settings
from .gpu import GpuReading, read_gpus, what_if
from .ollama_vram import Freed, OllamaAdmin, rewarm_later
from .planner import HardwareReport, SdFacts, hardware_report, needs_room


def machine_report(settings: Settings, sd: SdFacts | None = None, *, vram_gb: float | None = None,
                   reading: GpuReading | None = None, ask_ollama: bool = True) -> HardwareReport:
    """The report for this machine (or for a pretend card of `vram_gb`)."""
    if reading is None:
        reading = what_if(vram_gb) if vram_gb else read_gpus()
    state = OllamaAdmin(settings.ollama_host).state() if ask_ollama else None
    return hardware_report(reading, sd or SdFacts(), state, num_ctx=4096)


def our_ollama_models(settings: Settings) -> list[str]:
    return list(dict.fromkeys(r.model for r in (settings.planning, settings.execution)
                              if r.provider == "ollama" and r.model))


def free_vram_for_generation(settings: Settings, sd: SdFacts | None = None, *, policy: str | None = None,
                             reading: GpuReading | None = None) -> Freed:
    """Before Stable Diffusion generates: unload Ollama models per the policy and report the GB freed.
    `auto` unloads only when the loaded models and this generation do not fit together."""
    policy = policy or settings.vram_policy
    ours = our_ollama_models(settings)
    if policy == "never":
        return Freed([], 0.0, "policy never")
    if not ours and settings.vram_scope == "ours":
        return Freed([], 0.0, "no role uses Ollama")
    admin = OllamaAdmin(settings.ollama_host, timeout_s=3.0)
    if policy == "auto":
        state = admin.state()
        if not needs_room(reading or read_gpus(), sd or SdFacts(family="sdxl"), state):
            return Freed([], 0.0, "they fit together")
    freed = admin.free_vram(None if settings.vram_scope == "all" else ours)
    if settings.rewarm and freed.unloaded and settings.execution.provider == "ollama":
        freed.reason += "; the execution model loads again in the background"
    return freed


def after_generation(settings: Settings, freed: Freed) -> None:
    """Re-warm the execution model after a generation when SDPA_REWARM is on and we unloaded it."""
    if settings.rewarm and freed.unloaded and settings.execution.provider == "ollama":
        rewarm_later(OllamaAdmin(settings.ollama_host), settings.execution.model)


__all__ = ["Freed", "GpuReading", "HardwareReport", "OllamaAdmin", "SdFacts", "after_generation",
           "free_vram_for_generation", "machine_report", "read_gpus", "what_if"]
