"""Launching the workshop TUI (Textual is imported here, not before)."""

from __future__ import annotations


def launch(*, programme: str | None, new: bool, lang: str) -> None:
    from duels_tui.catalog import load_catalog
    from duels_tui.config.programme import load_programme

    catalog = load_catalog()
    chosen = load_programme(programme or "classique", catalog)
    from duels_tui.ui.app import DuelsApp

    DuelsApp(catalog=catalog, programme=chosen, new_session=new, lang=lang).run()
