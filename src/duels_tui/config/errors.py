"""Configuration errors: each names the file, the line when known, and the field, in French."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class ConfigError(Exception):
    path: Path | str
    message: str
    line: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = str(self.path)
        if self.line is not None:
            where += f", ligne {self.line}"
        if self.field:
            where += f", champ « {self.field} »"
        return f"{where} : {self.message}"
