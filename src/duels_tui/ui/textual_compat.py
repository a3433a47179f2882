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
from textual.widget import Widget
from textual.widgets import Footer

if TYPE_CHECKING:  # the Markdown widget's module is imported when a pane first shows an answer
    from textual._compositor import Compositor
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
    from textual.geometry import Region

    for memo in (*(m for m in vars(Region).values() if hasattr(m, "cache_clear")), cached_cell_len):
        memo.cache_clear()


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
    """Textual's Markdown whose paragraphs grow without a layout while their height holds.

    Appending to a paragraph goes through `MarkdownParagraph._update_from_block`, which calls
    `Static.update` with a layout of the whole screen every time (each frame of a stream, both
    panes: a quarter of the display's CPU at 25 tokens/s, bench/ui_bench.py's breakdown). Words
    added to the last line of a paragraph change no widget's size: a repaint of the paragraph
    is enough; a layout comes when the paragraph wraps onto a new line. Built on first use: the
    Markdown module loads with the first pane, not with the app (its first frame)."""
    from textual.content import Content
    from textual.geometry import Region
    from textual.visual import visualize
    from textual.widgets import Markdown

    MarkdownParagraph = Markdown.BLOCKS["paragraph_open"]  # not exported by Textual

    class GrowingParagraph(MarkdownParagraph):  # type: ignore[valid-type,misc]
        async def _update_from_block(self, block: MarkdownBlock) -> None:
            if not isinstance(block, MarkdownParagraph):
                await super()._update_from_block(block)
                return
            content, (width, height) = block._content, self.content_size
            same_height = bool(width and height) and content.get_height(self.styles, width) == height
            self._content = content
            self._copy_context(block)
            if same_height:
                self._repaint_changed_lines(content)
            else:
                self.update(content, layout=True)

        def _repaint_changed_lines(self, content: Content) -> None:
            """Show `content`, as tall as what it replaces, repainting only the lines that
            differ: words added to a paragraph change its last line, while Static.update repaints
            every line of it (each one through the styles cache and the compositor: a third of
            a frame's painting at 25 tokens/s, bench/ui_bench.py's pace). The lines are compared,
            not guessed: a closing `**` restyles words lines above."""
            before = self._render_cache
            self._Static__content = content  # Static.update's two attributes, without its refresh
            self._Static__visual = visualize(self, content, markup=self._render_markup)
            if before.size != self.size or self._dirty_regions:  # not drawn as it is: draw it all
                self.refresh()
                return
            self._render_content()
            changed = [y for y, (old, new) in enumerate(zip(before.lines, self._render_cache.lines)) if old != new]
            if changed:
                self.refresh(Region(0, changed[0], self.size.width, changed[-1] - changed[0] + 1))
                self._dirty_regions.clear()  # rendered just above: the frame reads the new lines

    class GrowingMarkdown(Markdown):
        BLOCKS = {**Markdown.BLOCKS, "paragraph_open": GrowingParagraph}

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
    at the bottom, covers them all."""
    from textual._compositor import Compositor
    from textual.geometry import Region

    class LeanCompositor(Compositor):
        _areas: list[Region] = []  # the areas the frame under way repaints

        def render_partial_update(self):
            self._areas = [area for area in self._dirty_regions if area]
            return super().render_partial_update()

        def _get_renders(self, crop: Region | None = None):
            if crop is None or not self._areas:
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
