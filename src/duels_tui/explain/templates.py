"""The lessons' Markdown templates (lessons/NN-key.md), shipped in the package.

A template starts with a TOML header between two `+++` lines: `key`, `title`, `sources` (a list;
an entry starting with « @ » names data whose own source is cited: `@catalog`, `@scale`,
`@session`, `@methodology`, `@tokenizer`, `@facts:<key>`, `@equivalents:<key>`). The body is
Markdown where `{{name}}` is replaced by a value computed from the session or the data, and
`[n]` cites the n-th source. The file name's number gives the order.

The French lessons sit in lessons/, their English twins (same file names, keys, placeholders and
sources) in lessons/en/.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from duels_tui.lang import DEFAULT, check_lang

PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")
CITATION = re.compile(r"\[(\d+)\]")
_FRONT = re.compile(r"\A\+\+\+\n(.*?)\n\+\+\+\n", re.S)


class TemplateError(ValueError):
    pass


@dataclass(frozen=True)
class LessonTemplate:
    key: str
    order: int
    title: str
    body: str
    sources: tuple[str, ...]

    @property
    def placeholders(self) -> set[str]:
        return set(PLACEHOLDER.findall(self.body))

    def fill(self, values: dict[str, str]) -> str:
        missing = self.placeholders - values.keys()
        if missing:
            raise TemplateError(f"fiche {self.key} : valeurs manquantes {sorted(missing)}")
        return PLACEHOLDER.sub(lambda m: values[m.group(1)], self.body)


def parse(name: str, text: str) -> LessonTemplate:
    match = _FRONT.match(text)
    if match is None:
        raise TemplateError(f"{name} : en-tête +++ … +++ manquant")
    header = tomllib.loads(match.group(1))
    order = int(name.split("-", 1)[0])
    return LessonTemplate(
        key=str(header["key"]),
        order=order,
        title=str(header["title"]),
        body=text[match.end():].strip() + "\n",
        sources=tuple(str(s) for s in header.get("sources", ())),
    )


@cache
def load_templates(lang: str = DEFAULT) -> dict[str, LessonTemplate]:
    """Every lesson in `lang`, in order, by key."""
    folder = resources.files("duels_tui.lessons")
    if check_lang(lang) != DEFAULT:
        folder = folder.joinpath(lang)
    found = [
        parse(entry.name, entry.read_text(encoding="utf-8"))
        for entry in folder.iterdir()
        if entry.name.endswith(".md") and entry.name[:2].isdigit()
    ]
    found.sort(key=lambda t: t.order)
    return {t.key: t for t in found}
