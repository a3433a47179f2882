"""Typed field readers for TOML tables: each failure is a ConfigError naming file, line, field."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from duels_tui.bounds import ANY, Bounds
from duels_tui.config.toml_file import TomlFile
from duels_tui.ranges import Range

_MISSING = object()


class TableReader:
    """Reads the fields of one table (`[table]` or the `index`-th `[[table]]`) of a TomlFile."""

    def __init__(self, doc: TomlFile, data: dict[str, Any], table: str | None, index: int | None):
        self.doc, self.data, self.table, self.index = doc, data, table, index
        if not isinstance(data, dict):  # e.g. `defaults = 0` where a [defaults] table belongs
            where = f"{table}[{index + 1}]" if table and index is not None else table
            raise doc.error(f"une table est attendue ici, trouvé {data!r}", key=where)

    def error(self, key: str | None, message: str):
        return self.doc.error(message, table=self.table, index=self.index, key=key)

    def _get(self, key: str, default: Any) -> Any:
        value = self.data.get(key, default)
        if value is _MISSING:
            raise self.error(key, "champ obligatoire manquant")
        return value

    def str(self, key: str, default: Any = _MISSING, choices: Iterable[str] | None = None) -> Any:
        value = self._get(key, default)
        if value is default and default is not _MISSING:
            return value
        if not isinstance(value, str) or not value.strip():
            raise self.error(key, f"texte non vide attendu, trouvé {value!r}")
        if choices is not None and value not in choices:
            raise self.error(key, f"valeur {value!r} inconnue ; valeurs possibles : {', '.join(choices)}")
        return value

    def bool(self, key: str, default: Any = _MISSING) -> Any:
        value = self._get(key, default)
        if not isinstance(value, bool):
            raise self.error(key, f"true ou false attendu, trouvé {value!r}")
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
    ) -> Any:
        value = self._get(key, default)
        if value is default and default is not _MISSING:
            return value
        kinds = (int,) if integer else (int, float)
        if isinstance(value, bool) or not isinstance(value, kinds):
            raise self.error(key, f"{'entier' if integer else 'nombre'} attendu, trouvé {value!r}")
        if value != value or value in (float("inf"), float("-inf")):
            raise self.error(key, f"nombre fini attendu, trouvé {value!r}")
        if positive and value <= 0:
            raise self.error(key, f"doit être strictement positif, trouvé {value}")
        if minimum is not None and value < minimum:
            raise self.error(key, f"doit être au moins {minimum}, trouvé {value}")
        if maximum is not None and value > maximum:
            raise self.error(key, f"doit être au plus {maximum}, trouvé {value}")
        self._within(key, value, ANY)
        return value

    def range(self, key: str, default: Any = _MISSING, bounds: Bounds = ANY) -> Any:
        """A positive number, or [min, max] with 0 < min <= max, within `bounds`."""
        value = self._get(key, default)
        if value is default and default is not _MISSING:
            return value
        if isinstance(value, list):
            if len(value) != 2 or not all(_is_number(v) for v in value):
                raise self.error(key, f"nombre ou intervalle [min, max] attendu, trouvé {value!r}")
            low, high = float(value[0]), float(value[1])
            if not 0 < low <= high or high == float("inf"):
                raise self.error(key, f"intervalle invalide {value!r} : il faut 0 < min <= max")
            self._within(key, low, bounds)
            self._within(key, high, bounds)
            return Range(low, high)
        if not _is_number(value) or not 0 < value < float("inf"):
            raise self.error(key, f"nombre strictement positif attendu, trouvé {value!r}")
        self._within(key, value, bounds)
        return Range.exact(float(value))

    def _within(self, key: str, value: float, bounds: Bounds) -> None:
        problem = bounds.problem(value)
        if problem is not None:
            raise self.error(key, problem)

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
