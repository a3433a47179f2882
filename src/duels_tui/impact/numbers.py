"""French formatting of figures: decimal comma, thin spaces between thousands, few digits.

A room reads "0,24 Wh" or "1 200 km" from the back; more than two or three significant digits is
noise when the methodology itself is uncertain to tens of percent.
"""

from __future__ import annotations

import math

from duels_tui.ranges import Range

THIN_SPACE = "\u202f"  # narrow no-break space: the French thousands separator


def number(value: float, significant: int = 2) -> str:
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
    return text.replace(",", THIN_SPACE).replace(".", ",")


def range_text(value: Range, unit: str = "", significant: int = 2) -> str:
    """ "0,24 Wh" for an exact value (or one whose bounds print alike), else "0,2 à 0,3 Wh"."""
    suffix = f" {unit}" if unit else ""
    low, high = number(value.min, significant), number(value.max, significant)
    if low == high:
        return f"{low}{suffix}"
    return f"{low} à {high}{suffix}"
