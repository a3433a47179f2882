"""Every place duels reaches into Textual's internals, in one file.

Each workaround targets Textual 8.2 (pyproject.toml pins `textual>=8.2,<9`), says why it is
needed, and has a test in tests/ui/test_textual_compat.py that fails when the internal it relies
on changes: at the next Textual upgrade, run that file first, then look here.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from textual import events
from textual.app import App
from textual.binding import Binding, BindingsMap
from textual.dom import DOMNode
from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import Footer

if TYPE_CHECKING:  # the Markdown widget's module is imported when a pane first shows an answer
    from textual._compositor import Compositor
    from textual.css.stylesheet import Stylesheet
    from textual.message_pump import MessagePump
    from textual.strip import Strip
    from textual.timer import Timer
    from textual.widgets import Markdown
    from textual.widgets.markdown import MarkdownBlock

TEXTUAL_TARGET = (8, 2)  # the Textual release these workarounds were written against


def rewrite_bindings(node: DOMNode, rewrite: Callable[[Binding], Binding]) -> None:
    """Replace each of `node`'s bindings by `rewrite(binding)` (the footer's descriptions in
    another language). Textual has no public way to change a binding's description; it gives
    each node its own copy of its class's bindings in `node._bindings` (a BindingsMap), so this
    touches only that node."""
    node._bindings = BindingsMap.from_keys({
        key: [rewrite(b) for b in bindings] for key, bindings in node._bindings.key_to_bindings.items()
    })


def mount_as_widget(widget: Widget, event: events.Mount) -> None:
    """Run a widget's Mount as `Widget` does, skipping its own class's `_on_mount` (the header
    replaces `Header._on_mount`, whose scheduled title update crashed on a screen left at once).
    The caller calls `event.prevent_default()` first, as Textual's handlers chain through the MRO."""
    Widget._on_mount(widget, event)


def forget_watchers(watched: App | DOMNode, watcher: DOMNode, names: tuple[str, ...]) -> None:
    """Drop `watcher`'s watchers of `watched`'s reactives `names` now. Textual keeps them in a
    `__watchers` attribute of the watched object (textual/reactive.py) and drops a watcher of a
    node gone only when that reactive next changes: the app's title is set once, so each screen's
    header stayed alive, with its last picture, as long as the app ran."""
    watchers = getattr(watched, "__watchers", {})
    for name in names:
        if name in watchers:
            watchers[name][:] = [(node, callback) for node, callback in watchers[name] if node is not watcher]


def forget_closed_watchers(watched: App | DOMNode, names: tuple[str, ...]) -> None:
    """Drop the watchers of `watched`'s reactives `names` held by nodes closed, as Textual does
    only when that reactive next changes (see forget_watchers): each duel screen's prompt, a
    TextArea, watches the app's theme, and stayed alive with its caches as long as the app ran."""
    watchers = getattr(watched, "__watchers", {})
    for name in names:
        if name in watchers:
            watchers[name][:] = [(node, callback) for node, callback in watchers[name] if not node._closing]


def forget_styles_memo() -> None:
    """Empty Textual's memo of `StylesCache.get_inner_outer` (an lru_cache of 1,024 calls), each
    entry holding a widget's styles cache, its last picture: the duel screens gone stayed in
    memory, about 5 MB a duel, until that memo was full."""
    from textual._styles_cache import StylesCache

    StylesCache.get_inner_outer.cache_clear()


def forget_geometry_memos() -> None:
    """Empty the memos of Textual's `Region` methods (lru_caches of 1,024 to 4,096 calls:
    intersection, overlaps, contains_region...) and of rich's `cached_cell_len` (4,096). Each
    entry is up to three objects the garbage collector walks, and they filled over a session,
    400 more a duel, while a duel's screens need a few hundred (bench/ui_bench.py's memory part:
    `Region.intersection` alone held 3,500 calls after twelve duels)."""
    from rich.cells import cached_cell_len

    for memo in (*(m for m in vars(Region).values() if hasattr(m, "cache_clear")), cached_cell_len):
        memo.cache_clear()


def style_memos() -> tuple[Any, ...]:
    """The memos (lru_caches of 1,024 to 16,384 calls) of rich's and Textual's arithmetic of
    styles, colours, sizes and blank lines, each entry a few objects the garbage collector walks:
    rich's Style._add and Segment._split_cells, Textual's Style.__add__, Color.blend and
    rich_color, the ANSI filter's truecolor_style, Strip.render_ansi and blank, Scalar.resolve,
    the borders' get_box and the blank segments' make_blank."""
    from rich.segment import Segment
    from rich.style import Style as RichStyle
    from textual._border import get_box
    from textual._segment_tools import make_blank
    from textual.color import Color
    from textual.css.scalar import Scalar
    from textual.filter import ANSIToTruecolor
    from textual.strip import Strip
    from textual.style import Style

    return (
        RichStyle._add, vars(Segment)["_split_cells"].__func__, Style.__add__, Color.blend,
        vars(Color)["rich_color"].fget, ANSIToTruecolor.truecolor_style, vars(Strip)["render_ansi"].__func__,
        vars(Strip)["blank"].__func__, Scalar.resolve, get_box, make_blank,
    )


def forget_style_memos() -> None:
    """Empty style_memos(): at the twelfth reveal they held 2,000 objects a full collection walks,
    most of them for screens gone (bench/ui_bench.py's memory part, objects grouped by owner)."""
    for memo in style_memos():
        memo.cache_clear()


class _ClassOnly:
    """What `DOMNode._get_default_css` reads of a node: its class's bases that carry CSS."""

    def __init__(self, widget: type[DOMNode]) -> None:
        self._node_bases = widget._css_bases(widget)


def parse_default_css(stylesheet: Stylesheet, widgets: Iterable[type[DOMNode]]) -> None:
    """Add the DEFAULT_CSS of each of `widgets` and of its bases to `stylesheet` as Textual does
    when the first widget of a class is mounted (`Widget._post_register`), in that order, and
    parse it now. Textual parses it at that first mount: after the engine-ready freeze
    (ui/collector.py), the rules of a duel's widgets (the answers' Markdown blocks, the reveal's
    Digits...) were walked by every full collection, 3,000 objects (bench/ui_bench.py's memory
    part)."""
    for widget in widgets:
        for read_from, css, tie_breaker, scope in DOMNode._get_default_css(_ClassOnly(widget)):  # type: ignore[arg-type]
            stylesheet.add_source(css, read_from=read_from, is_default_css=True, tie_breaker=tie_breaker, scope=scope)
    stylesheet.parse()
    _ = stylesheet.rules_map  # built at the first use of the rules: now, for the freeze too (214 lists)


def update_footer_keys(footer: Footer) -> bool:
    """Bring the footer's keys up to what it would compose now, in place: each FooterKey takes the
    key, label, action, state and tooltip of the one `footer.compose()` makes for its place (Textual's
    own choice of keys, not mounted), then one layout. False, and nothing changed, when the keys
    differ in number or kind (a group, a label, a key's classes): the footer is then built again.
    Built again at F5 and at each answer's end, the footer's keys were each made, styled, mounted
    and laid out twice: 8 to 10 ms a turn, as much as a tenth of the display's CPU at a real
    model's pace (bench/ui_bench.py's pace part)."""
    from textual.widgets._footer import FooterKey  # not exported by Textual

    keys, made = list(footer.children), list(footer.compose())
    if not keys or len(keys) != len(made):
        return False
    for old, new in zip(keys, made, strict=True):
        if not (isinstance(old, FooterKey) and isinstance(new, FooterKey)) or (
            old.classes - {"-disabled", "-compact"} != new.classes - {"-disabled", "-compact"}
        ):
            return False
    for old, new in zip(keys, made, strict=True):
        old.key, old.key_display, old.description, old.action = new.key, new.key_display, new.description, new.action
        old._disabled = new._disabled
        old.set_class(new._disabled, "-disabled")
        old.tooltip = new.tooltip
        old.refresh(layout=True)
    return True


def focus_without_repaint() -> Any:
    """Textual's `Screen.focused` reactive, without its repaint of the whole screen: each change
    of focus (Tab between the vote's count boxes, the prompt giving way to the follow-up box at
    F5) drew every widget of the screen again, 1.4 to 3.7 ms here. What the focus changes is
    restyled and repainted by `Screen._update_focus_styles`; the screen's own picture does not
    depend on it. Assigned as a screen class's `focused`."""
    from textual.reactive import Reactive

    return Reactive(None, repaint=False)


def one_shot_timer(pump: MessagePump, delay: float, callback: Callable[[], Any], *, name: str) -> Timer:
    """`pump.set_timer(delay, callback)` that always fires. Textual's one-shot timers skip a tick
    they find late (textual/timer.py, Timer._run with `skip=True`), and a one-shot timer has only
    one: when more than `delay` passed between the two clock readings at its start (a preemption
    on a busy 2-core machine, a collection), its callback never ran. With 1 ms, a frame meant to
    show a failed answer at once came with the next 4-a-second check instead (the CI run of
    362760d); with 0 s, the skip divided by zero (Textual issue #6370). Without the skip, a late
    timer fires late, and a timer of 0 s fires at the next turn of the loop."""
    from textual.timer import Timer

    timer = Timer(pump, delay, name=name, callback=functools.partial(pump.call_next, callback), repeat=0, skip=False)
    timer._start()
    pump._timers.add(timer)  # stopped with the pump, as set_timer's are
    return timer


def post_refreshes(root: Widget) -> None:
    """Send the screen now the repaints and layouts that `root` and the widgets under it asked
    for (`Widget._check_refresh`), as each would when its own message queue next goes idle. A
    frame's changes then reach the screen before its next update: while two answers streamed, the
    second pane's stats line, updated last in the frame, often missed it and came in an update of
    its own 20 to 30 ms later, a second paint of the frame (0.6 ms; bench/ui_bench.py's local
    part)."""
    for widget in root.walk_children(Widget, with_self=True):
        if widget._repaint_required or widget._layout_required:
            widget._check_refresh()


def render_frame_lines(container: Widget, crop: Region) -> list[Strip]:
    """`container`'s own lines in `crop` (Widget.render_lines), each distinct row drawn once: a
    container that shows no content of its own, no border title and no scrollbar of its own
    draws every row between its top and bottom edges alike (its background, border sides and
    padding). Textual's StylesCache draws each row whole and then crops it: a border's colour
    that changed drew each pane's 38 rows at 120x35 to repaint its two sides (3 to 4 ms of an
    answer's first and last frame, bench/ui_bench.py's pace part)."""
    render = container._styles_cache.render_widget
    height = container.region.height  # the styles cache's rows: border included
    strips: list[Strip] = []
    middle: Strip | None = None
    for y in crop.line_range:
        if 0 < y < height - 1:
            if middle is None:
                middle = render(container, Region(crop.x, y, crop.width, 1))[0]
            strips.append(middle)
        else:
            strips.extend(render(container, Region(crop.x, y, crop.width, 1)))
    return strips


def repaint_scrollbar_when_it_moves(scroll: Widget) -> None:
    """Draw `scroll`'s vertical scrollbar again after each layout that moved its thumb. An
    anchored scroll is brought to its end in the layout itself (Compositor._arrange_root), which
    sets the scrollbar's position without a repaint; when the scroll shrinks (a notice shows
    under an answer cut short), that layout uses its old height, and the next one corrects the
    position silently: the terminal kept the old thumb, two stray glyphs in the gutter (seen in
    tmux at the end of an answer). The screen tells its subscribers after every layout."""
    shown: list[tuple[float, int, int] | None] = [None]

    def laid_out(_screen: Any) -> None:
        if not scroll.show_vertical_scrollbar:
            shown[0] = None
            return
        bar = scroll.vertical_scrollbar
        now = (bar.position, bar.window_size, bar.window_virtual_size)
        if now != shown[0]:
            shown[0] = now
            bar.refresh()

    scroll.screen.screen_layout_refresh_signal.subscribe(scroll, laid_out, immediate=True)


def markdown_blocks(widget: Markdown, tokens: Iterable[Any]) -> Iterable[MarkdownBlock]:
    """The blocks `widget` would mount for these markdown-it tokens (`Markdown._parse_markdown`),
    without mounting them: the answer pane compares them with the blocks on screen to skip a full
    render that would change nothing."""
    return widget._parse_markdown(tokens)


def footer_bindings_ready(footer: Footer) -> bool:
    """Whether Textual's Footer has had its first `bindings_changed` (`Footer._bindings_ready`):
    before it, the footer shows nothing and must be built even if the keys look the same.
    WorkshopFooter overrides `Footer.bindings_changed` to rebuild only when the keys change."""
    return footer._bindings_ready


@functools.cache
def growing_markdown() -> type[Markdown]:
    """Textual's Markdown whose growing paragraph repaints only the lines that change.

    Appending to a paragraph goes through `MarkdownParagraph._update_from_block`, which calls
    `Static.update`: a layout of the whole screen and a repaint of every line of the paragraph at
    every frame of a stream (each line through the styles cache and the compositor), in both
    panes. Here the paragraph's new lines are compared with those on screen, and only the rows
    from the first that differs are repainted: words added to a paragraph change its last line;
    a closing `**` restyles words lines above, so the lines are compared, not guessed. A layout
    comes only when the paragraph's height changes, and then the compositor repaints the rows
    from the first changed one down, not the whole paragraph (`grown_from`, read by
    lean_compositor). While an answer streams, its last paragraph also keeps a few rows ahead of
    its text (`keep_rows_ahead`): it grows into them without a layout, so a layout comes every few
    new lines, not at each (once the pane is full, each layout scrolls and repaints all of it).
    Built on first use: the Markdown module loads with the first pane, not with the app (its
    first frame)."""
    from contextlib import suppress
    from itertools import zip_longest

    from textual.geometry import Size
    from textual.visual import Visual, visualize
    from textual.widgets import Markdown
    from textual.widgets._markdown import MarkdownBullet, MarkdownListItem  # not exported by Textual

    MarkdownParagraph = Markdown.BLOCKS["paragraph_open"]  # not exported by Textual

    class GrowingParagraph(MarkdownParagraph):  # type: ignore[valid-type,misc]
        grown_from: int | None = None  # the first row that changed, while a new height waits for its layout
        _narrow_dirty: Region | None = None

        def _rows(self, lines: int) -> int:
            """How tall the paragraph is for `lines` lines of text: rounded up to a multiple of
            the Markdown's `rows_ahead` while it is the last block of a growing answer."""
            ahead = self._markdown.rows_ahead if self._markdown.growing is self else 0
            return -(-lines // ahead) * ahead if ahead > 1 else lines

        def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
            return self._rows(super().get_content_height(container, viewport, width))

        async def _update_from_block(self, block: MarkdownBlock) -> None:
            if not isinstance(block, MarkdownParagraph):
                await super()._update_from_block(block)
                return
            unchanged = block._content.plain == self._content.plain and block._content.spans == self._content.spans
            self._content = block._content
            self._copy_context(block)
            if unchanged:  # an earlier item of a list that grows
                return
            before, (width, height) = self._render_cache, self.size
            # Static.update's two attributes, without its refresh
            self._Static__content = block._content
            self._Static__visual = visual = visualize(self, block._content, markup=self._render_markup)
            if not (width and height) or before.size != self.size or self._dirty_regions or any(self.styles.gutter):
                self.grown_from = None  # not drawn as it is (or drawn with a frame): all of it, laid out
                self.refresh(layout=True)
                return
            lines = Visual.to_strips(self, visual, width, None, self.visual_style)
            changed = [y for y, (old, new) in enumerate(zip_longest(before.lines, lines)) if old != new]
            if not changed:
                return
            first = changed[0]
            if self._rows(len(lines)) == height:
                self._render_cache = type(before)(self.size, lines)
                self.refresh(Region(0, first, width, changed[-1] - first + 1))
                self._dirty_regions.clear()  # rendered just above: the frame reads these lines
                return
            self.grown_from = first if self.grown_from is None else min(self.grown_from, first)
            self.refresh(Region(0, first, width, height - first), layout=True)

        def _size_updated(self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True) -> bool:
            """The layout gave the paragraph its new height: Textual marks all of it dirty
            (`_set_dirty()`); only the rows from `grown_from` down changed."""
            grown_from, self.grown_from = self.grown_from, None
            if grown_from is not None and size.width == self._size.width:
                self._narrow_dirty = Region(0, grown_from, size.width, max(size.height, self._size.height) - grown_from)
            try:
                # layout=False: Textual sets the new virtual size as a layout reactive, which asks
                # for a second layout of the screen (and a repaint of these rows) on the next
                # update, after each layout that changed a paragraph's height. A paragraph does not
                # scroll; the layout that just ran has placed everything for its new size.
                return super()._size_updated(size, virtual_size, container_size, layout=False)
            finally:
                self._narrow_dirty = None

        def _set_dirty(self, *regions: Region) -> None:
            if not regions and self._narrow_dirty is not None:
                regions = (self._narrow_dirty,)
            super()._set_dirty(*regions)

    class UnguessedFence(Markdown.BLOCKS["fence"]):  # type: ignore[misc]
        """A code block with no language is shown as plain text. Textual guesses its language
        (pygments' guess_lexer: every lexer tries the code) at every append while it streams: the
        first guess imported every lexer, 0.25 to 0.9 s on the event loop and 45,000 objects
        each full collection walks from then on; each guess after it, 3 ms a frame."""

        @classmethod
        def highlight(cls, code: str, language: str, ansi: bool = False, dark: bool = False):
            return super().highlight(code, language or "text", ansi=ansi, dark=dark)

    in_place = (GrowingParagraph, UnguessedFence)  # blocks that update where they stand

    class GrowingList:
        """A list that grows in place: Textual's lists, like every block but paragraphs, tables
        and code, are removed and mounted again (each item, bullet and paragraph: dozens of
        widgets composed, styled and laid out) at each append while they are the last block. A
        list that streams cost ten times a paragraph's frame (bench/ui_bench.py's
        pace_markdown). Here the items on screen are updated (their paragraphs, code and nested
        lists, each in place) and new items and blocks are mounted; anything else (an item
        whose blocks changed kind, an ordered list whose numbers widen) falls back on Textual's
        remount."""

        async def _update_from_block(self, block: MarkdownBlock) -> None:
            rows = list(self.children)
            items = [item for item in block._blocks if isinstance(item, MarkdownListItem)]
            symbols = self._symbols(items)
            if type(block) is not type(self) or not self._updatable(rows, items, symbols):
                # Textual's remount, where the list stands: a list inside an item is not the
                # Markdown's last child, where MarkdownBlock._update_from_block mounts it.
                await self.parent.mount(block, after=self)
                await self.remove()
                return
            for row, item in zip(rows, items, strict=False):
                column = row.children[1]
                for old, new in zip(list(column.children), item._blocks, strict=False):
                    await old._update_from_block(new)
                if len(item._blocks) > len(column.children):
                    await column.mount_all(item._blocks[len(column.children) :])
            from textual.containers import Horizontal, Vertical

            new_rows = []
            for item, symbol in zip(items[len(rows) :], symbols[len(rows) :], strict=True):
                bullet = MarkdownBullet()
                bullet.symbol = symbol
                new_rows.append(Horizontal(bullet, Vertical(*item._blocks)))
            if new_rows:
                await self.mount_all(new_rows)
            self._copy_context(block)

        def _updatable(self, rows: list[Widget], items: list[Any], symbols: list[str]) -> bool:
            if len(items) < len(rows) or len(items) != len(symbols):
                return False
            for row, item, symbol in zip(rows, items, symbols, strict=False):
                if len(row.children) != 2 or row.children[0].symbol != symbol:
                    return False
                olds, news = list(row.children[1].children), item._blocks
                if len(news) < len(olds):
                    return False
                for old, new in zip(olds, news, strict=False):
                    if type(old) is not type(new) or not isinstance(old, (*in_place, GrowingList)):
                        return False
            return True

    class GrowingBulletList(GrowingList, Markdown.BLOCKS["bullet_list_open"]):  # type: ignore[misc]
        @staticmethod
        def _symbols(items: list[Any]) -> list[str]:
            return [item.bullet for item in items]  # as MarkdownBulletList.compose does

    class GrowingOrderedList(GrowingList, Markdown.BLOCKS["ordered_list_open"]):  # type: ignore[misc]
        @staticmethod
        def _symbols(items: list[Any]) -> list[str]:
            """The numbers MarkdownOrderedList.compose gives its items."""
            start = 1
            if items:
                with suppress(ValueError):
                    start = int(items[0].bullet)
            numbers = [f"{number}. " for number in range(start, start + len(items))]
            width = max((len(number) for number in numbers), default=0)
            return [number.rjust(width + 1) for number in numbers]

    class GrowingMarkdown(Markdown):
        BLOCKS = {
            **Markdown.BLOCKS,
            "paragraph_open": GrowingParagraph,
            "fence": UnguessedFence,
            "code_block": UnguessedFence,
            "bullet_list_open": GrowingBulletList,
            "ordered_list_open": GrowingOrderedList,
        }
        rows_ahead = 0  # rows the last paragraph keeps below its text while the answer grows
        growing: GrowingParagraph | None = None  # that paragraph

        def refresh(self, *regions: Region, repaint: bool = True, layout: bool = False, recompose: bool = False):
            """A block mounted or removed asks the Markdown for a layout and a repaint of all of
            it (Textual's AwaitMount, App._prune): the whole pane drawn again at each new
            paragraph. The layout is enough: the compositor repaints what moved, appeared or
            went (Compositor.reflow marks the old and new areas of whatever changed place or
            size, the Markdown's own included), and what the Markdown draws itself, its
            background between blocks, did not change."""
            if layout and not regions and not recompose:
                repaint = False
            return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)

        def keep_rows_ahead(self, rows: int) -> None:
            """Let the last paragraph (the last block, or the last one of a list's last item) keep
            `rows` rows ahead of its text (0: none), so that it grows into them without a
            layout; the paragraph that had them gives them back. Called after each append, and
            with 0 once the answer is final."""
            last = self.children[-1] if self.children else None
            while isinstance(last, GrowingList):  # the last paragraph of the last item, if any
                row = last.children[-1].children if last.children else ()
                last = row[1].children[-1] if len(row) == 2 and row[1].children else None
            growing = last if rows > 1 and isinstance(last, GrowingParagraph) else None
            if growing is self.growing and rows == self.rows_ahead:
                return
            kept = max(self.rows_ahead, rows)  # the most rows a paragraph had or gets below its text
            previous, self.growing, self.rows_ahead = self.growing, growing, rows
            for paragraph in {previous, growing} - {None}:
                if not paragraph.is_attached:  # removed by a full render or a retry
                    continue
                # Only its rows below the text change (kept or given back): its height is its
                # text's rounded up to a multiple of the rows kept, so its last `kept - 1` rows at
                # most. The compositor repaints from there (lean_compositor) and the lines above
                # are not drawn again: drawn whole, the paragraph that gave its rows back was a
                # third of a new paragraph's frame.
                height = paragraph.size.height
                if height:
                    first = max(0, height - kept + 1)
                    paragraph.grown_from = first if paragraph.grown_from is None else min(paragraph.grown_from, first)
                paragraph.clear_cached_dimensions()
                paragraph.refresh(layout=True, repaint=False)

    return GrowingMarkdown


def lean_compositor() -> Compositor:
    """Textual's compositor, except that a frame draws again only the lines that show something in
    the areas it repaints.

    Textual's `Compositor._get_renders` asks every widget whose clip (for a widget docked on the
    screen: the whole screen) overlaps the rectangle around all repainted areas for every visible
    line, and keeps the lines that rectangle needs: while two answers streamed, each frame drew
    the header, the footer's keys, the prompt and the follow-up box again from their caches, and
    every container under the growing paragraphs, about 340 lines for two growing paragraphs
    (bench/ui_bench.py's breakdown, `drawn_*`). Here, for each repainted area, the widgets are
    asked top first, for the lines of that area alone, and a widget whose part of the area lies
    within a widget already drawn above it is not asked: it could not show a cell there (a widget
    paints every cell of its region, its background blended with its parents' when it draws, not
    with what is below it). The frame still gets a cell for every repainted cell: the screen,
    at the bottom, covers them all.

    A layout marks as repainted the whole old and new area of each widget whose place changed;
    for a paragraph that grew or shrank where it stands (same place, width and clip: the growing
    Markdown's `grown_from`), only its rows from the first that changed down to its lower edge,
    old or new, are repainted (what the paragraph's lines above show has not moved)."""
    from textual._compositor import Compositor

    class LeanCompositor(Compositor):
        _areas: list[Region] = []  # the areas the frame under way repaints

        def reflow(self, parent: Widget, size: Any):
            old_map, dirty_before = self._full_map, set(self._dirty_regions)
            result = super().reflow(parent, size)
            grown = {}
            for widget, geometry in self._full_map.items():
                old = old_map.get(widget)
                if getattr(widget, "grown_from", None) is None or old is None or old == geometry:
                    continue
                (x, y, width, height), (old_x, old_y, old_width, old_height) = geometry.region, old.region
                if (x, y, width) == (old_x, old_y, old_width) and geometry.clip == old.clip:
                    rows = Region(x, y + widget.grown_from, width, max(height, old_height) - widget.grown_from)
                    grown[widget] = geometry.clip.intersection(rows)
            if not grown or size.region in self._dirty_regions:
                return result
            # Textual's marking (Compositor.reflow), the grown paragraphs' rows instead of their areas
            areas = dirty_before | set(grown.values())
            for widget, geometry in self._full_map.items() ^ old_map.items():
                if widget not in grown:
                    areas.add(geometry.clip.intersection(geometry.region))
            self._dirty_regions.clear()
            self._dirty_regions.update(area for area in areas if area)
            return result

        def render_partial_update(self):
            self._areas = [area for area in self._dirty_regions if area]
            return super().render_partial_update()

        def _get_renders(self, crop: Region | None = None):
            if crop is None or not self._areas or len(self._areas) > MAX_LEAN_AREAS:
                # Many areas (a pane that scrolled: each of its blocks moved) cost more to sort
                # out, widget by widget, than Textual's one rectangle around them all.
                self._areas = []
                yield from super()._get_renders(crop)
                return
            areas, self._areas = self._areas, []
            intersection, contains_region = Region.intersection, Region.contains_region
            drawn_above: list[list[Region]] = [[] for _ in areas]
            for widget, (region, clip) in self.visible_widgets.items():
                visible = intersection(region, clip)
                if not visible:
                    continue
                lines: set[int] = set()
                for area, above in zip(areas, drawn_above, strict=True):
                    needed = intersection(area, visible)
                    if not needed or any(contains_region(upper, needed) for upper in above):
                        continue
                    above.append(visible)
                    lines.update(needed.line_range)
                # Whole lines of the widget's visible part: its strips start where its cuts do.
                for first, last in _runs(sorted(lines)):
                    part = Region(visible.x, first, visible.width, last - first + 1)
                    yield region, part, widget.render_lines(part.translate((-region.x, -region.y)))

    return LeanCompositor()


# Areas a frame repaints, above which lean_compositor draws as Textual does: an answer's first
# and last frame repaint the four edges of each pane's border and a few rows of each (12 to 16);
# a launch, those and the prompt, the follow-up box and the footer's keys (22 at 120x35).
MAX_LEAN_AREAS = 32


def _runs(numbers: list[int]) -> Iterable[tuple[int, int]]:
    """Consecutive runs in sorted numbers, as (first, last)."""
    first = previous = None
    for number in numbers:
        if previous is not None and number == previous + 1:
            previous = number
            continue
        if first is not None:
            yield first, previous
        first = previous = number
    if first is not None:
        yield first, previous


_STRIP_CACHES = {  # Strip's caches and their sizes (textual/strip.py, Strip.__init__)
    "_divide_cache": 4,
    "_crop_cache": 16,
    "_style_cache": 16,
    "_filter_cache": 4,
    "_line_length_cache": 4,
    "_crop_extend_cache": 4,
    "_offsets_cache": 4,
}


class _CacheOnFirstUse:
    """One of a Strip's caches, made when it is first asked for (its slot holds None until then)."""

    __slots__ = ("get_slot", "set_slot", "size")

    def __init__(self, slot: Any, size: int) -> None:
        self.get_slot, self.set_slot, self.size = slot.__get__, slot.__set__, size

    def __get__(self, strip: Any, owner: type | None = None) -> Any:
        if strip is None:
            return self
        cache = self.get_slot(strip)
        if cache is None:
            cache = _FIFOCache[0](self.size)
            self.set_slot(strip, cache)
        return cache

    def __set__(self, strip: Any, value: Any) -> None:
        self.set_slot(strip, value)


_FIFOCache: list[type] = []  # textual.cache.FIFOCache, once lean_strips has run
_STRIP_INIT: list[Callable] = []  # Textual's Strip.__init__, replaced by lean_strips


@functools.cache
def lean_strips() -> Callable:
    """Each Strip (a line of a widget's picture) makes its caches when it first uses them.

    Textual's `Strip.__init__` makes seven (crop, style, divide...), each an object the garbage
    collector tracks: of the 37,000 objects a full collection walked after a duel, 9,500 were
    these caches, most never used (bench/ui_bench.py's memory part, objects grouped by type).
    The slots stay; the class's descriptors of the seven are wrapped to fill them on first use,
    and `__init__` is Textual 8.2's without them (returned: Textual's, for its test). Creating a
    strip costs half as much; reading a cache a Python call more (the pace part of the bench
    did not move)."""
    from textual.cache import FIFOCache
    from textual.strip import Strip

    _FIFOCache.append(FIFOCache)
    _STRIP_INIT.append(Strip.__init__)
    slots = [Strip.__dict__[name] for name in _STRIP_CACHES]
    for name, size in _STRIP_CACHES.items():
        setattr(Strip, name, _CacheOnFirstUse(Strip.__dict__[name], size))
    empty = [slot.__set__ for slot in slots]

    def __init__(self: Strip, segments: Iterable[Any], cell_length: int | None = None) -> None:
        self._segments = list(segments)
        self._cell_length = cell_length
        for set_empty in empty:
            set_empty(self, None)
        self._render_cache = None
        self._link_ids = None
        self._cell_count = None

    Strip.__init__ = __init__  # type: ignore[method-assign]
    return _STRIP_INIT[0]
