"""The lessons on screen: each opens at 80x24 and at 160x45 with nothing wider than the terminal,
F1 and Échap open and close them over any screen, and the token lesson splits the duel's texts or
what is typed, with the network cut and an empty tiktoken cache."""

from __future__ import annotations

import socket

import pytest
from lessons_played import each_lesson, open_token_lesson, play
from ui_helpers import screen_text, wait_until

from duels_tui.explain import LESSON_KEYS
from duels_tui.ui.app import DuelsApp
from duels_tui.ui.screens.lessons import LessonsScreen

pytestmark = pytest.mark.asyncio


def overflowing(app) -> list[str]:
    """Widgets wider than the terminal, or scrolling sideways."""
    width = app.size.width
    found = []
    for widget in app.screen.query("*"):
        if not widget.display or widget.region.width == 0:
            continue
        if widget.region.right > width:
            found.append(f"{widget!r} ends at {widget.region.right}")
        if widget.is_scrollable and widget.styles.overflow_x != "hidden" and widget.max_scroll_x > 0:
            found.append(f"{widget!r} scrolls sideways by {widget.max_scroll_x}")
    return found


@pytest.mark.parametrize("size", [(80, 24), (160, 45)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_every_lesson_opens_without_overflow(shipped_workshop, size):
    workshop = play(shipped_workshop, revealed=3)
    app = DuelsApp(workshop, source_factory=lambda: None)
    async with app.run_test(size=size) as pilot:
        async for _, key in each_lesson(app, pilot):
            assert overflowing(app) == [], key
        await pilot.press("pagedown")
        await wait_until(pilot, lambda: app.screen.key == LESSON_KEYS[0], what="wrap to the first lesson")
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, LessonsScreen)


async def test_token_lesson_offline_follows_the_duel_and_what_is_typed(shipped_workshop, tmp_path, monkeypatch):
    import tiktoken.registry

    from duels_tui import tokens

    def refuse(*args, **kwargs):
        raise OSError("réseau coupé pour ce test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    empty = tmp_path / "tiktoken-vide"
    empty.mkdir()
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(empty))
    monkeypatch.setattr(tokens, "_encodings", {})
    monkeypatch.setattr(tiktoken.registry, "ENCODINGS", {})

    workshop = play(shipped_workshop, revealed=0, played=1)
    answer_a = workshop.duels[0].turns[0].answers["A"].text
    workshop.duels[0].turns[0].answers["A"].text += " [bold]pas du gras[/bold]"
    app = DuelsApp(workshop, source_factory=lambda: None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        view = await open_token_lesson(pilot, app)
        assert "".join(view.split.pieces) == workshop.duels[0].turns[0].user_text
        await pilot.press("a")
        await wait_until(pilot, lambda: view.split and "".join(view.split.pieces).startswith(answer_a))
        assert "[bold]pas du gras[/bold]" in screen_text(app)
        await pilot.press("l")
        await pilot.press(*"bonjour")
        await wait_until(pilot, lambda: view.split and "".join(view.split.pieces) == "bonjour", what="typed text")
        assert str(app.screen.query_one("#token-count").render()).startswith(f"{view.split.count} jeton")
        assert overflowing(app) == []
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, LessonsScreen)
    assert not any(empty.iterdir())
