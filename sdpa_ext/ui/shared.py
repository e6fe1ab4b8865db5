"""What every part of the UI shares: Gradio (imported when a UI is first built), the components a panel writes to,
a handler's named outputs, a browser tab's session, a failure as the status line says it, the streaming pump and
its listener, and the calls in flight. A leaf: it imports no other module of ui/.

Gradio is imported when a UI is first built, never when sdpa_ext is imported: `gr` below is bound by `gradio()`.
Handlers annotate `request: shared.gr.Request`; Gradio resolves that annotation (a string) against the handler's
module when an event runs, after the build has bound `gr`.
"""

from __future__ import annotations

import queue
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from .. import secrets
from ..errors import Cancelled, SdpaError
from ..providers.types import CancelToken

# What a handler writes, by component (Gradio 3.41, 4 and 6 take a dict for the event's outputs): a component left
# out is left as it is.
Outputs = dict

gr: Any = None  # the gradio module, once a UI is built


def gradio() -> Any:
    global gr
    if gr is None:
        import gradio

        gr = gradio
    return gr


@dataclass
class TargetFields:
    """The components a panel writes its prompts to (the host's txt2img/img2img boxes, or our own) and the host's
    settings components (steps, CFG, size, sampler...) when it has them."""

    prompt: Any
    negative: Any
    params: dict[str, Any] = field(default_factory=dict)


def table(headers: list[str], rows: list[list]) -> dict:
    """A Dataframe's value that keeps its headers with no rows (Gradio 3 numbers the columns of an empty list):
    no rows shows one empty row, as a new table does."""
    return {"headers": headers, "data": rows or [[""] * len(headers)]}


def session_of(state: Any) -> dict:
    """A browser tab's session (the panel's gr.State): its id, and the takes it shows; a new one at first."""
    return state if isinstance(state, dict) and state.get("id") else {"id": uuid.uuid4().hex}


def message(err: BaseException) -> str:
    """A failure as the status line says it (keys scrubbed)."""
    if isinstance(err, Cancelled):
        return "cancelled"
    if isinstance(err, SdpaError):
        return secrets.scrub(str(err))
    return f"unexpected error: {type(err).__name__}: {secrets.scrub(str(err))}"


def pump(call: Callable[[Callable[[Any], None]], Any], *, name: str) -> Iterator[tuple[str, Any]]:
    """The UI's one streaming pump: run `call(report)` in a worker thread and yield ("item", x) for each
    `report(x)`, then ("done", result) or ("error", exception), in order, on the caller's thread."""
    items: queue.Queue = queue.Queue()

    def work() -> None:
        try:
            items.put(("done", call(lambda item: items.put(("item", item)))))
        except BaseException as err:  # handed to the caller's thread
            items.put(("error", err))

    threading.Thread(target=work, daemon=True, name=name).start()
    while True:
        kind, value = items.get()
        yield kind, value
        if kind != "item":
            return


@dataclass(frozen=True)
class Phase:
    name: str  # a key of panel.PHASES


@dataclass(frozen=True)
class Note:
    text: str  # something of ours while a call runs (roles.note): the status line says it


class Listener:
    """A call's `on_delta` that also hears its phases (roles.phase) and our notes (roles.note): all go to the
    pump's `report`."""

    def __init__(self, report: Callable[[Any], None]):
        self.report = report

    def __call__(self, text: str) -> None:
        self.report(text)

    def phase(self, name: str) -> None:
        self.report(Phase(name))

    def note(self, text: str) -> None:
        self.report(Note(text))


class Calls:
    """The calls in flight, by key (a browser tab's session, a model being pulled): starting one cancels the
    one it replaces; `cancel` stops one or all."""

    def __init__(self) -> None:
        self._tokens: dict[str, CancelToken] = {}
        self._lock = threading.Lock()

    def start(self, key: str) -> CancelToken:
        token = CancelToken()
        with self._lock:
            previous, self._tokens[key] = self._tokens.get(key), token
        if previous is not None:
            previous.cancel()
        return token

    def end(self, key: str, token: CancelToken) -> None:
        token.cancel()  # the UI went away (closed tab, Cancel): stop the provider call too
        with self._lock:
            if self._tokens.get(key) is token:
                del self._tokens[key]

    def cancel(self, key: str | None = None) -> None:
        with self._lock:
            tokens = list(self._tokens.values()) if key is None else [self._tokens.pop(key, None)]
        for token in tokens:
            if token is not None:
                token.cancel()
