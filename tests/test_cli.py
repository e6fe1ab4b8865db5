"""The command line, run as users run it: `python -m sdpa_ext ...` in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import CLAUDE_KEY, GEMINI_KEY, assert_no_keys
from .support import free_port
from .test_providers import ANSWER, REFINED, server_and_env
from .wire import ClaudeServer, Error, OllamaServer

ROOT = Path(__file__).resolve().parent.parent
JSON_KEYS = ["prompt", "negative_prompt", "params", "provider", "model", "role", "usage", "cost_usd", "latency_s",
             "ttft_s"]


@pytest.fixture
def run_cli(tmp_path):
    env_file = tmp_path / "test.env"
    env_file.write_text("", encoding="utf-8")

    def run(*args: str, env: dict[str, str] | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
        clean = {k: v for k, v in os.environ.items()
                 if not k.endswith(("_API_KEY", "_BASE_URL", "_MODEL", "_PROVIDER")) and k != "OLLAMA_HOST"}
        full = {**clean, "SDPA_ENV_FILE": str(env_file), "SDPA_DATA_DIR": str(tmp_path / "data"),
                "PYTHONIOENCODING": "utf-8", **(env or {})}
        return subprocess.run([sys.executable, "-m", "sdpa_ext", *args], cwd=ROOT, env=full, capture_output=True,
                              text=True, encoding="utf-8", timeout=timeout)

    return run




@pytest.mark.parametrize("provider", ["claude", "gemini", "ollama", "openai"])
def test_plan_json_has_the_documented_shape(run_cli, provider):
    server, env = server_and_env(provider, answer=ANSWER)
    with server:
        result = run_cli("plan", "a cozy cabin in a snowy forest at dusk", "--json", env=env)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert list(data)[: len(JSON_KEYS)] == JSON_KEYS
    assert data["prompt"] == "cozy cabin, snowy forest, dusk, warm window light"
    assert (data["provider"], data["role"]) == (provider, "planning")
    assert set(data["usage"]) == {"input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens"}
    assert isinstance(data["params"], dict) and data["latency_s"] > 0
    assert_no_keys(result.stdout, result.stderr)


def test_refine_json_uses_the_execution_role(run_cli):
    server, env = server_and_env("ollama", answer=REFINED)
    with server:
        result = run_cli("refine", "--prompt", "cozy cabin, snowy forest", "--negative", "blurry",
                         "I want the mood of a quiet night under the moon", "--json", env=env)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["role"] == "execution" and data["prompt"] == "cozy cabin, snowy forest, night, moonlight"


def test_plan_without_json_streams_then_shows_the_fields(run_cli):
    server, env = server_and_env("openai", answer=ANSWER)
    with server:
        result = run_cli("plan", "a cabin", env=env)
    assert result.returncode == 0
    assert result.stdout.startswith("cozy cabin, snowy forest, dusk, warm window light\nNegative: blurry\n")
    assert "{" not in result.stdout.split("Prompt:")[0]  # the prompt forming, never raw JSON
    assert "Prompt:   cozy cabin, snowy forest, dusk, warm window light" in result.stdout


def test_misspelt_provider_exits_2_with_one_line(run_cli):
    result = run_cli("plan", "a cabin", env={"LLM_PROVIDER": "claud"})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "LLM_PROVIDER" in lines[0] and "did you mean 'claude'" in lines[0]
    assert "Traceback" not in result.stderr


def test_missing_key_exits_2_naming_the_variable(run_cli):
    result = run_cli("plan", "a cabin", env={"LLM_PROVIDER": "gemini"})
    assert result.returncode == 2 and "GEMINI_API_KEY" in result.stderr


def test_dead_endpoint_exits_3(run_cli):
    result = run_cli("plan", "a cabin", env={"LLM_PROVIDER": "ollama", "OLLAMA_HOST": f"127.0.0.1:{free_port()}"})
    assert result.returncode == 3
    assert result.stderr.strip().startswith("error: ollama: cannot connect") and "ollama serve" in result.stderr


def test_401_exits_3_naming_the_key_and_never_showing_it(run_cli):
    with ClaudeServer(api_key="a-different-key") as server:
        result = run_cli("plan", "a cabin", env={"LLM_PROVIDER": "claude", "ANTHROPIC_API_KEY": CLAUDE_KEY,
                                                 "ANTHROPIC_BASE_URL": server.url})
    assert result.returncode == 3
    assert "HTTP 401" in result.stderr and "ANTHROPIC_API_KEY" in result.stderr
    assert_no_keys(result.stdout, result.stderr)


def test_config_shows_banner_sources_and_masked_keys(run_cli, tmp_path):
    env_file = tmp_path / "my.env"
    env_file.write_text(f"USE_DUAL_LLM=true\nPLANNING_LLM_PROVIDER=claude\nEXECUTION_LLM_PROVIDER=gemini\n"
                        f"ANTHROPIC_API_KEY={CLAUDE_KEY}\n", encoding="utf-8")
    result = run_cli("config", env={"SDPA_ENV_FILE": str(env_file), "GEMINI_API_KEY": GEMINI_KEY})
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "🤖 LLM Mode: Dual"
    assert lines[1].startswith("   Planning: Claude Sonnet (claude-sonnet")
    assert lines[2].startswith("   Execution: Google Gemini (gemini-")
    row = next(line for line in lines if line.strip().startswith("ANTHROPIC_API_KEY"))
    assert "set (...abcd)" in row and row.rstrip().endswith(".env file")
    assert next(line for line in lines if line.strip().startswith("GEMINI_API_KEY")).rstrip().endswith("environment")
    assert_no_keys(result.stdout, result.stderr)


def test_check_passes_then_names_the_failing_provider(run_cli):
    with OllamaServer() as ollama, ClaudeServer(api_key=CLAUDE_KEY) as claude:
        env = {"USE_DUAL_LLM": "true", "PLANNING_LLM_PROVIDER": "claude", "EXECUTION_LLM_PROVIDER": "ollama",
               "ANTHROPIC_API_KEY": CLAUDE_KEY, "ANTHROPIC_BASE_URL": claude.url, "OLLAMA_HOST": ollama.url}
        ok = run_cli("check", env=env)
        assert ok.returncode == 0, ok.stdout + ok.stderr
        assert "ok    planning" in ok.stdout and "ok    execution: Ollama (llama3.2:3b): version" in ok.stdout
        claude.script("/v1/models", Error(401, "invalid x-api-key"))
        bad = run_cli("check", env=env)
    assert bad.returncode == 1
    assert "FAIL  planning: Claude Sonnet" in bad.stdout and "HTTP 401" in bad.stdout
    assert_no_keys(bad.stdout, bad.stderr)


def test_models_lists_the_live_models(run_cli):
    with OllamaServer() as ollama:
        result = run_cli("models", "--provider", "ollama", env={"OLLAMA_HOST": ollama.url})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["llama3.2:3b", "qwen2.5:7b"]


# --- diagnostics that diagnose ------------------------------------------------------------------


def test_config_shows_a_mistake_among_every_other_setting(run_cli):
    result = run_cli("config", env={"LLM_PROVIDER": "claud", "SDPA_TIMEOUT": "90"})
    assert result.returncode == 2
    out = result.stdout
    assert "error: LLM_PROVIDER='claud' is not valid" in out and "did you mean 'claude'" in out
    rows = {line.split()[0]: line for line in out.splitlines()[out.splitlines().index(
        "Settings (value, where it came from):") + 1:]}
    assert "claud" in rows["LLM_PROVIDER"] and "not valid; local used instead" in rows["LLM_PROVIDER"]
    assert rows["SDPA_TIMEOUT"].split()[1:] == ["90", "environment"]
    assert {"USE_DUAL_LLM", "SDPA_VRAM_POLICY", "SDPA_DATA_DIR"} <= rows.keys()
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("command", [["hardware", "--vram-gb", "8"], ["history"]])
def test_a_mistake_blocks_no_command_that_does_not_need_it(run_cli, command):
    result = run_cli(*command, env={"LLM_PROVIDER": "claud", "OLLAMA_HOST": f"127.0.0.1:{free_port()}"})
    assert result.returncode == 0, result.stderr
    assert "LLM_PROVIDER='claud' is not valid" in result.stderr and f"not needed by `{command[0]}`" in result.stderr


def test_models_by_name_blames_no_llm_provider(run_cli):
    result = run_cli("models", "--provider", "claude", env={"ANTHROPIC_API_KEY": ""})
    assert result.returncode == 2
    assert "ANTHROPIC_API_KEY: not set, but `models --provider claude` needs it" in result.stderr
    assert "LLM_PROVIDER" not in result.stderr


def test_check_names_a_retired_model_and_the_current_one(run_cli):
    result = run_cli("check", env={"LLM_PROVIDER": "claude", "ANTHROPIC_API_KEY": CLAUDE_KEY,
                                   "ANTHROPIC_BASE_URL": f"http://127.0.0.1:{free_port()}",
                                   "CLAUDE_MODEL": "claude-3-5-sonnet-20241022"})
    assert result.returncode == 1
    fail = next(line for line in result.stdout.splitlines() if line.startswith("FAIL  planning"))
    assert "claude-3-5-sonnet-20241022 was retired by Anthropic on 2025-10-22" in fail
    assert "use claude-sonnet-4-5" in fail and "models --provider claude" in fail
    assert "retired" in result.stderr  # every command warns


def test_a_refused_cloud_connection_suggests_network_proxy_and_status_page(run_cli):
    # A proxy that refuses stands in for a network that does: nothing leaves this machine.
    result = run_cli("plan", "a cabin", env={"LLM_PROVIDER": "claude", "ANTHROPIC_API_KEY": CLAUDE_KEY,
                                             "HTTPS_PROXY": f"http://127.0.0.1:{free_port()}", "NO_PROXY": ""})
    assert result.returncode == 3
    assert "cannot connect to https://api.anthropic.com" in result.stderr
    assert "proxy" in result.stderr and "https://status.anthropic.com" in result.stderr
    assert "is the server running" not in result.stderr


def _dual(planning_url: str, ollama_url: str) -> dict[str, str]:
    return {"USE_DUAL_LLM": "true", "PLANNING_LLM_PROVIDER": "claude", "EXECUTION_LLM_PROVIDER": "ollama",
            "ANTHROPIC_API_KEY": CLAUDE_KEY, "ANTHROPIC_BASE_URL": planning_url, "OLLAMA_HOST": ollama_url}


def test_the_fallback_warning_is_printed_once(run_cli):
    with OllamaServer(answer=ANSWER) as ollama:
        result = run_cli("plan", "a cabin", env=_dual(f"http://127.0.0.1:{free_port()}", ollama.url))
    assert result.returncode == 0, result.stderr
    assert (result.stdout + result.stderr).count("planning with Claude Sonnet") == 1
    assert "used the execution LLM, Ollama" in result.stdout


def test_when_the_fallback_fails_too_both_failures_are_named(run_cli):
    result = run_cli("plan", "a cabin", env=_dual(f"http://127.0.0.1:{free_port()}", f"127.0.0.1:{free_port()}"))
    assert result.returncode == 3
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("error: claude, then ollama: planning with Claude Sonnet")
    assert "claude: cannot connect" in line and "ollama: cannot connect" in line and "ollama serve" in line


def test_a_missing_package_is_one_line_not_a_traceback(tmp_path):
    code = ("import sys; sys.modules['requests'] = None; from sdpa_ext.cli import main; "
            "raise SystemExit(main(['plan', 'a cabin']))")
    env_file = tmp_path / "empty.env"
    env_file.write_text("", encoding="utf-8")
    env = {**os.environ, "LLM_PROVIDER": "ollama", "SDPA_ENV_FILE": str(env_file), "SDPA_DATA_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("error: the package 'requests' is not installed for ")
    assert "python install.py --standalone" in result.stderr


def test_serve_prints_its_url_once_it_accepts_connections(tmp_path):
    import socket

    from .support import stop

    env_file = tmp_path / "empty.env"
    env_file.write_text("", encoding="utf-8")
    port = free_port()
    env = {**os.environ, "SDPA_ENV_FILE": str(env_file), "SDPA_DATA_DIR": str(tmp_path), "PYTHONUNBUFFERED": "1",
           "OLLAMA_HOST": f"127.0.0.1:{free_port()}", "GRADIO_ANALYTICS_ENABLED": "False"}
    process = subprocess.Popen([sys.executable, "-m", "sdpa_ext", "serve", "--port", str(port)], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8")
    try:
        lines = []
        for line in process.stdout:
            lines.append(line)
            if f"http://127.0.0.1:{port}/" in line:
                break
        else:
            raise AssertionError("serve never printed its URL: " + "".join(lines)[-2000:])
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            pass  # the address printed is one that answers now, not seconds later
    finally:
        stop(process)
