"""The Gradio UI, built once for Gradio 3.41 (A1111), 4.x (Forge) and 6 (the standalone app).

Gradio is imported when a UI is first built, never when sdpa_ext is imported: `gr` below is bound by
`_gradio()`. Handlers annotate `request: gr.Request`; Gradio resolves that annotation (a string here)
against this module's globals when an event runs, after the build has bound `gr`. Every handler goes
through the Service (the one way in); the differences between Gradio versions live in compat.py.
"""

from __future__ import annotations

import queue
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import secrets
from ..craft.families import family_choices, styles
from ..craft.lexicon import lexicon
from ..craft.live import preview
from ..craft.params import KEYS
from ..errors import Cancelled, SdpaError
from ..providers.types import CancelToken
from ..settings import keyfile
from ..types import PromptVersion
from . import render
from .compat import choices_of, client_host, copy_button, html, js, on_page_load, page_css, page_js, then_js, username

if TYPE_CHECKING:  # the Service (and the assistant, craft and providers behind it) loads at first use, not while
    from ..service import Service  # the WebUI builds its page: a panel needs only its settings to be built
    from ..settings.config import Settings

PARAMS = KEYS  # the generation settings a panel may write (craft/params.py)
REFRESH_S = 0.08  # how often streamed text reaches the preview
# What the status line says while a call runs (roles.phase), instead of Gradio's estimate of the time left.
PHASES = {"loading": "loading the model…", "waiting": "waiting for the first token…", "writing": "writing…",
          "checking": "checking the answer…"}
STYLE_PATH = Path(__file__).resolve().parents[2] / "style.css"
SCRIPT_PATH = Path(__file__).resolve().parents[2] / "javascript" / "sdpa.js"  # the WebUI loads it itself
HOST_TABS = ("txt2img", "img2img")  # panels that write the WebUI's own prompt boxes
PICTURE_TABS = ("img2img", "tab")  # "Prompt from image": img2img's input image, a picture chosen in the tab
VERSION_HEADERS = ["id", "when", "kind", "from", "change", "prompt"]
SETTING_HEADERS = ["setting", "value", "source"]
RECENT = 50  # versions the tab lists


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


def table(headers: list[str], rows: list[list]) -> dict:
    """A Dataframe's value that keeps its headers with no rows (Gradio 3 numbers the columns of an empty list):
    no rows shows one empty row, as a new table does."""
    return {"headers": headers, "data": rows or [[""] * len(headers)]}


def _session(state: Any) -> dict:
    return state if isinstance(state, dict) and state.get("id") else {"id": uuid.uuid4().hex}


def _param_value(name: str, value: Any, component: Any) -> Any:
    """A suggested setting as its component accepts it, or None to leave the component alone."""
    if name in ("sampler_name", "scheduler"):
        choices = choices_of(component)
        return value if not choices or value in choices else None
    return value


def _message(err: BaseException) -> str:
    """A failure as the status line says it (keys scrubbed)."""
    if isinstance(err, Cancelled):
        return "cancelled"
    if isinstance(err, SdpaError):
        return secrets.scrub(str(err))
    return f"unexpected error: {type(err).__name__}: {secrets.scrub(str(err))}"


def pump(call: Callable[[Callable[[Any], None]], Any], *, name: str) -> Iterator[tuple[str, Any]]:
    """The UI's one streaming pump: run `call(report)` in a worker thread and yield ("item", x) for each
    `report(x)`, then ("done", result) or ("error", exception), in order, on the caller's thread."""
    items: queue.Queue = queue.Queue()

    def work() -> None:
        try:
            items.put(("done", call(lambda item: items.put(("item", item)))))
        except BaseException as err:  # handed to the caller's thread
            items.put(("error", err))

    threading.Thread(target=work, daemon=True, name=name).start()
    while True:
        kind, value = items.get()
        yield kind, value
        if kind != "item":
            return


@dataclass(frozen=True)
class Phase:
    name: str  # a key of PHASES


@dataclass(frozen=True)
class Note:
    text: str  # something of ours while a call runs (roles.note): the status line says it


class Listener:
    """A call's `on_delta` that also hears its phases (roles.phase) and our notes (roles.note): all go to the
    pump's `report`."""

    def __init__(self, report: Callable[[Any], None]):
        self.report = report

    def __call__(self, text: str) -> None:
        self.report(text)

    def phase(self, name: str) -> None:
        self.report(Phase(name))

    def note(self, text: str) -> None:
        self.report(Note(text))


class Calls:
    """The calls in flight, by key (a browser tab's session, a model being pulled): starting one cancels the
    one it replaces; `cancel` stops one or all."""

    def __init__(self) -> None:
        self._tokens: dict[str, CancelToken] = {}
        self._lock = threading.Lock()

    def start(self, key: str) -> CancelToken:
        token = CancelToken()
        with self._lock:
            previous, self._tokens[key] = self._tokens.get(key), token
        if previous is not None:
            previous.cancel()
        return token

    def end(self, key: str, token: CancelToken) -> None:
        token.cancel()  # the UI went away (closed tab, Cancel): stop the provider call too
        with self._lock:
            if self._tokens.get(key) is token:
                del self._tokens[key]

    def cancel(self, key: str | None = None) -> None:
        with self._lock:
            tokens = list(self._tokens.values()) if key is None else [self._tokens.pop(key, None)]
        for token in tokens:
            if token is not None:
                token.cancel()


class PanelPart:
    """A part a panel builds in its Blocks and wires to its fields (start from an image, takes, save as style).
    Its handlers annotate `request: blocks.gr.Request`, resolved when an event runs, after `gr` is bound."""

    def __init__(self, panel: Panel):
        self.panel = panel


class Panel:
    """Generate / Refine / chips / Undo / Redo / Cancel writing into one pair of prompt boxes."""

    def __init__(self, service: Callable[[], Service], tab: str, fields: Fields, *, standalone: bool = False,
                 settings: Callable[[], Settings] | None = None):
        self.service = service
        self.settings = settings or (lambda: service().settings)  # what building needs (the WebUI: no Service yet)
        self.standalone = standalone  # the page of `serve`: no WebUI to tell of changes
        self.tab = tab
        self.fields = fields
        self.calls = Calls()  # one call in flight per browser tab's session
        self.events: list = []
        self._counts: dict[str, int] = {}  # the token line: how many counts each browser session asked (count)
        self._counting = threading.Lock()

    def eid(self, name: str) -> str:
        return f"sdpa_{self.tab}_{name}"

    # -- building -------------------------------------------------------------------------

    def build(self, wire: bool = True, *, later: bool = False) -> list:
        """The panel's components, created in the current Blocks context; returns the inputs for a Script.
        `wire=False` builds them without events (the WebUI's API reads only their default values); `later`
        leaves the events to a `wire()` call once the fields are rendered."""
        _gradio()
        self._build_controls()
        self.roles = html("", elem_id=self.eid("roles"))  # each role's provider: at page load (wire)
        self.preview = gr.Textbox(label="Live answer", lines=3, interactive=False, elem_id=self.eid("preview"))
        self.diff = html(elem_id=self.eid("diff"))
        self.tokens = html(elem_id=self.eid("tokens"))
        self.recount = None  # the WebUI's tabs: the page counts again what a count missed (wire)
        if self.tab in HOST_TABS:
            self.recount = gr.Button("Count again", elem_id=self.eid("recount"), elem_classes=["sdpa-hidden"])
        self.status = html(elem_id=self.eid("status"))
        from .style_save import StyleSaver
        from .takes_view import TakesView

        self.takes = TakesView(self)
        self.takes.build()
        self.styles = StyleSaver(self)
        self.styles.build()
        self.pictures = None
        if self.tab in PICTURE_TABS:
            from .image_input import PromptFromImage

            self.pictures = PromptFromImage(self, upload=self.tab == "tab")
            self.pictures.build()
        self.look = None
        if self.tab in HOST_TABS:
            from .image_input import ResultLook

            self.look = ResultLook(self)
            self.look.build()
        self.state = gr.State(None)
        if wire and not later:
            self.wire()
        return [self.description, self.feedback, self.family, self.style, self.apply]

    def _build_controls(self) -> None:
        with gr.Row():
            self.description = gr.Textbox(label="Describe the picture", lines=2, elem_id=self.eid("description"),
                                          placeholder="a cozy cabin in a snowy forest at dusk", scale=4)
            self.plan_button = gr.Button("Generate prompt", variant="primary", elem_id=self.eid("plan"), scale=1)
            self.n = gr.Dropdown(["1", "2", "3", "4"], value=self._takes_default(), label="Takes",
                                 elem_id=self.eid("n"), scale=0, min_width=90)
        with gr.Row():
            self.feedback = gr.Textbox(label="Feedback", lines=1, elem_id=self.eid("feedback"),
                                       placeholder="make it darker, more detail, remove the cat...", scale=4)
            self.refine_button = gr.Button("Refine", elem_id=self.eid("refine"), scale=1)
            self.cancel_button = gr.Button("Cancel", elem_id=self.eid("cancel"), scale=0, size="sm")
        with gr.Row(elem_classes=["sdpa-chips"]):
            self.chips = {label: gr.Button(label, size="sm", elem_id=self.eid("chip_" + label.replace(" ", "_")))
                          for label in lexicon().chips}
        with gr.Row():
            self.undo_button = gr.Button("↶ Undo", size="sm", elem_id=self.eid("undo"))
            self.redo_button = gr.Button("↷ Redo", size="sm", elem_id=self.eid("redo"))
            self.family = gr.Dropdown(family_choices(), value="auto", label="Model family",
                                      elem_id=self.eid("family"))
            self.style = gr.Dropdown(["", *styles()], value="", label="Style", elem_id=self.eid("style"))
            self.apply = gr.Checkbox(True, label="Apply suggested settings", elem_id=self.eid("apply"))

    def _takes_default(self) -> str:
        """SDPA_TAKES, as the Takes control starts."""
        try:
            return str(self.settings().takes)
        except SdpaError:
            return "1"

    def roles_html(self) -> str:
        """Each role's provider and model, as the Service has them now (auto-configure included)."""
        return render.roles(self.service().roles())

    def _outputs(self) -> list:
        return [self.fields.prompt, self.fields.negative, *self.fields.params.values(), self.preview, self.diff,
                self.tokens, self.status, self.state]

    def wire(self) -> None:
        on_page_load(self.roles_html, [self.roles])  # the Service is made then, never while the page is built
        outputs = self._outputs()
        planning = [self.description, self.family, self.style, self.apply, self.n, self.state]
        current = [self.fields.prompt, self.fields.negative, *self.fields.params.values()]
        quiet = {"show_progress": "hidden"}  # the status line says the phase; Gradio's estimate is wrong for a model
        plan = self.plan_button.click(self.plan, planning, outputs, **quiet)
        self.description.submit(self.plan, planning, outputs, **quiet)
        no_chip = gr.Textbox("", visible=False)
        typed = [self.feedback, no_chip, self.family, self.apply, self.n, self.state, *current]
        refine = self.refine_button.click(self.refine, typed, outputs, **quiet)
        self.feedback.submit(self.refine, typed, outputs, **quiet)
        running = [plan, refine]
        for label in lexicon().chips:
            chip_input = gr.Textbox(label, visible=False)
            running.append(self.chips[label].click(self.refine, [self.feedback, chip_input, self.family, self.apply,
                                                                 self.n, self.state, *current], outputs, **quiet))
        if self.pictures is not None:
            running.append(self.pictures.wire())
        if self.look is not None:
            self.look.wire()
        undo = self.undo_button.click(self.undo, [self.state, self.apply], outputs)
        redo = self.redo_button.click(self.redo, [self.state, self.apply], outputs)
        self.cancel_button.click(self.cancel, [self.state], [self.status], cancels=running)
        self._wire_count(quiet)
        self.events = [*running, undo, redo]  # what changes the fields (others chain .then on them)
        self.events += self.takes.wire(self.events)
        self.styles.wire()
        if self.tab in HOST_TABS:  # the host's token counters listen for the input event
            for event in self.events:
                then_js(event, f"() => sdpaPromptsChanged('{self.tab}')")

    def _wire_count(self, quiet: dict) -> None:
        """The token line counts what is in the boxes. In the WebUI's tabs the page notes the text each count
        was asked for and, once it is answered, asks again if the boxes hold other text now: Gradio 3 drops an
        event's trigger while its last call is pending, so keys typed during a count were never counted."""
        boxes = [self.fields.prompt, self.fields.negative]
        triggers = [box.change for box in boxes] + ([self.recount.click] if self.recount is not None else [])
        for trigger in triggers:
            if self.recount is None:
                trigger(self.count, boxes, [self.tokens], queue=False, **quiet)
                continue
            counted = trigger(self.count, boxes, [self.tokens], queue=False, **quiet,
                              **js(f"(prompt, negative) => sdpaCounting('{self.tab}', prompt, negative)"))
            then_js(counted, f"() => sdpaCounted('{self.tab}')")

    # -- handlers -------------------------------------------------------------------------

    def plan(self, description: str, family: str, style: str, apply: bool, n: str, state: Any,
             request: gr.Request = None) -> Iterator[tuple]:
        session, user = _session(state), username(request)

        def call(on_delta, cancel):
            return self.service().plan_takes(description, int(n or 1), session=session["id"], user=user,
                                             family=family, style=style or None, on_delta=on_delta, cancel=cancel)

        yield from self._stream(call, session, apply, user)

    def refine(self, request: gr.Request, instruction: str, chip: str, family: str, apply: bool, n: str, state: Any,
               prompt: str, negative: str, *values) -> Iterator[tuple]:  # Gradio injects `request` only before *values
        """A typed instruction (the execution model answers it), or a chip (`chip`: our exact edit, no call)."""
        session, user = _session(state), username(request)
        current = PromptVersion(prompt=prompt or "", negative_prompt=negative or "", kind="edit",
                                params={name: value for name, value in zip(self.fields.params, values, strict=False)
                                        if value is not None})

        def call(on_delta, cancel):
            return self.service().refine_takes(current, "" if chip else instruction, 1 if chip else int(n or 1),
                                               chip=chip or None, session=session["id"], user=user, family=family,
                                               on_delta=on_delta, cancel=cancel)

        yield from self._stream(call, session, apply, user)

    def count(self, prompt: str, negative: str, request: gr.Request = None) -> Any:
        """The token line for what the boxes hold now (typed, pasted or written by us), as the WebUI counts it.
        Typing asks once a key, and Gradio 3 runs those unqueued, at once: a count finished after a newer one was
        asked leaves the line alone, so an older text's count never lands last."""
        from ..assistant import with_tokens

        # a browser tab (Gradio 3 runs it unqueued, with no session: the user and where they are, then)
        key = str(getattr(request, "session_hash", None) or f"{username(request)}@{client_host(request)}")
        with self._counting:
            asked = self._counts[key] = self._counts.get(key, 0) + 1
        version = PromptVersion(prompt=prompt or "", negative_prompt=negative or "")
        line = render.tokens(with_tokens(version, self.service().context(username(request))))
        with self._counting:
            newest = self._counts.get(key) == asked
            if len(self._counts) > 1000:  # sessions come and go: keep the newest ones
                for old in list(self._counts)[:500]:
                    self._counts.pop(old, None)
        return line if newest else gr.update()

    def undo(self, state: Any, apply: bool, request: gr.Request = None) -> tuple:
        session = _session(state)
        version = self.service().undo(session=session["id"], user=username(request))
        return self.show(version, session, apply, username(request), note="" if version else "nothing to undo")

    def redo(self, state: Any, apply: bool, request: gr.Request = None) -> tuple:
        session = _session(state)
        version = self.service().redo(session=session["id"], user=username(request))
        return self.show(version, session, apply, username(request), note="" if version else "nothing to redo")

    def cancel(self, state: Any) -> str:
        self.calls.cancel(_session(state)["id"])
        return render.status(None, note="cancelled; your prompt is unchanged")

    # -- showing --------------------------------------------------------------------------

    def _unchanged(self) -> list:
        return [gr.update(), gr.update(), *[gr.update() for _ in self.fields.params]]

    def failed(self, err: BaseException, session: dict) -> tuple:
        """The fields left as they are, the failure on the status line."""
        return (*self._unchanged(), gr.update(), gr.update(), gr.update(), render.status(None, error=_message(err)),
                session)

    def show(self, version: PromptVersion | None, session: dict, apply: bool, user: str, note: str = "") -> tuple:
        """Write a version into the fields (or leave them, with a note, when there is none)."""
        if version is None:
            return (*self._unchanged(), gr.update(), gr.update(), gr.update(), render.status(None, note=note),
                    session)
        session = {**session, "takes": list(version.takes)}  # the takes view shows them (none: it empties)
        params = [gr.update(value=v) if apply and (v := _param_value(n, version.params.get(n), c)) is not None
                  else gr.update() for n, c in self.fields.params.items()]
        change = self.service().change(version, user=user)
        return (version.prompt, version.negative_prompt, *params, gr.update(), render.diff(change),
                render.tokens(version), render.status(version, note=note), session)

    def _stream(self, call: Callable, session: dict, apply: bool, user: str) -> Iterator[tuple]:
        """Run the call through the pump; stream its text into the preview; write the fields only at the end,
        after the answer passed every check."""
        token = self.calls.start(session["id"])
        text, last = "", 0.0
        try:
            for kind, value in pump(lambda report: call(Listener(report), token), name="sdpa-ui-call"):
                if kind == "item":
                    if isinstance(value, Phase):
                        said, last = PHASES[value.name], 0.0
                    elif isinstance(value, Note):
                        said, last = value.text, 0.0
                    else:
                        said, text = PHASES["writing"], text + value
                    if time.monotonic() - last >= REFRESH_S:
                        last = time.monotonic()
                        yield (*self._unchanged(), preview(text), gr.update(), gr.update(),
                               render.status(None, note=said), session)
                elif kind == "done":
                    session["takes_total"] = [value.cost_usd, value.latency_s, value.calls]
                    shown = self.show(value.versions[0], session, apply, user)
                    live = preview(text) if len(value.versions) == 1 else value.versions[0].prompt  # the current
                    yield (*shown[:-5], live, *shown[-4:])
                else:
                    failed = render.status(None, error=_message(value))
                    yield (*self._unchanged(), preview(text), gr.update(), gr.update(), failed, session)
        finally:
            self.calls.end(session["id"], token)


# ---------------------------------------------------------------------------------------------
# The workspace tab (also the standalone app's page)


class Workspace:
    """The full workspace inside the current Blocks: the description and panel first, then its own prompt pair,
    versions, history, hardware, providers, keys and settings provenance."""

    def __init__(self, service: Callable[[], Service], *, standalone: bool,
                 send_to: Callable[[Any, str, Any], None] | None = None,
                 settings: Callable[[], Settings] | None = None):
        self.service = service
        self.settings = settings  # as Panel's
        self.standalone = standalone
        self.send_to = send_to  # the WebUI's paste: send_to(button, tab, infotext box) wires the button to it
        self.pulls = Calls()  # Ollama pulls in flight, by model

    def build(self) -> list[tuple[Callable, list]]:
        """Build and wire; returns what to run when the page loads."""
        _gradio()
        with gr.Row():
            with gr.Column(scale=3):
                self._build_main()
            with gr.Column(scale=2):
                self._build_gpu()
                self._build_providers_and_keys()
                self._build_settings()
        self._wire()
        return [(self.version_rows, [self.versions]), (self.hardware_view, [self.hardware_html, self.loaded]),
                (self.settings_view, [self.banner, self.provenance]), (self.keys_view, list(self.key_boxes.values())),
                (self.admin_view, self.admin_only)]

    def _build_main(self) -> None:
        self.prompt = gr.Textbox(label="Prompt", lines=4, elem_id="sdpa_tab_prompt", render=False, **copy_button())
        self.negative = gr.Textbox(label="Negative prompt", lines=2, elem_id="sdpa_tab_negative", render=False,
                                   **copy_button())
        self.params = gr.JSON(label="Suggested settings", elem_id="sdpa_tab_params", render=False)
        from .image_input import ImageInput

        self.panel = Panel(self.service, "tab", Fields(self.prompt, self.negative), standalone=self.standalone,
                           settings=self.settings)
        self.panel.build(later=True)  # the description first, the outputs below it
        self.image = ImageInput(self.panel)
        self.image.build()
        for component in (self.prompt, self.negative, self.params):
            component.render()
        self.panel.wire()
        self.panel.events.append(self.image.wire())
        if not self.standalone:
            self._build_send()
        with gr.Accordion("Versions", open=True):
            self.versions = gr.Dataframe(headers=VERSION_HEADERS, interactive=False, elem_id="sdpa_tab_versions",
                                         wrap=True)
            with gr.Row():
                self.refresh_versions = gr.Button("Refresh", size="sm", elem_id="sdpa_tab_versions_refresh")
                self.pick = gr.Textbox(label="Version id", elem_id="sdpa_tab_version_id", scale=2)
                self.restore_button = gr.Button("Restore", size="sm", elem_id="sdpa_tab_restore")
            self.search = gr.Textbox(label="Search all my versions", elem_id="sdpa_tab_search")

    def _build_send(self) -> None:
        """"Send to txt2img/img2img". Inside the WebUI (`send_to` given) the host's own paste does it, as its PNG
        Info's buttons do: our handler writes the boxes' prompts and the current version's settings (size, steps,
        CFG, sampler, scheduler, the image's seed and the rest) as an infotext into a hidden box, then the page
        clicks a hidden button the host wired to paste that text into the tab's fields and switch to it. Without
        `send_to`, the page's script fills the two prompt boxes only."""
        with gr.Row():
            self.send_text = gr.Textbox(elem_id="sdpa_tab_send_text", elem_classes=["sdpa-hidden"], show_label=False,
                                        container=False)
            for tab in HOST_TABS:
                button = gr.Button(f"Send to {tab}", elem_id=f"sdpa_tab_send_{tab}")
                if self.send_to is None:
                    button.click(None, [self.prompt, self.negative], None,
                                 **js(f"(p, n) => sdpaSendTo('{tab}', p, n)"))
                    continue
                paste = gr.Button(f"Paste into {tab}", elem_id=f"sdpa_tab_paste_{tab}", elem_classes=["sdpa-hidden"])
                self.send_to(paste, tab, self.send_text)
                then_js(button.click(self.send_infotext, [self.prompt, self.negative, self.panel.apply,
                                                          self.panel.state], [self.send_text]),
                        f"() => sdpaClick('sdpa_tab_paste_{tab}')")

    def send_infotext(self, prompt: str, negative: str, apply: bool, state: Any, request: gr.Request = None) -> str:
        """What "Send to" pastes: the prompt boxes as they are, with the current version's settings and an image's
        other settings when "Apply suggested settings" is on (the checkpoint is the WebUI's choice: not sent)."""
        from ..images.infotext import write

        current = self.service().current(session=_session(state)["id"], user=username(request)) if apply else None
        return write(prompt or "", negative or "", current.params if current else {}, current.extra if current else {})

    def _build_gpu(self) -> None:
        with gr.Accordion("GPU and Ollama", open=True):
            self.hardware_html = html(elem_id="sdpa_tab_hardware")
            self.refresh_hw = gr.Button("Refresh", size="sm", elem_id="sdpa_tab_hardware_refresh")
            with gr.Row() as unloads:
                self.loaded = gr.Dropdown([], label="Loaded Ollama models", allow_custom_value=True, scale=2)
                self.unload_button = gr.Button("Unload", size="sm", elem_id="sdpa_tab_unload")
                self.unload_ours_button = gr.Button("Unload ours", size="sm", elem_id="sdpa_tab_unload_ours")
            with gr.Row() as pulls:
                self.pull_name = gr.Textbox(label="Pull a model", placeholder="llama3.2:3b", scale=2,
                                            elem_id="sdpa_tab_pull_name")
                self.pull_button = gr.Button("Pull", size="sm", elem_id="sdpa_tab_pull")
                self.pull_cancel = gr.Button("Stop", size="sm")
            self.pull_progress = html(elem_id="sdpa_tab_pull_progress")
        self.admin_only = [unloads, pulls]

    def _build_providers_and_keys(self) -> None:
        with gr.Accordion("Providers", open=False):
            self.check_button = gr.Button("Check providers", size="sm", elem_id="sdpa_tab_check")
            self.check_html = html(elem_id="sdpa_tab_check_result")
        with gr.Accordion("API keys", open=False) as keys:
            gr.Markdown("Saved in the extension's own owner-only key file, never in the WebUI's settings. A "
                        "saved key is never shown again; leave a box empty to keep it, type a space to remove it.")
            self.key_boxes = {name: gr.Textbox(label=name, type="password", elem_id=f"sdpa_key_{name.lower()}")
                              for name in keyfile.KEY_NAMES}
            self.save_keys_button = gr.Button("Save keys", size="sm", elem_id="sdpa_tab_save_keys")
            self.keys_status = html(elem_id="sdpa_tab_keys_status")
        self.admin_only.append(keys)

    def _build_settings(self) -> None:
        with gr.Accordion("Settings and where they come from", open=False):
            self.banner = gr.Textbox(label="Mode", lines=3, interactive=False, elem_id="sdpa_tab_banner")
            self.provenance = gr.Dataframe(headers=SETTING_HEADERS, interactive=False,
                                           elem_id="sdpa_tab_provenance")
            self.reload_button = gr.Button("Reload settings", size="sm", elem_id="sdpa_tab_reload")
        self.admin_only.append(self.reload_button)

    def _wire(self) -> None:
        panel = self.panel
        for event in panel.events:  # one event after each (each event costs the WebUI's start-up time)
            event.then(self.after_change, [panel.state], [self.versions, self.params])
        self.refresh_versions.click(self.version_rows, None, [self.versions])
        self.search.submit(self.search_rows, [self.search], [self.versions])
        self.restore_button.click(self.restore, [self.pick, panel.state, panel.apply], panel._outputs()).then(
            self.version_rows, None, [self.versions])
        self.refresh_hw.click(self.hardware_view, None, [self.hardware_html, self.loaded])
        self.unload_button.click(self.unload, [self.loaded], [self.hardware_html, panel.roles])
        self.unload_ours_button.click(self.unload_ours, None, [self.hardware_html, panel.roles])
        pull = self.pull_button.click(self.pull, [self.pull_name], [self.pull_progress]).then(
            self.reconfigure, None, [panel.roles])
        self.pull_cancel.click(self.stop_pull, None, [self.pull_progress], cancels=[pull])
        self.check_button.click(self.check, None, [self.check_html])
        self.save_keys_button.click(self.save_keys, list(self.key_boxes.values()),
                                    [self.keys_status, *self.key_boxes.values()])
        self.reload_button.click(self.reload, None, [self.banner, self.provenance, panel.roles])

    # -- versions -------------------------------------------------------------------------

    def after_change(self, state: Any, request: gr.Request = None) -> tuple:
        """After the panel changed the version: the versions listed again, and the current one's settings."""
        return self.version_rows(request), self.show_params(state, request)

    def version_rows(self, request: gr.Request = None) -> dict:
        """The user's recent versions from every line (the accordions, the Refine button, this tab), newest first,
        each with its change from the version it was made from."""
        return self._rows(self.service().search("", user=username(request), limit=RECENT), request)

    def search_rows(self, text: str, request: gr.Request = None) -> dict:
        return self._rows(self.service().search(text, user=username(request), limit=RECENT), request)

    def _rows(self, versions: list[PromptVersion], request: gr.Request = None) -> dict:
        rows = []
        for version in versions:
            change = self.service().change(version, user=username(request))
            summary = " ".join([*(f"+{t}" for t in change["added"]), *(f"−{t}" for t in change["removed"])])
            rows.append([version.id, time.strftime("%m-%d %H:%M", time.localtime(version.created)),
                         version.kind, version.source[:40], summary[:200], version.prompt])
        return table(VERSION_HEADERS, rows)

    def restore(self, version_id: str, state: Any, apply: bool, request: gr.Request = None) -> tuple:
        session, user = _session(state), username(request)
        restored = self.service().restore(version_id, session=session["id"], user=user)
        if restored is None:
            return self.panel.show(None, session, apply, user, note=f"no version {version_id!r}")
        return self.panel.show(restored, session, apply, user, note=f"restored {restored.parent}")

    def show_params(self, state: Any, request: gr.Request = None) -> dict:
        """The current version's settings, and an image's other settings (seed, model...) under "image"."""
        current = self.service().current(session=_session(state)["id"], user=username(request))
        if current is None:
            return {}
        return {**current.params, "image": current.extra} if current.extra else current.params

    # -- GPU and Ollama -------------------------------------------------------------------

    def hardware_view(self) -> tuple:
        from ..hardware import machine_report

        report = machine_report(self.service().settings).as_dict()
        names = [m["name"] for m in report["ollama"].get("loaded", [])]
        return render.vram_bar(report), gr.update(choices=names, value=names[0] if names else None)

    def reconfigure(self) -> str:
        """The VRAM picture changed (a model pulled or unloaded): auto-configure again (it reads the same settings:
        anyone may), and the roles line."""
        try:
            self.service().reload()
        except SdpaError as err:
            return render.status(None, error=secrets.scrub(str(err)))
        return self.panel.roles_html()

    def _refused(self, request: gr.Request | None, what: str) -> str:
        """The error line when this user may not `what` (it changes what every user gets); empty when allowed."""
        if self.service().may_administer(username(request), client_host(request)):
            return ""
        who = "an administrator (SDPA_SERVE_ADMINS)" if self.service().admins is not None else \
            "someone on this machine or logged in"
        return render.status(None, error=f"only {who} may {what}: it changes what every user gets")

    def admin_view(self, request: gr.Request = None) -> list:
        """What only an administrator may use (pulls and unloads, keys, reload) is hidden from other users."""
        shown = self.service().may_administer(username(request), client_host(request))
        return [gr.update(visible=shown) for _ in self.admin_only]

    def unload(self, model: str, request: gr.Request = None) -> tuple[str, str]:
        from ..hardware import OllamaAdmin

        if refused := self._refused(request, "unload a model"):
            return refused, gr.update()
        if not model:
            return render.status(None, note="pick a loaded model"), gr.update()
        try:
            OllamaAdmin(self.service().settings.ollama_host).unload(model)
        except SdpaError as err:
            return render.status(None, error=secrets.scrub(str(err))), gr.update()
        return self.hardware_view()[0], self.reconfigure()

    def unload_ours(self, request: gr.Request = None) -> tuple[str, str]:
        from ..hardware import free_vram_for_generation

        if refused := self._refused(request, "unload models"):
            return refused, gr.update()
        freed = free_vram_for_generation(self.service().settings, policy="always")
        note = f"{freed.reason}: {', '.join(freed.unloaded) or 'none'}; {freed.freed_gb:g} GB freed"
        return render.status(None, note=note), self.reconfigure()

    def pull(self, model: str, request: gr.Request = None) -> Iterator[str]:
        from ..hardware import OllamaAdmin

        if refused := self._refused(request, "pull a model"):
            yield refused
            return
        model = model.strip()
        if not model:
            yield render.status(None, note="type a model name, e.g. llama3.2:3b")
            return
        token = self.pulls.start(model)
        admin = OllamaAdmin(self.service().settings.ollama_host)
        try:
            for kind, value in pump(lambda report: admin.pull(model, on_progress=report, cancel=token),
                                    name="sdpa-pull"):
                if kind == "item":
                    yield render.progress(value.fraction, f"{model}: {value.status}")
                elif kind == "done":
                    yield render.progress(1.0, f"{model}: installed")
                else:
                    yield render.status(None, error=_message(value))
        finally:
            self.pulls.end(model, token)

    def stop_pull(self, request: gr.Request = None) -> str:
        if refused := self._refused(request, "stop a pull"):
            return refused
        self.pulls.cancel()
        return render.status(None, note="pull stopped")

    # -- providers, keys, settings --------------------------------------------------------

    def check(self) -> str:
        service = self.service()
        settings, roles = service.settings, service.assistant.roles
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

    def save_keys(self, request: gr.Request, *values: str) -> list:  # Gradio injects `request` only before *values
        service = self.service()
        data_dir = service.settings.data_dir
        if refused := self._refused(request, "save keys"):
            return [refused, *self._key_boxes(value="")]
        for name, value in zip(keyfile.KEY_NAMES, values, strict=True):
            if value:  # empty: keep; whitespace: remove
                keyfile.save_key(data_dir, name, value)
        note = "; ".join(f"{name}: {state}" for name, state in keyfile.describe(data_dir).items())
        try:
            service.reload()
            message = render.status(None, note=f"saved. {note}")
        except SdpaError as err:
            message = render.status(None, error=secrets.scrub(str(err)))
        return [message, *self._key_boxes(value="")]

    def keys_view(self) -> list:
        return self._key_boxes()

    def _key_boxes(self, **update: Any) -> list:
        """Each key box's placeholder: `set (...abcd)` or `not set` (`value=""` also empties the box)."""
        shown = keyfile.shown(self.service().settings.data_dir)
        return [gr.update(placeholder=shown[name], **update) for name in keyfile.KEY_NAMES]

    def settings_view(self) -> tuple:
        settings = self.service().settings
        rows = [[e.name, e.shown, e.source] for e in sorted(settings.entries.values(), key=lambda e: e.name)]
        return settings.banner(), table(SETTING_HEADERS, rows)

    def reload(self, request: gr.Request = None) -> tuple:
        if refused := self._refused(request, "reload the settings"):
            return refused, gr.update(), gr.update()
        try:
            self.service().reload()
        except SdpaError as err:
            return secrets.scrub(str(err)), table(SETTING_HEADERS, []), gr.update()
        return (*self.settings_view(), self.panel.roles_html())


def build_standalone(service: Service) -> Any:
    """The standalone app (`python -m sdpa_ext serve`): the workspace with copy buttons (a gr.Blocks)."""
    _gradio()
    css = (STYLE_PATH.read_text(encoding="utf-8") if STYLE_PATH.is_file() else "")
    with gr.Blocks(title="SD Prompt Assistant", analytics_enabled=False, **page_css(css),
                   **page_js(page_script())) as app:
        gr.Markdown("## SD Prompt Assistant")
        for load, outputs in Workspace(lambda: service, standalone=True).build():
            app.load(load, None, outputs)
    return app


def page_script() -> str:
    """javascript/sdpa.js for the standalone page (the WebUI loads it itself)."""
    return SCRIPT_PATH.read_text(encoding="utf-8") if SCRIPT_PATH.is_file() else ""


def workspace_tab(service: Callable[[], Service], send_to: Callable[[Any, str, Any], None] | None = None,
                  settings: Callable[[], Settings] | None = None) -> Any:
    """The WebUI's "Prompt Assistant" tab (a gr.Blocks); `send_to` is the host's paste, `settings` what building
    needs before the Service is made (Workspace, Panel)."""
    _gradio()
    with gr.Blocks(analytics_enabled=False) as tab:
        for load, outputs in Workspace(service, standalone=False, send_to=send_to, settings=settings).build():
            tab.load(load, None, outputs)
    return tab
