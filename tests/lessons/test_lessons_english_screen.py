"""The lessons on screen with `--lang en`: every lesson's title, text, figure, chart and sources in
English, the token lesson's labels and count line too, and the command palette's lessons."""

from __future__ import annotations

import pytest
from lessons_played import each_lesson, open_token_lesson, play
from test_lessons_english import FRENCH_DATA
from ui_helpers import screen_text, wait_until

from duels_tui.explain.templates import load_templates
from duels_tui.ui.app import DuelsApp
from french_markers import french_left

pytestmark = pytest.mark.asyncio


def lesson_text(app) -> str:
    """What the lesson says: title, figure, text (the whole Markdown, scrolled or not), chart (its
    axis and note included), sources."""
    screen = app.screen
    names = ("lesson-title", "lesson-caption", "lesson-chart", "lesson-sources")
    parts = [str(widget.render()) for name in names for widget in screen.query(f"#{name}")]
    parts.append(screen.query_one("#lesson-text").source)
    return "\n".join(parts)


async def test_every_lesson_in_english(shipped_workshop):
    workshop = play(shipped_workshop, revealed=3)
    app = DuelsApp(workshop, source_factory=lambda: None, lang="en")
    titles = [t.title for t in load_templates("en").values()]
    async with app.run_test(size=(160, 45)) as pilot:
        async for _, key in each_lesson(app, pilot, "en"):
            text = lesson_text(app)
            assert "Sources" in text and french_left(text, FRENCH_DATA) == [], f"{key}: {text}"
        index = app.screen.query_one("#lessons-index")
        assert [str(index.get_option_at_index(n).prompt) for n in range(len(titles))] == [
            f"{n}. {title}" for n, title in enumerate(titles, start=1)]  # the list of lessons beside
        screen = screen_text(app)
        assert "Next" in screen and "Suivante" not in screen  # the footer
        commands = [c.title for c in app.get_system_commands(app.screen)]
        assert all(any(title in c for c in commands) for title in titles)


async def test_token_lesson_in_english(shipped_workshop):
    workshop = play(shipped_workshop, revealed=0, played=1)
    app = DuelsApp(workshop, source_factory=lambda: None, lang="en")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        view = await open_token_lesson(pilot, app)
        screen = screen_text(app)
        assert "Answer A" in screen and "Your text" in screen and "Réponse" not in screen
        await pilot.press("l")
        await wait_until(pilot, lambda: "Type a text in the box above." in screen_text(app), what="the empty box")
        await pilot.press(*"hello world")
        await wait_until(pilot, lambda: view.split and "".join(view.split.pieces) == "hello world")
        count = str(app.screen.query_one("#token-count").render())
        assert count.startswith(f"{view.split.count} tokens for 11 characters · split of GPT-4o")
        assert str(app.screen.query_one("#lesson-caption").render()) == "tokens in this text"
        assert french_left(count) == []
