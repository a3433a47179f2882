"""`duels programme`: the programmes at hand; `--auto` proposes one from the models installed."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from duels_tui.cli.common import config_errors_exit, fail

if TYPE_CHECKING:
    from duels_tui.arena.auto_programme import ProposedDuel
    from duels_tui.availability import OllamaModel
    from duels_tui.catalog import Catalog, ModelCard


def installed_cards(catalog: Catalog, ollama_models: list[OllamaModel]) -> list[ModelCard]:
    """Catalog cards (discovered ones included) that can run here: installed in ollama; and,
    with fewer than two of those, the embedded models whose engine and package are installed
    (the tiniest: beside real models they would be the smallest of every proposal)."""
    import importlib.util

    from duels_tui.endpoints import is_ollama_route, ollama_model_name
    from duels_tui.engine.local_models import BUNDLED, engine_installed

    def normal(name: str) -> str:
        return name if ":" in name else f"{name}:latest"

    installed = {normal(m.name) for m in ollama_models}
    cards = [
        card
        for card in catalog.models.values()
        if is_ollama_route(card.route) and normal(ollama_model_name(card.route)) in installed
    ]
    if len(cards) >= 2 or not engine_installed():
        return cards
    for card in catalog.models.values():
        bundled = BUNDLED.get(card.local_model or "")
        if bundled is not None and importlib.util.find_spec(bundled.module) is not None:
            cards.append(card)
    return cards


def auto_programme(catalog: Catalog, ollama_models: list[OllamaModel]) -> tuple[list[ProposedDuel], str]:
    """Three duels among the models installed here (`ollama_models` already merged into
    `catalog`) and their programme TOML; ProposalError (French) with fewer than two models."""
    from duels_tui.arena.auto_programme import propose, to_toml
    from duels_tui.endpoints import ollama_url

    cards = installed_cards(catalog, ollama_models)
    duels = propose(cards)
    where = [f"les {len(ollama_models)} modèles d'ollama ({ollama_url()})"] if ollama_models else []
    if any(c.local_model for c in cards):
        where.append("les modèles embarqués du moteur local")
    return duels, to_toml(duels, found=" et ".join(where))


def needs(model_ids: list[str], catalog: Catalog) -> str:
    """What a programme's models need to run, for the list: « ollama (gemma3:4b, …) · clés
    ANTHROPIC_API_KEY · moteur local »; a model the catalog lacks is named with how to get it."""
    from duels_tui.endpoints import is_ollama_route, ollama_model_name

    ollama, keys, local, unknown = [], [], False, []
    for model_id in dict.fromkeys(model_ids):
        card = catalog.get(model_id)
        if card is None:
            unknown.append(model_id)
        elif card.local_model:
            local = True
        elif is_ollama_route(card.route):
            ollama.append(ollama_model_name(card.route))
        elif card.api_key_env:
            keys.append(card.api_key_env)
    parts = []
    if local:
        parts.append("le moteur local (make run l'installe)")
    if ollama:
        parts.append(f"ollama avec {', '.join(ollama)}")
    if keys:
        parts.append(f"les clés {', '.join(dict.fromkeys(keys))}")
    if unknown:
        parts.append(f"ollama avec {', '.join(unknown)} (inconnus du catalogue et pas installés : "
                     f"« ollama pull {unknown[0]} »)")
    return " · ".join(parts) or "rien de plus"


def _model_ids(path: Path) -> list[str]:
    """The model ids a programme file names, read without checking them against the catalog."""
    from duels_tui.config.toml_file import read_toml

    duels = read_toml(path).data.get("duels")
    ids: list[str] = []
    for duel in duels if isinstance(duels, list) else []:
        models = duel.get("models") if isinstance(duel, dict) else None
        ids += [m for m in models if isinstance(m, str)] if isinstance(models, list) else []
    return ids


def list_programmes(catalog: Catalog) -> bool:
    """Every programme, with what it needs; one that does not load is listed with why (its
    models may be ollama's, asked once and only then). True when one is broken for another
    reason than models still to install (a configuration error: exit 2)."""
    from duels_tui.cli.common import discover_ollama
    from duels_tui.config.errors import ConfigError
    from duels_tui.config.programme import available_programmes, load_programme

    asked_ollama = broken = False
    for key, path in sorted(available_programmes().items()):
        try:
            try:
                loaded = load_programme(str(path), catalog)
            except ConfigError:
                if asked_ollama:
                    raise
                asked_ollama = True
                discover_ollama(catalog)
                loaded = load_programme(str(path), catalog)
        except ConfigError as exc:
            try:
                ids = _model_ids(path)
            except ConfigError:
                ids = []
            missing = [m for m in ids if catalog.get(m) is None]
            broken = broken or not missing
            # models still to install are what this programme needs (the listing, stdout); any
            # other fault is an error in the file (stderr, and exit 2)
            typer.echo(f"{key} : ne se charge pas ({path})" + (f" — il faut : {needs(ids, catalog)}" if missing else "")
                       + f"\n    {exc}", err=not missing)
            continue
        ids = [m for duel in loaded.duels for m in duel.model_ids]
        count = f"{len(loaded.duels)} duel{'s' if len(loaded.duels) > 1 else ''}"
        typer.echo(f"{key} : {loaded.name} — {count} ({path}) — il faut : {needs(ids, catalog)}")
    return broken


def register(app: typer.Typer) -> None:
    @app.command("programme")
    def programme(
        auto: Annotated[
            bool, typer.Option("--auto", help="Propose trois duels à partir des modèles installés (TOML).")
        ] = False,
        output: Annotated[
            Path | None, typer.Option("--output", "-o", help="Avec --auto : fichier TOML à écrire (sinon, à l'écran).")
        ] = None,
    ) -> None:
        """Liste les programmes ; avec --auto, en propose un à partir des modèles installés (dans
        l'esprit de compar:IA : le plus grand contre le plus petit, une famille à deux tailles,
        un modèle de raisonnement contre un modèle direct)."""
        from duels_tui.catalog import load_catalog
        from duels_tui.config.programme import load_programme

        with config_errors_exit():
            catalog = load_catalog()
            if not auto:
                if output is not None:
                    raise fail("-o va avec --auto")
                if list_programmes(catalog):
                    raise typer.Exit(2)
                return
            import asyncio

            from duels_tui.arena.auto_programme import ProposalError
            from duels_tui.catalog_discovery import merge_discovered, probe

            ollama_models = asyncio.run(probe())
            merge_discovered(catalog, ollama_models)
            try:
                _, text = auto_programme(catalog, ollama_models)
            except ProposalError as exc:
                raise fail(str(exc)) from None
            if output is None:
                sys.stdout.write(text)
                return
            from duels_tui.output_file import OutputFileError, write_output

            try:
                write_output(output, text)
            except OutputFileError as exc:
                raise fail(str(exc)) from None
            load_programme(str(output), catalog)  # what we wrote must load; a ConfigError says where not
            typer.echo(f"Programme écrit dans {output} ; jouez-le avec « duels -p {output} ».", err=True)
