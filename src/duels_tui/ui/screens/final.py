"""The winning AI: candidates with utility and frugality, the rule in plain French, a chart."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from duels_tui.ui import view
from duels_tui.ui.widgets.scatter import Scatter


class FinalScreen(Screen):
    BINDINGS = [Binding("escape", "home", "Accueil")]

    def compose(self) -> ComposeResult:
        final = view.final_view(self.app.workshop, self.app.t)
        yield Header()
        with VerticalScroll(id="final"):
            yield Static(self.app.t("final.title"), id="final-title", markup=False)
            yield Static(final.winner, id="final-winner", markup=False)
            table = DataTable(id="final-table", cursor_type="row", zebra_stripes=True)
            yield table
            yield Static(final.rule, id="final-rule", markup=False)
            yield Scatter(final.points, "énergie par réponse (Wh)", "utilité (part des voix)", id="final-chart")
            yield Static(final.legend, id="final-legend", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        final = view.final_view(self.app.workshop, self.app.t)
        table = self.query_one("#final-table", DataTable)
        table.add_columns(*final.columns)
        for row in final.rows:
            table.add_row(*row)

    def action_home(self) -> None:
        self.app.open_home()
