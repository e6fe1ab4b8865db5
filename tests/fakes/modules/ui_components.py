"""A1111's InputAccordion: a hidden checkbox that opens and closes an accordion."""

import gradio as gr


class InputAccordion(gr.Checkbox):
    webui_do_not_create_gradio_pyi_thank_you = True  # Gradio 4 would write a .pyi beside a Checkbox subclass
    def __init__(self, value, **kwargs):
        self.accordion_id = kwargs.get("elem_id") or "input-accordion"
        super().__init__(value, **{**kwargs, "elem_id": f"{self.accordion_id}-checkbox", "visible": False})
        self.accordion = gr.Accordion(**{**kwargs, "elem_id": self.accordion_id, "open": value})

    def __enter__(self):
        self.accordion.__enter__()
        return self

    def __exit__(self, *args):
        self.accordion.__exit__(*args)
