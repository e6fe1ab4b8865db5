"""Configuration: .env parsing, precedence, roles, endpoints, validation messages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sdpa_ext.errors import ConfigError
from sdpa_ext.settings.config import load_settings, normalize_ollama_host, parse_env_text

from .conftest import CLAUDE_KEY, GEMINI_KEY, OPENAI_KEY, assert_no_keys

ROOT = Path(__file__).resolve().parent.parent
CONFIGURATION = ROOT / "docs" / "configuration.md"  # its "Recommended configurations"


def test_env_text_inline_comments_quotes_export_and_crlf():
    text = (
        "\ufeff# a comment\r\n"
        "OLLAMA_AUTO_CONFIGURE=true  # Let the system choose models\r\n"
        "export LLM_PROVIDER=ollama\r\n"
        "OLLAMA_MODEL='llama3.2:3b'   # quoted, then a comment\r\n"
        'CLAUDE_MODEL="claude # not a comment"\r\n'
        "GEMINI_MODEL=gemini-2.5-flash#kept\r\n"
        "\r\n"
        "not a setting line\r\n"
        "EMPTY=\r\n"
    )
    values, warnings = parse_env_text(text)
    assert values["OLLAMA_AUTO_CONFIGURE"] == "true"
    assert values["LLM_PROVIDER"] == "ollama"
    assert values["OLLAMA_MODEL"] == "llama3.2:3b"
    assert values["CLAUDE_MODEL"] == "claude # not a comment"
    assert values["GEMINI_MODEL"] == "gemini-2.5-flash#kept"  # `#` without a space before it is data
    assert values["EMPTY"] == ""
    assert len(warnings) == 1 and "line 8" in warnings[0]


def test_nothing_set_means_single_embedded(make_settings):
    settings = make_settings()
    assert not settings.dual
    assert settings.planning.provider == settings.execution.provider == "local"
    assert settings.banner().startswith("🤖 LLM Mode: Single\n   Provider: Embedded (")
    assert settings.entries["LLM_PROVIDER"].source == "default"


def test_environment_wins_over_env_file(make_settings):
    settings = make_settings({"LLM_PROVIDER": "ollama", "OLLAMA_MODEL": "qwen2.5:7b"},
                             "LLM_PROVIDER=claude\nOLLAMA_MODEL=mistral:7b\nOLLAMA_HOST=10.0.0.5:11434\n")
    assert settings.planning.provider == "ollama"
    assert settings.planning.model == "qwen2.5:7b"
    assert settings.planning.endpoint == "http://10.0.0.5:11434"
    assert settings.entries["LLM_PROVIDER"].source == "environment"
    assert settings.entries["OLLAMA_HOST"].source == ".env file"


def test_webui_overrides_win_and_blank_inherits(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("LLM_PROVIDER=ollama\nOLLAMA_MODEL=mistral:7b\n", encoding="utf-8")
    settings = load_settings(environ={"SDPA_DATA_DIR": str(tmp_path)}, env_file=env_file,
                             overrides={"OLLAMA_MODEL": "llama3.1:8b", "LLM_PROVIDER": ""})
    assert settings.planning.provider == "ollama"  # blank override inherits the file
    assert settings.planning.model == "llama3.1:8b"
    assert settings.entries["OLLAMA_MODEL"].source == "WebUI settings"


def test_dual_mode_roles_models_and_endpoint_overrides(make_settings):
    settings = make_settings({
        "USE_DUAL_LLM": "true",
        "PLANNING_LLM_PROVIDER": "openai", "EXECUTION_LLM_PROVIDER": "openai",
        "PLANNING_OPENAI_BASE_URL": "https://openrouter.ai/api/v1", "PLANNING_OPENAI_API_KEY": OPENAI_KEY,
        "PLANNING_OPENAI_MODEL": "anthropic/claude-sonnet-4.5",
        "EXECUTION_OPENAI_BASE_URL": "http://localhost:1234/v1", "EXECUTION_OPENAI_MODEL": "qwen2.5-7b-instruct",
    })
    assert settings.dual
    assert (settings.planning.endpoint, settings.planning.api_key) == ("https://openrouter.ai/api/v1", OPENAI_KEY)
    assert (settings.execution.endpoint, settings.execution.api_key) == ("http://localhost:1234/v1", "")
    assert settings.banner() == (
        "🤖 LLM Mode: Dual\n"
        "   Planning: OpenRouter (anthropic/claude-sonnet-4.5)\n"
        "   Execution: LM Studio (qwen2.5-7b-instruct)"
    )


def test_dual_banner_in_the_guides_form(make_settings):
    settings = make_settings({"USE_DUAL_LLM": "true", "PLANNING_LLM_PROVIDER": "claude",
                              "EXECUTION_LLM_PROVIDER": "gemini", "ANTHROPIC_API_KEY": CLAUDE_KEY,
                              "GOOGLE_API_KEY": GEMINI_KEY})
    lines = settings.banner().split("\n")
    assert lines[0] == "🤖 LLM Mode: Dual"
    assert re.fullmatch(r"   Planning: Claude Sonnet \(claude-sonnet-[\w.-]+\)", lines[1])
    assert re.fullmatch(r"   Execution: Google Gemini \(gemini-[\w.-]+\)", lines[2])
    assert settings.execution.api_key == GEMINI_KEY  # GOOGLE_API_KEY is accepted
    assert_no_keys(settings.banner(), repr(settings))


def test_single_banner_ollama(make_settings):
    settings = make_settings({"LLM_PROVIDER": "ollama", "OLLAMA_MODEL": "llama3.2:3b"})
    assert settings.banner() == "🤖 LLM Mode: Single\n   Provider: Ollama (llama3.2:3b)"


def test_model_ids_pass_through_unchanged(make_settings):
    settings = make_settings({"LLM_PROVIDER": "claude", "ANTHROPIC_API_KEY": CLAUDE_KEY,
                              "CLAUDE_MODEL": "claude-3-5-sonnet-20241022"})
    assert settings.planning.model == "claude-3-5-sonnet-20241022"


@pytest.mark.parametrize(("value", "expected"), [
    ("localhost", "http://localhost:11434"),
    ("192.168.1.20:11434", "http://192.168.1.20:11434"),
    ("0.0.0.0", "http://127.0.0.1:11434"),
    (":11500", "http://127.0.0.1:11500"),
    ("http://gpu-box.lan:8080/", "http://gpu-box.lan:8080"),
    ("https://ollama.example.com", "https://ollama.example.com:443"),
])
def test_ollama_host_forms(value, expected):
    assert normalize_ollama_host(value) == expected


@pytest.mark.parametrize(("var", "value", "expected"), [
    ("ANTHROPIC_BASE_URL", "https://api.anthropic.com/v1/", "https://api.anthropic.com"),
    ("GEMINI_BASE_URL", "https://generativelanguage.googleapis.com/v1beta",
     "https://generativelanguage.googleapis.com"),
    ("OPENAI_BASE_URL", "http://127.0.0.1:8080", "http://127.0.0.1:8080/v1"),
    ("OPENAI_BASE_URL", "https://openrouter.ai/api/v1/", "https://openrouter.ai/api/v1"),
])
def test_base_urls_follow_vendor_conventions(make_settings, var, value, expected):
    provider = {"ANTHROPIC_BASE_URL": "claude", "GEMINI_BASE_URL": "gemini", "OPENAI_BASE_URL": "openai"}[var]
    settings = make_settings({"LLM_PROVIDER": provider, var: value, "ANTHROPIC_API_KEY": CLAUDE_KEY,
                              "GEMINI_API_KEY": GEMINI_KEY, "OPENAI_API_KEY": OPENAI_KEY})
    assert settings.planning.endpoint == expected


def test_misspelt_provider_names_variable_values_and_suggestion(make_settings):
    with pytest.raises(ConfigError) as err:
        make_settings({"LLM_PROVIDER": "claud"})
    message = str(err.value)
    assert "LLM_PROVIDER='claud'" in message
    assert "claude, gemini, ollama, openai, local" in message
    assert "did you mean 'claude'" in message
    assert "\n" not in message


def test_missing_key_names_the_key_variable(make_settings):
    with pytest.raises(ConfigError) as err:
        make_settings({"USE_DUAL_LLM": "true", "PLANNING_LLM_PROVIDER": "gemini", "EXECUTION_LLM_PROVIDER": "local"})
    assert str(err.value).startswith("GEMINI_API_KEY: not set, but PLANNING_LLM_PROVIDER=gemini needs it")


def test_openai_needs_a_key_only_for_hosted_endpoints(make_settings):
    assert make_settings({"LLM_PROVIDER": "openai", "OPENAI_BASE_URL": "http://127.0.0.1:1234/v1"}).planning
    with pytest.raises(ConfigError, match="OPENAI_API_KEY"):
        make_settings({"LLM_PROVIDER": "openai"})


@pytest.mark.parametrize(("env", "name"), [
    ({"USE_DUAL_LLM": "maybe"}, "USE_DUAL_LLM"),
    ({"OLLAMA_AUTO_CONFIGURE": "ture"}, "OLLAMA_AUTO_CONFIGURE"),
    ({"LLM_PROVIDER": "openai", "OPENAI_BASE_URL": "localhost:1234"}, "OPENAI_BASE_URL"),
    ({"SDPA_TIMEOUT": "-3"}, "SDPA_TIMEOUT"),
    ({"LLM_PROVIDER": "local", "LOCAL_MODEL": "/no/such/model.gguf"}, "LOCAL_MODEL"),
])
def test_bad_values_name_the_setting(make_settings, env, name):
    with pytest.raises(ConfigError) as err:
        make_settings(env)
    assert str(err.value).startswith(name)


def test_dual_only_variables_in_single_mode_warn(make_settings):
    settings = make_settings({"PLANNING_LLM_PROVIDER": "ollama"})
    assert any("PLANNING_LLM_PROVIDER is ignored" in w for w in settings.warnings)


def test_unknown_env_file_names_warn_with_suggestion(make_settings):
    settings = make_settings(env_text="LLM_PROVDER=ollama\n")
    assert any("LLM_PROVDER" in w and "LLM_PROVIDER" in w for w in settings.warnings)


def test_names_read_from_the_environment_only_warn_in_an_env_file(make_settings):
    settings = make_settings(env_text="SDPA_SERVE_AUTH=a-long-token-for-serve\nSDPA_STREAM=false\n")
    assert [w for w in settings.warnings if "SDPA_" in w] == [
        ".env: SDPA_SERVE_AUTH is read from the environment only, not from this file"]


def test_named_env_file_must_exist(tmp_path):
    with pytest.raises(ConfigError, match="SDPA_ENV_FILE"):
        load_settings(environ={"SDPA_ENV_FILE": str(tmp_path / "missing.env")})


def test_keys_are_masked_in_entries(make_settings):
    settings = make_settings({"LLM_PROVIDER": "claude", "ANTHROPIC_API_KEY": CLAUDE_KEY})
    entry = settings.entries["ANTHROPIC_API_KEY"]
    assert entry.shown == "set (...abcd)"
    assert_no_keys(entry.shown, repr(settings.planning))


# docs/configuration.md quotes the users' guide's .env examples; each must parse to the roles it promises.
GUIDE_BLOCKS = {
    "Embedded (the default)": ("single", ("local", None), ("local", None)),
    "Best quality": ("dual", ("claude", "claude-sonnet-4-5"), ("gemini", "gemini-2.5-flash")),
    "Speed": ("dual", ("gemini", "gemini-2.5-flash"), ("gemini", "gemini-2.5-flash-lite")),
    "Lowest cost": ("dual", ("gemini", "gemini-2.5-flash"), ("ollama", "llama3.2:3b")),
    "Privacy (all local)": ("dual", ("ollama", "llama3.1:8b"), ("ollama", "llama3.2:3b")),
    "Single Claude": ("single", ("claude", "claude-sonnet-4-5"), ("claude", "claude-sonnet-4-5")),
    "Single Ollama": ("single", ("ollama", "llama3.2:3b"), ("ollama", "llama3.2:3b")),
    "OpenRouter planning, LM Studio execution": (
        "dual", ("openai", "anthropic/claude-sonnet-4.5"), ("openai", "qwen2.5-7b-instruct")),
}


def _guide_env_blocks() -> dict[str, str]:
    text = CONFIGURATION.read_text(encoding="utf-8")
    return dict(re.findall(r"^#### (.+?)\n+```(?:env|dotenv)\n(.*?)```", text, flags=re.S | re.M))


def test_every_guide_block_in_the_docs_parses_to_its_roles(tmp_path):
    blocks = _guide_env_blocks()
    assert set(blocks) == set(GUIDE_BLOCKS), (
        "docs/configuration.md's .env examples and this table must list the same blocks")
    for title, text in blocks.items():
        env_file = tmp_path / f"{len(title)}.env"
        # Placeholders such as `your-key-here` stand for the user's own key.
        env_file.write_text(text, encoding="utf-8")
        settings = load_settings(environ={"SDPA_DATA_DIR": str(tmp_path)}, env_file=env_file)
        mode, planning, execution = GUIDE_BLOCKS[title]
        assert settings.dual == (mode == "dual"), title
        for role, (provider, model) in (("planning", planning), ("execution", execution)):
            config = settings.role(role)
            assert config.provider == provider, (title, role)
            if model is not None:
                assert config.model == model, (title, role)


# --- the settings table ----------------------------------------------------------------------


def test_webui_options_flags_and_validation_come_from_one_row(make_settings):
    import argparse

    import preload
    from sdpa_ext import host
    from sdpa_ext.settings.config import ROWS, SETTINGS

    parser = argparse.ArgumentParser()
    preload.preload(parser)
    flags = {action.dest: action for action in parser._actions if action.dest.startswith("sdpa_")}
    assert set(flags) == set(host.FLAGS)
    options = {option.key: option for option in host.OPTIONS}
    for setting in SETTINGS:
        for web in setting.options:
            assert options[web.key].choices == (("", *setting.valid) if setting.valid else ()), web.key
        if setting.flag:
            action = flags[setting.flag.removeprefix("--").replace("-", "_")]
            assert host.FLAGS[action.dest] == setting.name
            assert tuple(action.choices or ()) == setting.valid, setting.flag
    policy = ROWS["SDPA_VRAM_POLICY"]
    assert options["sdpa_vram_policy"].choices[1:] == policy.valid == tuple(flags["sdpa_vram_policy"].choices)
    with pytest.raises(ConfigError) as err:
        make_settings({"SDPA_VRAM_POLICY": "sometimes"})
    assert err.value.valid == list(policy.valid)


def test_a_model_option_names_the_variable_of_the_provider_in_effect(tmp_path, monkeypatch):
    from sdpa_ext.host import overrides_from

    (tmp_path / "empty.env").write_text("", encoding="utf-8")
    monkeypatch.setenv("SDPA_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SDPA_ENV_FILE", str(tmp_path / "empty.env"))
    out = overrides_from({"sdpa_llm_provider": "ollama", "sdpa_model": "qwen2.5:7b", "sdpa_vram_policy": "never"})
    assert out == {"LLM_PROVIDER": "ollama", "OLLAMA_MODEL": "qwen2.5:7b", "SDPA_VRAM_POLICY": "never"}


def test_per_role_names_and_aliases_follow_the_table(make_settings):
    settings = make_settings({"USE_DUAL_LLM": "true", "PLANNING_LLM_PROVIDER": "gemini",
                              "EXECUTION_LLM_PROVIDER": "gemini", "PLANNING_GOOGLE_API_KEY": GEMINI_KEY,
                              "GEMINI_API_KEY": "AIzaOTHER-key-for-execution-000000000"})
    assert settings.planning.api_key == GEMINI_KEY  # PLANNING_<alias> before the plain name
    assert settings.execution.api_key == "AIzaOTHER-key-for-execution-000000000"


def test_one_ollama_serves_both_roles(make_settings):
    settings = make_settings({"USE_DUAL_LLM": "true", "PLANNING_LLM_PROVIDER": "ollama",
                              "EXECUTION_LLM_PROVIDER": "ollama", "OLLAMA_HOST": "10.0.0.5:11434",
                              "EXECUTION_OLLAMA_HOST": "10.0.0.9:11434"})
    assert settings.planning.endpoint == settings.execution.endpoint == settings.ollama_host == "http://10.0.0.5:11434"
    warning = next(w for w in settings.warnings if w.startswith("EXECUTION_OLLAMA_HOST"))
    assert "is not read" in warning and "EXECUTION_OPENAI_BASE_URL=http://HOST:11434/v1" in warning


def _empty(tmp_path: Path) -> Path:
    (tmp_path / "empty.env").write_text("", encoding="utf-8")
    return tmp_path / "empty.env"


def test_a_forgiving_load_keeps_every_mistake_and_uses_the_defaults(tmp_path):
    environ = {"SDPA_DATA_DIR": str(tmp_path), "LLM_PROVIDER": "claud", "SDPA_TIMEOUT": "-3",
               "SDPA_STREAM": "ture", "OPENAI_BASE_URL": "localhost:1234"}
    with pytest.raises(ConfigError, match="LLM_PROVIDER"):
        load_settings(environ=environ, env_file=_empty(tmp_path))
    settings = load_settings(environ=environ, env_file=_empty(tmp_path), strict=False)
    assert [p.split("=")[0] for p in settings.problems] == ["LLM_PROVIDER", "SDPA_TIMEOUT", "SDPA_STREAM"]
    assert "did you mean 'claude'" in settings.problems[0]
    assert settings.planning.provider == "local" and settings.timeout_s == 120 and settings.stream is True
    assert settings.entries["LLM_PROVIDER"].source == "environment (not valid; local used instead)"
    assert settings.entries["SDPA_TIMEOUT"].value == "-3"  # shown as it was given


def test_a_forgiving_load_keeps_a_missing_key(tmp_path):
    settings = load_settings(environ={"SDPA_DATA_DIR": str(tmp_path), "LLM_PROVIDER": "claude"},
                             env_file=_empty(tmp_path), strict=False)
    assert settings.planning.provider == "claude" and settings.planning.api_key == ""
    assert len(settings.problems) == 1
    assert settings.problems[0].startswith("ANTHROPIC_API_KEY: not set, but LLM_PROVIDER=claude needs it")


def test_a_provider_asked_for_by_name_blames_the_asker(tmp_path):
    from sdpa_ext.settings.config import provider_config

    with pytest.raises(ConfigError) as err:
        provider_config("claude", environ={"SDPA_DATA_DIR": str(tmp_path)}, env_file=_empty(tmp_path),
                        needed_by="`models --provider claude`")
    assert "not set, but `models --provider claude` needs it" in str(err.value)
    assert "LLM_PROVIDER" not in str(err.value)


def test_a_retired_model_id_warns_with_the_current_one(make_settings):
    settings = make_settings({"LLM_PROVIDER": "gemini", "GEMINI_API_KEY": GEMINI_KEY,
                              "GEMINI_MODEL": "gemini-1.5-flash"})
    assert settings.planning.model == "gemini-1.5-flash"  # still passed through as given
    [warning] = [w for w in settings.warnings if "retired" in w]
    assert warning.startswith("gemini-1.5-flash was retired by Google on 2025-09-24")
    assert "use gemini-2.5-flash" in warning
    assert not [w for w in make_settings({"LLM_PROVIDER": "gemini", "GEMINI_API_KEY": GEMINI_KEY}).warnings
                if "retired" in w]


@pytest.mark.parametrize(("cores", "threads"), [(1, 1), (2, 2), (3, 2), (4, 3), (9, 8), (64, 8)])
def test_the_thread_default_is_what_the_table_says(monkeypatch, cores, threads):
    from sdpa_ext.providers.local import default_threads
    from sdpa_ext.settings.config import ROWS

    assert "all cores but one, at most 8 (on 1 or 2 cores: all of them)" in ROWS["SDPA_LOCAL_THREADS"].meaning
    monkeypatch.setattr("os.cpu_count", lambda: cores)
    assert default_threads() == threads


def test_generation_settings_are_named_once():
    import ast

    from sdpa_ext.craft import prompting
    from sdpa_ext.craft.params import KEYS
    from sdpa_ext.ui import panel

    assert not hasattr(panel, "PARAMS") and not hasattr(prompting, "PARAM_KEYS")
    script = (ROOT / "scripts" / "sdpa.py").read_text(encoding="utf-8")
    ids = next(node.value for node in ast.parse(script).body
               if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "_IDS")
    assert {ast.literal_eval(key) for key in ids.keys} == {"prompt", "negative", *KEYS}
