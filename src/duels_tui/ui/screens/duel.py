"""A duel: the prompt (editable before launch), two anonymous panes streaming at once, follow-ups.

The engine runs in a worker (arena.play.play_turn); panes are refreshed on a short timer from
arena state, so a fast stream costs one render per tick, not one per token."""

from __future__ import annotations

import time
from functools import partial

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Footer, Input, Static, TextArea
from textual.worker import Worker, WorkerState

from duels_tui.ui import view
from duels_tui.ui.screens.base import WorkshopScreen
from duels_tui.ui.widgets.answer_pane import AnswerPane
from duels_tui.ui.widgets.header import WorkshopHeader

REFRESH_S = 0.04  # panes follow the stream at 25 frames/s at most
FRAME_SHARE = 4  # ... and fewer when a frame costs more than a quarter of that time
NARROW_BELOW = 100  # columns: panes side by side from here, stacked below


class DuelScreen(WorkshopScreen):
    AUTO_FOCUS = None  # focus is chosen in on_mount: the prompt before launch, nothing after
    BINDINGS = [
        Binding("f5", "launch", "Lancer", priority=True),
        Binding("escape", "cancel", "Arrêter"),
        Binding("ctrl+r", "retry", "Relancer", priority=True),
        Binding("r", "retry", "Relancer", show=False),
        Binding("ctrl+v", "vote", "Voter", priority=True),
        Binding("v", "vote", "Voter", show=False),
        Binding("ctrl+h", "home", "Accueil", priority=True),
    ]

    def __init__(self, index: int) -> None:
        super().__init__()
        self.index = index
        self._worker: Worker | None = None
        self._next_refresh = 0.0
        self._shown_statuses: tuple[str, ...] = ()

    @property
    def duel(self):
        return self.app.workshop.duels[self.index]

    def compose(self) -> ComposeResult:
        t = self.app.t
        yield WorkshopHeader()
        with Vertical(id="duel"):
            yield Static("", id="duel-title", markup=False)
            with Horizontal(id="prompt-row"):
                yield TextArea(view.prompt_text(self.duel), id="prompt", soft_wrap=True, show_line_numbers=False)
                yield Button(t("duel.launch"), id="launch", variant="primary")
            yield Static("", id="history", markup=False)
            with Horizontal(id="panes"):
                yield AnswerPane(t("model.a"), id="pane-a")
                yield AnswerPane(t("model.b"), id="pane-b")
            yield Input(placeholder=t("duel.follow_up"), id="follow-up")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#duel-title", Static).update(view.duel_title(self.app.workshop, self.index))
        self._apply_layout()
        self._sync_controls()
        self.set_interval(REFRESH_S, self.refresh_panes)
        if not view.has_started(self.duel):
            self.query_one("#prompt", TextArea).focus()
        self.call_after_refresh(partial(self.refresh_panes, now=True))

    def on_resize(self) -> None:
        self._apply_layout()

    def _apply_layout(self) -> None:
        self.set_class(self.size.width < NARROW_BELOW, "-narrow")

    @property
    def streaming(self) -> bool:
        return self._worker is not None and self._worker.state in (WorkerState.PENDING, WorkerState.RUNNING)

    def _sync_controls(self) -> None:
        started = view.has_started(self.duel)
        prompt = self.query_one("#prompt", TextArea)
        prompt.read_only = started
        self.query_one("#launch", Button).display = not started
        follow = self.query_one("#follow-up", Input)
        follow.display = started
        follow.disabled = self.streaming
        history = view.history_line(self.duel, self.app.t)
        self.query_one("#history", Static).update(history)
        self.query_one("#history", Static).display = bool(history)
        self.set_class(started, "-started")

    async def refresh_panes(self, *, now: bool = False) -> None:
        """Bring both panes up to the arena state. A timer tick is skipped while the last
        refresh's cost says the display would take more than 1/FRAME_SHARE of the time: a long
        answer streaming fast costs 20 ms a frame here, and the engine needs the loop too."""
        began = time.monotonic()
        ended = self._statuses() != self._shown_statuses  # an answer just ended: show it at once
        if not now and not ended and began < self._next_refresh:
            return
        self._next_refresh = began + REFRESH_S
        self._shown_statuses = self._statuses()
        t = self.app.t
        for side, pane_id in (("A", "#pane-a"), ("B", "#pane-b")):
            await self.query_one(pane_id, AnswerPane).sync(view.pane_state(self.duel, side, t), t)

        def painted() -> None:
            self._next_refresh = max(self._next_refresh, began + FRAME_SHARE * (time.monotonic() - began))

        self.call_after_refresh(painted)

    def _statuses(self) -> tuple[str, ...]:
        turns = self.duel.turns
        return tuple(answer.status.value for answer in turns[-1].answers.values()) if turns else ()

    # actions -------------------------------------------------------------------------------

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "launch":
            self.action_launch()

    def action_launch(self) -> None:
        if self.streaming or view.has_started(self.duel):
            return
        text = self.query_one("#prompt", TextArea).text.strip()
        if not text:
            self.notify(self.app.t.phrase("La question est vide : écrivez-la avant de lancer."), severity="error")
            return
        self.app.workshop.set_prompt(self.index, text)
        self._play(follow_up=None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "follow-up" or self.streaming:
            return
        text = event.value.strip()
        if not text:
            return
        event.input.value = ""
        self._play(follow_up=text)

    def _play(self, follow_up: str | None, retry_sides: tuple[str, ...] = ()) -> None:
        self._worker = self.play(follow_up, retry_sides)
        self._sync_controls()

    @work(exclusive=True, group="duel", description="deux réponses en cours")
    async def play(self, follow_up: str | None, retry_sides: tuple[str, ...]) -> None:
        await self.app.play_turn(self.index, follow_up=follow_up, retry_sides=retry_sides)

    async def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker is not self._worker:
            return
        if event.state == WorkerState.ERROR:
            self.notify(
                f"Erreur inattendue : {event.worker.error}. Les réponses déjà reçues sont "
                "enregistrées ; r pour relancer.",
                severity="error",
                timeout=10,
            )
        if event.state in (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED):
            # The last tokens reach the screen first; the controls change after that frame (a
            # restyle and a new footer: about 0.1 s here, which the last tokens used to wait for).
            await self.refresh_panes(now=True)
            self.call_after_refresh(self._turn_ended)

    def _turn_ended(self) -> None:
        self._sync_controls()
        # No input keeps the focus: letters act at once (v to vote, r to retry); Tab or a
        # click reaches the follow-up box.
        self.set_focus(None)

    def action_cancel(self) -> None:
        if self.streaming and self._worker is not None:
            self._worker.cancel()
        else:
            self.action_home()

    def action_retry(self) -> None:
        if self.streaming:
            return
        sides = view.retryable_sides(self.duel)
        if not sides:
            self.notify(self.app.t.phrase("Rien à relancer : les deux réponses sont complètes."))
            return
        self._play(follow_up=None, retry_sides=sides)

    def action_vote(self) -> None:
        if self.streaming:
            self.notify(self.app.t.phrase("Attendez la fin des réponses (Échap pour les arrêter)."))
            return
        if not view.has_started(self.duel):
            self.notify(self.app.t.phrase("Lancez d'abord le duel (F5)."))
            return
        self.app.open_vote(self.index)

    def action_home(self) -> None:
        if self.streaming and self._worker is not None:
            self._worker.cancel()
        self.app.open_home()
