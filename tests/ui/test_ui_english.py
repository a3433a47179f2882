"""`--lang en`: the interface's own words (footer, labels, panes) in English."""

from __future__ import annotations

import pytest
from ui_helpers import screen_text, wait_until

from duels_tui.arena.testing import stream_turn
from duels_tui.ui.app import DuelsApp

pytestmark = pytest.mark.asyncio


async def test_english_interface(workshop):
    stream_turn(workshop, 0)
    app = DuelsApp(workshop, lang="en")
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        home = screen_text(app)
        assert "Winning AI" in home and "Quit" in home and "IA gagnante" not in home
        app.open_duel(0)
        # The footer comes once the screen is up; litellm's import (a thread) slows this start.
        await wait_until(pilot, lambda: "Vote" in screen_text(app), what="the duel's footer")
        duel = screen_text(app)
        assert "Model A" in duel and "Model B" in duel and "Vote" in duel and "Modèle A" not in duel
        app.open_vote(0)
        await pilot.pause()
        assert "Vote by raised hands" in screen_text(app)


async def test_french_is_the_default(workshop):
    app = DuelsApp(workshop)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        assert "IA gagnante" in screen_text(app)
