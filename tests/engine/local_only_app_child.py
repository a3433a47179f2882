"""Child process for test_engine_routing.py: the real app (headless, Pilot) plays the first duel of
the classique programme, every model an ollama route of a scripted server, with the app's own
source (no source_factory), preload included; then prints one JSON line: whether litellm was
ever imported, and how each answer ended."""

from __future__ import annotations

import asyncio
import json
import random
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(TESTS), str(TESTS / "faults")]

from fault_helpers import classique_on, last, turn_over, wait_until  # noqa: E402

from duels_tui.arena.workshop import Workshop  # noqa: E402
from duels_tui.store import Store  # noqa: E402
from duels_tui.ui.app import DuelsApp  # noqa: E402
from scripted_server import ScriptedServer  # noqa: E402


async def main(store_path: str) -> dict:
    with ScriptedServer() as server, Store.open(Path(store_path)) as store:
        catalog, programme = classique_on(server)
        workshop = Workshop.start(programme, catalog, store, rng=random.Random(5))
        app = DuelsApp(workshop)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()  # the preload worker starts after the first frame
            preloaded = lambda: not [w for w in app.workers if w.group == "preload"]  # noqa: E731
            await wait_until(pilot, preloaded, what="the engine's preload")
            app.open_duel(0)
            await pilot.pause()
            await pilot.press("f5")
            await wait_until(pilot, lambda: turn_over(workshop, 0), what="both answers")
            ended = {side: last(workshop, 0, side).status.value for side in "AB"}
            usage = {side: last(workshop, 0, side).usage.source for side in "AB"}
            await app.action_quit()
        return {"litellm": "litellm" in sys.modules, "ended": ended, "usage": usage}


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(sys.argv[1]))), flush=True)
