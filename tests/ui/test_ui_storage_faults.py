"""Storage faults during a vote, through the real app driven by keys (issue 13, item 2): a database
locked by another process for 10 s, a full file system, a database become read-only. Each time the
screen answers the keys at once, says what is wrong, keeps the vote in memory, and the vote is in
the database (and the export) once the fault is gone; a fault that never goes away is said at
quitting, the vote in full.

The faults are real where this machine allows: another process's `BEGIN EXCLUSIVE`; a 600 KB
tmpfs filled to the last byte (mounting needs root; elsewhere the same SQLITE_FULL error is
injected at the connection); SQLite's own read-only switch on the app's connection (a file made
read-only under an open connection stays writable through it, even for root)."""

from __future__ import annotations

import contextlib
import io
import json
import random
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from textual.widgets._toast import Toast
from ui_helpers import quick_vote, screen_text, wait_until

from duels_tui.arena.testing import demo_catalog, demo_programme, stream_turn
from duels_tui.arena.workshop import Workshop
from duels_tui.cli.workshop import close_saying_unsaved
from duels_tui.outputs.export import export
from duels_tui.store import Store
from duels_tui.ui.app import DuelsApp
from duels_tui.ui.screens.lessons import LessonsScreen
from duels_tui.ui.screens.reveal import RevealScreen
from duels_tui.ui.screens.vote import VoteScreen
from storage_faults import fill, full_disk

pytestmark = pytest.mark.asyncio

LOCK_S = 10.0


def at_the_vote(path: Path) -> Workshop:
    """A session whose first duel is answered and waits for the room's vote."""
    store = Store.open(path)
    workshop = Workshop.start(demo_programme(1), demo_catalog(), store, place="Salle 2", rng=random.Random(4))
    workshop.advance()
    stream_turn(workshop, 0)
    workshop.advance()  # STREAMING -> VOTE
    return workshop


@contextlib.asynccontextmanager
async def vote_screen(workshop: Workshop):
    """The app on that session, resumed at its vote screen, notifications on as in real use."""
    app = DuelsApp(workshop, resumed=True, source_factory=lambda: None)
    async with app.run_test(size=(120, 35), notifications=True) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, VoteScreen), what="the vote screen")
        yield app, pilot


def stored_vote(path: Path) -> tuple[int, int] | None:
    """The vote as another program reads the database (never through the app's connection)."""
    with contextlib.closing(sqlite3.connect(path)) as conn:
        row = conn.execute("SELECT votes_a, votes_b FROM votes").fetchone()
    return tuple(row) if row else None


def exported(store: Store) -> dict:
    out = io.StringIO()
    export(store, "jsonl", out)
    (row,) = [json.loads(line) for line in out.getvalue().splitlines()]
    return row


def says(app, words: str) -> bool:
    """The screen shows `words`: on one of its lines (the header), or in a notification on it
    (whose lines are read whole: the screen's rows mix them with what lies under them)."""
    notes = " ".join(toast.render().plain for toast in app.screen.query(Toast))
    return words in screen_text(app) or words in notes


async def keys_answered_meanwhile(pilot, app, still_faulty) -> None:
    """F1 opens the lessons and Échap closes them while the fault lasts: the screen is not
    waiting on the database."""
    await pilot.press("f1")
    await wait_until(pilot, lambda: isinstance(app.screen, LessonsScreen), what="the lessons (F1)")
    await pilot.press("escape")
    await wait_until(pilot, lambda: isinstance(app.screen, RevealScreen), what="back to the reveal")
    assert still_faulty(), "the keys were answered only once the fault was over"


HOLDER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN EXCLUSIVE")
print("verrou", flush=True)
sys.stdin.readline()  # held until the test says so
conn.execute("COMMIT")
"""


async def test_vote_while_another_process_holds_the_lock(tmp_path):
    """Another process holds the database's lock for 10 s (twice what a write used to wait
    before crashing), and longer if this machine is slow to run the checks meanwhile."""
    path = tmp_path / "duels.sqlite3"
    workshop = at_the_vote(path)
    async with vote_screen(workshop) as (app, pilot):
        # A write waits a few milliseconds for a lock, never seconds (ui/storage_watch.py).
        assert workshop.store._conn.execute("PRAGMA busy_timeout").fetchone()[0] <= 100
        holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(path)], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True)
        try:
            assert holder.stdout.readline().strip() == "verrou"
            locked_since = time.monotonic()
            await quick_vote(pilot, "a")  # one hand for A
            await wait_until(pilot, lambda: isinstance(app.screen, RevealScreen), what="the reveal")
            await wait_until(pilot, lambda: says(app, "verrouillée par un autre programme"), what="the note")
            assert says(app, "⚠ non enregistré (3) : base verrouillée")  # the header, while it lasts
            assert workshop.duels[0].vote is not None and stored_vote(path) is None  # in memory only
            await keys_answered_meanwhile(pilot, app, lambda: holder.poll() is None)
            await pilot.pause(max(0.0, LOCK_S - (time.monotonic() - locked_since)))
            assert stored_vote(path) is None and workshop.store.unsaved
            holder.communicate("fin\n", timeout=10)
        finally:
            holder.kill()
        await wait_until(pilot, lambda: not workshop.store.unsaved, what="the saves after the lock")
        assert stored_vote(path) == (1, 0)
        await wait_until(pilot, lambda: says(app, "Tout est enregistré"), what="the all-saved note")
        assert not says(app, "non enregistré")
    row = exported(workshop.store)
    assert row["voted"] is True and row["votes_a"] == 1 and row["session_place"] == "Salle 2"
    workshop.store.close()


class _FullConnection:
    """Stands for the app's sqlite3 connection where no tmpfs can be mounted: every write raises
    what SQLite raises on a full disk (SQLITE_FULL), reads go through."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self.full = True

    def execute(self, sql: str, *args):
        if self.full and not sql.lstrip().upper().startswith(("SELECT", "PRAGMA", "ROLLBACK")):
            error = sqlite3.OperationalError("database or disk is full")
            error.sqlite_errorcode = 13
            raise error
        return self._conn.execute(sql, *args)

    def __getattr__(self, name: str):
        return getattr(self._conn, name)


async def test_vote_on_a_full_disk(tmp_path):
    with full_disk(tmp_path) as (folder, free):
        path = folder / "duels.sqlite3"
        workshop = at_the_vote(path)
        injected = None
        if free is None:
            injected = workshop.store._conn = _FullConnection(workshop.store._conn)
            free = lambda: setattr(injected, "full", False)  # noqa: E731
        else:
            fill(folder)
        async with vote_screen(workshop) as (app, pilot):
            await quick_vote(pilot, "b")
            await wait_until(pilot, lambda: isinstance(app.screen, RevealScreen), what="the reveal")
            await wait_until(pilot, lambda: says(app, "Le disque est plein"), what="the note")
            assert says(app, "non enregistré (3) : disque plein")
            assert stored_vote(path) is None
            await keys_answered_meanwhile(pilot, app, lambda: bool(workshop.store.unsaved))
            free()
            await wait_until(pilot, lambda: not workshop.store.unsaved, timeout=5, what="the saves after freeing")
            assert stored_vote(path) == (0, 1)
        assert exported(workshop.store)["votes_b"] == 1
        if injected is not None:
            workshop.store._conn = injected._conn
        workshop.store.close()


async def test_vote_on_a_database_become_read_only(tmp_path, capsys):
    """Read-only for good: the vote is kept, quitting asks twice, the terminal gets the vote."""
    path = tmp_path / "duels.sqlite3"
    workshop = at_the_vote(path)
    async with vote_screen(workshop) as (app, pilot):
        workshop.store._conn.execute("PRAGMA query_only = ON")
        await quick_vote(pilot, "e")
        await wait_until(pilot, lambda: isinstance(app.screen, RevealScreen), what="the reveal")
        await wait_until(pilot, lambda: says(app, "est devenue en lecture seule"), what="the note")
        assert says(app, ": base en lecture seule")
        await keys_answered_meanwhile(pilot, app, lambda: bool(workshop.store.unsaved))
        await pilot.press("ctrl+q")
        await wait_until(pilot, lambda: says(app, "ctrl+q de nouveau pour quitter"), what="the quit warning")
        assert app.is_running
        await pilot.press("ctrl+q")
        await wait_until(pilot, lambda: not app.is_running, what="the app to quit")
    close_saying_unsaved(workshop.store)
    said = capsys.readouterr().err
    assert f"n'ont pas pu être enregistrés dans {path}" in said and "lecture seule" in said
    assert "Duel #1 : vote A 0, B 0, les deux se valent 1, aucun 0" in said
    assert stored_vote(path) is None


async def test_read_only_then_writable_again(tmp_path):
    path = tmp_path / "duels.sqlite3"
    workshop = at_the_vote(path)
    async with vote_screen(workshop) as (app, pilot):
        workshop.store._conn.execute("PRAGMA query_only = ON")
        await quick_vote(pilot, "n")
        await wait_until(pilot, lambda: says(app, "base en lecture seule"), what="the warning")
        workshop.store._conn.execute("PRAGMA query_only = OFF")
        await wait_until(pilot, lambda: not workshop.store.unsaved, timeout=5, what="the saves")
    with contextlib.closing(sqlite3.connect(path)) as conn:
        assert conn.execute("SELECT votes_none, quick FROM votes").fetchone() == (1, 1)
    workshop.store.close()
