"""The reveal's ratio: "B a consommé 12 fois moins d'énergie que A".

compar:IA's users understood a ratio between the two answers better than projected totals. The
sentence must stay true when figures are ranges (the ratio is then a range too), equal, or zero.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from duels_tui.impact.model import Impact
from duels_tui.lang import DEFAULT, Texts
from duels_tui.numbers import number
from duels_tui.ranges import Range

# Closer than 5 %, two figures are "the same": the methodology is not that precise.
SAME_WITHIN = 1.05
# Below 2, "1,3 fois moins" reads badly in French; say "25 % de moins" instead.
PERCENT_BELOW = 2.0

TEXTS = Texts(
    "impact.compare",
    {
        "none_both": ("Ni {a} ni {b} {none_both}.", "Neither {a} nor {b} {none_both}."),
        "none_one": ("{zero} {none_one}, contrairement à {other}.", "{zero} {none_one}, unlike {other}."),
        "same": ("{a} et {b} {verb_plural} autant {noun}.", "{a} and {b} {verb_plural} the same amount of {noun}."),
        "less": ("{low} {verb} {how_much} que {high}.", "{low} {verb} {how_much} than {high}."),
        "about_same": (
            "{a} et {b} {verb_plural} à peu près autant {noun}.",
            "{a} and {b} {verb_plural} about as much {noun}.",
        ),
        "probably_less": (
            "{low} {verb} sans doute {how_much} que {high}, mais leurs fourchettes se recouvrent.",
            "{low} probably {verb} {how_much} than {high}, but their ranges overlap.",
        ),
        "between": ("entre {low} et {high}", "between {low} and {high}"),
        "percent_less": ("{amount}\u202f% {noun} en moins", "{amount}% less {noun}"),
        "at_least_times_less": ("au moins {n} fois moins {noun}", "at least {n} times less {noun}"),
        "times_less": ("{amount} fois moins {noun}", "{amount} times less {noun}"),
    },
)


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


@dataclass(frozen=True)
class Measure:
    """What is compared, in words of each language."""

    fr: _Words
    en: _Words

    def words(self, lang: str) -> _Words:
        return self.en if lang == "en" else self.fr


ENERGY = Measure(
    _Words("a consommé", "ont consommé", "d'énergie", "n'a consommé aucune énergie", "n'ont consommé d'énergie"),
    _Words("used", "used", "energy", "used no energy", "used any energy"),
)
CARBON = Measure(
    _Words("a émis", "ont émis", "de CO2e", "n'a émis aucun CO2e", "n'ont émis de CO2e"),
    _Words("emitted", "emitted", "CO2e", "emitted no CO2e", "emitted any CO2e"),
)
WATER = Measure(
    _Words("a consommé", "ont consommé", "d'eau", "n'a consommé aucune eau", "n'ont consommé d'eau"),
    _Words("used", "used", "water", "used no water", "used any water"),
)


def compare_energy(a: Impact, b: Impact, label_a: str = "A", label_b: str = "B", lang: str = DEFAULT) -> Comparison:
    return compare_values(a.energy_wh, b.energy_wh, label_a, label_b, ENERGY, lang)


def compare_carbon(a: Impact, b: Impact, label_a: str = "A", label_b: str = "B", lang: str = DEFAULT) -> Comparison:
    return compare_values(a.gwp_g, b.gwp_g, label_a, label_b, CARBON, lang)


def compare_values(
    a: Range | float,
    b: Range | float,
    label_a: str = "A",
    label_b: str = "B",
    words: Measure = ENERGY,
    lang: str = DEFAULT,
) -> Comparison:
    a, b = Range.of(a), Range.of(b)
    w = words.words(lang)

    def say(key: str, **values: object) -> str:
        return TEXTS(key, lang, **values)

    if a.max == 0 and b.max == 0:
        return Comparison(say("none_both", a=label_a, b=label_b, none_both=w.none_both), None, None, True)
    if b.max == 0 or a.max == 0:
        zero, other = (label_b, label_a) if b.max == 0 else (label_a, label_b)
        return Comparison(say("none_one", zero=zero, none_one=w.none_one, other=other), None, other, True)
    if a.mid >= b.mid:
        high, low, label_high, label_low = a, b, label_a, label_b
    else:
        high, low, label_high, label_low = b, a, label_b, label_a
    mid_ratio = high.mid / low.mid
    ratio = Range(high.min / low.max, high.max / low.min if low.min > 0 else math.inf)
    less = say("less", low=label_low, verb=w.verb, how_much=_how_much(ratio, w, lang), high=label_high)
    if a.is_exact and b.is_exact:
        if mid_ratio < SAME_WITHIN:
            return Comparison(say("same", a=label_a, b=label_b, verb_plural=w.verb_plural, noun=w.noun), ratio, None,
                              True)
        return Comparison(less, ratio, label_high, True)
    if ratio.min >= SAME_WITHIN:
        return Comparison(less, ratio, label_high, True)
    # The ranges overlap: which one used more is not certain.
    if mid_ratio < SAME_WITHIN:
        return Comparison(
            say("about_same", a=label_a, b=label_b, verb_plural=w.verb_plural, noun=w.noun), ratio, None, False
        )
    how_much = _how_much(Range.exact(mid_ratio), w, lang)
    return Comparison(
        say("probably_less", low=label_low, verb=w.verb, how_much=how_much, high=label_high), ratio, None, False
    )


def _how_much(ratio: Range, words: _Words, lang: str) -> str:
    """ "12 fois moins d'énergie", "entre 8 et 15 fois moins…", "30 % d'énergie en moins"."""

    def amount(low: str, high: str) -> str:
        return low if low == high else TEXTS("between", lang, low=low, high=high)

    if ratio.max < PERCENT_BELOW:
        low = number(100 * (1 - 1 / ratio.min), lang=lang)
        high = number(100 * (1 - 1 / ratio.max), lang=lang)
        return TEXTS("percent_less", lang, amount=amount(low, high), noun=words.noun)
    if math.isinf(ratio.max):
        return TEXTS("at_least_times_less", lang, n=number(ratio.min, lang=lang), noun=words.noun)
    return TEXTS("times_less", lang, amount=amount(number(ratio.min, lang=lang), number(ratio.max, lang=lang)),
                 noun=words.noun)
