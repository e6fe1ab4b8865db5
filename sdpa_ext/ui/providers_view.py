"""The workspace's providers and API keys: check each role's provider (and list its models); type the keys, kept in
the extension's own owner-only key file (settings/keyfile.py), never shown again."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .. import secrets
from ..errors import SdpaError
from ..settings import keyfile
from . import render, shared
from .compat import html
from .shared import Outputs
from .workspace_part import WorkspacePart


class ProvidersView(WorkspacePart):
    """The "Providers" and "API keys" accordions; saving keys is an administrator's."""

    def build(self) -> None:
        gr = shared.gradio()
        with gr.Accordion("Providers", open=False):
            self.check_button = gr.Button("Check providers", size="sm", elem_id="sdpa_tab_check")
            self.check_html = html(elem_id="sdpa_tab_check_result")
        with gr.Accordion("API keys", open=False) as keys:
            gr.Markdown("Saved in the extension's own owner-only key file, never in the WebUI's settings. A "
                        "saved key is never shown again; leave a box empty to keep it, type a space to remove it.")
            self.key_boxes = {name: gr.Textbox(label=name, type="password", elem_id=f"sdpa_key_{name.lower()}")
                              for name in keyfile.KEY_NAMES}
            self.save_keys_button = gr.Button("Save keys", size="sm", elem_id="sdpa_tab_save_keys")
            self.keys_status = html(elem_id="sdpa_tab_keys_status")
        self.admin_only = [keys]

    def wire(self) -> None:
        self.check_button.click(self.check, None, [self.check_html])
        self.save_keys_button.click(self.save_keys, list(self.key_boxes.values()),
                                    [self.keys_status, *self.key_boxes.values()])

    def loads(self) -> list[tuple[Callable, list]]:
        return [(self.keys_view, list(self.key_boxes.values()))]

    def check(self) -> str:
        service = self.service()
        settings, roles = service.settings, service.assistant.roles
        rows = []
        clients = [("planning", roles.planning)] + ([] if roles.execution is roles.planning else
                                                    [("execution", roles.execution)])
        for role, client in clients:
            try:
                result, models = client.check(), client.list_models()[:12]
                rows.append((role, settings.role(role).label, secrets.scrub(str(result)),
                             [secrets.scrub(str(m)) for m in models], True))
            except SdpaError as err:
                rows.append((role, settings.role(role).label, secrets.scrub(str(err)), [], False))
        return render.check_table(rows)

    def save_keys(self, request: shared.gr.Request, *values: str) -> Outputs:
        """Gradio injects `request` only before *values."""
        service = self.service()
        data_dir = service.settings.data_dir
        if refused := self.refused(request, "save keys"):
            return {self.keys_status: refused, **self._key_boxes(value="")}
        for name, value in zip(keyfile.KEY_NAMES, values, strict=True):
            if value:  # empty: keep; whitespace: remove
                keyfile.save_key(data_dir, name, value)
        note = "; ".join(f"{name}: {state}" for name, state in keyfile.key_states(data_dir).items())
        try:
            service.reload()
            status = render.status(None, note=f"saved. {note}")
        except SdpaError as err:
            status = render.status(None, error=secrets.scrub(str(err)))
        return {self.keys_status: status, **self._key_boxes(value="")}

    def keys_view(self) -> Outputs:
        return self._key_boxes()

    def _key_boxes(self, **update: Any) -> Outputs:
        """Each key box's placeholder: `set (...abcd)` or `not set` (`value=""` also empties the box)."""
        shown = keyfile.shown(self.service().settings.data_dir)
        return {box: shared.gr.update(placeholder=shown[name], **update) for name, box in self.key_boxes.items()}
