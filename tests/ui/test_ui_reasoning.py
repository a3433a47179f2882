"""Reasoning on screen: inline `<think>` tags cut anywhere land in the pane's reasoning area, not in
the answer; an answer that is only reasoning (cut by max_tokens) says so."""

from __future__ import annotations

import dataclasses
import random

import pytest
from ui_helpers import screen_lines, screen_text, wait_until

from duels_tui.arena.workshop import Workshop
from duels_tui.ui.app import DuelsApp


@pytest.mark.asyncio
async def test_inline_reasoning_and_an_answer_that_is_only_reasoning(scripted_server, store):
    from ui_helpers import classique_on

    catalog, programme = classique_on(scripted_server)
    duel = dataclasses.replace(programme.duels[2], max_tokens=30)  # QwQ-32B vs DeepSeek R1
    programme = dataclasses.replace(programme, duels=(programme.duels[0], programme.duels[1], duel))
    workshop = Workshop.start(programme, catalog, store, rng=random.Random(3))
    sides = workshop.duels[2].sides
    inline, only = sides["A"], sides["B"]
    scripted_server.script(inline, tokens=["<thi", "nk>Je réfléchis ", "au nombre.</th", "ink>\n\n", "Trois."])
    scripted_server.script(only, thinking=60, tokens=10)  # 30 tokens allowed: all reasoning
    app = DuelsApp(workshop)
    async with app.run_test(size=(120, 35)) as pilot:
        app.open_duel(2)
        await pilot.pause()
        await pilot.press("f5")
        await wait_until(pilot, lambda: workshop.duels[2].turns and not workshop.duels[2].streaming)
        await pilot.pause(0.3)
        a, b = (workshop.duels[2].turns[0].answers[s] for s in "AB")
        assert (a.text, a.reasoning) == ("Trois.", "Je réfléchis au nombre.")
        assert b.text == "" and b.reasoning and b.timings.finish_reason == "length"
        shown = screen_text(app)
        assert "<think>" not in shown and "</th" not in shown and "Trois." in shown
        assert "Raisonnement (" in shown  # the collapsed reasoning area of both panes
        pane_b = " ".join(line.split("││")[-1].strip("│ ") for line in screen_lines(app) if "││" in line)
        assert "Raisonnement (30 jetons)" in pane_b
        assert (
            "Pas de réponse : le modèle a raisonné jusqu'à la limite de 30 jetons (max_tokens) sans avoir le "
            "temps de répondre. Son raisonnement est au-dessus." in " ".join(pane_b.split())
        )
