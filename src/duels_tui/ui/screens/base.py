"""What every workshop screen shares: its footer in the interface's language (its keys closer
together on a narrow terminal), and letters that are never shortcuts while a text field has the
focus."""

from __future__ import annotations

import sys

from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Input

from duels_tui.ui.i18n import LocalizedBindings
from duels_tui.ui.textual_compat import (
    focus_without_repaint,
    forget_geometry_memos,
    forget_style_memos,
    forget_styles_memo,
    lean_compositor,
)

NARROW_BELOW = 100  # columns: below this, a narrow terminal (80x24); side by side from here
# Where Textual's TextArea lives: a widget that is one has loaded it. Importing it to ask would
# load its document model before Home's first frame, which has none (tests/ui/test_ui_keys.py
# checks the name).
TEXT_AREA_MODULE = "textual.widgets._text_area"


def takes_text(widget) -> bool:
    """Whether typing a letter would write into `widget` (a read-only text area takes none)."""
    if isinstance(widget, Input):
        return not widget.disabled
    # A module being imported (ui/collector.py's, in a thread) is in sys.modules before its classes.
    text_area = getattr(sys.modules.get(TEXT_AREA_MODULE), "TextArea", None)
    if text_area is not None and isinstance(widget, text_area):
        return not widget.read_only
    return False


class WorkshopScreen(LocalizedBindings, Screen):
    # Tab moves the focus before the next key is handed on: a key goes to the widget focused when
    # it arrives, so « 12 Tab 7 » typed faster than the screen keeps up (a loaded machine, seen in
    # tmux) wrote 127 in the first box. A priority binding acts as the key arrives.
    BINDINGS = [
        Binding("tab", "app.focus_next", show=False, priority=True),
        Binding("shift+tab", "app.focus_previous", show=False, priority=True),
    ]

    focused = focus_without_repaint()  # a change of focus restyles what it changes, not all

    def __init__(self) -> None:
        super().__init__()
        # A frame draws again only what shows in the area it repaints: the duel's panes as they
        # stream, a count box's cursor as it blinks (the vote screen, left while the room votes,
        # took 2 % of a core for its blinking cursor; textual_compat.lean_compositor says how).
        self._compositor = lean_compositor()

    def on_mount(self) -> None:
        self._fit_footer()

    def on_resize(self) -> None:
        self._fit_footer()

    def on_unmount(self) -> None:
        # Textual's memos of geometry and styles (lru_caches) keep what the screens gone drew:
        # after a reveal, 1,500 objects of the vote's and the duel's, walked by each full
        # collection (bench/ui_bench.py's memory part), and rich's and Textual's memos of style
        # arithmetic 2,000 at the twelfth reveal. The next screen fills them again with its own.
        forget_styles_memo()
        forget_geometry_memos()
        forget_style_memos()

    def _fit_footer(self) -> None:
        # At 80 columns the reveal's and the final's footers ran past the edge, F1 and ctrl+t cut
        # off: there, a compact footer (no padding around each key) without the palette's key on
        # the right (Home's line of keys says ctrl+p).
        narrow = self.size.width < NARROW_BELOW
        for footer in self.query(Footer):
            footer.compact = narrow
            if footer.show_command_palette == narrow:  # read when the footer composes its keys
                footer.show_command_palette = not narrow
                footer.refresh(recompose=True)

    def letter_actions(self) -> set[str]:
        """The actions this screen binds to a single printable key ("v", "p")."""
        return {
            binding.action.split("(")[0]
            for cls in type(self).__mro__
            for binding in vars(cls).get("BINDINGS", ())
            if isinstance(binding, Binding) and any(len(key.strip()) == 1 for key in binding.key.split(","))
        }

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # A text field with the focus takes the letters (Textual gives them to it first); its
        # letters' shortcuts leave the footer meanwhile, so it never shows a key that types.
        return not (takes_text(self.focused) and action in self.letter_actions())

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

    def on_descendant_blur(self) -> None:
        self.refresh_bindings()
