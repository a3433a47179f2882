"""A small text scatter plot: utility (vote share) up, energy per answer across on a log scale.

Points come from the session only; each is labelled so the room can read who is where."""

from __future__ import annotations

import math
from dataclasses import dataclass

from rich.text import Text
from textual.widget import Widget


@dataclass(frozen=True)
class Point:
    label: str
    energy_wh: float  # x, log scale
    utility: float  # y, 0..1
    highlight: bool = False


class Scatter(Widget):
    DEFAULT_CSS = "Scatter { height: 12; }"

    def __init__(self, points: list[Point], x_title: str, y_title: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.points, self.x_title, self.y_title = points, x_title, y_title

    def render(self) -> Text:
        width = max(self.size.width, 20)
        height = max(self.size.height, 6)
        return plot(self.points, width, height, self.x_title, self.y_title)


def plot(points: list[Point], width: int, height: int, x_title: str, y_title: str) -> Text:
    rows, cols = height - 2, width - 8
    grid = [[" "] * cols for _ in range(rows)]
    styles: dict[tuple[int, int], str] = {}
    positive = [p for p in points if p.energy_wh > 0]
    if positive:
        low = math.log10(min(p.energy_wh for p in positive))
        high = math.log10(max(p.energy_wh for p in positive))
        span = (high - low) or 1.0
        for number, p in enumerate(points, start=1):
            x = 0 if p.energy_wh <= 0 else round((math.log10(p.energy_wh) - low) / span * (cols - 1))
            y = rows - 1 - round(max(0.0, min(1.0, p.utility)) * (rows - 1))
            mark = str(number) if number < 10 else "*"
            grid[y][x] = mark
            styles[(y, x)] = "bold reverse" if p.highlight else "bold"
    text = Text()
    for r, row in enumerate(grid):
        axis = "100%" if r == 0 else ("  0%" if r == rows - 1 else "    ")
        text.append(f"{axis} │")
        for c, char in enumerate(row):
            text.append(char, style=styles.get((r, c), ""))
        text.append("\n")
    text.append("     └" + "─" * cols + "\n")
    text.append(f"      {x_title} (échelle log) → ; ↑ {y_title}")
    return text
