"""« Classement »: every session of this machine and the imported ones pooled (arena/pooled.py),
the table (score, 95 % interval, rank (UB), tier; hands, won share and energy beside) and the
frugality map. Opened over Home or the final screen (c), closed with Échap.

A model of a duel of this session not yet revealed is never on it (nor its duels): the room
would learn who plays. The ranking is computed in a thread (a thousand bootstrap resamples)."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Footer, Static

from duels_tui.ranking_view import map_axes, map_points, say, table
from duels_tui.ui.screens.base import WorkshopScreen
from duels_tui.ui.widgets.frugality_map import FrugalityMap
from duels_tui.ui.widgets.header import WorkshopHeader


class RankingScreen(WorkshopScreen):
    AUTO_FOCUS = "#ranking-table"
    BINDINGS = [Binding("escape,c", "close", "key.back")]

    def compose(self) -> ComposeResult:
        lang = self.app.t.lang
        yield WorkshopHeader()
        with VerticalScroll(id="ranking"):
            yield Static(say("title", lang), id="ranking-title", markup=False)
            yield Static(say("computing", lang), id="ranking-summary", markup=False)
            yield DataTable(id="ranking-table", cursor_type="row", zebra_stripes=True)
            yield Static(say("map.title", lang), id="ranking-map-title", markup=False)
            yield FrugalityMap(say("map.x", lang), say("map.y", lang), lang, id="ranking-map")
            yield Static("", id="ranking-notes", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.compute()

    @work(thread=True, exclusive=True, group="ranking", description="classement")
    def compute(self) -> None:
        from duels_tui.arena.pooled import pool_ranking

        workshop = self.app.workshop
        ranking = pool_ranking(workshop.store, self.app.catalog, current=workshop)
        self.app.call_from_thread(self._show, ranking)

    def _show(self, ranking) -> None:
        lang = self.app.t.lang
        view = table(ranking, lang)
        self.query_one("#ranking-summary", Static).update(view.summary)
        grid = self.query_one("#ranking-table", DataTable)
        grid.clear(columns=True)
        grid.add_columns(*view.columns)
        for row in view.rows:
            grid.add_row(*row)
        points, left_out = map_points(ranking)
        self.query_one("#ranking-map", FrugalityMap).show(points, map_axes(points))
        notes = list(view.notes)
        if not points and ranking.duels:
            notes.insert(0, say("map.none", lang))
        elif left_out:
            notes.insert(0, say("map.left_out", lang, models=", ".join(m.name for m in left_out)))
        self.query_one("#ranking-notes", Static).update("\n".join([*notes, view.method]))
        self.set_class(not points, "-no-map")
        # The focused table scrolls the page to itself: what was pooled must show first.
        self.call_after_refresh(self.query_one("#ranking", VerticalScroll).scroll_home, animate=False)

    def action_close(self) -> None:
        self.app.pop_screen()
