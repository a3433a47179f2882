"""One side of a duel: an anonymous label, live stats, collapsed reasoning, the streamed answer.

Model text is untrusted: it is made visible-safe (text_safety) and rendered by a Markdown parser
with raw HTML off, so markup, escape sequences and HTML all show literally."""

from __future__ import annotations

from dataclasses import dataclass

from markdown_it import MarkdownIt
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Collapsible, Markdown, Static

from duels_tui.text_safety import visible_text


def safe_markdown_parser() -> MarkdownIt:
    """GitHub-like Markdown with raw HTML disabled: `<b>` stays the four characters `<b>`."""
    return MarkdownIt("gfm-like", {"html": False})


@dataclass(frozen=True)
class PaneState:
    """What a pane shows; built from arena state by ui/view.py."""

    text: str = ""
    reasoning: str = ""
    status: str = "idle"  # idle | streaming | done | error | cancelled | interrupted
    tokens: int | None = None
    tokens_estimated: bool = False
    reasoning_tokens: int | None = None
    tokens_per_s: float | None = None
    notice: str = ""  # French, anonymous: an error with what to do, or a cancel notice
    identity_flag: bool = False


class AnswerPane(Vertical):
    """Appends only the new part of the answer on each sync; a full re-render at the end."""

    def __init__(self, label: str, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="answer-pane")
        self.label = label
        self._shown_text = ""
        self._shown_reasoning = ""
        self._finished = False
        self._stream = None
        self._last_state: PaneState | None = None

    def compose(self) -> ComposeResult:
        yield Static(self.label, classes="pane-title", markup=False)
        yield Static("", classes="pane-stats", markup=False)
        with Collapsible(title="", collapsed=True, classes="reasoning"):
            yield Markdown("", parser_factory=safe_markdown_parser, classes="reasoning-text")
        with VerticalScroll(classes="answer-scroll"):
            yield Markdown("", parser_factory=safe_markdown_parser, classes="answer-text")
        yield Static("", classes="pane-notice", markup=False)

    def on_mount(self) -> None:
        self.query_one(".reasoning", Collapsible).display = False
        self.query_one(".pane-notice", Static).display = False
        # Follow the answer at layout time until the reader scrolls up (back at the bottom, it
        # follows again). "At the bottom?" checked before each append lost the race with layout
        # on fast streams: the pane stopped following after a few lines, or never scrolled. The
        # text is at least as tall as the pane (styles.tcss), so a short one stays at the top.
        self.query_one(".answer-scroll", VerticalScroll).anchor()

    @property
    def shown_text(self) -> str:
        return self._shown_text

    async def sync(self, state: PaneState, t) -> None:
        """Bring the pane up to `state`: append the new text, update the stats and notices.
        Nothing at all when the state has not changed: the timer ticks even when idle."""
        if state == self._last_state:
            return
        self._last_state = state
        await self._sync_text(visible_text(state.text), state.status)
        reasoning = visible_text(state.reasoning)
        collapsible = self.query_one(".reasoning", Collapsible)
        if reasoning != self._shown_reasoning:
            collapsible.display = bool(reasoning)
            await self.query_one(".reasoning-text", Markdown).update(reasoning)
            self._shown_reasoning = reasoning
        if reasoning:
            collapsible.title = t("duel.reasoning", n=state.reasoning_tokens or "…")
        self.query_one(".pane-stats", Static).update(self._stats(state, t))
        notice = state.notice or (t("duel.identity") if state.identity_flag else "")
        widget = self.query_one(".pane-notice", Static)
        widget.display = bool(notice)
        widget.update(notice)
        self.set_class(state.status == "error", "-error")
        self.set_class(state.status == "streaming", "-streaming")

    async def _sync_text(self, text: str, status: str) -> None:
        markdown = self.query_one(".answer-text", Markdown)
        if text.startswith(self._shown_text) and not self._finished:
            delta = text[len(self._shown_text) :]
            if delta:
                if self._stream is None:
                    self._stream = Markdown.get_stream(markdown)
                await self._stream.write(delta)
                self._shown_text = text
        elif text != self._shown_text or (self._finished and status == "streaming"):
            # A retry restarted the answer: start again from what the state holds.
            await self._stop_stream()
            await markdown.update(text)
            self._shown_text = text
            self._finished = False
        if status in ("done", "error", "cancelled", "interrupted") and not self._finished:
            await self._stop_stream()
            await markdown.update(text)  # one full render fixes blocks left half-parsed
            self._finished = True
        elif status == "streaming" and self._finished:
            self._finished = False

    async def _stop_stream(self) -> None:
        if self._stream is not None:
            await self._stream.stop()
            self._stream = None

    def _stats(self, state: PaneState, t) -> str:
        parts = []
        if state.status == "idle":
            return t("duel.waiting")
        if state.status == "streaming":
            parts.append(t("duel.streaming"))
        if state.tokens is not None:
            tokens = t("duel.tokens", n=state.tokens)
            parts.append(tokens + (f" ({t('duel.estimated')})" if state.tokens_estimated else ""))
        if state.tokens_per_s:
            parts.append(t("duel.tps", tps=state.tokens_per_s))
        return " · ".join(parts)
