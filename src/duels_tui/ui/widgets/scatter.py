"""A small text scatter plot: utility (vote share) up, energy per answer across on a log scale.

Points come from the session only; each is labelled so the room can read who is where.
`LogScale` is the log axis, shared with the bar charts (widgets/charts.py)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from rich.text import Text
from textual.widget import Widget


@dataclass(frozen=True)
class LogScale:
    """log10 positions between `low` and `high` (both > 0)."""

    low: float
    high: float

    @classmethod
    def spanning(cls, values: list[float], *, decades: bool = False) -> LogScale | None:
        """Over the positive `values`; `decades` widens it to whole powers of ten (a bar
        chart's axis), else it runs from the smallest value to the largest (the scatter)."""
        positive = [v for v in values if v > 0]
        if not positive:
            return None
        low, high = min(positive), max(positive)
        if decades:
            low = 10 ** math.floor(math.log10(low))
            high = max(10 ** math.ceil(math.log10(high)), low * 10)
        return cls(low, high)

    def fraction(self, value: float) -> float:
        """0 at `low`, 1 at `high`; values at or below zero sit at 0."""
        if value <= 0:
            return 0.0
        span = math.log10(self.high) - math.log10(self.low)
        return (math.log10(value) - math.log10(self.low)) / (span or 1.0)

    def position(self, value: float, cells: int) -> int:
        return round(min(1.0, max(0.0, self.fraction(value))) * (cells - 1))

    def ticks(self) -> list[float]:
        """The powers of ten from low to high (for a decades scale)."""
        first, last = round(math.log10(self.low)), round(math.log10(self.high))
        return [10.0**k for k in range(first, last + 1)]


@dataclass(frozen=True)
class Point:
    label: str
    energy_wh: float  # x, log scale
    utility: float  # y, 0..1
    highlight: bool = False


class Scatter(Widget):
    DEFAULT_CSS = "Scatter { height: 12; }"

    def __init__(self, points: list[Point], caption: str, lang: str = "fr", **kwargs) -> None:
        super().__init__(**kwargs)
        self.points, self.caption, self.lang = points, caption, lang

    def render(self) -> Text:
        width = max(self.size.width, 20)
        height = max(self.size.height, 6)
        return plot(self.points, width, height, self.caption, self.lang)


def plot(points: list[Point], width: int, height: int, caption: str, lang: str = "fr") -> Text:
    """The points on a grid, then `caption` (what the axes are) under the x axis."""
    from duels_tui.numbers import percent

    top, bottom = percent(1, lang), percent(0, lang)
    margin = max(len(top), len(bottom))
    rows, cols = height - 2, width - margin - 4
    grid = [[" "] * cols for _ in range(rows)]
    styles: dict[tuple[int, int], str] = {}
    scale = LogScale.spanning([p.energy_wh for p in points])
    if scale is not None:
        for number, p in enumerate(points, start=1):
            x = scale.position(p.energy_wh, cols)
            y = rows - 1 - round(max(0.0, min(1.0, p.utility)) * (rows - 1))
            mark = str(number) if number < 10 else "*"
            grid[y][x] = mark
            styles[(y, x)] = "bold reverse" if p.highlight else "bold"
    text = Text()
    for r, row in enumerate(grid):
        axis = top if r == 0 else (bottom if r == rows - 1 else "")
        text.append(f"{axis:>{margin}} │")
        for c, char in enumerate(row):
            text.append(char, style=styles.get((r, c), ""))
        text.append("\n")
    text.append(" " * (margin + 1) + "└" + "─" * cols + "\n")
    text.append(" " * (margin + 2) + caption)
    return text
