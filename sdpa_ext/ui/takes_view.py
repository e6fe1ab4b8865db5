"""Takes to pick from, in the accordion and the tab: the takes of the last plan or refine side by side, what
each has that the first has not highlighted, what they cost together; "Use take k" makes one the current
version (in place of the first, which stays in the history beside it). Before a call, choosing how many takes
shows what they would cost and take, from this session's last answer."""

from __future__ import annotations

from typing import Any

from ..errors import SdpaError
from . import render, shared
from .compat import html, username
from .panel import PanelPart
from .shared import Outputs, session_of

# A Use button per take, craft.takes.MAX_TAKES of them; that is not imported here: it loads the craft, which the
# WebUI need not while it builds its page (tests/test_ui_build.py holds them equal).
TAKE_BUTTONS = 4


class TakesView(PanelPart):
    """The side-by-side takes, the Use buttons, and the estimate line."""

    def build(self) -> None:
        gr = shared.gradio()
        eid = self.panel.eid
        self.estimate = html(elem_id=eid("takes_estimate"))
        self.html = html(elem_id=eid("takes"))
        with gr.Row():
            self.buttons = [gr.Button(f"Use take {k + 1}", size="sm", visible=False, elem_id=eid(f"take_{k + 1}"))
                            for k in range(TAKE_BUTTONS)]

    def wire(self) -> list:
        """Show the takes after every event that changes the panel's fields (those wired so far), and the estimate
        from the answer just made; returns the Use buttons' events."""
        panel = self.panel
        shown = [self.html, *self.buttons]
        picks = [button.click(self.pick_handler(k), [panel.state, panel.apply], panel.outputs())
                 for k, button in enumerate(self.buttons)]
        for event in [*panel.events, *picks]:  # one event after each (each event costs the WebUI's start-up time)
            event.then(self.after, [panel.n, panel.state], [*shown, self.estimate])
        panel.n.change(self.guess, [panel.n, panel.state], [self.estimate])
        return picks

    def after(self, n: str, state: Any, request: shared.gr.Request = None) -> Outputs:
        """After a change: the takes side by side, then the estimate from the answer just made."""
        return {**self.view(state, request), self.estimate: self.guess(n, state, request)}

    def view(self, state: Any, request: shared.gr.Request = None) -> Outputs:
        """The session's takes side by side (none: the view is empty and the buttons hidden)."""
        session, user = session_of(state), username(request)
        service = self.panel.service()
        found = [service.history.get(i, user) for i in session.get("takes") or []]
        versions = [v for v in found if v is not None]
        current = service.current(session=session["id"], user=user) if versions else None
        html = render.takes(versions, current.id if current else "", session.get("takes_total")) if len(
            versions) > 1 else render.takes([], "", None)
        return {self.html: html, **{button: shared.gr.update(visible=len(versions) > 1 and k < len(versions))
                                    for k, button in enumerate(self.buttons)}}

    def pick_handler(self, index: int):
        def pick(state: Any, apply: bool, request: shared.gr.Request = None) -> Outputs:
            session, user = session_of(state), username(request)
            ids = session.get("takes") or []
            picked = self.panel.service().pick(ids[index], session=session["id"], user=user) \
                if index < len(ids) else None
            note = f"take {index + 1} is the current version" if picked else "no such take"
            shown = self.panel.show(picked, session, apply, user, note=note)
            return {**shown, self.panel.preview: picked.prompt} if picked else shown  # Live answer: the current take

        return pick

    def guess(self, n: str, state: Any, request: shared.gr.Request = None) -> str:
        """What `n` takes would cost and take, from this session's last answer made by a model."""
        from ..craft.takes import estimate

        session, user = session_of(state), username(request)
        service = self.panel.service()
        try:
            line = service.versions(session=session["id"], user=user)
        except SdpaError:  # history busy: no estimate this time
            line = []
        last = next((v for v in reversed(line) if v.provider not in ("", "rules")), None)
        per_take = last is not None and service.settings.compact(last.role or "planning")
        guess = estimate(last, int(n), service.settings.prices_file, call_per_take=per_take) if last else None
        return render.estimate_html(int(n), guess)
