"""Voting again on a duel: the vote screen shows the vote it has, asks before replacing it (keys
first: o replaces, n or Échap keeps), the store keeps the earlier counts with their times, the
reveal says the count was corrected, and the export carries both."""

from __future__ import annotations

import io
import json
import random
import time

import pytest
from ui_helpers import quick_vote, screen_text, steady_cursors, wait_until

from duels_tui.arena.testing import demo_catalog, demo_programme, stream_turn
from duels_tui.arena.votes import VoteCounts
from duels_tui.arena.workshop import Workshop
from duels_tui.outputs.export import export
from duels_tui.store import Store
from duels_tui.ui.app import DuelsApp
from duels_tui.ui.screens.replace_vote import ReplaceVoteScreen
from duels_tui.ui.screens.reveal import RevealScreen
from duels_tui.ui.screens.vote import VoteScreen

SIZES = [(80, 24), (120, 35)]


@pytest.fixture
def paris(monkeypatch):
    """The room's clock: times on screen are local; tests fix the zone."""
    monkeypatch.setenv("TZ", "Europe/Paris")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


class QuietApp(DuelsApp):
    """No probe of the network for « what can run now »."""

    async def check_availability(self):
        from duels_tui.availability import Availability

        return Availability([], {}, {})


def voted_workshop(path) -> Workshop:
    workshop = Workshop.start(demo_programme(), demo_catalog(), Store.open(path), rng=random.Random(5))
    stream_turn(workshop, 0)
    workshop.record_vote(0, VoteCounts(a=12, b=8, tie=3, none=1), {"A": {"useful"}})
    workshop.show_reveal(0)
    return workshop


@pytest.mark.asyncio
async def test_voting_again_asks_then_keeps_the_history(tmp_path, paris):
    path = tmp_path / "duels.sqlite3"
    workshop = voted_workshop(path)
    app = QuietApp(workshop, resumed=True)
    async with app.run_test(size=(120, 35)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, RevealScreen), what="the reveal")
        await pilot.press("d")  # back to the answers, then ctrl+v: the vote screen again
        await pilot.pause()
        await pilot.press("ctrl+v")
        await wait_until(pilot, lambda: isinstance(app.screen, VoteScreen), what="the vote screen")
        shown = screen_text(app)
        assert "Déjà voté à" in shown and "Modèle A 12 · Modèle B 8 · les deux se valent 3 · aucun 1" in shown

        # A quick « a » by mistake: asked, « n » keeps the 24 hands.
        await quick_vote(pilot, "a")
        await wait_until(pilot, lambda: isinstance(app.screen, ReplaceVoteScreen), what="the question")
        question = screen_text(app)
        assert "Corriger le vote ?" in question and "Modèle A 1 · Modèle B 0" in question
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, VoteScreen), what="back to the vote")
        assert workshop.duels[0].vote == VoteCounts(a=12, b=8, tie=3, none=1)
        # Enter on the question takes its focused button: « keep » too. The focus is back on the
        # quick-vote button.
        await pilot.press("a")
        await wait_until(pilot, lambda: isinstance(app.screen, ReplaceVoteScreen), what="the question")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, VoteScreen), what="back to the vote")
        assert workshop.duels[0].vote.total == 24

        # A real correction, typed in the boxes (they hold the vote to correct): B had 9.
        await pilot.click("#count-b")
        await pilot.press("ctrl+a", "ctrl+k", "9", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ReplaceVoteScreen), what="the question")
        assert "Modèle A 12 · Modèle B 9 · les deux se valent 3 · aucun 1" in screen_text(app)
        await pilot.press("o")
        await wait_until(pilot, lambda: isinstance(app.screen, RevealScreen), what="the reveal")
        await pilot.pause()
        assert "(vote corrigé)" in screen_text(app)  # in the title, for the room
        await pilot.press("end")  # the details close the reveal: scrolled to, as a facilitator does
        await pilot.pause(0.2)
        reveal = "".join(screen_text(app).split())  # a wrapped line loses its space
        assert "Votecorrigéà" in reveal and "avant:ModèleA12·ModèleB8·lesdeuxsevalent3·aucun1" in reveal

    duel = workshop.duels[0]
    assert duel.vote == VoteCounts(a=12, b=9, tie=3, none=1)
    assert duel.qualifiers["A"] == {"useful"}  # the ticks shown stay
    # The store kept the earlier count with its times, and a resume finds it.
    with Store.open(path) as store:
        again = Workshop.load(store, demo_catalog(), workshop.session_id)
        earlier = again.duels[0].vote_history
        assert [h.votes for h in earlier] == [VoteCounts(a=12, b=8, tie=3, none=1)]
        assert earlier[0].recorded_at < earlier[0].replaced_at == again.duels[0].voted_at
        out = io.StringIO()
        export(store, "jsonl", out)
        row = json.loads(out.getvalue().splitlines()[0])
        assert (row["votes_a"], row["votes_b"]) == (12, 9)
        assert [(c["a"], c["b"], c["tie"], c["none"]) for c in row["vote_corrections"]] == [(12, 8, 3, 1)]


def test_the_same_counts_again_are_no_correction(tmp_path):
    workshop = voted_workshop(tmp_path / "duels.sqlite3")
    workshop.record_vote(0, VoteCounts(a=12, b=8, tie=3, none=1), {"B": {"creative"}})
    assert workshop.duels[0].vote_history == []
    assert workshop.store.vote_history(workshop.duels[0].duel_id) == []
    workshop.record_vote(0, VoteCounts.quick_vote("b"))
    workshop.record_vote(0, VoteCounts(a=2, b=1))
    assert [h.votes for h in workshop.duels[0].vote_history] == [
        VoteCounts(a=12, b=8, tie=3, none=1), VoteCounts.quick_vote("b")]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("screen", ["vote", "question", "reveal"])
def test_correction_snapshots(screen, size, tmp_path, snap_compare, paris):
    workshop = voted_workshop(tmp_path / "duels.sqlite3")
    duel = workshop.duels[0]
    duel.voted_at = "2026-11-23T09:12:00.000+00:00"
    if screen == "reveal":
        workshop.record_vote(0, VoteCounts(a=12, b=9, tie=3, none=1), {"A": {"useful"}})
        duel.vote_history[0] = type(duel.vote_history[0])(duel.vote_history[0].votes, "2026-11-23T09:12:00+00:00",
                                                           "2026-11-23T09:14:00+00:00")
    app = QuietApp(workshop)
    app.workshop.created_at = "2026-11-23T09:00:00+00:00"

    async def open_screen(pilot):
        await app.workers.wait_for_complete()
        if screen == "reveal":
            app.open_reveal(0)
        else:
            app.open_vote(0)
        await pilot.pause(0.1)
        if screen == "question":
            await quick_vote(pilot, "b")
            await pilot.pause(0.1)
        await steady_cursors(pilot)

    assert snap_compare(app, terminal_size=size, run_before=open_screen)
