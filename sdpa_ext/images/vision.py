"""Which configured models see images (data/vision.json), and the plain message when one does not."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from ..errors import ConfigError
from ..settings.config import RoleConfig

DATA = Path(__file__).resolve().parents[1] / "data" / "vision.json"
def _prefix(role: str, dual: bool) -> str:
    """How the role's settings are named: `PLANNING_` in dual mode, nothing in single mode (one LLM for both)."""
    return f"{role.upper()}_" if dual else ""


def _elsewhere(role: str, dual: bool) -> str:
    """Providers whose models see, each with every setting it needs, named as this mode reads them."""
    p = _prefix(role, dual)
    return (f"{p}LLM_PROVIDER=gemini with GEMINI_API_KEY=<your key> (gemini-2.5-flash), {p}LLM_PROVIDER=claude "
            f"with ANTHROPIC_API_KEY=<your key> (claude-sonnet-4-5), or {p}LLM_PROVIDER=ollama with "
            f"{p}OLLAMA_MODEL=qwen2.5vl:3b (after `ollama pull qwen2.5vl:3b`)")


def _suggestion(role: str, config: RoleConfig, dual: bool) -> str:
    """The same provider's model that sees, as the setting this mode reads (`OLLAMA_MODEL=qwen2.5vl:3b`)."""
    suggest = _data().get(config.provider, {}).get("suggest")
    return f"{_prefix(role, dual)}{config.provider.upper()}_MODEL={suggest}" if suggest else ""


@cache
def _data() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def sees(provider: str, model: str) -> bool:
    """True when this provider's model takes images."""
    model, known = model.lower().strip(), _data().get(provider, {})
    return any(model.startswith(prefix) or f"/{prefix}" in model for prefix in known.get("sees", [])) and not any(
        model.startswith(prefix) for prefix in known.get("blind", []))


def require(role: str, config: RoleConfig, dual: bool = False) -> None:
    """ConfigError naming a model that sees, as the settings this mode reads (`dual`: USE_DUAL_LLM), when the
    role's model does not: followed to the letter, the next call can see."""
    if sees(config.provider, config.model):
        return
    suggest = _suggestion(role, config, dual)
    hint = (f"set {suggest}, or another model that sees images" if suggest
            else f"the embedded model reads text only; set {_elsewhere(role, dual)}")
    raise ConfigError(f"{role} model", hint=f"{config.label} cannot see images: {hint}")


def line(role: str, config: RoleConfig, dual: bool = False) -> str:
    """`check`'s line for a role."""
    if sees(config.provider, config.model):
        return f"{role}: {config.label} sees images"
    suggest = _suggestion(role, config, dual)
    return f"{role}: {config.label} cannot see images ({f'try {suggest}' if suggest else _elsewhere(role, dual)})"
