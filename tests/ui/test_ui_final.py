"""The final screen: the rule's winner, changed weights, and a final vote that overrides it."""

from __future__ import annotations

import random

import pytest
from ui_helpers import screen_text

from duels_tui.arena.testing import demo_catalog, demo_programme, stream_turn
from duels_tui.arena.votes import VoteCounts
from duels_tui.arena.workshop import Workshop
from duels_tui.store import Store
from duels_tui.ui import view
from duels_tui.ui.app import DuelsApp

pytestmark = pytest.mark.asyncio


def three_duels_played(tmp_path) -> Workshop:
    store = Store.open(tmp_path / "final.sqlite3")
    workshop = Workshop.start(demo_programme(), demo_catalog(), store, rng=random.Random(11))
    for i, votes in enumerate([VoteCounts(a=10, b=4), VoteCounts(a=3, b=12), VoteCounts(a=8, b=8, tie=1)]):
        stream_turn(workshop, i, {"A": "Réponse courte.", "B": "Une réponse bien plus longue " * 8})
        workshop.record_vote(i, votes)
    return workshop


async def test_final_vote_overrides_the_rule(tmp_path):
    workshop = three_duels_played(tmp_path)
    rule = workshop.final()
    assert rule.winner is not None and len(rule.rows) >= 2
    underdog = rule.rows[-1]
    app = DuelsApp(workshop)
    async with app.run_test(size=(160, 45)) as pilot:
        app.open_final()
        await pilot.pause()
        assert rule.summary in screen_text(app)
        await pilot.press("v")
        box = f"#fv-{view.dom_id(underdog.model_id)}"
        await pilot.click(box)
        await pilot.press("9", "enter")
        await pilot.pause()
        assert workshop.final_vote == {**{r.model_id: 0 for r in rule.rows}, underdog.model_id: 9}
        result = workshop.final(workshop.final_weights, workshop.final_vote)
        assert result.overridden and result.winner.model_id == underdog.model_id
        assert result.summary in screen_text(app)
        # Stored: a restart finds the final vote again.
        again = Workshop.resume(workshop.store, workshop.catalog, workshop.session_id)
        assert again.final_vote == workshop.final_vote


async def test_weights_change_the_rule_and_bad_weights_are_refused(tmp_path):
    workshop = three_duels_played(tmp_path)
    app = DuelsApp(workshop)
    async with app.run_test(size=(160, 45)) as pilot:
        app.open_final()
        await pilot.pause()
        await pilot.press("p")
        weight = app.screen.query_one("#weight-frugality")
        weight.value = "0"
        await pilot.press("enter")
        await pilot.pause()
        assert workshop.final_weights == (1.0, 0.0)
        assert "Seule l'utilité compte" in str(app.screen.query_one("#final-rule").render())
        app.screen.query_one("#weight-utility").value = "0"
        weight.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert "au moins un des deux poids" in str(app.screen.query_one("#final-error").render())
        assert workshop.final_weights == (1.0, 0.0)
