"""History: SQLite store, undo/redo per session, diffs, retention, search, export, damage, locks, a full
disk, file permissions."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from dataclasses import asdict

import pytest

from sdpa_ext.history import History, HistoryError, diff
from sdpa_ext.types import PromptVersion


def v(prompt: str, source: str = "") -> PromptVersion:
    return PromptVersion(prompt=prompt, negative_prompt="blurry", params={"steps": 20}, source=source)


def test_undo_redo_and_a_new_version_after_undo_drops_redo(tmp_path):
    session = History(tmp_path / "h.db").session("tab-1")
    first, second, third = session.push(v("cabin")), session.push(v("cabin, night")), session.push(v("cabin, moon"))
    assert session.current().id == third.id
    assert session.undo().id == second.id and session.undo().id == first.id
    assert session.undo() is None and session.current().id == first.id  # nothing before the first
    assert session.redo().id == second.id
    fourth = session.push(v("cabin, snow"))
    assert session.redo() is None and session.current().id == fourth.id
    assert [x.id for x in session.versions()] == [first.id, second.id, fourth.id]


def test_survives_a_restart_with_every_field(tmp_path):
    store = History(tmp_path / "h.db")
    original = store.session("s").push(v("cabin, <lora:x:0.5>", "a cabin"))
    reopened = History(tmp_path / "h.db").session("s").current()
    assert reopened == original


def test_sessions_and_users_do_not_cross(tmp_path):
    store = History(tmp_path / "h.db")
    store.session("a", user="alice").push(v("alice's cabin"))
    store.session("b", user="bob").push(v("bob's castle"))
    assert [x.prompt for x in store.search(user="alice")] == ["alice's cabin"]
    assert store.session("a", user="alice").current().prompt == "alice's cabin"
    assert store.session("b", user="alice").current() is None


def test_two_users_on_one_session_id_have_a_stack_each(tmp_path):
    store = History(tmp_path / "h.db")
    alice, bob = store.session("api", user="alice"), store.session("api", user="bob")
    first = alice.push(v("alice's cabin"))
    bob.push(v("bob's castle"))
    assert alice.current().id == first.id  # bob's push moved no cursor of hers
    bob.push(v("bob's tower"))
    assert bob.undo().prompt == "bob's castle" and alice.undo() is None
    assert [x.prompt for x in alice.versions()] == ["alice's cabin"]


def test_retention_never_leaves_a_stack_pointing_at_nothing(tmp_path):
    store = History(tmp_path / "h.db", retention=3)
    old = store.session("old")
    old.push(v("first"))
    old.push(v("second"))
    old.undo()  # the cursor rests on "first", about to be deleted
    line = store.session("new")
    for index in range(3):
        line.push(v(f"new {index}"))
    assert old.current() is None and old.versions() == []  # both of its versions went; nothing dangles
    assert [x.prompt for x in line.versions()] == ["new 0", "new 1", "new 2"]
    line.push(v("new 3"))  # "new 0" goes: undo stops at the oldest version kept
    assert line.undo().prompt == "new 2" and line.undo().prompt == "new 1" and line.undo() is None
    assert line.current().prompt == "new 1"
    rows = store._run("SELECT count(*) FROM stacks WHERE version_id NOT IN (SELECT id FROM versions)")
    assert rows == [(0,)]


def test_retention_moves_a_cursor_off_a_deleted_version(tmp_path):
    store = History(tmp_path / "h.db", retention=3)
    line = store.session("s")
    for index in range(3):
        line.push(v(f"p {index}"))
    line.undo()
    line.undo()  # on "p 0"
    store.session("other").push(v("elsewhere"))  # "p 0" goes
    assert line.current().prompt == "p 1"  # the oldest one kept, not nothing
    assert line.redo().prompt == "p 2"


def test_an_older_file_keeps_its_stacks_under_their_users(tmp_path):
    path = tmp_path / "h.db"
    db = sqlite3.connect(path)
    db.executescript(
        "CREATE TABLE versions (id TEXT PRIMARY KEY, user TEXT NOT NULL, session TEXT NOT NULL, created REAL NOT "
        "NULL, data TEXT NOT NULL, prompt TEXT NOT NULL, source TEXT NOT NULL);"
        "CREATE TABLE stacks (session TEXT NOT NULL, position INTEGER NOT NULL, version_id TEXT NOT NULL, "
        "PRIMARY KEY (session, position));"
        "CREATE TABLE cursors (session TEXT PRIMARY KEY, position INTEGER NOT NULL);")
    version = v("cabin")
    db.execute("INSERT INTO versions VALUES (?, 'alice', 'tab', ?, ?, 'cabin', '')",
               (version.id, version.created, json.dumps(asdict(version))))
    db.execute("INSERT INTO stacks VALUES ('tab', 0, ?)", (version.id,))
    db.execute("INSERT INTO cursors VALUES ('tab', 0)")
    db.commit()
    db.close()
    store = History(path)
    assert store.session("tab", user="alice").current().prompt == "cabin"
    assert store.session("tab", user="bob").current() is None


def test_search_export_and_retention(tmp_path):
    store = History(tmp_path / "h.db", retention=3)
    session = store.session("s")
    for index in range(5):
        session.push(v(f"prompt {index}", f"description {index}"))
    assert [x.prompt for x in store.search()] == ["prompt 4", "prompt 3", "prompt 2"]
    assert [x.prompt for x in store.search("description 3")] == ["prompt 3"]
    exported = json.loads(store.export())
    assert [e["prompt"] for e in exported] == ["prompt 2", "prompt 3", "prompt 4"]


def test_word_diff_by_term_and_by_word():
    change = diff("cabin, snow, bright sunlight, forest", "cabin, snow, moonlight, forest, stars")
    assert change.added == ["moonlight", "stars"] and change.removed == ["bright sunlight"]
    moved = diff("cabin, snow, forest", "forest, cabin, snow")
    assert moved.added == [] and moved.removed == []
    sentence = diff("A fox in the snow.", "A red fox in the deep snow.")
    assert sentence.added == ["red", "deep"] and sentence.removed == []


def test_a_damaged_file_is_set_aside_and_history_goes_on(tmp_path):
    path = tmp_path / "h.db"
    path.write_bytes(b"this is not a database" * 100)
    store = History(path)
    assert "damaged" in store.problem
    assert list(tmp_path.glob("h.db.damaged-*"))
    store.session("s").push(v("cabin"))
    assert store.session("s").current().prompt == "cabin"


def _hold_lock(path, seconds: float) -> threading.Thread:
    """Another program holds an exclusive lock on the file for `seconds` (from before this returns)."""
    held = threading.Event()

    def hold() -> None:
        locker = sqlite3.connect(path)
        locker.execute("BEGIN EXCLUSIVE")
        held.set()
        time.sleep(seconds)
        locker.rollback()
        locker.close()

    thread = threading.Thread(target=hold)
    thread.start()
    held.wait(5)
    return thread


def test_a_lock_held_for_a_while_is_waited_for_and_nothing_goes_to_memory(tmp_path):
    path = tmp_path / "h.db"
    History(path).session("s").push(v("cabin"))
    store = History(path, busy_s=3.0)
    thread = _hold_lock(path, 1.0)
    started = time.monotonic()
    store.session("s").push(v("castle"))  # waits for the lock, then writes to the file
    thread.join()
    assert time.monotonic() - started >= 0.8
    assert store.problem == "" and store.path == path
    assert History(path).session("s").current().prompt == "castle"  # on disk, not in memory


def test_a_lock_outlasting_the_wait_fails_that_change_only(tmp_path):
    path = tmp_path / "h.db"
    store = History(path, busy_s=0.2)
    store.session("s").push(v("cabin"))
    thread = _hold_lock(path, 1.5)
    try:
        with pytest.raises(HistoryError, match=r"locked by another program.*try again") as failed:
            store.session("s").push(v("castle"))
    finally:
        thread.join()
    assert str(tmp_path) not in str(failed.value) and str(tmp_path) not in store.problem  # clients see it
    store.session("s").push(v("lighthouse"))  # the lock is gone: the file is used again
    assert store.path == path and store.problem == ""
    assert [x.prompt for x in History(path).search()] == ["lighthouse", "cabin"]


def test_a_service_call_survives_a_busy_history(make_settings):
    """The answer comes back with the reason among its warnings; the next call is saved to the file."""
    from sdpa_ext.service import Service

    service = Service(make_settings())
    service.history.busy_s = 0.2
    service.history._db.execute("PRAGMA busy_timeout = 200")
    path = service.history.path
    service.history.session("s").push(v("cabin"))
    thread = _hold_lock(path, 1.5)
    try:
        version = Service._record(service.history.session("s"), v("castle"))
    finally:
        thread.join()
    assert version.prompt == "castle" and any("locked" in w for w in version.warnings)
    Service._record(service.history.session("s"), v("lighthouse"))
    assert [x.prompt for x in History(path).search()] == ["lighthouse", "cabin"]


def test_a_full_disk_is_a_clear_error_and_the_file_is_kept(tmp_path):
    path = tmp_path / "h.db"
    store = History(path)
    store.session("s").push(v("cabin"))
    pages = store._db.execute("PRAGMA page_count").fetchone()[0]
    store._db.execute(f"PRAGMA max_page_count = {pages}")  # SQLite answers SQLITE_FULL, as on a full disk
    with pytest.raises(HistoryError, match=r"disk .* is full"):
        store.session("s").push(v("castle, " + "x" * 50_000))
    assert path.exists() and not list(tmp_path.glob("h.db.damaged-*"))
    assert "full" in store.problem
    assert [x.prompt for x in History(path).search()] == ["cabin"]


def test_the_file_is_owner_only_in_an_owner_only_folder(tmp_path):
    folder = tmp_path / "data"
    History(folder / "history.sqlite3").session("s").push(v("cabin"))
    assert (folder / "history.sqlite3").stat().st_mode & 0o777 == 0o600
    assert folder.stat().st_mode & 0o777 == 0o700
    loose = tmp_path / "loose"
    loose.mkdir(mode=0o755)
    (loose / "h.db").touch(mode=0o644)
    History(loose / "h.db").session("s").push(v("cabin"))
    assert (loose / "h.db").stat().st_mode & 0o777 == 0o600 and loose.stat().st_mode & 0o777 == 0o700


def test_search_treats_like_wildcards_as_text(tmp_path):
    store = History(tmp_path / "h.db")
    session = store.session("s")
    for prompt in ("100% cotton", "cabin", "snake_case", "snakeXcase", "back\\slash"):
        session.push(v(prompt))
    assert [x.prompt for x in store.search("%")] == ["100% cotton"]
    assert [x.prompt for x in store.search("_")] == ["snake_case"]
    assert [x.prompt for x in store.search("e_c")] == ["snake_case"]
    assert [x.prompt for x in store.search("\\")] == ["back\\slash"]


def test_non_finite_numbers_are_stored_as_null(tmp_path):
    store = History(tmp_path / "h.db")
    version = store.session("s").push(PromptVersion(prompt="cabin", params={"steps": float("nan"),
                                                                              "cfg_scale": float("inf")}))
    assert store.get(version.id).params == {"steps": None, "cfg_scale": None}
    assert json.loads(store.export())[0]["params"] == {"steps": None, "cfg_scale": None}


def test_concurrent_sessions_are_safe(tmp_path):
    store = History(tmp_path / "h.db")

    def work(name: str) -> None:
        session = store.session(name)
        for index in range(20):
            session.push(v(f"{name} {index}"))

    threads = [threading.Thread(target=work, args=(f"s{i}",)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for i in range(8):
        assert store.session(f"s{i}").current().prompt == f"s{i} 19"
        assert len(store.session(f"s{i}").versions()) == 20


# -- issue 17: a search is bounded and holds nothing up ------------------------------------------------------


def test_a_search_text_has_a_limit_and_no_path_in_its_error(tmp_path):
    from sdpa_ext.errors import ConfigError

    store = History(tmp_path / "h.db")
    store.session("s").push(v("cabin"))
    with pytest.raises(ConfigError, match=r"search: is 50,000 characters; the limit is 200") as refused:
        store.search("a" * 50_000)
    assert str(tmp_path) not in str(refused.value)
    assert [x.prompt for x in store.search("CABIN")] == ["cabin"]  # any case


def test_a_search_does_not_hold_history_up_for_other_clients(tmp_path):
    """200 versions of 10,000 characters and the worst text for a naive match (before issue 17 one statement
    held the store for all of it: 19 s for a 5,000-character text, and every read and write waited)."""
    store = History(tmp_path / "h.db")
    line = store.session("planted")
    for index in range(200):
        line.push(PromptVersion(prompt="a" * 10_000, source="a" * 2_000, id=f"p{index}"))
    other = store.session("other", "bob")
    other.push(v("castle"))
    needle = "a" * 199 + "b"
    waits: list[float] = []
    searching = threading.Thread(target=lambda: [store.search(needle) for _ in range(3)])
    searching.start()
    while searching.is_alive():
        started = time.perf_counter()
        assert other.current().prompt == "castle"
        waits.append(time.perf_counter() - started)
    searching.join()
    assert max(waits) < 1.0, max(waits)
    started = time.perf_counter()
    assert store.search(needle) == []
    assert time.perf_counter() - started < 2.0
