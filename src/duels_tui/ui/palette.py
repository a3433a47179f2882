"""The command palette (ctrl+p): the workshop's own commands, in the interface's language, and
only those that make sense where the facilitator stands (no vote before a duel has answers, no
reveal before a vote). Each duel and each lesson is found by typing (« jouer », « fiche »): the
list that opens holds the main commands. Textual's own commands (screenshot, maximise, its theme
picker…) are English and for developers: they are left out.

`app` is the DuelsApp (ui/app.py), typed as Textual's App: this module is imported by app.py."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import TYPE_CHECKING

from textual.app import App, SystemCommand

if TYPE_CHECKING:
    from textual.screen import Screen


def current_index(app: App, screen: Screen) -> int | None:
    """The duel the facilitator is on: the screen's own (duel, vote, reveal), else the
    workshop's current one."""
    index = getattr(screen, "index", None)
    if isinstance(index, int):
        return index
    duels = app.workshop.duels
    return min(app.workshop.current, len(duels) - 1) if duels else None


def workshop_commands(app: App, screen: Screen) -> Iterator[SystemCommand]:
    t = app.t
    workshop = app.workshop
    index = current_index(app, screen)
    streaming = bool(getattr(screen, "streaming", False))
    yield SystemCommand(t("palette.home"), t("palette.home.help"), app.open_home)
    if index is not None and not streaming:
        duel = workshop.duels[index]
        if index + 1 < len(workshop.duels) and getattr(screen, "index", None) is not None:
            following = workshop.duels[index + 1]
            yield SystemCommand(t("palette.next"), t("palette.next.help", title=following.title),
                                partial(app.open_duel, index + 1))
        if duel.turns and not duel.streaming:
            yield SystemCommand(t("palette.vote"), t("palette.vote.help", title=duel.title),
                                partial(app.open_vote, index))
        if duel.vote is not None:
            yield SystemCommand(t("palette.reveal"), t("palette.reveal.help", title=duel.title),
                                partial(app.open_reveal, index))
    if not streaming:
        for i, duel in enumerate(workshop.duels):
            yield SystemCommand(t("palette.play", title=duel.title), t("palette.play.help"), partial(app.open_duel, i),
                                discover=False)
        yield SystemCommand(t("palette.final"), t("palette.final.help"), app.open_final)
    from duels_tui.ranking_view import say as ranking_say

    yield SystemCommand(ranking_say("title", t.lang), ranking_say("palette.help", t.lang), app.open_ranking)
    yield SystemCommand(t("palette.export"), t("palette.export.help"), app.export_votes)
    yield SystemCommand(t("palette.report"), t("palette.report.help"), app.write_report)
    yield SystemCommand(t("palette.lessons"), t("palette.lessons.help"), app.action_lessons)
    from duels_tui.explain.lessons import lesson_titles

    for key, title in lesson_titles(t.lang):
        yield SystemCommand(t("palette.lesson", title=title), t("palette.lesson.help"),
                            partial(app.action_lessons, key), discover=False)
    yield SystemCommand(t("palette.theme"), t("palette.theme.help"), app.action_toggle_theme)
    yield SystemCommand(t("palette.quit"), t("palette.quit.help"), app.exit)
