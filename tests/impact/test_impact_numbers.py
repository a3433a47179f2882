"""Figures as the room reads them, in French (the default) and in English."""

from __future__ import annotations

import pytest

from duels_tui.impact.numbers import THIN_SPACE, number, range_text
from duels_tui.ranges import Range


@pytest.mark.parametrize(
    ("value", "french", "english"),
    [
        (0.372, "0,37", "0.37"),
        (1234.5, f"1{THIN_SPACE}234", "1,234"),
        (12.0, "12", "12"),
        (0.0004567, "0,00046", "0.00046"),
        (0, "0", "0"),
    ],
)
def test_number_per_language(value: float, french: str, english: str) -> None:
    assert number(value) == french
    assert number(value, lang="fr") == french
    assert number(value, lang="en") == english


def test_a_range_per_language() -> None:
    assert range_text(Range(0.2, 0.3), "Wh") == "0,2 à 0,3 Wh"
    assert range_text(Range(0.2, 0.3), "Wh", lang="en") == "0.2 to 0.3 Wh"
    assert range_text(Range.exact(0.24), "Wh", lang="en") == "0.24 Wh"
