"""The workshop app: owns the Workshop (arena state) and moves between screens.

Screens own their behaviour; the App only holds what they share: the workshop, the translator,
what can run, and how an answer is produced (the engine source, injected for tests and packs)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.theme import Theme

from duels_tui.config.engine_settings import EngineSettings
from duels_tui.ui.i18n import Translator, localize_bindings
from duels_tui.ui.textual_compat import lean_strips

if TYPE_CHECKING:
    from duels_tui.arena.play import OnApplied, OnBegun
    from duels_tui.config.errors import ConfigError
    from duels_tui.engine.loading import Loader
    from duels_tui.memory import PairFit
    from duels_tui.ui.view import Preload

HIGH_CONTRAST_DARK = Theme(
    name="duels-sombre",
    primary="#FFD400",
    secondary="#4FC3F7",
    accent="#FF8A00",
    foreground="#FFFFFF",
    background="#000000",
    surface="#101010",
    panel="#1C1C1C",
    success="#00E676",
    warning="#FFD400",
    error="#FF5252",
    dark=True,
)
HIGH_CONTRAST_LIGHT = Theme(
    name="duels-clair",
    primary="#0033A0",
    secondary="#006B3F",
    accent="#B00020",
    foreground="#000000",
    background="#FFFFFF",
    surface="#F2F2F2",
    panel="#E0E0E0",
    success="#006B3F",
    warning="#8A5A00",
    error="#B00020",
    dark=False,
)


def start_high_contrast(app: App) -> None:
    """Register duels' two themes and start in the dark one, from the app's __init__: before its
    stylesheet is first parsed. Set later (on mount), the theme made Textual parse every
    stylesheet twice more before the first frame (App._watch_theme's refresh_css builds a new
    Stylesheet, whose cache is empty): a tenth of the time to Home's first frame."""
    app.register_theme(HIGH_CONTRAST_DARK)
    app.register_theme(HIGH_CONTRAST_LIGHT)
    app.set_reactive(App.theme, HIGH_CONTRAST_DARK.name)  # no watcher: nothing is parsed yet
    app.stylesheet.set_variables(app.get_css_variables())
    app.set_class(HIGH_CONTRAST_DARK.dark, "-dark-mode", update=False)
    app.set_class(not HIGH_CONTRAST_DARK.dark, "-light-mode", update=False)


HOME_CSS = Path(__file__).parent / "home.tcss"  # absolute paths: subclasses live elsewhere
SCREENS_CSS = Path(__file__).parent / "styles.tcss"  # every other screen's rules


class DuelsApp(App):
    CSS_PATH = HOME_CSS
    TITLE = "Les duels de l'IA"
    BINDINGS = [
        Binding("f1", "lessons", "key.lessons"),
        Binding("ctrl+t", "toggle_theme", "key.theme"),
        Binding("ctrl+q", "quit", "key.quit", priority=True, show=False),
        # Textual's own is described "palette", in English, in the footer.
        Binding("ctrl+p", "command_palette", "key.commands", show=False, priority=True),
    ]

    def __init__(
        self,
        workshop,
        *,
        lang: str = "fr",
        resumed: bool = False,
        source_factory: Callable | None = None,
        on_engine_ready: Callable[[], None] | None = None,
        engine_failure=None,
        settings: EngineSettings | None = None,
        check_after_first_frame: Callable[[], None] | None = None,
    ) -> None:
        self._screens_styled = False  # styles.tcss read (_style_screens); before App's own pushes
        super().__init__()
        lean_strips()  # lines of pictures with fewer objects for the garbage collector to walk
        start_high_contrast(self)
        self.settings = settings or EngineSettings()
        self._loader: Loader | None = None
        # Duel index -> whether its two models fit in memory together (memory.py), from Home's check.
        self.pair_fits: dict[int, PairFit] = {}
        self.t = Translator(lang)
        localize_bindings(self, self.t)  # before any footer reads them (i18n.LocalizedBindings)
        self.title = self.t("app.title")  # the header's and the terminal's title
        self.workshop = workshop
        self.catalog = workshop.catalog
        self.resumed = resumed
        self._source_factory = source_factory
        self._on_engine_ready = on_engine_ready  # called once the engine's imports are done
        # Reads files Home's first frame does not show (cli/workshop.py's check_impact_config), in
        # a thread once it is drawn; a ConfigError it raises ends the app, kept here for the caller.
        self._check_after_first_frame = check_after_first_frame
        self.config_error: ConfigError | None = None
        self._engine_failure = engine_failure  # the embedded engine did not start (local_models.EngineFailure)
        self._embedded: bool | None = None  # whether a model of the session is embedded (_embedded_models)
        self.availability = None
        # What is typed in a duel's question before its launch, or in its follow-up box, and not
        # sent: by (duel_id, box). A duel's screen is made again each time it is opened (from
        # Home, back from the vote), and it came back empty. Kept while the app runs.
        self.drafts: dict[tuple[int, str], str] = {}
        self._first_frame = asyncio.Event()
        from duels_tui.ui.storage_watch import StorageWatch

        self.storage = StorageWatch(self)

    def get_default_screen(self) -> Screen:
        """Home is the first screen of the stack, in place of Textual's own empty one: that one
        was composed, styled and shown under Home before its first frame, for nothing."""
        from duels_tui.ui.screens.home import HomeScreen

        return HomeScreen()

    def push_screen(self, screen, *args, **kwargs):
        self._style_screens()
        return super().push_screen(screen, *args, **kwargs)

    def switch_screen(self, screen):
        self._style_screens()
        return super().switch_screen(screen)

    def _style_screens(self) -> None:
        """Add the other screens' rules (styles.tcss) to the stylesheet before the first screen
        other than Home opens. Parsed at the start, the 90 rules Home does not use took as long
        as all of Textual's widgets' own (about 20 ms on a loaded laptop) before its first frame.
        Added this way, they are parsed alone: `Screen.CSS_PATH` would parse every sheet again."""
        if not self._screens_styled:
            self._screens_styled = True
            self.stylesheet.read(SCREENS_CSS)
            self.stylesheet.parse()  # the other sheets' rules come from its cache

    def on_mount(self) -> None:
        self.sub_title = self.workshop.programme.name
        self.storage.start()
        self.call_after_refresh(self._first_frame.set)
        if self._source_factory is None:
            # litellm takes ~2 s to import: do it after the first frame, off the event loop.
            self.call_after_refresh(self._preload_engine)
        if self.resumed:
            self.notify(self.t("home.resumed", id=self.workshop.session_id))
            self._open_step()

    def _open_step(self) -> None:
        """Land on the screen of the step the workshop stands at (after a resume)."""
        from duels_tui.arena.workshop import Step

        step, index = self.workshop.step, self.workshop.current
        if step in (Step.PROMPT, Step.STREAMING):
            self.open_duel(index)
        elif step == Step.VOTE:
            self.open_vote(index)
        elif step == Step.REVEAL:
            self.open_reveal(index)
        elif step in (Step.FINAL, Step.DONE):
            self.open_final()

    def _preload_engine(self) -> None:
        # The direct HTTP client always; litellm (~2 s) only if some model of the programme needs it.
        from duels_tui.engine.routing import preload

        targets = [
            (card.route, card.api_base)
            for duel in self.workshop.programme.duels
            for model_id in duel.model_ids
            # An embedded model without a server (its engine did not start) is refused unsent.
            if (card := self.catalog.get(model_id)) is not None and not (card.local_model and not card.api_base)
        ]

        async def load() -> None:
            if not await self._checked_after_first_frame():
                return
            await preload(targets)
            if self._on_engine_ready is not None:
                from duels_tui.ui.collector import import_first_duel_modules, parse_first_duel_rules

                await asyncio.to_thread(import_first_duel_modules)  # frozen with the engine's (collector.py)
                self._style_screens()  # and so are the other screens' rules
                parse_first_duel_rules(self.stylesheet)  # and a duel's widgets'
                self._on_engine_ready()

        self.run_worker(load(), group="preload", description="chargement du moteur", exit_on_error=False)

    async def _checked_after_first_frame(self) -> bool:
        """Run `check_after_first_frame` off the event loop; False when it found a broken file
        (the app then ends, and the caller says what is wrong, as it would have before the TUI)."""
        if self._check_after_first_frame is None:
            return True
        from duels_tui.config.errors import ConfigError

        try:
            await asyncio.to_thread(self._check_after_first_frame)
        except ConfigError as exc:
            self.config_error = exc
            self.exit(return_code=2)
            return False
        return True

    async def on_unmount(self) -> None:
        # The engine keeps its HTTP clients (and their keep-alive connections) for the process:
        # close them with the app, as a test or an embedding program outlives it.
        from duels_tui.engine.routing import close_clients

        if self._loader is not None:
            self._loader.cancel()
        await close_clients()

    def source_factory(self):
        if self._source_factory is not None:
            return self._source_factory()
        from duels_tui.engine.routing import RoutedSource

        return RoutedSource()

    async def check_availability(self):
        # Home asks at once, in a worker whose first steps (importing httpx, a client: 0.2 s)
        # would otherwise run before the first frame.
        await self._first_frame.wait()
        from duels_tui.availability import check

        availability = await check(self.catalog, engine_failure=self.engine_failure)
        self.pair_fits = self._pair_fits(availability)
        return availability

    @property
    def engine_failure(self):
        """The embedded engine's failure (local_models.EngineFailure): the one said at launch, else
        a server started in the background that never came up (engine/loading.py)."""
        if self._engine_failure is not None or self._source_factory is not None or not self._embedded_models():
            return self._engine_failure
        from duels_tui.engine.loading import start_failure

        return start_failure()

    def _embedded_models(self) -> bool:
        """Whether a model of the session runs on the embedded engine (a server may be starting):
        without one, Home asks engine/loading.py nothing (and its modules wait for the first duel)."""
        if self._embedded is None:  # the session's models do not change
            self._embedded = any(
                self.workshop.card(m).local_model for duel in self.workshop.duels for m in duel.sides.values()
            )
        return self._embedded

    def _pair_fits(self, availability) -> dict[int, PairFit]:
        from duels_tui.memory import available_bytes, pair_fit

        if self._source_factory is not None:  # a pack replays: no model in memory
            return {}
        free = available_bytes()
        settings = self.settings
        return {
            i: pair_fit(*(self.workshop.card(m) for m in duel.spec.model_ids), availability, free=free,
                        reserve_gb=settings.memory_reserve_gb, overhead=settings.memory_overhead)
            for i, duel in enumerate(self.workshop.duels)
        }

    def one_after_other(self, index: int) -> bool:
        """Whether duel `index` runs its models one after the other (they do not fit together)."""
        fit = self.pair_fits.get(index)
        return fit is not None and fit.one_after_other

    # models loading into memory ------------------------------------------------------------

    @property
    def loader(self) -> Loader:
        if self._loader is None:
            from duels_tui.engine.loading import Loader

            self._loader = Loader(timeout_s=self.settings.load_timeout_s, keep_alive=self.settings.keep_alive)
        return self._loader

    def _target(self, index: int, side: str) -> tuple[str, str | None]:
        from duels_tui.endpoints import api_base_for

        card = self.workshop.card(self.workshop.duels[index].sides[side])
        return card.route, api_base_for(card.route, card.api_base)  # as Workshop's requests have it

    def preload(self, index: int) -> None:
        """Start loading duel `index`'s models (A only when they run one after the other)."""
        if self._source_factory is not None:
            return
        for side in ("A",) if self.one_after_other(index) else ("A", "B"):
            self.loader.start(*self._target(index, side))

    def preload_state(self, index: int, side: str) -> Preload | None:
        if self._loader is None:
            return None
        from duels_tui.ui.view import Preload

        target = self._target(index, side)
        after = side == "B" and self.one_after_other(index)
        return Preload(self._loader.loading_since(*target), self._loader.loaded_seconds(*target), after)

    def preload_tick(self, index: int) -> int:
        """Changes every second while duel `index`'s models load, and once they have loaded."""
        if self._loader is None:
            return 0
        targets = [self._target(index, side) for side in ("A", "B")]
        if any(self._loader.loading_since(*t) is not None for t in targets):
            return int(time.monotonic())
        return -sum(self._loader.loaded_seconds(*t) is not None for t in targets)

    # navigation ----------------------------------------------------------------------------

    def _home_depth(self) -> int:
        """Screens from the bottom of the stack up to Home, Home included (Home is the default
        screen: 1, unless a subclass starts on another)."""
        from duels_tui.ui.screens.home import HomeScreen

        for depth, screen in enumerate(self.screen_stack, start=1):
            if isinstance(screen, HomeScreen):
                return depth
        self.push_screen(HomeScreen())
        return len(self.screen_stack)

    def _switch(self, screen: Screen) -> None:
        # Home stays at the bottom of the stack; one workshop screen above it at a time.
        home = self._home_depth()
        while len(self.screen_stack) > home + 1:
            self.pop_screen()
        if len(self.screen_stack) == home + 1:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def open_home(self) -> None:
        home = self._home_depth()
        while len(self.screen_stack) > home:
            self.pop_screen()

    def open_duel(self, index: int) -> None:
        from duels_tui.ui.screens.duel import DuelScreen

        self.workshop.go_to(index)
        self._switch(DuelScreen(index))

    def open_vote(self, index: int) -> None:
        from duels_tui.ui.screens.vote import VoteScreen

        self._switch(VoteScreen(index))

    def open_reveal(self, index: int) -> None:
        from duels_tui.ui.screens.reveal import RevealScreen

        self.workshop.show_reveal(index)
        self._switch(RevealScreen(index))

    def open_final(self) -> None:
        from duels_tui.ui.screens.final import FinalScreen

        self.workshop.go_to_final()
        self._switch(FinalScreen())

    def open_ranking(self) -> None:
        """The pooled ranking over the screen it is opened from (Échap comes back to it)."""
        from duels_tui.ui.screens.ranking import RankingScreen

        if not isinstance(self.screen, RankingScreen):
            self.push_screen(RankingScreen())

    # engine ---------------------------------------------------------------------------------

    async def play_turn(self, index: int, *, follow_up: str | None, retry_sides: tuple[str, ...],
                        on_applied: OnApplied | None = None, on_begun: OnBegun | None = None) -> None:
        import asyncio

        from duels_tui.arena.play import play_retry, play_turn

        source = self.source_factory()
        if self._source_factory is None:  # live models load first, on their own clock
            from duels_tui.engine.loading import LoadingSource

            source = LoadingSource(source, self.loader)
        if retry_sides:
            await asyncio.gather(*(play_retry(self.workshop, index, side, source, on_applied=on_applied,
                                              on_begun=on_begun) for side in retry_sides))
        else:
            await play_turn(self.workshop, index, source, follow_up=follow_up,
                            one_after_other=self.one_after_other(index), on_applied=on_applied, on_begun=on_begun)

    # actions ---------------------------------------------------------------------------------

    async def action_quit(self) -> None:
        if self.storage.may_quit():
            await super().action_quit()

    def action_toggle_theme(self) -> None:
        self.theme = (HIGH_CONTRAST_LIGHT if self.theme == HIGH_CONTRAST_DARK.name else HIGH_CONTRAST_DARK).name

    def action_lessons(self, key: str | None = None) -> None:
        """The workshop's lessons (« fiches ») over the current screen (F1 again, or Échap, closes them)."""
        from duels_tui.ui.screens.lessons import LessonsScreen

        if not isinstance(self.screen, LessonsScreen):
            self.push_screen(LessonsScreen(key))
        elif key is None:
            self.screen.dismiss()
        else:
            self.call_later(self.screen.show, key)

    def write_report(self) -> None:
        """The session's report, Markdown and HTML, in the data folder's « rapports », in the
        interface's language."""
        from duels_tui.outputs.report import ReportError, reports_dir, write_both

        try:
            md_path, html_path = write_both(self.workshop, reports_dir(), self.t.lang)
        except ReportError as exc:
            self.notify(str(exc), severity="error")
            return
        self.notify(self.t("final.report", html=html_path, md=md_path.name), timeout=12)

    def export_votes(self) -> None:
        """This session's votes and conversations as CSV, beside the reports."""
        from duels_tui.numbers import count
        from duels_tui.outputs.export import export_session_csv
        from duels_tui.outputs.report import reports_dir

        path = reports_dir() / f"seance-{self.workshop.session_id}-votes.csv"
        try:
            rows = export_session_csv(self.workshop, path)
        except (ValueError, OSError) as exc:  # ExportError is a ValueError
            self.notify(self.t("export.failed", error=exc), severity="error", timeout=12)
            return
        self.notify(self.t("export.done", rows=count(rows, "row", self.t.lang), path=path), timeout=12)

    # the command palette --------------------------------------------------------------------

    def action_command_palette(self) -> None:
        from textual.command import CommandPalette

        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(CommandPalette(placeholder=self.t("palette.placeholder"), id="--command-palette"))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        from duels_tui.ui.palette import workshop_commands

        return workshop_commands(self, screen)
