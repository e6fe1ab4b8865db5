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

from sdpa_ext.craft.describe import describe
from sdpa_ext.craft.families import families
from sdpa_ext.craft.lexicon import lexicon
from sdpa_ext.craft.vocab import clash, facets, vocab
from sdpa_ext.providers.claude import ClaudeWire
from sdpa_ext.providers.client import Client
from sdpa_ext.providers.local import LocalClient, LocalRuntime, embedded_model
from sdpa_ext.providers.openai import OpenAIWire
from sdpa_ext.providers.types import ChatRequest, Completion, Message
from sdpa_ext.settings.config import RoleConfig
from sdpa_ext.types import PromptVersion

from .support import free_port

pytestmark = pytest.mark.local

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
    deltas: list[str] = []
    completion = client.complete(_request(schema=SCHEMA), on_delta=deltas.append)
    assert isinstance(completion, Completion)
    assert len(deltas) >= 2 and "".join(deltas) == completion.text
    assert isinstance(json.loads(completion.text)["tags"], list)  # the grammar held: strict JSON
    assert completion.usage.input_tokens + completion.usage.cache_read_tokens > 10
    assert completion.usage.output_tokens > 0
    assert completion.cost_usd == 0.0 and completion.ttft_s is not None


def test_claude_adapter_against_llama_cpp_messages_endpoint(runtime):
    root = runtime.url().removesuffix("/v1")
    config = RoleConfig("execution", "claude", "embedded", root, api_key="unused-local-key")
    completion = Client(config, ClaudeWire(), timeout_s=120).complete(_request())
    assert completion.text.strip()
    assert completion.usage.output_tokens > 0 and completion.finish_reason in ("end_turn", "max_tokens")


@pytest.mark.slow
def test_plan_from_the_command_line_with_nothing_configured(tmp_path):
    """Slow by design: a fresh `python -m sdpa_ext plan` loads the embedded model and plans with it."""
    env_file = tmp_path / "empty.env"
    env_file.write_text("", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.endswith(("_PROVIDER", "_MODEL", "_API_KEY"))}
    env.update(SDPA_ENV_FILE=str(env_file), PYTHONIOENCODING="utf-8", OLLAMA_HOST=f"127.0.0.1:{free_port()}",
               SDPA_DATA_DIR=str(tmp_path / "data"))  # its history: not the checkout's data/, shared by every run
    description = "a cozy cabin in a snowy forest at dusk"
    result = subprocess.run([sys.executable, "-m", "sdpa_ext", "plan", description, "--json"], cwd=ROOT, env=env,
                            capture_output=True, text=True, encoding="utf-8", timeout=300)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["provider"] == "local" and data["role"] == "planning"
    assert data["prompt"].startswith("cozy cabin, snowy forest, dusk, ") and data["usage"]["output_tokens"] > 0
    assert not [t for t in data["prompt"].split(", ") if clash(facets(t), facets(description))]
    assert data["params"]["width"] > 0 and data["cost_usd"] == 0.0


HELD_OUT = [  # not in the harness: everyday descriptions the vocabulary was not written for
    ("sdxl", "a grandfather fixing a clock in his workshop", ["grandfather", "clock", "workshop"]),
    ("sd15", "a frog sitting on a lily pad in the rain", ["frog", "pad", "rain"]),
    ("flux", "a paper boat floating down a gutter after a storm", ["boat", "gutter", "storm"]),
    ("illustrious", "a girl feeding pigeons in a park at noon", ["girl", "pigeons", "park", "noon"]),
]


@pytest.mark.parametrize(("family", "description", "nouns"), HELD_OUT)
def test_embedded_plans_keep_the_users_words_and_add_only_vocabulary_that_fits(embedded, family, description,
                                                                              nouns):
    version = embedded.plan(description, family=family)
    text = version.prompt.lower()
    assert all(noun in text for noun in nouns), version.prompt
    pieces = version.prompt.split(", ") if family != "flux" else version.prompt.split(". ")
    assert not [p for p in pieces if clash(facets(p), facets(description))], version.prompt
    if family != "flux":
        own = set(describe(description).phrases)
        extra = [t for t in pieces if t not in own and t not in families()[family].quality]
        assert all(t in vocab().by_tag or t in ("1girl", "solo", "no humans") for t in extra), extra


@pytest.mark.parametrize("chip", ["darker", "brighter", "more detail", "simpler", "cinematic", "photo", "anime",
                                  "square"])
def test_each_chip_does_what_it_says_with_the_embedded_model(embedded, chip):
    current = PromptVersion("cozy cabin, snowy forest, dusk, soft blue twilight, bright daylight",
                            params={"width": 832, "height": 1216}, family="sdxl")
    version = embedded.refine(current, chip=chip)
    chip_data = lexicon().chips[chip]
    if chip == "square":
        assert (version.params["width"], version.params["height"]) == (1024, 1024)
        assert version.prompt == current.prompt
        return
    assert all(tag in version.prompt for tag in chip_data["add"])
    new = set(version.prompt.split(", ")) - set(current.prompt.split(", "))
    left = {t for t in new if any(t in old for old in current.prompt.split(", "))}  # `bright daylight` -> daylight
    assert new - left <= set(chip_data["add"]), new  # nothing unrelated
    assert "cozy cabin" in version.prompt and "snowy forest" in version.prompt
    if chip == "darker":
        assert "bright daylight" not in version.prompt  # it contradicts darker


def test_a_free_form_refine_with_the_embedded_model_adds_only_vocabulary(embedded):
    current = PromptVersion("cozy cabin, snowy forest, dusk", family="sdxl")
    version = embedded.refine(current, "I want it to feel mysterious and quiet")
    new = set(version.prompt.split(", ")) - set(current.prompt.split(", "))
    assert new == {"mysterious", "quiet"}, new  # a mood in the user's own words, nothing of the instruction else
    assert version.prompt.startswith("cozy cabin, snowy forest")


START = "portrait of a young woman in a sunlit wheat field, golden hour, 85mm lens, shallow depth of field"


@pytest.mark.parametrize(("instruction", "present", "absent"), [
    ("she should be smiling", ["smiling", "young woman"], []),
    ("put her on a beach", ["beach", "young woman"], ["wheat field"]),
    ("less saturated", ["muted colors"], []),
    ("I want it at night", ["night", "wheat field"], ["sunlit", "golden hour"]),
    ("more like a painting", ["painting"], ["85mm lens", "depth of field"]),
    ("change the woman to an old man", ["old man"], ["woman", "young"]),
    ("make her hair red", ["red hair"], []),
    ("zoom out", ["wide shot", "young woman"], ["portrait", "85mm"]),
])
def test_the_embedded_model_follows_instructions_as_people_type_them(embedded, instruction, present, absent):
    version = embedded.refine(PromptVersion(START, "lowres", family="sdxl"), instruction)
    assert all(p in version.prompt for p in present), version.prompt
    assert not any(a in version.prompt for a in absent), version.prompt


def test_what_no_rule_reads_the_embedded_model_answers_with_a_typed_edit(embedded):
    current = PromptVersion("cozy cabin, snowy forest, dusk, soft blue twilight", family="sdxl")
    version = embedded.refine(current, "the sky needs way more drama honestly")
    assert version.provider == "local" and version.prompt != current.prompt
    assert version.prompt.startswith("cozy cabin, snowy forest")  # nothing the instruction names went


@pytest.fixture(scope="module")
def embedded(tmp_path_factory, runtime):
    from sdpa_ext.assistant import Assistant
    from sdpa_ext.settings.config import load_settings

    env_file = tmp_path_factory.mktemp("env") / ".env"
    env_file.write_text("", encoding="utf-8")
    return Assistant(load_settings(environ={"SDPA_DATA_DIR": str(runtime.model.path.parent)}, env_file=env_file))


def test_embedded_flux_plan_is_sentences_without_negative(embedded):
    version = embedded.plan("a tiny robot watering plants on a balcony", family="flux")
    assert version.prompt.endswith(".") and len(version.prompt.split()) >= 6
    assert version.negative_prompt == "" and "(" not in version.prompt
    assert version.params["cfg_scale"] == 1.0 and version.params["distilled_cfg_scale"] == 3.5


def test_embedded_pony_plan_has_the_score_prefix(embedded):
    version = embedded.plan("a knight girl with silver armor", family="pony")
    assert version.prompt.startswith("score_9, score_8_up, score_7_up, ")


def test_embedded_sd15_plan_is_tags(embedded):
    version = embedded.plan("a red sports car on a coastal road", family="sd15")
    items = [t.strip() for t in version.prompt.split(",")]
    assert len(items) >= 4 and all(len(t.split()) <= 8 for t in items)
    assert version.params["width"] == 512 and version.tokens["prompt"]["count"] > 0


def test_embedded_refine_keeps_lora_weight_and_break(tmp_path):
    env_file = tmp_path / "empty.env"
    env_file.write_text("", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.endswith(("_PROVIDER", "_MODEL", "_API_KEY"))}
    env.update(SDPA_ENV_FILE=str(env_file), PYTHONIOENCODING="utf-8", SDPA_DATA_DIR=str(tmp_path))
    result = subprocess.run([sys.executable, "-m", "sdpa_ext", "refine", "--prompt",
                             "<lora:detail:0.8>, (masterpiece:1.2), cabin, BREAK, snow", "make it darker", "--json"],
                            cwd=ROOT, env=env, capture_output=True, text=True, encoding="utf-8", timeout=300)
    assert result.returncode == 0, result.stderr
    prompt = json.loads(result.stdout)["prompt"]
    assert "<lora:detail:0.8>" in prompt and "(masterpiece:1.2)" in prompt
    assert prompt.index("cabin") < prompt.index("BREAK") < prompt.index("snow")
