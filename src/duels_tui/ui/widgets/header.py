"""The screens' header: Textual's own, without a crash when its screen is left at once, and
without outliving its screen."""

from __future__ import annotations

import contextlib

from textual import events
from textual.css.query import NoMatches
from textual.dom import NoScreen
from textual.widgets import Header

from duels_tui.ui.textual_compat import forget_watchers, mount_as_widget


class WorkshopHeader(Header):
    """Textual's Header sets its title from watchers of the app's and the screen's titles, the
    first time in a call scheduled when it mounts. When its screen is left at once (v then a
    typed in one go: the vote screen gives way to the reveal before its header got its title),
    that call finds the title widget gone and the app crashed on NoMatches. Here a header that
    is gone is left alone."""

    def _on_mount(self, event: events.Mount) -> None:
        event.prevent_default()  # replaces Header._on_mount
        mount_as_widget(self, event)

        async def set_title() -> None:
            with contextlib.suppress(NoScreen, NoMatches):
                self.query_one("HeaderTitle").update(self.format_title())  # type: ignore[attr-defined]

        self.watch(self.app, "title", set_title)
        self.watch(self.app, "sub_title", set_title)
        self.watch(self.screen, "title", set_title)
        self.watch(self.screen, "sub_title", set_title)

    def on_unmount(self) -> None:
        """Textual drops a watcher of the app only when that attribute next changes, and the app's
        title is set once: each header gone with its screen (duel, vote, reveal...) stayed alive,
        with its last picture, for as long as the app ran. Forget this one's now."""
        forget_watchers(self.app, self, ("title", "sub_title"))
