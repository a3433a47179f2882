"""Textual's internals that duels relies on (duels_tui/ui/textual_compat.py), as they were in the
release it targets: each test fails when the internal changes, which is the time to look at the
workaround again."""

from __future__ import annotations

import asyncio
import inspect
import textwrap
from dataclasses import replace

import pytest
import textual
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.geometry import Region
from textual.widgets import Footer, Header, Markdown, Static
from ui_helpers import count_drawn_lines

from duels_tui.ui.textual_compat import (
    TEXTUAL_TARGET,
    focus_without_repaint,
    footer_bindings_ready,
    forget_closed_watchers,
    forget_geometry_memos,
    forget_style_memos,
    forget_styles_memo,
    forget_watchers,
    growing_markdown,
    lean_compositor,
    lean_strips,
    markdown_blocks,
    parse_default_css,
    post_refreshes,
    repaint_scrollbar_when_it_moves,
    rewrite_bindings,
    style_memos,
)


def test_the_installed_textual_is_of_the_series_targeted():
    """pyproject.toml allows any 8.x from 8.2: a newer minor release passes the tests below or
    shows which internal moved."""
    installed = tuple(int(part) for part in textual.__version__.split(".")[:2])
    assert installed[0] == TEXTUAL_TARGET[0] and installed >= TEXTUAL_TARGET, textual.__version__


class _Bound(App):
    BINDINGS = [Binding("n", "next", "Duel suivant")]

    def compose(self) -> ComposeResult:
        yield Static("x")
        yield Footer()


@pytest.mark.asyncio
async def test_rewritten_bindings_are_the_ones_the_app_uses():
    app = _Bound()
    async with app.run_test() as pilot:
        rewrite_bindings(app, lambda b: replace(b, description="Next duel"))
        app.refresh_bindings()
        await pilot.pause()
        assert [b.description for b in app._bindings.key_to_bindings["n"]] == ["Next duel"]
        assert app.active_bindings["n"].binding.description == "Next duel"  # what the footer shows
        assert [b.description for b in _Bound().BINDINGS] == ["Duel suivant"]  # the class's stay


# WorkshopHeader._on_mount replaces this method: a change here may be one to copy there.
HEADER_ON_MOUNT = '''
def _on_mount(self, _: Mount) -> None:
    async def set_title() -> None:
        try:
            self.query_one(HeaderTitle).update(self.format_title())
        except NoScreen:
            pass

    self.watch(self.app, "title", set_title)
    self.watch(self.app, "sub_title", set_title)
    self.watch(self.screen, "title", set_title)
    self.watch(self.screen, "sub_title", set_title)
'''


def test_the_header_mount_replaced_is_textuals_as_it_was():
    assert textwrap.dedent(inspect.getsource(Header._on_mount)).strip() == HEADER_ON_MOUNT.strip()


class _Titled(App):
    def compose(self) -> ComposeResult:
        yield Header()


@pytest.mark.asyncio
async def test_watchers_of_the_app_are_where_they_are_forgotten():
    app = _Titled()
    async with app.run_test() as pilot:
        header = app.query_one(Header)
        watchers = getattr(app, "__watchers")
        assert any(node is header for node, _ in watchers["title"])
        forget_watchers(app, header, ("title", "sub_title"))
        assert not any(node is header for name in ("title", "sub_title") for node, _ in watchers[name])
        app.title = "Après"  # the others still run
        await pilot.pause()


@pytest.mark.asyncio
async def test_a_removed_text_areas_theme_watcher_is_forgotten():
    from textual.widgets import TextArea

    class Boxed(App):
        def compose(self) -> ComposeResult:
            yield TextArea("texte")

    app = Boxed()
    async with app.run_test() as pilot:
        box = app.query_one(TextArea)
        watchers = getattr(app, "__watchers")
        assert any(node is box for node, _ in watchers["theme"])
        await box.remove()
        assert any(node is box for node, _ in watchers["theme"])  # Textual keeps it: why this exists
        forget_closed_watchers(app, ("theme",))
        assert not any(node is box for node, _ in watchers["theme"])
        app.theme = "textual-light"  # the others still run
        await pilot.pause()


def test_the_styles_memo_is_an_lru_cache_that_forgets():
    from textual._styles_cache import StylesCache

    memo = StylesCache.get_inner_outer
    assert memo.cache_parameters()["maxsize"] == 1024
    forget_styles_memo()
    assert memo.cache_info().currsize == 0


# WorkshopFooter.bindings_changed calls this method only when the keys shown change: a change here
# (another way to rebuild, another flag) may be one to follow there.
FOOTER_BINDINGS_CHANGED = '''
def bindings_changed(self, screen: Screen) -> None:
    self._bindings_ready = True
    if not screen.app.app_focus:
        return
    if self.is_attached and screen is self.screen:
        self.call_after_refresh(self.recompose)
'''


def test_the_footer_rebuild_skipped_is_textuals_as_it_was():
    assert textwrap.dedent(inspect.getsource(Footer.bindings_changed)).strip() == FOOTER_BINDINGS_CHANGED.strip()


@pytest.mark.asyncio
async def test_the_footer_says_when_it_has_had_its_bindings():
    app = _Bound()
    async with app.run_test() as pilot:
        footer = app.query_one(Footer)
        await pilot.pause()
        assert footer_bindings_ready(footer) is True
    assert footer_bindings_ready(Footer()) is False


class _Answer(App):
    def compose(self) -> ComposeResult:
        yield Markdown("")


@pytest.mark.asyncio
async def test_markdown_blocks_are_the_ones_an_update_mounts():
    from markdown_it import MarkdownIt
    from textual.widgets.markdown import MarkdownBlock

    text = "# Titre\n\nUn paragraphe.\n\n- un\n- deux\n"
    app = _Answer()
    async with app.run_test() as pilot:
        widget = app.query_one(Markdown)
        parsed = [(type(b), b.source_range) for b in markdown_blocks(widget, MarkdownIt("gfm-like").parse(text))]
        await widget.update(text)
        await pilot.pause()
        mounted = [(type(b), b.source_range) for b in widget.children if isinstance(b, MarkdownBlock)]
        assert parsed == mounted and len(mounted) == 3


class _Growing(App):
    def compose(self) -> ComposeResult:
        yield growing_markdown()("")


@pytest.mark.asyncio
async def test_a_paragraph_that_grows_on_its_last_line_is_repainted_without_a_layout():
    # Textual's own paragraph asks for a layout of the screen at every append (Static.update).
    source = inspect.getsource(Markdown.BLOCKS["paragraph_open"]._update_from_block)
    assert "set_content" in source and "_copy_context" in source
    app = _Growing()
    async with app.run_test(size=(40, 10)) as pilot:
        widget = app.query_one(Markdown)
        await widget.append("Un deux")
        await pilot.pause()
        paragraph = widget.children[0]
        assert isinstance(paragraph, Markdown.BLOCKS["paragraph_open"])
        layouts = paragraph._layout_updates  # counts refresh(layout=True) calls
        await widget.append(" trois")
        await pilot.pause()
        assert paragraph._content.plain == "Un deux trois" and paragraph._layout_updates == layouts
        await widget.append(" quatre cinq six sept huit neuf dix onze douze")  # a second line
        await pilot.pause()
        assert paragraph._layout_updates > layouts and paragraph.size.height == 2


@pytest.mark.asyncio
async def test_a_growing_paragraph_grows_into_rows_kept_ahead_and_gives_them_back():
    app = _Growing()
    async with app.run_test(size=(40, 12)) as pilot:
        widget = app.query_one(Markdown)
        await widget.append("un deux trois")
        widget.keep_rows_ahead(3)
        await pilot.pause()
        paragraph = widget.children[0]
        assert paragraph.size.height == 3  # one line of text, two rows ahead
        layouts = paragraph._layout_updates
        await widget.append(" quatre cinq six sept huit neuf dix onze douze treize")  # line 2
        widget.keep_rows_ahead(3)
        await pilot.pause()
        assert paragraph.size.height == 3 and paragraph._layout_updates == layouts
        await widget.append(" quatorze quinze seize dix-sept dix-huit dix-neuf vingt et un")  # 3, 4
        widget.keep_rows_ahead(3)
        await pilot.pause()
        assert paragraph.size.height == 6 and paragraph._layout_updates > layouts
        await widget.append("\n\nUn second paragraphe.")  # the first gives its rows back
        widget.keep_rows_ahead(3)
        await pilot.pause()
        first, second = widget.children
        assert (first.size.height, second.size.height) == (4, 3)
        widget.keep_rows_ahead(0)  # the answer is final
        await pilot.pause()
        assert (first.size.height, second.size.height) == (4, 1)


def _shown(app: App) -> list[str]:
    return ["".join(s.text for s in strip).rstrip() for strip in app.screen._compositor.render_strips()]


@pytest.mark.asyncio
async def test_a_list_that_streams_grows_in_place_and_shows_what_a_full_render_shows():
    # Textual removes and mounts the last block again at each append unless it is a paragraph,
    # a table or code (MarkdownBlock._update_from_block): a list that streams was rebuilt whole.
    from textual.widgets.markdown import MarkdownBlock

    source = inspect.getsource(MarkdownBlock._update_from_block)
    assert "self.remove()" in source
    pieces = ["Des listes :\n\n- un", " deux", "\n- trois", " **gras**", "\n  - imbriqué", "\n- quatre\n\n"]
    pieces += ["1. premier", "\n2. second", "\n3. troisième"]
    pieces += [f"\n{n}. point {n}" for n in range(4, 12)]  # 9 to 10: the numbers widen
    app = _Growing()
    async with app.run_test(size=(40, 40)) as pilot:
        widget = app.query_one(Markdown)
        first_item = None
        for index, piece in enumerate(pieces):
            await widget.append(piece)
            await pilot.pause()
            if index == 2:
                first_item = widget.children[1].query("MarkdownParagraph").first()
            if 2 <= index <= 5:  # the bullet list grew where it stands: its first item is the same
                assert widget.children[1].query("MarkdownParagraph").first() is first_item
        streamed = _shown(app)
        await widget.update("".join(pieces))  # what one full render shows
        await pilot.pause()
        assert streamed == _shown(app)
        assert " 9. point 9" in "\n".join(streamed) and "10. point 10" in "\n".join(streamed)


@pytest.mark.asyncio
async def test_a_list_inside_an_item_that_cannot_grow_in_place_is_remounted_where_it_stands():
    pieces = ["- dehors", *[f"\n  {n}. dedans {n}" for n in range(1, 11)], "\n- encore dehors"]
    app = _Growing()
    async with app.run_test(size=(40, 30)) as pilot:
        widget = app.query_one(Markdown)
        for piece in pieces:  # at 10, the inner list's numbers widen: it is mounted again
            await widget.append(piece)
            await pilot.pause()
        streamed = _shown(app)
        await widget.update("".join(pieces))
        await pilot.pause()
        assert streamed == _shown(app) and len(widget.children) == 1


class _GrowingLean(_Growing):
    def on_mount(self) -> None:
        self.screen._compositor = lean_compositor()  # as on the workshop's screens


@pytest.mark.asyncio
async def test_a_paragraph_that_grows_on_its_last_line_repaints_that_line_alone():
    # Static.update repaints every line of the paragraph; the growing one keeps Static's two
    # attributes up to date itself (the content and its visual) and repaints the lines changed.
    assert "self.__visual = visualize(" in inspect.getsource(Static.update)
    app = _GrowingLean()
    async with app.run_test(size=(40, 10)) as pilot:
        widget = app.query_one(Markdown)
        await widget.append("un deux trois quatre cinq six sept huit neuf dix onze")
        await pilot.pause()
        await pilot.pause()  # laid out, then drawn
        paragraph = widget.children[0]
        assert paragraph.size.height == 2 and paragraph._render_cache.size == paragraph.size
        drawn: list[Region] = []
        original = paragraph.render_lines

        def counted(crop):
            drawn.append(crop)
            return original(crop)

        paragraph.render_lines = counted
        await widget.append(" douze")
        await pilot.pause()
        assert [crop.line_range for crop in drawn] == [range(1, 2)]  # the second line alone
        assert paragraph.visual.plain.endswith("onze douze") and paragraph.content.plain.endswith("douze")
        drawn.clear()
        await widget.append(" **gras**")  # styled, still on the last line
        await pilot.pause()
        assert [crop.line_range for crop in drawn] == [range(1, 2)]
        shown = "".join(s.text for strip in app.screen._compositor.render_strips() for s in strip)
        assert "onze douze gras" in shown and "**" not in shown
        # A `*` opened on the first line, closed on the second: both lines change, same height.
        await widget.update("")
        await widget.append("un *deux trois quatre cinq six sept huit neuf dix")
        await pilot.pause()
        await pilot.pause()
        paragraph = widget.children[0]
        assert paragraph._render_cache.size == paragraph.size
        paragraph.render_lines = counted = lambda crop, original=paragraph.render_lines: (
            drawn.append(crop), original(crop))[1]
        drawn.clear()
        await widget.append(" onze*")
        await pilot.pause()
        assert paragraph.size.height == 2 and [crop.line_range for crop in drawn] == [range(0, 2)]


@pytest.mark.asyncio
async def test_a_paragraph_that_grew_is_laid_out_once():
    """Textual sets a widget's new virtual size as a layout reactive (Widget._size_updated), so
    every layout that changed a paragraph's height asked for a second one, and a repaint of its
    rows, on the next update. A growing paragraph takes its new size without asking."""
    from textual.widget import Widget

    assert "self.virtual_size = virtual_size" in inspect.getsource(Widget._size_updated)
    assert Widget.virtual_size.__dict__.get("_layout", True)  # a layout reactive (Reactive(layout=True))
    app = _TwoAnswers(".answer { min-height: 100%; }")  # as tall as its pane, as in styles.tcss
    async with app.run_test(size=(60, 16)) as pilot:
        widget = app.query_one("#answer-a", Markdown)
        await widget.append("un deux trois")
        await pilot.pause()
        await pilot.pause()
        compositor = app.screen._compositor
        reflow, reflows = compositor.reflow, []
        compositor.reflow = lambda *args: (reflows.append(args), reflow(*args))[1]
        await widget.append(" quatre cinq six sept")  # a second line (22 columns)
        for _ in range(4):
            await pilot.pause()
        assert widget.children[0].size.height == 2 and len(reflows) == 1


@pytest.mark.asyncio
async def test_refreshes_asked_for_reach_the_screen_at_once():
    """post_refreshes sends the screen the repaints and layouts the widgets under a node asked
    for, as Textual's `_check_refresh` does when each widget's own queue goes idle."""
    from textual import messages

    assert "screen.post_message(messages.Update(self))" in inspect.getsource(Static._check_refresh)
    app = _Panes()
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        right = app.query_one("#right", Static)
        posted, post = [], app.screen.post_message
        app.screen.post_message = lambda message: (posted.append(message), post(message))[1]
        right.update("droite, plus longue")
        assert right._repaint_required and not posted
        post_refreshes(app.screen)
        assert not right._repaint_required
        assert messages.Update in [type(m) for m in posted if getattr(m, "widget", None) is right]
        await pilot.pause()
        assert "droite, plus longue" in "".join(
            segment.text for strip in app.screen._compositor.render_strips() for segment in strip
        )


class _Timed(App):
    def compose(self) -> ComposeResult:
        yield Static("x")


@pytest.mark.asyncio
async def test_a_one_shot_timer_fires_where_textuals_drops_it(monkeypatch):
    """Textual's one-shot timer skips its only tick when more than its delay passed between the
    two clock readings at its start (textual/timer.py, Timer._run with skip=True): a clock that
    moves 2 ms between readings, as a preempted process's does, loses a timer of 1 ms. The duel
    screen's frames due now use one_shot_timer (ui/screens/duel.py, _schedule_frame). Once
    Textual's timer fires here too, the workaround can go."""
    import time

    from textual import _time

    from duels_tui.ui.textual_compat import one_shot_timer

    readings = [0]

    def slow_clock() -> float:
        readings[0] += 1
        return time.monotonic() + 0.002 * readings[0]

    app = _Timed()
    fired: list[str] = []
    async with app.run_test() as pilot:
        monkeypatch.setattr(_time, "get_time", slow_clock)
        app.set_timer(0.001, lambda: fired.append("set_timer"))
        ours = one_shot_timer(app, 0.001, lambda: fired.append("ours"), name="ours")
        now = one_shot_timer(app, 0, lambda: fired.append("at once"), name="at once")
        stopped = one_shot_timer(app, 0.05, lambda: fired.append("stopped"), name="stopped")
        stopped.stop()
        await asyncio.sleep(0.1)
        await pilot.pause()
        monkeypatch.undo()
        assert sorted(fired) == ["at once", "ours"], fired  # Textual's set_timer did not fire
        assert {ours, now} <= app._timers  # stopped with the app, as set_timer's are


class _Panes(App):
    CSS = "Static { height: 1; }"

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("gauche", id="left")
        yield Static("droite", id="right")
        yield Footer()

    def on_mount(self) -> None:
        self.screen._compositor = lean_compositor()


@pytest.mark.asyncio
async def test_a_frame_draws_only_the_widgets_shown_where_it_repaints():
    from textual._compositor import Compositor

    # Textual asks every widget whose clip overlaps the repainted area (the screen, for a docked
    # header): the lean compositor's _get_renders is Textual's with that test alone changed.
    assert "crop_overlaps(clip)" in inspect.getsource(Compositor._get_renders)
    app = _Panes()
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        drawn: list[str] = []
        for widget in app.screen.query("*"):
            original = widget.render_lines

            def counted(crop, widget=widget, original=original):
                drawn.append(widget.id or type(widget).__name__)
                return original(crop)

            widget.render_lines = counted
        app.query_one("#right", Static).update("droite, plus longue")
        await pilot.pause()
        assert "right" in drawn and "left" not in drawn and "Header" not in drawn and "Footer" not in drawn
        assert "droite, plus longue" in "".join(
            segment.text for strip in app.screen._compositor.render_strips() for segment in strip
        )


class _TwoAnswers(App):
    CSS = """
    Horizontal { height: 1fr; }
    .side { width: 1fr; border: round blue; padding: 0 1; }
    .stats { height: 1; }
    VerticalScroll { height: 1fr; }
    """

    def __init__(self, css: str = "") -> None:
        super().__init__()
        self.stylesheet.add_source(css, read_from=("test", "answer"))

    def compose(self) -> ComposeResult:
        from textual.containers import Horizontal, Vertical, VerticalScroll

        yield Header()
        with Horizontal():
            for side in "ab":
                with Vertical(classes="side"):
                    yield Static("", classes="stats", id=f"stats-{side}")
                    with VerticalScroll(id=f"scroll-{side}"):
                        yield growing_markdown()("", id=f"answer-{side}", classes="answer")
        yield Footer()

    def on_mount(self) -> None:
        self.screen._compositor = lean_compositor()
        for side in "ab":
            self.query_one(f"#scroll-{side}").anchor()


@pytest.mark.asyncio
@pytest.mark.parametrize("css", ["", ".answer { min-height: 100%; }"], ids=["answers-grow", "answers-fill"])
@pytest.mark.parametrize("rows_ahead", [0, 3])
async def test_the_terminal_shows_what_a_full_render_shows_after_every_lean_frame(css, rows_ahead):
    """Each frame's output, written to a terminal emulator, leaves it showing the screen a full
    render draws: no cell the lean compositor skipped is left stale, through growing paragraphs,
    new blocks, scrolling answers, a stats line and an answer that starts again shorter. With
    `answers-fill`, the answers are as tall as their pane (as in styles.tcss): a paragraph grows
    where it stands, and a layout repaints its rows from the first that changed."""
    import pyte

    app = _TwoAnswers(css)
    async with app.run_test(size=(60, 16)) as pilot:
        await pilot.pause()
        terminal = pyte.Screen(60, 16)
        stream = pyte.Stream(terminal)
        compositor = app.screen._compositor
        render_update, partial = compositor.render_update, []

        def written(*args, **kwargs):
            update = render_update(*args, **kwargs)
            if update is not None:
                partial.append(type(update).__name__ == "ChopsUpdate")
                stream.feed(update.render_segments(app.console))
            return update

        compositor.render_update = written
        app.screen.refresh()  # a full frame first: the terminal starts from the whole screen
        await pilot.pause()

        def full_render() -> list[str]:
            lines = ["".join(s.text for s in strip) for strip in compositor.render_strips()]
            return [line.ljust(60)[:60] for line in lines]

        words = ["un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix"]
        steps = [("a", f"{w} ") for w in words] + [("b", f"{w} ") for w in words]
        steps += [("a", "\n\n- premier"), ("a", " point"), ("a", "\n- second"), ("b", "\n\n## Titre\n\n")]
        steps += [("b", "1. un"), ("b", " deux trois quatre cinq six"), ("b", "\n2. sept"), ("a", "\n\n")]
        steps += [(side, f"{w} ") for w in words * 4 for side in "ab"]  # both scroll
        # A `**` opened lines above and closed now: the words between turn bold, the two
        # asterisks go, the lines above wrap again (same height or not).
        steps += [("a", "\n\nUn **mot "), *[("a", f"{w} ") for w in words * 2], ("a", "gras** fin ")]
        steps += [("b", "\n\nDu *texte "), *[("b", f"{w} ") for w in words], ("b", "penché* ici ")]
        for index, (side, text) in enumerate(steps):
            if index == 3:  # a notice over the answers, gone a few frames later
                app.notify("Attendez la fin des réponses.", timeout=0.3)
            answer = app.query_one(f"#answer-{side}", Markdown)
            await answer.append(text)
            answer.keep_rows_ahead(rows_ahead)
            app.query_one(f"#stats-{side}", Static).update(f"{index} jetons", layout=False)
            await pilot.pause()
            assert terminal.display == full_render(), f"after step {index}: {text!r}"
        for side in "ab":  # the answers end: their last paragraphs give their rows back
            app.query_one(f"#answer-{side}", Markdown).keep_rows_ahead(0)
            await pilot.pause()
            assert terminal.display == full_render()
        await app.query_one("#answer-a", Markdown).update("Court.")  # a retry starts again
        await pilot.pause()
        await pilot.pause()
        assert terminal.display == full_render()
        assert partial.count(True) > len(steps) / 2  # most frames were partial ones


@pytest.mark.asyncio
async def test_a_new_paragraph_draws_its_rows_not_the_whole_answer_again():
    """A block mounted asks its Markdown for a layout and a repaint of all of it (Textual's
    AwaitMount, below): the whole pane drawn again at each new paragraph of a short answer, 34 rows
    through the Markdown, its scroll and its pane (bench/ui_bench.py's breakdown, the local part).
    The growing Markdown takes the layout alone: the new paragraph's rows are drawn, and the
    Markdown draws none of its own."""
    from textual.widget import AwaitMount

    assert "self._parent.refresh(layout=True)" in inspect.getsource(AwaitMount.__await__)
    app = _TwoAnswers(".answer { min-height: 100%; }")
    async with app.run_test(size=(60, 16)) as pilot:
        answer = app.query_one("#answer-a", Markdown)
        await answer.append("un deux trois")
        await pilot.pause()
        await pilot.pause()
        drawn = count_drawn_lines(app.screen.query("*"))
        await answer.append("\n\nquatre cinq")
        await pilot.pause()
        await pilot.pause()
        assert len(answer.children) == 2 and answer.children[1].region.height == 1
        assert drawn.get(type(answer).__name__, 0) == 0 and drawn.get("VerticalScroll", 0) == 0, drawn
        assert drawn.get("GrowingParagraph", 0) <= 2, drawn


@pytest.mark.asyncio
async def test_a_paragraph_that_gives_its_rows_back_draws_them_alone():
    """While an answer streams, its last paragraph keeps rows ahead of its text; a new paragraph
    takes them over. The paragraph that gives them back is not drawn again (its text did not
    change): only its last rows, where the rows it gave back may begin, are. Drawn whole, it was a
    third of a new paragraph's frame (bench/ui_bench.py's local part)."""
    app = _TwoAnswers(".answer { min-height: 100%; }")
    async with app.run_test(size=(60, 20)) as pilot:
        answer = app.query_one("#answer-a", Markdown)
        words = " ".join(["mot"] * 25)  # five lines of text (22 columns), six rows with the rows ahead
        await answer.append(words)
        answer.keep_rows_ahead(3)
        await pilot.pause()
        await pilot.pause()
        first = answer.children[0]
        assert first.size.height == 6
        drawn = count_drawn_lines(
            app.screen.query("*"), lambda widget: "first" if widget is first else type(widget).__name__
        )
        await answer.append("\n\nsuite")
        answer.keep_rows_ahead(3)
        await pilot.pause()
        await pilot.pause()
        assert first.size.height == 5 and answer.children[1].size.height == 3
        assert drawn.get("first", 0) <= 2, drawn  # its last rows at most, not its five


@pytest.mark.asyncio
async def test_a_code_block_without_a_language_is_shown_without_guessing_one(monkeypatch):
    """Textual guesses a code block's language when it has none (textual.highlight's
    guess_language, every pygments lexer trying the code) at each append: 0.25 to 0.9 s and every
    lexer imported the first time. The growing Markdown shows it as plain text; a block that
    names its language is still highlighted."""
    import textual.highlight

    assert "guess_language(code, path)" in inspect.getsource(textual.highlight.highlight)

    def guessed(code, path):
        raise AssertionError("a language was guessed")

    monkeypatch.setattr(textual.highlight, "guess_language", guessed)
    app = _GrowingLean()
    async with app.run_test(size=(40, 12)) as pilot:
        widget = app.query_one(Markdown)
        for piece in ("Du code :\n\n```\n", "for i in range(3):\n", "    print(i)\n", "```\n\n    indenté\n"):
            await widget.append(piece)
            await pilot.pause()
        await widget.update("```python\nprint('coloré')\n```\n")
        await pilot.pause()
        fence = widget.children[0]
        assert fence.lexer == "python" and fence._highlighted_code.spans  # highlighted: spans of style


STRIP_INIT = '''
def __init__(
    self, segments: Iterable[Segment], cell_length: int | None = None
) -> None:
    self._segments = list(segments)
    self._cell_length = cell_length
    self._divide_cache: FIFOCache[tuple[int, ...], list[Strip]] = FIFOCache(4)
    self._crop_cache: FIFOCache[tuple[int, int], Strip] = FIFOCache(16)
    self._style_cache: FIFOCache[Style, Strip] = FIFOCache(16)
    self._filter_cache: FIFOCache[tuple[LineFilter, Color], Strip] = FIFOCache(4)
    self._line_length_cache: FIFOCache[
        tuple[int, Style | None],
        Strip,
    ] = FIFOCache(4)
    self._crop_extend_cache: FIFOCache[
        tuple[int, int, Style | None],
        Strip,
    ] = FIFOCache(4)
    self._offsets_cache: FIFOCache[tuple[int, int], Strip] = FIFOCache(4)
    self._render_cache: str | None = None
    self._link_ids: set[str] | None = None
    self._cell_count: int | None = None
'''


def test_the_strip_init_replaced_is_textuals_as_it_was():
    assert textwrap.dedent(inspect.getsource(lean_strips())).strip() == STRIP_INIT.strip()


def test_a_strip_makes_its_caches_when_it_first_uses_them():
    import gc

    from rich.segment import Segment
    from rich.style import Style
    from textual.strip import Strip

    def caches(strip: Strip) -> int:
        return sum(type(o).__name__ == "FIFOCache" for o in gc.get_referents(strip))

    lean_strips()
    strip = Strip([Segment("Bonjour à tous", Style(bold=True))], 14)
    assert caches(strip) == 0
    cropped = strip.crop(0, 7)
    assert cropped.text == "Bonjour" and strip.crop(0, 7) is cropped  # cached once used
    assert strip.apply_style(Style(italic=True)) is strip.apply_style(Style(italic=True))
    assert strip.divide([3, 14])[0].text == "Bon"
    assert caches(strip) == 3  # the three used


def test_the_geometry_memos_are_lru_caches_that_forget():
    from rich.cells import cached_cell_len
    from textual.geometry import Region

    Region(0, 0, 10, 10).intersection(Region(5, 5, 10, 10))
    cached_cell_len("Bonjour")
    memos = [m for m in vars(Region).values() if hasattr(m, "cache_clear")]
    assert Region.intersection in memos and Region.overlaps in memos
    assert Region.intersection.cache_info().currsize and cached_cell_len.cache_info().currsize
    forget_geometry_memos()
    assert not any(m.cache_info().currsize for m in [*memos, cached_cell_len])


@pytest.mark.asyncio
async def test_the_style_memos_are_lru_caches_that_forget():
    """style_memos are rich's and Textual's lru_caches, filled as a screen is drawn."""
    app = _Bound()
    async with app.run_test() as pilot:
        await pilot.pause()
        memos = style_memos()
        assert all(hasattr(memo, "cache_info") for memo in memos)
        assert sum(memo.cache_info().currsize for memo in memos) > 0
        forget_style_memos()
        assert not any(memo.cache_info().currsize for memo in memos)


class _Empty(App):
    def compose(self) -> ComposeResult:
        yield Static("x")


@pytest.mark.asyncio
async def test_default_css_parsed_ahead_is_what_a_first_mount_adds():
    """parse_default_css adds the sources (their order, weights and scopes) Textual adds when the
    first widget of each class is mounted, and parses them: the mount adds none."""
    from textual.widgets import Digits, Markdown

    widgets = [Markdown, Digits, Markdown.BLOCKS["h2"]]  # as mounted: the heading is the Markdown's child
    mounted, ahead = _Empty(), _Empty()
    async with mounted.run_test() as pilot:
        before = dict(mounted.stylesheet.source)
        await mounted.screen.mount_all([Markdown("## titre"), Digits("12")])
        await pilot.pause()
        added = {key: source for key, source in mounted.stylesheet.source.items() if key not in before}
    async with ahead.run_test() as pilot:
        parse_default_css(ahead.stylesheet, widgets)
        assert not ahead.stylesheet._require_parse and ahead.stylesheet._rules_map is not None
        rules = len(ahead.stylesheet.rules)
        assert {key: source for key, source in ahead.stylesheet.source.items() if key not in before} == added
        await ahead.screen.mount_all([Markdown("## titre"), Digits("12")])
        await pilot.pause()
        assert len(ahead.stylesheet.rules) == rules  # nothing parsed at the mount
        assert list(ahead.stylesheet.source) == list(mounted.stylesheet.source)


class _Anchored(App):
    CSS = "VerticalScroll { height: 1fr; }"

    def compose(self) -> ComposeResult:
        from textual.containers import VerticalScroll

        with VerticalScroll():
            yield Static("\n".join(f"ligne {i}" for i in range(30)))

    def on_mount(self) -> None:
        from textual.containers import VerticalScroll

        scroll = self.query_one(VerticalScroll)
        scroll.anchor()
        repaint_scrollbar_when_it_moves(scroll)


@pytest.mark.asyncio
async def test_an_anchored_scrollbar_moved_by_a_layout_is_drawn_again():
    """Textual brings an anchored scroll to its end within the layout (Compositor._arrange_root),
    setting the scrollbar's position without a repaint: when the answer's pane shrank as its
    notice showed, the terminal kept the old thumb, two stray glyphs in the gutter (tmux, 80x24,
    three times out of three at the end of an answer cut short; none with the hook). Here a
    position set that way is drawn again after the next layout, once."""
    from textual._compositor import Compositor
    from textual.containers import VerticalScroll

    assert "widget.vertical_scrollbar._reactive_position = new_scroll_y" in inspect.getsource(
        Compositor._arrange_root
    )
    app = _Anchored()
    async with app.run_test(size=(30, 12)) as pilot:
        await pilot.pause()
        await pilot.pause()
        scroll = app.query_one(VerticalScroll)
        bar = scroll.vertical_scrollbar
        assert scroll.show_vertical_scrollbar and not bar._repaint_required
        refreshed = []
        refresh = bar.refresh
        bar.refresh = lambda *args, **kwargs: (refreshed.append(bar.position), refresh(*args, **kwargs))[1]
        bar._reactive_position = bar.position - 3  # as _arrange_root sets it
        assert not bar._repaint_required  # Textual asks for nothing
        app.screen.screen_layout_refresh_signal.publish(app.screen)  # what each layout ends with
        app.screen.screen_layout_refresh_signal.publish(app.screen)
        assert refreshed == [bar.position]  # drawn again, once


class _TwoBoxes(App):
    def on_mount(self) -> None:
        from textual.containers import Vertical
        from textual.screen import Screen
        from textual.widgets import Input

        class Boxes(Screen):
            focused = focus_without_repaint()

            def compose(self) -> ComposeResult:
                yield Header()
                with Vertical():
                    yield Static("Comptez les mains levées.", id="hint")
                    yield Input(id="first")
                    yield Input(id="second")
                yield Footer()

            def on_mount(self) -> None:
                self._compositor = lean_compositor()

        self.push_screen(Boxes())


@pytest.mark.asyncio
async def test_a_change_of_focus_repaints_what_it_changes_not_the_screen():
    """Textual's Screen.focused is a reactive that repaints the whole screen at each change of
    focus; the workshop's screens take it without that repaint (ui/screens/base.py)."""
    from textual.screen import Screen

    assert Screen.focused._repaint and "self.focused = widget" in inspect.getsource(Screen.set_focus)
    app = _TwoBoxes()
    async with app.run_test(size=(40, 12)) as pilot:
        await pilot.pause()
        await pilot.click("#first")
        await pilot.pause()
        await pilot.pause()
        drawn = count_drawn_lines(
            app.screen.walk_children(with_self=True), lambda widget: widget.id or type(widget).__name__
        )
        await pilot.press("tab")
        await pilot.pause()
        await pilot.pause()
        assert app.screen.focused is app.screen.query_one("#second")
        assert drawn.get("second") and drawn.get("first"), drawn  # each box's new style drawn
        assert "hint" not in drawn and "Header" not in drawn, drawn  # nothing else
