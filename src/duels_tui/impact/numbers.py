"""Figures as a room reads them: few digits, French by default (decimal comma, thin spaces
between thousands: "0,24 Wh", "1 200 km"), English with `lang="en"` ("0.24 Wh", "1,200 km").

More than two or three significant digits is noise when the methodology itself is uncertain to
tens of percent.
"""

from __future__ import annotations

import math

from duels_tui.lang import COMMON, DEFAULT
from duels_tui.ranges import Range

THIN_SPACE = "\u202f"  # narrow no-break space: the French thousands separator


def number(value: float, significant: int = 2, lang: str = DEFAULT) -> str:
    """`value` with about `significant` significant digits, never fewer than its integer part."""
    if value == 0:
        return "0"
    if not math.isfinite(value):
        return "∞" if value > 0 else "-∞"
    magnitude = math.floor(math.log10(abs(value)))
    decimals = max(0, significant - 1 - magnitude)
    text = f"{value:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if lang == "en":
        return text
    return text.replace(",", THIN_SPACE).replace(".", ",")


def range_text(value: Range, unit: str = "", significant: int = 2, lang: str = DEFAULT) -> str:
    """ "0,24 Wh" for an exact value (or one whose bounds print alike), else "0,2 à 0,3 Wh"."""
    suffix = f" {unit}" if unit else ""
    return span(value, significant, lang) + suffix


def span(value: Range, significant: int = 2, lang: str = DEFAULT) -> str:
    """ "0,24" when both bounds print alike, else "0,2 à 0,3" ("0.2 to 0.3" in English)."""
    low, high = number(value.min, significant, lang), number(value.max, significant, lang)
    return low if low == high else f"{low} {COMMON('to', lang)} {high}"
