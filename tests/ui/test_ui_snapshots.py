"""Each screen at 80x24 (the smallest it must serve) and 120x35 (a projector), from a session
played by hand (no server, fixed clock and date), so the pictures only change when the UI does.
Update with `pytest --snapshot-update` after looking at the new pictures."""

from __future__ import annotations

import random

import pytest

from duels_tui.arena.testing import answer_events, demo_catalog, demo_programme
from duels_tui.arena.votes import VoteCounts
from duels_tui.arena.workshop import Workshop
from duels_tui.availability import Availability, Endpoint, ModelStatus
from duels_tui.store import Store
from duels_tui.ui.app import DuelsApp

SIZES = [(80, 24), (120, 35)]
ANSWER_A = (
    "Les **data centers** sont de grands bâtiments remplis d'ordinateurs.\n\n"
    "- Ils calculent sans arrêt ;\n- ils chauffent, donc on les refroidit ;\n"
    "- tout cela demande de l'électricité."
)
ANSWER_B = "Imagine des milliers d'ordinateurs qui travaillent jour et nuit : il faut les alimenter et les refroidir."


class FixedApp(DuelsApp):
    """The app with a fixed answer to « what can run now » (the real one probes the network). Its
    engine-ready preload runs as in `duels` (cli/workshop.py): the screens are drawn with the
    widgets' rules it parses ahead (ui/collector.py's FIRST_DUEL_WIDGETS)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, on_engine_ready=lambda: None, **kwargs)

    async def check_availability(self):
        models = {model_id: ModelStatus(model_id, True, "prêt") for model_id in self.catalog.models}
        models["claude-3.5-sonnet"] = ModelStatus(
            "claude-3.5-sonnet", False, "clé ANTHROPIC_API_KEY absente",
            "définissez ANTHROPIC_API_KEY, ou utilisez un pack enregistré")
        return Availability([Endpoint("http://127.0.0.1:11434", "ollama", True)], {}, models)


def played_workshop(tmp_path, upto: str) -> Workshop:
    store = Store.open(tmp_path / "snap.sqlite3")
    workshop = Workshop.start(demo_programme(), demo_catalog(), store, place="Médiathèque", rng=random.Random(5))
    workshop.created_at = "2026-11-23T09:00:00+00:00"
    if upto == "home":
        return workshop
    workshop.begin_turn(0)
    for side, text in (("A", ANSWER_A), ("B", ANSWER_B)):
        for event in answer_events(text, reasoning="Je réfléchis." if side == "B" else "", generation_s=1.5):
            workshop.apply(0, side, event)
    if upto == "duel":
        return workshop
    if upto == "vote":
        return workshop
    workshop.record_vote(0, VoteCounts(a=14, b=9, tie=3, none=1), {"A": {"useful"}, "B": set()})
    return workshop


SCREENS = {
    "home": lambda app: None,
    "duel": lambda app: app.open_duel(0),
    "vote": lambda app: app.open_vote(0),
    "reveal": lambda app: app.open_reveal(0),
    "final": lambda app: app.open_final(),
    "palette": lambda app: app.open_reveal(0),  # then ctrl+p, pressed below
}


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("screen", list(SCREENS))
def test_screen_snapshot(screen, size, tmp_path, snap_compare):
    upto = {"home": "home", "duel": "duel", "vote": "vote"}.get(screen, "voted")
    app = FixedApp(played_workshop(tmp_path, upto))

    async def open_screen(pilot):
        await pilot.pause()
        await app.workers.wait_for_complete()
        SCREENS[screen](app)
        await pilot.pause(0.1)
        if screen == "palette":
            from textual.command import CommandList
            from ui_helpers import wait_until

            await pilot.press("ctrl+p")
            await wait_until(pilot, lambda: app.screen.query(CommandList)
                             and app.screen.query_one(CommandList).option_count >= 10, what="the palette")
            await pilot.pause(0.3)
        if screen == "duel":  # panes fill on a timer: wait until both show the whole answer
            from ui_helpers import wait_until

            from duels_tui.text_safety import visible_text
            from duels_tui.ui.widgets.answer_pane import AnswerPane

            def synced() -> bool:
                panes = list(app.screen.query(AnswerPane))
                return len(panes) == 2 and all(
                    p._finished and p.shown_text == visible_text(app.workshop.duels[0].turns[0].answers[s].text)
                    for p, s in zip(panes, "AB", strict=True))

            await wait_until(pilot, synced, what="panes in sync")
            await pilot.pause(0.2)
        from ui_helpers import steady_cursors

        await steady_cursors(pilot)

    assert snap_compare(app, terminal_size=size, run_before=open_screen)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("screen", ["reveal", "final"])
def test_screen_snapshot_in_english(screen, size, tmp_path, snap_compare):
    """The reveal and the final with `--lang en`: the programme's titles stay as written (French
    data), every other word is English, the catalog's descriptions too (`description_en`)."""
    app = FixedApp(played_workshop(tmp_path, "voted"), lang="en")

    async def open_in_english(pilot):
        await app.workers.wait_for_complete()
        SCREENS[screen](app)
        await pilot.pause(0.1)

    assert snap_compare(app, terminal_size=size, run_before=open_in_english)
