"""The embedded model for real: xllamacpp serving a GGUF from PyPI on 127.0.0.1.

The OpenAI and Claude adapters are also checked against it, since llama.cpp serves both
`/v1/chat/completions` and Anthropic's `/v1/messages`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sdpa_ext.config import RoleConfig
from sdpa_ext.providers.claude import ClaudeWire
from sdpa_ext.providers.client import Client, stream_completion
from sdpa_ext.providers.local import LocalClient, LocalRuntime, embedded_model
from sdpa_ext.providers.openai import OpenAIWire
from sdpa_ext.providers.types import ChatRequest, Completion, Message

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = {"type": "object", "properties": {"tags": {"type": "array", "items": {"type": "string"}, "maxItems": 6}},
          "required": ["tags"]}


@pytest.fixture(scope="module")
def runtime(tmp_path_factory) -> LocalRuntime:
    model = embedded_model(tmp_path_factory.mktemp("data"))
    runtime = LocalRuntime.get(model, 0, 2048)
    runtime.url()
    return runtime


def _request(**kwargs) -> ChatRequest:
    return ChatRequest([Message("user", "Tags for: a red fox in the snow")], system="Answer with JSON.",
                       temperature=0.0, seed=7, max_tokens=60, **kwargs)


def test_server_loads_quickly_and_listens_on_loopback(runtime):
    assert runtime.url().startswith("http://127.0.0.1:")
    assert runtime.load_s is not None and runtime.load_s < 30


def test_openai_adapter_streams_with_usage_and_schema(runtime, tmp_path):
    config = RoleConfig("planning", "local", "", "")
    client = LocalClient(config, OpenAIWire(), data_dir=tmp_path, timeout_s=120)
    client._runtime = runtime
    items = list(stream_completion(client, _request(schema=SCHEMA)))
    completion = items[-1]
    assert isinstance(completion, Completion)
    deltas = items[:-1]
    assert len(deltas) >= 2 and "".join(deltas) == completion.text
    assert isinstance(completion.data, dict) and isinstance(completion.data["tags"], list)  # the grammar held
    assert completion.usage.input_tokens + completion.usage.cache_read_tokens > 10
    assert completion.usage.output_tokens > 0
    assert completion.cost_usd == 0.0 and completion.ttft_s is not None


def test_claude_adapter_against_llama_cpp_messages_endpoint(runtime):
    root = runtime.url().removesuffix("/v1")
    config = RoleConfig("execution", "claude", "embedded", root, api_key="unused-local-key")
    completion = Client(config, ClaudeWire(), timeout_s=120).complete(_request())
    assert completion.text.strip()
    assert completion.usage.output_tokens > 0 and completion.finish_reason in ("end_turn", "max_tokens")


def test_plan_from_the_command_line_with_nothing_configured(tmp_path):
    env_file = tmp_path / "empty.env"
    env_file.write_text("", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.endswith(("_PROVIDER", "_MODEL", "_API_KEY"))}
    env.update(SDPA_ENV_FILE=str(env_file), PYTHONIOENCODING="utf-8")
    result = subprocess.run([sys.executable, "-m", "sdpa_ext", "plan", "a cozy cabin in a snowy forest at dusk",
                             "--json"], cwd=ROOT, env=env, capture_output=True, text=True, encoding="utf-8",
                            timeout=300)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["provider"] == "local" and data["role"] == "planning"
    assert data["prompt"].strip() and data["usage"]["output_tokens"] > 0
    assert data["params"]["width"] > 0 and data["cost_usd"] == 0.0
