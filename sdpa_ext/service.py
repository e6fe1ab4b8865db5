"""The state one process shares between its front ends (HTTP API, UI): settings, the assistant, history.

Front ends pass a session id (a browser tab, an API client) and the user (WebUI logins); nothing
user-specific lives here beyond what the history stores per session and user.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import asdict

from .assistant import Assistant
from .config import Settings, load_settings
from .history import History, HistoryError, Session, diff
from .providers.types import CancelToken
from .types import HostContext, PromptVersion
from .zeroconf import choose


class Service:
    """Plan, refine, undo/redo and hardware for every front end; one per process."""

    def __init__(self, settings: Settings | None = None, *, load: Callable[[], Settings] | None = None,
                 host: Callable[[], HostContext] | None = None):
        self._load = load or load_settings
        self._host = host or HostContext
        self._lock = threading.Lock()
        self.settings = choose(settings or self._load())
        self.assistant = Assistant(self.settings)
        self.history = History(self.settings.data_dir / "history.sqlite3")
        self.server_authenticates = False  # set by `serve` when its guard authenticates every request

    def reload(self) -> Settings:
        """Re-read the settings (after the WebUI's settings page changed them)."""
        settings = choose(self._load())
        with self._lock:
            self.settings, self.assistant = settings, Assistant(settings)
        return settings

    def context(self, user: str = "") -> HostContext:
        ctx = self._host()
        ctx.user = user
        return ctx

    def plan(self, description: str, *, session: str, user: str = "", family: str | None = "auto",
             style: str | None = None, on_delta: Callable[[str], None] | None = None,
             cancel: CancelToken | None = None) -> PromptVersion:
        version = self.assistant.plan(description, ctx=self.context(user), family=family, style=style,
                                      on_delta=on_delta, cancel=cancel)
        return self._record(self.history.session(session, user), version)

    @staticmethod
    def _record(line: Session, version: PromptVersion) -> PromptVersion:
        """Push a new version; when history cannot take it this time (busy, disk full) the answer still
        comes back, with the reason among its warnings."""
        try:
            return line.push(version)
        except HistoryError as err:
            version.warnings.append(str(err))
            return version

    def refine(self, current: PromptVersion, instruction: str, *, session: str, user: str = "",
               family: str | None = "auto", on_delta: Callable[[str], None] | None = None,
               cancel: CancelToken | None = None) -> PromptVersion:
        """Refine what the user has now (hand edits included): it is recorded first if it differs."""
        line = self.history.session(session, user)
        try:
            last = line.current()
        except HistoryError:
            last = None
        if last is not None and (last.prompt, last.negative_prompt) == (current.prompt, current.negative_prompt):
            current.id, current.family = last.id, current.family or last.family
        else:  # typed or pasted by hand since the last version: keep it, so undo can come back to it
            current.kind = "edit"
            self._record(line, current)
        version = self.assistant.refine(current, instruction, ctx=self.context(user), family=family,
                                        on_delta=on_delta, cancel=cancel)
        return self._record(line, version)

    def undo(self, *, session: str, user: str = "") -> PromptVersion | None:
        return self.history.session(session, user).undo()

    def redo(self, *, session: str, user: str = "") -> PromptVersion | None:
        return self.history.session(session, user).redo()

    def change(self, version: PromptVersion, *, user: str = "") -> dict:
        """The word diff from a version's parent (empty for a first version)."""
        parent = self.history.get(version.parent, user) if version.parent else None
        return asdict(diff(parent.prompt, version.prompt)) if parent else {"added": [], "removed": []}
