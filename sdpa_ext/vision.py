"""Which configured models see images (data/vision.json), and the plain message when one does not."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from .config import RoleConfig
from .errors import ConfigError

DATA = Path(__file__).resolve().parent / "data" / "vision.json"
def _local(role: str) -> str:
    return (f"{role.upper()}_LLM_PROVIDER=gemini (gemini-2.5-flash), claude (claude-sonnet-4-5) or ollama with "
            "qwen2.5vl:3b or llava:7b")


@cache
def _data() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def sees(provider: str, model: str) -> bool:
    """True when this provider's model takes images."""
    model = model.lower().strip()
    return any(model.startswith(prefix) or f"/{prefix}" in model for prefix in _data().get(provider, {}).get(
        "sees", []))


def require(role: str, config: RoleConfig) -> None:
    """ConfigError naming a model that sees, when the role's model does not."""
    if sees(config.provider, config.model):
        return
    suggest = _data().get(config.provider, {}).get("suggest")
    hint = (f"set {role.upper()}_LLM_MODEL={suggest}, or another model that sees images" if suggest
            else f"the embedded model reads text only; use one that sees images: {_local(role)}")
    raise ConfigError(f"{role} model", hint=f"{config.label} cannot see images: {hint}")


def line(role: str, config: RoleConfig) -> str:
    """`check`'s line for a role."""
    if sees(config.provider, config.model):
        return f"{role}: {config.label} sees images"
    suggest = _data().get(config.provider, {}).get("suggest")
    return f"{role}: {config.label} cannot see images" + (f" (try {suggest})" if suggest else
                                                         f" ({_local(role)})")
