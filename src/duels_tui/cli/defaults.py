"""The programme `duels` opens when none is named: one that can run now.

1. `local-demo` when the embedded engine and its two models are installed: no ollama, no internet;
2. else, with two models or more in ollama, three duels proposed from them (what
   `duels programme --auto` writes), saved in the data dir, and said so;
3. else `classique`, whose Home spells the way out (the keys missing, what to install).

`duels check` exits non-zero when this programme cannot run."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass, field

from duels_tui.catalog import Catalog

LOCAL = "local-demo"
CLASSIC = "classique"
PROPOSED_FILE = "modeles-ollama.toml"


@dataclass(frozen=True)
class DefaultChoice:
    argument: str  # a programme name, or the path of a TOML file, for load_programme
    origin: str  # "local", "ollama" or "classique"
    duels: tuple[tuple[str, ...], ...] = field(default=())  # the ollama proposal's pairs (others: read from the file)
    note: str = ""  # French, said on the terminal when the choice needs saying


def local_engine_ready() -> bool:
    """The embedded engine and every bundled model's package are installed."""
    from duels_tui.engine.local_models import BUNDLED, engine_installed

    return engine_installed() and all(importlib.util.find_spec(m.module) is not None for m in BUNDLED.values())


def choose(catalog: Catalog, *, write: bool = True) -> DefaultChoice:
    """The programme to open. Asks ollama for its models (at most 1 s) only when the local engine
    is missing; its models then join `catalog`. `write`: save the ollama proposal (the workshop
    plays it; `duels check` only looks)."""
    if local_engine_ready():
        return DefaultChoice(LOCAL, "local")
    import asyncio

    from duels_tui.arena.auto_programme import ProposalError
    from duels_tui.catalog_discovery import merge_discovered, probe
    from duels_tui.cli.programme import auto_programme
    from duels_tui.endpoints import ollama_url

    try:
        ollama_models = asyncio.run(probe(timeout_s=1.0))
    except Exception:  # a convenience: never a reason not to open
        ollama_models = []
    merge_discovered(catalog, ollama_models)
    try:
        duels, text = auto_programme(catalog, ollama_models)
    except ProposalError:
        return DefaultChoice(CLASSIC, "classique")
    from duels_tui import paths

    path = paths.user_data_dir() / "programmes" / PROPOSED_FILE
    if write:
        from duels_tui.output_file import write_output

        write_output(path, text)
    note = (
        f"moteur local absent : trois duels proposés à partir des {len(ollama_models)} modèles d'ollama "
        f"({ollama_url()}), écrits dans {path} (modifiables ; « duels programme » liste les autres)"
    )
    return DefaultChoice(str(path), "ollama", tuple(d.models for d in duels), note)


def programme_duels(choice: DefaultChoice, catalog: Catalog) -> tuple[tuple[str, ...], ...]:
    """The pairs of models the chosen programme plays."""
    if choice.duels:
        return choice.duels
    from duels_tui.config.programme import load_programme

    return tuple(d.model_ids for d in load_programme(choice.argument, catalog).duels)
