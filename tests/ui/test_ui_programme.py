"""The whole classique programme driven through the UI against the scripted server: a pane that
fails and is retried, a cancel, a follow-up, typed and quick votes, the reveals and the final."""

from __future__ import annotations

import pytest
from ui_helpers import screen_text, wait_until

from duels_tui.arena.state import AnswerStatus, Step
from duels_tui.ui.app import DuelsApp
from duels_tui.ui.screens.duel import DuelScreen
from duels_tui.ui.screens.final import FinalScreen
from duels_tui.ui.screens.reveal import RevealScreen
from duels_tui.ui.screens.vote import VoteScreen

pytestmark = pytest.mark.asyncio


def _last(workshop, i, side):
    return workshop.duels[i].turns[-1].answers[side]


def _finished(workshop, i):
    duel = workshop.duels[i]
    return bool(duel.turns) and not duel.streaming


async def _type_votes(pilot, counts: dict[str, str]) -> None:
    for name, value in counts.items():
        await pilot.click(f"#count-{name}")
        await pilot.press(*value)


async def test_whole_classique_programme(classique_workshop, scripted_server):
    workshop = classique_workshop
    app = DuelsApp(workshop)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        # Duel 1: launch, both answer; a follow-up goes to both; typed counts.
        await pilot.press("enter")
        assert isinstance(app.screen, DuelScreen)
        await pilot.press("f5")
        await wait_until(pilot, lambda: _finished(workshop, 0), what="duel 1")
        assert {_last(workshop, 0, s).status for s in "AB"} == {AnswerStatus.DONE}
        await pilot.pause()
        await pilot.press(*"Et en une seule phrase ?", "enter")  # the follow-up box has the focus
        await wait_until(pilot, lambda: len(workshop.duels[0].turns) == 2 and _finished(workshop, 0))
        request_log = [r for r in scripted_server.requests if r.path == "/api/chat"]
        assert len(request_log) == 4
        assert len(request_log[-1].body["messages"]) == 3  # prompt, its own answer, the follow-up
        await pilot.press("ctrl+v")
        assert isinstance(app.screen, VoteScreen)
        await _type_votes(pilot, {"a": "12", "b": "7", "tie": "3", "none": "1"})
        # The total follows each typed digit a refresh later.
        await wait_until(pilot, lambda: "Total : 23 voix" in screen_text(app), what="the total")
        await pilot.press("enter")
        assert isinstance(app.screen, RevealScreen)
        text = screen_text(app)
        assert "Claude 3.5 Sonnet" in text and "Mistral Small 3" in text
        assert "Énergie (Wh)" in text and "fois" in text  # the ratio sentence

        # Duel 2: one side drops mid-answer; the other completes; ctrl+r retries the failed one.
        failing = workshop.duels[1].sides["B"]
        scripted_server.script(failing, tokens=40, delay_s=0.005, drop_after=5)
        await pilot.press("n")
        assert isinstance(app.screen, DuelScreen) and app.screen.index == 1
        await pilot.press("f5")
        await wait_until(pilot, lambda: _finished(workshop, 1), what="duel 2")
        assert _last(workshop, 1, "A").status is AnswerStatus.DONE
        assert _last(workshop, 1, "B").status is AnswerStatus.ERROR
        await pilot.pause(0.1)
        shown = screen_text(app)
        assert _last(workshop, 1, "B").error.message in shown
        assert failing not in shown  # the error stays anonymous
        scripted_server.script(failing, tokens=40, delay_s=0.005)
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: _last(workshop, 1, "B").status is AnswerStatus.DONE, what="retry")
        await pilot.press("ctrl+v")
        await pilot.click("#quick-b")  # quick vote
        assert workshop.duels[1].vote.b == 1 and workshop.duels[1].vote.quick

        # Duel 3: slow answers, Esc cancels both mid-stream, ctrl+r re-runs them.
        for model_id in workshop.duels[2].spec.model_ids:
            scripted_server.script(model_id, tokens=200, delay_s=0.05, thinking=5)
        await pilot.press("n")
        await pilot.press("f5")
        await wait_until(pilot, lambda: len(_last(workshop, 2, "A").text) > 20, what="first tokens")
        await pilot.press("escape")
        await wait_until(pilot, lambda: _finished(workshop, 2), what="cancel")
        assert {_last(workshop, 2, s).status for s in "AB"} == {AnswerStatus.CANCELLED}
        kept = _last(workshop, 2, "A").text
        assert (kept and kept in screen_text(app).replace("\n", "")) or kept[:20] in screen_text(app)
        # each answer's connection closed (those of the model loads stay in httpx's pool)
        assert scripted_server.open_answer_connections == 0
        for model_id in workshop.duels[2].spec.model_ids:
            scripted_server.script(model_id, tokens=30, delay_s=0.002)
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: {_last(workshop, 2, s).status for s in "AB"} == {AnswerStatus.DONE})
        await pilot.press("ctrl+v")
        await _type_votes(pilot, {"a": "4", "b": "9"})
        await pilot.press("enter")
        assert workshop.duels[2].step is Step.REVEAL

        # Final.
        await pilot.press("f")
        assert isinstance(app.screen, FinalScreen)
        text = screen_text(app)
        assert "L'IA gagnante" in text
        final = workshop.final()
        assert final.rows and final.summary in text


async def test_nonsense_vote_is_refused_with_the_field_named(classique_workshop):
    from duels_tui.arena.testing import stream_turn

    workshop = classique_workshop
    stream_turn(workshop, 0)
    app = DuelsApp(workshop)
    async with app.run_test(size=(160, 45)) as pilot:
        app.open_vote(0)
        await pilot.pause()
        await _type_votes(pilot, {"a": "-3"})  # the integer Input accepts a minus sign
        await pilot.press("enter")
        assert isinstance(app.screen, VoteScreen)
        assert "négatif" in screen_text(app)
        assert workshop.duels[0].vote is None
