"""`duels models`: the catalog, with what each model's impact rests on."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from duels_tui.cli.common import config_errors_exit, print_json


def _params(r) -> str:
    return f"{r.min:g}" if r.is_exact else f"{r.min:g}-{r.max:g}"


def card_json(catalog, card) -> dict[str, Any]:
    return {
        "id": card.id,
        "name": card.name,
        "organisation": card.organisation,
        "route": card.route,
        "api_base": card.api_base,
        "params_total_b": card.params_total.to_json(),
        "params_active_b": card.params_active.to_json(),
        "estimate": card.estimate,
        "size_class": catalog.size_class(card),
        "architecture": card.architecture,
        "quantization": card.quantization,
        "licence": card.licence,
        "openness": card.openness,
        "release": card.release,
        "reasoning": card.reasoning,
        "family": card.family,
        "local": card.is_local,
        "description": card.description,
        "description_en": card.description_en,
        "source": card.source,
        "impact_profile": _profile(card),
    }


def _profile(card) -> str:
    """The hardware profile the model's impact is computed on (hardware.toml decides)."""
    from duels_tui.impact.hardware import load_hardware

    return card.impact_profile(load_hardware()).name


WIDE = 120  # below, the table's nine columns cut every cell: one block per model instead


def _print_narrow(console, catalog, cards) -> None:
    """Three short lines a model, nothing cut: the id and name; size, class and architecture;
    licence and the hardware profile its impact is computed on."""
    from rich.text import Text

    console.print(Text(f"Catalogue ({len(cards)} modèles ; classes : {catalog.scale.name})", style="bold"))
    for c in cards:
        licence = c.licence if c.licence == c.openness else f"{c.licence} ({c.openness})"
        active = "" if c.params_active == c.params_total else f", {_params(c.params_active)} actifs"
        size = _params(c.params_total) + " Md de paramètres" + (" (estimation)" if c.estimate else "") + active
        console.print(Text.assemble((c.id, "bold"), f"  {c.name} — {c.organisation}"))
        console.print(Text(f"    {size} · classe {catalog.size_class(c)} · {c.architecture}"))
        console.print(Text(f"    {licence} · profil d'impact {_profile(c)}"))


def register(app: typer.Typer) -> None:
    @app.command("models")
    def models(
        as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON stable.")] = False,
    ) -> None:
        """Le catalogue des modèles et ce sur quoi repose le calcul de leur impact."""
        from duels_tui.catalog import load_catalog
        from duels_tui.cli.common import discover_ollama
        from duels_tui.impact.hardware import load_hardware

        with config_errors_exit():
            catalog = load_catalog()
            load_hardware()  # each card's impact profile comes from it: a broken file is said here
        discover_ollama(catalog)  # models pulled into ollama are in the catalog (source "ollama")
        cards = sorted(catalog.models.values(), key=lambda c: (c.params_total.mid, c.id))
        if as_json:
            print_json(
                {
                    "size_scale": {
                        "name": catalog.scale.name,
                        "bounds_b": list(catalog.scale.bounds),
                        "labels": list(catalog.scale.labels),
                    },
                    "models": [card_json(catalog, c) for c in cards],
                }
            )
            return
        from rich.console import Console
        from rich.table import Table

        console = Console()
        if console.width < WIDE:
            _print_narrow(console, catalog, cards)
            return
        table = Table(title=f"Catalogue ({len(cards)} modèles ; classes : {catalog.scale.name})")
        for column in (
            "id",
            "modèle",
            "organisation",
            "paramètres (Md)",
            "actifs",
            "classe",
            "architecture",
            "licence",
            "profil d'impact",
        ):
            table.add_column(column)
        for c in cards:
            table.add_row(
                c.id,
                c.name,
                c.organisation,
                _params(c.params_total) + (" (estimation)" if c.estimate else ""),
                _params(c.params_active),
                catalog.size_class(c),
                c.architecture,
                c.licence if c.licence == c.openness else f"{c.licence} ({c.openness})",
                _profile(c),
            )
        console.print(table)
