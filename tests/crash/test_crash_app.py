"""The app itself killed (SIGKILL) while a facilitator plays the programme through its screens:
after each restart every committed word and vote is in the database, the app lands on the screen
of the step the session stood at, a cut duel's panes show what was committed, and the programme
then plays on to its end. (test_crash_programme.py does the same to the domain alone, 20 times
and faster; here fewer kills, each one of the real app's process.)"""

from __future__ import annotations

import os
import random
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from duels_tui.arena.state import Step
from duels_tui.arena.testing import demo_catalog
from duels_tui.arena.workshop import Workshop
from duels_tui.store import Store

CHILD = Path(__file__).with_name("crash_app_child.py")
KILLS = 4
SCREENS = {  # the step the session stood at -> the screen the app must reopen
    Step.HOME: "HomeScreen",
    Step.PROMPT: "DuelScreen",
    Step.STREAMING: "DuelScreen",
    Step.VOTE: "VoteScreen",
    Step.REVEAL: "RevealScreen",
    Step.FINAL: "FinalScreen",
}

pytestmark = [
    pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL needs a POSIX system"),
    pytest.mark.slow,  # five starts of the real app: about 15 s here
    pytest.mark.e2e,  # real processes killed: with the end-to-end runs (make e2e), not make test
]


def _child(path: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(CHILD), str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def _read_until_killed(child: subprocess.Popen[str], kill_after_s: float) -> list[str]:
    """The child's whole lines until `kill_after_s` after it landed (or until it ends by itself);
    a line the kill cut in the middle was not reported, so it is dropped."""
    assert child.stdout is not None
    fd = child.stdout.fileno()
    buffer, lines = b"", []
    deadline = None
    while True:
        ready, _, _ = select.select([fd], [], [], 0.005)
        data = os.read(fd, 65536) if ready else b""
        if ready and not data:  # the child ended
            child.wait(30)
            assert lines and lines[-1] == "done", child.stderr.read()[-3000:]
            return lines
        buffer += data
        *complete, buffer = buffer.split(b"\n")
        for raw in complete:
            line = raw.decode()
            lines.append(line)
            if line.startswith("landed"):
                deadline = time.monotonic() + kill_after_s
        if deadline is not None and time.monotonic() > deadline and lines[-1] != "done":
            child.send_signal(signal.SIGKILL)
            child.wait(30)
            return lines


def _stored(path: Path) -> Workshop:
    """The session as the database holds it, read without writing (the next start resumes it)."""
    with Store.open(path) as store:
        session = store.last_unfinished_session()
        assert session is not None, "the unfinished session must be there to resume"
        workshop = Workshop.load(store, demo_catalog(), session)
        assert workshop is not None
        return workshop


def _check(lines: list[str], stored: Workshop, votes: dict[int, tuple[int, ...]]) -> None:
    """Every commit and vote the child reported is in the database."""
    from crash_app_child import answer_text

    committed: dict[tuple[int, str], int] = {}
    for line in lines:
        kind, *values = line.split()
        if kind == "commit":
            committed[(int(values[0]), values[1])] = int(values[2])
        elif kind == "vote":
            votes[int(values[0])] = tuple(int(v) for v in values[1:])
    for (i, side), chars in committed.items():
        answer = stored.duels[i].turns[-1].answers[side]
        full = answer_text(stored.card(answer.model_id).route)
        assert len(answer.text) >= chars and full.startswith(answer.text), (i, side, chars, answer.text)
    for i, counts in votes.items():
        vote = stored.duels[i].vote
        assert vote is not None and (vote.a, vote.b, vote.tie, vote.none) == counts, f"duel {i}: vote lost"


def test_kill_the_app_at_random_points_and_resume(tmp_path):
    rng = random.Random(1123)
    path = tmp_path / "duels.sqlite3"
    votes: dict[int, tuple[int, ...]] = {}
    session = None
    kills = 0
    before: Workshop | None = None
    while True:
        lines = _read_until_killed(_child(path), rng.uniform(0.2, 1.0) if kills < KILLS else 120)
        landed = next(line.split() for line in lines if line.startswith("landed"))
        if before is not None:  # the restart reopened the step the session stood at
            assert landed[1] == SCREENS[before.step], (landed, before.step)
            if landed[1] != "HomeScreen":
                assert int(landed[2]) in (before.current, -1)
            if landed[1] == "DuelScreen" and before.duel.turns:
                panes = next(line.split() for line in lines if line.startswith("panes"))
                shown = [int(n) for n in panes[1:]]
                assert shown == [len(before.duel.turns[-1].answers[s].text) for s in "AB"]
        if lines[-1] == "done":
            break
        kills += 1
        before = _stored(path)
        assert session is None or before.session_id == session, "the same session resumes after each kill"
        session = before.session_id
        _check(lines, before, votes)
    assert kills == KILLS
    with Store.open(path) as store:
        final = Workshop.load(store, demo_catalog(), session)
        assert final is not None and final.step is Step.FINAL
        assert all(d.vote is not None for d in final.duels)
        assert all(a.text and a.status.value == "done" for d in final.duels for a in d.turns[-1].answers.values())
