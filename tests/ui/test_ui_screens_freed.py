"""A duel's screen is freed once the room has moved on: after the reveal, nothing of the duel
screen stays alive, so the garbage collector's full passes walk the screens shown and the
caches, not every duel played (bench/ui_bench.py's memory part measures the pause)."""

from __future__ import annotations

import gc
import weakref

import pytest
from textual.widgets import TextArea
from ui_helpers import wait_until

from duels_tui.ui.app import DuelsApp
from duels_tui.ui.screens.duel import DuelScreen
from duels_tui.ui.screens.reveal import RevealScreen
from duels_tui.ui.screens.vote import VoteScreen


def _alive(kind: type) -> list:
    gc.collect()
    return [o for o in gc.get_objects() if isinstance(o, kind)]


async def _open_first_duel(pilot) -> None:
    """Enter on Home once it is drawn, as a person sees it first. Pressed before Home's footer keys
    were laid out (a loaded machine, a test's instant keys), the first duel's screen laid them out
    (Textual lays out the screen below at each resize, textual/screen.py, Screen._on_resize), and
    each key kept that Show event, sent by the duel's screen, until its next message: the duel
    screen stayed alive while Home was covered."""
    from textual.widgets._footer import FooterKey

    app = pilot.app
    await wait_until(pilot, lambda: (keys := app.screen.query(FooterKey)) and all(key.region for key in keys),
                     what="Home's keys")
    await pilot.press("enter")


async def _play(pilot, workshop, index: int) -> None:
    """A duel as a facilitator plays it: F5, the answers, Ctrl+V, the hands counted, Enter."""
    app = pilot.app
    await wait_until(pilot, lambda: isinstance(app.screen, DuelScreen) and app.screen.index == index,
                     what=f"duel {index}'s screen")
    await pilot.press("f5")
    await wait_until(pilot, lambda: not workshop.duels[index].streaming and not app.screen.streaming,
                     what="the answers")
    await pilot.press("ctrl+v", "1", "2", "tab", "7", "tab", "3", "enter")
    await wait_until(pilot, lambda: isinstance(app.screen, RevealScreen), what="the reveal")
    await pilot.pause()


@pytest.mark.asyncio
async def test_no_duel_screen_nor_its_prompt_outlives_the_duel(classique_workshop):
    workshop = classique_workshop
    app = DuelsApp(workshop)
    async with app.run_test(size=(120, 35)) as pilot:
        await _open_first_duel(pilot)
        await _play(pilot, workshop, 0)
        await pilot.press("n")  # the next duel
        await _play(pilot, workshop, 1)
        # Kept by the answers' cancelled timeouts (in the event loop's schedule for 30 s, with a
        # copy of the worker's context, which names its screen), or by the app's theme watchers.
        assert _alive(DuelScreen) == []
        assert [t for t in _alive(TextArea) if not t.is_attached] == []


@pytest.mark.asyncio
async def test_nothing_of_the_vote_screen_outlives_it(classique_workshop):
    """Textual's memo of its styles caches (an lru_cache) kept each screen's pictures once the
    screen was gone, until a duel screen was left: at the reveal, the vote's, walked by each full
    collection (ui/screens/base.py empties the memos as any screen goes)."""
    workshop = classique_workshop
    app = DuelsApp(workshop)
    async with app.run_test(size=(120, 35)) as pilot:
        await _open_first_duel(pilot)
        await wait_until(pilot, lambda: isinstance(app.screen, DuelScreen), what="the duel's screen")
        await pilot.press("f5")
        await wait_until(pilot, lambda: not workshop.duels[0].streaming and not app.screen.streaming,
                         what="the answers")
        await pilot.press("ctrl+v")
        await wait_until(pilot, lambda: isinstance(app.screen, VoteScreen), what="the vote")
        await pilot.pause()
        pictures = [weakref.ref(node._styles_cache) for node in app.screen.walk_children(with_self=True)]
        await pilot.press("1", "2", "tab", "7", "tab", "3", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, RevealScreen), what="the reveal")
        await pilot.pause(0.6)  # the count box's cursor blinks every 0.5 s: its last tick ends
        gc.collect()
        assert [p for p in pictures if p() is not None] == []


@pytest.mark.asyncio
async def test_the_style_memos_keep_nothing_of_the_screens_gone(classique_workshop):
    """rich's and Textual's memos of style arithmetic (textual_compat.style_memos) filled as each
    screen was drawn and kept the entries of those gone: some 2,000 objects walked by each full
    collection at the twelfth reveal. They are emptied as a screen goes (ui/screens/base.py),
    once the next one is drawn."""
    from duels_tui.ui.textual_compat import style_memos

    workshop = classique_workshop
    app = DuelsApp(workshop)
    async with app.run_test(size=(120, 35)) as pilot:
        await _open_first_duel(pilot)
        await _play(pilot, workshop, 0)
        await pilot.pause(0.3)
        # The reveal's own drawing fills them again: 65 entries when this test runs alone, fewer
        # after another test drew the same styles; 536 when the memos kept the screens gone.
        assert sum(memo.cache_info().currsize for memo in style_memos()) < 150
