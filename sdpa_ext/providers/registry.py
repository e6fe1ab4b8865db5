"""Provider names -> wire adapters and clients."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .claude import ClaudeWire
from .client import Client
from .gemini import GeminiWire
from .ollama import OllamaWire
from .openai import OpenAIWire

if TYPE_CHECKING:
    from ..settings.config import RoleConfig, Settings

def make_client(config: RoleConfig, settings: Settings) -> Client:
    """The client for one role's configuration."""
    common = {"timeout_s": settings.timeout_s, "connect_timeout_s": settings.connect_timeout_s,
              "prices_file": settings.prices_file, "max_inflight": settings.max_inflight}
    if config.provider == "local":
        from .local import LocalClient

        return LocalClient(config, OpenAIWire(), data_dir=settings.data_dir, threads=settings.local_threads,
                           ctx=settings.local_ctx, **common)
    wire = {"claude": ClaudeWire, "gemini": GeminiWire, "ollama": OllamaWire, "openai": OpenAIWire}[config.provider]
    return Client(config, wire(), **common)
