"""A session of 3,000 duels resumes on its current duel at once, and Home goes through it by keys
(issue 12: it showed a blank screen for more than a minute; bench/resume_bench.py has the figures).

Bounds are in CPU seconds of this process, not wall time, so that a loaded machine does not fail
them; they are generous (the app itself takes about 2 s to start here) and far below what the
per-duel widgets and reveals cost (more than 60 s)."""

from __future__ import annotations

import re
import time

import pytest
from ui_helpers import screen_lines, wait_until

from duels_tui.arena.resume_check import why_unrenderable
from duels_tui.arena.testing import big_session, demo_catalog
from duels_tui.arena.workshop import Workshop
from duels_tui.store import Store
from duels_tui.ui.app import DuelsApp
from duels_tui.ui.screens.duel import DuelScreen
from duels_tui.ui.screens.home import HomeScreen

DUELS = 3000
RESUME_CPU_S = 12.0


class PackLikeApp(DuelsApp):
    """The app with no engine to reach (nothing is played here)."""

    def __init__(self, workshop: Workshop, **kwargs) -> None:
        super().__init__(workshop, source_factory=lambda: None, **kwargs)


@pytest.fixture(scope="module")
def big_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("big") / "duels.sqlite3"
    with Store.open(path) as store:
        session_id = big_session(store, demo_catalog(), DUELS)
    return path, session_id


@pytest.mark.asyncio
async def test_a_3000_duel_session_resumes_on_its_current_duel(big_db):
    path, session_id = big_db
    with Store.open(path) as store:
        began = time.process_time()
        workshop = Workshop.resume(store, demo_catalog(), session_id)
        assert workshop is not None and why_unrenderable(workshop) is None
        app = PackLikeApp(workshop, resumed=True)
        async with app.run_test(size=(120, 35)) as pilot:
            await wait_until(pilot, lambda: isinstance(app.screen, DuelScreen), what="the current duel")
            await pilot.pause()
            spent = time.process_time() - began
            assert f"Duel #{DUELS} / {DUELS}" in "\n".join(screen_lines(app))
        assert spent < RESUME_CPU_S, f"{spent:.1f} s of CPU to show the current duel of {DUELS}"


@pytest.mark.asyncio
async def test_home_of_a_3000_duel_session_by_keys(big_db):
    path, session_id = big_db
    with Store.open(path) as store:
        workshop = Workshop.resume(store, demo_catalog(), session_id)
        app = PackLikeApp(workshop)
        began = time.process_time()
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_until(pilot, lambda: isinstance(app.screen, HomeScreen), what="Home")
            await pilot.pause()
            # The current duel, the last one, is highlighted and in view.
            await wait_until(pilot, lambda: f"Duel #{DUELS} :" in "\n".join(screen_lines(app)),
                             what="the current duel in view")
            assert time.process_time() - began < RESUME_CPU_S
            for key in ("pageup", "pageup", "up", "up"):
                await pilot.press(key)
            await pilot.pause()
            shown = "\n".join(screen_lines(app))
            assert f"Duel #{DUELS} :" not in shown
            far = [int(n) for n in re.findall(r"Duel #(\d+) :", shown)]
            assert far and max(far) < DUELS - 2
            await pilot.press("home")
            await pilot.pause()
            assert "Duel #1 :" in "\n".join(screen_lines(app))
            for _ in range(3):
                await pilot.press("pagedown")
            await pilot.press("enter")
            await wait_until(pilot, lambda: isinstance(app.screen, DuelScreen), what="the duel chosen")
            await pilot.pause()
            opened = app.screen.index
            assert 3 <= opened < 30  # three pages down from the first duel
            assert f"Duel #{opened + 1} / {DUELS}" in "\n".join(screen_lines(app))


@pytest.mark.asyncio
async def test_a_3000_duel_session_resumed_on_a_reveal_shows_it_then_its_charts(big_db, tmp_path, monkeypatch):
    """Resumed on the reveal of its last voted duel: the reveal first, the session's charts (one
    impact per revealed duel: 6 s of CPU on a slow machine at 3,000, under a second on a fast one)
    computed afterwards, said meanwhile. What each frame drew is kept: on a fast machine the
    charts were there before the test read the screen."""
    import shutil

    from duels_tui.ui.screens.reveal import RevealScreen
    from duels_tui.ui.widgets.charts import BarChart

    frames: list[str] = []
    compositor_refresh = RevealScreen._compositor_refresh

    def noted(screen) -> None:
        compositor_refresh(screen)
        frames.append("\n".join("".join(s.text for s in strip) for strip in screen._compositor.render_strips()))

    monkeypatch.setattr(RevealScreen, "_compositor_refresh", noted)
    path, session_id = big_db
    copy = tmp_path / "reveal.sqlite3"
    shutil.copy(path, copy)
    with Store.open(copy) as store:
        store.set_position(session_id, "reveal", DUELS - 2)
        began = time.process_time()
        workshop = Workshop.resume(store, demo_catalog(), session_id)
        app = PackLikeApp(workshop, resumed=True)
        async with app.run_test(size=(120, 35)) as pilot:
            await wait_until(pilot, lambda: isinstance(app.screen, RevealScreen), what="the reveal")
            await pilot.pause()
            spent = time.process_time() - began
            # seconds of work remain at 3,000 duels: the line says so while the room sees the reveal
            assert any(
                f"Révélation — Duel #{DUELS - 1}" in frame and "Graphiques de la séance : calcul en cours" in frame
                for frame in frames
            ), frames[:2]
            await wait_until(pilot, lambda: bool(app.screen.query(BarChart)), timeout=120, what="the charts")
            assert not app.screen.query("#charts-loading")
        assert spent < RESUME_CPU_S, f"{spent:.1f} s of CPU to show the reveal of a session of {DUELS}"
