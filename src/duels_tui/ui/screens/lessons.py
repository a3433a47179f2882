"""The workshop's lessons (« fiches » on screen), projected between duels: one at a time, big title, big figure, short
lines, its sources at the bottom. Opened over any screen (F1) and closed the same way (or Échap):
the screen below keeps running, so a duel streaming underneath goes on.

The token lesson splits a text of the duel on screen (question, answer A or B; refreshed while it
streams) or whatever the facilitator types."""

from __future__ import annotations

import weakref

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Digits, Input, Markdown, OptionList, Static, Tab, Tabs
from textual.widgets.option_list import Option
from textual.worker import Worker

from duels_tui.explain import LESSON_KEYS, LessonView, build_lesson
from duels_tui.explain.lessons import lesson_titles
from duels_tui.explain.phrases import TOKEN_TEXTS
from duels_tui.ui.screens.base import WorkshopScreen
from duels_tui.ui.widgets.answer_pane import safe_markdown_parser
from duels_tui.ui.widgets.charts import BarChart
from duels_tui.ui.widgets.footer import WorkshopFooter
from duels_tui.ui.widgets.header import WorkshopHeader
from duels_tui.ui.widgets.tokens_view import TokensView

NARROW = 100  # below this width the list of lessons hides: the lesson takes the whole screen
FREE_TEXT = "free"
_SOURCE_KEYS = {"q": "prompt", "a": "A", "b": "B", "l": FREE_TEXT}
# The lesson each app showed last, to reopen it (weak: an app that ends takes its entry along).
_last_lesson: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


class LessonsScreen(WorkshopScreen):
    AUTO_FOCUS = None
    BINDINGS = [
        Binding("escape,f1", "close", "key.back"),
        Binding("pagedown,right", "move(1)", "key.next"),
        Binding("pageup,left", "move(-1)", "key.previous"),
        Binding("down", "scroll(1)", show=False),
        Binding("up", "scroll(-1)", show=False),
        *(Binding(str((n + 1) % 10), f"open({n})", show=False) for n in range(len(LESSON_KEYS))),
        *(Binding(key, f"token_source('{source}')", show=False) for key, source in _SOURCE_KEYS.items()),
    ]

    def __init__(self, key: str | None = None) -> None:
        super().__init__()
        self.start_key = key
        self.key = ""
        self.token_source = "prompt"
        self._shown_text: str | None = None

    def compose(self) -> ComposeResult:
        yield WorkshopHeader()
        with Horizontal(id="lessons"):
            index = OptionList(
                *(Option(f"{n}. {title}", id=key)
                  for n, (key, title) in enumerate(lesson_titles(self.lang), start=1)),
                id="lessons-index",
            )
            index.can_focus = False  # keys belong to the screen: arrows and page keys change lessons
            yield index
            yield VerticalScroll(id="lesson-body", can_focus=False)
        yield WorkshopFooter()

    async def on_mount(self) -> None:
        self._narrow()
        key = self.start_key or _last_lesson.get(self.app) or LESSON_KEYS[0]
        await self.show(key if key in LESSON_KEYS else LESSON_KEYS[0])
        self.set_interval(0.5, self._follow_source)

    @property
    def lang(self) -> str:
        return self.app.t.lang

    def say(self, key: str, **values: object) -> str:
        """The token lesson's words, in the interface's language."""
        return TOKEN_TEXTS(key, self.lang, **values)

    def on_resize(self) -> None:
        self._narrow()

    def _narrow(self) -> None:
        self.set_class(self.size.width < NARROW, "-narrow")

    # --- showing a lesson -----------------------------------------------------------------------

    async def show(self, key: str) -> None:
        self.key = key
        _last_lesson[self.app] = key
        lesson = build_lesson(key, self.app.workshop, lang=self.lang)
        index = self.query_one("#lessons-index", OptionList)
        index.highlighted = LESSON_KEYS.index(key)
        body = self.query_one("#lesson-body", VerticalScroll)
        await body.remove_children()
        await body.mount_all(self._lesson_widgets(lesson))
        body.scroll_home(animate=False)
        self._shown_text = None
        if lesson.live_tokens:
            self.call_after_refresh(self._load_tokenizer)

    def _lesson_widgets(self, lesson: LessonView) -> list:
        widgets: list = [Static(f"{lesson.order}/{len(LESSON_KEYS)} · {lesson.title}", id="lesson-title", markup=False)]
        figure = lesson.figure
        row = Horizontal(Digits(figure.value if figure else "", id="lesson-digits"),
                         Static(figure.caption if figure else "", id="lesson-caption", markup=False),
                         id="lesson-figure")
        row.display = figure is not None or lesson.live_tokens
        widgets.append(row)
        if lesson.live_tokens:
            widgets += [
                Tabs(*(Tab(label, id=f"src-{key}") for key, label in self._source_labels()), id="token-sources"),
                Input(placeholder=self.say("placeholder"), id="token-input"),
                Static("", id="token-count", markup=False),
                TokensView(id="token-view"),
            ]
        widgets.append(Markdown(lesson.markdown, parser_factory=safe_markdown_parser, id="lesson-text"))
        if lesson.chart is not None and lesson.chart.bars:
            widgets.append(BarChart(lesson.chart, id="lesson-chart"))
        sources = "\n".join(f"[{n}] {source}" for n, source in enumerate(lesson.sources, start=1))
        widgets.append(Static(self.say("sources") + "\n" + sources, id="lesson-sources", markup=False))
        return widgets

    def _source_labels(self) -> list[tuple[str, str]]:
        from duels_tui.explain.session import token_sources

        labels = [(s.key, s.label) for s in token_sources(self.app.workshop, self.lang)]
        return [*labels, (FREE_TEXT, self.say("free"))]

    # --- the token lesson -----------------------------------------------------------------------

    def _load_tokenizer(self) -> None:
        view = self.query("#token-view")
        if not view:
            return
        view.first(TokensView).show_message(self.say("loading"))
        self.run_worker(self._encoding, thread=True, exclusive=True, group="tokenizer",
                        description="chargement du découpage en jetons", exit_on_error=False)

    @staticmethod
    def _encoding() -> bool:
        from duels_tui.tokens import encoding

        encoding()
        return True

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "tokenizer" or not event.worker.is_finished:
            return
        error = event.worker.error
        if error is not None:
            from duels_tui.tokens import TokenizerUnavailable

            views = self.query("#token-view")
            if views:
                reason = error.text(self.lang) if isinstance(error, TokenizerUnavailable) else error
                views.first(TokensView).show_message(self.say("unavailable", error=reason))
            return
        self._select_source(self.token_source)

    def _source_text(self) -> tuple[str, int | None]:
        if self.token_source == FREE_TEXT:
            boxes = self.query("#token-input")
            return (boxes.first(Input).value if boxes else ""), None
        from duels_tui.explain.session import token_sources

        for source in token_sources(self.app.workshop, self.lang):
            if source.key == self.token_source:
                return source.text, source.server_tokens
        return "", None

    def _follow_source(self) -> None:
        """Re-split when the text changed (an answer streaming below, the facilitator typing)."""
        if self.key != "jetons" or not self.query("#token-view"):
            return
        from duels_tui import tokens

        if not tokens.is_loaded():
            return
        text, server = self._source_text()
        if text == self._shown_text:
            return
        self._shown_text = text
        view = self.query_one("#token-view", TokensView)
        count = self.query_one("#token-count", Static)
        if not text.strip():
            view.show_message(self.say("empty" if self.token_source != FREE_TEXT else "type_here"))
            count.update("")
            self._figure("0", self.say("none"))
            return
        split = tokens.split(text)
        view.show_split(split)
        from duels_tui import numbers

        line = self.say("count", tokens=numbers.count(split.count, "token", self.lang),
                        characters=numbers.count(split.characters, "character", self.lang))
        line += self.say("split_by", label=tokens.ENCODING_LABEL)
        if server is not None:
            line += self.say("server", n=numbers.integer(server, self.lang))
        count.update(line)
        # Digits draws no thousands separator: 1200, not « 1 200 » nor "1,200".
        self._figure(str(split.count), self.say("caption_many" if split.count > 1 else "caption_one"))

    def _figure(self, value: str, caption: str) -> None:
        self.query_one("#lesson-digits", Digits).update(value)
        self.query_one("#lesson-caption", Static).update(caption)

    def _select_source(self, source: str) -> None:
        self.token_source = source
        tabs = self.query("#token-sources")
        if tabs:
            tabs.first(Tabs).active = f"src-{source}"
        boxes = self.query("#token-input")
        if boxes:
            box = boxes.first(Input)
            box.display = source == FREE_TEXT
            if source == FREE_TEXT:
                box.focus()
        self._shown_text = None
        self._follow_source()

    @on(Tabs.TabActivated, "#token-sources")
    def _tab_chosen(self, event: Tabs.TabActivated) -> None:
        source = (event.tab.id or "").removeprefix("src-")
        if source and source != self.token_source:
            self._select_source(source)

    @on(Input.Changed, "#token-input")
    def _typed(self) -> None:
        self._follow_source()

    # --- keys -----------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "token_source" and self.key != "jetons":
            return False
        return super().check_action(action, parameters)  # no letter nor digit while typing a text

    @on(OptionList.OptionSelected, "#lessons-index")
    async def _chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id and event.option.id != self.key:
            await self.show(event.option.id)

    async def action_move(self, step: int) -> None:
        position = (LESSON_KEYS.index(self.key) + step) % len(LESSON_KEYS)
        await self.show(LESSON_KEYS[position])

    async def action_open(self, position: int) -> None:
        if 0 <= position < len(LESSON_KEYS):
            await self.show(LESSON_KEYS[position])

    def action_scroll(self, step: int) -> None:
        body = self.query_one("#lesson-body", VerticalScroll)
        body.scroll_relative(y=step * 3, animate=False)

    def action_token_source(self, source: str) -> None:
        self._select_source(source)

    def action_close(self) -> None:
        self.dismiss()
