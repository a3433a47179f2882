"""The winning AI: candidates with utility and frugality, the rule in plain French, a chart;
the weights can be changed and a final show of hands among the candidates overrides the rule."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, DataTable, Input, Static

from duels_tui.arena.final import RuleError
from duels_tui.arena.votes import VoteError, parse_count
from duels_tui.ui import view
from duels_tui.ui.screens.base import NARROW_BELOW, WorkshopScreen
from duels_tui.ui.widgets.charts import session_charts
from duels_tui.ui.widgets.footer import WorkshopFooter
from duels_tui.ui.widgets.header import WorkshopHeader
from duels_tui.ui.widgets.scatter import Scatter


class FinalScreen(WorkshopScreen):
    AUTO_FOCUS = "#final"  # the page: visible, and ↑ ↓ scroll it (the table is only read)
    BINDINGS = [
        Binding("escape", "home", "key.home"),
        Binding("v", "final_vote", "key.final_vote"),
        Binding("p", "weights", "key.weights"),
        Binding("r", "report", "key.report"),
        Binding("c", "ranking", "key.ranking"),
    ]
    _narrow: bool | None = None  # whether the table has its short column names (below NARROW_BELOW)

    def compose(self) -> ComposeResult:
        workshop = self.app.workshop
        final = view.final_view(workshop, self.app.t)
        yield WorkshopHeader()
        with VerticalScroll(id="final"):
            yield Static(self.app.t("final.title"), id="final-title", markup=False)
            yield Static(final.winner, id="final-winner", markup=False)
            yield DataTable(id="final-table", cursor_type="none", zebra_stripes=True)
            yield Static(final.rule, id="final-rule", markup=False)
            t = self.app.t
            caption = t("final.log_axis", x=t("final.axis_energy"), y=t("final.axis_utility"))
            yield Scatter(final.points, caption, t.lang, id="final-chart")
            yield Static(final.legend, id="final-legend", markup=False)
            yield from session_charts(workshop, t.lang)
            yield Static(t("final.weights_label"), classes="final-label", markup=False)
            with Horizontal(classes="final-row"):
                wu, wf = workshop.final_weights
                yield Input(f"{wu:g}", id="weight-utility", type="number", classes="final-input")
                yield Input(f"{wf:g}", id="weight-frugality", type="number", classes="final-input")
            yield Static(t("final.vote_label"), classes="final-label", markup=False)
            with Horizontal(id="final-votes", classes="final-row"):
                for row in view.final_candidates(workshop):
                    votes = (workshop.final_vote or {}).get(row.model_id)
                    yield Input("" if votes is None else str(votes),
                                placeholder=t("final.candidate_box", name=row.name),
                                id=f"fv-{view.dom_id(row.model_id)}", type="integer", classes="final-input")
            with Horizontal(classes="final-row"):
                yield Button(t("final.apply"), id="final-apply", variant="primary")
                yield Button(t("final.clear"), id="final-clear")
            yield Static("", id="final-error", markup=False)
        yield WorkshopFooter()

    def on_mount(self) -> None:
        self.query_one("#final-table", DataTable).can_focus = False
        self._show(self._final_view())
        # The page is taller than the screen (the charts): the room sees the winner's line first.
        self.call_after_refresh(self.query_one("#final", VerticalScroll).scroll_home, animate=False)

    def on_resize(self) -> None:
        if self._narrow != (self.size.width < NARROW_BELOW):
            self._show(self._final_view())

    def _final_view(self) -> view.FinalView:
        self._narrow = self.size.width < NARROW_BELOW  # short column names: the table fits 80 columns
        return view.final_view(self.app.workshop, self.app.t, narrow=self._narrow)

    def _show(self, final: view.FinalView) -> None:
        table = self.query_one("#final-table", DataTable)
        table.clear(columns=True)
        if final.columns:
            table.add_columns(*final.columns)
            for row in final.rows:
                table.add_row(*row)
        self.query_one("#final-winner", Static).update(final.winner)
        self.query_one("#final-rule", Static).update(final.rule)
        chart = self.query_one("#final-chart", Scatter)
        chart.points = final.points
        chart.refresh()
        self.query_one("#final-legend", Static).update(final.legend)

    def _apply(self, clear_vote: bool = False) -> None:
        workshop = self.app.workshop
        error = self.query_one("#final-error", Static)
        try:
            weights = (float(self.query_one("#weight-utility", Input).value or 0),
                       float(self.query_one("#weight-frugality", Input).value or 0))
            votes: dict[str, int] = {}
            for row in view.final_candidates(workshop):
                box = self.query_one(f"#fv-{view.dom_id(row.model_id)}", Input)
                if clear_vote:
                    box.value = ""
                votes[row.model_id] = parse_count(row.name, box.value)
            final_vote = votes if any(votes.values()) else None
            workshop.set_final(weights, final_vote)
        except (RuleError, VoteError) as exc:
            error.update(f"⚠ {exc.text(self.app.t.lang)}")
            return
        except ValueError as exc:  # a weight that is no number
            error.update(f"⚠ {exc}")
            return
        error.update("")
        self._show(self._final_view())

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self._apply()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self._apply(clear_vote=event.button.id == "final-clear")

    def action_final_vote(self) -> None:
        boxes = self.query("#final-votes Input")
        if boxes:
            boxes.first().focus()

    def action_weights(self) -> None:
        self.query_one("#weight-utility", Input).focus()

    def action_report(self) -> None:
        self.app.write_report()

    def action_home(self) -> None:
        self.app.open_home()

    def action_ranking(self) -> None:
        self.app.open_ranking()
