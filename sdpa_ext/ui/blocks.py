"""The Gradio UI, built once for Gradio 3.41 (A1111) and 4.x (Forge and the standalone app).

Gradio is imported when a UI is first built, never when sdpa_ext is imported: `gr` below is bound by
`_gradio()`. Handlers annotate `request: gr.Request`; Gradio resolves that annotation (a string here)
against this module's globals when an event runs, after the build has bound `gr`.
"""

from __future__ import annotations

import queue
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import keyfile, secrets
from ..craft.families import family_choices, styles
from ..craft.live import preview
from ..craft.params import KEYS
from ..errors import Cancelled, SdpaError
from ..history import diff
from ..providers.types import CancelToken
from ..service import Service
from ..types import PromptVersion
from . import render
from .compat import choices_of, client_host, copy_button, js, page_css, username

CHIPS = {"darker": "make it darker", "brighter": "make it brighter", "more detail": "add more detail",
         "simpler": "make it simpler", "cinematic": "cinematic look", "photo": "photo style",
         "anime": "anime style", "square": "square format"}
PARAMS = KEYS  # the generation settings a panel may write (craft/params.py)
REFRESH_S = 0.08  # how often streamed text reaches the preview
STYLE_PATH = Path(__file__).resolve().parents[2] / "style.css"


gr: Any = None  # the gradio module, once a UI is built


def _gradio() -> Any:
    global gr
    if gr is None:
        import gradio

        gr = gradio
    return gr


@dataclass
class Fields:
    """The prompt boxes a panel writes to (the host's txt2img/img2img boxes, or our own) and the host's
    settings components (steps, CFG, size, sampler...) when it has them."""

    prompt: Any
    negative: Any
    params: dict[str, Any] = field(default_factory=dict)


def _session(state: Any) -> dict:
    return state if isinstance(state, dict) and state.get("id") else {"id": uuid.uuid4().hex}


def _param_value(name: str, value: Any, component: Any) -> Any:
    """A suggested setting as its component accepts it, or None to leave the component alone."""
    if name in ("sampler_name", "scheduler"):
        choices = choices_of(component)
        return value if not choices or value in choices else None
    return value


class Panel:
    """Generate / Refine / chips / Undo / Redo / Cancel writing into one pair of prompt boxes."""

    def __init__(self, service: Callable[[], Service], tab: str, fields: Fields):
        self.service = service
        self.tab = tab
        self.fields = fields
        self._running: dict[str, CancelToken] = {}  # session id -> the call in flight (transient)
        self._lock = threading.Lock()

    def eid(self, name: str) -> str:
        return f"sdpa_{self.tab}_{name}"

    # -- building -------------------------------------------------------------------------

    def build(self, wire: bool = True) -> list:
        """The panel's components, created in the current Blocks context; returns the inputs for a Script.
        `wire=False` builds them without events (the WebUI's API reads only their default values)."""
        _gradio()
        with gr.Row():
            self.description = gr.Textbox(label="Describe the picture", lines=2, elem_id=self.eid("description"),
                                          placeholder="a cozy cabin in a snowy forest at dusk", scale=4)
            self.plan_button = gr.Button("Generate prompt", variant="primary", elem_id=self.eid("plan"), scale=1)
        with gr.Row():
            self.feedback = gr.Textbox(label="Feedback", lines=1, elem_id=self.eid("feedback"),
                                       placeholder="make it darker, more detail, remove the cat...", scale=4)
            self.refine_button = gr.Button("Refine", elem_id=self.eid("refine"), scale=1)
            self.cancel_button = gr.Button("Cancel", elem_id=self.eid("cancel"), scale=0, size="sm")
        with gr.Row(elem_classes=["sdpa-chips"]):
            self.chips = {label: gr.Button(label, size="sm", elem_id=self.eid("chip_" + label.replace(" ", "_")))
                          for label in CHIPS}
        with gr.Row():
            self.undo_button = gr.Button("↶ Undo", size="sm", elem_id=self.eid("undo"))
            self.redo_button = gr.Button("↷ Redo", size="sm", elem_id=self.eid("redo"))
            self.family = gr.Dropdown(family_choices(), value="auto", label="Model family",
                                      elem_id=self.eid("family"))
            self.style = gr.Dropdown(["", *styles()], value="", label="Style", elem_id=self.eid("style"))
            self.apply = gr.Checkbox(True, label="Apply suggested settings", elem_id=self.eid("apply"))
        self.preview = gr.Textbox(label="Live answer", lines=3, interactive=False, elem_id=self.eid("preview"))
        self.diff = gr.HTML(elem_id=self.eid("diff"))
        self.tokens = gr.HTML(elem_id=self.eid("tokens"))
        self.status = gr.HTML(elem_id=self.eid("status"))
        self.state = gr.State(None)
        self.events: list = []
        if wire:
            self._wire()
        return [self.description, self.feedback, self.family, self.style, self.apply]

    def _outputs(self) -> list:
        return [self.fields.prompt, self.fields.negative, *self.fields.params.values(), self.preview, self.diff,
                self.tokens, self.status, self.state]

    def _wire(self) -> None:
        params = list(self.fields.params.values())
        outputs = self._outputs()
        plan = self.plan_button.click(self.plan, [self.description, self.family, self.style, self.apply, self.state],
                                      outputs)
        self.description.submit(self.plan, [self.description, self.family, self.style, self.apply, self.state],
                                outputs)
        current = [self.fields.prompt, self.fields.negative, *params]
        refine = self.refine_button.click(self.refine, [self.feedback, self.family, self.apply, self.state, *current],
                                          outputs)
        self.feedback.submit(self.refine, [self.feedback, self.family, self.apply, self.state, *current], outputs)
        running = [plan, refine]
        for label, instruction in CHIPS.items():
            chip_input = gr.Textbox(instruction, visible=False)
            running.append(self.chips[label].click(self.refine, [chip_input, self.family, self.apply, self.state,
                                                                 *current], outputs))
        undo = self.undo_button.click(self.undo, [self.state, self.apply], outputs)
        redo = self.redo_button.click(self.redo, [self.state, self.apply], outputs)
        self.cancel_button.click(self.cancel, [self.state], [self.status], cancels=running)
        self.events = [*running, undo, redo]  # what changes the fields (others chain .then on them)

    # -- handlers -------------------------------------------------------------------------

    def plan(self, description: str, family: str, style: str, apply: bool, state: Any,
             request: gr.Request = None) -> Iterator[tuple]:
        session = _session(state)

        def call(on_delta, cancel):
            return self.service().plan(description, session=session["id"], user=username(request), family=family,
                                       style=style or None, on_delta=on_delta, cancel=cancel)

        yield from self._stream(call, session, apply, username(request))

    def refine(self, request: gr.Request, instruction: str, family: str, apply: bool, state: Any, prompt: str,
               negative: str, *values) -> Iterator[tuple]:  # Gradio injects `request` only before *values
        session = _session(state)
        current = PromptVersion(prompt=prompt or "", negative_prompt=negative or "", kind="edit",
                                params={name: value for name, value in zip(self.fields.params, values, strict=False)
                                        if value is not None})

        def call(on_delta, cancel):
            return self.service().refine(current, instruction, session=session["id"], user=username(request),
                                         family=family, on_delta=on_delta, cancel=cancel)

        yield from self._stream(call, session, apply, username(request))

    def undo(self, state: Any, apply: bool, request: gr.Request = None) -> tuple:
        session = _session(state)
        version = self.service().undo(session=session["id"], user=username(request))
        return self._show(version, session, apply, username(request), note="" if version else "nothing to undo")

    def redo(self, state: Any, apply: bool, request: gr.Request = None) -> tuple:
        session = _session(state)
        version = self.service().redo(session=session["id"], user=username(request))
        return self._show(version, session, apply, username(request), note="" if version else "nothing to redo")

    def cancel(self, state: Any) -> str:
        session = _session(state)
        with self._lock:
            token = self._running.pop(session["id"], None)
        if token is not None:
            token.cancel()
        return render.status(None, note="cancelled; your prompt is unchanged")

    # -- helpers --------------------------------------------------------------------------

    def _unchanged(self) -> list:
        return [gr.update(), gr.update(), *[gr.update() for _ in self.fields.params]]

    def _show(self, version: PromptVersion | None, session: dict, apply: bool, user: str, note: str = "") -> tuple:
        """Write a version into the fields (or leave them, with a note, when there is none)."""
        if version is None:
            return (*self._unchanged(), gr.update(), gr.update(), gr.update(), render.status(None, note=note),
                    session)
        params = [gr.update(value=v) if apply and (v := _param_value(n, version.params.get(n), c)) is not None
                  else gr.update() for n, c in self.fields.params.items()]
        change = self.service().change(version, user=user)
        return (version.prompt, version.negative_prompt, *params, gr.update(), render.diff(change),
                render.tokens(version), render.status(version, note=note), session)

    def _stream(self, call: Callable, session: dict, apply: bool, user: str) -> Iterator[tuple]:
        """Run the call in a thread; stream its text into the preview; write the fields only at the end,
        after the answer passed every check."""
        items: queue.Queue = queue.Queue()
        token = CancelToken()
        with self._lock:
            previous = self._running.pop(session["id"], None)
            self._running[session["id"]] = token
        if previous is not None:
            previous.cancel()

        def work() -> None:
            try:
                items.put(("done", call(lambda text: items.put(("text", text)), token)))
            except BaseException as err:  # handed to the UI thread below
                items.put(("error", err))

        threading.Thread(target=work, daemon=True, name="sdpa-ui-call").start()
        text, last = "", 0.0
        waiting = render.status(None, note="writing…")
        try:
            while True:
                kind, value = items.get()
                if kind == "text":
                    text += value
                    if time.monotonic() - last >= REFRESH_S:
                        last = time.monotonic()
                        yield (*self._unchanged(), preview(text), gr.update(), gr.update(), waiting, session)
                    continue
                if kind == "done":
                    shown = self._show(value, session, apply, user)
                    yield (*shown[:-5], preview(text), *shown[-4:])
                    return
                message = "cancelled" if isinstance(value, Cancelled) else (
                    secrets.scrub(str(value)) if isinstance(value, SdpaError) else
                    f"unexpected error: {type(value).__name__}: {secrets.scrub(str(value))}")
                failed = render.status(None, error=message)
                yield (*self._unchanged(), preview(text), gr.update(), gr.update(), failed, session)
                return
        finally:
            token.cancel()  # the UI went away (closed tab, Cancel): stop the provider call too
            with self._lock:
                if self._running.get(session["id"]) is token:
                    del self._running[session["id"]]


# ---------------------------------------------------------------------------------------------
# The workspace tab (also the standalone app's page)


def build_workspace(service: Callable[[], Service], *, standalone: bool) -> list[tuple[Callable, list]]:
    """The full workspace inside the current Blocks: its own prompt pair and panel, versions, history,
    hardware, providers, keys and settings provenance. Returns what to run when the page loads."""
    _gradio()
    with gr.Row():
        with gr.Column(scale=3):
            prompt = gr.Textbox(label="Prompt", lines=4, elem_id="sdpa_tab_prompt", **copy_button())
            negative = gr.Textbox(label="Negative prompt", lines=2, elem_id="sdpa_tab_negative", **copy_button())
            params = gr.JSON(label="Suggested settings", elem_id="sdpa_tab_params")
            if not standalone:
                with gr.Row():
                    to_txt2img = gr.Button("Send to txt2img", elem_id="sdpa_tab_send_txt2img")
                    to_img2img = gr.Button("Send to img2img", elem_id="sdpa_tab_send_img2img")
                for button, tab in ((to_txt2img, "txt2img"), (to_img2img, "img2img")):
                    button.click(None, [prompt, negative], None, **js(f"(p, n) => sdpaSendTo('{tab}', p, n)"))
            panel = Panel(service, "tab", Fields(prompt, negative))
            panel.build()
            with gr.Accordion("Versions", open=True):
                versions = gr.Dataframe(headers=["id", "when", "kind", "from", "change", "prompt"], interactive=False,
                                        elem_id="sdpa_tab_versions", wrap=True)
                with gr.Row():
                    refresh_versions = gr.Button("Refresh", size="sm")
                    pick = gr.Textbox(label="Version id", elem_id="sdpa_tab_version_id", scale=2)
                    restore = gr.Button("Restore", size="sm", elem_id="sdpa_tab_restore")
                search = gr.Textbox(label="Search all my versions", elem_id="sdpa_tab_search")
        with gr.Column(scale=2):
            with gr.Accordion("GPU and Ollama", open=True):
                hardware_html = gr.HTML(elem_id="sdpa_tab_hardware")
                refresh_hw = gr.Button("Refresh", size="sm", elem_id="sdpa_tab_hardware_refresh")
                with gr.Row():
                    loaded = gr.Dropdown([], label="Loaded Ollama models", allow_custom_value=True, scale=2)
                    unload = gr.Button("Unload", size="sm", elem_id="sdpa_tab_unload")
                    unload_ours = gr.Button("Unload ours", size="sm", elem_id="sdpa_tab_unload_ours")
                with gr.Row():
                    pull_name = gr.Textbox(label="Pull a model", placeholder="llama3.2:3b", scale=2,
                                           elem_id="sdpa_tab_pull_name")
                    pull = gr.Button("Pull", size="sm", elem_id="sdpa_tab_pull")
                    pull_cancel = gr.Button("Stop", size="sm")
                pull_progress = gr.HTML(elem_id="sdpa_tab_pull_progress")
            with gr.Accordion("Providers", open=False):
                check = gr.Button("Check providers", size="sm", elem_id="sdpa_tab_check")
                check_html = gr.HTML(elem_id="sdpa_tab_check_result")
            with gr.Accordion("API keys", open=False):
                gr.Markdown("Saved in the extension's own owner-only key file, never in the WebUI's settings. A "
                            "saved key is never shown again; leave a box empty to keep it, type a space to remove it.")
                key_boxes = {name: gr.Textbox(label=name, type="password", elem_id=f"sdpa_key_{name.lower()}")
                             for name in keyfile.KEY_NAMES}
                save_keys = gr.Button("Save keys", size="sm", elem_id="sdpa_tab_save_keys")
                keys_status = gr.HTML(elem_id="sdpa_tab_keys_status")
            with gr.Accordion("Settings and where they come from", open=False):
                banner = gr.Textbox(label="Mode", lines=3, interactive=False, elem_id="sdpa_tab_banner")
                provenance = gr.Dataframe(headers=["setting", "value", "source"], interactive=False,
                                          elem_id="sdpa_tab_provenance")
                reload = gr.Button("Reload settings", size="sm", elem_id="sdpa_tab_reload")

    def version_rows(state: Any, request: gr.Request = None) -> list[list]:
        session = _session(state)
        line = service().history.session(session["id"], username(request)).versions()
        rows, previous = [], None
        for version in line:  # each version's change from the one before it in this session
            change = diff(previous.prompt, version.prompt) if previous else None
            summary = " ".join([*(f"+{t}" for t in change.added), *(f"−{t}" for t in change.removed)]) if change else ""
            rows.append([version.id, time.strftime("%H:%M:%S", time.localtime(version.created)), version.kind,
                         version.source[:40], summary[:200], version.prompt])
            previous = version
        return list(reversed(rows))

    def search_rows(text: str, request: gr.Request = None) -> list[list]:
        found = service().history.search(text, user=username(request), limit=50)
        return [[v.id, time.strftime("%Y-%m-%d %H:%M", time.localtime(v.created)), v.kind, v.source[:40], "",
                 v.prompt] for v in found]

    def do_restore(version_id: str, state: Any, apply: bool, request: gr.Request = None) -> tuple:
        session = _session(state)
        user = username(request)
        found = service().history.get(version_id.strip(), user)
        if found is None:
            return panel._show(None, session, apply, user, note=f"no version {version_id!r}")
        restored = PromptVersion(**{**found.__dict__, "id": uuid.uuid4().hex[:12], "kind": "restore",
                                    "parent": found.id, "created": time.time()})
        service().history.session(session["id"], user).push(restored)
        return panel._show(restored, session, apply, user, note=f"restored {found.id}")

    def show_params(state: Any, request: gr.Request = None) -> dict:
        current = service().history.session(_session(state)["id"], username(request)).current()
        return current.params if current else {}

    def hardware_view() -> tuple:
        from ..hardware import machine_report

        report = machine_report(service().settings).as_dict()
        names = [m["name"] for m in report["ollama"].get("loaded", [])]
        return render.vram_bar(report), gr.update(choices=names, value=names[0] if names else None)

    def do_unload(model: str) -> str:
        from ..hardware import OllamaAdmin

        if not model:
            return render.status(None, note="pick a loaded model")
        try:
            OllamaAdmin(service().settings.ollama_host).unload(model)
        except SdpaError as err:
            return render.status(None, error=secrets.scrub(str(err)))
        return hardware_view()[0]

    def do_unload_ours() -> str:
        from ..hardware import free_vram_for_generation

        freed = free_vram_for_generation(service().settings, policy="always")
        return render.status(None, note=f"{freed.reason}: {', '.join(freed.unloaded) or 'none'}; "
                                        f"{freed.freed_gb:g} GB freed")

    pulls: dict[str, CancelToken] = {}

    def do_pull(model: str) -> Iterator[str]:
        from ..hardware import OllamaAdmin

        model = model.strip()
        if not model:
            yield render.status(None, note="type a model name, e.g. llama3.2:3b")
            return
        token = CancelToken()
        pulls[model] = token
        progress: queue.Queue = queue.Queue()

        def work() -> None:
            try:
                OllamaAdmin(service().settings.ollama_host).pull(model, on_progress=progress.put, cancel=token)
                progress.put("done")
            except BaseException as err:
                progress.put(err)

        threading.Thread(target=work, daemon=True, name="sdpa-pull").start()
        try:
            while True:
                item = progress.get()
                if item == "done":
                    yield render.progress(1.0, f"{model}: installed")
                    return
                if isinstance(item, BaseException):
                    yield render.status(None, error=secrets.scrub(str(item)) if isinstance(item, SdpaError)
                                        else f"{type(item).__name__}: {item}")
                    return
                yield render.progress(item.fraction, f"{model}: {item.status}")
        finally:
            token.cancel()
            pulls.pop(model, None)

    def stop_pull() -> str:
        for token in list(pulls.values()):
            token.cancel()
        return render.status(None, note="pull stopped")

    def do_check() -> str:
        settings = service().settings
        roles = service().assistant.roles
        rows = []
        clients = [("planning", roles.planning)] + ([] if roles.execution is roles.planning else
                                                    [("execution", roles.execution)])
        for role, client in clients:
            try:
                result, models = client.check(), client.list_models()[:12]
                rows.append((role, settings.role(role).label, secrets.scrub(str(result)),
                             [secrets.scrub(str(m)) for m in models], True))
            except SdpaError as err:
                rows.append((role, settings.role(role).label, secrets.scrub(str(err)), [], False))
        return render.check_table(rows)

    def do_save_keys(request: gr.Request, *values: str) -> list:  # Gradio injects `request` only before *values
        from ..access import may_change_keys

        data_dir = service().settings.data_dir
        if not may_change_keys(username(request), client_host(request), service().server_authenticates):
            shown = keyfile.shown(data_dir)
            return [render.status(None, error="keys can be saved only from this machine or after logging in"),
                    *[gr.update(value="", placeholder=shown[name]) for name in keyfile.KEY_NAMES]]
        for name, value in zip(keyfile.KEY_NAMES, values, strict=True):
            if value:  # empty: keep; whitespace: remove
                keyfile.save_key(data_dir, name, value)
        shown = keyfile.shown(data_dir)
        note = "; ".join(f"{name}: {state}" for name, state in keyfile.describe(data_dir).items())
        try:
            service().reload()
            message = render.status(None, note=f"saved. {note}")
        except SdpaError as err:
            message = render.status(None, error=secrets.scrub(str(err)))
        return [message, *[gr.update(value="", placeholder=shown[name]) for name in keyfile.KEY_NAMES]]

    def settings_view() -> tuple:
        settings = service().settings
        rows = [[e.name, e.shown, e.source] for e in sorted(settings.entries.values(), key=lambda e: e.name)]
        return settings.banner(), rows

    def do_reload() -> tuple:
        try:
            service().reload()
        except SdpaError as err:
            return secrets.scrub(str(err)), []
        return settings_view()

    for event in panel.events:
        event.then(version_rows, [panel.state], [versions]).then(show_params, [panel.state], [params])
    refresh_versions.click(version_rows, [panel.state], [versions])
    search.submit(search_rows, [search], [versions])
    restore.click(do_restore, [pick, panel.state, panel.apply], panel._outputs()).then(
        version_rows, [panel.state], [versions])
    refresh_hw.click(hardware_view, None, [hardware_html, loaded])
    unload.click(do_unload, [loaded], [hardware_html])
    unload_ours.click(do_unload_ours, None, [hardware_html])
    pull_event = pull.click(do_pull, [pull_name], [pull_progress])
    pull_cancel.click(stop_pull, None, [pull_progress], cancels=[pull_event])
    check.click(do_check, None, [check_html])
    save_keys.click(do_save_keys, list(key_boxes.values()), [keys_status, *key_boxes.values()])
    reload.click(do_reload, None, [banner, provenance])

    def keys_view() -> list:
        shown = keyfile.shown(service().settings.data_dir)
        return [gr.update(placeholder=shown[name]) for name in keyfile.KEY_NAMES]

    return [(hardware_view, [hardware_html, loaded]), (settings_view, [banner, provenance]),
            (keys_view, list(key_boxes.values()))]


def build_standalone(service: Service) -> Any:
    """The standalone app (`python -m sdpa_ext serve`): the workspace with copy buttons (a gr.Blocks)."""
    _gradio()
    css = (STYLE_PATH.read_text(encoding="utf-8") if STYLE_PATH.is_file() else "")
    with gr.Blocks(title="SD Prompt Assistant", analytics_enabled=False, **page_css(css)) as app:
        gr.Markdown("## SD Prompt Assistant")
        for load, outputs in build_workspace(lambda: service, standalone=True):
            app.load(load, None, outputs)
    return app


def workspace_tab(service: Callable[[], Service]) -> Any:
    """The WebUI's "Prompt Assistant" tab (a gr.Blocks)."""
    _gradio()
    with gr.Blocks(analytics_enabled=False) as tab:
        for load, outputs in build_workspace(service, standalone=False):
            tab.load(load, None, outputs)
    return tab

