"""`duels check`: which servers answer, which models can run now, which keys are set, and
whether the programme `duels` opens by default can run (exit code 1 when it cannot)."""

from __future__ import annotations

from typing import Annotated

import typer

from duels_tui.cli.common import config_errors_exit, print_json

EXIT_CANNOT_RUN = 1  # the default programme cannot run here (2: bad input, as everywhere)


def register(app: typer.Typer) -> None:
    @app.command("check")
    def check(
        as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON stable.")] = False,
    ) -> None:
        """Ce qui est joignable : ollama et ses modèles, les autres serveurs, les clés présentes
        (jamais affichées), les modèles du catalogue utilisables maintenant, et si le programme
        par défaut peut jouer (sinon le code de sortie est 1)."""
        from duels_tui.availability import blocked_models, way_out
        from duels_tui.availability import check as run_check
        from duels_tui.catalog import load_catalog
        from duels_tui.cli.common import discover_ollama
        from duels_tui.cli.defaults import choose, programme_duels

        with config_errors_exit():
            catalog = load_catalog()
            choice = choose(catalog, write=False)
            duels = programme_duels(choice, catalog)
        discover_ollama(catalog)  # models pulled into ollama can duel: listed with the catalog's
        import asyncio

        result = asyncio.run(run_check(catalog))
        blocked = blocked_models(result, (m for d in duels for m in d))
        default = {
            "programme": choice.argument,
            "origin": choice.origin,
            "runnable": not blocked,
            "blocked_models": blocked,
            "way_out": way_out(catalog, result, duels),
        }
        if as_json:
            print_json({**result.to_json(), "default_programme": default})
            if blocked:
                raise typer.Exit(EXIT_CANNOT_RUN)
            return
        from rich.console import Console

        out = Console(highlight=False)
        out.print("[b]Serveurs[/b]")
        for e in result.endpoints:
            state = "[green]joignable[/]" if e.reachable else f"[red]injoignable[/] ({e.error})"
            out.print(f"  {e.kind:7} {e.url}  {state}", markup=True)
            for m in e.models:
                details = ", ".join(x for x in (m.parameter_size, m.quantization) if x)
                out.print(f"      - {m.name}" + (f" ({details})" if details else ""), markup=False)
        out.print("[b]Clés d'API[/b] (noms seulement)")
        for name, present in result.keys.items():
            out.print(f"  {name}: " + ("présente" if present else "absente"), markup=False)
        out.print("[b]Modèles du catalogue[/b]")
        for status in result.models.values():
            mark = "[green]✓[/]" if status.runnable else "[red]✗[/]"
            out.print(f"  {mark} ", end="")
            line = f"{status.model_id} : {status.reason}"
            out.print(line + (f" → {status.hint}" if status.hint else ""), markup=False)
        out.print("[b]Programme par défaut[/b]")
        if choice.note:
            out.print(f"  {choice.note}", markup=False)
        if not blocked:
            out.print(f"  [green]✓[/] {choice.argument} : peut jouer maintenant")
            return
        out.print(f"  [red]✗[/] {choice.argument} : ne peut pas jouer maintenant ({', '.join(blocked)})")
        out.print(f"  {default['way_out']}", markup=False)
        raise typer.Exit(EXIT_CANNOT_RUN)
