"""Crash suite: the programme's process is killed (SIGKILL) at random points, at least 20 times;
after each restart every vote and every token already committed is there, and the session
resumes where it stopped until the programme ends."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from duels_tui.arena.state import AnswerStatus, Step
from duels_tui.arena.testing import demo_catalog
from duels_tui.arena.workshop import Workshop
from duels_tui.store import Store

CHILD = Path(__file__).with_name("crash_programme_child.py")
KILLS = 20


def _run_child(path: Path, kill_after_s: float | None) -> list[str]:
    """Run the child until it ends or until `kill_after_s`; return the lines it printed (each
    printed after its change was committed)."""
    child = subprocess.Popen([sys.executable, str(CHILD), str(path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    if kill_after_s is None:
        out, err = child.communicate(timeout=120)
        assert child.returncode == 0, err
        return out.splitlines()
    time.sleep(kill_after_s)
    child.send_signal(signal.SIGKILL)
    out, _ = child.communicate(timeout=30)
    return out.splitlines()


def _check_restart(path: Path, lines: list[str], session: int | None, votes: dict[int, tuple[int, int]]) -> Workshop:
    """A restart after the kill: what the child reported committed must all be there."""
    store = Store.open(path)
    workshop = Workshop.resume(store, demo_catalog())
    assert workshop is not None, "the unfinished session must resume"
    if session is not None:
        assert workshop.session_id == session, "the same session resumes after each crash"
    committed: dict[tuple[int, str], int] = {}
    for line in lines:
        parts = line.split()
        if parts[0] == "commit":
            committed[(int(parts[1]), parts[2])] = int(parts[3])
        elif parts[0] == "vote":
            votes[int(parts[1])] = (int(parts[2]), int(parts[3]))
    for (i, side), chars in committed.items():
        duel = workshop.duels[i]
        answer = duel.turns[-1].answers[side]
        assert len(answer.text) >= chars, f"duel {i} {side}: {len(answer.text)} < {chars} committed"
        if answer.status is not AnswerStatus.DONE:
            assert answer.status is AnswerStatus.INTERRUPTED and answer.retryable
    for i, (a, b) in votes.items():
        vote = workshop.duels[i].vote
        assert vote is not None and (vote.a, vote.b) == (a, b), f"duel {i}: vote lost"
        assert workshop.duels[i].step in (Step.VOTE, Step.REVEAL)
    current = workshop.duels[workshop.current]
    # Killed after a vote and before the next duel began: it resumes on that vote, where it stopped
    # (a vote does not move the session on); never past a duel that has begun.
    later = workshop.duels[workshop.current + 1:]
    assert current.vote is None or workshop.step is Step.FINAL or not any(d.turns for d in later)
    store.close()
    return workshop


def _check_finished(path: Path, session: int | None) -> None:
    final = Workshop.resume(Store.open(path), demo_catalog(), session)
    answers = [a for d in final.duels for t in d.turns for a in t.answers.values()]
    assert all(d.vote is not None for d in final.duels)
    assert all(a.status is AnswerStatus.DONE and a.text.endswith("mot59") for a in answers)


@pytest.mark.e2e  # real processes killed: with the end-to-end runs (make e2e), not make test
def test_sigkill_at_random_points_loses_nothing(tmp_path):
    rng = random.Random(20261123)
    kills = programmes = 0
    while kills < KILLS:
        path = tmp_path / f"duels-{programmes}.sqlite3"
        votes: dict[int, tuple[int, int]] = {}
        session = None
        while kills < KILLS:
            lines = _run_child(path, kill_after_s=rng.uniform(0.3, 1.5))
            if lines and lines[-1] == "done":
                _check_finished(path, session)  # it ended before this kill: a new programme
                break
            kills += 1
            if not any(line.startswith("session") for line in lines):
                continue  # killed before it opened the session: nothing to check yet
            session = _check_restart(path, lines, session, votes).session_id
        programmes += 1
    # The last programme, interrupted 20 times in all, still plays to its end after a restart.
    lines = _run_child(path, kill_after_s=None)
    assert lines[-1] == "done"
    _check_finished(path, session)
