"""Save as a WebUI style, in the accordion and the tab: a name, the prompt whole or as a `{prompt}` template around
the subject, Save; a name that exists shows Replace instead of replacing. Inside the WebUI the style goes
through the host's style store and its Styles dropdowns are refreshed (javascript/sdpa.js clicks their
refresh buttons); standalone it goes to SDPA_STYLES_FILE."""

from __future__ import annotations

from ..errors import SdpaError
from . import render, shared
from .compat import html, then_js, username
from .panel import PanelPart
from .shared import Outputs, message

FORMS = ("the whole prompt", "a template around the subject")


class StyleSaver(PanelPart):
    """The controls and their two events (Save, Replace)."""

    def build(self) -> None:
        gr = shared.gradio()
        eid = self.panel.eid
        with gr.Accordion("Save as style", open=False, elem_id=eid("style_box")):
            with gr.Row():
                self.name = gr.Textbox(label="Style name", elem_id=eid("style_name"), scale=2)
                self.form = gr.Radio(list(FORMS), value=FORMS[0], label="Keep", elem_id=eid("style_form"), scale=2)
                self.subject = gr.Textbox(label="Subject {prompt} replaces (blank: found for you)",
                                          elem_id=eid("style_subject"), scale=2)
            with gr.Row():
                self.save_button = gr.Button("Save style", size="sm", elem_id=eid("style_save"))
                self.replace_button = gr.Button("Replace it", size="sm", variant="stop", visible=False,
                                                elem_id=eid("style_replace"))
            self.status = html(elem_id=eid("style_status"))

    def wire(self) -> list:
        panel = self.panel
        inputs = [self.name, self.form, self.subject, panel.fields.prompt, panel.fields.negative]
        outputs = [self.status, self.replace_button]
        for event in (self.save_button.click(self.save, inputs, outputs),
                      self.replace_button.click(self.replace, inputs, outputs)):
            if not panel.standalone:  # the WebUI's Styles dropdowns read the file again
                then_js(event, "() => sdpaStylesChanged()")
        return []

    def save(self, name: str, form: str, subject: str, prompt: str, negative: str,
             request: shared.gr.Request = None) -> Outputs:
        return self._save(name, form, subject, prompt, negative, replace=False, user=username(request))

    def replace(self, name: str, form: str, subject: str, prompt: str, negative: str,
                request: shared.gr.Request = None) -> Outputs:
        return self._save(name, form, subject, prompt, negative, replace=True, user=username(request))

    def _save(self, name: str, form: str, subject: str, prompt: str, negative: str, *, replace: bool,
              user: str) -> Outputs:
        from ..styles import StyleExists  # with the craft it needs, at first use: not while the WebUI builds its page

        try:
            saved = self.panel.service().save_style(
                name, prompt=prompt or "", negative=negative or "", template=form == FORMS[1],
                subject=subject or "", replace=replace, session="", user=user)
        except StyleExists as err:
            return self._said(render.status(None, note=str(err.said("click Replace it"))), replace=True)
        except SdpaError as err:
            return self._said(render.status(None, error=message(err)))
        done = "replaced" if saved.replaced else "saved"
        return self._said(render.status(None, note=f"{done} style {saved.style.name!r} in {saved.file}: "
                                                   f"{saved.style.prompt}"))

    def _said(self, status: str, *, replace: bool = False) -> Outputs:
        """The status line, and Replace shown only when the name exists."""
        return {self.status: status, self.replace_button: shared.gr.update(visible=replace)}
