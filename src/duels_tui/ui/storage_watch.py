"""The interface's side of a storage fault (store/faults.py): the room is told, the screen never
waits, and quitting says what would be lost.

The workshop writes each change through `Store.save`: when the database cannot take it (another
program holds its lock, the disk is full, the file became read-only), the change stays in memory
and the workshop goes on. Here, on the app's timer:
- the first fault is said once in a notification (what is wrong, what to do), and the header
  keeps saying it ("⚠ non enregistré (3) : base verrouillée · Classique") while changes wait;
- the waiting changes are tried again every RETRY_S; when they are all written, a notification
  says so and the header is itself again;
- ctrl+q (or q) while changes wait tries once more, then asks for a second ctrl+q: the app then
  quits and the terminal lists what could not be written (cli/workshop.py).
Writes wait at most SCREEN_WAIT_S for a lock: a key is answered at once whatever holds the
database.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from duels_tui.ui.app import DuelsApp

SCREEN_WAIT_S = 0.05  # a write waits this long for another program's lock, then is kept for later
CHECK_S = 0.25  # how often the app looks at the store's state (attributes only, no query)
RETRY_S = 1.0  # how often waiting changes are tried again


class StorageWatch:
    def __init__(self, app: DuelsApp) -> None:
        self.app = app
        self.store = app.workshop.store
        self._shown: str | None = None  # the fault the header says, None when all is saved
        self._next_retry = 0.0
        self._quit_asked = False

    def start(self) -> None:
        self.store.set_wait(SCREEN_WAIT_S)
        self.app.set_interval(CHECK_S, self.check, name="stockage")

    def check(self) -> None:
        if self.store.unsaved and time.monotonic() >= self._next_retry:
            self._next_retry = time.monotonic() + RETRY_S
            self.store.retry_saves()
        self._show(self.store.fault if self.store.unsaved else None)

    def _show(self, fault: str | None) -> None:
        t = self.app.t
        waiting = len(self.store.unsaved)
        programme = self.app.workshop.programme.name
        if fault is None:
            if self._shown is not None:
                self.app.notify(t("storage.saved"), timeout=8)
                self.app.sub_title = programme
            self._shown = None
            return
        if self._shown is None:
            self.app.notify(t(f"storage.{fault}", path=self.store.path), severity="error", timeout=30, markup=False)
        self._shown = fault
        # First, so that an 80-column header still shows it.
        self.app.sub_title = f"{t('storage.header', n=waiting, why=t(f'storage.short.{fault}'))} · {programme}"

    def may_quit(self) -> bool:
        """True when nothing waits (written now if the database takes it) or a second ctrl+q
        confirms; else says what would be lost."""
        if not self.store.unsaved or self.store.retry_saves() or self._quit_asked:
            return True
        self._quit_asked = True
        t = self.app.t
        fault = self.store.fault or "io"
        self.app.notify(t("storage.quit", n=len(self.store.unsaved), why=t(f"storage.short.{fault}")),
                        severity="error", timeout=15, markup=False)
        return False
