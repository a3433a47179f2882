"""compar:IA's frugality map in text: each ranked model a point, its score up, its energy per
1,000 tokens across on a log scale, and its name beside it (ranking_view.py holds the axes).

Names are placed where they fit: right of the point, else left, else shortened; a point whose name
finds no room at all shows a number, named under the map. Tier 1 is drawn in the theme's success
colour, tier 2 in its primary colour, the others in its secondary one."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from duels_tui.numbers import number
from duels_tui.ranking_view import MapAxes, MapPoint, score

MARK = "●"
Y_LABEL = 6  # width of the score labels on the left ("1 100 ")
MIN_NAME = 6  # a name shortened below this is no longer readable: a number instead


class FrugalityMap(Widget):
    DEFAULT_CSS = "FrugalityMap { height: 16; }"

    def __init__(self, caption_x: str, caption_y: str, lang: str = "fr", **kwargs) -> None:
        super().__init__(**kwargs)
        self.points: list[MapPoint] = []
        self.axes: MapAxes | None = None
        self.caption_x, self.caption_y, self.lang = caption_x, caption_y, lang

    def show(self, points: list[MapPoint], axes: MapAxes | None) -> None:
        self.points, self.axes = points, axes
        self.refresh()

    def render(self) -> Text:
        colours = self.app.get_css_variables()
        styles = {1: f"bold {colours.get('success', 'green')}", 2: f"bold {colours.get('primary', 'yellow')}"}
        other = f"bold {colours.get('secondary', 'cyan')}"
        return draw(self.points, self.axes, max(self.size.width, 30), max(self.size.height, 8), self.caption_x,
                    self.caption_y, self.lang, lambda tier: styles.get(tier or 0, other))


def draw(points, axes, width, height, caption_x, caption_y, lang, style_of) -> Text:
    """The map as text, `width` x `height` cells: a caption line, the plot, the x axis and its
    ticks, and a legend line when some names did not fit."""
    rows, cols = height - 4, width - Y_LABEL - 1
    grid = [[" "] * cols for _ in range(rows)]
    marks: dict[tuple[int, int], str] = {}
    legend: list[str] = []
    if axes is not None and rows > 1 and cols > 10:
        placed = []
        for p in sorted(points, key=lambda p: -p.score):
            x = round(min(1.0, max(0.0, axes.x(p.energy))) * (cols - 1))
            y = rows - 1 - round(min(1.0, max(0.0, axes.y(p.score))) * (rows - 1))
            placed.append((p, y, x))
        taken = {(y, x) for _, y, x in placed}
        for _, y, x in placed:
            grid[y][x] = MARK
        for p, y, x in placed:
            marks[(y, x)] = style_of(p.tier)
            label = _fit_label(grid, taken, y, x, p.label)
            if label is None:
                legend.append(p.label)
                label = _fit_label(grid, taken, y, x, str(len(legend)), shorten=False)
            if label is not None:
                start, text = label
                for k, char in enumerate(text):
                    grid[y][start + k] = char
                    marks[(y, start + k)] = style_of(p.tier)
                    taken.add((y, start + k))
    text = Text()
    text.append(" " * (Y_LABEL - 2) + caption_y + "\n", style="bold")
    y_labels = {}
    if axes is not None and rows > 1:
        for tick in axes.y_ticks():
            y_labels[rows - 1 - round(axes.y(tick) * (rows - 1))] = score(tick, lang)
    for r, row in enumerate(grid):
        text.append(y_labels.get(r, "").rjust(Y_LABEL - 1) + " │")
        for c, char in enumerate(row):
            text.append(char, style=marks.get((r, c), ""))
        text.append("\n")
    text.append(" " * Y_LABEL + "└" + "─" * cols + "\n")
    ticks = [" "] * (cols + 1)
    if axes is not None:
        for tick in axes.x_ticks():
            label = number(tick, 1, lang)
            at = min(cols + 1 - len(label), max(0, round(axes.x(tick) * (cols - 1)) + 1 - len(label) // 2))
            if all(ch == " " for ch in ticks[max(0, at - 1): at + len(label) + 1]):
                ticks[at: at + len(label)] = list(label)
    text.append(" " * Y_LABEL + "".join(ticks).rstrip() + "\n")
    bottom = caption_x
    if legend:
        bottom += "   " + "  ".join(f"{k} : {name}" if lang != "en" else f"{k}: {name}"
                                    for k, name in enumerate(legend, start=1))
    text.append(" " * Y_LABEL + bottom)
    return text


def _fit_label(grid, taken, y, x, name, shorten=True):
    """(start column, text) for `name` beside the point at (y, x): right, then left, then the
    longest prefix that fits on either side (down to MIN_NAME characters); None if nothing fits."""
    cols = len(grid[0])

    def free(start: int, length: int) -> bool:
        return start >= 0 and start + length <= cols and all(
            (y, c) not in taken and grid[y][c] == " " for c in range(start, start + length))

    lengths = range(len(name), (MIN_NAME if shorten else len(name)) - 1, -1)
    for length in lengths:
        text = name if length == len(name) else name[: length - 1] + "…"
        if free(x + 1, length + 1):
            return x + 2, text
        if free(x - length - 1, length + 1):
            return x - length - 1, text
    return None
