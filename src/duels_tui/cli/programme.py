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
        from duels_tui.config.programme import available_programmes, load_programme

        with config_errors_exit():
            catalog = load_catalog()
            if not auto:
                if output is not None:
                    raise fail("-o va avec --auto")
                for key, path in sorted(available_programmes().items()):
                    loaded = load_programme(str(path), catalog)
                    typer.echo(f"{key} : {loaded.name} — {len(loaded.duels)} duels ({path})")
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
