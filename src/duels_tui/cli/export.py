"""`duels export`: the workshop's votes and conversations as JSON Lines or CSV (docs/export.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from duels_tui.cli.common import catalog_if_readable, fail


def register(app: typer.Typer) -> None:
    @app.command("export")
    def export_command(
        fmt: Annotated[str, typer.Option("--format", "-f", help="Format : jsonl (défaut) ou csv.")] = "jsonl",
        output: Annotated[
            Path | None,
            typer.Option("--output", "-o", help="Fichier à écrire (par défaut : la sortie standard)."),
        ] = None,
        session: Annotated[int | None, typer.Option("--session", help="Une seule session (son numéro).")] = None,
        ballots: Annotated[
            bool,
            typer.Option(
                "--ballots",
                help="Une ligne par main levée (pour les outils faits pour compar:IA) au lieu d'une ligne par duel.",
            ),
        ] = False,
        dataset: Annotated[
            str | None,
            typer.Option("--dataset", help="Les colonnes d'un jeu de données de compar:IA : votes, conversations "
                         "ou reactions (docs/export.md)."),
        ] = None,
    ) -> None:
        """Votes et conversations, colonnes des jeux de données de compar:IA, plus les comptes
        du vote à main levée. Aucune clé, aucun chemin de la machine."""
        from duels_tui.outputs.datasets import COLUMNS as DATASET_COLUMNS
        from duels_tui.outputs.datasets import dataset_rows
        from duels_tui.outputs.export import FORMATS, ExportError, export, write_export
        from duels_tui.store import Store, StoreError

        fmt = fmt.lower()
        if fmt not in FORMATS:
            raise fail(f"--format {fmt} : formats possibles : {', '.join(FORMATS)}")
        if dataset is not None and ballots:
            raise fail("--ballots et --dataset s'excluent : le jeu « votes » a déjà une ligne par main")
        catalog = catalog_if_readable()
        try:
            with Store.open() as store:
                if dataset is None:
                    count = export(store, fmt, output, session_id=session, ballots=ballots, catalog=catalog)
                else:
                    rows = dataset_rows(store, dataset, session_id=session, catalog=catalog)
                    count = write_export(rows, fmt, output, DATASET_COLUMNS.get(dataset, []))
        except (StoreError, ExportError) as exc:
            raise fail(str(exc)) from None
        if output is not None:
            kind = "ligne" if count == 1 else "lignes"
            typer.echo(f"{count} {kind} écrite{'s' if count != 1 else ''} dans {output}", err=True)
