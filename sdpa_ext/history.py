"""History of prompt versions: SQLite (standard library), undo/redo per session, word-level diffs.

Kept per user (the WebUI's login, or "" without logins), with a retention limit; searchable and
exportable as JSON. A damaged or locked database is reported and set aside: history then lives in
memory for this run, and no call ever fails because of it.
"""

from __future__ import annotations

import difflib
import json
import re
import sqlite3
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from .providers.types import Usage
from .secrets import get_logger
from .types import PromptVersion

_log = get_logger(__name__)
RETENTION = 2000  # versions kept per user
_SCHEMA = """
CREATE TABLE IF NOT EXISTS versions (
    id TEXT PRIMARY KEY, user TEXT NOT NULL, session TEXT NOT NULL, created REAL NOT NULL, data TEXT NOT NULL,
    prompt TEXT NOT NULL, source TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS versions_user ON versions(user, created);
CREATE TABLE IF NOT EXISTS stacks (
    session TEXT NOT NULL, position INTEGER NOT NULL, version_id TEXT NOT NULL, PRIMARY KEY (session, position));
CREATE TABLE IF NOT EXISTS cursors (session TEXT PRIMARY KEY, position INTEGER NOT NULL);
"""


@dataclass
class Diff:
    added: list[str]
    removed: list[str]


def _units(text: str) -> list[str]:
    """Tag prompts diff by comma-separated term; sentence prompts by word."""
    if text.count(",") >= 2:
        return [t.strip() for t in text.split(",") if t.strip()]
    return re.findall(r"\S+", text)


def diff(old: str, new: str) -> Diff:
    """Terms added and removed between two prompts."""
    a, b = _units(old), _units(new)
    added: list[str] = []
    removed: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op in ("replace", "delete"):
            removed += a[i1:i2]
        if op in ("replace", "insert"):
            added += b[j1:j2]
    moved = set(added) & set(removed)  # a term that only moved is neither
    return Diff([t for t in added if t not in moved], [t for t in removed if t not in moved])


def _to_row(version: PromptVersion) -> str:
    return json.dumps(asdict(version), ensure_ascii=False)


def _from_row(data: str) -> PromptVersion:
    raw = json.loads(data)
    raw["usage"] = Usage(**raw.get("usage") or {})
    known = PromptVersion.__dataclass_fields__
    return PromptVersion(**{k: v for k, v in raw.items() if k in known})


class History:
    """The store. Thread-safe; one connection per process."""

    def __init__(self, path: Path | str | None, retention: int = RETENTION):
        self.path = Path(path) if path else None
        self.retention = retention
        self.problem = ""  # set when the file could not be used (shown to the user)
        self._lock = threading.RLock()
        self._db = self._open()

    def _open(self) -> sqlite3.Connection:
        if self.path is not None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(self.path, timeout=2.0, check_same_thread=False)
                db.executescript(_SCHEMA)
                db.execute("SELECT count(*) FROM versions").fetchone()
                return db
            except sqlite3.DatabaseError as err:
                self._set_aside(err)
            except OSError as err:
                self.problem = f"history file {self.path} cannot be opened ({err}); history is kept in memory"
                _log.warning(self.problem)
        db = sqlite3.connect(":memory:", check_same_thread=False)
        db.executescript(_SCHEMA)
        return db

    def _set_aside(self, err: Exception) -> None:
        """A damaged or locked file: move a damaged one aside, keep going in memory."""
        assert self.path is not None
        if "locked" in str(err).lower():
            self.problem = f"history file {self.path} is locked by another program; history is kept in memory"
        else:
            aside = self.path.with_name(f"{self.path.name}.damaged-{int(time.time())}")
            try:
                self.path.replace(aside)
                self.problem = f"history file was damaged ({err}); moved to {aside.name}, starting a new one"
            except OSError:
                self.problem = f"history file {self.path} is damaged ({err}); history is kept in memory"
        _log.warning(self.problem)

    def _run(self, sql: str, args: tuple = ()) -> list[tuple]:
        with self._lock:
            try:
                with self._db:
                    return self._db.execute(sql, args).fetchall()
            except sqlite3.DatabaseError as err:
                if self.path is None:
                    raise
                self._set_aside(err)
                self.path = None
                self._db = self._open()
                with self._db:
                    return self._db.execute(sql, args).fetchall()

    # -- versions ----------------------------------------------------------------------------

    def add(self, version: PromptVersion, *, session: str, user: str = "") -> None:
        self._run("INSERT OR REPLACE INTO versions (id, user, session, created, data, prompt, source) "
                  "VALUES (?, ?, ?, ?, ?, ?, ?)",
                  (version.id, user, session, version.created, _to_row(version), version.prompt, version.source))
        self._run("DELETE FROM versions WHERE user = ? AND id NOT IN "
                  "(SELECT id FROM versions WHERE user = ? ORDER BY created DESC LIMIT ?)",
                  (user, user, self.retention))

    def get(self, version_id: str, user: str = "") -> PromptVersion | None:
        rows = self._run("SELECT data FROM versions WHERE id = ? AND user = ?", (version_id, user))
        return _from_row(rows[0][0]) if rows else None

    def search(self, text: str = "", *, user: str = "", limit: int = 50) -> list[PromptVersion]:
        """Newest first; `text` matches the prompt or the description/instruction."""
        pattern = f"%{text}%"
        rows = self._run("SELECT data FROM versions WHERE user = ? AND (prompt LIKE ? OR source LIKE ?) "
                         "ORDER BY created DESC LIMIT ?", (user, pattern, pattern, limit))
        return [_from_row(row[0]) for row in rows]

    def export(self, *, user: str = "") -> str:
        """Every version of a user as a JSON array, oldest first."""
        rows = self._run("SELECT data FROM versions WHERE user = ? ORDER BY created", (user,))
        return json.dumps([json.loads(row[0]) for row in rows], ensure_ascii=False, indent=2)

    # -- undo / redo -------------------------------------------------------------------------

    def session(self, session: str, user: str = "") -> Session:
        return Session(self, session, user)


class Session:
    """One user's line of versions in one browser tab or CLI run: push, undo, redo."""

    def __init__(self, store: History, session: str, user: str = ""):
        self.store = store
        self.id = session
        self.user = user

    def _cursor(self) -> int:
        rows = self.store._run("SELECT position FROM cursors WHERE session = ?", (self.id,))
        return rows[0][0] if rows else -1

    def _set_cursor(self, position: int) -> None:
        self.store._run("INSERT OR REPLACE INTO cursors (session, position) VALUES (?, ?)", (self.id, position))

    def _at(self, position: int) -> PromptVersion | None:
        rows = self.store._run("SELECT version_id FROM stacks WHERE session = ? AND position = ?", (self.id, position))
        return self.store.get(rows[0][0], self.user) if rows else None

    def push(self, version: PromptVersion) -> PromptVersion:
        """Record a new current version; anything that was undone is no longer redoable."""
        position = self._cursor() + 1
        self.store.add(version, session=self.id, user=self.user)
        self.store._run("DELETE FROM stacks WHERE session = ? AND position >= ?", (self.id, position))
        self.store._run("INSERT INTO stacks (session, position, version_id) VALUES (?, ?, ?)",
                        (self.id, position, version.id))
        self._set_cursor(position)
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

    def can_redo(self) -> bool:
        return self._at(self._cursor() + 1) is not None

    def versions(self) -> list[PromptVersion]:
        rows = self.store._run("SELECT version_id FROM stacks WHERE session = ? ORDER BY position", (self.id,))
        found = [self.store.get(row[0], self.user) for row in rows]
        return [v for v in found if v is not None]
