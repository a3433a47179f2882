"""Asked before a vote replaces the one a duel already has: a correction, or a key pressed by
mistake (12, 8, 3 and 1 hands becoming one hand for A). Keys first: o replaces, n or Échap keeps
the old vote; Enter takes the focused button, « keep » at first."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from duels_tui.ui.i18n import LocalizedBindings


class ReplaceVoteScreen(LocalizedBindings, ModalScreen[bool]):
    """Dismissed with True to replace the vote, False to keep it."""

    BINDINGS = [
        Binding("o,y", "answer(True)", "key.replace"),
        Binding("n,escape", "answer(False)", "key.keep"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        t = self.app.t
        with Vertical(id="replace-vote"):
            yield Static(t("vote.replace.title"), id="replace-vote-title", markup=False)
            yield Static(self.question, id="replace-vote-question", markup=False)
            with Horizontal(id="replace-vote-buttons"):
                yield Button(t("vote.replace.yes"), id="replace", variant="warning")
                yield Button(t("vote.replace.no"), id="keep", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#keep", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "replace")

    def action_answer(self, replace: bool) -> None:
        self.dismiss(replace)
