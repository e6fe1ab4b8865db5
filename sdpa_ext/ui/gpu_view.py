"""The workspace's GPU and Ollama: what the GPUs hold, the loaded Ollama models and unloading them, pulling a model
with its progress; after a pull or an unload the settings are read again (auto-configure) and the roles line with
them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from .. import secrets
from ..errors import SdpaError
from . import render, shared
from .compat import html
from .shared import Calls, Outputs, message, pump
from .workspace_part import WorkspacePart

if TYPE_CHECKING:
    from ..service import Service
    from .panel import Panel


class GpuView(WorkspacePart):
    """The "GPU and Ollama" accordion; pulls and unloads are an administrator's."""

    def __init__(self, service: Callable[[], Service], panel: Panel):
        super().__init__(service, panel)
        self.pulls = Calls()  # Ollama pulls in flight, by model

    def build(self) -> None:
        gr = shared.gradio()
        with gr.Accordion("GPU and Ollama", open=True):
            self.html = html(elem_id="sdpa_tab_hardware")
            self.refresh = gr.Button("Refresh", size="sm", elem_id="sdpa_tab_hardware_refresh")
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

    def wire(self) -> None:
        roles = self.panel.roles
        self.refresh.click(self.hardware_view, None, [self.html, self.loaded])
        self.unload_button.click(self.unload, [self.loaded], [self.html, roles])
        self.unload_ours_button.click(self.unload_ours, None, [self.html, roles])
        pull = self.pull_button.click(self.pull, [self.pull_name], [self.pull_progress]).then(
            self.reconfigure, None, [roles])
        self.pull_cancel.click(self.stop_pull, None, [self.pull_progress], cancels=[pull])

    def loads(self) -> list[tuple[Callable, list]]:
        return [(self.hardware_view, [self.html, self.loaded])]

    def hardware_view(self) -> Outputs:
        """The VRAM bar, and the loaded Ollama models to choose from (the first chosen)."""
        from ..hardware import machine_report

        report = machine_report(self.service().settings).as_dict()
        names = [m["name"] for m in report["ollama"].get("loaded", [])]
        return {self.html: render.vram_bar(report),
                self.loaded: shared.gr.update(choices=names, value=names[0] if names else None)}

    def reconfigure(self) -> str:
        """The VRAM picture changed (a model pulled or unloaded): auto-configure again (it reads the same settings:
        anyone may), and the roles line."""
        try:
            self.service().reload()
        except SdpaError as err:
            return render.status(None, error=secrets.scrub(str(err)))
        return self.panel.roles_html()

    def unload(self, model: str, request: shared.gr.Request = None) -> Outputs:
        from ..hardware import OllamaAdmin

        if refused := self.refused(request, "unload a model"):
            return {self.html: refused}
        if not model:
            return {self.html: render.status(None, note="pick a loaded model")}
        try:
            OllamaAdmin(self.service().settings.ollama_host).unload(model)
        except SdpaError as err:
            return {self.html: render.status(None, error=secrets.scrub(str(err)))}
        return {self.html: self.hardware_view()[self.html], self.panel.roles: self.reconfigure()}

    def unload_ours(self, request: shared.gr.Request = None) -> Outputs:
        from ..hardware import free_vram_for_generation

        if refused := self.refused(request, "unload models"):
            return {self.html: refused}
        freed = free_vram_for_generation(self.service().settings, policy="always")
        note = f"{freed.reason}: {', '.join(freed.unloaded) or 'none'}; {freed.freed_gb:g} GB freed"
        return {self.html: render.status(None, note=note), self.panel.roles: self.reconfigure()}

    def pull(self, model: str, request: shared.gr.Request = None) -> Iterator[str]:
        from ..hardware import OllamaAdmin

        if refused := self.refused(request, "pull a model"):
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
                    yield render.status(None, error=message(value))
        finally:
            self.pulls.end(model, token)

    def stop_pull(self, request: shared.gr.Request = None) -> str:
        if refused := self.refused(request, "stop a pull"):
            return refused
        self.pulls.cancel()
        return render.status(None, note="pull stopped")
