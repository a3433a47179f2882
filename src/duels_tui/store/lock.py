"""One `duels` at a time on a session: a lock file per session beside the database.

A second `duels` resuming the session a first one has open would mark the first one's live
answers as cut (`Workshop.resume`) and interleave its writes with them. The lock is the
operating system's own (`fcntl.flock`, `msvcrt.locking` on Windows) on a small file that also
says who holds it (pid, since when): the system drops it when its process ends, however it ends
(kill -9, a power cut), so a lock left by a crash is never mistaken for a live one.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from pathlib import Path
from typing import NamedTuple

from duels_tui.os_errors import said
from duels_tui.store.db import StoreError, now_iso


class Holder(NamedTuple):
    """Who holds a session's lock, as its file says (pid 0 and "" when unreadable)."""

    pid: int
    since: str


class SessionBusy(RuntimeError):
    """The session is open in another process."""

    def __init__(self, session_id: int, holder: Holder) -> None:
        super().__init__(f"la session n°{session_id} est ouverte dans un autre duels (processus {holder.pid})")
        self.session_id = session_id
        self.holder = holder


def lock_path(db_path: Path, session_id: int) -> Path:
    return db_path.with_name(f"{db_path.name}.session-{session_id}.lock")


def _try_lock(fd: int) -> bool:
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _holder(path: Path) -> Holder:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Holder(int(data["pid"]), str(data["since"]))
    except (OSError, ValueError, KeyError, TypeError):
        return Holder(0, "")


class SessionLock:
    """Held while this process has the session open; `release()` (or the process's end) lets
    another open it. `acquire` raises SessionBusy when another process holds it."""

    def __init__(self, path: Path, fd: int) -> None:
        self.path = path
        self._fd: int | None = fd

    @classmethod
    def acquire(cls, db_path: Path | None, session_id: int) -> SessionLock | None:
        """None for a database in memory (no other process can see it)."""
        if db_path is None:
            return None
        path = lock_path(db_path, session_id)
        while True:
            try:
                fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)  # not inherited by children (PEP 446)
            except OSError as exc:
                raise StoreError(
                    f"impossible de réserver la session n°{session_id} ({path} : {said(exc)})"
                ) from None
            if not _try_lock(fd):
                os.close(fd)
                raise SessionBusy(session_id, _holder(path))
            # The holder before us may have removed the file between our open and our lock:
            # then we hold a lock on a file nobody else can find; take the one at the path.
            try:
                same = os.fstat(fd).st_ino == os.stat(path).st_ino
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)
        os.ftruncate(fd, 0)
        os.write(fd, json.dumps({"pid": os.getpid(), "since": now_iso()}).encode())
        return cls(path, fd)

    def release(self) -> None:
        if self._fd is None:
            return
        with contextlib.suppress(OSError):
            self.path.unlink()  # before the lock goes: nobody takes a lock on a file going away
        os.close(self._fd)  # closing drops the lock
        self._fd = None

    def __enter__(self) -> SessionLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

