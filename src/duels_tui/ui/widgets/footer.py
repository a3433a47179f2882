"""The screens' footer: Textual's own, rebuilt only when the keys it shows change."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey  # not exported by Textual

from duels_tui.ui.textual_compat import footer_bindings_ready, update_footer_keys


class WorkshopFooter(Footer):
    """Textual's Footer recomposes itself (a new widget per key, each restyled) whenever its screen
    says its bindings may have changed: on every focus change, every `refresh_bindings`. On the
    duel screen that was six rebuilds a turn, a third of what a short answer cost (measured with
    cProfile). Here the footer changes only when what it would show differs, and its keys are
    updated in place when they are as many and of the same kinds (textual_compat.update_footer_keys)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._shown: tuple | None = None

    def compose(self) -> ComposeResult:
        # A key starts compact and takes the footer's `compact` once mounted (data_bind): two
        # restyles of each key, each walking the stylesheet, every time the footer is built (a
        # tenth of Home's styling before its first frame). Each key is made as it will be shown.
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                if not widget.has_class("-command-palette"):  # the one key Footer does not bind
                    widget.set_reactive(FooterKey.compact, self.compact)
                widget.set_class(widget.compact, "-compact", update=False)
            yield widget

    def bindings_changed(self, screen: Screen) -> None:
        if screen.app.app_focus and self.is_attached and screen is self.screen:  # Footer would rebuild
            shown = self._what_it_shows(screen)
            if footer_bindings_ready(self) and shown == self._shown:
                return
            self._shown = shown
            # The same keys with other labels or states (F5, an answer's end): updated in place.
            if footer_bindings_ready(self) and update_footer_keys(self):
                return
        super().bindings_changed(screen)

    def _what_it_shows(self, screen: Screen) -> tuple:
        """What `Footer.compose` reads from the bindings: each shown key with its label, state,
        tooltip and group, and the command palette's key."""
        return tuple(
            (key, binding.action, binding.description, binding.key_display, binding.group, enabled, tooltip)
            for key, (_, binding, enabled, tooltip) in screen.active_bindings.items()
            if binding.show or key == self.app.COMMAND_PALETTE_BINDING
        )
