"""The figures of cards/facts.toml, each with its source."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any


@dataclass(frozen=True)
class Fact:
    key: str
    data: dict[str, Any]
    source: str
    year: int

    def __getitem__(self, name: str) -> Any:
        return self.data[name]

    @property
    def citation(self) -> str:
        return self.source if str(self.year) in self.source else f"{self.source} ({self.year})"


@cache
def load_facts() -> dict[str, Fact]:
    text = resources.files("duels_tui.cards").joinpath("facts.toml").read_text(encoding="utf-8")
    facts = {}
    for key, table in tomllib.loads(text).items():
        data = {k: v for k, v in table.items() if k not in ("source", "year")}
        facts[key] = Fact(key, data, str(table["source"]), int(table["year"]))
    return facts


def fact(key: str) -> Fact:
    return load_facts()[key]
