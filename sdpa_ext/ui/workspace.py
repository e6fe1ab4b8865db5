"""The WebUI's "Prompt Assistant" tab, also the standalone app's page: the tab's panel over its own prompt boxes,
start from an image and "Send to", then its parts: the versions below, GPU and Ollama, providers and keys, and the
settings beside them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import shared
from .compat import client_host, copy_button, js, page_css, page_js, then_js, username
from .gpu_view import GpuView
from .image_input import ImageInput
from .panel import HOST_TABS, Panel
from .parts import panel_parts
from .providers_view import ProvidersView
from .settings_view import SettingsView
from .shared import Outputs, TargetFields, session_of
from .versions_view import VersionsView

if TYPE_CHECKING:
    from ..service import Service
    from ..settings.config import Settings

STYLE_PATH = Path(__file__).resolve().parents[2] / "style.css"
SCRIPT_PATH = Path(__file__).resolve().parents[2] / "javascript" / "sdpa.js"  # the WebUI loads it itself


class Workspace:
    """The full workspace inside the current Blocks: the description and panel first, then its own prompt pair,
    start from an image, "Send to", and its parts."""

    def __init__(self, service: Callable[[], Service], *, standalone: bool,
                 send_to: Callable[[Any, str, Any], None] | None = None,
                 settings: Callable[[], Settings] | None = None):
        self.service = service
        self.settings = settings  # as Panel's
        self.standalone = standalone
        self.send_to = send_to  # the WebUI's paste: send_to(button, tab, infotext box) wires the button to it

    def build(self) -> list[tuple[Callable, list]]:
        """Build and wire; returns what to run when the page loads."""
        gr = shared.gradio()
        with gr.Row():
            with gr.Column(scale=3):
                self._build_main()
                self.versions = VersionsView(self.service, self.panel, self.params)
                self.versions.build()
            with gr.Column(scale=2):
                self.gpu = GpuView(self.service, self.panel)
                self.providers = ProvidersView(self.service, self.panel)
                self.settings_view = SettingsView(self.service, self.panel)
                for part in (self.gpu, self.providers, self.settings_view):
                    part.build()
        parts = (self.versions, self.gpu, self.providers, self.settings_view)
        for part in parts:
            part.wire()
        self.admin_only = [component for part in parts for component in part.admin_only]
        return [*self.versions.loads(), *self.gpu.loads(), *self.settings_view.loads(), *self.providers.loads(),
                (self.admin_view, self.admin_only)]

    def _build_main(self) -> None:
        gr = shared.gr
        self.prompt = gr.Textbox(label="Prompt", lines=4, elem_id="sdpa_tab_prompt", render=False, **copy_button())
        self.negative = gr.Textbox(label="Negative prompt", lines=2, elem_id="sdpa_tab_negative", render=False,
                                   **copy_button())
        self.params = gr.JSON(label="Suggested settings", elem_id="sdpa_tab_params", render=False)
        self.panel = Panel(self.service, "tab", TargetFields(self.prompt, self.negative), panel_parts,
                           standalone=self.standalone, settings=self.settings)
        self.panel.build(later=True)  # the description first, the outputs below it
        self.image = ImageInput(self.panel)
        self.image.build()
        for component in (self.prompt, self.negative, self.params):
            component.render()
        self.panel.wire()
        self.panel.events += self.image.wire()
        if not self.standalone:
            self._build_send()

    def _build_send(self) -> None:
        """"Send to txt2img/img2img". Inside the WebUI (`send_to` given) the host's own paste does it, as its PNG
        Info's buttons do: our handler writes the boxes' prompts and the current version's settings (size, steps,
        CFG, sampler, scheduler, the image's seed and the rest) as an infotext into a hidden box, then the page
        clicks a hidden button the host wired to paste that text into the tab's fields and switch to it. Without
        `send_to`, the page's script fills the two prompt boxes only."""
        gr = shared.gr
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

    def send_infotext(self, prompt: str, negative: str, apply: bool, state: Any,
                      request: shared.gr.Request = None) -> str:
        """What "Send to" pastes: the prompt boxes as they are, with the current version's settings and an image's
        other settings when "Apply suggested settings" is on (the checkpoint is the WebUI's choice: not sent)."""
        from ..images.infotext import write

        current = self.service().current(session=session_of(state)["id"], user=username(request)) if apply else None
        return write(prompt or "", negative or "", current.params if current else {}, current.extra if current else {})

    def admin_view(self, request: shared.gr.Request = None) -> Outputs:
        """What only an administrator may use (pulls and unloads, keys, reload) is hidden from other users."""
        shown = self.service().may_administer(username(request), client_host(request))
        return {component: shared.gr.update(visible=shown) for component in self.admin_only}


def build_standalone(service: Service) -> Any:
    """The standalone app (`python -m sdpa_ext serve`): the workspace with copy buttons (a gr.Blocks)."""
    gr = shared.gradio()
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
    gr = shared.gradio()
    with gr.Blocks(analytics_enabled=False) as tab:
        for load, outputs in Workspace(service, standalone=False, send_to=send_to, settings=settings).build():
            tab.load(load, None, outputs)
    return tab
