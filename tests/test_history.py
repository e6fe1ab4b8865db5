"""History: SQLite store, undo/redo per session, diffs, retention, search, export, damage."""

from __future__ import annotations

import json
import sqlite3
import threading

from sdpa_ext.history import History, diff
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
    assert session.redo() is None and not session.can_redo()
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


def test_a_locked_file_is_reported_not_fatal(tmp_path):
    path = tmp_path / "h.db"
    History(path).session("s").push(v("cabin"))
    locker = sqlite3.connect(path)
    locker.execute("BEGIN EXCLUSIVE")
    try:
        store = History(path)
        assert "locked" in store.problem
        store.session("s").push(v("castle"))  # kept in memory for this run
        assert store.session("s").current().prompt == "castle"
    finally:
        locker.rollback()
        locker.close()


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
