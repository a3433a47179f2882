"""Pooling workshops: `duels import` (other laptops' exports into this database), `duels sessions`
(every session, local and imported), `duels ranking` (Bradley-Terry over every voted duel)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from duels_tui.cli.common import EXIT_BAD_INPUT, fail, print_json


def _day(iso: str | None) -> str:
    """ "2026-11-23T10:12:35+00:00" -> "23/11/2026"."""
    if not iso or len(iso) < 10 or iso[4] != "-" or iso[7] != "-":
        return iso or ""
    return f"{iso[8:10]}/{iso[5:7]}/{iso[:4]}"


def _plural(n: int, one: str, many: str) -> str:
    from duels_tui.impact.numbers import number

    return f"{number(n)} {one if n < 2 else many}"  # French: « 0 séance », « 1 séance », « 2 séances »


def register(app: typer.Typer) -> None:
    @app.command("import")
    def import_command(
        files: Annotated[
            list[Path],
            typer.Argument(help="Fichiers écrits par « duels export » (JSON Lines ou CSV).", show_default=False),
        ],
    ) -> None:
        """Ajoute à cette machine les séances exportées par d'autres (« duels export ») : une
        séance déjà connue n'est pas ajoutée deux fois ; un fichier incorrect n'est pas importé
        du tout (l'erreur nomme sa ligne et son champ)."""
        from duels_tui.store import Store, StoreError
        from duels_tui.store.importer import ImportFileError, import_file

        refused = False
        try:
            with Store.open() as store:
                for path in files:
                    try:
                        report = import_file(store, path)
                    except ImportFileError as exc:
                        refused = True
                        typer.echo(f"duels : {exc} ; rien n'a été importé de ce fichier.", err=True)
                        continue
                    parts = [_plural(len(report.added), "séance ajoutée", "séances ajoutées")
                             if report.added else "aucune séance ajoutée"]
                    if report.updated:
                        parts.append(_plural(len(report.updated), "séance complétée", "séances complétées"))
                    if report.known:
                        parts.append(_plural(len(report.known), "déjà connue", "déjà connues"))
                    if report.own:
                        parts.append(_plural(len(report.own), "séance de cette machine laissée telle quelle",
                                             "séances de cette machine laissées telles quelles"))
                    duels = f" ({_plural(report.duels, 'duel', 'duels')})" if report.duels else ""
                    typer.echo(f"{path.name} : {', '.join(parts)}{duels}.")
        except StoreError as exc:
            raise fail(str(exc)) from None
        if refused:
            raise typer.Exit(EXIT_BAD_INPUT)

    @app.command("sessions")
    def sessions_command(
        as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON (stable, documentée).")] = False,
    ) -> None:
        """Les séances de cette machine et les séances importées : numéro (celui de
        « duels --session N »), date, lieu, programme, duels votés, mains levées, origine."""
        from duels_tui.store import Store, StoreError
        from duels_tui.store.overview import session_lines

        try:
            with Store.open() as store:
                lines = session_lines(store)
        except StoreError as exc:
            raise fail(str(exc)) from None
        if as_json:
            print_json([line.to_json() for line in lines])
            return
        if not lines:
            typer.echo("Aucune séance enregistrée : « duels » en commence une, « duels import » en ajoute.")
            return
        from duels_tui.impact.numbers import number

        header = ("n°", "date", "lieu", "programme", "duels votés", "mains", "origine")
        table = [
            (
                str(line.id),
                _day(line.created_at),
                line.place or "—",
                line.programme_name,
                f"{line.voted}/{line.duels}",
                number(line.hands),
                f"importée de {line.origin} le {_day(line.imported_at)}" if line.origin else "cette machine",
            )
            for line in lines
        ]
        widths = [max(len(row[k]) for row in (header, *table)) for k in range(len(header))]
        for row in (header, *table):
            typer.echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
