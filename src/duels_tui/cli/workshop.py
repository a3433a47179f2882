"""Launching the workshop: resume or start a session, start the embedded engine if the session
needs it, then the TUI (Textual is imported here, not before)."""

from __future__ import annotations

import sys

from duels_tui.catalog import Catalog


def default_programme() -> str:
    """The programme that runs on a fresh machine: the embedded models when their engine is
    installed (no ollama, no internet needed), else the workshop's classic one."""
    from duels_tui.engine.local_models import engine_installed

    return "local-demo" if engine_installed() else "classique"


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def start_local_models(catalog: Catalog, model_ids: set[str], engine) -> None:
    """Start llama.cpp servers for the embedded models among `model_ids`; a failure is told
    (in French) and the workshop still opens: those models show as unable to run."""
    from duels_tui.engine.local_server import LocalServerError

    keys = sorted({c.local_model for m in model_ids if (c := catalog.get(m)) and c.local_model})
    if not keys:
        return
    try:
        engine.start(keys, progress=_say)
    except LocalServerError as exc:
        _say(f"duels : moteur local indisponible : {exc}")
        return
    catalog.bind_local_servers({key: engine.api_base(key) for key in keys})


def launch(*, programme: str | None, new: bool, lang: str, place: str = "") -> None:
    from duels_tui.arena.workshop import Workshop
    from duels_tui.catalog import load_catalog
    from duels_tui.config.programme import load_programme
    from duels_tui.engine.local_server import LocalEngine
    from duels_tui.store import Store

    catalog = load_catalog()
    store = Store.open()
    try:
        workshop = None if new else Workshop.resume(store, catalog)
        if workshop is not None and programme and workshop.programme.key != programme:
            workshop = None  # another programme was asked for: a new session
        resumed = workshop is not None
        if workshop is None:
            chosen = load_programme(programme or default_programme(), catalog)
            workshop = Workshop.start(chosen, catalog, store, place=place)
        with LocalEngine() as engine:
            start_local_models(catalog, {m for d in workshop.duels for m in d.sides.values()}, engine)
            from duels_tui.ui.app import DuelsApp

            DuelsApp(workshop, lang=lang, resumed=resumed).run()
    finally:
        store.close()
