"""A part of the workspace (its versions, GPU and Ollama, providers and keys, settings): built in the current
Blocks, wired to the tab's panel, with what it shows when the page loads and what only an administrator may use."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from . import render
from .compat import client_host, username

if TYPE_CHECKING:
    from ..service import Service
    from .panel import Panel


class WorkspacePart:
    """Its handlers annotate `request: shared.gr.Request`, resolved when an event runs, after `gr` is bound."""

    def __init__(self, service: Callable[[], Service], panel: Panel):
        self.service = service
        self.panel = panel  # the tab's panel: its roles line, session and fields
        self.admin_only: list = []  # what only an administrator sees (admin_view)

    def build(self) -> None:
        """Its components, in the current Blocks."""
        raise NotImplementedError

    def wire(self) -> None:
        raise NotImplementedError

    def loads(self) -> list[tuple[Callable, list]]:
        """What to run, into which components, each time the page loads."""
        return []

    def refused(self, request: Any, what: str) -> str:
        """The error line when this user may not `what` (it changes what every user gets); empty when allowed."""
        if self.service().may_administer(username(request), client_host(request)):
            return ""
        who = "an administrator (SDPA_SERVE_ADMINS)" if self.service().admins is not None else \
            "someone on this machine or logged in"
        return render.status(None, error=f"only {who} may {what}: it changes what every user gets")
