"""The ranking screen (« Classement »): opened with c from Home and from the final screen, Échap
back where it came from; the table and the map of every session (imported ones too); never a
model of a duel of this session that is not yet revealed. Snapshots at 80x24 and 160x45."""

from __future__ import annotations

import random

import pytest
from test_ui_snapshots import ANSWER_A, ANSWER_B, FixedApp
from ui_helpers import screen_text, wait_until

from duels_tui.arena.testing import answer_events, demo_catalog, demo_programme, pooled_workshops
from duels_tui.arena.votes import VoteCounts
from duels_tui.arena.workshop import Workshop
from duels_tui.store import Store
from duels_tui.ui.screens.final import FinalScreen
from duels_tui.ui.screens.home import HomeScreen
from duels_tui.ui.screens.ranking import RankingScreen
from duels_tui.ui.widgets.frugality_map import FrugalityMap

SIZES = [(80, 24), (160, 45)]


def _workshop(tmp_path, *, reveal_first: bool) -> Workshop:
    """Twelve earlier sessions in the database, between the six demo models, then this one:
    duel 1 voted (revealed or not yet), duel 2 not played; the two models of the third classic
    pair are not in this session's programme."""
    store = Store.open(tmp_path / "classement.sqlite3")
    catalog = demo_catalog()
    pooled_workshops(store, catalog, sessions=12, seed=6)
    workshop = Workshop.start(demo_programme(2), catalog, store, place="Médiathèque", rng=random.Random(5))
    workshop.created_at = "2026-11-23T09:00:00+00:00"
    workshop.advance()
    workshop.begin_turn(0)
    for side, text in (("A", ANSWER_A), ("B", ANSWER_B)):
        for event in answer_events(text, generation_s=1.5):
            workshop.apply(0, side, event)
    workshop.record_vote(0, VoteCounts(a=14, b=9, tie=3, none=1))
    if reveal_first:
        workshop.advance()
    return workshop


def _names(workshop: Workshop, indices) -> set[str]:
    return {workshop.catalog.get(m).name for i in indices for m in workshop.duels[i].spec.model_ids}


async def _ranking_shown(pilot) -> None:
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, RankingScreen)
                     and pilot.app.screen.query_one("#ranking-table").row_count > 0, what="the ranking")
    await pilot.pause()


@pytest.mark.asyncio
async def test_from_home_and_back_without_an_unrevealed_name(tmp_path):
    workshop = _workshop(tmp_path, reveal_first=False)
    app = FixedApp(workshop)
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("c")
        await _ranking_shown(pilot)
        text = screen_text(app)
        assert "Classement" in text and "Score et frugalité" in text and "rang (UB)" in text
        # Duel 1 is voted but not revealed: none of the programme's models may show.
        for name in _names(workshop, range(2)):
            assert name not in text
        assert "4 modèles des duels pas encore révélés de cette séance sont masqués" in text
        shown = app.screen.query_one(FrugalityMap).points
        assert {p.label for p in shown} == {"QwQ-32B", "DeepSeek R1"}
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


@pytest.mark.asyncio
async def test_from_the_final_screen_revealed_models_show(tmp_path):
    workshop = _workshop(tmp_path, reveal_first=True)
    app = FixedApp(workshop)
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        app.open_final()
        await pilot.pause()
        await pilot.press("c")
        await _ranking_shown(pilot)
        text = screen_text(app)
        revealed = _names(workshop, [0])
        assert all(name in text for name in revealed)
        for name in _names(workshop, [1]) - revealed:
            assert name not in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, FinalScreen)
        await pilot.press("c", "c")  # c closes it too
        await pilot.pause()
        assert isinstance(app.screen, FinalScreen)


@pytest.mark.asyncio
async def test_an_empty_database_says_so(tmp_path):
    store = Store.open(tmp_path / "vide.sqlite3")
    app = FixedApp(Workshop.start(demo_programme(), demo_catalog(), store, rng=random.Random(1)))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("c")
        await wait_until(pilot, lambda: "Aucun duel voté" in screen_text(app), what="the empty ranking")
        assert not app.screen.query_one(FrugalityMap).display


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_ranking_snapshot(size, tmp_path, snap_compare):
    workshop = _workshop(tmp_path, reveal_first=True)
    app = FixedApp(workshop)

    async def open_ranking(pilot):
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.press("c")
        await _ranking_shown(pilot)
        text = screen_text(app)
        assert not any(name in text for name in _names(workshop, [1]) - _names(workshop, [0]))

    assert snap_compare(app, terminal_size=size, run_before=open_ranking)
