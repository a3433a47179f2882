"""One side of a duel: an anonymous label, live stats, collapsed reasoning, the streamed answer.

Model text is untrusted: it is made visible-safe (text_safety) and rendered by a Markdown parser
with raw HTML off, so markup, escape sequences and HTML all show literally.

Cheap to keep up to date (measured with bench/ui_bench.py): a sync that changes nothing costs
nothing; the answer grows by appends and is rendered whole once, on the frame after its last
tokens are on screen; the stats line repaints without a layout; the pane's border state restyles
the pane alone, not the blocks of its answer."""

from __future__ import annotations

import asyncio
import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.geometry import Region
from textual.widgets import Collapsible, Static

from duels_tui.numbers import count
from duels_tui.text_safety import visible_text
from duels_tui.ui.textual_compat import (
    growing_markdown,
    markdown_blocks,
    render_frame_lines,
    repaint_scrollbar_when_it_moves,
)

if TYPE_CHECKING:  # Markdown and markdown-it load with the first pane, not with the app (first frame)
    from markdown_it import MarkdownIt
    from textual.strip import Strip
    from textual.widgets import Markdown

FINAL_STATUSES = frozenset({"done", "error", "cancelled", "interrupted"})
# While an answer streams, its last paragraph keeps rows below its text to grow into: a layout of
# the screen (and, once the pane is full, a scroll that repaints all of it) every few new lines
# rather than at each (textual_compat.growing_markdown). Until the answer ends, its text may end
# that many rows, less one, above the pane's lower edge: one row ahead per 8 the pane shows, at
# most 3 (none at 80x24, where a pane shows 5; 2 at 120x35; 3 at 160x45).
MAX_ROWS_AHEAD = 3
ROWS_PER_ROW_AHEAD = 8


def rows_ahead(pane_rows: int) -> int:
    return min(MAX_ROWS_AHEAD, pane_rows // ROWS_PER_ROW_AHEAD)


@functools.cache
def safe_markdown_parser() -> MarkdownIt:
    """GitHub-like Markdown with raw HTML disabled: `<b>` stays the four characters `<b>`.

    One parser for every pane: Textual asks for one on each append, and building one costs 0.3 ms
    here (its HTML renderer inspects itself), about what parsing a frame's new text costs. Parsing
    keeps its state outside the parser, so sharing it (even with the full render's thread) is
    safe.

    Without linkify: a bare address a model writes stays text, not a link to click (a model's
    addresses are often made up), and its search of every paragraph for addresses was two thirds
    of the parsing while answers streamed (py-spy on bench/ui_bench.py's pace part). A link
    written as Markdown, `[texte](adresse)`, is still one."""
    from markdown_it import MarkdownIt

    return MarkdownIt("gfm-like", {"html": False, "linkify": False})


@dataclass(frozen=True)
class PaneState:
    """What a pane shows; built from arena state by ui/view.py."""

    text: str = ""
    reasoning: str = ""
    status: str = "idle"  # idle | streaming | done | error | cancelled | interrupted
    tokens: int | None = None  # output tokens of this side's whole conversation (reasoning included)
    answers: int = 1  # how many answers `tokens` counts (the first and each follow-up's)
    tokens_estimated: bool = False
    reasoning_tokens: int | None = None
    tokens_per_s: float | None = None
    notice: str = ""  # French, anonymous: an error with what to do, or a cancel notice
    identity_flag: bool = False
    waiting: str = ""  # what the answer waits for, and since when ("chargement du modèle… 12 s")


class StreamedMarkdown:
    """A Markdown widget that follows a growing text: only the new part is appended while the text
    grows; a text that is not a continuation (a retry) is rendered afresh; once the text is final,
    a full render follows (appends parse the last block alone, so a construct spanning blocks may
    need it: oterm's blank code blocks).

    Appends go straight to `Markdown.append`, awaited within the frame: Textual's MarkdownStream
    gathers writes in a task of its own, which the duel screen's pacing already does per frame,
    and its late appends cost a second layout and repaint per frame (measured)."""

    def __init__(self, widget: Markdown) -> None:
        self.widget = widget  # a textual_compat.growing_markdown()
        self.shown = ""  # the text on screen (visible-safe)
        self.final = False  # `shown` is the final text
        self._whole: str | None = ""  # the text of the last full render; None once appended to

    @property
    def rendered_whole(self) -> bool:
        """The final text is on screen, rendered by one full parse."""
        return self.final and self._whole == self.shown

    async def show(self, text: str, final: bool) -> bool:
        """Bring the widget up to `text`. True when a full render is now due (`render_whole`)."""
        if text != self.shown:
            if text.startswith(self.shown):
                await self.widget.append(text[len(self.shown) :])
                self._whole = None
            else:  # a retry restarted the answer
                await self.widget.update(text)
                self._whole = text
            self.shown = text
        self.final = final
        if not final:
            self.widget.keep_rows_ahead(rows_ahead(self.widget.parent.size.height))
        return final and self._whole != self.shown

    def give_rows_back(self) -> None:
        """The final text is on screen: its last paragraph is as tall as its text again (after
        the frame that shows the last tokens, which a layout would delay)."""
        if self.final:
            self.widget.keep_rows_ahead(0)

    async def render_whole(self) -> None:
        """The full render of the final text, unless the text changed since, or unless the
        appends already show what it would: the same blocks over the same lines (a remount of
        every block, restyled, laid out and repainted, cost more than the whole stream of a short
        answer at 25 tokens/s, measured with bench/ui_bench.py)."""
        if self.final and self._whole != self.shown:
            if not self._blocks_match(self.shown):
                await self.widget.update(self.shown)
            self._whole = self.shown

    def _blocks_match(self, text: str) -> bool:
        """Whether one parse of `text` gives the blocks on screen: each top-level block of the
        same kind over the same lines. Appends parse each block alone, so a block's content only
        differs from the full parse's when its lines or kind do (a setext heading, a list or code
        block spanning blank lines), or when a link refers to a definition elsewhere."""
        from textual.widgets.markdown import MarkdownBlock

        env: dict = {}
        tokens = safe_markdown_parser().parse(text, env)
        if env.get("references"):
            return False
        whole = [(type(block), block.source_range) for block in markdown_blocks(self.widget, tokens)]
        blocks = [block for block in self.widget.children if isinstance(block, MarkdownBlock)]
        return whole == [(type(block), block.source_range) for block in blocks]


class AnswerPane(Vertical):
    """Updated by `sync` from a PaneState, at most once a frame (the duel screen paces frames)."""

    def __init__(self, label: str, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="answer-pane")
        self.label = label
        self._last_state: PaneState | None = None
        self._answer: StreamedMarkdown | None = None
        self._reasoning: StreamedMarkdown | None = None
        self._lock = asyncio.Lock()  # a deferred full render never interleaves with a sync
        self._stats = ""
        self._notice = ""
        self._reasoning_title = ""
        # the widgets each frame updates, found once (a query matched selectors at every frame)
        self._stats_line_widget: Static | None = None
        self._notice_widget: Static | None = None
        self._collapsible: Collapsible | None = None
        self._border_only = False  # a restyle under way changes only the pane's border

    def compose(self) -> ComposeResult:
        Markdown = growing_markdown()

        yield Static(self.label, classes="pane-title", markup=False)
        yield Static("", classes="pane-stats", markup=False)
        with Collapsible(title="", collapsed=True, classes="reasoning"):
            yield Markdown("", parser_factory=safe_markdown_parser, classes="reasoning-text")
        with VerticalScroll(classes="answer-scroll"):
            yield Markdown("", parser_factory=safe_markdown_parser, classes="answer-text")
        yield Static("", classes="pane-notice", markup=False)

    def on_mount(self) -> None:
        from textual.widgets import Markdown

        self._answer = StreamedMarkdown(self.query_one(".answer-text", Markdown))
        self._reasoning = StreamedMarkdown(self.query_one(".reasoning-text", Markdown))
        self._collapsible = self.query_one(".reasoning", Collapsible)
        self._stats_line_widget = self.query_one(".pane-stats", Static)
        self._notice_widget = self.query_one(".pane-notice", Static)
        self._collapsible.display = False
        self._notice_widget.display = False
        # Follow the answer at layout time until the reader scrolls up (back at the bottom, it
        # follows again). "At the bottom?" checked before each append lost the race with layout
        # on fast streams: the pane stopped following after a few lines, or never scrolled. The
        # text is at least as tall as the pane (styles.tcss), so a short one stays at the top.
        scroll = self.query_one(".answer-scroll", VerticalScroll)
        scroll.anchor()
        repaint_scrollbar_when_it_moves(scroll)  # Textual moves an anchored thumb without drawing it

    @property
    def shown_text(self) -> str:
        return self._answer.shown if self._answer is not None else ""

    @property
    def _finished(self) -> bool:
        """The final answer is on screen, rendered whole (tests and the bench wait for this)."""
        return self._answer is not None and self._answer.rendered_whole

    async def sync(self, state: PaneState, t) -> None:
        """Bring the pane up to `state`. Nothing at all when the state has not changed."""
        if state == self._last_state or self._answer is None or self._reasoning is None:
            return  # not mounted yet (on_mount finds the widgets below)
        self._last_state = state
        final = state.status in FINAL_STATUSES
        async with self._lock:
            whole_due = await self._answer.show(visible_text(state.text), final)
            reasoning = visible_text(state.reasoning)
            collapsible = self._collapsible
            if reasoning != self._reasoning.shown:
                collapsible.display = bool(reasoning)
            whole_due = await self._reasoning.show(reasoning, final) or whole_due
        reasoning_tokens = count(state.reasoning_tokens, "token", t.lang) if state.reasoning_tokens else "…"
        title = t("duel.reasoning", tokens=reasoning_tokens) if reasoning else ""
        if title != self._reasoning_title:
            collapsible.title = self._reasoning_title = title
        stats = self._stats_line(state, t)
        if stats != self._stats:
            # One line, always: no layout (a layout of the whole screen each frame, otherwise).
            self._stats_line_widget.update(stats, layout=False)
            self._stats = stats
        notice = state.notice or (t("duel.identity") if state.identity_flag else "")
        if notice != self._notice:
            widget = self._notice_widget
            widget.display = bool(notice)
            widget.update(notice)
            self._notice = notice
        self._set_border_class(state.status == "error", "-error")
        self._set_border_class(state.status == "streaming", "-streaming")
        if final:
            self.call_after_refresh(self._answer.give_rows_back)
            self.call_after_refresh(self._reasoning.give_rows_back)
        if whole_due:
            # The last tokens are painted first; the full parse comes with the next frame.
            self.call_after_refresh(self._render_whole)

    async def _render_whole(self) -> None:
        if self._answer is None or self._reasoning is None:
            return
        async with self._lock:
            await self._answer.render_whole()
            await self._reasoning.render_whole()

    def _set_border_class(self, on: bool, name: str) -> None:
        """Classes that style the pane's own border (styles.tcss: no rule below `.answer-pane.-x`).
        Textual restyles a node's whole subtree when its classes change, each block of the answer
        included (0.1 s for a long answer, measured): the pane is restyled alone instead."""
        if self.has_class(name) == on:
            return
        self.set_class(on, name, update=False)
        self._border_only = True
        try:
            self.app.stylesheet.update_nodes([self], animate=False)
        finally:
            self._border_only = False

    def refresh(self, *regions: Region, repaint: bool = True, layout: bool = False, recompose: bool = False):
        """While `_set_border_class` restyles the pane, only its border changes: the repaint
        Textual asks for (all of the pane) is its four edges. The whole pane drawn again, each
        line of the answer with it, cost 4 to 8 ms at each answer's first and last frame
        (bench/ui_bench.py's local part)."""
        if self._border_only and repaint and not (regions or layout or recompose) and self.outer_size:
            (width, height), (x, y) = self.outer_size, -self.content_offset  # regions are the content's
            regions = (Region(x, y, width, 1), Region(x, y + height - 1, width, 1),
                       Region(x, y, 1, height), Region(x + width - 1, y, 1, height))
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)

    def render_lines(self, crop: Region) -> list[Strip]:
        # The pane draws nothing but its frame: its title, stats and answer are its children.
        return render_frame_lines(self, crop)

    def _stats_line(self, state: PaneState, t) -> str:
        parts = []
        if state.waiting:  # the model loading, before or after the launch: what the room waits for
            return state.waiting
        if state.status == "idle":
            return t("duel.waiting")
        if state.status == "streaming":
            parts.append(t("duel.streaming"))
        if state.tokens is not None:
            tokens = count(state.tokens, "generated_token", t.lang)
            if state.answers > 1:
                tokens = t("duel.tokens_in", tokens=tokens, answers=count(state.answers, "answer", t.lang))
            parts.append(tokens + (f" ({t('duel.estimated')})" if state.tokens_estimated else ""))
        if state.tokens_per_s:
            parts.append(count(state.tokens_per_s, "token", t.lang, significant=2) + "/s")
        return " · ".join(parts)
