"""A session seen in read only: what a second `duels` offers when the session is open elsewhere.

It reads the database and changes nothing in it (`Workshop.load`), so the `duels` that has the
session open goes on undisturbed: its answers keep streaming, and show here as they are
committed. It follows the duel the session stands at; the arrows look at another one. Models are
named as the room sees them: only once their duel is revealed."""

from __future__ import annotations

from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Static

from duels_tui.ui import view
from duels_tui.ui.app import HIGH_CONTRAST_DARK, HIGH_CONTRAST_LIGHT, SCREENS_CSS, start_high_contrast
from duels_tui.ui.i18n import Translator, localize_bindings
from duels_tui.ui.widgets.answer_pane import AnswerPane
from duels_tui.ui.widgets.header import WorkshopHeader

POLL_S = 0.5  # how often the database is asked whether anything changed (a cheap PRAGMA)


class SessionViewer(App):
    CSS_PATH = SCREENS_CSS  # the duel's rules (a read-only view has no Home)
    ENABLE_COMMAND_PALETTE = False  # nothing to command in a read-only view (Textual's are English)
    BINDINGS = [
        Binding("left", "move(-1)", "key.previous_duel"),
        Binding("right", "move(1)", "key.next_duel"),
        Binding("s", "follow", "key.follow"),
        Binding("ctrl+t", "toggle_theme", "key.theme"),
        Binding("q,escape", "quit", "key.quit"),
    ]

    def __init__(self, store, catalog, session_id: int, *, lang: str = "fr") -> None:
        super().__init__()
        start_high_contrast(self)
        self.store, self.catalog, self.session_id = store, catalog, session_id
        self.t = Translator(lang)
        localize_bindings(self, self.t)  # before any footer reads them (i18n.LocalizedBindings)
        self.title = self.t("app.title")
        self.workshop = None
        self.index: int | None = None  # the duel looked at; None: the one the session stands at
        self._version: int | None = None

    def compose(self) -> ComposeResult:
        yield WorkshopHeader()
        with Vertical(id="viewer"):
            yield Static(self.t("viewer.banner", id=self.session_id), id="viewer-banner", markup=False)
            yield Static("", id="duel-title", markup=False)
            yield Static("", id="viewer-question", markup=False)
            with Horizontal(id="panes"):
                yield AnswerPane(self.t("model.a"), id="pane-a")
                yield AnswerPane(self.t("model.b"), id="pane-b")
            yield Static("", id="viewer-vote", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.set_interval(POLL_S, self.reload)
        self.reload()

    @work(exclusive=True, thread=True, group="viewer", description="lecture de la session")
    def reload(self) -> None:
        """Read the session again when the database changed (another process committed)."""
        from duels_tui.arena.workshop import Workshop

        version = self.store.data_version()
        if version == self._version:
            return
        workshop = Workshop.load(self.store, self.catalog, self.session_id)
        self._version = version
        if workshop is not None:
            self.call_from_thread(self._show, workshop)

    async def _show(self, workshop) -> None:
        self.workshop = workshop
        if not workshop.duels:
            return
        self.sub_title = workshop.programme.name
        index = workshop.current if self.index is None else min(self.index, len(workshop.duels) - 1)
        duel = workshop.duels[index]
        t = self.t
        self.query_one("#duel-title", Static).update(view.duel_title(workshop, index))
        self.query_one("#viewer-question", Static).update(t("common.quote", text=view.prompt_text(duel)))
        for side, pane in (("A", "#pane-a"), ("B", "#pane-b")):
            await self.query_one(pane, AnswerPane).sync(view.pane_state(duel, side, t), t)
        self.query_one("#viewer-vote", Static).update(view.viewer_vote_line(workshop, duel, t))

    async def action_move(self, step: int) -> None:
        if self.workshop is None or not self.workshop.duels:
            return
        current = self.workshop.current if self.index is None else self.index
        self.index = max(0, min(len(self.workshop.duels) - 1, current + step))
        await self._show(self.workshop)

    async def action_follow(self) -> None:
        self.index = None
        if self.workshop is not None:
            await self._show(self.workshop)

    def action_toggle_theme(self) -> None:
        self.theme = (HIGH_CONTRAST_LIGHT if self.theme == HIGH_CONTRAST_DARK.name else HIGH_CONTRAST_DARK).name
