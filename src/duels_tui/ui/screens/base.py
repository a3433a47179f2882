"""What every workshop screen shares: its footer in the interface's language."""

from __future__ import annotations

from textual.screen import Screen

from duels_tui.ui.i18n import localize_bindings


class WorkshopScreen(Screen):
    def on_mount(self) -> None:
        # Textual runs this before a subclass's own on_mount (handlers are called along the MRO).
        localize_bindings(self, self.app.t)
