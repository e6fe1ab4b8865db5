"""The workspace's settings and where they come from: the start-up banner, every setting with its value and its
source, and Reload (auto-configure again, and the roles line)."""

from __future__ import annotations

from collections.abc import Callable

from .. import secrets
from ..errors import SdpaError
from . import shared
from .shared import Outputs, table
from .workspace_part import WorkspacePart

SETTING_HEADERS = ["setting", "value", "source"]


class SettingsView(WorkspacePart):
    """The "Settings and where they come from" accordion; Reload is an administrator's."""

    def build(self) -> None:
        gr = shared.gradio()
        with gr.Accordion("Settings and where they come from", open=False):
            self.banner = gr.Textbox(label="Mode", lines=3, interactive=False, elem_id="sdpa_tab_banner")
            self.provenance = gr.Dataframe(headers=SETTING_HEADERS, interactive=False,
                                           elem_id="sdpa_tab_provenance")
            self.reload_button = gr.Button("Reload settings", size="sm", elem_id="sdpa_tab_reload")
        self.admin_only = [self.reload_button]

    def wire(self) -> None:
        self.reload_button.click(self.reload, None, [self.banner, self.provenance, self.panel.roles])

    def loads(self) -> list[tuple[Callable, list]]:
        return [(self.settings_view, [self.banner, self.provenance])]

    def settings_view(self) -> Outputs:
        settings = self.service().settings
        rows = [[e.name, e.shown, e.source] for e in sorted(settings.entries.values(), key=lambda e: e.name)]
        return {self.banner: settings.banner(), self.provenance: table(SETTING_HEADERS, rows)}

    def reload(self, request: shared.gr.Request = None) -> Outputs:
        if refused := self.refused(request, "reload the settings"):
            return {self.banner: refused}
        try:
            self.service().reload()
        except SdpaError as err:
            return {self.banner: secrets.scrub(str(err)), self.provenance: table(SETTING_HEADERS, [])}
        return {**self.settings_view(), self.panel.roles: self.panel.roles_html()}
