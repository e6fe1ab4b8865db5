"""List prices as data (USD per million tokens) and the cost of one call."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

from .types import Usage

PRICES_FILE = Path(__file__).with_name("prices.json")


@cache
def load_prices(override: str = "") -> dict:
    prices = json.loads(PRICES_FILE.read_text(encoding="utf-8"))
    if override:
        extra = json.loads(Path(override).read_text(encoding="utf-8"))
        prices["models"] = {**prices["models"], **extra.get("models", {})}
    return prices


def price_for(provider: str, model: str, override: str = "") -> dict | None:
    """The price row for a model id: exact, else the longest known prefix (dated snapshots)."""
    prices = load_prices(override)
    if provider in prices["free_providers"]:
        return {"input": 0.0, "output": 0.0, "cache_write": 0.0, "cache_read": 0.0}
    name = _norm(model.split("/")[-1].removeprefix("models/"))
    rows = {_norm(key): row for key, row in prices["models"].items()}
    if name in rows:
        return rows[name]
    prefixes = [key for key in rows if name.startswith(key)]
    return rows[max(prefixes, key=len)] if prefixes else None


def _norm(model: str) -> str:
    """Version dots and dashes alike: OpenRouter's "claude-haiku-4.5" is Anthropic's "claude-haiku-4-5"."""
    return re.sub(r"(?<=\d)\.(?=\d)", "-", model.lower())


def cost_usd(provider: str, model: str, usage: Usage, override: str = "") -> float | None:
    """Estimated cost of one call, or None when the model's price is unknown."""
    row = price_for(provider, model, override)
    if row is None:
        return None
    total = (usage.input_tokens * row["input"] + usage.output_tokens * row["output"]
             + usage.cache_read_tokens * row.get("cache_read", row["input"])
             + usage.cache_write_tokens * row.get("cache_write", row["input"]))
    return round(total / 1_000_000, 8)
