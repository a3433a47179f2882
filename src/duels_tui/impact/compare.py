"""The reveal's ratio: "B a consommé 12 fois moins d'énergie que A".

compar:IA's users understood a ratio between the two answers better than projected totals. The
sentence must stay true when figures are ranges (the ratio is then a range too), equal, or zero.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from duels_tui.impact.model import Impact
from duels_tui.impact.numbers import number
from duels_tui.ranges import Range

# Closer than 5 %, two figures are "the same": the methodology is not that precise.
SAME_WITHIN = 1.05
# Below 2, "1,3 fois moins" reads badly in French; say "25 % de moins" instead.
PERCENT_BELOW = 2.0


@dataclass(frozen=True)
class Comparison:
    """`ratio` is the larger over the smaller (a Range; max may be infinite when the smaller
    one may be zero), None when it has no meaning (a side is zero). `more` names the side that
    used more, when that is certain; `certain` is False when the ranges overlap."""

    sentence: str
    ratio: Range | None
    more: str | None
    certain: bool


@dataclass(frozen=True)
class _Words:
    verb: str  # "a consommé"
    verb_plural: str  # "ont consommé"
    noun: str  # "d'énergie"
    none_one: str  # "n'a consommé aucune énergie"
    none_both: str  # "n'ont consommé d'énergie", after "Ni A ni B"


ENERGY = _Words("a consommé", "ont consommé", "d'énergie", "n'a consommé aucune énergie", "n'ont consommé d'énergie")
CARBON = _Words("a émis", "ont émis", "de CO2e", "n'a émis aucun CO2e", "n'ont émis de CO2e")
WATER = _Words("a consommé", "ont consommé", "d'eau", "n'a consommé aucune eau", "n'ont consommé d'eau")


def compare_energy(a: Impact, b: Impact, label_a: str = "A", label_b: str = "B") -> Comparison:
    return compare_values(a.energy_wh, b.energy_wh, label_a, label_b, ENERGY)


def compare_carbon(a: Impact, b: Impact, label_a: str = "A", label_b: str = "B") -> Comparison:
    return compare_values(a.gwp_g, b.gwp_g, label_a, label_b, CARBON)


def compare_values(
    a: Range | float,
    b: Range | float,
    label_a: str = "A",
    label_b: str = "B",
    words: _Words = ENERGY,
) -> Comparison:
    a, b = Range.of(a), Range.of(b)
    if a.max == 0 and b.max == 0:
        return Comparison(f"Ni {label_a} ni {label_b} {words.none_both}.", None, None, True)
    if b.max == 0 or a.max == 0:
        zero, other = (label_b, label_a) if b.max == 0 else (label_a, label_b)
        return Comparison(f"{zero} {words.none_one}, contrairement à {other}.", None, other, True)
    if a.mid >= b.mid:
        high, low, label_high, label_low = a, b, label_a, label_b
    else:
        high, low, label_high, label_low = b, a, label_b, label_a
    mid_ratio = high.mid / low.mid
    ratio = Range(high.min / low.max, high.max / low.min if low.min > 0 else math.inf)
    same = f"{label_a} et {label_b} {words.verb_plural} autant {words.noun}."
    if a.is_exact and b.is_exact:
        if mid_ratio < SAME_WITHIN:
            return Comparison(same, ratio, None, True)
        return Comparison(
            f"{label_low} {words.verb} {_how_much(ratio, words)} que {label_high}.", ratio, label_high, True
        )
    if ratio.min >= SAME_WITHIN:
        return Comparison(
            f"{label_low} {words.verb} {_how_much(ratio, words)} que {label_high}.", ratio, label_high, True
        )
    # The ranges overlap: which one used more is not certain.
    if mid_ratio < SAME_WITHIN:
        return Comparison(
            f"{label_a} et {label_b} {words.verb_plural} à peu près autant {words.noun}.", ratio, None, False
        )
    return Comparison(
        f"{label_low} {words.verb} sans doute {_how_much(Range.exact(mid_ratio), words)} que "
        f"{label_high}, mais leurs fourchettes se recouvrent.",
        ratio,
        None,
        False,
    )


def _how_much(ratio: Range, words: _Words) -> str:
    """ "12 fois moins d'énergie", "entre 8 et 15 fois moins…", "30 % d'énergie en moins"."""
    if ratio.max < PERCENT_BELOW:
        low = number(100 * (1 - 1 / ratio.min))
        high = number(100 * (1 - 1 / ratio.max))
        amount = low if low == high else f"entre {low} et {high}"
        return f"{amount} % {words.noun} en moins"
    if math.isinf(ratio.max):
        return f"au moins {number(ratio.min)} fois moins {words.noun}"
    low, high = number(ratio.min), number(ratio.max)
    amount = low if low == high else f"entre {low} et {high}"
    return f"{amount} fois moins {words.noun}"
