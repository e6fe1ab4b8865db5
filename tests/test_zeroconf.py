"""Zero configuration: nothing configured picks an Ollama that answers (models chosen to fit, never one
that needs a pull), else the embedded model; the banner says which and why; LLM_PROVIDER=local wins."""

from __future__ import annotations

from sdpa_ext.hardware.zeroconf import choose
from sdpa_ext.service import Service

from .support import free_port
from .wire import OllamaServer


def test_nothing_configured_and_ollama_answering_uses_ollama_with_installed_models(make_settings):
    with OllamaServer(installed=[{"name": "qwen2.5:7b", "size": 4_700_000_000}]) as server:
        settings = choose(make_settings({"OLLAMA_HOST": server.url}))
        assert server.count("/api/tags") >= 1
    assert (settings.planning.provider, settings.execution.provider) == ("ollama", "ollama")
    assert settings.planning.model == "qwen2.5:7b" and settings.execution.model == "qwen2.5:7b"
    assert settings.entries["LLM_PROVIDER"].source == "auto"
    banner = settings.banner()
    assert "Ollama" in banner and f"Why: nothing configured and Ollama answers at {server.url}" in banner


def test_nothing_configured_and_no_ollama_is_the_embedded_model_and_says_why(make_settings):
    host = f"http://127.0.0.1:{free_port()}"
    settings = choose(make_settings({"OLLAMA_HOST": host}))
    assert settings.planning.provider == "local"
    assert f"Why: nothing configured and Ollama at {host} does not answer: the embedded model" in settings.banner()
    with OllamaServer(installed=[]) as server:
        empty = choose(make_settings({"OLLAMA_HOST": server.url}))
    assert empty.planning.provider == "local" and "has no model installed" in empty.reason


def test_a_provider_set_anywhere_is_obeyed_without_asking_ollama(make_settings):
    with OllamaServer() as server:
        forced = choose(make_settings({"OLLAMA_HOST": server.url, "LLM_PROVIDER": "local"}))
        from_file = choose(make_settings({"OLLAMA_HOST": server.url}, env_text="LLM_PROVIDER=local\n"))
        assert server.requests == []
    assert forced.planning.provider == from_file.planning.provider == "local"
    assert "Why:" not in forced.banner()


def test_every_front_end_gets_the_same_choice(make_settings, tmp_path):
    with OllamaServer(installed=[{"name": "llama3.2:3b", "size": 2_000_000_000}]) as server:
        service = Service(make_settings({"OLLAMA_HOST": server.url}))
        assert service.settings.planning.provider == "ollama"
        assert service.assistant.roles.planning.provider == "ollama"
