"""A typed instruction reaches the configured execution model, every time, in every front end (CLI, HTTP API,
the WebUI panel, and the standalone page in test_browser.py); a chip is our exact edit and calls nothing. The
model's right answer reaches the user unchanged; the checks read what the instruction asks before they act."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from sdpa_ext.assistant import Assistant
from sdpa_ext.server.api import make_router
from sdpa_ext.service import Service
from sdpa_ext.types import PromptVersion

from .test_cli import ROOT, run_cli  # noqa: F401  (a fixture)
from .test_providers import CHAT_PATH, PROVIDERS, server_and_env
from .wire import OpenAIServer

START = "portrait of a young woman in a sunlit wheat field, golden hour, 85mm lens, shallow depth of field"
TYPED = ["make it darker", "make it night", "change the woman to an old man", "less saturated", "make it winter",
         "make it a charcoal drawing", "make it more melancholic", "square format pls"]


def _answer(prompt: str, negative: str = "lowres, blurry") -> str:
    return json.dumps({"prompt": prompt, "negative_prompt": negative, "params": {}, "notes": "done"})


def _calls(server, provider: str) -> int:
    return sum(CHAT_PATH[provider] in r.path for r in server.requests)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_every_typed_instruction_calls_the_configured_model(make_settings, provider):
    server, env = server_and_env(provider, answer=_answer(START.replace("sunlit ", "") + ", night"))
    with server:
        assistant = Assistant(make_settings(env))
        for number, instruction in enumerate(TYPED, 1):
            version = assistant.refine(PromptVersion(START, "lowres, blurry", family="sdxl"), instruction)
            assert _calls(server, provider) == number, instruction
            assert version.provider == provider
        chip = assistant.refine(PromptVersion(START, "lowres, blurry", family="sdxl"), chip="darker")
        assert _calls(server, provider) == len(TYPED) and chip.provider == "rules" and chip.model == "chip"


def test_the_cli_sends_a_typed_instruction_and_applies_a_chip_itself(run_cli):  # noqa: F811
    server, env = server_and_env("gemini", answer=_answer("cabin, snow, night, moonlight"))
    with server:
        typed = run_cli("refine", "make it darker", "--prompt", "cabin, snow, dusk", "--json", env=env)
        assert typed.returncode == 0, typed.stderr
        assert _calls(server, "gemini") == 1 and json.loads(typed.stdout)["provider"] == "gemini"
        chip = run_cli("refine", "--chip", "darker", "--prompt", "cabin, snow, dusk", "--json", env=env)
        assert chip.returncode == 0, chip.stderr
        assert _calls(server, "gemini") == 1 and json.loads(chip.stdout)["model"] == "chip"
        assert "dark" in json.loads(chip.stdout)["prompt"]
        met = run_cli("refine", "--chip", "square", "--prompt", "cabin", "--params", '{"width": 1024, "height": 1024}',
                      "--family", "sdxl", "--json", env=env)
    assert met.returncode == 0, met.stderr  # already square: an answer, not an error
    assert json.loads(met.stdout)["kind"] == "unchanged" and "already 1024x1024" in json.loads(met.stdout)["notes"]


def test_the_api_sends_a_typed_instruction_and_applies_a_chip_itself(make_settings):
    with OpenAIServer(answer=_answer("cabin, snow, night")) as wire:
        service = Service(make_settings({"LLM_PROVIDER": "openai", "OPENAI_BASE_URL": wire.url + "/v1",
                                         "OLLAMA_HOST": "127.0.0.1:9"}))
        app = FastAPI()
        app.include_router(make_router(lambda: service), prefix="/sdpa/v1")
        client = TestClient(app, base_url="http://127.0.0.1:7860")
        typed = client.post("/sdpa/v1/refine", json={"instruction": "make it darker", "prompt": "cabin, snow, dusk"})
        assert typed.status_code == 200, typed.text
        assert len(wire.requests) == 1 and typed.json()["provider"] == "openai"
        chip = client.post("/sdpa/v1/refine", json={"chip": "darker", "prompt": "cabin, snow, dusk"})
        assert chip.status_code == 200 and len(wire.requests) == 1 and chip.json()["model"] == "chip"
        bad = client.post("/sdpa/v1/refine", json={"chip": "sparkly", "prompt": "cabin"})
        assert bad.status_code == 422 and "darker" in bad.text  # the valid chips named


WEBUI_CHILD = r"""
import json, runpy, sys
sys.path[:0] = [sys.argv[1] + "/tests/fakes", sys.argv[1]]
import gradio as gr
from types import SimpleNamespace
module = runpy.run_path(sys.argv[1] + "/scripts/sdpa.py", run_name="sdpa_script")
with gr.Blocks() as page:
    prompt, negative = gr.Textbox(elem_id="txt2img_prompt"), gr.Textbox(elem_id="txt2img_neg_prompt")
    script = module["PromptAssistantScript"]()
    for elem_id, box in (("txt2img_prompt", prompt), ("txt2img_neg_prompt", negative)):
        script.callbacks[elem_id](SimpleNamespace(component=box))
    script.ui(False)
ids = {block._id: getattr(block, "elem_id", None) for block in page.blocks.values()}
fns = page.fns.values() if isinstance(page.fns, dict) else page.fns
def handler(elem_id):
    for fn in fns:
        targets = [t[0] if isinstance(t, (tuple, list)) else t for t in fn.targets]
        if any(ids.get(t) == elem_id for t in targets):
            return fn.fn
refine = handler("sdpa_txt2img_refine")
out = []
for instruction, chip in (("make it darker", ""), ("", "darker")):
    last = None
    for last in refine(None, instruction, chip, "sdxl", True, "1", None, "cabin, snow, dusk", "blurry"):
        pass
    out.append({"prompt": last[prompt], "status": str(last[refine.__self__.status])})  # outputs by component
print("RESULT " + json.dumps(out))
"""


def test_the_webui_panel_sends_a_typed_instruction_and_applies_a_chip_itself(tmp_path):
    with OpenAIServer(answer=_answer("cabin, snow, night, moonlight")) as wire:
        env_file = tmp_path / "webui.env"
        env_file.write_text(f"LLM_PROVIDER=openai\nOPENAI_BASE_URL={wire.url}/v1\nOPENAI_MODEL=gpt-4.1-mini\n",
                            encoding="utf-8")
        env = {"PATH": "", "SDPA_ENV_FILE": str(env_file), "SDPA_DATA_DIR": str(tmp_path / "data"),
               "OLLAMA_HOST": "127.0.0.1:9", "GRADIO_ANALYTICS_ENABLED": "False", "PYTHONIOENCODING": "utf-8"}
        result = subprocess.run([sys.executable, "-c", WEBUI_CHILD, str(ROOT)], capture_output=True, text=True,
                                encoding="utf-8", env=env, timeout=180)
        assert result.returncode == 0, result.stderr[-3000:]
        calls = len([r for r in wire.requests if r.path.endswith("/chat/completions")])
    typed, chip = json.loads(next(r for r in result.stdout.splitlines() if r.startswith("RESULT "))[7:])
    assert calls == 1  # the typed one only
    assert typed["prompt"] == "cabin, snow, night, moonlight" and "gpt-4.1-mini" in typed["status"]
    assert "dark" in chip["prompt"] and "chip" in chip["status"]


@pytest.mark.parametrize(("instruction", "right"), [
    ("make it night", "portrait of a young woman in a wheat field, night, moonlight, 85mm lens, "
                      "shallow depth of field"),
    ("zoom out so we see the whole field", "wide shot of a young woman standing in a vast sunlit wheat field, "
                                           "golden hour, shallow depth of field"),
    ("change the woman to an old man", "portrait of an old man in a sunlit wheat field, golden hour, 85mm lens, "
                                       "shallow depth of field"),
    ("make it a charcoal drawing", "charcoal drawing of a young woman in a wheat field, golden hour, "
                                   "rough charcoal strokes"),
])
def test_a_right_answer_from_the_model_passes_unchanged(make_settings, instruction, right):
    with OpenAIServer(answer=_answer(right)) as server:
        version = Assistant(make_settings({"LLM_PROVIDER": "openai", "OPENAI_BASE_URL": server.url + "/v1"})).refine(
            PromptVersion(START, "lowres, blurry", family="sdxl"), instruction)
    assert version.prompt == right, version.warnings


@pytest.mark.parametrize(("instruction", "answer", "present", "gone"), [
    ("make it night", START + ", night", ["wheat field", "night"], ["sunlit", "golden hour"]),  # kept the day
    ("get rid of the wheat field", START, ["young woman"], ["wheat field"]),  # kept what it takes away
    ("no people in the background", START + ", people in the background", ["young woman"], ["people"]),
])
def test_a_bad_answer_is_repaired_by_what_the_instruction_asks(make_settings, instruction, answer, present, gone):
    with OpenAIServer(answer=_answer(answer)) as server:
        version = Assistant(make_settings({"LLM_PROVIDER": "openai", "OPENAI_BASE_URL": server.url + "/v1"})).refine(
            PromptVersion(START, "lowres, blurry", family="sdxl"), instruction)
    assert all(p in version.prompt for p in present), version.prompt
    assert not any(g in version.prompt for g in gone), version.prompt
    if instruction.startswith("no "):
        assert "people" in version.negative_prompt
