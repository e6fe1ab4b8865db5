"""Zero configuration: with no provider named anywhere, the best the machine can reach. An Ollama that
answers at OLLAMA_HOST (asked with a short timeout) and has models installed is used, with models
chosen to fit beside the checkpoint; otherwise the embedded model. The banner says which and why;
LLM_PROVIDER=local (or any provider setting) is obeyed as it is."""

from __future__ import annotations

from dataclasses import replace

from ..settings.config import RoleConfig, Settings, SettingValue, model_defaults
from .gpu import read_gpus
from .ollama_vram import OllamaAdmin, same_model
from .planner import SdFacts, auto_configure, hardware_report

PROVIDER_SETTINGS = ("LLM_PROVIDER", "PLANNING_LLM_PROVIDER", "EXECUTION_LLM_PROVIDER", "USE_DUAL_LLM")
PROBE_S = 0.5


def nothing_configured(settings: Settings) -> bool:
    return all(settings.entries.get(name) is None or settings.entries[name].source == "default"
               for name in PROVIDER_SETTINGS)


def choose(settings: Settings, *, timeout_s: float = PROBE_S) -> Settings:
    """The settings with zero-config applied (in place, and returned); `settings.reason` says why."""
    if settings.reason or not nothing_configured(settings):
        return settings
    state = OllamaAdmin(settings.ollama_host, timeout_s=timeout_s).state()
    if not state.reachable or not state.installed:
        why = "does not answer" if not state.reachable else "answers but has no model installed"
        settings.reason = (f"nothing configured and Ollama at {settings.ollama_host} {why}: the embedded model "
                           "(set LLM_PROVIDER to choose)")
        return settings
    default = model_defaults()["defaults"]["ollama"]["single"]
    settings.planning = RoleConfig("planning", "ollama", default, settings.ollama_host)
    settings.execution = replace(settings.planning, role="execution")
    report = hardware_report(read_gpus(), SdFacts(), state, num_ctx=4096)  # the state just read, not asked again
    auto_configure(settings, report.recommended)
    installed = [m["name"] for m in state.installed]
    for role in ("planning", "execution"):
        config = settings.role(role)
        if not any(same_model(config.model, name) for name in installed):  # never a model that needs a pull
            config = replace(config, model=installed[0], auto_note="installed")
            setattr(settings, role, config)
    settings.entries["LLM_PROVIDER"] = SettingValue("LLM_PROVIDER", "ollama", "auto")
    settings.reason = (f"nothing configured and Ollama answers at {settings.ollama_host}: using "
                       f"{settings.planning.model}, chosen to fit (LLM_PROVIDER=local forces the embedded model)")
    return settings
