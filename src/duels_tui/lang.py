"""The two languages of everything a user sees: French (the default) and English (`--lang en`).

The domain writes sentences (a vote error, the final's rule, a comparison of two answers) long
before any screen exists, and never imports the UI. So the mechanism lives here, below both:
a `Texts` table maps a key to its (French, English) templates, and whoever knows the language
asks for it. The UI's own table (ui/i18n.py) is one more `Texts`. Every table registers itself in
`TABLES`, so a test can check that each key is written in both languages.
"""

from __future__ import annotations

import string
from typing import Literal

Lang = Literal["fr", "en"]
LANGS: tuple[Lang, ...] = ("fr", "en")
DEFAULT: Lang = "fr"

TABLES: dict[str, Texts] = {}


def check_lang(lang: str) -> Lang:
    if lang not in LANGS:
        raise ValueError(f"langue inconnue {lang!r} : fr ou en")
    return lang  # type: ignore[return-value]


def placeholders(template: str) -> set[str]:
    """The names between braces in `template` ("{n} jetons" -> {"n"})."""
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(template) if name}


class Texts:
    """Keyed (French, English) templates, filled with `str.format` values. Figures in values are
    formatted by the caller for the language (duels_tui.numbers: number(x, lang=...), count...)."""

    def __init__(self, name: str, table: dict[str, tuple[str, str]]) -> None:
        self.name = name
        self.table = table
        TABLES[name] = self

    def __contains__(self, key: str) -> bool:
        return key in self.table

    def __call__(self, key: str, lang: str = DEFAULT, **values: object) -> str:
        return self.table[key][LANGS.index(check_lang(lang))].format(**values)

    def with_hint(
        self, key: str, lang: str = DEFAULT, hint_key: str | None = None, **values: object
    ) -> tuple[str, str | None]:
        """A text and what to do about it: `key` and `hint_key` ("<key>.hint" by default; None
        when the table has no such hint)."""
        hint_key = hint_key or f"{key}.hint"
        return self(key, lang, **values), (self(hint_key, lang, **values) if hint_key in self else None)


COMMON = Texts(
    "common",
    {
        "and": (" et ", " and "),
        "to": ("à", "to"),  # a span: « 3 à 5 », "3 to 5"
    },
)


def join_names(names: list[str], lang: str = DEFAULT) -> str:
    """ "A", "A et B", "A, B et C" ("A, B and C" in English)."""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + COMMON("and", lang) + names[-1]
