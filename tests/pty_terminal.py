"""The real `duels` in a pseudo-terminal, its screen read by a terminal emulator (pyte), keys
typed as a person types them: for tests that must kill the process (SIGKILL) and start it again
as a facilitator would."""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

import pyte

KEYS = {
    "enter": "\r",
    "tab": "\t",
    "escape": "\x1b",
    "left": "\x1b[D",
    "right": "\x1b[C",
    "up": "\x1b[A",
    "down": "\x1b[B",
    "f5": "\x1b[15~",
    "ctrl+q": "\x11",
}


def duels_command() -> list[str]:
    script = Path(sys.executable).parent / "duels"
    return [str(script)] if script.exists() else [sys.executable, "-m", "duels_tui"]


class Terminal:
    """`duels ARGS` in a terminal of `size` (columns, lines), started in `cwd` with `env`."""

    def __init__(self, args: list[str], *, cwd: Path, env: dict[str, str], size: tuple[int, int] = (120, 35)):
        columns, lines = size
        self.screen = pyte.Screen(columns, lines)
        self.stream = pyte.ByteStream(self.screen)
        self.raw = bytearray()  # everything the process wrote, escape sequences included
        self._lock = threading.Lock()
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
        self.master = master
        self.process = subprocess.Popen(
            [*duels_command(), *args],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            cwd=cwd,
            env={**env, "TERM": "xterm-256color", "COLUMNS": str(columns), "LINES": str(lines)},
            start_new_session=True,
        )
        os.close(slave)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                data = os.read(self.master, 65536)
            except OSError:
                return
            if not data:
                return
            with self._lock:
                self.raw += data
                self.stream.feed(data)

    def text(self) -> str:
        with self._lock:
            return "\n".join(line.rstrip() for line in self.screen.display)

    def output(self) -> str:
        """All that was written, as text (escape sequences left in)."""
        with self._lock:
            return self.raw.decode("utf-8", "replace")

    def wait_for(self, needle: str, timeout: float = 30.0, *, raw: bool = False) -> None:
        deadline = time.monotonic() + timeout
        while needle not in (self.output() if raw else self.text()):
            if time.monotonic() > deadline:
                raise AssertionError(f"« {needle} » never showed; screen:\n{self.text()}\n--- rc {self.process.poll()}")
            if self.process.poll() is not None and not raw:
                time.sleep(0.2)
                if needle in self.text():
                    return
                ended = self.process.returncode
                raise AssertionError(f"duels ended ({ended}) before « {needle} »:\n{self.output()[-3000:]}")
            time.sleep(0.05)

    def press(self, *keys: str, pause: float = 0.15) -> None:
        for key in keys:
            os.write(self.master, KEYS.get(key, key).encode())
            time.sleep(pause)

    def kill(self) -> None:
        """kill -9: no cleanup of any kind runs."""
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(10)
        self.close()

    def wait(self, timeout: float = 30.0) -> int:
        code = self.process.wait(timeout)
        self.close()
        return code

    def close(self) -> None:
        # The reader ends once the process's side of the terminal is closed (EIO). Only then
        # is the descriptor closed: its number, reused by the next terminal, must not be read
        # by this one's reader.
        self._reader.join(10)
        with contextlib.suppress(OSError):
            os.close(self.master)
