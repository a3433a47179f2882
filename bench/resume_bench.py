"""Resuming a big session: CPU seconds from the stored session to its current duel on screen, and to
Home filled with every duel (issue 12: 3,000 duels took 108 s before Home drew one widget per duel
and the resume check built every reveal).

Each size runs in a child process (a fresh interpreter, as `duels --session N` is): reading the
session (Workshop.resume), the resume check (arena/resume_check.py), the app headless to the
current duel, then to Home. RESUME_BENCH_BEFORE=DIR (the `src` folder of another checkout with
the same database schema, e.g. `git worktree add /tmp/before COMMIT`) measures that code too, on
the same database, in the same run (`before_*`; it takes minutes at 3,000 duels with the old
Home). RESUME_BENCH_SIZES=300,3000 chooses the sizes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZES = (300, 3000)

_CHILD = r"""
import asyncio, json, sys, time
from duels_tui.arena.resume_check import why_unrenderable
from duels_tui.arena.testing import demo_catalog
from duels_tui.arena.workshop import Workshop
from duels_tui.store import Store
from duels_tui.ui.app import DuelsApp
from duels_tui.ui.screens.duel import DuelScreen
from duels_tui.ui.screens.home import HomeScreen
from textual.pilot import WaitForScreenTimeout

async def settle(pilot, screen):
    # The old Home (a widget per duel) kept Textual busy past Pilot's 30 s wait: keep waiting.
    while not isinstance(pilot.app.screen, screen):
        await asyncio.sleep(0.02)
    while True:
        try:
            return await pilot.pause()
        except WaitForScreenTimeout:
            pass

async def main():
    figures = {}
    began = time.process_time()
    store = Store.open(sys.argv[1])
    workshop = Workshop.resume(store, demo_catalog(), int(sys.argv[2]))
    figures["read_cpu_s"] = time.process_time() - began
    mark = time.process_time()
    assert why_unrenderable(workshop) is None
    figures["check_cpu_s"] = time.process_time() - mark
    app = DuelsApp(workshop, resumed=True, source_factory=lambda: None)
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot, DuelScreen)
        figures["to_current_duel_cpu_s"] = time.process_time() - began
        mark = time.process_time()
        app.open_home()
        await settle(pilot, HomeScreen)
        figures["home_cpu_s"] = time.process_time() - mark
    print(json.dumps(figures))

asyncio.run(main())
"""


def _measure(db: Path, session_id: int, src: str | None) -> dict[str, float]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TEXTUAL")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [src, str(ROOT), env.get("PYTHONPATH", "")]))
    env["DUELS_DATA_DIR"] = str(db.parent)
    done = subprocess.run([sys.executable, "-c", _CHILD, str(db), str(session_id)], capture_output=True,
                          text=True, env=env, timeout=1800, cwd=db.parent)
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-1500:])
    return {k: round(v, 2) for k, v in json.loads(done.stdout.strip().splitlines()[-1]).items()}


def run() -> dict:
    from duels_tui.arena.testing import big_session, demo_catalog
    from duels_tui.store import Store

    before = os.environ.get("RESUME_BENCH_BEFORE")
    sizes = [int(s) for s in os.environ.get("RESUME_BENCH_SIZES", ",".join(map(str, SIZES))).split(",") if s]
    out: dict[str, object] = {"target_to_current_duel_3000_cpu_s": 3.0}
    with tempfile.TemporaryDirectory(prefix="duels-resume-bench-") as tmp:
        for size in sizes:
            db = Path(tmp) / f"{size}" / "duels.sqlite3"
            db.parent.mkdir()
            with Store.open(db) as store:
                session_id = big_session(store, demo_catalog(), size)
            for prefix, src in (("before_", before), ("", None)) if before else (("", None),):
                for name, value in _measure(db, session_id, src).items():
                    out[f"{prefix}{size}_duels_{name}"] = value
    return out
