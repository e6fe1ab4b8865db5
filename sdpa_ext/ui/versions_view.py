"""The workspace's versions: the user's recent versions from every line (the accordions, the Refine button, the
tab), newest first, each with its change; a search over all of them; Restore; and the current version's settings
after every change the panel makes."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..types import PromptVersion
from . import shared
from .compat import username
from .shared import Outputs, session_of, table
from .workspace_part import WorkspacePart

if TYPE_CHECKING:
    from ..service import Service
    from .panel import Panel

VERSION_HEADERS = ["id", "when", "kind", "from", "change", "prompt"]
RECENT = 50  # versions the tab lists


class VersionsView(WorkspacePart):
    """The Versions accordion; `params` is the workspace's "Suggested settings" box."""

    def __init__(self, service: Callable[[], Service], panel: Panel, params: Any):
        super().__init__(service, panel)
        self.params = params

    def build(self) -> None:
        gr = shared.gradio()
        with gr.Accordion("Versions", open=True):
            self.table = gr.Dataframe(headers=VERSION_HEADERS, interactive=False, elem_id="sdpa_tab_versions",
                                      wrap=True)
            with gr.Row():
                self.refresh = gr.Button("Refresh", size="sm", elem_id="sdpa_tab_versions_refresh")
                self.pick = gr.Textbox(label="Version id", elem_id="sdpa_tab_version_id", scale=2)
                self.restore_button = gr.Button("Restore", size="sm", elem_id="sdpa_tab_restore")
            self.search = gr.Textbox(label="Search all my versions", elem_id="sdpa_tab_search")

    def wire(self) -> None:
        panel = self.panel
        for event in panel.events:  # one event after each (each event costs the WebUI's start-up time)
            event.then(self.after_change, [panel.state], [self.table, self.params])
        self.refresh.click(self.version_rows, None, [self.table])
        self.search.submit(self.search_rows, [self.search], [self.table])
        self.restore_button.click(self.restore, [self.pick, panel.state, panel.apply], panel.outputs()).then(
            self.version_rows, None, [self.table])

    def loads(self) -> list[tuple[Callable, list]]:
        return [(self.version_rows, [self.table])]

    def after_change(self, state: Any, request: shared.gr.Request = None) -> Outputs:
        """After the panel changed the version: the versions listed again, and the current one's settings."""
        return {self.table: self.version_rows(request), self.params: self.show_params(state, request)}

    def version_rows(self, request: shared.gr.Request = None) -> dict:
        """The user's recent versions from every line (the accordions, the Refine button, this tab), newest first,
        each with its change from the version it was made from."""
        return self._rows(self.service().search("", user=username(request), limit=RECENT), request)

    def search_rows(self, text: str, request: shared.gr.Request = None) -> dict:
        return self._rows(self.service().search(text, user=username(request), limit=RECENT), request)

    def _rows(self, versions: list[PromptVersion], request: Any = None) -> dict:
        rows = []
        for version in versions:
            change = self.service().change(version, user=username(request))
            summary = " ".join([*(f"+{t}" for t in change["added"]), *(f"−{t}" for t in change["removed"])])
            rows.append([version.id, time.strftime("%m-%d %H:%M", time.localtime(version.created)),
                         version.kind, version.source[:40], summary[:200], version.prompt])
        return table(VERSION_HEADERS, rows)

    def restore(self, version_id: str, state: Any, apply: bool, request: shared.gr.Request = None) -> Outputs:
        session, user = session_of(state), username(request)
        restored = self.service().restore(version_id, session=session["id"], user=user)
        if restored is None:
            return self.panel.show(None, session, apply, user, note=f"no version {version_id!r}")
        return self.panel.show(restored, session, apply, user, note=f"restored {restored.parent}")

    def show_params(self, state: Any, request: shared.gr.Request = None) -> dict:
        """The current version's settings, and an image's other settings (seed, model...) under "image"."""
        current = self.service().current(session=session_of(state)["id"], user=username(request))
        if current is None:
            return {}
        return {**current.params, "image": current.extra} if current.extra else current.params
