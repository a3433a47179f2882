"""Each event is committed when it is applied (streamed text: once `commit_stream` runs, as the
duel screen does before each frame): another connection sees it at once."""

from __future__ import annotations

import sqlite3

from duels_tui.engine.events import Done, ReasoningDelta, TextDelta, Usage


def committed_text(path, answer_id):
    """What a separate reader (another process after a crash) finds on disk."""
    conn = sqlite3.connect(path)
    try:
        row = conn.execute("SELECT text, reasoning FROM answers WHERE id = ?", (answer_id,)).fetchone()
        chunks = conn.execute("SELECT kind, text FROM chunks WHERE answer_id = ? ORDER BY id", (answer_id,)).fetchall()
    finally:
        conn.close()
    text = row[0] + "".join(t for k, t in chunks if k == "text")
    reasoning = row[1] + "".join(t for k, t in chunks if k == "reasoning")
    return text, reasoning


def test_every_delta_is_on_disk_before_it_can_be_shown(workshop, store):
    workshop.advance()
    workshop.begin_turn(0)
    answer_id = workshop.answer(0, "A").answer_id
    expected = ""
    workshop.apply(0, "A", ReasoningDelta("réflexion"))
    for piece in ["Le ", "centre ", "de ", "données ", "chauffe."]:
        workshop.apply(0, "A", TextDelta(piece))
        expected += piece
        workshop.commit_stream()  # the duel screen, before the frame that shows it
        assert committed_text(store.path, answer_id) == (expected, "réflexion")
    workshop.apply(0, "A", Usage(5, 7, "server"))
    conn = sqlite3.connect(store.path)
    assert conn.execute(
        "SELECT completion_tokens, usage_source FROM answers WHERE id = ?", (answer_id,)
    ).fetchone() == (7, "server")
    workshop.apply(0, "A", Done(0.1, 1.0, 1.1, 7.0))
    assert conn.execute("SELECT status FROM answers WHERE id = ?", (answer_id,)).fetchone() == ("done",)
    conn.close()
    assert committed_text(store.path, answer_id) == (expected, "réflexion")


def test_turn_answers_and_vote_rows_exist_as_soon_as_created(workshop, store):
    workshop.advance()
    workshop.begin_turn(0)
    conn = sqlite3.connect(store.path)
    assert conn.execute("SELECT COUNT(*) FROM turns").fetchone()[0] == 1
    assert conn.execute("SELECT status FROM answers ORDER BY side").fetchall() == [
        ("streaming",),
        ("streaming",),
    ]
    conn.close()


def test_no_key_or_machine_path_is_stored(workshop, store, monkeypatch, tmp_path):
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-secret-123")
    workshop.advance()
    workshop.begin_turn(0)
    for side in "AB":
        workshop.apply(0, side, TextDelta("Bonjour"))
        workshop.apply(0, side, Done(0.1, 1.0, 1.1, 7.0))
    dump = "\n".join(sqlite3.connect(store.path).iterdump())
    assert "sk-ant-secret-123" not in dump
    assert "ANTHROPIC_API_KEY" not in dump  # even the variable's name stays in the catalog
    assert str(tmp_path) not in dump
    assert "11434" not in dump and "localhost" not in dump and "127.0.0.1" not in dump
