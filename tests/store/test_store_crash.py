"""A real crash: a process streaming a duel is killed with SIGKILL; nothing it committed is lost,
the cut answer is INTERRUPTED and can be re-run, and the session resumes on the right step."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from duels_tui.arena.state import AnswerStatus, Step
from duels_tui.arena.testing import answer_events, demo_catalog
from duels_tui.arena.workshop import Workshop
from duels_tui.store import Store

CHILD = Path(__file__).with_name("crash_child.py")


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL needs a POSIX system")
def test_kill_9_mid_stream_loses_nothing_committed(tmp_path):
    path = tmp_path / "duels.sqlite3"
    child = subprocess.Popen(
        [sys.executable, str(CHILD), str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    deadline = time.monotonic() + 30
    reported = 0
    session_id = None
    try:
        for line in child.stdout:
            if line.startswith("ready"):
                session_id = int(line.split()[1])
                continue
            reported = int(line)
            if reported >= 150 or time.monotonic() > deadline:
                break
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
    assert child.returncode == -signal.SIGKILL, child.stderr.read()
    assert session_id is not None and reported >= 150

    store = Store.open(path)
    workshop = Workshop.resume(store, demo_catalog())
    assert workshop is not None and workshop.session_id == session_id
    assert (workshop.step, workshop.current) == (Step.STREAMING, 0)

    cut = workshop.answer(0, "A")
    assert cut.status is AnswerStatus.INTERRUPTED and cut.retryable
    assert cut.reasoning == "Je réfléchis. "
    numbers = [int(n) for n in re.findall(r"t(\d+) ", cut.text)]
    # every delta reported as committed is there, in order, and nothing else
    assert numbers == list(range(len(numbers)))
    assert len(numbers) >= reported
    assert cut.text == "".join(f"t{n} " for n in numbers)

    finished = workshop.answer(0, "B")
    assert finished.status is AnswerStatus.DONE and finished.text == "B a terminé sa réponse."

    workshop.retry(0, "A")
    for event in answer_events("Réponse complète."):
        workshop.apply(0, "A", event)
    workshop.advance()
    assert workshop.step is Step.VOTE
    store.close()
    again = Workshop.resume(Store.open(path), demo_catalog())
    assert again.step is Step.VOTE
    assert again.answer(0, "A").text == "Réponse complète."
    assert again.answer(0, "A").attempt == 2
