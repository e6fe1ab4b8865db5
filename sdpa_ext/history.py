"""History of prompt versions: SQLite (standard library), undo/redo per (user, session), word-level diffs.

Kept per user (the WebUI's login, or "" without logins), with a retention limit that never leaves an undo
stack pointing at a version it deleted; searchable and
exportable as JSON. The file is owner-only (0600) in an owner-only folder (0700). A lock held by another
program is waited for (busy timeout, then retries) and, if it outlasts them, that one change fails with a
clear error: history never switches to memory for a transient problem. A full disk is an error that keeps
the file; only a damaged file is moved aside (`.damaged-<time>`) for a new one. History lives in memory
only when the folder cannot be used at all.
"""

from __future__ import annotations

import contextlib
import difflib
import json
import sqlite3
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .budget import charge
from .craft.prompt import Prompt
from .errors import ConfigError, SdpaError
from .providers.types import Usage
from .secrets import clean, get_logger, private_dir, private_file
from .types import TEXT_FIELDS, PromptVersion, finite

_log = get_logger(__name__)
RETENTION = 2000  # versions kept per user
BUSY_S = 10.0  # how long one statement waits for another program's lock
RETRIES = 3  # tries of a statement that still found the file busy
MAX_SEARCH = 200  # characters of a search text
PAGE = 100  # versions read by one statement of a search
SEARCH_S = 3.0  # a search stops after this long (2,000 versions of 10,000 characters take a tenth of that)
_SCHEMA = """
CREATE TABLE IF NOT EXISTS versions (
    id TEXT PRIMARY KEY, user TEXT NOT NULL, session TEXT NOT NULL, created REAL NOT NULL, data TEXT NOT NULL,
    prompt TEXT NOT NULL, source TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS versions_user ON versions(user, created);
CREATE TABLE IF NOT EXISTS stacks (
    user TEXT NOT NULL, session TEXT NOT NULL, position INTEGER NOT NULL, version_id TEXT NOT NULL,
    PRIMARY KEY (user, session, position));
CREATE TABLE IF NOT EXISTS cursors (
    user TEXT NOT NULL, session TEXT NOT NULL, position INTEGER NOT NULL, PRIMARY KEY (user, session));
"""
# Stacks and cursors of an older file were keyed by session alone: each row takes the user of its version.
_MIGRATE = """
ALTER TABLE stacks RENAME TO stacks_by_session;
ALTER TABLE cursors RENAME TO cursors_by_session;
CREATE TABLE stacks (
    user TEXT NOT NULL, session TEXT NOT NULL, position INTEGER NOT NULL, version_id TEXT NOT NULL,
    PRIMARY KEY (user, session, position));
CREATE TABLE cursors (
    user TEXT NOT NULL, session TEXT NOT NULL, position INTEGER NOT NULL, PRIMARY KEY (user, session));
INSERT OR IGNORE INTO stacks SELECT v.user, s.session, s.position, s.version_id
    FROM stacks_by_session s JOIN versions v ON v.id = s.version_id;
INSERT OR IGNORE INTO cursors SELECT DISTINCT s.user, c.session, c.position
    FROM cursors_by_session c JOIN stacks s ON s.session = c.session;
DROP TABLE stacks_by_session;
DROP TABLE cursors_by_session;
"""
# Retention's clean-up: stack rows whose version is gone, the cursors of emptied stacks, and cursors left on a
# removed row moved to the oldest row their stack still has.
_PRUNE = (
    "DELETE FROM stacks WHERE user = ? AND version_id NOT IN (SELECT id FROM versions WHERE user = ?)",
    "DELETE FROM cursors WHERE user = ? AND NOT EXISTS (SELECT 1 FROM stacks s WHERE s.user = cursors.user AND "
    "s.session = cursors.session)",
    "UPDATE cursors SET position = (SELECT min(position) FROM stacks s WHERE s.user = cursors.user AND "
    "s.session = cursors.session) WHERE user = ? AND NOT EXISTS (SELECT 1 FROM stacks s WHERE s.user = cursors.user "
    "AND s.session = cursors.session AND s.position = cursors.position)",
)


class HistoryError(SdpaError):
    """History could not be read or written this time (busy, disk full): the message says what to do."""


@dataclass
class Diff:
    added: list[str]
    removed: list[str]


def diff(old: str, new: str) -> Diff:
    """Terms added and removed between two prompts."""
    a, b = Prompt.parse(old).units(), Prompt.parse(new).units()
    added: list[str] = []
    removed: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op in ("replace", "delete"):
            removed += a[i1:i2]
        if op in ("replace", "insert"):
            added += b[j1:j2]
    moved = set(added) & set(removed)  # a term that only moved is neither
    return Diff([t for t in added if t not in moved], [t for t in removed if t not in moved])


def _load(data: str) -> Any:
    """A stored row; NaN or Infinity written by an older version read as null."""
    return json.loads(data, parse_constant=lambda _name: None)


def _to_row(version: PromptVersion) -> str:
    return json.dumps(finite(asdict(version)), ensure_ascii=False, allow_nan=False)


def _cleaned(raw: dict) -> dict:
    """A stored version with its text fields scrubbed (a row kept before keys were scrubbed from every answer)."""
    return {**raw, **{name: clean(raw[name]) for name in TEXT_FIELDS if name in raw}}


def _from_row(data: str) -> PromptVersion:
    raw = _cleaned(_load(data))
    raw["usage"] = Usage(**raw.get("usage") or {})
    known = PromptVersion.__dataclass_fields__
    return PromptVersion(**{k: v for k, v in raw.items() if k in known})


def _kind(err: sqlite3.Error) -> str:
    """busy (another program holds a lock), full (disk or quota), damaged (not a database), or other."""
    text = str(err).lower()
    if "locked" in text or "busy" in text:
        return "busy"
    if "full" in text:
        return "full"
    if "malformed" in text or "not a database" in text or "encrypted" in text:
        return "damaged"
    return "other"


class History:
    """The store. Thread-safe; one connection per process."""

    def __init__(self, path: Path | str | None, retention: int = RETENTION, busy_s: float = BUSY_S):
        self.path = Path(path) if path else None
        self.retention = retention
        self.busy_s = busy_s
        self.problem = ""  # the last problem with the file (shown to the user); "" once it works again
        self._lock = threading.RLock()
        self._ready = False  # the schema is in place
        self._transient = False  # `problem` is a busy or full file, cleared when a statement works again
        self._db = self._open()
        with contextlib.suppress(HistoryError):  # busy or full: in `problem`, tried again by the next statement
            self._run("SELECT count(*) FROM versions")  # a damaged file is set aside now, not at first use

    def _open(self) -> sqlite3.Connection:
        self._ready = False
        if self.path is not None:
            try:
                private_dir(self.path.parent)
                private_file(self.path)
                return sqlite3.connect(self.path, timeout=self.busy_s, check_same_thread=False)
            except (OSError, sqlite3.Error) as err:
                reason = getattr(err, "strerror", None) or str(err).replace(str(self.path.parent), "…")
                self.problem = f"the history file cannot be used ({reason}); history is kept in memory"
                _log.warning("%s: %s", self.problem, self.path)
                self.path = None
        return sqlite3.connect(":memory:", check_same_thread=False)

    def _set_aside(self, err: Exception) -> None:
        """A damaged file: move it aside and start a new one."""
        assert self.path is not None
        aside = self.path.with_name(f"{self.path.name}.damaged-{int(time.time())}")
        self._db.close()
        try:
            self.path.replace(aside)
            self.problem = f"history file was damaged ({err}); moved to {aside.name}, starting a new one"
        except OSError:
            self.problem = f"history file {self.path.name} is damaged ({err}); history is kept in memory"
            self.path = None
        _log.warning("%s (in %s)", self.problem, aside.parent)
        self._db = self._open()

    def _failure(self, err: sqlite3.Error, kind: str) -> HistoryError:
        name = self.path.name if self.path else "history"  # never the folder: clients see this message
        if kind == "busy":
            message = (f"history file {name} is locked by another program (waited {self.busy_s:g} s); "
                       "this change was not saved: try again")
        elif kind == "full":
            message = f"the disk holding {name} is full: history was not saved (free some space); file kept"
        else:
            message = f"history file {name}: {err}"
        self.problem, self._transient = message, kind in ("busy", "full")
        _log.warning("%s (%s)", message, self.path)
        return HistoryError(message)

    def _prepare(self) -> None:
        """The schema, an older file's stacks and cursors moved to their (user, session) keys."""
        columns = [row[1] for row in self._db.execute("PRAGMA table_info(stacks)")]
        if columns and "user" not in columns:
            self._db.executescript(_MIGRATE)
        self._db.executescript(_SCHEMA)
        self._ready = True

    def _run(self, sql: str, args: tuple = ()) -> list[tuple]:
        with self._lock:
            set_aside = False
            for attempt in range(RETRIES):
                try:
                    if not self._ready:
                        self._prepare()
                    with self._db:
                        rows = self._db.execute(sql, args).fetchall()
                    if self._transient:
                        self.problem, self._transient = "", False
                    return rows
                except sqlite3.DatabaseError as err:
                    kind = _kind(err)
                    if kind == "damaged" and self.path is not None and not set_aside:
                        set_aside = True
                        self._set_aside(err)
                        continue
                    if kind == "busy" and attempt < RETRIES - 1:
                        time.sleep(0.1 * (attempt + 1))
                        continue
                    raise self._failure(err, kind) from err
            raise HistoryError(self.problem or "history is unavailable")

    # -- versions ----------------------------------------------------------------------------

    def add(self, version: PromptVersion, *, session: str, user: str = "") -> None:
        self._run("INSERT OR REPLACE INTO versions (id, user, session, created, data, prompt, source) "
                  "VALUES (?, ?, ?, ?, ?, ?, ?)",
                  (version.id, user, session, version.created, _to_row(version), version.prompt, version.source))
        self._run("DELETE FROM versions WHERE user = ? AND id NOT IN "
                  "(SELECT id FROM versions WHERE user = ? ORDER BY created DESC LIMIT ?)",
                  (user, user, self.retention))
        for statement in _PRUNE:
            self._run(statement, (user,) * statement.count("?"))

    def get(self, version_id: str, user: str = "") -> PromptVersion | None:
        rows = self._run("SELECT data FROM versions WHERE id = ? AND user = ?", (version_id, user))
        return _from_row(rows[0][0]) if rows else None

    def search(self, text: str = "", *, user: str = "", limit: int = 50) -> list[PromptVersion]:
        """Newest first; `text` (at most MAX_SEARCH characters, any case) is found in the prompt or the
        description/instruction. The versions are read a page at a time, each page one short statement, so
        other clients' reads and writes go on between pages; the text is matched outside the store's lock,
        in linear time; a search past SEARCH_S stops with an error."""
        if len(text) > MAX_SEARCH:
            raise ConfigError("search", hint=f"is {len(text):,} characters; the limit is {MAX_SEARCH}")
        if not text:
            rows = self._run("SELECT data FROM versions WHERE user = ? ORDER BY created DESC LIMIT ?",
                             (user, limit))
            return [_from_row(row[0]) for row in rows]
        needle, found, started = text.casefold(), [], time.monotonic()
        ids = [row[0] for row in self._run("SELECT id FROM versions WHERE user = ? ORDER BY created DESC", (user,))]
        for at in range(0, len(ids), PAGE):
            page = ids[at:at + PAGE]
            rows = dict((row[0], row[1:]) for row in self._run(
                f"SELECT id, prompt, source FROM versions WHERE id IN ({','.join('?' * len(page))})", tuple(page)))
            found += [i for i in page if i in rows and any(needle in field.casefold() for field in rows[i])]
            charge()
            if len(found) >= limit:
                break
            if time.monotonic() - started > SEARCH_S:
                raise HistoryError(f"the search took longer than {SEARCH_S:g} s and was stopped: use more words")
        return [v for v in (self.get(version_id, user) for version_id in found[:limit]) if v is not None]

    def export(self, *, user: str = "") -> str:
        """Every version of a user as a JSON array, oldest first."""
        rows = self._run("SELECT data FROM versions WHERE user = ? ORDER BY created", (user,))
        return json.dumps([_cleaned(_load(row[0])) for row in rows], ensure_ascii=False, indent=2)

    # -- undo / redo -------------------------------------------------------------------------

    def session(self, session: str, user: str = "") -> Session:
        return Session(self, session, user)


class Session:
    """One user's line of versions in one browser tab, API client or CLI: push, undo, redo. Keyed by
    (user, session), so two users who send the same session id still have a line each."""

    def __init__(self, store: History, session: str, user: str = ""):
        self.store = store
        self.id = session
        self.user = user

    def _cursor(self) -> int:
        rows = self.store._run("SELECT position FROM cursors WHERE user = ? AND session = ?", (self.user, self.id))
        return rows[0][0] if rows else -1

    def _set_cursor(self, position: int) -> None:
        self.store._run("INSERT OR REPLACE INTO cursors (user, session, position) VALUES (?, ?, ?)",
                        (self.user, self.id, position))

    def _at(self, position: int) -> PromptVersion | None:
        rows = self.store._run("SELECT version_id FROM stacks WHERE user = ? AND session = ? AND position = ?",
                               (self.user, self.id, position))
        return self.store.get(rows[0][0], self.user) if rows else None

    def push(self, version: PromptVersion) -> PromptVersion:
        """Record a new current version; anything that was undone is no longer redoable."""
        position = self._cursor() + 1
        self.store.add(version, session=self.id, user=self.user)
        self.store._run("DELETE FROM stacks WHERE user = ? AND session = ? AND position >= ?",
                        (self.user, self.id, position))
        self.store._run("INSERT INTO stacks (user, session, position, version_id) VALUES (?, ?, ?, ?)",
                        (self.user, self.id, position, version.id))
        self._set_cursor(position)
        return version

    def replace_current(self, version: PromptVersion) -> PromptVersion:
        """Put `version` where the current one is (a take picked in place of its sibling); nothing is undone."""
        position = self._cursor()
        if position < 0:
            return self.push(version)
        self.store.add(version, session=self.id, user=self.user)
        self.store._run("UPDATE stacks SET version_id = ? WHERE user = ? AND session = ? AND position = ?",
                        (version.id, self.user, self.id, position))
        return version

    def current(self) -> PromptVersion | None:
        return self._at(self._cursor())

    def undo(self) -> PromptVersion | None:
        """Step back; None (and no change) at the first version."""
        position = self._cursor()
        previous = self._at(position - 1) if position > 0 else None
        if previous is not None:
            self._set_cursor(position - 1)
        return previous

    def redo(self) -> PromptVersion | None:
        position = self._cursor()
        following = self._at(position + 1)
        if following is not None:
            self._set_cursor(position + 1)
        return following

    def versions(self) -> list[PromptVersion]:
        rows = self.store._run("SELECT version_id FROM stacks WHERE user = ? AND session = ? ORDER BY position",
                               (self.user, self.id))
        found = [self.store.get(row[0], self.user) for row in rows]
        return [v for v in found if v is not None]
