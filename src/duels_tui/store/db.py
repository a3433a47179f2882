"""The workshop's SQLite database: every change written and committed when it happens.

Why it is built this way:
- WAL journal with `synchronous=NORMAL`: a commit is an append to the WAL without an fsync, so
  one row per streamed delta stays cheap (see tests/store/test_store_cost.py). A killed process
  (kill -9, Ctrl-C, a crash) loses nothing committed; a power cut can lose the last commits
  since the previous checkpoint: `Store.open(durable=True)` uses `synchronous=FULL` for rooms
  where that matters more than speed.
- Autocommit (`isolation_level=None`): each single write is its own transaction; writes that
  must land together go through `transaction()`.
- The store speaks in plain values and rows; `arena.workshop` turns them into domain objects.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

from duels_tui.os_errors import said
from duels_tui.store import faults
from duels_tui.store.faults import StoreError
from duels_tui.store.schema import MIGRATIONS, SCHEMA_VERSION

DB_NAME = "duels.sqlite3"


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def _probe_write(conn: sqlite3.Connection, version: int) -> None:
    """Raise now if the database cannot be written (a read-only file, folder or disk): SQLite
    opens such a file without a word and refuses the first write, in the middle of a session.
    Rewriting the header's own value, then rolling back, changes nothing."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute(f"PRAGMA user_version = {int(version)}")
    finally:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")


def default_path() -> Path:
    from duels_tui.paths import user_data_dir

    return user_data_dir() / DB_NAME


class SessionSummary(NamedTuple):
    id: int
    created_at: str
    updated_at: str
    finished_at: str | None
    place: str
    programme_key: str
    programme_name: str
    step: str
    current: int
    duels: int


class _Unsaved(NamedTuple):
    change: Callable[[], object]
    what: str  # French, for the terminal when it could never be written ("" for a detail)


class Store:
    """One connection to the workshop database. Open with `Store.open()`; close when done (or
    use it as a context manager). Safe to call from the event loop and from worker threads:
    one lock serialises the writes.

    A session's writes go through `save`: when the database cannot take one now (a full disk,
    another program holding its lock, a file become read-only), the change is kept in memory, in
    order, and `retry_saves` writes it later; the workshop goes on from memory meanwhile. A
    session's changes are never lost to a storage fault while the process lives, and `unsaved`
    says what would be if it ended before the fault did."""

    # How long opening waits for another program's lock (migrations, the write probe).
    OPEN_WAIT_S = 5.0

    def __init__(self, conn: sqlite3.Connection, path: Path | None) -> None:
        self._conn = conn
        self._lock = threading.RLock()
        self.path = path
        self._unsaved: deque[_Unsaved] = deque()
        self.fault: str | None = None  # the storage fault keeping changes unsaved (faults.FAULT_KINDS)

    # -- opening ---------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path | str | None = None, *, durable: bool = False) -> Store:
        """Open (creating it and its folder if needed) and upgrade the schema.
        `path=None`: `paths.user_data_dir()/duels.sqlite3`; ":memory:" for throwaway tests.
        A database that is not duels', comes from a newer duels, is read-only, locked or on a
        full disk raises StoreError (French, naming the file, saying what to do) and is left as
        it was: nothing is written before it is known to be ours and writable."""
        if path is None:
            path = default_path()
        target: Path | None = None if str(path) == ":memory:" else Path(path)
        if target is not None:
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise faults.unusable(
                    target, f"son dossier ne peut pas être créé ({said(exc)})",
                    "lancez duels avec DUELS_DATA_DIR=<un dossier où écrire>"
                ) from None
        conn: sqlite3.Connection | None = None
        try:
            conn = sqlite3.connect(
                str(target) if target else ":memory:",
                isolation_level=None,
                check_same_thread=False,
                timeout=cls.OPEN_WAIT_S,
            )
            conn.row_factory = sqlite3.Row
            # Read before anything is written (switching to WAL writes the header).
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise faults.newer_schema(target, version, SCHEMA_VERSION)
            if version == 0 and conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
                raise faults.foreign(target)  # another program's database: never add our tables to it
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute(f"PRAGMA synchronous={'FULL' if durable else 'NORMAL'}")
            conn.execute("PRAGMA foreign_keys=ON")
            if target is not None:
                _probe_write(conn, version)
            store = cls(conn, target)
            store._migrate(version)
        except sqlite3.DatabaseError as exc:
            if conn is not None:
                conn.close()
            if faults.fault_kind(exc) is None:
                raise  # a bug (a migration's SQL), not the user's file
            raise faults.open_error(target, exc, cls.OPEN_WAIT_S) from None
        except StoreError:
            if conn is not None:
                conn.close()
            raise
        return store

    def _migrate(self, version: int) -> None:
        for number in range(version, SCHEMA_VERSION):
            with self.transaction():
                for statement in MIGRATIONS[number]:
                    self._conn.execute(statement)
                # user_version is part of the database header: it commits with the migration.
                self._conn.execute(f"PRAGMA user_version = {number + 1}")

    @property
    def schema_version(self) -> int:
        return self._conn.execute("PRAGMA user_version").fetchone()[0]

    def data_version(self) -> int:
        """Changes whenever another connection commits (SQLite's `PRAGMA data_version`): a
        reader learns cheaply that there is something new to read."""
        return self._rows("PRAGMA data_version")[0][0]

    def close(self, wait_s: float = 2.0) -> None:
        """Write what is still unsaved if the database now takes it (waiting up to `wait_s` for
        a lock), then close. What could not be written stays listed in `unsaved`."""
        with self._lock:
            if self._unsaved:
                with contextlib.suppress(sqlite3.Error):
                    self.set_wait(wait_s)
                    self.retry_saves()
            self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Several writes committed together (or not at all: a COMMIT refused by a full disk
        is rolled back too, so that the change can be tried again whole). One opened inside
        another joins it (a test writing a big session in one go, arena/testing.py)."""
        with self._lock:
            if self._conn.in_transaction:
                yield self._conn
                return
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
                self._conn.execute("COMMIT")
            except BaseException:
                if self._conn.in_transaction:
                    with contextlib.suppress(sqlite3.Error):
                        self._conn.execute("ROLLBACK")
                raise

    @contextmanager
    def faults_said(self) -> Iterator[None]:
        """Writes that cannot wait for the database (a new session, before any screen): a
        storage fault is a StoreError naming the file and what to do (the transaction rolled
        back: nothing was changed)."""
        try:
            yield
        except sqlite3.DatabaseError as exc:
            if faults.fault_kind(exc) is None:
                raise
            raise faults.open_error(self.path, exc, self.OPEN_WAIT_S) from None

    # -- writes that wait for the database when it cannot take them --------------------------

    def set_wait(self, seconds: float) -> None:
        """How long a write waits for another program's lock before it is a fault. The
        workshop's screens set a few milliseconds: a key is never kept waiting on a lock."""
        self._conn.execute(f"PRAGMA busy_timeout = {max(0, int(seconds * 1000))}")

    def save(self, change: Callable[[], object], what: str = "") -> bool:
        """Run `change` (one statement or one transaction of this store) now; True when it is
        written. When the database cannot take it (faults.FAULT_KINDS), or changes are already
        waiting (order is kept), it is kept for `retry_saves` and `fault` says why. `what`
        says it in French for the terminal, should it never be written (a vote, a prompt)."""
        with self._lock:
            if not self._unsaved:
                try:
                    change()
                    return True
                except sqlite3.DatabaseError as exc:
                    kind = faults.fault_kind(exc, self.path)
                    if kind is None:
                        raise
                    self.fault = kind
            self._unsaved.append(_Unsaved(change, what))
            return False

    def retry_saves(self) -> bool:
        """Write the kept changes, in order, until one is refused again; True when none is left."""
        with self._lock:
            while self._unsaved:
                try:
                    self._unsaved[0].change()
                except sqlite3.DatabaseError as exc:
                    kind = faults.fault_kind(exc, self.path)
                    if kind is None:
                        raise
                    self.fault = kind
                    return False
                self._unsaved.popleft()
            self.fault = None
            return True

    @property
    def unsaved(self) -> list[str]:
        """The changes kept in memory, as `save` was told them ("" for the details of a stream)."""
        with self._lock:
            return [u.what for u in self._unsaved]


    def _write(self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> int:
        """One statement, committed on return (autocommit); returns lastrowid."""
        with self._lock:
            return self._conn.execute(sql, params).lastrowid or 0

    def _rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    # -- sessions --------------------------------------------------------------------------

    def create_session(
        self,
        *,
        uid: str,
        place: str,
        programme_key: str,
        programme_name: str,
        programme_description: str,
        step: str,
        methodology: str,
        app_version: str,
        programme_ref: str | None = None,
        blind: bool = False,
    ) -> int:
        stamp = now_iso()
        return self._write(
            "INSERT INTO sessions (uid, created_at, updated_at, place, programme_key,"
            " programme_name, programme_description, step, methodology, app_version,"
            " programme_ref, blind) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                uid,
                stamp,
                stamp,
                place,
                programme_key,
                programme_name,
                programme_description,
                step,
                methodology,
                app_version,
                programme_ref or None,
                int(blind),
            ),
        )

    def set_blind(self, session_id: int) -> None:
        """From now on the session names no model before its duel's reveal."""
        self._write("UPDATE sessions SET blind = 1, updated_at = ? WHERE id = ?", (now_iso(), session_id))

    def set_position(self, session_id: int, step: str, current: int) -> None:
        stamp = now_iso()
        self._write(
            "UPDATE sessions SET step = ?, current = ?, updated_at = ?, finished_at = ? WHERE id = ?",
            (step, current, stamp, stamp if step == "done" else None, session_id),
        )

    def set_impact_settings(self, session_id: int, methodology: str, zone: str | None) -> None:
        self._write(
            "UPDATE sessions SET methodology = ?, zone = ?, updated_at = ? WHERE id = ?",
            (methodology, zone, now_iso(), session_id),
        )

    def save_final(self, session_id: int, weights: tuple[float, float], final_vote: dict[str, int] | None) -> None:
        self._write(
            "UPDATE sessions SET final_weights = ?, final_vote = ?, updated_at = ? WHERE id = ?",
            (
                json.dumps(list(weights)),
                json.dumps(final_vote) if final_vote else None,
                now_iso(),
                session_id,
            ),
        )

    def session(self, session_id: int) -> sqlite3.Row | None:
        rows = self._rows("SELECT * FROM sessions WHERE id = ?", (session_id,))
        return rows[0] if rows else None

    def sessions(self) -> list[SessionSummary]:
        """All sessions, the most recent first."""
        rows = self._rows(
            "SELECT s.*, (SELECT COUNT(*) FROM duels d WHERE d.session_id = s.id) AS n"
            " FROM sessions s ORDER BY s.updated_at DESC, s.id DESC"
        )
        return [
            SessionSummary(
                r["id"],
                r["created_at"],
                r["updated_at"],
                r["finished_at"],
                r["place"],
                r["programme_key"],
                r["programme_name"],
                r["step"],
                r["current"],
                r["n"],
            )
            for r in rows
        ]

    def last_unfinished_session(self, programme_ref: str | None = None, programme_key: str | None = None) -> int | None:
        """The unfinished session used last; with `programme_ref`, the last one of that programme
        (a session stored before refs existed matches on `programme_key`); with `programme_key`
        alone, the last one of that key."""
        where, params = "step != 'done'", ()
        if programme_ref is not None:
            where += " AND (programme_ref = ? OR (programme_ref IS NULL AND programme_key = ?))"
            params = (programme_ref, programme_key)
        elif programme_key is not None:
            where += " AND programme_key = ?"
            params = (programme_key,)
        rows = self._rows(f"SELECT id FROM sessions WHERE {where} ORDER BY updated_at DESC, id DESC LIMIT 1", params)
        return rows[0]["id"] if rows else None

    def touch(self, session_id: int) -> None:
        self._write("UPDATE sessions SET updated_at = ? WHERE id = ?", (now_iso(), session_id))

    # -- duels -----------------------------------------------------------------------------

    def add_duel(
        self,
        *,
        session_id: int,
        idx: int,
        title: str,
        model_a: str,
        model_b: str,
        card_a: dict[str, Any],
        card_b: dict[str, Any],
        listed_models: tuple[str, str],
        prompt: str,
        system_prompt: str | None,
        max_tokens: int | None,
        temperature: float | None,
        step: str,
    ) -> int:
        return self._write(
            "INSERT INTO duels (session_id, idx, title, model_a, model_b, card_a, card_b,"
            " listed_models, prompt, original_prompt, system_prompt, max_tokens, temperature,"
            " step) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                session_id,
                idx,
                title,
                model_a,
                model_b,
                json.dumps(card_a),
                json.dumps(card_b),
                json.dumps(list(listed_models)),
                prompt,
                prompt,
                system_prompt,
                max_tokens,
                temperature,
                step,
            ),
        )

    def set_duel_step(self, duel_id: int, step: str) -> None:
        self._write("UPDATE duels SET step = ? WHERE id = ?", (step, duel_id))

    def set_prompt(self, duel_id: int, prompt: str) -> None:
        self._write("UPDATE duels SET prompt = ? WHERE id = ?", (prompt, duel_id))

    def duels(self, session_id: int) -> list[sqlite3.Row]:
        return self._rows("SELECT * FROM duels WHERE session_id = ? ORDER BY idx", (session_id,))

    # -- turns and answers -----------------------------------------------------------------

    def add_turn(self, duel_id: int, idx: int, user_text: str, created_at: str | None = None) -> tuple[int, str]:
        stamp = created_at or now_iso()
        turn_id = self._write(
            "INSERT INTO turns (duel_id, idx, user_text, created_at) VALUES (?, ?, ?, ?)",
            (duel_id, idx, user_text, stamp),
        )
        return turn_id, stamp

    def turns(self, duel_id: int) -> list[sqlite3.Row]:
        return self._rows("SELECT * FROM turns WHERE duel_id = ? ORDER BY idx", (duel_id,))

    def add_answer(self, turn_id: int, side: str, model_id: str, started_at: str) -> int:
        return self._write(
            "INSERT INTO answers (turn_id, side, model_id, status, started_at) VALUES (?, ?, ?, 'streaming', ?)",
            (turn_id, side, model_id, started_at),
        )

    def answers(self, turn_id: int) -> list[sqlite3.Row]:
        """The turn's answers; a streaming or interrupted one gets its committed chunks folded
        into `text` and `reasoning`."""
        rows = self._rows("SELECT * FROM answers WHERE turn_id = ? ORDER BY side", (turn_id,))
        return [_folded(row, *self.chunk_text(row["id"])) for row in rows]

    def append_chunks(self, chunks: list[tuple[int, str, str]]) -> None:
        """Streamed deltas (answer id, kind, text), in order, committed together before returning
        (what the room saw survives a kill)."""
        with self.transaction() as conn:
            conn.executemany("INSERT INTO chunks (answer_id, kind, text) VALUES (?, ?, ?)", chunks)

    def chunk_text(self, answer_id: int) -> tuple[str, str]:
        text: list[str] = []
        reasoning: list[str] = []
        for row in self._rows("SELECT kind, text FROM chunks WHERE answer_id = ? ORDER BY id", (answer_id,)):
            (text if row["kind"] == "text" else reasoning).append(row["text"])
        return "".join(text), "".join(reasoning)

    def set_usage(
        self,
        answer_id: int,
        prompt_tokens: int | None,
        completion_tokens: int,
        reasoning_tokens: int | None,
        source: str,
    ) -> None:
        self._write(
            "UPDATE answers SET prompt_tokens = ?, completion_tokens = ?, reasoning_tokens = ?,"
            " usage_source = ? WHERE id = ?",
            (prompt_tokens, completion_tokens, reasoning_tokens, source, answer_id),
        )

    def set_load(self, answer_id: int, load_s: float) -> None:
        self._write("UPDATE answers SET load_s = ? WHERE id = ?", (load_s, answer_id))

    def finish_answer(
        self,
        answer_id: int,
        *,
        status: str,
        text: str,
        reasoning: str,
        names_itself: bool,
        timings: dict[str, float | str | None] | None = None,
        error: dict[str, Any] | None = None,
        finished_at: str | None = None,
    ) -> str:
        """The answer ended (done, error, cancelled, interrupted): its full text replaces its
        chunks in one transaction, so either the chunks or the folded text is there."""
        stamp = finished_at or now_iso()
        timings = timings or {}
        error = error or {}
        with self.transaction() as conn:
            conn.execute(
                "UPDATE answers SET status = ?, text = ?, reasoning = ?, names_itself = ?,"
                " ttft_s = COALESCE(?, ttft_s), generation_s = COALESCE(?, generation_s),"
                " total_s = COALESCE(?, total_s), tokens_per_s = COALESCE(?, tokens_per_s),"
                " finish_reason = COALESCE(?, finish_reason),"
                " error_kind = ?, error_message = ?, error_hint = ?, error_retryable = ?,"
                " error_key = ?, error_values = ?, finished_at = ? WHERE id = ?",
                (
                    status,
                    text,
                    reasoning,
                    int(names_itself),
                    timings.get("ttft_s"),
                    timings.get("generation_s"),
                    timings.get("total_s"),
                    timings.get("tokens_per_s"),
                    timings.get("finish_reason"),
                    error.get("kind"),
                    error.get("message"),
                    error.get("hint"),
                    None if not error else int(bool(error.get("retryable", True))),
                    error.get("key") or None,
                    json.dumps(error["values"]) if error.get("values") else None,
                    stamp,
                    answer_id,
                ),
            )
            conn.execute("DELETE FROM chunks WHERE answer_id = ?", (answer_id,))
        return stamp

    def reset_answer(self, answer_id: int, started_at: str, attempt: int | None = None) -> int:
        """A retry: the same row starts again from nothing, as attempt `attempt` (by default the
        next one); returns the attempt number."""
        with self.transaction() as conn:
            conn.execute("DELETE FROM chunks WHERE answer_id = ?", (answer_id,))
            conn.execute(
                "UPDATE answers SET status = 'streaming', attempt = COALESCE(?, attempt + 1), text = '',"
                " reasoning = '', prompt_tokens = NULL, completion_tokens = NULL,"
                " reasoning_tokens = NULL, usage_source = NULL, ttft_s = NULL,"
                " generation_s = NULL, total_s = NULL, tokens_per_s = NULL,"
                " finish_reason = NULL, load_s = NULL, error_kind = NULL, error_message = NULL,"
                " error_hint = NULL, error_retryable = NULL, error_key = NULL, error_values = NULL,"
                " names_itself = 0,"
                " started_at = ?, finished_at = NULL WHERE id = ?",
                (attempt, started_at, answer_id),
            )
            row = conn.execute("SELECT attempt FROM answers WHERE id = ?", (answer_id,)).fetchone()
        return int(row["attempt"])

    def streaming_answers(self, session_id: int) -> list[int]:
        rows = self._rows(
            "SELECT a.id FROM answers a JOIN turns t ON a.turn_id = t.id"
            " JOIN duels d ON t.duel_id = d.id WHERE d.session_id = ? AND a.status = 'streaming'",
            (session_id,),
        )
        return [r["id"] for r in rows]

    # -- votes -----------------------------------------------------------------------------

    def save_vote(
        self,
        duel_id: int,
        counts: tuple[int, int, int, int],
        quick: bool,
        qualifiers: dict[str, frozenset[str]],
        comments: dict[str, str],
        recorded_at: str | None = None,
    ) -> str:
        stamp = recorded_at or now_iso()
        with self.transaction() as conn:
            # A correction keeps the counts it replaces, with their time (a re-save of the same
            # counts, qualifiers edited only, is no correction).
            conn.execute(
                "INSERT INTO vote_history (duel_id, votes_a, votes_b, votes_tie, votes_none, quick,"
                " recorded_at, replaced_at) SELECT duel_id, votes_a, votes_b, votes_tie, votes_none, quick,"
                " recorded_at, ? FROM votes WHERE duel_id = ?"
                " AND (votes_a, votes_b, votes_tie, votes_none, quick) IS NOT (?, ?, ?, ?, ?)",
                (stamp, duel_id, *counts, int(quick)),
            )
            conn.execute(
                "INSERT OR REPLACE INTO votes (duel_id, votes_a, votes_b, votes_tie, votes_none,"
                " quick, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (duel_id, *counts, int(quick), stamp),
            )
            conn.execute("DELETE FROM qualifiers WHERE duel_id = ?", (duel_id,))
            conn.executemany(
                "INSERT INTO qualifiers (duel_id, side, qualifier) VALUES (?, ?, ?)",
                [(duel_id, side, q) for side, keys in qualifiers.items() for q in sorted(keys)],
            )
            conn.execute("DELETE FROM comments WHERE duel_id = ?", (duel_id,))
            conn.executemany(
                "INSERT INTO comments (duel_id, side, text) VALUES (?, ?, ?)",
                [(duel_id, side, text) for side, text in comments.items() if text.strip()],
            )
        return stamp

    def vote(self, duel_id: int) -> sqlite3.Row | None:
        rows = self._rows("SELECT * FROM votes WHERE duel_id = ?", (duel_id,))
        return rows[0] if rows else None

    def vote_history(self, duel_id: int) -> list[sqlite3.Row]:
        """The counts corrections replaced, oldest first."""
        return self._rows("SELECT * FROM vote_history WHERE duel_id = ? ORDER BY id", (duel_id,))

    def qualifiers(self, duel_id: int) -> dict[str, set[str]]:
        return _qualifiers(self._rows("SELECT side, qualifier FROM qualifiers WHERE duel_id = ?", (duel_id,)))

    def comments(self, duel_id: int) -> dict[str, str]:
        return _comments(self._rows("SELECT side, text FROM comments WHERE duel_id = ?", (duel_id,)))

    # -- a whole session at once -----------------------------------------------------------

    def session_contents(self, session_id: int) -> SessionContents:
        """What `turns`, `answers`, `vote`, `vote_history`, `qualifiers` and `comments` say of
        every duel of the session, in seven queries: one query each per duel took a second for
        a session of 3,000 duels, before its current duel could be shown."""

        def by_duel(table: str, order: str = "x.rowid") -> dict[int, list[sqlite3.Row]]:
            rows = self._rows(
                f"SELECT x.* FROM {table} x JOIN duels d ON d.id = x.duel_id WHERE d.session_id = ? ORDER BY {order}",
                (session_id,),
            )
            return _grouped(rows, "duel_id")

        answers_sql = (
            "FROM answers a JOIN turns t ON t.id = a.turn_id JOIN duels d ON d.id = t.duel_id WHERE d.session_id = ?"
        )
        chunks: dict[int, tuple[list[str], list[str]]] = {}
        for row in self._rows(
            f"SELECT c.answer_id, c.kind, c.text FROM chunks c WHERE c.answer_id IN (SELECT a.id {answers_sql})"
            " ORDER BY c.answer_id, c.id",
            (session_id,),
        ):
            text, reasoning = chunks.setdefault(row["answer_id"], ([], []))
            (text if row["kind"] == "text" else reasoning).append(row["text"])
        answers = [
            _folded(row, *("".join(part) for part in chunks.get(row["id"], ([], []))))
            for row in self._rows(f"SELECT a.* {answers_sql} ORDER BY a.turn_id, a.side", (session_id,))
        ]
        return SessionContents(
            turns=by_duel("turns", "x.duel_id, x.idx"),
            answers=_grouped(answers, "turn_id"),
            votes={duel_id: rows[0] for duel_id, rows in by_duel("votes").items()},
            vote_history=by_duel("vote_history", "x.duel_id, x.id"),
            qualifiers={duel_id: _qualifiers(rows) for duel_id, rows in by_duel("qualifiers").items()},
            comments={duel_id: _comments(rows) for duel_id, rows in by_duel("comments").items()},
        )


class SessionContents(NamedTuple):
    """A session's rows by duel id (`turns`, `votes`, `vote_history`, `qualifiers`,
    `comments`) and by turn id (`answers`, their chunks folded in as `Store.answers` does);
    a duel or a turn without any is absent."""

    turns: dict[int, list[sqlite3.Row]]
    answers: dict[int, list[dict[str, Any]]]
    votes: dict[int, sqlite3.Row]
    vote_history: dict[int, list[sqlite3.Row]]
    qualifiers: dict[int, dict[str, set[str]]]
    comments: dict[int, dict[str, str]]


def _grouped(rows: list[Any], key: str) -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = {}
    for row in rows:
        grouped.setdefault(row[key], []).append(row)
    return grouped


def _folded(row: sqlite3.Row, text: str, reasoning: str) -> dict[str, Any]:
    """An answer row with the chunks it committed while streaming appended to its texts."""
    record = dict(row)
    record["text"] += text
    record["reasoning"] += reasoning
    return record


def _qualifiers(rows: list[sqlite3.Row]) -> dict[str, set[str]]:
    result: dict[str, set[str]] = {"A": set(), "B": set()}
    for row in rows:
        result[row["side"]].add(row["qualifier"])
    return result


def _comments(rows: list[sqlite3.Row]) -> dict[str, str]:
    return {row["side"]: row["text"] for row in rows}
