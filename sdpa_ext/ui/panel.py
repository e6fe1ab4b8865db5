"""A panel: Generate / Refine / chips / Undo / Redo / Cancel writing into one pair of prompt boxes, with the parts
it is given (takes, save as style, images: ui/parts.py makes them). Every handler goes through the Service (the one
way in) and returns what it writes by component (`Outputs`); the differences between Gradio versions live in
compat.py."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..craft.families import family_choices, styles
from ..craft.lexicon import lexicon
from ..craft.live import preview
from ..errors import SdpaError
from ..types import PromptVersion
from . import render, shared
from .compat import choices_of, client_host, html, js, on_page_load, then_js, username
from .shared import Calls, Listener, Note, Outputs, Phase, TargetFields, message, pump, session_of

if TYPE_CHECKING:  # the Service (and the assistant, craft and providers behind it) loads at first use, not while
    from ..service import Service  # the WebUI builds its page: a panel needs only its settings to be built
    from ..settings.config import Settings

REFRESH_S = 0.08  # how often streamed text reaches the preview
# What the status line says while a call runs (roles.phase), instead of Gradio's estimate of the time left.
PHASES = {"loading": "loading the model…", "waiting": "waiting for the first token…", "writing": "writing…",
          "checking": "checking the answer…"}
HOST_TABS = ("txt2img", "img2img")  # panels that write the WebUI's own prompt boxes


def param_value(name: str, value: Any, component: Any) -> Any:
    """A suggested setting as its component accepts it, or None to leave the component alone."""
    if name in ("sampler_name", "scheduler"):
        choices = choices_of(component)
        return value if not choices or value in choices else None
    return value


class PanelPart:
    """A part a panel builds in its Blocks and wires to its fields (start from an image, takes, save as style): made
    with the panel by the caller's `parts` (ui/parts.py), then built and wired by the panel. Its handlers annotate
    `request: shared.gr.Request`, resolved when an event runs, after `gr` is bound."""

    def __init__(self, panel: Panel):
        self.panel = panel

    def build(self) -> None:
        """Its components, in the current Blocks."""
        raise NotImplementedError

    def wire(self) -> list:
        """Its events; returns those that write the panel's fields."""
        raise NotImplementedError


@dataclass
class Parts:
    """A panel's parts, shown in this order under its controls."""

    takes: PanelPart  # takes side by side, "Use take k"
    styles: PanelPart  # Save as style
    pictures: PanelPart | None = None  # Prompt from image
    look: PanelPart | None = None  # the look after Generate


class Panel:
    """Generate / Refine / chips / Undo / Redo / Cancel writing into one pair of prompt boxes; `parts(panel)` makes
    the parts it shows below them."""

    def __init__(self, service: Callable[[], Service], tab: str, fields: TargetFields,
                 parts: Callable[[Panel], Parts], *, standalone: bool = False,
                 settings: Callable[[], Settings] | None = None):
        self.service = service
        self.settings = settings or (lambda: service().settings)  # what building needs (the WebUI: no Service yet)
        self.standalone = standalone  # the page of `serve`: no WebUI to tell of changes
        self.tab = tab
        self.fields = fields
        self.parts = parts(self)
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
        gr = shared.gradio()
        self._build_controls()
        self.roles = html("", elem_id=self.eid("roles"))  # each role's provider: at page load (wire)
        self.preview = gr.Textbox(label="Live answer", lines=3, interactive=False, elem_id=self.eid("preview"))
        self.diff = html(elem_id=self.eid("diff"))
        self.tokens = html(elem_id=self.eid("tokens"))
        self.recount = None  # the WebUI's tabs: the page counts again what a count missed (wire)
        if self.tab in HOST_TABS:
            self.recount = gr.Button("Count again", elem_id=self.eid("recount"), elem_classes=["sdpa-hidden"])
        self.status = html(elem_id=self.eid("status"))
        for part in (self.parts.takes, self.parts.styles, self.parts.pictures, self.parts.look):
            if part is not None:
                part.build()
        self.state = gr.State(None)
        if wire and not later:
            self.wire()
        return [self.description, self.feedback, self.family, self.style, self.apply]

    def _build_controls(self) -> None:
        gr = shared.gr
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

    def outputs(self) -> list:
        """What the handlers that write a version may write: the fields, the preview, the diff, the token line,
        the status line and the session."""
        return [self.fields.prompt, self.fields.negative, *self.fields.params.values(), self.preview, self.diff,
                self.tokens, self.status, self.state]

    def wire(self) -> None:
        gr = shared.gr
        on_page_load(self.roles_html, [self.roles])  # the Service is made then, never while the page is built
        outputs = self.outputs()
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
        if self.parts.pictures is not None:
            running += self.parts.pictures.wire()
        if self.parts.look is not None:
            self.parts.look.wire()
        undo = self.undo_button.click(self.undo, [self.state, self.apply], outputs)
        redo = self.redo_button.click(self.redo, [self.state, self.apply], outputs)
        self.cancel_button.click(self.cancel, [self.state], [self.status], cancels=running)
        self._wire_count(quiet)
        self.events = [*running, undo, redo]  # what changes the fields (others chain .then on them)
        self.events += self.parts.takes.wire()
        self.parts.styles.wire()
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
             request: shared.gr.Request = None) -> Iterator[Outputs]:
        session, user = session_of(state), username(request)

        def call(on_delta, cancel):
            return self.service().plan_takes(description, int(n or 1), session=session["id"], user=user,
                                             family=family, style=style or None, on_delta=on_delta, cancel=cancel)

        yield from self.stream(call, session, apply, user)

    def refine(self, request: shared.gr.Request, instruction: str, chip: str, family: str, apply: bool, n: str,
               state: Any, prompt: str, negative: str, *values) -> Iterator[Outputs]:
        """A typed instruction (the execution model answers it), or a chip (`chip`: our exact edit, no call).
        Gradio injects `request` only before *values."""
        session, user = session_of(state), username(request)
        current = PromptVersion(prompt=prompt or "", negative_prompt=negative or "", kind="edit",
                                params={name: value for name, value in zip(self.fields.params, values, strict=False)
                                        if value is not None})

        def call(on_delta, cancel):
            return self.service().refine_takes(current, "" if chip else instruction, 1 if chip else int(n or 1),
                                               chip=chip or None, session=session["id"], user=user, family=family,
                                               on_delta=on_delta, cancel=cancel)

        yield from self.stream(call, session, apply, user)

    def count(self, prompt: str, negative: str, request: shared.gr.Request = None) -> Any:
        """The token line for what the boxes hold now (typed, pasted or written by us), as the WebUI counts it.
        Typing asks once a key, and Gradio 3 runs those unqueued, at once: a count finished after a newer one was
        asked leaves the line alone, so an older text's count never lands last."""
        from ..assistant import with_tokens

        # a browser tab (Gradio 3 runs it unqueued, with no session: the user and where they are, then)
        key = str(getattr(request, "session_hash", None) or f"{username(request)}@{client_host(request)}")
        with self._counting:
            asked = self._counts[key] = self._counts.get(key, 0) + 1
        version = PromptVersion(prompt=prompt or "", negative_prompt=negative or "")
        line = render.tokens_html(with_tokens(version, self.service().context(username(request))))
        with self._counting:
            newest = self._counts.get(key) == asked
            if len(self._counts) > 1000:  # sessions come and go: keep the newest ones
                for old in list(self._counts)[:500]:
                    self._counts.pop(old, None)
        return line if newest else shared.gr.update()

    def undo(self, state: Any, apply: bool, request: shared.gr.Request = None) -> Outputs:
        session = session_of(state)
        version = self.service().undo(session=session["id"], user=username(request))
        return self.show(version, session, apply, username(request), note="" if version else "nothing to undo")

    def redo(self, state: Any, apply: bool, request: shared.gr.Request = None) -> Outputs:
        session = session_of(state)
        version = self.service().redo(session=session["id"], user=username(request))
        return self.show(version, session, apply, username(request), note="" if version else "nothing to redo")

    def cancel(self, state: Any) -> str:
        self.calls.cancel(session_of(state)["id"])
        return render.status(None, note="cancelled; your prompt is unchanged")

    # -- showing --------------------------------------------------------------------------

    def failed(self, err: BaseException, session: dict) -> Outputs:
        """The fields left as they are, the failure on the status line."""
        return {self.status: render.status(None, error=message(err)), self.state: session}

    def show(self, version: PromptVersion | None, session: dict, apply: bool, user: str, note: str = "") -> Outputs:
        """Write a version into the fields (or leave them, with a note, when there is none)."""
        if version is None:
            return {self.status: render.status(None, note=note), self.state: session}
        session = {**session, "takes": list(version.takes)}  # the takes view shows them (none: it empties)
        params = {c: shared.gr.update(value=v) for n, c in self.fields.params.items()
                  if apply and (v := param_value(n, version.params.get(n), c)) is not None}
        change = self.service().change(version, user=user)
        return {self.fields.prompt: version.prompt, self.fields.negative: version.negative_prompt, **params,
                self.diff: render.diff_html(change), self.tokens: render.tokens_html(version),
                self.status: render.status(version, note=note), self.state: session}

    def stream(self, call: Callable, session: dict, apply: bool, user: str) -> Iterator[Outputs]:
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
                        yield {self.preview: preview(text), self.status: render.status(None, note=said),
                               self.state: session}
                elif kind == "done":
                    session["takes_total"] = [value.cost_usd, value.latency_s, value.calls]
                    live = preview(text) if len(value.versions) == 1 else value.versions[0].prompt  # the current
                    yield {**self.show(value.versions[0], session, apply, user), self.preview: live}
                else:
                    yield {self.preview: preview(text), self.status: render.status(None, error=message(value)),
                           self.state: session}
        finally:
            self.calls.end(session["id"], token)
