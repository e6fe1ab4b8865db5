"""Provider names -> wire adapters and clients; the names the banner shows."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from .claude import ClaudeWire
from .client import Client
from .gemini import GeminiWire
from .ollama import OllamaWire
from .openai import OpenAIWire

if TYPE_CHECKING:
    from ..config import RoleConfig, Settings

_OPENAI_HOSTS = {"api.openai.com": "OpenAI", "openrouter.ai": "OpenRouter", "api.groq.com": "Groq",
                 "api.together.xyz": "Together", "api.deepseek.com": "DeepSeek"}
_OPENAI_PORTS = {1234: "LM Studio", 8080: "llama.cpp server", 8000: "vLLM", 11434: "Ollama /v1"}


def display_name(provider: str, model: str, endpoint: str = "") -> str:
    """`Claude Sonnet`, `Google Gemini`, `Ollama`, `LM Studio`, `Embedded`..."""
    if provider == "claude":
        for tier in ("opus", "sonnet", "haiku"):
            if tier in model.lower():
                return f"Claude {tier.title()}"
        return "Claude"
    if provider == "gemini":
        return "Google Gemini"
    if provider == "ollama":
        return "Ollama"
    if provider == "local":
        return "Embedded"
    parts = urlsplit(endpoint)
    host = parts.hostname or ""
    if host in _OPENAI_HOSTS:
        return _OPENAI_HOSTS[host]
    if host in ("127.0.0.1", "localhost") and parts.port in _OPENAI_PORTS:
        return _OPENAI_PORTS[parts.port]
    return "OpenAI-compatible"


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
