"""The planning and the execution client, built from the settings, with the planning fallback."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass

from .errors import ProviderError
from .providers.client import Client
from .providers.http import Deadline
from .providers.registry import make_client
from .providers.types import CancelToken, ChatRequest, Completion
from .secrets import get_logger
from .settings.config import RoleConfig, Settings

_log = get_logger(__name__)
# Set once a model answered in this thread's request: an error after it is the answer's (service.py).
answered: ContextVar[bool] = ContextVar("sdpa_answered", default=False)


def phase(report: object, name: str) -> None:
    """Tell a front end where a call is, when its `on_delta` listens (has a `phase(name)`): "loading" (the model
    starts first), "waiting" (for the first token), "checking" (the answer is in; the checks run)."""
    listener = getattr(report, "phase", None)
    if callable(listener):
        listener(name)


def note(report: object, text: str) -> None:
    """Tell a front end something of ours while a call runs (not the model's text): to the listener's `note(text)`
    when it has one (the UI's status line), else as a delta of its own line, in brackets."""
    listener = getattr(report, "note", None)
    if callable(listener):
        listener(text)
    elif callable(report):
        report(f"[{text}]\n")


def same_endpoint(a: RoleConfig, b: RoleConfig) -> bool:
    return (a.provider, a.model, a.endpoint) == (b.provider, b.model, b.endpoint)


@dataclass
class Roles:
    settings: Settings
    planning: Client
    execution: Client

    @classmethod
    def from_settings(cls, settings: Settings) -> Roles:
        planning = make_client(settings.planning, settings)
        execution = planning if same_endpoint(settings.planning, settings.execution) else make_client(
            settings.execution, settings)
        return cls(settings, planning, execution)

    def client(self, role: str) -> Client:
        return self.planning if role == "planning" else self.execution

    def complete(self, role: str, req: ChatRequest, *, on_delta: Callable[[str], None] | None = None,
                 cancel: CancelToken | None = None) -> Completion:
        """Call the role's client. A failing planning call falls back to the execution client
        (unless SDPA_FALLBACK=false), and the answer says so in its notes."""
        client = self.client(role)
        deadline = Deadline(self.settings.timeout_s)  # one budget, a fallback included
        try:
            phase(on_delta, "waiting" if client.ready() else "loading")
            completion = client.complete(req, on_delta=on_delta, cancel=cancel, deadline=deadline)
            completion.role = role  # in single mode one client serves both roles
            answered.set(True)
            phase(on_delta, "checking")
            return completion
        except ProviderError as err:
            if role != "planning" or not self.settings.fallback or self.execution is self.planning:
                raise
            note = (f"planning with {self.settings.planning.label} failed ({err}); "
                    f"used the execution LLM, {self.settings.execution.label}")
            _log.info(note)  # the answer carries it (warnings); logged once more at WARNING it was printed twice
            if on_delta is not None:
                on_delta(f"\n[{note}]\n")
            try:
                phase(on_delta, "waiting" if self.execution.ready() else "loading")
                completion = self.execution.complete(req, on_delta=on_delta, cancel=cancel, deadline=deadline)
            except ProviderError as second:
                raise ProviderError(f"{err.provider}, then {second.provider}", f"planning with "
                                    f"{self.settings.planning.label} failed ({err}), and so did the execution LLM it "
                                    f"fell back to, {self.settings.execution.label} ({second})") from second
            completion.role = "execution"
            completion.notes.insert(0, note)
            answered.set(True)
            phase(on_delta, "checking")
            return completion
