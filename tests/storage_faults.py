"""A full file system for the storage-fault tests: a small tmpfs filled to the last byte (the
real thing), where this process may mount one (root); else the caller injects SQLite's own
SQLITE_FULL error."""

from __future__ import annotations

import contextlib
import os
import subprocess
from pathlib import Path


@contextlib.contextmanager
def full_disk(tmp_path: Path):
    """A 600 KB tmpfs (the real thing) when this process may mount one; yields the folder and a
    function that frees the space (None when the fault is injected instead)."""
    mount = tmp_path / "petit-disque"
    mount.mkdir()
    try:
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=600k", "tmpfs", str(mount)],
                       check=True, capture_output=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        yield mount, None
        return
    try:
        yield mount, lambda: (mount / "remplissage").unlink()
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True, timeout=10)


def fill(folder: Path) -> None:
    fd = os.open(folder / "remplissage", os.O_WRONLY | os.O_CREAT)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError:
        pass
    finally:
        os.close(fd)
