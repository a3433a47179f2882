"""A duel: the prompt (editable before launch), two anonymous panes streaming at once, follow-ups.

The engine runs in a worker (arena.play.play_turn), which tells the screen of each event it
applies; the screen schedules the frame that will show it, and the panes are redrawn from arena
state when that frame is due (`frame_due`): one render per frame, not one per token, and few
frames while tokens trickle in."""

from __future__ import annotations

import time
from functools import partial

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.timer import Timer
from textual.widgets import Button, Input, Static, TextArea
from textual.worker import Worker, WorkerState

from duels_tui.engine.events import ReasoningDelta, StreamEvent, TextDelta, Usage
from duels_tui.ui import collector, view
from duels_tui.ui.screens.base import NARROW_BELOW, WorkshopScreen
from duels_tui.ui.textual_compat import forget_closed_watchers, one_shot_timer, post_refreshes
from duels_tui.ui.widgets.answer_pane import AnswerPane
from duels_tui.ui.widgets.footer import WorkshopFooter
from duels_tui.ui.widgets.header import WorkshopHeader

# A loading model's seconds, a preload's end, a turn that begins: checked 4 times a second (0.3 %
# of a core). The answers' events schedule their own frames: checked 50 times a second while they
# streamed, the progress cost 1 to 2 % of a core in timer ticks alone (a bare Textual app with a
# 50 Hz timer doing nothing used 1.15 % of a core here).
IDLE_REFRESH_S = 0.25
MIN_FRAME_S = 0.04  # frames no closer than this (25 frames/s at most) ...
FRAME_SHARE = 4  # ... nor than 4 times what the last one cost: the engine needs the loop too
# New text waits this long for its frame: 5 frames a second at most, however fast the answers come.
# Each frame lays out and repaints both panes, so on a fast stream (the embedded engine's 60 to
# 100 tokens/s, a cloud model's hundreds) more frames cost CPU the models need on a 2-core laptop,
# for words that come in groups anyway: a frame once 64 characters waited drew 10 to 12 frames a
# second there (bench/ui_bench.py's local and ceiling parts).
MAX_WAIT_S = 0.2
# A new turn is drawn before its requests are sent (`_begun`): its frame, then what that frame
# sets off (the footer's new keys, the panes' second layout once the follow-up box shows), at
# most this many screen updates, none begun after this long: then the requests go.
BEGUN_REFRESHES, BEGUN_WAIT_S = 3, 0.25
SHORT_BELOW = 30  # rows: below this, the launched question loses its frame

# What changes what the panes show, read cheaply from arena state: the number of turns, then per
# side of the last turn (status, length of the text, length of the reasoning), then the second
# shown while a model loads or waits (0 when none does).
Progress = tuple[int, tuple[tuple[str, int, int], ...], int]


def frame_due(now: float, *, waiting_since: float | None, not_before: float) -> bool:
    """Whether the panes should be redrawn now: once new text has waited MAX_WAIT_S. Each frame
    lays out and repaints both panes (5 to 20 ms on 2 cores, measured, however little text it
    adds): at 25 tokens/s a pane shows 5 tokens at a time 5 times a second, not 1 token 25 times
    a second (on a projector, words still come as they are written; at 9 frames a second the
    display took a fifth of a core, bench/ui_bench.py's pace). An answer that starts or ends is
    shown at once by the caller, so the last tokens never wait."""
    if waiting_since is None or now < not_before:
        return False
    return now - waiting_since >= MAX_WAIT_S


class DuelScreen(WorkshopScreen):
    """No single-letter shortcut here: the prompt and the follow-up box take every letter typed.
    The footer shows only the keys that act now (check_action)."""

    AUTO_FOCUS = None  # focus is chosen in on_mount: the prompt before launch, the follow-up after
    BINDINGS = [
        Binding("f5", "launch", "key.launch", priority=True),
        Binding("ctrl+v", "vote", "key.vote", priority=True),
        Binding("ctrl+r", "retry", "key.retry", priority=True),
        Binding("escape", "cancel", "key.stop"),
        Binding("escape", "home", "key.home"),
    ]

    def __init__(self, index: int) -> None:
        super().__init__()
        self.index = index
        self._worker: Worker | None = None
        self._turn_open = False  # from the launch until the screen hears of the turn's end
        self._not_before = 0.0  # no frame before this time (monotonic)
        self._shown: Progress = (0, (), 0)  # the progress the panes show
        self._waiting_since: float | None = None  # when progress not yet shown was first seen
        self._panes: dict[str, AnswerPane] = {}  # by side, once mounted
        self._frame_timer: Timer | None = None  # the frame scheduled, and when (monotonic)
        self._frame_at = 0.0

    @property
    def duel(self):
        return self.app.workshop.duels[self.index]

    def compose(self) -> ComposeResult:
        t = self.app.t
        yield WorkshopHeader()
        with Vertical(id="duel"):
            yield Static("", id="duel-title", markup=False)
            yield Static("", id="duel-engine", markup=False)
            with Horizontal(id="prompt-row"):
                prompt = view.prompt_text(self.duel)
                if not view.has_started(self.duel):
                    prompt = self.app.drafts.get((self.duel.duel_id, "prompt"), prompt)
                yield TextArea(prompt, id="prompt", soft_wrap=True, show_line_numbers=False)
                yield Button(t("duel.launch"), id="launch", variant="primary")
            yield Static("", id="history", markup=False)
            with Horizontal(id="panes"):
                yield AnswerPane(t("model.a"), id="pane-a")
                yield AnswerPane(t("model.b"), id="pane-b")
            draft = self.app.drafts.get((self.duel.duel_id, "follow-up"), "")
            yield Input(draft, placeholder=t("duel.follow_up"), id="follow-up")
        yield WorkshopFooter()

    def on_mount(self) -> None:
        self.query_one("#duel-title", Static).update(view.duel_title(self.app.workshop, self.index))
        engine = view.duel_engine_line(self.app.workshop, self.index, self.app.engine_failure, self.app.t)
        self.query_one("#duel-engine", Static).update(engine)
        self.query_one("#duel-engine", Static).display = bool(engine)
        self._apply_layout()
        self._sync_controls()
        self._panes = {side: self.query_one(f"#pane-{side.lower()}", AnswerPane) for side in "AB"}
        self.set_interval(IDLE_REFRESH_S, self.refresh_panes, name="attente")
        if view.has_started(self.duel):
            self.query_one("#follow-up", Input).focus()
        else:
            self.query_one("#prompt", TextArea).focus()
            self.app.preload(self.index)  # the models load while the facilitator introduces the duel
        self.call_after_refresh(partial(self.refresh_panes, now=True))

    def on_resize(self) -> None:
        self._apply_layout()

    def on_unmount(self) -> None:
        # WorkshopScreen.on_unmount (screens/base.py) empties Textual's memos for every screen.
        forget_closed_watchers(self.app, ("theme",))  # the prompts of the duels gone stayed in memory
        collector.stream_ended()  # a turn left while it streamed

    def _apply_layout(self) -> None:
        self.set_class(self.size.width < NARROW_BELOW, "-narrow")
        self.set_class(self.size.height < SHORT_BELOW, "-short")

    @property
    def streaming(self) -> bool:
        """From the launch until the screen hears that the turn has ended, not while the worker
        runs: its state changes first, and the screen hears of it in a message. A key acting in
        between (ctrl+v as the last token came) left the screen to end its turn on widgets gone
        (NoMatches '#prompt', the app stopped; seen in a CI run under load)."""
        return self._turn_open

    def _answering(self) -> bool:
        return self._worker is not None and self._worker.state in (WorkerState.PENDING, WorkerState.RUNNING)

    def _sync_controls(self) -> None:
        # A launch changes the controls at once, while the panes are still empty: the restyles
        # it causes then cost nothing (after a long answer, they cost 0.1 to 0.3 s, measured).
        started = view.has_started(self.duel) or self.streaming
        prompt = self.query_one("#prompt", TextArea)
        prompt.read_only = started
        prompt.cursor_blink = not started  # a read-only prompt's blink repainted the screen twice a second
        prompt.set_class(started, "-started")  # on the screen, it would restyle both answers too
        self.query_one("#launch", Button).display = not started
        # The follow-up box is there from the launch on: a question typed while the answers
        # stream waits in it (Enter sends it once they end). Before, its row is kept, empty: the
        # panes keep their size at the launch (below a prompt of one line), and its frame redraws
        # the controls, not both panes whole (9 ms of the launch's 15, bench/ui_bench.py's pace).
        follow_up = self.query_one("#follow-up", Input)
        follow_up.visible = started
        # While answers stream, the cursor waiting in it stays lit: its blink repainted the
        # screen twice a second between the panes' frames (bench/ui_bench.py's paint log).
        follow_up.cursor_blink = not self.streaming
        history = view.history_line(self.duel, self.app.t)
        self.query_one("#history", Static).update(history)
        self.query_one("#history", Static).display = bool(history)

    async def refresh_panes(self, *, now: bool = False) -> None:
        """Bring both panes up to the arena state when a frame is due (see `frame_due`); at once
        when `now` or when an answer starts or ends."""
        began = time.monotonic()
        progress = self._progress()
        if progress == self._shown and not now:
            return
        (turns, sides, tick), (shown_turns, shown_sides, shown_tick) = progress, self._shown
        changed = turns != shown_turns or [side[0] for side in sides] != [side[0] for side in shown_sides]
        changed = changed or tick != shown_tick
        if not (now or changed):  # an answer that starts or ends is shown at once
            if self._waiting_since is None:
                self._waiting_since = began
            if not frame_due(began, waiting_since=self._waiting_since, not_before=self._not_before):
                # too soon after the last frame (FRAME_SHARE): the text waits for the next one
                self._schedule_frame(max(self._waiting_since + MAX_WAIT_S, self._not_before), began)
                return
        self._shown, self._waiting_since = progress, None
        if self._frame_timer is not None:  # this frame shows what it waited for
            self._frame_timer.stop()
            self._frame_timer = None
        self._not_before = began + MIN_FRAME_S
        t = self.app.t
        self.app.workshop.commit_stream()  # the screen never shows what the database does not hold
        with self.app.batch_update():  # both panes in one layout and one repaint
            for side, pane in self._panes.items():  # found once: a query matched selectors at every frame
                state = view.pane_state(self.duel, side, t, now=began, preload=self.app.preload_state(self.index, side))
                await pane.sync(state, t)
                post_refreshes(pane)  # the whole frame in the screen's next update, not in two

        def painted() -> None:
            self._not_before = max(self._not_before, began + FRAME_SHARE * (time.monotonic() - began))

        self.call_after_refresh(painted)

    def _progress(self) -> Progress:
        """Read in microseconds on every tick, where building the panes' states costs a copy of
        the whole conversation."""
        turns = self.duel.turns
        if not turns:
            return (0, (), self.app.preload_tick(self.index))
        answers = turns[-1].answers.values()
        tick = 0
        if any(a.waiting for a in answers):
            tick = int(time.monotonic())
        return len(turns), tuple((a.status.value, len(a.text), len(a.reasoning)) for a in answers), tick

    # actions -------------------------------------------------------------------------------

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        if event.text_area.id == "prompt" and not (self.streaming or view.has_started(self.duel)):
            self.app.drafts[(self.duel.duel_id, "prompt")] = event.text_area.text

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "follow-up":  # emptied when it is sent
            self.app.drafts[(self.duel.duel_id, "follow-up")] = event.value

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "launch":
            self.action_launch()

    def action_launch(self) -> None:
        if self.streaming or view.has_started(self.duel):
            return
        text = self.query_one("#prompt", TextArea).text.strip()
        if not text:
            self.notify(self.app.t("duel.empty_prompt"), severity="error")
            return
        self.app.workshop.set_prompt(self.index, text)
        self.app.drafts.pop((self.duel.duel_id, "prompt"), None)
        self._play(follow_up=None)
        self.query_one("#follow-up", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "follow-up":
            return
        if self.streaming:
            self.notify(self.app.t("duel.wait_answers"))
            return
        text = event.value.strip()
        if not text:
            return
        event.input.value = ""
        self._play(follow_up=text)

    def _play(self, follow_up: str | None, retry_sides: tuple[str, ...] = ()) -> None:
        collector.stream_starts()
        self._turn_open = True
        self._worker = self.play(follow_up, retry_sides)
        self._sync_controls()
        self.refresh_bindings()

    @work(exclusive=True, group="duel", description="deux réponses en cours")
    async def play(self, follow_up: str | None, retry_sides: tuple[str, ...]) -> None:
        await self.app.play_turn(self.index, follow_up=follow_up, retry_sides=retry_sides,
                                 on_applied=self._applied, on_begun=self._begun)

    async def _begun(self) -> None:
        """The turn is in arena state and its requests are not sent yet (arena/play.py's
        on_begun): it is drawn now, with the launch's controls, and the requests go once the
        screen has settled. Drawn when the first tokens came, this frame and the ones it set off
        (a layout and a repaint of the screen, the footer's keys rebuilt: 10 to 25 ms here) took
        the CPU from the models as they wrote (bench/ui_bench.py's local part). The models wait
        for it a frame or two."""
        deadline = time.monotonic() + BEGUN_WAIT_S
        await self.refresh_panes(now=True)
        # Each wait ends at the screen's next update, or at once when it has none to make (its
        # idle runs the callbacks). No timeout handle: armed in the worker's context, it kept the
        # screen alive until its time once cancelled (see engine/duel.py's _launch).
        for _ in range(BEGUN_REFRESHES):
            if time.monotonic() >= deadline or not self.is_attached:
                return
            await self.wait_for_refresh()

    def _applied(self, side: str, event: StreamEvent) -> None:
        """An event of the turn is in arena state (arena/play.py's on_applied): text schedules the
        frame that will show it, once MAX_WAIT_S is up (nothing more while that frame waits); an
        answer that ends or fails, a model that waits or has loaded, a turn not shown yet, are
        shown at once."""
        now = time.monotonic()
        if isinstance(event, TextDelta | ReasoningDelta | Usage) and len(self.duel.turns) == self._shown[0]:
            if self._frame_timer is not None:
                return
            if self._waiting_since is None:
                self._waiting_since = now
            self._schedule_frame(max(self._waiting_since + MAX_WAIT_S, self._not_before), now)
        else:
            self._schedule_frame(now, now, urgent=True)

    def _schedule_frame(self, at: float, now: float, *, urgent: bool = False) -> None:
        """A frame at `at` (monotonic), unless one comes sooner already."""
        if self._frame_timer is not None:
            if self._frame_at <= at:
                return
            self._frame_timer.stop()
        self._frame_at = at
        # not set_timer, which could drop a frame due now on a busy machine (see one_shot_timer)
        frame = partial(self._scheduled_frame, urgent)
        self._frame_timer = one_shot_timer(self, max(0.0, at - now), frame, name="image")

    async def _scheduled_frame(self, urgent: bool) -> None:
        self._frame_timer = None
        await self.refresh_panes(now=urgent)

    async def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker is not self._worker:
            return
        if event.state == WorkerState.ERROR:
            key = "duel.unexpected.retry" if view.retryable_sides(self.duel) else "duel.unexpected"
            self.notify(self.app.t(key, error=event.worker.error), severity="error", timeout=10)
        if event.state in (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED):
            self._turn_open = False  # the keys act from here; the controls change after the frame
            if not self.is_attached:  # the screen went while the answers streamed (Home, the palette)
                return
            # The last tokens reach the screen first; the controls change after that frame (a
            # restyle and a new footer: about 0.1 s here, which the last tokens used to wait for).
            await self.refresh_panes(now=True)
            self.call_after_refresh(self._turn_ended)

    def _turn_ended(self) -> None:
        collector.stream_ended()
        if not self.is_attached:  # ctrl+v pressed before this frame came: the vote is shown
            return
        self._sync_controls()
        self.refresh_bindings()
        # The next thing typed is a follow-up question: letters are never shortcuts here.
        self.query_one("#follow-up", Input).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The keys that act now, and only those in the footer: Esc stops the answers while they
        stream and goes home otherwise; ctrl+r only when an answer can be retried."""
        started = view.has_started(self.duel)
        if action == "launch":
            return not started and not self.streaming
        if action == "cancel":
            return self.streaming
        if action == "home":
            return not self.streaming
        if action == "retry":
            return not self.streaming and bool(view.retryable_sides(self.duel))
        if action == "vote":  # dimmed while the answers stream: it will act once they end
            return None if self.streaming else started
        return super().check_action(action, parameters)

    def action_cancel(self) -> None:
        if self._answering():
            self._worker.cancel()

    def action_retry(self) -> None:
        sides = view.retryable_sides(self.duel)
        if sides and not self.streaming:
            self._play(follow_up=None, retry_sides=sides)

    def action_vote(self) -> None:
        self.app.open_vote(self.index)

    def action_home(self) -> None:
        if self._answering():
            self._worker.cancel()
        self.app.open_home()
