"""One process at a time on a session: the lock, who holds it, and a lock left by kill -9."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from duels_tui.store.lock import SessionBusy, SessionLock, lock_path


def test_a_second_holder_is_refused_and_told_who(tmp_path):
    db = tmp_path / "duels.sqlite3"
    with SessionLock.acquire(db, 3):
        with pytest.raises(SessionBusy) as refused:
            SessionLock.acquire(db, 3)
        assert refused.value.holder.pid == os.getpid() and refused.value.holder.since
        assert "session n°3" in str(refused.value)
        SessionLock.acquire(db, 4).release()  # another session is free
    assert not lock_path(db, 3).exists()
    SessionLock.acquire(db, 3).release()


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL needs a POSIX system")
def test_a_lock_left_by_a_killed_process_is_free(tmp_path):
    db = tmp_path / "duels.sqlite3"
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time; from pathlib import Path; from duels_tui.store.lock import SessionLock;"
         f"lock = SessionLock.acquire(Path({str(db)!r}), 1); print('held', flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    with pytest.raises(SessionBusy) as refused:
        SessionLock.acquire(db, 1)
    assert refused.value.holder.pid == holder.pid
    holder.send_signal(signal.SIGKILL)
    holder.wait(10)
    assert lock_path(db, 1).exists()  # nothing cleaned up after kill -9 ...
    deadline = time.monotonic() + 5
    lock = SessionLock.acquire(db, 1)  # ... and yet the session is free
    assert time.monotonic() < deadline
    lock.release()


def test_no_lock_for_a_database_in_memory():
    assert SessionLock.acquire(None, 1) is None
