"""The screens' header: Textual's own, without a crash when its screen is left at once, and
without outliving its screen."""

from __future__ import annotations

import contextlib

from textual import events
from textual.css.query import NoMatches
from textual.dom import NoScreen
from textual.widget import Widget
from textual.widgets import Header


class WorkshopHeader(Header):
    """Textual's Header sets its title from watchers of the app's and the screen's titles, the
    first time in a call scheduled when it mounts. When its screen is left at once (v then a
    typed in one go: the vote screen gives way to the reveal before its header got its title),
    that call finds the title widget gone and the app crashed on NoMatches. Here a header that
    is gone is left alone."""

    def _on_mount(self, event: events.Mount) -> None:
        event.prevent_default()  # replaces Header._on_mount (and calls Widget's below)
        Widget._on_mount(self, event)

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
        watchers = getattr(self.app, "__watchers", {})  # where textual.reactive keeps them
        for name in ("title", "sub_title"):
            if name in watchers:
                watchers[name][:] = [(node, callback) for node, callback in watchers[name] if node is not self]
