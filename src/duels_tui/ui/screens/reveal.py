"""The reveal: who A and B were, what each answer cost, and how they compare."""

from __future__ import annotations

from rich.align import Align
from rich.segment import Segment
from rich.style import Style as RichStyle
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.geometry import Size
from textual.renderables.digits import Digits as DigitsRenderable
from textual.strip import Strip
from textual.style import Style as VisualStyle
from textual.visual import Visual, visualize
from textual.widget import Widget
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from duels_tui.explain.session import revealed_duels
from duels_tui.ui import view
from duels_tui.ui.screens.base import NARROW_BELOW, WorkshopScreen
from duels_tui.ui.widgets.charts import BarChart, session_chart_data, session_charts
from duels_tui.ui.widgets.footer import WorkshopFooter
from duels_tui.ui.widgets.header import WorkshopHeader
from duels_tui.ui.widgets.size_scale import scale_text

# Up to this many revealed duels the charts are drawn with the reveal (a workshop has three to
# ten; 3,000 took 6 s of CPU here); beyond, computed in a thread while the reveal is shown.
CHARTS_AT_ONCE_UP_TO = 60


class RevealSide(Widget):
    """One side of the reveal in one widget: the model's name, its class on the XS-XL scale, its
    card, its figures in big digits side by side, its impact. Drawn as a widget a part (a Static
    a line, a column, a caption and a Digits a figure), it was 15 widgets a side, each some 150
    objects that every full collection walks while the reveal shows (bench/ui_bench.py's memory
    part). Each part is drawn as that widget drew it (Textual's `Visual.to_strips`, the part's
    style: reveal-side--name, --caption, --digits), in the same places: the screen is the same,
    cell for cell (the reveal's snapshots)."""

    COMPONENT_CLASSES = {"reveal-side--name", "reveal-side--caption", "reveal-side--digits"}

    def __init__(self, side_view: view.RevealSideView) -> None:
        super().__init__(classes="reveal-side")
        self.side_view = side_view
        # The lines drawn for one width and one set of styles, as text and an index in `_styles`:
        # tuples of strings, which the garbage collector does not walk (Strips it would).
        self._drawn: tuple[object, tuple[tuple[tuple[str, int], ...], ...]] = (None, ())
        self._styles: list[RichStyle] = []

    @property
    def text(self) -> str:
        """The side's text as drawn, line by line."""
        lines = self._lines(self.content_size.width)
        return "\n".join("".join(text for text, _ in line).rstrip() for line in lines)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._lines(width))

    def render_line(self, y: int) -> Strip:
        width = self.content_size.width
        lines = self._lines(width)
        if y >= len(lines):
            return Strip.blank(width, self._pad_style())
        styles = self._styles
        return Strip([Segment(text, styles[index]) for text, index in lines[y]])

    def _pad_style(self) -> RichStyle:
        """What Textual fills a line's end with (textual/_styles_cache.py: the inner background)."""
        base, background = self.background_colors
        return VisualStyle(background=base + background).rich_style

    def _part_style(self, component: str | None) -> VisualStyle:
        """The style a Static of that part had: this widget's, its component's rules over it."""
        style = self.visual_style
        if component is None:
            return style
        return style + VisualStyle.from_styles(self.get_component_styles(f"reveal-side--{component}"))

    def _lines(self, width: int) -> tuple[tuple[tuple[str, int], ...], ...]:
        key = (width, self.visual_style, *(self._part_style(c) for c in ("name", "caption", "digits")))
        if self._drawn[0] != key:
            strips = self._strips(width)
            styles: dict[RichStyle, int] = {}
            lines = tuple(
                tuple((text, styles.setdefault(style, len(styles))) for text, style, _ in strip)
                for strip in strips
            )
            self._styles = list(styles)
            self._drawn = (key, lines)
        return self._drawn[1]

    def _strips(self, width: int) -> list[Strip]:
        v = self.side_view
        strips = self._part(Content(v.title), width, "name")
        scale = self._part(scale_text(v.scale_labels, v.size_class), width)
        strips += [*scale[:1], Strip([])]  # one line high, and a line below it
        if v.card_lines:
            strips += self._part(Content("\n".join(v.card_lines)), width)
        if v.figures:
            strips += self._figures(width)
        if v.impact_lines:
            strips += self._part(Content("\n".join(v.impact_lines)), width)
        return strips

    def _part(self, content: Content | Text | Align, width: int, component: str | None = None,
              height: int | None = None) -> list[Strip]:
        """`content` drawn as a widget of that part drew it, `width` cells wide."""
        visual = visualize(self, content, markup=False)
        return Visual.to_strips(self, visual, width, height, self._part_style(component))

    def _figures(self, width: int) -> list[Strip]:
        """The figures side by side, each a caption over its value in big digits, in columns of
        equal width as Textual lays out widgets of width 1fr (the first ones a cell narrower when
        the width does not divide)."""
        figures = self.side_view.figures
        edges = [width * i // len(figures) for i in range(len(figures) + 1)]
        digits_style = self._part_style("digits").rich_style
        columns = []
        for (caption, value), left, right in zip(figures, edges, edges[1:], strict=False):
            digits = Align(DigitsRenderable(value, digits_style), "left", digits_style)
            columns.append((right - left, [*self._part(Content(caption), right - left, "caption"),
                                            *self._part(digits, right - left, "digits", height=3)]))
        pad = self._pad_style()
        rows = max(len(lines) for _, lines in columns)
        return [
            Strip.join(
                (lines[row] if row < len(lines) else Strip([])).adjust_cell_length(column_width, pad)
                for column_width, lines in columns
            )
            for row in range(rows)
        ]


class RevealScreen(WorkshopScreen):
    BINDINGS = [
        Binding("n", "next", "key.next_duel"),
        Binding("f", "final", "key.final"),
        Binding("d", "duel", "key.duel_again"),
        Binding("escape", "home", "key.home"),
    ]

    def __init__(self, index: int) -> None:
        super().__init__()
        self.index = index
        # The session's charts read one impact per revealed duel: a session resumed with thousands
        # of them would open on a blank screen for seconds (issue 12), so they come afterwards.
        self._charts_at_once = len(revealed_duels(self.app.workshop)) <= CHARTS_AT_ONCE_UP_TO

    def compose(self) -> ComposeResult:
        reveal = view.reveal_view(self.app.workshop, self.index, self.app.t)
        yield WorkshopHeader()
        with VerticalScroll(id="reveal"):
            yield Static(reveal.title, id="reveal-title", markup=False)
            yield Static(reveal.comparison, id="reveal-comparison", markup=False)
            with Horizontal(id="reveal-sides"):
                for side_view in reveal.sides:
                    yield RevealSide(side_view)
            if self._charts_at_once:
                yield from session_charts(self.app.workshop, self.app.t.lang)
            else:
                yield Static(self.app.t("reveal.charts_loading"), id="charts-loading", markup=False)
            yield Static(reveal.footer, id="reveal-footer", markup=False)
        yield WorkshopFooter()

    def on_mount(self) -> None:
        self.set_class(self.size.width < NARROW_BELOW, "-narrow")
        if not self._charts_at_once:
            workshop, lang = self.app.workshop, self.app.t.lang
            self.run_worker(lambda: session_chart_data(workshop, lang), thread=True, group="charts",
                            exit_on_error=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "charts" or event.state not in (WorkerState.SUCCESS, WorkerState.ERROR):
            return
        loading = self.query_one("#charts-loading", Static)
        if event.state is WorkerState.ERROR:  # the reveal itself is shown: the charts are a bonus
            loading.update(self.app.t("reveal.charts_failed"))
            return
        self.query_one("#reveal", VerticalScroll).mount_all(
            [BarChart(chart, classes="session-chart") for chart in event.worker.result], before=loading
        )
        loading.remove()

    def on_resize(self) -> None:
        self.set_class(self.size.width < NARROW_BELOW, "-narrow")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "next":  # after the last duel, f (the winning AI) is what comes next
            return self.index + 1 < len(self.app.workshop.duels)
        return super().check_action(action, parameters)

    def action_next(self) -> None:
        self.app.open_duel(self.index + 1)

    def action_final(self) -> None:
        self.app.open_final()

    def action_duel(self) -> None:
        self.app.open_duel(self.index)

    def action_home(self) -> None:
        self.app.open_home()
