"""Images in the panels. No component of ours takes a file: javascript/sdpa.js reads what the user drops or
chooses and puts it as base64 in a hidden box, then clicks a hidden button.

- Start from an image (the workspace): only a saved image's metadata travels (the PNG's text chunks, the JPEG's
  EXIF and comment, the WebP's EXIF: a few KB); its parameters become the current version.
- Prompt from image (img2img's input image, or a picture dropped in the workspace): the picture, made smaller
  in the page (a fresh JPEG, long side at most 1024 px, no metadata) and read again here, goes to the planning
  model, which writes a prompt in the family's style."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..errors import ConfigError, SdpaError
from ..images.metadata import file_from_base64
from ..images.pictures import picture_from_base64
from ..types import Takes
from . import render, shared
from .compat import html, js, username
from .panel import Panel, PanelPart
from .shared import Outputs, session_of

ZONE = ("<div class='sdpa-image-drop-text'>🖼 <b>Start from an image</b>: drop a PNG, JPEG or WebP the WebUI saved "
        "here, or click to choose one. Its prompt, negative prompt and settings become the current version; "
        "only its metadata is sent.</div>")
DESCRIBE_ZONE = ("<div class='sdpa-image-drop-text'>🔍 <b>Prompt from image</b>: drop a picture here, or click to "
                 "choose one. The planning model looks at it (sent smaller, without its metadata) and writes a "
                 "prompt in the family's style. Nothing is sent until you do.</div>")
NO_INPUT = "no input image: put one in img2img first, then press Prompt from image"


def hidden_channel(data_id: str, label: str, button_id: str) -> tuple[Any, Any]:
    """A hidden box the page's script fills and the hidden button it then clicks (no component takes a file)."""
    gr = shared.gradio()
    return (gr.Textbox(elem_id=data_id, elem_classes=["sdpa-hidden"], show_label=False, container=False),
            gr.Button(label, elem_id=button_id, elem_classes=["sdpa-hidden"]))


class ImageInput(PanelPart):
    """The zone, the hidden box and button, and the handler that makes the image's version current."""

    def build(self) -> None:
        eid = self.panel.eid
        self.zone = html(ZONE, elem_id=eid("image_drop"), elem_classes=["sdpa-image-drop"])
        self.data, self.button = hidden_channel(eid("image_data"), "Read the image", eid("image_read"))

    def wire(self) -> list:
        """The Read event (its outputs are the panel's: the fields, the status, the session)."""
        panel = self.panel
        return [self.button.click(self.read, [self.data, panel.family, panel.apply, panel.state], panel.outputs())]

    def read(self, payload: str, family: str, apply: bool, state: Any,
             request: shared.gr.Request = None) -> Outputs:
        """`payload` is the file's name, a newline, then its metadata as base64 (javascript/sdpa.js)."""
        panel = self.panel
        session, user = session_of(state), username(request)
        name, _, encoded = (payload or "").partition("\n")
        from ..assistant import MAX_IMAGE  # loaded with the Service, not while the WebUI builds its page

        try:
            data = file_from_base64(encoded, MAX_IMAGE)
            version = panel.service().from_image(data, session=session["id"], user=user, name=name.strip()[:120],
                                                 family=family)
        except SdpaError as err:
            return panel.failed(err, session)
        kept = ", ".join(f"{key}: {value}" for key, value in list(version.extra.items())[:6])
        return panel.show(version, session, apply, user, note=f"kept: {kept}" if kept else "")


class PromptFromImage(PanelPart):
    """"Prompt from image": a drop zone (workspace) or a button that takes img2img's input image."""

    def __init__(self, panel: Panel, *, upload: bool):
        super().__init__(panel)
        self.upload = upload

    def build(self) -> None:
        gr = shared.gradio()
        eid = self.panel.eid
        if self.upload:
            self.start = html(DESCRIBE_ZONE, elem_id=eid("describe_drop"), elem_classes=["sdpa-image-drop"])
        else:
            self.start = gr.Button("🔍 Prompt from image", size="sm", elem_id=eid("describe"))
        self.data, self.button = hidden_channel(eid("describe_data"), "Describe", eid("describe_run"))

    def wire(self) -> list:
        """The Describe event (the panel's outputs); img2img's button hands the page's input image to it."""
        panel = self.panel
        if not self.upload:
            self.start.click(None, None, None, **js(f"() => sdpaDescribeInput('{panel.tab}')"))
        return [self.button.click(self.describe, [self.data, panel.family, panel.apply, panel.state],
                                  panel.outputs(), show_progress="hidden")]

    def describe(self, payload: str, family: str, apply: bool, state: Any,
                 request: shared.gr.Request = None) -> Iterator[Outputs]:
        """`payload`: the picture as a data URL (javascript/sdpa.js); empty when img2img has no input image.
        Streamed as a plan is: the status line says what happens (the WebUI's interrogator standing in for a model
        that cannot see is said before it starts), the Live answer shows the prompt forming."""
        panel = self.panel
        session, user = session_of(state), username(request)
        try:
            if not (payload or "").strip():
                raise ConfigError("image", hint=NO_INPUT)
            picture = picture_from_base64(payload)
        except SdpaError as err:
            yield panel.failed(err, session)
            return

        def call(on_delta, cancel) -> Takes:
            version = panel.service().describe_image(picture, session=session["id"], user=user, family=family,
                                                     on_delta=on_delta, cancel=cancel)
            return Takes([version], version.cost_usd, version.latency_s, 1)

        yield from panel.stream(call, session, apply, user)


LOOK_REFINES = 3


class ResultLook(PanelPart):
    """The look after Generate (txt2img, img2img): the gallery's first image, what was asked and the prompt go to
    the execution model; what matches, what does not, and up to three refines as buttons that run them. Off
    until asked: a button, or "Look at each result" (a call per image)."""

    def build(self) -> None:
        gr = shared.gradio()
        eid = self.panel.eid
        with gr.Row():
            self.start = gr.Button("🔍 Look at the result", size="sm", elem_id=eid("look"))
            self.auto = gr.Checkbox(False, label="Look at each result (a call per image)", elem_id=eid("look_auto"))
        self.data, self.button = hidden_channel(eid("look_data"), "Look", eid("look_run"))
        self.result = html(elem_id=eid("look_result"))
        with gr.Row():
            self.refines = [gr.Button("", size="sm", visible=False, elem_id=eid(f"look_refine_{k + 1}"))
                            for k in range(LOOK_REFINES)]  # javascript/sdpa.js runs one as a refine

    def wire(self) -> list:
        panel = self.panel
        self.start.click(None, None, None, **js(f"() => sdpaLookAtResult('{panel.tab}')"))
        self.button.click(self.look, [self.data, panel.description, panel.fields.prompt],
                          [self.result, *self.refines], show_progress="hidden")
        return []

    def look(self, payload: str, description: str, prompt: str) -> Outputs:
        """`payload`: the gallery's first image as a data URL; empty when the gallery has none. What matches and
        what does not, and a button for each refine offered (the others hidden)."""
        gr = shared.gr
        try:
            if not (payload or "").strip():
                raise ConfigError("image", hint="no image in the gallery yet: press Generate first")
            found = self.panel.service().check_image(picture_from_base64(payload), description or "", prompt or "")
        except SdpaError as err:
            return {self.result: render.look(None, error=str(err)),
                    **{button: gr.update(visible=False) for button in self.refines}}
        refines = dict(zip(self.refines, found.refines, strict=False))
        return {self.result: render.look(found), **{button: gr.update(value=refines[button], visible=True)
                                                    if button in refines else gr.update(visible=False)
                                                    for button in self.refines}}
