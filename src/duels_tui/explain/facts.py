"""The figures of lessons/facts.toml, each with its source (and the source in English, `source_en`,
for the English lessons: a title quoted from a French slide is given translated)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from duels_tui.lang import DEFAULT


@dataclass(frozen=True)
class Fact:
    key: str
    data: dict[str, Any]
    source: str
    year: int
    source_en: str = ""

    def __getitem__(self, name: str) -> Any:
        return self.data[name]

    def citation(self, lang: str = DEFAULT) -> str:
        source = self.source_en if lang == "en" and self.source_en else self.source
        return source if str(self.year) in source else f"{source} ({self.year})"


@cache
def load_facts() -> dict[str, Fact]:
    text = resources.files("duels_tui.lessons").joinpath("facts.toml").read_text(encoding="utf-8")
    facts = {}
    for key, table in tomllib.loads(text).items():
        data = {k: v for k, v in table.items() if k not in ("source", "source_en", "year")}
        facts[key] = Fact(key, data, str(table["source"]), int(table["year"]), str(table.get("source_en", "")))
    return facts


def fact(key: str) -> Fact:
    return load_facts()[key]
