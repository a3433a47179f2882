"""The reveal: who A and B were, what each answer cost, and how they compare."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Digits, Static
from textual.worker import Worker, WorkerState

from duels_tui.explain.session import revealed_duels
from duels_tui.ui import view
from duels_tui.ui.screens.base import NARROW_BELOW, WorkshopScreen
from duels_tui.ui.widgets.charts import BarChart, session_chart_data, session_charts
from duels_tui.ui.widgets.footer import WorkshopFooter
from duels_tui.ui.widgets.header import WorkshopHeader
from duels_tui.ui.widgets.size_scale import SizeScale

# Up to this many revealed duels the charts are drawn with the reveal (a workshop has three to
# ten; 3,000 took 6 s of CPU here); beyond, computed in a thread while the reveal is shown.
CHARTS_AT_ONCE_UP_TO = 60


class RevealSide(Vertical):
    def __init__(self, side_view: view.RevealSideView) -> None:
        super().__init__(classes="reveal-side")
        self.side_view = side_view

    def compose(self) -> ComposeResult:
        v = self.side_view
        yield Static(v.title, classes="reveal-name", markup=False)
        yield SizeScale(v.scale_labels, v.size_class, classes="reveal-scale")
        # One Static for all the card's lines, one for all the impact's, as many lines on screen
        # as a Static each (an empty one is a line too): each widget is some 140 objects that
        # every full collection walks while the reveal shows (bench/ui_bench.py's memory part).
        if v.card_lines:
            yield Static("\n".join(v.card_lines), classes="reveal-line", markup=False)
        with Horizontal(classes="figures"):
            for caption, value in v.figures:
                with Vertical(classes="figure"):
                    yield Static(caption, classes="figure-caption", markup=False)
                    yield Digits(value, classes="figure-digits")
        if v.impact_lines:
            yield Static("\n".join(v.impact_lines), classes="reveal-impact", markup=False)


class RevealScreen(WorkshopScreen):
    BINDINGS = [
        Binding("n", "next", "key.next_duel"),
        Binding("f", "final", "key.final"),
        Binding("d", "duel", "key.duel_again"),
        Binding("escape", "home", "key.home"),
    ]

    def __init__(self, index: int) -> None:
        super().__init__()
        self.index = index
        # The session's charts read one impact per revealed duel: a session resumed with thousands
        # of them would open on a blank screen for seconds (issue 12), so they come afterwards.
        self._charts_at_once = len(revealed_duels(self.app.workshop)) <= CHARTS_AT_ONCE_UP_TO

    def compose(self) -> ComposeResult:
        reveal = view.reveal_view(self.app.workshop, self.index, self.app.t)
        yield WorkshopHeader()
        with VerticalScroll(id="reveal"):
            yield Static(reveal.title, id="reveal-title", markup=False)
            yield Static(reveal.comparison, id="reveal-comparison", markup=False)
            with Horizontal(id="reveal-sides"):
                for side_view in reveal.sides:
                    yield RevealSide(side_view)
            if self._charts_at_once:
                yield from session_charts(self.app.workshop, self.app.t.lang)
            else:
                yield Static(self.app.t("reveal.charts_loading"), id="charts-loading", markup=False)
            yield Static(reveal.footer, id="reveal-footer", markup=False)
        yield WorkshopFooter()

    def on_mount(self) -> None:
        self.set_class(self.size.width < NARROW_BELOW, "-narrow")
        if not self._charts_at_once:
            workshop, lang = self.app.workshop, self.app.t.lang
            self.run_worker(lambda: session_chart_data(workshop, lang), thread=True, group="charts",
                            exit_on_error=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "charts" or event.state not in (WorkerState.SUCCESS, WorkerState.ERROR):
            return
        loading = self.query_one("#charts-loading", Static)
        if event.state is WorkerState.ERROR:  # the reveal itself is shown: the charts are a bonus
            loading.update(self.app.t("reveal.charts_failed"))
            return
        self.query_one("#reveal", VerticalScroll).mount_all(
            [BarChart(chart, classes="session-chart") for chart in event.worker.result], before=loading
        )
        loading.remove()

    def on_resize(self) -> None:
        self.set_class(self.size.width < NARROW_BELOW, "-narrow")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "next":  # after the last duel, f (the winning AI) is what comes next
            return self.index + 1 < len(self.app.workshop.duels)
        return super().check_action(action, parameters)

    def action_next(self) -> None:
        self.app.open_duel(self.index + 1)

    def action_final(self) -> None:
        self.app.open_final()

    def action_duel(self) -> None:
        self.app.open_duel(self.index)

    def action_home(self) -> None:
        self.app.open_home()
