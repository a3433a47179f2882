"""Child process for test_crash_programme.py: plays the demo programme to its end, resuming the
unfinished session when there is one, as `duels` does after a crash.

Prints, each line after the change it names is committed: "session N", "commit DUEL SIDE CHARS"
(the answer's text length so far), "vote DUEL A B", "done"."""

from __future__ import annotations

import random
import sys
import time

from duels_tui.arena.state import AnswerStatus
from duels_tui.arena.testing import answer_events, demo_catalog, demo_programme
from duels_tui.arena.votes import VoteCounts
from duels_tui.arena.workshop import Workshop
from duels_tui.store import Store


def say(*words: object) -> None:
    """One line in one write: the test kills this process at random moments, and print() with
    several arguments, unbuffered, writes them one by one (a killed line read « commit 1 A »)."""
    sys.stdout.write(" ".join(map(str, words)) + "\n")
    sys.stdout.flush()


def answer_text(i: int, side: str) -> str:
    return " ".join(f"{side}{i}-mot{n}" for n in range(60))


def stream(workshop: Workshop, i: int, sides: list[str]) -> None:
    events = {side: answer_events(answer_text(i, side), pieces=60) for side in sides}
    for step in range(max(len(e) for e in events.values())):
        for side in sides:
            if step < len(events[side]):
                workshop.apply(i, side, events[side][step])
                workshop.commit_stream()  # as the duel screen does before it shows the text
                say("commit", i, side, len(workshop.answer(i, side).text))
        time.sleep(0.01)


def main() -> None:
    store = Store.open(sys.argv[1])
    catalog = demo_catalog()
    workshop = Workshop.resume(store, catalog) or Workshop.start(demo_programme(), catalog, store, rng=random.Random(9))
    say("session", workshop.session_id)
    for i, duel in enumerate(workshop.duels):
        if duel.vote is not None:
            continue
        if not duel.turns:
            workshop.begin_turn(i)
            stream(workshop, i, ["A", "B"])
        else:
            unfinished = [s for s in "AB" if duel.turns[-1].answers[s].status is not AnswerStatus.DONE]
            for side in unfinished:
                workshop.retry(i, side)
            if unfinished:  # killed after both answers ended but before the vote: just vote
                stream(workshop, i, unfinished)
        workshop.record_vote(i, VoteCounts(a=i + 3, b=i + 1))
        say("vote", i, i + 3, i + 1)
    workshop.go_to_final()
    say("done")


if __name__ == "__main__":
    main()
