"""Refine from an old image: a zone in the workspace to drop (or click and choose) a PNG, JPEG or WebP the
WebUI saved. No component of ours takes a file: javascript/sdpa.js keeps only the image's metadata (the PNG's
text chunks, the JPEG's EXIF and comment, the WebP's EXIF: a few KB), puts it as base64 in a hidden box and
clicks the hidden Read button; the Service reads the parameters, and they become the current version."""

from __future__ import annotations

from typing import Any

from ..assistant import MAX_IMAGE
from ..errors import SdpaError
from ..imagemeta import from_base64
from . import blocks
from .compat import html, username

ZONE = ("<div class='sdpa-image-drop-text'>🖼 <b>Start from an image</b>: drop a PNG, JPEG or WebP the WebUI saved "
        "here, or click to choose one. Its prompt, negative prompt and settings become the current version; "
        "only its metadata is sent.</div>")


class ImageInput(blocks.PanelPart):
    """The zone, the hidden box and button, and the handler that makes the image's version current."""

    def build(self) -> None:
        gr = blocks._gradio()
        eid = self.panel.eid
        self.zone = html(ZONE, elem_id=eid("image_drop"), elem_classes=["sdpa-image-drop"])
        self.data = gr.Textbox(elem_id=eid("image_data"), elem_classes=["sdpa-hidden"], show_label=False,
                               container=False)
        self.button = gr.Button("Read the image", elem_id=eid("image_read"), elem_classes=["sdpa-hidden"])

    def wire(self) -> Any:
        """The Read event (its outputs are the panel's: the fields, the status, the session)."""
        panel = self.panel
        return self.button.click(self.read, [self.data, panel.family, panel.apply, panel.state], panel._outputs())

    def read(self, payload: str, family: str, apply: bool, state: Any, request: blocks.gr.Request = None) -> tuple:
        """`payload` is the file's name, a newline, then its metadata as base64 (javascript/sdpa.js)."""
        panel = self.panel
        session, user = blocks._session(state), username(request)
        name, _, encoded = (payload or "").partition("\n")
        try:
            data = from_base64(encoded, MAX_IMAGE)
            version = panel.service().from_image(data, session=session["id"], user=user, name=name.strip()[:120],
                                                 family=family)
        except SdpaError as err:
            return panel.failed(err, session)
        kept = ", ".join(f"{key}: {value}" for key, value in list(version.extra.items())[:6])
        return panel.show(version, session, apply, user, note=f"kept: {kept}" if kept else "")
