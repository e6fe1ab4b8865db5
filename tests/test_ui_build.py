"""The UI builds and wires under the installed Gradio. CI runs this file twice: under Gradio 4.40
(Forge, standalone) and, in a second environment, under Gradio 3.41.2 (A1111)."""

from __future__ import annotations

import json

import gradio as gr
import pytest

from sdpa_ext.providers.types import ChatRequest, Completion, Usage
from sdpa_ext.service import Service
from sdpa_ext.types import PromptVersion
from sdpa_ext.ui import compat, panel, render, shared
from sdpa_ext.ui.panel import Panel, param_value
from sdpa_ext.ui.parts import panel_parts
from sdpa_ext.ui.shared import Calls, TargetFields, pump
from sdpa_ext.ui.workspace import Workspace, build_standalone, workspace_tab


@pytest.fixture
def service(make_settings):
    return Service(make_settings())


def _elem_ids(blocks: gr.Blocks) -> set[str]:
    return {c.get("props", {}).get("elem_id") for c in blocks.config["components"]} - {None}


def test_standalone_app_has_every_part(service):
    app = build_standalone(service)
    ids = _elem_ids(app)
    for part in ("description", "plan", "feedback", "refine", "cancel", "undo", "redo", "preview", "diff", "tokens",
                 "status", "prompt", "negative", "versions", "hardware", "check", "save_keys", "provenance"):
        assert f"sdpa_tab_{part}" in ids, part
    assert {f"sdpa_tab_chip_{c}" for c in ("darker", "more_detail", "square")} <= ids
    assert "sdpa_tab_send_txt2img" not in ids  # copy buttons instead of send-to, standalone
    assert not [d["js"] for d in app.config["dependencies"] if d.get("js")]  # Gradio 6 runs such code with eval


def test_the_takes_view_has_a_button_for_every_take():
    from sdpa_ext.craft.takes import MAX_TAKES
    from sdpa_ext.ui import takes_view

    assert takes_view.TAKE_BUTTONS == MAX_TAKES


def test_webui_tab_sends_to_txt2img_with_client_side_code(service):
    tab = workspace_tab(lambda: service)
    assert "sdpa_tab_send_txt2img" in _elem_ids(tab) and "sdpa_tab_send_img2img" in _elem_ids(tab)
    code = [d.get("js") for d in tab.config["dependencies"] if d.get("js")]
    assert any("sdpaSendTo('txt2img'" in str(c) for c in code)


def test_a_panel_writes_into_host_fields_and_settings(service):
    with gr.Blocks() as page:
        prompt = gr.Textbox(elem_id="txt2img_prompt")
        negative = gr.Textbox(elem_id="txt2img_neg_prompt")
        steps = gr.Slider(1, 150, 20, elem_id="txt2img_steps")
        sampler = gr.Dropdown(["Euler a", "DPM++ 2M"], value="Euler a", elem_id="txt2img_sampling")
        txt2img = Panel(lambda: service, "txt2img", TargetFields(prompt, negative, {"steps": steps,
                                                                                   "sampler_name": sampler}),
                        panel_parts)
        inputs = txt2img.build()
    assert len(inputs) == 5 and "sdpa_txt2img_refine" in _elem_ids(page)
    outputs = txt2img.outputs()
    assert outputs[:4] == [prompt, negative, steps, sampler]
    plan = next(d for d in page.config["dependencies"] if d["targets"] and _target(page, d) == "sdpa_txt2img_plan")
    assert len(plan["outputs"]) == len(outputs)

    version = PromptVersion(prompt="cabin", negative_prompt="blurry",
                            params={"steps": 30, "sampler_name": "DPM++ 2M", "scheduler": "Karras"})
    service.history.session("s").push(version)
    shown = txt2img.show(version, {"id": "s"}, True, "")
    assert set(shown) <= set(outputs)  # named outputs: each a component the event writes
    assert (shown[prompt], shown[negative]) == ("cabin", "blurry")
    assert _update_value(shown[steps]) == 30 and _update_value(shown[sampler]) == "DPM++ 2M"
    kept = txt2img.show(version, {"id": "s"}, False, "")
    assert steps not in kept and sampler not in kept  # "apply suggested settings" off: the sliders stay


def test_undo_with_nothing_to_undo_changes_nothing(service):
    with gr.Blocks():
        tab = Panel(lambda: service, "tab", TargetFields(gr.Textbox(), gr.Textbox()), panel_parts)
        tab.build()
    result = tab.undo(None, True)
    assert "nothing to undo" in result[tab.status] and isinstance(result[tab.state], dict)
    assert tab.fields.prompt not in result and tab.fields.negative not in result


def test_compat_helpers_match_the_installed_gradio():
    major = int(gr.__version__.split(".")[0])
    assert compat.js("() => 1") == ({"js": "() => 1"} if major >= 4 else {"_js": "() => 1"})
    with gr.Blocks():
        dropdown = gr.Dropdown(["Euler a", "DPM++ 2M"])
    assert compat.choices_of(dropdown) == ["Euler a", "DPM++ 2M"]
    assert param_value("sampler_name", "Heun", dropdown) is None
    assert param_value("sampler_name", "Euler a", dropdown) == "Euler a"
    assert compat.username(None) == ""


def test_rendered_html_escapes_model_text():
    version = PromptVersion(prompt="x", provider="claude", model="<script>alert(1)</script>",
                            warnings=["<img src=x onerror=alert(1)>"])
    html = render.status(version) + render.diff_html({"added": ["<b>"], "removed": []})
    assert "<script>" not in html and "<img" not in html and "&lt;b&gt;" in html


def test_the_pump_hands_over_items_then_the_result_or_the_error_in_order():
    def work(report):
        for piece in ("a", "b", "c"):
            report(piece)
        return "done"

    assert list(pump(work, name="t")) == [("item", "a"), ("item", "b"), ("item", "c"), ("done", "done")]

    def broken(report):
        report("a")
        raise ValueError("no")

    kinds = [(kind, str(value)) for kind, value in pump(broken, name="t")]
    assert kinds == [("item", "a"), ("error", "no")]


def test_the_status_line_says_the_calls_phase_and_gradio_shows_no_estimate(make_settings):
    """Loading the model, waiting for the first token, writing, checking: from roles.phase through the panel."""
    from tests.test_faults import frames
    from tests.wire import OpenAIServer, Stream

    answer = json.dumps({"prompt": "cozy cabin, snowy forest", "negative_prompt": "blurry"})
    with OpenAIServer() as server:
        server.script("/chat/completions", Stream(frames("openai", answer, 3), delay=0.2))
        service = Service(make_settings({"LLM_PROVIDER": "openai", "OPENAI_BASE_URL": server.url + "/v1"}))
        with gr.Blocks() as page:
            tab = Panel(lambda: service, "tab", TargetFields(gr.Textbox(), gr.Textbox()), panel_parts)
            tab.build()
        shown = [out[tab.status] for out in tab.plan("a cozy cabin in a snowy forest", "auto", "", True, "1", None)]
    phases = [next((name for name, text in panel.PHASES.items() if text in html), "") for html in shown]
    assert [p for i, p in enumerate(phases) if p and p not in phases[:i]] == ["waiting", "writing", "checking"]
    assert phases[-1] == "" and "openai" in shown[-1]  # the final status names the provider
    plan = next(d for d in page.config["dependencies"] if d["targets"] and _target(page, d) == "sdpa_tab_plan")
    assert plan["show_progress"] == "hidden"


def test_a_model_that_loads_first_says_so(make_settings, monkeypatch):
    from sdpa_ext.providers.local import LocalClient, LocalRuntime
    from sdpa_ext.roles import Roles

    heard: list[str] = []
    listener = shared.Listener(heard.append)
    roles = Roles.from_settings(make_settings({"LLM_PROVIDER": "local"}))
    assert isinstance(roles.planning, LocalClient)
    monkeypatch.setattr(LocalRuntime, "loaded", lambda self: False)
    answer = Completion("x", "local", "m", "planning", Usage(), 0.0, 0.1, 0.1)
    monkeypatch.setattr(LocalClient, "complete", lambda self, req, **kw: kw["on_delta"]("x") or answer)
    roles.complete("planning", ChatRequest(messages=[]), on_delta=listener)
    assert heard == [shared.Phase("loading"), "x", shared.Phase("checking")]


def test_a_new_call_cancels_the_one_it_replaces():
    calls = Calls()
    first = calls.start("tab")
    second = calls.start("tab")
    other = calls.start("other tab")
    assert first.cancelled and not second.cancelled and not other.cancelled
    calls.end("tab", first)  # the replaced call ending leaves the new one registered
    calls.cancel("tab")
    assert second.cancelled and not other.cancelled
    calls.cancel()
    assert other.cancelled


def test_the_workspace_reconfigures_when_the_vram_picture_changes(make_settings):
    """After a pull or an unload the tab re-reads the settings (auto-configure runs again) and shows the roles."""
    loads = []

    def load():
        loads.append(1)
        return make_settings({"OLLAMA_HOST": "127.0.0.1:9"})

    service = Service(load=load)
    with gr.Blocks():
        workspace = Workspace(lambda: service, standalone=True)
        workspace.build()
    before = len(loads)
    line = workspace.gpu.reconfigure()
    assert len(loads) == before + 1 and "Planning: local" in line and "sdpa-roles" in line


def test_restore_makes_an_old_version_current_again(service):
    line = service.line("s")
    old = line.push(PromptVersion(prompt="cabin"))
    line.push(PromptVersion(prompt="castle"))
    restored = service.restore(old.id, session="s")
    assert (restored.prompt, restored.kind, restored.parent) == ("cabin", "restore", old.id)
    assert service.current(session="s").id == restored.id and restored.id != old.id
    assert service.restore("nope", session="s") is None and service.restore(old.id, session="s", user="bob") is None


def _shown(component, value) -> tuple[list, list]:
    """(headers, rows) of a Dataframe value as this Gradio sends it to the page (3: a dict, 4: a model)."""
    sent = component.postprocess(value)
    return (sent["headers"], sent["data"]) if isinstance(sent, dict) else (sent.headers, sent.data)


def test_the_tab_lists_the_versions_of_every_line_newest_first_with_their_change(service):
    """The accordion's and the Refine button's versions are in the tab's table (one user, any session)."""
    with gr.Blocks():
        workspace = Workspace(lambda: service, standalone=False)
        workspace.build()
    versions = workspace.versions
    headers, rows = _shown(versions.table, versions.version_rows())
    assert headers == ["id", "when", "kind", "from", "change", "prompt"] and rows == [[""] * 6]  # empty: headers kept
    accordion = service.line("txt2img-browser-tab")
    first = accordion.push(PromptVersion(prompt="cabin, snowy forest, dusk", source="a cabin"))
    accordion.push(PromptVersion(prompt="cabin, snowy forest, night, moonlight", kind="refine", parent=first.id,
                                 source="make it night", created=first.created + 1))
    service.history.session("api", "bob").push(PromptVersion(prompt="castle"))  # another user's: not listed
    headers, rows = _shown(versions.table, versions.version_rows())
    assert [row[2] for row in rows] == ["refine", "plan"]
    assert rows[0][3:5] == ["make it night", "+night +moonlight −dusk"] and rows[1][4] == ""
    _, found = _shown(versions.table, versions.search_rows("moonlight"))
    assert [row[4] for row in found] == ["+night +moonlight −dusk"]
    _, none = _shown(versions.table, versions.search_rows("no such words"))
    assert none == [[""] * 6]


def test_the_workspace_reads_an_image_sent_as_metadata(service):
    """The hidden Read button's handler (javascript/sdpa.js sends "name\nbase64"): the image's fields, or the
    reason on the status line with the fields left alone."""
    import base64
    import json
    from pathlib import Path

    golden = json.loads((Path(__file__).parent / "data" / "a1111_infotext.json").read_text(encoding="utf-8"))
    with gr.Blocks() as page:
        workspace = Workspace(lambda: service, standalone=True)
        workspace.build()
    assert {"sdpa_tab_image_drop", "sdpa_tab_image_data", "sdpa_tab_image_read"} <= _elem_ids(page)
    image = next(i for i in golden["images"] if i["name"] == "webp")
    tab = workspace.panel
    shown = workspace.image.read(f"old.webp\n{image['data']}", "auto", True, {"id": "s"})
    assert (shown[workspace.prompt], shown[workspace.negative]) == (golden["cases"][5]["parsed"]["Prompt"],
                                                                    golden["cases"][5]["parsed"]["Negative prompt"])
    assert "Seed: 2024" in shown[tab.status] and service.current(session="s").kind == "image"
    assert workspace.versions.show_params({"id": "s"})["image"]["Hires upscaler"] == "R-ESRGAN 4x+"
    for payload, says in (("x.png\n%%%", "not base64"), ("x.png\n" + base64.b64encode(b"GIF89a").decode(),
                                                           "not a PNG")):
        failed = workspace.image.read(payload, "auto", True, {"id": "s"})
        assert says in failed[tab.status] and "unchanged" in failed[tab.status] and workspace.prompt not in failed


def _target(page: gr.Blocks, dependency: dict) -> str | None:
    """The elem_id of what triggers a dependency (None for the page itself: a load event)."""
    target = dependency["targets"][0]
    block_id = target[0] if isinstance(target, list | tuple) else target
    return getattr(page.blocks.get(block_id), "elem_id", None)


def _update_value(update) -> object:
    return update.get("value") if isinstance(update, dict) else getattr(update, "value", update)


def _visible(update) -> object:
    return update.get("visible") if isinstance(update, dict) else getattr(update, "visible", None)


def test_the_look_after_generate_shows_what_matches_and_offers_at_most_three_refines(make_settings):
    import base64
    import io

    from PIL import Image

    from .wire import OpenAIServer

    answer = json.dumps({"matches": ["the sun <b>"], "mismatches": ["no cabin"],
                         "refines": ["add a cabin", "make it snowy", "add pine trees", "a fourth"]})
    picture = io.BytesIO()
    Image.new("RGB", (640, 480), (40, 90, 160)).save(picture, format="JPEG")
    payload = "data:image/jpeg;base64," + base64.b64encode(picture.getvalue()).decode()
    with OpenAIServer(answer=answer) as wire:
        service = Service(make_settings({"LLM_PROVIDER": "openai", "OPENAI_BASE_URL": wire.url + "/v1",
                                         "OPENAI_API_KEY": "sk-test", "OPENAI_MODEL": "gpt-4.1-mini"}))
        with gr.Blocks() as page:
            txt2img = Panel(lambda: service, "txt2img", TargetFields(gr.Textbox(elem_id="txt2img_prompt"),
                                                                     gr.Textbox(elem_id="txt2img_neg_prompt")),
                            panel_parts)
            txt2img.build()
        look = txt2img.parts.look
        shown = look.look(payload, "a cabin under the sun", "cabin, sun")
        empty = look.look("", "a cabin", "cabin")
        calls = [r for r in wire.requests if r.path.endswith("/chat/completions")]
    assert {"sdpa_txt2img_look", "sdpa_txt2img_look_auto", "sdpa_txt2img_look_refine_3"} <= _elem_ids(page)
    assert "no cabin" in shown[look.result] and "the sun &lt;b&gt;" in shown[look.result]  # model text stays text
    assert [_update_value(shown[b]) for b in look.refines] == ["add a cabin", "make it snowy", "add pine trees"]
    assert "press Generate first" in empty[look.result] and all(_visible(empty[b]) is False for b in look.refines)
    assert len(calls) == 1 and "a cabin under the sun" in json.dumps(calls[0].json)


def test_a_token_count_overtaken_by_a_newer_one_leaves_the_line(service, monkeypatch):
    """Typing asks for a count per key, run at once (unqueued in Gradio 3): a count that finishes after a newer
    one was asked must not land last with an older text's number."""
    with gr.Blocks():
        tab = Panel(lambda: service, "tab", TargetFields(gr.Textbox(), gr.Textbox()), panel_parts)
        tab.build()
    real, newer, typed = render.tokens_html, [], []

    def tokens(version):
        if not typed:  # the user typed on while the first count ran
            typed.append(1)
            newer.append(tab.count("a lighthouse on a cliff, stormy sea", ""))
        return real(version)

    monkeypatch.setattr(render, "tokens_html", tokens)
    older = tab.count("a lighthouse", "")
    assert _update_value(older) is None and not isinstance(older, str)
    assert isinstance(newer[0], str) and "Prompt" in newer[0]
