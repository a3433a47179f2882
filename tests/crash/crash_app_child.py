"""Child process for test_crash_app.py: the real app (headless, driven by Pilot as a facilitator
would press keys) plays the demo programme to its end, resuming the unfinished session if any,
as `duels` does after a crash. Answers come from an in-process source, word by word.

Prints, each line after what it names is committed: "landed SCREEN INDEX STEP" once the app is up,
"panes LEN_A LEN_B" once a resumed duel's panes show their text, "commit DUEL SIDE CHARS",
"vote DUEL A B TIE NONE", "done"."""

from __future__ import annotations

import asyncio
import random
import sys

from duels_tui.arena.testing import demo_catalog, demo_programme
from duels_tui.arena.workshop import Workshop
from duels_tui.engine.events import Done, TextDelta, Usage
from duels_tui.store import Store
from duels_tui.ui.app import DuelsApp
from duels_tui.ui.screens.duel import DuelScreen
from duels_tui.ui.screens.final import FinalScreen
from duels_tui.ui.screens.home import HomeScreen
from duels_tui.ui.screens.reveal import RevealScreen
from duels_tui.ui.screens.vote import VoteScreen


def say(*words: object) -> None:
    """One line in one write: the test kills this process at random moments, and print() with
    several arguments, unbuffered, writes them one by one (a killed line read « commit 1 A »)."""
    sys.stdout.write(" ".join(map(str, words)) + "\n")
    sys.stdout.flush()

WORDS = 40


def answer_text(route: str) -> str:
    """The whole answer a model gives: its route's words, numbered."""
    name = route.split("/")[-1].split(":")[0]
    return "".join(f"{name}-{n} " for n in range(WORDS))


class Paced:
    """An answer source: the model's known text, a word every 10 ms."""

    async def stream(self, request):
        words = answer_text(request.route).split(" ")[:-1]
        for word in words:
            await asyncio.sleep(0.01)
            yield TextDelta(word + " ")
        yield Usage(12, len(words), "server")
        yield Done(0.01, 0.4, 0.41, len(words) / 0.4, "stop")


def journal(workshop: Workshop) -> None:
    """Print each change once it is committed (streamed text: once `commit_stream` wrote it)."""
    apply, record_vote = workshop.apply, workshop.record_vote

    def applied(i, side, event):
        apply(i, side, event)
        if isinstance(event, TextDelta):
            workshop.commit_stream()  # as the duel screen does before it shows the text
            say("commit", i, side, len(workshop.answer(i, side).text))

    def voted(i, votes, *args, **kwargs):
        record_vote(i, votes, *args, **kwargs)
        say("vote", i, votes.a, votes.b, votes.tie, votes.none)

    workshop.apply, workshop.record_vote = applied, voted


async def play(app: DuelsApp, workshop: Workshop) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.2)
        screen = app.screen
        say("landed", type(screen).__name__, getattr(screen, "index", -1), workshop.step.value)
        if isinstance(screen, DuelScreen) and screen.duel.turns:
            panes = [screen.query_one(f"#pane-{s}") for s in "ab"]
            while not all(p._finished for p in panes):
                await pilot.pause(0.02)
            say("panes", *(len(p.shown_text) for p in panes))
        while True:
            screen = app.screen
            if isinstance(screen, HomeScreen):
                await pilot.press("enter")
            elif isinstance(screen, DuelScreen):
                duel = screen.duel
                if screen.streaming:
                    await pilot.pause(0.02)
                elif not duel.turns:
                    await pilot.press("f5")
                elif any(a.retryable for a in duel.turns[-1].answers.values()):
                    await pilot.press("ctrl+r")  # the answers the crash cut
                else:
                    await pilot.press("ctrl+v")
            elif isinstance(screen, VoteScreen):
                await pilot.click(f"#quick-{random.choice('abe')}")  # a quick vote, wherever the focus is
            elif isinstance(screen, RevealScreen):  # after the last duel, f: the winning AI
                await pilot.press("n" if screen.index + 1 < len(workshop.duels) else "f")
            elif isinstance(screen, FinalScreen):
                say("done")
                return
            await pilot.pause(0.02)


def main() -> None:
    store = Store.open(sys.argv[1])
    catalog = demo_catalog()
    workshop = Workshop.resume(store, catalog)
    resumed = workshop is not None
    if workshop is None:
        workshop = Workshop.start(demo_programme(), catalog, store, rng=random.Random(9))
    journal(workshop)
    asyncio.run(play(DuelsApp(workshop, resumed=resumed, source_factory=Paced), workshop))


if __name__ == "__main__":
    main()
