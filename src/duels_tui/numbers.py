"""Every number a person reads, written as a reader of the language writes it: ONE module for the
screens, the report, the cards and the command line (any layer may import it: it imports only
`lang` and `ranges`).

French (the default): a decimal comma, thousands grouped by a narrow no-break space
("1 200"), the same narrow space before % ("57 %"), a noun in the singular below 2
("1,5 jeton", "0 jeton", "2 jetons"; « voix » is invariable), large counts in words
("135 millions de paramètres", "1,5 milliard"). English with `lang="en"`: "1,200", "57%",
"1 token", "1.5 tokens", "135 million parameters".

More than two or three significant digits is noise when the methodology itself is uncertain to
tens of percent; counts (tokens, votes) are integers and are written whole.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

from duels_tui.lang import COMMON, DEFAULT
from duels_tui.ranges import Range

NNBSP = "\u202f"  # narrow no-break space: French thousands separator, and before % in French

# noun -> ((French singular, plural), (English singular, plural))
NOUNS: dict[str, tuple[tuple[str, str], tuple[str, str]]] = {
    "token": (("jeton", "jetons"), ("token", "tokens")),
    "output_token": (("jeton de sortie", "jetons de sortie"), ("output token", "output tokens")),
    "generated_token": (("jeton généré", "jetons générés"), ("token generated", "tokens generated")),
    "written_token": (("jeton écrit", "jetons écrits"), ("token written", "tokens written")),
    "vote": (("voix", "voix"), ("vote", "votes")),
    "hand": (("main", "mains"), ("hand", "hands")),
    "second": (("seconde", "secondes"), ("second", "seconds")),
    "duel": (("duel", "duels"), ("duel", "duels")),
    "voted_duel": (("duel voté", "duels votés"), ("duel voted", "duels voted")),
    "model": (("modèle", "modèles"), ("model", "models")),
    "usable_model": (("modèle du catalogue utilisable maintenant", "modèles du catalogue utilisables maintenant"),
                     ("catalog model usable now", "catalog models usable now")),
    "answer": (("réponse", "réponses"), ("answer", "answers")),
    "row": (("ligne", "lignes"), ("row", "rows")),
    "character": (("caractère", "caractères"), ("character", "characters")),
    "parameter": (("paramètre", "paramètres"), ("parameter", "parameters")),
    "search": (("recherche web", "recherches web"), ("web search", "web searches")),
}

# Large counts in words, largest first: (size, French singular, plural, English). French stops at
# « milliard » (its « billion » is 10^12 and misleads); English goes on to "trillion".
_SCALES_FR = ((1e9, "milliard", "milliards"), (1e6, "million", "millions"))
_SCALES_EN = ((1e12, "trillion", "trillion"), (1e9, "billion", "billion"), (1e6, "million", "million"))


def _round(value: float, decimals: int) -> Decimal:
    """`value` rounded half up, as a reader rounds (12.5 -> 13), not half to even."""
    return Decimal(repr(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def _decimals(value: float, significant: int) -> int:
    """How many decimals keep about `significant` significant digits, never cutting the integer
    part (1234.5 with 2 significant digits: none, and it is written 1 235)."""
    if value == 0:
        return 0
    magnitude = math.floor(math.log10(abs(value)))
    decimals = max(0, significant - 1 - magnitude)
    # Rounding may carry into the next magnitude (0.996 -> 1.0): one decimal fewer then.
    if decimals and abs(_round(value, decimals)) >= Decimal(10) ** (magnitude + 1):
        decimals -= 1
    return decimals


def _write(rounded: Decimal, lang: str, trim: bool = True) -> str:
    """A rounded value with the language's marks: "1 234,5" or "1,234.5"."""
    if rounded == 0:
        rounded = abs(rounded)  # no "-0"
    text = f"{rounded:,f}"
    if trim and "." in text:
        text = text.rstrip("0").rstrip(".")
    if lang == "en":
        return text
    return text.replace(",", NNBSP).replace(".", ",")


def _special(value: float) -> str | None:
    if math.isnan(value):
        return "?"
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    return None


def number(value: float, significant: int = 2, lang: str = DEFAULT) -> str:
    """`value` with about `significant` significant digits, never fewer than its integer part:
    0.372 -> "0,37", 1234.5 -> "1 235", 1e-6 -> "0,000001"."""
    special = _special(value)
    if special is not None:
        return special
    return _write(_round(value, _decimals(value, significant)), lang)


def fixed(value: float, decimals: int, lang: str = DEFAULT, *, trim: bool = False) -> str:
    """`value` with exactly `decimals` decimals ("0,57" for a score), or at most that many with
    `trim` ("2,5", "30")."""
    special = _special(value)
    if special is not None:
        return special
    return _write(_round(value, decimals), lang, trim=trim)


def integer(value: int, lang: str = DEFAULT) -> str:
    """A count written whole: "12 345" ("12,345")."""
    return fixed(value, 0, lang)


def percent(fraction: float, lang: str = DEFAULT, significant: int = 2) -> str:
    """A share (0.5) as a percentage: "50 %" in French (a narrow no-break space before %), "50%"
    in English; whole percents at least (57 %), small shares keep two digits (0,33 %)."""
    sign = NNBSP + "%" if lang != "en" else "%"
    return number(100 * fraction, significant, lang) + sign


def is_plural(written: str, lang: str = DEFAULT) -> bool:
    """Whether a number written as `written` takes a plural noun: in French from 2 on (« 1,5
    jeton », « 0 jeton »), in English anything but exactly 1 ("0 tokens", "1.5 tokens")."""
    digits = written.replace(NNBSP, "").replace(",", ".") if lang != "en" else written.replace(",", "")
    try:
        value = abs(float(digits))
    except ValueError:  # "∞", "?"
        return True
    return value != 1 if lang == "en" else value >= 2


def noun(key: str, written: str, lang: str = DEFAULT) -> str:
    """The noun `key` (see NOUNS) agreeing with the number `written`."""
    forms = NOUNS[key][1 if lang == "en" else 0]
    return forms[1] if is_plural(written, lang) else forms[0]


def count(value: float, key: str, lang: str = DEFAULT, significant: int | None = None) -> str:
    """A number and its noun: "1 jeton", "2 jetons", "1 voix", "1 vote", "2 votes", "12 345 jetons".
    Integers are written whole; `significant` rounds others (a rate: "1,5 jeton")."""
    if significant is None and float(value).is_integer():
        written = integer(int(value), lang)
    else:
        written = number(value, significant or 2, lang)
    return f"{written} {noun(key, written, lang)}"


def _large_parts(value: float, lang: str, significant: int) -> tuple[str, int | None]:
    """(the number, the index of its scale in the language's table, None below a million)."""
    scales = _SCALES_EN if lang == "en" else _SCALES_FR
    for index, (size, _, _) in enumerate(scales):
        if abs(value) >= size * 0.9995:  # 999.9 million is "1 milliard", not "1 000 millions"
            return number(value / size, significant, lang), index
    return number(value, significant, lang), None


def _scale_word(written: str, index: int | None, lang: str) -> str:
    if index is None:
        return written
    _, one, many = (_SCALES_EN if lang == "en" else _SCALES_FR)[index]
    return f"{written} {many if is_plural(written, lang) else one}"


def large(value: float, lang: str = DEFAULT, significant: int = 3) -> str:
    """A large count in words: 135e6 -> "135 millions", 1.5e9 -> "1,5 milliard", 1e12 -> "1 000
    milliards" ("135 million", "1.5 billion", "1 trillion"); below a million, the number itself."""
    return _scale_word(*_large_parts(value, lang, significant), lang)


def _large_span(low: float, high: float, lang: str, significant: int) -> str:
    """ "300 à 440 milliards" (the scale word once when both bounds share it), "500 millions à
    1,5 milliard" otherwise."""
    (a, a_scale), (b, b_scale) = _large_parts(low, lang, significant), _large_parts(high, lang, significant)
    if (a, a_scale) == (b, b_scale):
        return _scale_word(b, b_scale, lang)
    first = a if a_scale == b_scale else _scale_word(a, a_scale, lang)
    return f"{first} {COMMON('to', lang)} {_scale_word(b, b_scale, lang)}"


def params(billions: float | Range, lang: str = DEFAULT, *, with_noun: bool = True, significant: int = 3) -> str:
    """A parameter count given in billions: "135 millions de paramètres", "1,5 milliard de
    paramètres", "300 à 440 milliards de paramètres" ("135 million parameters"); without the
    noun, "135 millions" (« … actifs par jeton » follows it)."""
    value = Range.of(billions)
    text = _large_span(value.min * 1e9, value.max * 1e9, lang, significant)
    if not with_noun:
        return text
    last = text.rsplit(" ", 1)[-1]
    if last[:1].isdigit() or last in ("?", "∞"):  # a plain number: the noun agrees with it
        return f"{text} {noun('parameter', last, lang)}"
    # « 135 millions de paramètres », "135 million parameters"
    return f"{text} {NOUNS['parameter'][1][1]}" if lang == "en" else f"{text} de {NOUNS['parameter'][0][1]}"


def span(value: Range, significant: int = 2, lang: str = DEFAULT) -> str:
    """ "0,24" when both bounds print alike, else "0,2 à 0,3" ("0.2 to 0.3" in English)."""
    low, high = number(value.min, significant, lang), number(value.max, significant, lang)
    return low if low == high else f"{low} {COMMON('to', lang)} {high}"


def range_text(value: Range, unit: str = "", significant: int = 2, lang: str = DEFAULT) -> str:
    """ "0,24 Wh" for an exact value (or one whose bounds print alike), else "0,2 à 0,3 Wh"."""
    suffix = f" {unit}" if unit else ""
    return span(value, significant, lang) + suffix


def seconds(value: float, lang: str = DEFAULT) -> str:
    """A duration in seconds, one decimal at most: « 2,5 secondes », « 1,5 seconde », "30 seconds"."""
    written = fixed(value, 1, lang, trim=True)
    return f"{written} {noun('second', written, lang)}"


def duration(value: float, lang: str = DEFAULT) -> str:
    """A wait as a room reads it on screen: "0,04 s" below a second, "2,5 s" below ten, "12 s",
    "1 min 05 s"."""
    if value < 1:
        return f"{number(value, 1, lang)} s"
    if value < 10:
        return f"{fixed(value, 1, lang, trim=True)} s"
    whole = int(value)
    return f"{whole} s" if whole < 60 else f"{whole // 60} min {whole % 60:02d} s"
