"""Home's list of duels: one widget for the whole programme, whatever its length.

A session of 3,000 duels mounted one ListItem (three widgets) per duel: 108 s before the room saw
anything. An OptionList draws only the lines on screen, but it asks every option its height
(each time the list is filled or resized): a duel's row answers without wrapping its text when
its lines fit the width, the usual case, so filling Home with 3,000 duels stays under a second
(bench/resume_bench.py).
"""

from __future__ import annotations

from rich.cells import cell_len
from textual.content import Content
from textual.css.styles import RulesMap
from textual.geometry import Size
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual
from textual.widgets import OptionList
from textual.widgets.option_list import Option

# A duel's row: its title line, its status line, and whether the status says it is blocked.
Row = tuple[str, str, bool]


class _RowVisual(Visual):
    """Duel `index`'s two lines, drawn as Content; its height is counted without wrapping when
    both lines fit."""

    def __init__(self, row: Row, index: int, owner: DuelList) -> None:
        self._row = row
        self._index = index
        self._owner = owner

    def _content(self, highlighted: bool) -> Content:  # made for the rows drawn only
        line, status, blocked = self._row
        # On the highlighted row (the primary colour behind it) the status takes the row's
        # colour: the secondary colour on the primary one could not be read on a projector.
        style = "bold" if highlighted else "$warning bold" if blocked else "$secondary"
        return Content.assemble((line, "bold"), "\n", (status, style))

    def render_strips(self, width: int, height: int | None, style: Style, options: RenderOptions) -> list[Strip]:
        # OptionList keeps a row's strips by the style it was drawn with, which differs for the
        # highlighted row: moving the highlight draws two rows again, nothing else.
        content = self._content(self._owner.highlighted == self._index)
        return content.render_strips(width, height, style, options)

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return self._content(False).get_optimal_width(rules, container_width)

    def get_height(self, rules: RulesMap, width: int) -> int:
        if all(cell_len(line) <= width for line in self._row[:2]):
            return 2
        return self._content(False).get_height(rules, width)


class DuelList(OptionList):
    """The programme's duels, one option each; Enter (or a click) posts OptionSelected."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._rows: list[Row] = []

    def set_rows(self, rows: list[Row]) -> None:
        """Show `rows` (one per duel, in order); only the rows that changed are drawn again."""
        if len(rows) != len(self._rows):
            self._rows = list(rows)
            self.set_options(Option(_RowVisual(row, index, self)) for index, row in enumerate(rows))
            return
        for index, (old, new) in enumerate(zip(self._rows, rows, strict=True)):
            if old != new:
                self._rows[index] = new
                self.replace_option_prompt_at_index(index, _RowVisual(new, index, self))

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        # Textual adds up the height of every option; beyond the screen's height it makes no
        # difference to an auto height (CSS max-height caps it).
        padding = self.get_component_styles("option-list--option").padding.width
        height = 0
        for option in self.options:
            prompt = option.prompt
            height += prompt.get_height(self.styles, width - padding) if isinstance(prompt, Visual) else 1
            if height >= container.height:
                break
        return height


    def on_resize(self) -> None:
        # Filled when Home is shown, the list has no height until it is laid out: the current
        # duel (3,000 duels down) is brought into view then, and whenever the terminal resizes.
        self.scroll_to_highlight()
