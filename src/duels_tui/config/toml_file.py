"""Read a TOML file and locate fields in it, so that errors can name a line."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from duels_tui.config.errors import ConfigError
from duels_tui.config.fields import field_name
from duels_tui.os_errors import said

_AT_LINE = re.compile(r"\(at line (\d+), column (\d+)\)")
_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\-\"' ]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-]+|\"[^\"]*\")\s*=")


@dataclass
class TomlFile:
    path: Path
    text: str
    data: dict[str, Any]
    table_expected = "une table est attendue ici"  # for config/fields.Document

    def line_of(self, table: str | None, index: int | None, key: str | None) -> int | None:
        """Line of `key` in the `index`-th `[[table]]` (or in `[table]`, or at top level).

        Falls back to the table's header line when the key is absent. A line scanner, not a
        parser: it only needs to be right for the plain layout our files use."""
        current: tuple[str | None, int | None] = (None, None)
        counts: dict[str, int] = {}
        header_line: int | None = None
        for number, raw in enumerate(self.text.splitlines(), start=1):
            header = _HEADER.match(raw)
            if header:
                name = header.group(2).strip()
                if header.group(1) == "[[":
                    counts[name] = counts.get(name, -1) + 1
                    current = (name, counts[name])
                else:
                    current = (name, None)
                if current == (table, index):
                    header_line = number
                continue
            if current == (table, index) and key is not None:
                match = _KEY.match(raw)
                if match and match.group(1).strip('"') == key:
                    return number
        return header_line

    def error(
        self,
        message: str,
        *,
        table: str | None = None,
        index: int | None = None,
        key: str | None = None,
    ) -> ConfigError:
        field = self.field_name(table, index, key)
        return ConfigError(self.path, message, self.line_of(table, index, key), field)

    def field_name(self, table: str | None, index: int | None, key: str | None) -> str | None:
        return field_name(table, index, key, first=1)


def read_toml(path: Path) -> TomlFile:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(path, "fichier introuvable") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(path, f"le fichier n'est pas en UTF-8 ({exc.reason})") from None
    except OSError as exc:
        raise ConfigError(path, f"lecture impossible ({said(exc)})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = _AT_LINE.search(str(exc))
        line = int(found.group(1)) if found else None
        reason = _AT_LINE.sub("", str(exc)).strip()
        raise ConfigError(path, f"TOML invalide : {reason}", line) from None
    except RecursionError:
        # tomllib recurses once per level: 500 nested arrays or inline tables exhaust the stack.
        raise ConfigError(path, "TOML invalide : tableaux ou tables imbriqués sur des centaines de niveaux") from None
    return TomlFile(path, text, data)
