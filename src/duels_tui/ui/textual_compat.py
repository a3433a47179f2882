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


def forget_styles_memo() -> None:
    """Empty Textual's memo of `StylesCache.get_inner_outer` (an lru_cache of 1,024 calls), each
    entry holding a widget's styles cache, its last picture: the duel screens gone stayed in
    memory, about 5 MB a duel, until that memo was full."""
    from textual._styles_cache import StylesCache

    StylesCache.get_inner_outer.cache_clear()


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
            self.update(content, layout=not same_height)
            self._copy_context(block)

    class GrowingMarkdown(Markdown):
        BLOCKS = {**Markdown.BLOCKS, "paragraph_open": GrowingParagraph}

    return GrowingMarkdown


def lean_compositor() -> Compositor:
    """Textual's compositor, except that a frame draws again only the widgets that show something
    in the area it repaints.

    Textual's `Compositor._get_renders` asks every widget whose clip (for a widget docked on the
    screen: the whole screen) overlaps the repainted area for all its lines, and keeps the lines
    that area needs: while two answers stream, each frame drew the header, the footer's keys,
    the prompt and the follow-up box again from their caches, about 30 widgets for two growing
    paragraphs (bench/ui_bench.py's breakdown, `drawn_*`). Here a widget is asked only when its
    visible part (its region within its clip) overlaps that area: the others could not
    contribute a cell to it. The body is Textual 8.2's with that one test changed."""
    from textual._compositor import Compositor
    from textual.geometry import Region

    class LeanCompositor(Compositor):
        def _get_renders(self, crop: Region | None = None):
            if crop is None:
                yield from super()._get_renders(crop)
                return
            intersection, contains_region, overlaps = Region.intersection, Region.contains_region, crop.overlaps
            for widget, (region, clip) in self.visible_widgets.items():
                if not overlaps(intersection(region, clip)):
                    continue
                if contains_region(clip, region):
                    yield region, clip, widget.render_lines(Region(0, 0, region.width, region.height))
                else:
                    new_x, new_y, new_width, new_height = intersection(region, clip)
                    if new_width and new_height:
                        yield region, clip, widget.render_lines(
                            Region(new_x - region.x, new_y - region.y, new_width, new_height)
                        )

    return LeanCompositor()
