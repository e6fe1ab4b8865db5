"""Which parts each panel shows: `Panel(..., panel_parts)` is given them here, so that the panel imports none of the
parts (each of which builds on the panel)."""

from __future__ import annotations

from .image_input import PromptFromImage, ResultLook
from .panel import HOST_TABS, Panel, Parts
from .style_save import StyleSaver
from .takes_view import TakesView

PICTURE_TABS = ("img2img", "tab")  # "Prompt from image": img2img's input image, a picture chosen in the tab


def panel_parts(panel: Panel) -> Parts:
    """Takes and Save as style everywhere; Prompt from image in img2img and the tab; the look after Generate in the
    WebUI's tabs."""
    return Parts(takes=TakesView(panel), styles=StyleSaver(panel),
                 pictures=PromptFromImage(panel, upload=panel.tab == "tab") if panel.tab in PICTURE_TABS else None,
                 look=ResultLook(panel) if panel.tab in HOST_TABS else None)
