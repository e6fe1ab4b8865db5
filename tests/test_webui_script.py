"""scripts/sdpa.py loaded against fakes of the WebUI's `modules` (tests/fakes/modules), in a fresh
interpreter: what it registers, that loading it makes no network call, and that its hooks behave.
The real A1111 and Forge are checked by tests/host/ (opt-in)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sdpa_ext.settings.config import embedded_name

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import json, runpy, socket, sys, time
sys.path[:0] = [sys.argv[1] + "/tests/fakes", sys.argv[1]]
connects = []
real_connect = socket.socket.connect
socket.socket.connect = lambda self, address: (connects.append(str(address)), real_connect(self, address))[1]

import gradio as gr
from types import SimpleNamespace
from modules import script_callbacks, shared

import threading
HEAVY = ("sdpa_ext.service", "sdpa_ext.assistant", "sdpa_ext.providers.registry", "sdpa_ext.craft.takes")
threads = threading.active_count()
heavy = lambda: sorted(m for m in HEAVY if m in sys.modules)  # noqa: E731
start = time.perf_counter()
module = runpy.run_path(sys.argv[1] + "/scripts/sdpa.py", run_name="sdpa_script")
load_s = time.perf_counter() - start
load_connects = list(connects)
out = {"load_s": load_s, "load_connects": load_connects,
       "registered": {k: len(v) for k, v in script_callbacks.registered.items()},
       "load_heavy": heavy(), "load_threads": threading.active_count() - threads}

for callback in script_callbacks.registered["ui_settings"]:
    callback()
out["options"] = sorted(shared.opts.added)
out["sections"] = sorted({str(i.section) for i in shared.opts.added.values()})
from modules.options import categories
out["categories"] = sorted({categories.mapping[i.category_id].label for i in shared.opts.added.values()})

with gr.Blocks() as page:
    script = module["PromptAssistantScript"]()
    boxes = {}
    for elem_id in ("txt2img_prompt", "txt2img_neg_prompt"):
        boxes[elem_id] = gr.Textbox(elem_id=elem_id)
        script.callbacks[elem_id](SimpleNamespace(component=boxes[elem_id]))
    steps = gr.Slider(1, 150, 20, elem_id="txt2img_steps")
    script.callbacks["txt2img_steps"](SimpleNamespace(component=steps))
    components = script.ui(False)
    tabs = [callback() for callback in script_callbacks.registered["ui_tabs"]]
out["ui_inputs"] = len(components)
out["build_heavy"], out["build_threads"] = heavy(), threading.active_count() - threads
out["tab"] = [(title, elem_id) for blocks, title, elem_id in tabs[0]]
out["writes_host_prompt"] = any(page.blocks[o].elem_id == "txt2img_prompt"
                                for d in page.config["dependencies"] for o in d["outputs"])
out["input_events"] = sum("sdpaPromptsChanged('txt2img')" in str(d.get("js")) for d in page.config["dependencies"])
from tests.support import page_load_value
out["roles"] = page_load_value(page, "sdpa_txt2img_roles")  # filled when the page loads, not while it is built
# The host's API calls ui() again in a throw-away Blocks, only to read default values (A1111 and Forge).
with gr.Blocks():
    out["api_defaults"] = len([c.value for c in script.ui(False)])

from fastapi import FastAPI
app = FastAPI()
for callback in script_callbacks.registered["app_started"]:
    callback(None, app)
out["routes"] = sorted(p for p in app.openapi()["paths"] if p.startswith("/sdpa"))  # any FastAPI's routes
time.sleep(0.5)  # the banner thread, started by app_started
out["started_heavy"] = heavy()

p = SimpleNamespace(width=1024, height=1024, batch_size=1, extra_generation_params={})
script.before_process(p, "a cabin", "", "auto", "", True)
script.process(p, "a cozy cabin", "", "auto", "", True)
out["infotext_off"] = dict(p.extra_generation_params)
shared.opts.data["sdpa_infotext"] = "true"
module["_reload"]()
script.process(p, "a cozy cabin", "", "auto", "", True)
out["infotext"] = p.extra_generation_params
out["accordion"] = [type(b).__name__ for b in page.blocks.values()
                    if getattr(b, "elem_id", "") == "sdpa_txt2img_accordion"]
out["checkboxes"] = sorted(b.label for b in page.blocks.values() if type(b).__name__ == "Checkbox"
                         and str(getattr(b, "elem_id", "")).startswith("sdpa_txt2img"))
out["freed"] = p.sdpa_freed.reason

import io
from PIL import Image, PngImagePlugin
info = PngImagePlugin.PngInfo()
info.add_text("parameters", "a cabin\nNegative prompt: blurry\nSteps: 20, Sampler: Euler, CFG scale: 7, Seed: 5")
png = io.BytesIO()
Image.new("RGB", (8, 8)).save(png, "PNG", pnginfo=info)
read = module["_host_context"]().read_image(png.getvalue())
out["from_image"] = [read.prompt, read.negative_prompt, read.settings]
out["interrogated"] = [module["_host_context"]().interrogate(png.getvalue(), tags) for tags in (False, True)]

import os
shared.prompt_styles = shared.StyleDatabase(os.path.join(os.environ["SDPA_DATA_DIR"], "webui-styles.csv"))
saved = module["service"]().save_style("Snowy", prompt="masterpiece, a cabin in snow", template=True, session="s")
out["style"] = [saved.file.endswith("webui-styles.csv"), shared.prompt_styles.reloads,
                shared.prompt_styles.styles["Snowy"].prompt]
print("RESULT " + json.dumps(out))
"""


def _run(tmp_path) -> dict:
    env_file = tmp_path / "empty.env"
    env_file.write_text("", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.endswith(("_PROVIDER", "_MODEL", "_BASE_URL"))}
    env.update(SDPA_ENV_FILE=str(env_file), SDPA_DATA_DIR=str(tmp_path / "data"), GRADIO_ANALYTICS_ENABLED="False",
               OLLAMA_HOST="127.0.0.1:9")
    result = subprocess.run([sys.executable, "-c", CHILD, str(ROOT)], capture_output=True, text=True, env=env,
                            timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    line = next(row for row in result.stdout.splitlines() if row.startswith("RESULT "))
    return json.loads(line.removeprefix("RESULT "))


@pytest.mark.slow
def test_the_webui_script_against_fake_modules(tmp_path):
    """Slow by design: the WebUI script loaded, its page built and the app started in a fresh Python (what a WebUI
    start imports, Gradio included), so that nothing imported before counts."""
    out = _run(tmp_path)
    assert out["load_connects"] == []  # no network call while the WebUI starts
    # Issue 26, point 7: loading the script and building the page (the host's "load scripts" and "create ui")
    # neither make the Service nor start a thread; both wait for app_started.
    assert out["load_heavy"] == out["build_heavy"] == [] and out["load_threads"] == out["build_threads"] == 0, out
    assert "sdpa_ext.service" in out["started_heavy"], out["started_heavy"]
    assert out["registered"] == {"ui_tabs": 1, "ui_settings": 1, "app_started": 1, "model_loaded": 1}
    assert {"sdpa_mode", "sdpa_llm_provider", "sdpa_planning_model", "sdpa_ollama_host", "sdpa_vram_policy",
            "sdpa_family", "sdpa_stream"} <= set(out["options"])
    assert not any("key" in option for option in out["options"])  # keys are never WebUI options
    assert out["sections"] == ["('sdpa', 'SD Prompt Assistant')"]
    assert out["categories"] == ["SD Prompt Assistant"]  # a named category, not "Uncategorized"
    assert out["ui_inputs"] == 5 and out["writes_host_prompt"] and out["api_defaults"] == 5
    # A plain accordion: its checkboxes are labelled (no unlabelled toggle in its header)
    assert out["accordion"] == ["Accordion"]
    assert out["checkboxes"] == ["Apply suggested settings", "Look at each result (a call per image)"]
    # After each event that writes the prompt boxes (Generate, Refine, 8 chips, Undo, Redo, 4 Use take k): the
    # input event.
    assert out["input_events"] == 16
    embedded = f"Embedded ({embedded_name()})"  # the model installed in this environment, or "not installed"
    assert out["roles"] == (f'<div class="sdpa-roles">Planning: local <b>{embedded}</b> · '
                            f'Execution: local <b>{embedded}</b></div>')
    assert out["tab"] == [["Prompt Assistant", "sdpa_tab"]]
    assert {"/sdpa/v1/hardware", "/sdpa/v1/config", "/sdpa/v1/plan", "/sdpa/v1/refine"} <= set(out["routes"])
    assert out["freed"] == "no role uses Ollama" and out["infotext_off"] == {}
    # An image read inside the WebUI: the host's reader and parser, without the UI defaults it adds.
    assert out["from_image"] == ["host: a cabin", "blurry", {"Steps": "20", "Sampler": "Euler", "CFG scale": "7",
                                                             "Seed": "5"}]
    # The WebUI's interrogators, standing in for a planning model that cannot see: CLIP's caption, DeepBooru's tags.
    assert out["interrogated"] == [["a blue picture, 8x8", "CLIP"], ["no humans, blue background, rgb", "DeepBooru"]]
    # Save as style: the WebUI's styles file, then its store reloaded (the Styles dropdown has it).
    assert out["style"] == [True, 1, "masterpiece, {prompt}"]
    assert out["infotext"]["SDPA description"] == "a cozy cabin"
    assert out["infotext"]["SDPA model"].startswith("Embedded (") and set(out["infotext"]) == {
        "SDPA description", "SDPA model"}


BANNER_CHILD = r"""
import runpy, sys, threading
sys.path[:0] = [sys.argv[1] + "/tests/fakes", sys.argv[1]]
runpy.run_path(sys.argv[1] + "/scripts/sdpa.py", run_name="sdpa_script")
from fastapi import FastAPI
from modules import script_callbacks
for callback in script_callbacks.registered["app_started"]:  # the banner comes once the app has started
    callback(None, FastAPI())
for thread in threading.enumerate():
    if thread.name == "sdpa-banner":
        thread.join(60)
"""


def test_the_webui_banner_carries_the_settings_warnings(tmp_path):
    env_file = tmp_path / "retired.env"
    env_file.write_text("LLM_PROVIDER=gemini\nGEMINI_MODEL=gemini-1.5-flash\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.endswith(("_PROVIDER", "_MODEL", "_BASE_URL"))}
    env.update(SDPA_ENV_FILE=str(env_file), SDPA_DATA_DIR=str(tmp_path / "data"), GRADIO_ANALYTICS_ENABLED="False")
    result = subprocess.run([sys.executable, "-c", BANNER_CHILD, str(ROOT)], capture_output=True, text=True,
                            encoding="utf-8", env=env, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Provider: Google Gemini (gemini-1.5-flash)" in result.stdout
    assert "[SD Prompt Assistant] warning: gemini-1.5-flash was retired by Google" in result.stdout

