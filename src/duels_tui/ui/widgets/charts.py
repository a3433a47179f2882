"""Horizontal bar charts in text: a label, a bar (log or linear scale), the value written out.

The series come from `duels_tui.explain` (session data and shipped data only). The log axis is
the scatter plot's (`scatter.LogScale`), so both charts place a value alike.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from duels_tui.explain import Bar, Chart
from duels_tui.ui.i18n import UI_TEXTS
from duels_tui.ui.widgets.scatter import LogScale

if TYPE_CHECKING:
    from duels_tui.arena.workshop import Workshop

_EIGHTHS = " ▏▎▍▌▋▊▉"


def _tick_label(value: float, lang: str) -> str:
    from duels_tui.numbers import number

    return number(value, 1, lang)


def _bar(fraction: float, cells: int) -> str:
    eighths = round(max(0.0, min(1.0, fraction)) * cells * 8)
    full, rest = divmod(eighths, 8)
    return "█" * full + (_EIGHTHS[rest] if rest else "")


def render_chart(chart: Chart, width: int, styles: dict[str, Style] | None = None, lang: str = "fr") -> Text:
    """The chart as text lines no wider than `width`: title, one line per bar, then the axis
    (a log scale marks each power of ten), its words and figures in `lang`."""
    styles = styles or {}
    width = max(width, 24)
    bars = list(chart.bars)
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(chart.title[:width], styles.get("title", Style(bold=True)))
    if not bars:
        return text
    value_w = min(max(len(b.text) for b in bars), width // 4)
    label_w = min(max(len(b.label) for b in bars), max(8, width // 3))
    cells = max(4, width - label_w - value_w - 4)
    scale = LogScale.spanning([b.value for b in bars], decades=True) if chart.log else None
    top = max((b.value for b in bars), default=0.0)

    def linear(value: float) -> float:
        return value / top if top > 0 else 0.0

    fraction = scale.fraction if scale is not None else linear
    for bar in bars:
        drawn = _bar(fraction(bar.value), cells)
        if bar.value > 0 and not drawn.strip():
            drawn = _EIGHTHS[1]  # something visible for the smallest non-zero value
        text.append("\n")
        text.append(_fit(bar.label, label_w).ljust(label_w), styles.get("label", Style()))
        text.append(" │")
        style_key = "highlight" if bar.highlight else "bar"
        text.append(drawn.ljust(cells), styles.get(style_key, Style()))
        text.append(" " + _fit(bar.text, value_w), styles.get("value", Style(bold=True)))
    if scale is not None:
        # The axis runs under the bars: "└" under the "│", then one character per cell; a tick
        # sits at the right edge of a bar that reaches it.
        axis = ["─"] * cells
        labels = [" "] * (cells + 8)
        for tick in scale.ticks():
            edge = round(min(1.0, max(0.0, scale.fraction(tick))) * cells)
            if edge:
                axis[edge - 1] = "┴"
            label = _tick_label(tick, lang)
            start = max(0, edge - len(label) // 2)
            if all(c == " " for c in labels[max(0, start - 1) : start + len(label) + 1]):
                labels[start : start + len(label)] = list(label)
        pad = " " * (label_w + 1)
        text.append("\n" + pad + "└" + "".join(axis))
        text.append("\n" + (pad + "".join(labels)).rstrip()[:width])
        note = UI_TEXTS("reveal.log_scale", lang)
        text.append("\n" + note[:width], styles.get("note", Style(dim=True)))
    return text


def chart_height(chart: Chart) -> int:
    return 1 + len(chart.bars) + (3 if chart.log and chart.bars else 0)


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(1, width - 1)] + "…"


class BarChart(Widget):
    """One `Chart`; its height follows its number of bars."""

    COMPONENT_CLASSES = {"barchart--title", "barchart--bar", "barchart--highlight", "barchart--value"}
    DEFAULT_CSS = """
    BarChart { height: auto; width: 1fr; }
    BarChart > .barchart--title { text-style: bold; color: $primary; }
    BarChart > .barchart--bar { color: $secondary; }
    BarChart > .barchart--highlight { color: $warning; }
    BarChart > .barchart--value { text-style: bold; }
    """

    def __init__(self, chart: Chart, **kwargs) -> None:
        super().__init__(**kwargs)
        self.chart = chart

    def set_chart(self, chart: Chart) -> None:
        self.chart = chart
        self.refresh(layout=True)

    def get_content_height(self, container, viewport, width: int) -> int:
        return chart_height(self.chart)

    def render(self) -> Text:
        styles = {
            name: self.get_component_rich_style(f"barchart--{name}")
            for name in ("title", "bar", "highlight", "value")
        }
        translator = getattr(self.app, "t", None)  # the workshop app's language; French elsewhere
        return render_chart(self.chart, self.size.width, styles, translator.lang if translator else "fr")


def session_chart_data(workshop: Workshop, lang: str = "fr") -> list[Chart]:
    """The reveal's and the final's charts, computed (no widget: a worker thread may call it):
    parameters of the revealed models, energy of every revealed answer. None before the first
    reveal."""
    from duels_tui.explain.charts import energy_chart, params_chart
    from duels_tui.explain.session import session_figures

    figures = session_figures(workshop)
    charts = (params_chart(workshop, figures, lang), energy_chart(workshop, figures, lang))
    return [chart for chart in charts if chart.bars]


def session_charts(workshop: Workshop, lang: str = "fr") -> list[BarChart]:
    return [BarChart(chart, classes="session-chart") for chart in session_chart_data(workshop, lang)]


__all__ = [
    "Bar", "BarChart", "Chart", "LogScale", "chart_height", "render_chart", "session_chart_data", "session_charts",
]
