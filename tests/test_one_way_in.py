"""One way in: with OLLAMA_AUTO_CONFIGURE=true the CLI, the WebUI's banner and panel, and `serve` all use the
same auto-configured models (they all go through Service). The Ollama double has llama3.1:8b and llama3.2:3b
installed; with no GPU here the recommendation is llama3.2:3b to plan and gemma2:2b to execute, where the
settings' defaults alone would give llama3.1:8b and llama3.2:3b."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from .support import ROOT, serve, stop
from .wire import OllamaServer

PLANNING, EXECUTION = "llama3.2:3b", "gemma2:2b"
BANNER = f"Planning: Ollama ({PLANNING})", f"Execution: Ollama ({EXECUTION})"


@pytest.fixture(scope="module")
def ollama():
    installed = [{"name": "llama3.1:8b", "size": 4_920_000_000}, {"name": "llama3.2:3b", "size": 2_019_393_189}]
    with OllamaServer(installed=installed) as server:
        yield server


def _env(ollama: OllamaServer, tmp_path) -> dict[str, str]:
    env_file = tmp_path / "dual.env"
    env_file.write_text("USE_DUAL_LLM=true\nPLANNING_LLM_PROVIDER=ollama\nEXECUTION_LLM_PROVIDER=ollama\n"
                        "OLLAMA_AUTO_CONFIGURE=true\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.endswith(("_PROVIDER", "_MODEL", "_BASE_URL"))}
    env.update(SDPA_ENV_FILE=str(env_file), SDPA_DATA_DIR=str(tmp_path / "data"), OLLAMA_HOST=ollama.url,
               GRADIO_ANALYTICS_ENABLED="False")
    return env


def test_the_cli_plans_with_the_auto_configured_model(ollama, tmp_path):
    env = _env(ollama, tmp_path)
    config = subprocess.run([sys.executable, "-m", "sdpa_ext", "config"], cwd=ROOT, capture_output=True, text=True,
                            encoding="utf-8", env=env, timeout=120)
    assert all(line in config.stdout for line in BANNER), config.stdout[:500]
    plan = subprocess.run([sys.executable, "-m", "sdpa_ext", "plan", "a cabin", "--json"], cwd=ROOT,
                          capture_output=True, text=True, encoding="utf-8", env=env, timeout=120)
    assert plan.returncode == 0, plan.stderr[-2000:]
    assert json.loads(plan.stdout)["model"] == PLANNING
    assert ollama.requests and ollama.requests[-1].json["model"] == PLANNING


WEBUI_CHILD = r"""
import json, runpy, sys, threading
sys.path[:0] = [sys.argv[1] + "/tests/fakes", sys.argv[1]]
import gradio as gr
from types import SimpleNamespace
from modules import script_callbacks
from fastapi import FastAPI
from tests.support import page_load_value
module = runpy.run_path(sys.argv[1] + "/scripts/sdpa.py", run_name="sdpa_script")
with gr.Blocks() as page:
    script = module["PromptAssistantScript"]()
    for elem_id in ("txt2img_prompt", "txt2img_neg_prompt"):
        script.callbacks[elem_id](SimpleNamespace(component=gr.Textbox(elem_id=elem_id)))
    script.ui(False)
for callback in script_callbacks.registered["app_started"]:  # the banner comes once the app has started
    callback(page, FastAPI())
for thread in threading.enumerate():
    if thread.name == "sdpa-banner":
        thread.join(60)
roles = page_load_value(page, "sdpa_txt2img_roles")  # filled when the page loads
print("RESULT " + json.dumps({"roles": roles, "service": module["service"]().roles()}))
"""


def test_the_webui_banner_and_panel_use_the_auto_configured_models(ollama, tmp_path):
    result = subprocess.run([sys.executable, "-c", WEBUI_CHILD, str(ROOT)], capture_output=True, text=True,
                            encoding="utf-8", env=_env(ollama, tmp_path), timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    assert all(line in result.stdout for line in BANNER), result.stdout[:500]  # the banner, as the WebUI prints it
    out = json.loads(next(r for r in result.stdout.splitlines() if r.startswith("RESULT ")).removeprefix("RESULT "))
    assert out["service"]["planning"]["model"] == PLANNING and out["service"]["execution"]["model"] == EXECUTION
    assert f"<b>{PLANNING}</b>" in out["roles"] and f"<b>{EXECUTION}</b>" in out["roles"]  # the accordion's line


def test_serve_uses_the_auto_configured_models(ollama, tmp_path):
    env = _env(ollama, tmp_path)
    process, url = serve(tmp_path, env_text=Path(env["SDPA_ENV_FILE"]).read_text(encoding="utf-8"),
                         environ={"OLLAMA_HOST": ollama.url})
    try:
        roles = requests.get(url + "/sdpa/v1/config", timeout=10).json()["roles"]
    finally:
        stop(process)
    assert roles["planning"]["model"] == PLANNING and roles["execution"]["model"] == EXECUTION
    assert all(line in (tmp_path / "serve.log").read_text(encoding="utf-8") for line in BANNER)


RELOAD_CHILD = r"""
import json, runpy, sys, threading
sys.path[:0] = [sys.argv[1] + "/tests/fakes", sys.argv[1]]
from types import SimpleNamespace
import sdpa_ext.hardware as hardware
from sdpa_ext.hardware.gpu import what_if
hardware.read_gpus = lambda *args, **kwargs: what_if(12)  # a 12 GB card
from modules import script_callbacks, sd_models
module = runpy.run_path(sys.argv[1] + "/scripts/sdpa.py", run_name="sdpa_script")

def join(name):
    for thread in threading.enumerate():
        if thread.name == name:
            thread.join(60)

join("sdpa-banner")
before = module["service"]().roles()
sd_models.model_data.sd_model = SimpleNamespace(is_sdxl=True, sd_checkpoint_info=SimpleNamespace(name="sd_xl_base"))
for callback in script_callbacks.registered["model_loaded"]:
    callback(sd_models.model_data.sd_model)
join("sdpa-reconfigure")
print("RESULT " + json.dumps({"before": before, "after": module["service"]().roles()}))
"""


def test_a_checkpoint_loading_in_the_webui_runs_auto_configure_again(ollama, tmp_path):
    """No checkpoint: an 8B planner fits beside SD on 12 GB; an SDXL checkpoint loads: the 3B one."""
    result = subprocess.run([sys.executable, "-c", RELOAD_CHILD, str(ROOT)], capture_output=True, text=True,
                            encoding="utf-8", env=_env(ollama, tmp_path), timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    out = json.loads(next(r for r in result.stdout.splitlines() if r.startswith("RESULT ")).removeprefix("RESULT "))
    assert out["before"]["planning"]["model"] == "llama3.1:8b"
    assert out["after"]["planning"]["model"] == "llama3.2:3b" and out["after"]["execution"]["model"] == "qwen2.5:3b"
    assert "Planning: Ollama (llama3.2:3b) (auto: fits 2 GB, swap)" in result.stdout  # the banner again


def test_a_refine_keeps_the_hand_edit_it_starts_from(make_settings):
    """What the user typed since the last version is recorded before the refine, so Undo comes back to it;
    an unchanged prompt is not recorded twice. ("make it darker" is a rule: no model is called.)"""
    from sdpa_ext.service import Service
    from sdpa_ext.types import PromptVersion

    service = Service(make_settings({"OLLAMA_HOST": "127.0.0.1:9"}))
    first = service.line("tab").push(PromptVersion(prompt="cabin, snow, forest", negative_prompt="blurry"))
    typed = PromptVersion(prompt="cabin, snow, forest, a red door", negative_prompt="blurry")
    refined = service.refine(typed, "make it darker", session="tab")
    assert [v.kind for v in service.versions(session="tab")] == ["plan", "edit", "refine"]
    edit = service.undo(session="tab")
    assert edit.prompt == "cabin, snow, forest, a red door" and edit.kind == "edit" and refined.parent == edit.id
    assert service.undo(session="tab").id == first.id
    service.redo(session="tab")
    service.redo(session="tab")
    again = PromptVersion(prompt=refined.prompt, negative_prompt=refined.negative_prompt)
    service.refine(again, "make it brighter", session="tab")  # the prompt as the last version left it
    assert [v.kind for v in service.versions(session="tab")] == ["plan", "edit", "refine", "refine"]
