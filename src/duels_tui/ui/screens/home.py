"""Home: the programme (each duel's state and winner), the session, and what can run now."""

from __future__ import annotations

from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import OptionList, Static

from duels_tui.ui import view
from duels_tui.ui.screens.base import NARROW_BELOW, WorkshopScreen
from duels_tui.ui.widgets.duel_list import DuelList
from duels_tui.ui.widgets.footer import WorkshopFooter
from duels_tui.ui.widgets.header import WorkshopHeader

STARTING_RECHECK_S = 1.0  # how often Home asks again while an embedded server starts


class HomeScreen(WorkshopScreen):
    BINDINGS = [
        Binding("enter", "play", "key.play", show=True),
        Binding("f", "final", "key.final"),
        # Said in the help line: in the footer it would push F1 (the cards) off an 80-column screen.
        Binding("c", "ranking", "key.ranking", show=False),
        Binding("q", "app.quit", "key.quit"),
    ]

    def compose(self) -> ComposeResult:
        t = self.app.t
        yield WorkshopHeader()
        with Vertical(id="home"):
            yield Static(t("app.title"), id="home-title", markup=False)
            yield Static("", id="home-programme", markup=False)
            yield Static("", id="home-session", markup=False)
            yield Static("", id="home-engine-failure", markup=False)  # above the list: seen at 80x24
            yield DuelList(id="duel-list")
            yield Static(t("home.checking"), id="home-engine", markup=False)
            yield Static("", id="home-way-out", markup=False)
            yield Static(t("home.help"), id="home-help", markup=False)
        yield WorkshopFooter()

    def on_resize(self, event: events.Resize) -> None:
        if event.size != self.app.size:
            # A size the terminal no longer has. Home, the first screen, gets the start's sizes: a
            # terminal that says 0x0 (a pty not yet sized) gives Textual two, 80x25 then 80x24.
            # Laid out at one, Textual's Screen posts it to itself again, and the two sizes went
            # round for ever, the first frame never drawn; the current one has its own event.
            event.prevent_default()
            return
        super().on_resize()
        # At 80x24 a blind session's lines pushed the line of keys below the screen: there, the
        # title the header already shows is left out.
        self.set_class(self.size.width < NARROW_BELOW, "-narrow")

    def on_mount(self) -> None:
        self.refresh_state()
        self.query_one(DuelList).focus()
        self.check_models()

    def on_screen_resume(self) -> None:
        self.refresh_state()

    def refresh_state(self) -> None:
        workshop, t = self.app.workshop, self.app.t
        engine_failure = self.app.engine_failure  # may come later: a server started in the background
        failure = self.query_one("#home-engine-failure", Static)
        failure.update(view.engine_failure_line(engine_failure, t))
        failure.display = engine_failure is not None
        self.query_one("#home-programme", Static).update(view.programme_line(workshop, t))
        self.query_one("#home-session", Static).update(view.session_line(workshop, t))
        if self.app.screen is not self:
            # A resumed session opens on its duel, over Home: the list (3,000 duels: a second)
            # is made when Home is shown, not before the duel.
            return
        availability = getattr(self.app, "availability", None)
        rows = []
        for index in range(len(workshop.duels)):
            line, status = view.home_duel_lines(workshop, index, t, availability, self.app.pair_fits.get(index))
            rows.append((line, status, status.startswith("⚠")))
        duel_list = self.query_one(DuelList)
        duel_list.set_rows(rows)
        if workshop.duels and (duel_list.highlighted is None or duel_list.highlighted >= len(workshop.duels)):
            duel_list.highlighted = min(workshop.current, len(workshop.duels) - 1)

    @work(exclusive=True, group="check", description="vérification des modèles")
    async def check_models(self) -> None:
        self.app.availability = await self.app.check_availability()
        engine_line = self.query("#home-engine")
        if engine_line:  # the screen may not be composed yet, or already gone
            engine_line.first(Static).update(view.engine_summary(self.app.availability, self.app.t))
            way_out = view.way_out(self.app.workshop, self.app.availability, self.app.t)
            self.query_one("#home-way-out", Static).update(way_out)
            self.refresh_state()
            if view.servers_starting(self.app.availability):  # until they answer, or fail (said above)
                self.set_timer(STARTING_RECHECK_S, self.check_models)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.app.open_duel(event.option_index)

    def action_play(self) -> None:
        index = self.query_one(DuelList).highlighted
        if index is not None:
            self.app.open_duel(index)

    def action_final(self) -> None:
        self.app.open_final()

    def action_ranking(self) -> None:
        self.app.open_ranking()
