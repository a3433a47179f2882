"""Equivalents ("2 min d'ampoule LED", "2 min of an LED bulb") and energy classes, from
config/equivalents.toml. Each label is written in French, and in English (`label_en`...) for
`--lang en`; a file without the English ones falls back to French."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from string import Formatter
from typing import Any, Literal

from duels_tui.config.fields import TableReader, tables
from duels_tui.config.locate import config_file
from duels_tui.config.toml_file import TomlFile, read_toml
from duels_tui.impact import _cache
from duels_tui.impact.model import Impact
from duels_tui.lang import DEFAULT, Texts
from duels_tui.numbers import is_plural, number, span
from duels_tui.ranges import Range

EQUIVALENTS_FILE = "equivalents.toml"
Basis = Literal["energy_wh", "gwp_g", "water_ml"]
Unit = Literal["hour", "km", "count"]
# A figure reads well between 1 and 1,000 of its displayed unit ("14 s", "320 m", "3 %").
READABLE = (1.0, 1000.0)
# (from this many base units, divide by, unit key): seconds for durations, metres for distances.
_DURATION_UNITS = ((2 * 86400, 86400, "days"), (3600, 3600, "h"), (60, 60, "min"), (0, 1, "s"))
_DISTANCE_UNITS = ((1000, 1000, "km"), (0, 1, "m"))
UNITS = Texts(
    "impact.units",
    {"days": ("jours", "days"), "h": ("h", "h"), "min": ("min", "min"), "s": ("s", "s"), "km": ("km", "km"),
     "m": ("m", "m")},
)
_LABELS = ("label", "label_plural", "label_fraction")


@dataclass(frozen=True)
class EquivalentDef:
    key: str
    basis: Basis
    per: float
    unit: Unit
    label: str
    group: str
    priority: int
    source: str
    year: int
    label_plural: str | None = None
    label_fraction: str | None = None
    english: tuple[str | None, ...] = (None, None, None)  # label, label_plural, label_fraction

    def template(self, name: str, lang: str) -> str | None:
        """Its `label`, `label_plural` or `label_fraction` in `lang` (French when the file has
        no English for it)."""
        french, english = getattr(self, name), self.english[_LABELS.index(name)]
        return english if lang == "en" and english and french else french


@dataclass(frozen=True)
class Equivalent:
    """One equivalent of an answer: `label` is its text in the language asked for ("2 min
    d'ampoule LED"), `value` the quantity in `unit` (hours, km or a count)."""

    key: str
    label: str
    value: Range
    unit: Unit
    source: str
    year: int
    readability: float  # 0 reads well; larger is worse (decades outside 1-1,000)

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "value": self.value.to_json(),
            "unit": self.unit,
            "source": self.source,
            "year": self.year,
        }


@dataclass(frozen=True)
class EnergyClasses:
    bounds: tuple[tuple[str, float], ...]  # (class, upper bound excluded), increasing
    unit: str
    source: str
    year: int

    def classify(self, wh_per_million_tokens: float) -> str:
        for label, upper in self.bounds:
            if wh_per_million_tokens < upper:
                return label
        return self.bounds[-1][0]


@dataclass(frozen=True)
class EquivalentsConfig:
    equivalents: tuple[EquivalentDef, ...]
    classes: EnergyClasses

    def get(self, key: str) -> EquivalentDef:
        for definition in self.equivalents:
            if definition.key == key:
                return definition
        raise KeyError(key)


def load_equivalents() -> EquivalentsConfig:
    return _cache.cached("equivalents", config_file(EQUIVALENTS_FILE), _parse)


def energy_class(wh_per_million_tokens: float, classes: EnergyClasses | None = None) -> str:
    """compar:IA's class "A".."F" for a model's energy per million output tokens."""
    if not wh_per_million_tokens >= 0:
        raise ValueError(f"énergie par million de tokens invalide : {wh_per_million_tokens!r}")
    return (classes or load_equivalents().classes).classify(wh_per_million_tokens)


def convert(definition: EquivalentDef, impact: Impact, lang: str = DEFAULT) -> Equivalent:
    """`impact` said with one equivalent, whatever its readability."""
    value: Range = getattr(impact, definition.basis)
    quantity = Range(value.min / definition.per, value.max / definition.per)
    label, readability = _render(definition, quantity, lang)
    return Equivalent(definition.key, label, quantity, definition.unit, definition.source, definition.year, readability)


def pick_equivalents(
    impact: Impact, equivalents: EquivalentsConfig | None = None, n: int = 3, lang: str = DEFAULT
) -> list[Equivalent]:
    """The `n` equivalents that read best for this magnitude, one per group, labelled in `lang`.

    Those whose figure falls between 1 and 1,000 of its unit come first, by priority; if fewer
    than two do, the least awkward others fill in, so that something is always said."""
    config = equivalents or load_equivalents()
    converted = [convert(d, impact, lang) for d in sorted(config.equivalents, key=lambda d: d.priority)]
    groups = {d.key: d.group for d in config.equivalents}
    readable = [e for e in converted if e.readability == 0]
    others = sorted((e for e in converted if 0 < e.readability < math.inf), key=lambda e: e.readability)
    wanted = min(n, max(2, len(readable)))
    chosen: list[Equivalent] = []
    used: set[str] = set()
    for candidate in readable + others:
        if len(chosen) >= wanted:
            break
        if groups[candidate.key] in used:
            continue
        chosen.append(candidate)
        used.add(groups[candidate.key])
    return chosen


def _render(d: EquivalentDef, quantity: Range, lang: str) -> tuple[str, float]:
    label = d.template("label", lang) or ""
    if d.unit == "hour":
        text, shown = _scaled(quantity * 3600, _DURATION_UNITS, lang)
        return label.format(q=text), _distance_from_readable(shown)
    if d.unit == "km":
        text, shown = _scaled(quantity * 1000, _DISTANCE_UNITS, lang)
        return label.format(q=text), _distance_from_readable(shown)
    fraction = d.template("label_fraction", lang)
    if quantity.mid < 1 and fraction:
        percent = quantity * 100
        return fraction.format(q=span(percent, lang=lang)), _distance_from_readable(percent.mid)
    plural = d.template("label_plural", lang)
    template = plural if plural and is_plural(number(quantity.max, lang=lang), lang) else label
    return template.format(q=span(quantity, lang=lang)), _distance_from_readable(quantity.mid)


def _scaled(base: Range, ladder: tuple[tuple[float, float, str], ...], lang: str) -> tuple[str, float]:
    """Text of a duration (s) or distance (m) in the unit that suits its middle value."""
    _, factor, unit = ladder[-1]
    for threshold, divide_by, name in ladder:
        if base.mid >= threshold * (1 - 1e-9):  # 31.7 g / 31.7 g/h is one hour, rounding aside
            factor, unit = divide_by, name
            break
    shown = base * (1 / factor)
    return f"{span(shown, lang=lang)} {UNITS(unit, lang)}", shown.mid


def _distance_from_readable(value: float) -> float:
    """How many decades `value` lies outside READABLE (0 inside)."""
    if value <= 0:
        return math.inf
    low, high = READABLE
    if value < low:
        return math.log10(low / value)
    if value >= high:
        return math.log10(value / high)
    return 0.0


def _parse(path: Path) -> EquivalentsConfig:
    doc = read_toml(path)
    definitions = []
    keys: set[str] = set()
    for r in tables(doc, "equivalents"):
        key = r.str("key")
        if key in keys:
            raise r.error("key", f"équivalent {key!r} déjà défini")
        keys.add(key)
        unit = r.str("unit", choices=("hour", "km", "count"))
        labels = {name: r.str(name, None) for name in _LABELS}
        labels["label"] = r.str("label")
        english = {name: r.str(f"{name}_en", None) for name in _LABELS}
        for name, text in (*labels.items(), *((f"{n}_en", t) for n, t in english.items())):
            if text is not None:
                _check_label(r, name, text)
        definitions.append(
            EquivalentDef(
                key=key,
                basis=r.str("basis", choices=("energy_wh", "gwp_g", "water_ml")),
                per=float(r.number("per", positive=True)),
                unit=unit,
                label=labels["label"],
                label_plural=labels["label_plural"],
                label_fraction=labels["label_fraction"],
                english=tuple(english[name] for name in _LABELS),
                group=r.str("group", key),
                priority=r.number("priority", 100, integer=True),
                source=r.str("source"),
                year=r.number("year", integer=True, minimum=1900),
            )
        )
    if not definitions:
        raise doc.error("au moins un [[equivalents]] attendu", key="equivalents")
    return EquivalentsConfig(tuple(definitions), _parse_classes(doc))


def _check_label(r: TableReader, name: str, text: str) -> None:
    """A label holds {q} (the quantity) and no other placeholder: checked at load, not when a
    reveal first shows it."""
    try:
        fields = [field for _, field, _, _ in Formatter().parse(text) if field is not None]
        text.format(q="1")
    except (ValueError, KeyError, IndexError, AttributeError):
        fields = [None]
    if "q" not in fields or any(field != "q" for field in fields):
        raise r.error(name, "le texte doit contenir {q}, remplacé par la quantité, et aucune autre accolade "
                            "(pour écrire une accolade, doublez-la : {{ ou }})")


def _parse_classes(doc: TomlFile) -> EnergyClasses:
    data = doc.data.get("energy_classes")
    if not isinstance(data, dict):
        raise doc.error("table [energy_classes] manquante", key="energy_classes")
    r = TableReader(doc, data, "energy_classes", None)
    bounds: list[tuple[str, float]] = []
    for label, upper in data.items():
        if label in ("unit", "source", "year"):
            continue
        if isinstance(upper, bool) or not isinstance(upper, (int, float)) or not upper > 0:
            raise r.error(label, f"seuil positif attendu (Wh), trouvé {upper!r}")
        if bounds and upper <= bounds[-1][1]:
            raise r.error(label, "les seuils doivent être croissants")
        bounds.append((label, float(upper)))
    if not bounds:
        raise r.error(None, "au moins une classe attendue")
    return EnergyClasses(
        tuple(bounds), r.str("unit", "Wh par million de tokens"), r.str("source"), r.number("year", integer=True)
    )
