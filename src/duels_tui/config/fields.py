"""The one validating reader of duels' files: typed fields with bounds, each failure an error
naming the file, the field and (in a TOML file) the line, in French.

A `TableReader` reads the fields of one table of a `Document`: a TOML file (config/toml_file.py,
its errors `ConfigError`) or a pack's JSON (packs/format.py, its errors `PackError`). The
document names the field and makes the error; the reader checks the types, the bounds
(bounds.py) and the choices, and walks down into nested tables and lists of tables.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Protocol

from duels_tui.bounds import ANY, Bounds
from duels_tui.ranges import Range

if TYPE_CHECKING:  # toml_file names its fields with field_name below
    from duels_tui.config.toml_file import TomlFile

_MISSING = object()
_SHOWN = 80  # characters of a wrong value quoted in an error: a pack's text can be megabytes


class Document(Protocol):
    """A file whose fields a TableReader reads."""

    # What the error says when a table is something else ("une table est attendue ici").
    table_expected: str

    def error(
        self, message: str, *, table: str | None = None, index: int | None = None, key: str | None = None
    ) -> Exception:
        """The error to raise about `key` of the `index`-th `table` (any of them None)."""
        ...

    def field_name(self, table: str | None, index: int | None, key: str | None) -> str | None:
        """How the error names that field ("models[2].name" in TOML, "duels[1].title" in a pack)."""
        ...


def field_name(table: str | None, index: int | None, key: str | None, *, first: int) -> str | None:
    """"table[index].key", the index counted from `first` (1 in TOML, as a reader counts the
    [[table]] headers; 0 in JSON, as jq and JSON paths do)."""
    prefix = table if table is None or index is None else f"{table}[{index + first}]"
    if prefix and key:
        return f"{prefix}.{key}"
    return prefix or key


def shown(value: Any) -> str:
    """A wrong value as an error quotes it: its repr, cut short."""
    text = repr(value)
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


def number_problem(value: Any, *, integer: bool = False) -> str | None:
    """None when `value` is a finite number (an integer if asked); else what is wrong."""
    kinds = (int,) if integer else (int, float)
    if isinstance(value, bool) or not isinstance(value, kinds):
        return f"{'entier' if integer else 'nombre'} attendu, trouvé {shown(value)}"
    if value != value or value in (float("inf"), float("-inf")):
        return f"nombre fini attendu, trouvé {value!r}"
    return None


class TableReader:
    """Reads the fields of one table (`[table]` or the `index`-th `[[table]]`) of a Document."""

    def __init__(self, doc: Document, data: dict[str, Any], table: str | None, index: int | None):
        self.doc, self.data, self.name, self.index = doc, data, table, index
        if not isinstance(data, dict):  # e.g. `defaults = 0` where a [defaults] table belongs
            raise doc.error(f"{doc.table_expected}, trouvé {shown(data)}", table=table, index=index)

    def error(self, key: str | None, message: str) -> Exception:
        return self.doc.error(message, table=self.name, index=self.index, key=key)

    def _get(self, key: str, default: Any) -> Any:
        value = self.data.get(key, default)
        if value is _MISSING:
            raise self.error(key, "champ obligatoire manquant")
        return value

    def value(self, key: str, default: Any = _MISSING) -> Any:
        """The field as it is, unchecked (required unless a default is given)."""
        return self._get(key, default)

    def text(self, key: str, default: Any = _MISSING) -> Any:
        """A text, empty or not (a pack's answer may be empty); `str` wants one that says something."""
        value = self._get(key, default)
        if value is default and default is not _MISSING:
            return value
        if not isinstance(value, str):
            raise self.error(key, f"texte attendu, trouvé {shown(value)}")
        return value

    def str(self, key: str, default: Any = _MISSING, choices: Iterable[str] | None = None) -> Any:
        value = self._get(key, default)
        if value is default and default is not _MISSING:
            return value
        if not isinstance(value, str) or not value.strip():
            raise self.error(key, f"texte non vide attendu, trouvé {shown(value)}")
        if choices is not None and value not in choices:
            raise self.error(key, f"valeur {shown(value)} inconnue ; valeurs possibles : {', '.join(choices)}")
        return value

    def bool(self, key: str, default: Any = _MISSING) -> Any:
        value = self._get(key, default)
        if not isinstance(value, bool):
            raise self.error(key, f"true ou false attendu, trouvé {shown(value)}")
        return value

    def number(
        self,
        key: str,
        default: Any = _MISSING,
        *,
        minimum: float | None = None,
        positive: bool = False,
        integer: bool = False,
        maximum: float | None = None,
        bounds: Bounds = ANY,
        null: bool = False,
    ) -> Any:
        """A number within `bounds` (bounds.py) and the limits given; `null`: the field must be
        there but may be JSON's null (a pack's time to first token, when none came)."""
        value = self._get(key, default)
        if (value is default and default is not _MISSING) or (value is None and null):
            return value
        problem = number_problem(value, integer=integer)
        if problem is not None:
            raise self.error(key, problem)
        if positive and value <= 0:
            raise self.error(key, f"doit être strictement positif, trouvé {value}")
        if minimum is not None and value < minimum:
            raise self.error(key, f"doit être au moins {minimum}, trouvé {value}")
        if maximum is not None and value > maximum:
            raise self.error(key, f"doit être au plus {maximum}, trouvé {value}")
        self._within(key, value, bounds)
        return value

    def range(self, key: str, default: Any = _MISSING, bounds: Bounds = ANY) -> Any:
        """A positive number, or [min, max] with 0 < min <= max, within `bounds`."""
        value = self._get(key, default)
        if value is default and default is not _MISSING:
            return value
        if isinstance(value, list):
            if len(value) != 2 or not all(_is_number(v) for v in value):
                raise self.error(key, f"nombre ou intervalle [min, max] attendu, trouvé {shown(value)}")
            low, high = float(value[0]), float(value[1])
            if not 0 < low <= high or high == float("inf"):
                raise self.error(key, f"intervalle invalide {value!r} : il faut 0 < min <= max")
            self._within(key, low, bounds)
            self._within(key, high, bounds)
            return Range(low, high)
        if not _is_number(value) or not 0 < value < float("inf"):
            raise self.error(key, f"nombre strictement positif attendu, trouvé {shown(value)}")
        self._within(key, value, bounds)
        return Range.exact(float(value))

    def _within(self, key: str, value: float, bounds: Bounds) -> None:
        problem = bounds.problem(value)
        if problem is not None:
            raise self.error(key, problem)

    def table(self, key: str, default: Any = _MISSING) -> Any:
        """The reader of a nested table (a pack's `usage`); `default` when absent or null."""
        value = self._get(key, default)
        if value is None or (value is default and default is not _MISSING):
            return default
        return TableReader(self.doc, value, self.doc.field_name(self.name, self.index, key), None)

    def list(self, key: str, default: Any = _MISSING) -> Any:
        value = self._get(key, default)
        if not isinstance(value, list):
            raise self.error(key, f"liste attendue, trouvé {shown(value)}")
        return value

    def tables(self, key: str, default: Any = _MISSING) -> list[TableReader]:
        """Readers of each table of a list of them (a pack's duels, their turns, their answers)."""
        name = self.doc.field_name(self.name, self.index, key)
        return [TableReader(self.doc, item, name, i) for i, item in enumerate(self.list(key, default))]

    def unknown_keys(self, allowed: Iterable[str]) -> None:
        allowed = set(allowed)
        for key in self.data:
            if key not in allowed:
                raise self.error(key, f"champ inconnu ; champs possibles : {', '.join(sorted(allowed))}")


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == value


def tables(doc: TomlFile, name: str) -> list[TableReader]:
    """Readers for each `[[name]]` of a file; an error if `name` is not an array of tables."""
    raw = doc.data.get(name, [])
    if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
        raise doc.error(f"« {name} » doit être une liste de tables [[{name}]]", key=name)
    return [TableReader(doc, item, name, i) for i, item in enumerate(raw)]


def table(doc: TomlFile, name: str, required: bool = True) -> TableReader | None:
    raw = doc.data.get(name)
    if raw is None:
        if required:
            raise doc.error(f"table [{name}] manquante", key=name)
        return None
    if not isinstance(raw, dict):
        raise doc.error(f"« {name} » doit être une table [{name}]", key=name)
    return TableReader(doc, raw, name, None)
