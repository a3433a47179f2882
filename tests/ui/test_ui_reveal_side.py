"""Each side of the reveal is one widget (screens/reveal.py's RevealSide) that draws what a widget a
part drew: a Static a line, and a caption and a Digits a figure in columns of equal width. Fewer
widgets, fewer objects for every full collection to walk while the reveal shows."""

from __future__ import annotations

import pytest
from test_ui_screens_freed import _play
from textual.app import App, ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Digits, Static

from duels_tui.ui.app import DuelsApp
from duels_tui.ui.screens.reveal import RevealScreen, RevealSide
from duels_tui.ui.view import RevealSideView
from duels_tui.ui.widgets.size_scale import scale_text

SIDE = RevealSideView(
    title="Modèle A : Anthropic · Claude 3.5 Sonnet",
    size_class="S-M",
    scale_labels=("XS", "S", "M", "L", "XL"),
    card_lines=["300 à 440 milliards de paramètres (estimation) · classe XL", "", "Licence : propriétaire"],
    figures=[("Énergie (Wh) ≈", "0,16"), ("CO2e (g) ≈", "0,075"), ("Eau (mL) ≈", "0,69")],
    impact_lines=["0,12 à 0,2 Wh · 0,059 à 0,094 g CO2e", "Vote : 14 voix (57 %)"],
)


class WidgetAPart(Vertical):
    """The side as it was drawn before it was one widget: a widget a part."""

    def __init__(self, side: RevealSideView) -> None:
        super().__init__(classes="reveal-side")
        self.side = side

    def compose(self) -> ComposeResult:
        v = self.side
        yield Static(v.title, classes="reveal-name", markup=False)
        yield Static(scale_text(v.scale_labels, v.size_class), classes="reveal-scale")
        yield Static("\n".join(v.card_lines), markup=False)
        with Horizontal(classes="figures"):
            for caption, value in v.figures:
                with Vertical(classes="figure"):
                    yield Static(caption, classes="figure-caption", markup=False)
                    yield Digits(value, classes="figure-digits")
        yield Static("\n".join(v.impact_lines), classes="reveal-impact", markup=False)


class BothSides(App):
    CSS = """
    .reveal-side { width: 1fr; height: auto; border: round $secondary; padding: 0 1; }
    .reveal-name { text-style: bold; color: $primary; }
    .reveal-scale { height: 1; margin: 0 0 1 0; }
    .figures { height: auto; }
    .figure { width: 1fr; height: auto; }
    .figure-caption { color: $secondary; }
    .figure-digits { color: $warning; }
    .reveal-impact { color: $foreground; }
    RevealSide > .reveal-side--name { text-style: bold; color: $primary; }
    RevealSide > .reveal-side--caption { color: $secondary; }
    RevealSide > .reveal-side--digits { color: $warning; }
    """

    def __init__(self, side: RevealSideView) -> None:
        super().__init__()
        self.side = side

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield WidgetAPart(self.side)
            yield RevealSide(self.side)


def _cells(widget) -> list[list[tuple[str, str]]]:
    """What the screen shows where `widget` stands: each run of text and its style."""
    x, y, width, height = widget.region
    screen = widget.screen._compositor.render_strips()
    return [
        [(text, str(style)) for text, style, _ in strip.crop(x, x + width).simplify().discard_meta()]
        for strip in screen[y:y + height]
    ]


@pytest.mark.asyncio
@pytest.mark.parametrize("columns", [160, 120, 100, 80, 44, 38])  # from 44 the captions wrap, the digits are cut
async def test_one_widget_draws_the_side_as_a_widget_a_part_did(columns):
    app = BothSides(SIDE)
    async with app.run_test(size=(columns, 40)) as pilot:
        await pilot.pause()
        before, after = app.query_one(WidgetAPart), app.query_one(RevealSide)
        assert before.outer_size == after.outer_size
        assert _cells(after) == _cells(before)
        app.theme = "textual-light"  # ctrl+t: the parts' colours follow the theme
        await pilot.pause()
        assert _cells(after) == _cells(before)


@pytest.mark.asyncio
async def test_the_reveal_shown_by_keys_is_one_widget_a_side(classique_workshop):
    """Two sides, a title, a comparison, the charts, a footer line, the header and the footer's
    keys: 14 widgets fewer a side than a widget a part (some 150 objects each, walked by every
    full collection while the reveal shows: bench/ui_bench.py's memory part)."""
    workshop = classique_workshop
    app = DuelsApp(workshop)
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.press("enter")  # Home: the first duel
        await _play(pilot, workshop, 0)
        screen = app.screen
        assert isinstance(screen, RevealScreen)
        sides = list(screen.query(RevealSide))
        assert len(sides) == 2 and all(not side.children for side in sides)
        shown = "\n".join(strip.text for strip in screen._compositor.render_strips())
        for side in sides:
            assert side.side_view.title in shown
            assert all(caption in shown for caption, _ in side.side_view.figures)
        widgets = list(screen.walk_children(with_self=True))
        assert len(widgets) <= 25, [type(w).__name__ for w in widgets]
