"""A session played by hand (no server): three duels, the third with reasoning on both sides;
`revealed` says how many duels the room has seen revealed."""

from __future__ import annotations

from duels_tui.arena.testing import answer_events
from duels_tui.arena.votes import VoteCounts
from duels_tui.arena.workshop import Workshop

VOTES = [VoteCounts(a=10, b=4), VoteCounts(a=3, b=12), VoteCounts(a=8, b=8, tie=1)]


def play(workshop: Workshop, revealed: int, played: int | None = None) -> Workshop:
    played = len(workshop.duels) if played is None else played
    for i in range(played):
        workshop.begin_turn(i)
        for side, words in (("A", 20), ("B", 60)):
            reasoning = "Je pèse le pour et le contre. " * 12 if i == 2 else ""
            for event in answer_events("Une réponse " * words, reasoning=reasoning):
                workshop.apply(i, side, event)
        if i < revealed:
            workshop.record_vote(i, VOTES[i])
            workshop.show_reveal(i)
    return workshop



async def each_lesson(app, pilot, lang: str = "fr"):
    """Open the lessons (F1), then each lesson in turn by its number key: yields (n, key) once that
    lesson is on screen with its title."""
    from ui_helpers import wait_until

    from duels_tui.explain import LESSON_KEYS
    from duels_tui.explain.templates import load_templates
    from duels_tui.ui.screens.lessons import LessonsScreen

    titles = [t.title for t in load_templates(lang).values()]
    await pilot.pause()
    await pilot.press("f1")
    await wait_until(pilot, lambda: isinstance(app.screen, LessonsScreen) and app.screen.key, what="lessons")
    for n, key in enumerate(LESSON_KEYS):
        await pilot.press(str((n + 1) % 10))
        await wait_until(pilot, lambda key=key: app.screen.key == key and app.screen.query("#lesson-text"))
        await pilot.pause()
        assert titles[n] in str(app.screen.query_one("#lesson-title").render())
        yield n, key


async def open_token_lesson(pilot, app):
    """F1 then the lesson's number, as a facilitator opens the lesson on tokens; its view once the
    duel's question is split into tokens."""
    from ui_helpers import wait_until

    from duels_tui.explain import LESSON_KEYS
    from duels_tui.ui.screens.lessons import LessonsScreen
    from duels_tui.ui.widgets.tokens_view import TokensView

    await pilot.press("f1")
    await wait_until(pilot, lambda: isinstance(app.screen, LessonsScreen), what="the lessons")
    await pilot.press(str(LESSON_KEYS.index("jetons") + 1))
    await wait_until(pilot, lambda: app.screen.query(TokensView), what="the lesson on tokens")
    view = app.screen.query_one(TokensView)
    await wait_until(pilot, lambda: view.split is not None, what="the question split")
    return view
