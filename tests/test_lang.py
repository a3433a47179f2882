"""Every keyed text is written in both languages, with the same placeholders, and its English
has no French left (lang.Texts tables, found by importing the whole package)."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import duels_tui
from duels_tui.lang import TABLES, Texts, check_lang, join_names, placeholders
from french_markers import french_left


def _all_tables() -> dict[str, Texts]:
    for module in pkgutil.walk_packages(duels_tui.__path__, "duels_tui."):
        if module.name != "duels_tui.__main__":
            importlib.import_module(module.name)
    return TABLES


def test_the_tables_are_found():
    names = set(_all_tables())
    assert {"ui", "arena.votes", "arena.final", "arena.cards", "impact.compare", "engine.errors",
            "availability"} <= names  # fmt: skip


@pytest.mark.parametrize("name", sorted(_all_tables()))
def test_every_key_in_both_languages(name):
    for key, pair in TABLES[name].table.items():
        assert len(pair) == 2, (name, key)
        french, english = pair
        assert french.strip() and english.strip(), (name, key)
        assert placeholders(french) == placeholders(english), (name, key)
        # a short label may be the same word in both ("dense", "Total"); a sentence is not
        if len(french) > 25:
            assert french != english, (name, key)
        assert french_left(english) == [], (name, key, english)


def test_helpers():
    assert check_lang("en") == "en"
    with pytest.raises(ValueError, match="langue inconnue"):
        check_lang("de")
    assert join_names(["A", "B", "C"]) == "A, B et C" and join_names(["A", "B"], "en") == "A and B"
    assert join_names(["A"], "en") == "A"


def _bindings_declared() -> list[tuple[str, str]]:
    """(class, description) of every binding a class of duels_tui.ui declares."""
    from textual.binding import Binding

    import duels_tui.ui

    found = []
    for module in pkgutil.walk_packages(duels_tui.ui.__path__, "duels_tui.ui."):
        for value in vars(importlib.import_module(module.name)).values():
            if isinstance(value, type) and value.__module__ == module.name:
                for binding in vars(value).get("BINDINGS", ()):
                    if isinstance(binding, Binding) and binding.description:
                        found.append((value.__name__, binding.description))
    return found


def test_every_key_of_a_footer_is_said_through_the_table():
    """A binding's description is a key of ui/i18n.py's table (localize_bindings says it in the
    session's language), or a side's letter: a French label written in the class would stay
    French in an English session."""
    from duels_tui.ui.i18n import UI_TEXTS

    found = _bindings_declared()
    assert len(found) > 20
    assert [(cls, d) for cls, d in found if d not in UI_TEXTS and d not in ("A", "B")] == []

