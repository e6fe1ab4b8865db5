"""The one way in: every front end (CLI, HTTP API, UI, the WebUI script) plans, refines, undoes and reads
history here. It applies auto-configure and zero-config to the settings, records every version (hand
edits too) under (user, session), and shapes the JSON the CLI prints and the API returns.

Front ends pass a session id (a browser tab, an API client, the CLI) and the user (WebUI logins).
"""

from __future__ import annotations

import contextlib
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import asdict, replace
from typing import TYPE_CHECKING

from .assistant import MAX_PROMPT, Assistant, clean_input
from .budget import cpu_budget
from .errors import ConfigError, ProviderError, SdpaError
from .hardware.zeroconf import choose
from .history import History, HistoryError, Session, diff
from .providers.types import CancelToken, Image
from .roles import answered
from .secrets import clean, get_logger
from .server.access import may_administer
from .settings.config import Settings, load_settings
from .styles import OWNERS_FILE, HostStyles, Owners, Saved, Saver, StylesFile, make_style
from .types import TEXT_FIELDS, HostContext, ImageCheck, PromptVersion, Takes

if TYPE_CHECKING:
    from .hardware.planner import SdFacts

_log = get_logger(__name__)


def configure(settings: Settings, sd: Callable[[], SdFacts | None] | None = None) -> list[str]:
    """Apply OLLAMA_AUTO_CONFIGURE (roles on Ollama without a model of the user's get the one that fits
    beside the checkpoint `sd()` describes, asked only then), then zero-config (nothing configured: the best
    the machine can reach), in place. Returns auto-configure's notes."""
    notes: list[str] = []
    if settings.ollama_auto_configure and "ollama" in (settings.planning.provider, settings.execution.provider):
        from .hardware import machine_report
        from .hardware.planner import auto_configure

        notes = auto_configure(settings, machine_report(settings, sd() if sd else None).recommended)
    choose(settings)
    return notes


@contextlib.contextmanager
def _answer_errors(provider: str) -> Iterator[None]:
    """Any unexpected error once a model has answered is that answer's: a provider error (502, one line),
    logged with its trace. Before any answer (our rules alone), an error stays what it is."""
    token = answered.set(False)
    try:
        yield
    except SdpaError:
        raise
    except Exception as err:
        if not answered.get():
            raise
        _log.warning("the model's answer could not be read", exc_info=True)
        raise ProviderError(provider, f"the answer could not be read ({type(err).__name__}: {str(err)[:120]})",
                            hint="try again, or choose another model") from err
    finally:
        answered.reset(token)


def _scrubbed(version: PromptVersion) -> PromptVersion:
    """A version with every text field scrubbed of secrets (as it is kept and shown)."""
    return replace(version, **{name: clean(getattr(version, name)) for name in TEXT_FIELDS})


class Service:
    """Plan, refine, undo/redo, restore and history for every front end; one per process (or CLI run)."""

    def __init__(self, settings: Settings | None = None, *, load: Callable[[], Settings] | None = None,
                 host: Callable[[], HostContext] | None = None, sd: Callable[[], SdFacts] | None = None,
                 styles: Callable[[], StylesFile | HostStyles] | None = None):
        self._load = load or load_settings
        self._host = host or HostContext
        self._sd = sd
        self._styles = styles or (lambda: StylesFile(self.settings.styles_file))  # the WebUI's store inside it
        self._lock = threading.Lock()
        self.settings = settings or self._load()
        self.notes = configure(self.settings, sd)  # auto-configure's choices
        self._assistant: Assistant | None = None  # made at first use: `history` needs no provider
        self._history: History | None = None  # opened at first use: `config` and `check` need none
        self.admins: frozenset[str] | None = None  # `serve`'s administrators; None inside the WebUI (server/access.py)

    def may_administer(self, user: str, client_host: str = "") -> bool:
        """Whether `user` may change what every user gets: keys, pulls and unloads, settings, others' styles."""
        return may_administer(user, client_host, self.admins)

    def reload(self) -> Settings:
        """Re-read the settings and re-run auto-configure: after the WebUI's settings page changed them, a
        checkpoint loaded or an Ollama model was pulled or unloaded (the VRAM picture changed)."""
        settings = self._load()
        notes = configure(settings, self._sd)
        with self._lock:
            self.settings, self.notes, self._assistant = settings, notes, None
        return settings

    @property
    def history(self) -> History:
        with self._lock:
            if self._history is None:
                self._history = History(self.settings.data_dir / "history.sqlite3")
            return self._history

    @property
    def assistant(self) -> Assistant:
        with self._lock:
            if self._assistant is None:
                self._assistant = Assistant(self.settings)
            return self._assistant

    def roles(self) -> dict[str, dict[str, str]]:
        """Each role's provider and model (auto-configured or chosen by zero-config included)."""
        return {role: {"provider": config.provider, "model": config.model, "label": config.label}
                for role, config in (("planning", self.settings.planning), ("execution", self.settings.execution))}

    def context(self, user: str = "") -> HostContext:
        ctx = self._host()
        ctx.user = user
        return ctx

    def line(self, session: str, user: str = "") -> Session:
        """One user's undo line in one session."""
        return self.history.session(session, user)

    # -- making versions -------------------------------------------------------------------

    def plan(self, description: str, *, session: str, user: str = "", family: str | None = "auto",
             style: str | None = None, on_delta: Callable[[str], None] | None = None,
             cancel: CancelToken | None = None) -> PromptVersion:
        return self.plan_takes(description, 1, session=session, user=user, family=family, style=style,
                               on_delta=on_delta, cancel=cancel).versions[0]

    def plan_takes(self, description: str, n: int = 1, *, session: str, user: str = "",
                   family: str | None = "auto", style: str | None = None,
                   on_delta: Callable[[str], None] | None = None, cancel: CancelToken | None = None) -> Takes:
        """`n` takes of a plan: the first becomes the current version, the others wait in the history as its
        siblings (`pick` makes one current instead)."""
        with cpu_budget("plan"), _answer_errors(self.settings.planning.label):
            takes = self.assistant.plan_takes(description, n, ctx=self.context(user), family=family, style=style,
                                              on_delta=on_delta, cancel=cancel)
            return self._record_takes(self.line(session, user), takes)

    def describe_image(self, image: Image, *, session: str, user: str = "", family: str | None = "auto",
                       on_delta: Callable[[str], None] | None = None,
                       cancel: CancelToken | None = None) -> PromptVersion:
        """A prompt from an image (planning LLM), recorded like a plan."""
        with cpu_budget("describe"), _answer_errors(self.settings.planning.label):
            version = self.assistant.describe_image(image, ctx=self.context(user), family=family,
                                                    on_delta=on_delta, cancel=cancel)
            return self._record(self.line(session, user), version)

    def check_image(self, image: Image, description: str, prompt: str, *,
                    cancel: CancelToken | None = None) -> ImageCheck:
        """What a generated image gets right and wrong (execution LLM); nothing is recorded."""
        with cpu_budget("check"), _answer_errors(self.settings.execution.label):
            found = self.assistant.check_image(image, description, prompt, cancel=cancel)
        return replace(found, matches=clean(found.matches), mismatches=clean(found.mismatches),
                       refines=clean(found.refines))

    def _record_takes(self, line: Session, takes: Takes) -> Takes:
        """The first take pushed on the undo line, the others kept in the history beside it; all scrubbed."""
        versions = [self._record(line, takes.versions[0])]
        for version in map(_scrubbed, takes.versions[1:]):
            try:
                self.history.add(version, session=line.id, user=line.user)
            except HistoryError as err:
                version.warnings.append(str(err))
            versions.append(version)
        return replace(takes, versions=versions)

    def pick(self, version_id: str, *, session: str, user: str = "") -> PromptVersion | None:
        """A take becomes the current version: in place of the sibling that is current, else pushed; None when
        there is no such version of the user's."""
        picked = self.history.get(version_id.strip(), user)
        if picked is None:
            return None
        line = self.line(session, user)
        current = line.current()
        if current is not None and current.id != picked.id and current.id in picked.takes:
            return line.replace_current(picked)
        return picked if current is not None and current.id == picked.id else line.push(picked)

    @staticmethod
    def _record(line: Session, version: PromptVersion) -> PromptVersion:
        """Push a new version; when history cannot take it this time (busy, disk full) the answer still
        comes back, with the reason among its warnings."""
        version = _scrubbed(version)
        try:
            return line.push(version)
        except HistoryError as err:
            version.warnings.append(str(err))
            return version

    def from_image(self, data: bytes, *, session: str, user: str = "", name: str = "",
                   family: str | None = "auto") -> PromptVersion:
        """An image's parameters as the new current version (kind `image`): refines go on from it."""
        with cpu_budget("from_image"):
            version = self.assistant.from_image(data, name=name, ctx=self.context(user), family=family)
            return self._record(self.line(session, user), version)

    def refine(self, current: PromptVersion, instruction: str = "", *, session: str, user: str = "",
               chip: str | None = None, family: str | None = "auto",
               on_delta: Callable[[str], None] | None = None, cancel: CancelToken | None = None) -> PromptVersion:
        return self.refine_takes(current, instruction, 1, session=session, user=user, chip=chip, family=family,
                                 on_delta=on_delta, cancel=cancel).versions[0]

    def refine_takes(self, current: PromptVersion, instruction: str = "", n: int = 1, *, session: str,
                     user: str = "", chip: str | None = None, family: str | None = "auto",
                     on_delta: Callable[[str], None] | None = None, cancel: CancelToken | None = None) -> Takes:
        """Refine what the user has now (hand edits included): it is recorded first if it differs. A typed
        instruction goes to the execution model (`n` takes); a chip is our exact edit. An instruction already met
        comes back as kind `unchanged` and adds nothing to the history."""
        with cpu_budget("refine"), _answer_errors(self.settings.execution.label):
            return self._refine(current, instruction, n, session=session, user=user, chip=chip, family=family,
                                on_delta=on_delta, cancel=cancel)

    def _refine(self, current: PromptVersion, instruction: str, n: int, *, session: str, user: str,
                chip: str | None, family: str | None, on_delta: Callable[[str], None] | None,
                cancel: CancelToken | None) -> Takes:
        line = self.line(session, user)
        try:
            last = line.current()
        except HistoryError:
            last = None
        extra = current.extra or (last.extra if last is not None else {})  # an image's seed, model... stay
        params = current.params or (last.params if last is not None else {})  # a front end with no settings fields
        if last is not None and (last.prompt, last.negative_prompt) == (current.prompt, current.negative_prompt):
            current = replace(current, id=last.id, family=current.family or last.family, extra=extra, params=params)
        else:  # typed or pasted by hand since the last version: keep it, so undo can come back to it
            current = self._record(line, replace(current, kind="edit", extra=extra, params=params))
        takes = self.assistant.refine_takes(current, instruction, n, chip=chip, ctx=self.context(user), family=family,
                                            on_delta=on_delta, cancel=cancel)
        if takes.versions[0].kind == "unchanged":  # nothing to record; scrubbed like every answer
            return replace(takes, versions=[_scrubbed(takes.versions[0])])
        return self._record_takes(line, takes)

    def restore(self, version_id: str, *, session: str, user: str = "") -> PromptVersion | None:
        """An earlier version of the user's (any session) as the new current one; None if there is none."""
        found = self.history.get(version_id.strip(), user)
        if found is None:
            return None
        restored = replace(found, id=uuid.uuid4().hex[:12], kind="restore", parent=found.id, created=time.time(),
                           warnings=list(found.warnings))
        return self.line(session, user).push(restored)

    def undo(self, *, session: str, user: str = "") -> PromptVersion | None:
        return self.line(session, user).undo()

    def redo(self, *, session: str, user: str = "") -> PromptVersion | None:
        return self.line(session, user).redo()

    def save_style(self, name: str, *, prompt: str | None = None, negative: str = "", template: bool = False,
                   subject: str = "", replace: bool = False, session: str, user: str = "") -> Saved:
        """The given fields (else the session's current version) as a WebUI style: the prompt whole or as a
        `{prompt}` template around the subject. A name that exists is refused unless `replace`; under `serve`
        another user's style is replaced only by an administrator (inside the WebUI, as its own style editor,
        by anyone). Who saved each style is recorded in the data folder."""
        if prompt is None:
            current = self.current(session=session, user=user)
            if current is None:
                raise ConfigError("prompt", hint="is empty: make a prompt first, or give one")
            prompt, negative = current.prompt, current.negative_prompt
        prompt = clean_input("prompt", prompt, MAX_PROMPT)
        negative = clean_input("negative_prompt", negative, MAX_PROMPT, required=False)
        saver = Saver(user, self.admins is None or self.may_administer(user),
                      Owners(self.settings.data_dir / OWNERS_FILE))
        return self._styles().save(make_style(name, prompt, negative, template=template, subject=subject),
                                   replace=replace, saver=saver)

    # -- reading ---------------------------------------------------------------------------

    def current(self, *, session: str, user: str = "") -> PromptVersion | None:
        return self.line(session, user).current()

    def versions(self, *, session: str, user: str = "") -> list[PromptVersion]:
        """This session's line, oldest first."""
        return self.line(session, user).versions()

    def search(self, text: str = "", *, user: str = "", limit: int = 50) -> list[PromptVersion]:
        """All of a user's versions, newest first; `text` matches the prompt or the description."""
        with cpu_budget("search"):
            return self.history.search(text, user=user, limit=limit)

    def export(self, *, user: str = "") -> str:
        return self.history.export(user=user)

    def change(self, version: PromptVersion, *, user: str = "") -> dict:
        """The word diff from a version's parent (empty for a first version)."""
        parent = self.history.get(version.parent, user) if version.parent else None
        return asdict(diff(parent.prompt, version.prompt)) if parent else {"added": [], "removed": []}

    def to_json(self, version: PromptVersion, *, user: str = "") -> dict:
        """A result as the CLI prints it and the API returns it: the version and its change."""
        return {**version.to_json(), "diff": self.change(version, user=user)}

    def takes_json(self, takes: Takes, *, user: str = "") -> dict:
        """Several takes as the CLI prints them and the API returns them: each take (its change from its parent
        and from the first take) and what the calls cost together."""
        first = takes.versions[0]
        return {"takes": [{**self.to_json(v, user=user), "from_first": asdict(diff(first.prompt, v.prompt))}
                          for v in takes.versions],
                "cost_usd": takes.cost_usd, "latency_s": takes.latency_s, "calls": takes.calls}
