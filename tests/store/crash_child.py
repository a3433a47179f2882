"""Child process for test_store_crash.py: streams a duel's answer until it is killed.

Prints "ready <session id>", then after each committed delta the number committed so far.
"""

from __future__ import annotations

import random
import sys
import time

from duels_tui.arena.testing import answer_events, demo_catalog, demo_programme
from duels_tui.arena.workshop import Workshop
from duels_tui.engine.events import ReasoningDelta, TextDelta
from duels_tui.store import Store


def main() -> None:
    store = Store.open(sys.argv[1])
    workshop = Workshop.start(demo_programme(), demo_catalog(), store, rng=random.Random(5))
    workshop.advance()
    workshop.begin_turn(0)
    for event in answer_events("B a terminé sa réponse."):
        workshop.apply(0, "B", event)
    workshop.apply(0, "A", ReasoningDelta("Je réfléchis. "))
    print("ready", workshop.session_id, flush=True)
    count = 0
    while True:
        workshop.apply(0, "A", TextDelta(f"t{count} "))
        count += 1
        if count % 10 == 0:  # a frame of the duel screen: it writes what it is about to show
            workshop.commit_stream()
            print(count, flush=True)
        time.sleep(0.001)


if __name__ == "__main__":
    main()
