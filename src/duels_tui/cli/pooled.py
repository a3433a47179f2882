"""Pooling workshops: `duels import` (other laptops' exports into this database), `duels sessions`
(every session, local and imported), `duels ranking` (Bradley-Terry over every voted duel)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from duels_tui.arena.ranking import DEFAULT_BOOTSTRAP, DEFAULT_MIN_VOTES, DEFAULT_SEED
from duels_tui.cli.common import EXIT_BAD_INPUT, catalog_if_readable, config_errors_exit, fail, print_json


def _day(iso: str | None) -> str:
    """ "2026-11-23T10:12:35+00:00" -> "23/11/2026"."""
    if not iso or len(iso) < 10 or iso[4] != "-" or iso[7] != "-":
        return iso or ""
    return f"{iso[8:10]}/{iso[5:7]}/{iso[:4]}"


def _plural(n: int, one: str, many: str) -> str:
    from duels_tui.numbers import number

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
        from duels_tui.outputs.importer import ImportFileError, import_file
        from duels_tui.store import Store, StoreError

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
        from duels_tui.numbers import integer

        header = ("n°", "date", "lieu", "programme", "duels votés", "mains", "origine")
        table = [
            (
                str(line.id),
                _day(line.created_at),
                line.place or "—",
                line.programme_name,
                f"{line.voted}/{line.duels}",
                integer(line.hands),
                f"importée de {line.origin} le {_day(line.imported_at)}" if line.origin else "cette machine",
            )
            for line in lines
        ]
        _print_table(header, table)

    @app.command("ranking")
    def ranking_command(
        session: Annotated[
            list[int] | None,
            typer.Option("--session", help="Seulement cette séance (répétable : --session 1 --session 4)."),
        ] = None,
        place: Annotated[
            str | None, typer.Option("--place", help="Seulement les séances dont le lieu contient ce texte.")
        ] = None,
        since: Annotated[
            str | None,
            typer.Option("--since", help="Seulement les séances commencées ce jour-là ou après (AAAA-MM-JJ)."),
        ] = None,
        include_self_named: Annotated[
            bool,
            typer.Option("--include-self-named",
                         help="Garde les duels où une réponse disait quel modèle elle était (écartés par défaut)."),
        ] = False,
        min_votes: Annotated[
            int, typer.Option("--min-votes", help="Mains qu'il faut à un modèle pour être classé.")
        ] = DEFAULT_MIN_VOTES,
        bootstrap: Annotated[
            int, typer.Option("--bootstrap", help="Tirages du bootstrap pour les intervalles (0 : aucun).")
        ] = DEFAULT_BOOTSTRAP,
        seed: Annotated[
            int, typer.Option("--seed", help="Graine du bootstrap (même graine, mêmes intervalles).")
        ] = DEFAULT_SEED,
        as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON (stable, documentée).")] = False,
        lang: Annotated[str, typer.Option("--lang", help="Langue de la sortie : fr ou en.")] = "fr",
    ) -> None:
        """Le classement commun de toutes les séances (de cette machine et importées) : Bradley-Terry
        sur chaque main levée, intervalles à 95 %, rang (UB) et niveaux ; l'énergie à côté, jamais
        mêlée au score."""
        from duels_tui.arena.pooled import PoolError, PoolFilter, pool_ranking
        from duels_tui.lang import LANGS
        from duels_tui.store import Store, StoreError

        if lang not in LANGS:
            raise fail(f"--lang {lang} : langue inconnue ({' ou '.join(LANGS)})")
        if min_votes < 0 or not 0 <= bootstrap <= 100_000:
            raise fail("--min-votes est un nombre positif, --bootstrap entre 0 et 100 000")
        filters = PoolFilter(tuple(session or ()), place, _since(since), include_self_named)
        catalog = catalog_if_readable()
        with config_errors_exit():
            try:
                with Store.open() as store:
                    ranking = pool_ranking(store, catalog, filters, bootstrap=bootstrap, seed=seed, min_votes=min_votes)
            except (StoreError, PoolError) as exc:
                raise fail(str(exc)) from None
        if as_json:
            print_json(ranking.to_json())
            return
        _print_ranking(ranking, lang)


def _since(text: str | None):
    if text is None:
        return None
    from datetime import date

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise fail(f"--since {text} : une date AAAA-MM-JJ est attendue (par exemple 2026-09-01)") from None


def _print_ranking(ranking, lang: str) -> None:
    from duels_tui.ranking_view import say, table

    view = table(ranking, lang)
    typer.echo(f"{say('title', lang)} : {view.summary}" if lang == "fr" else f"{say('title', lang)}: {view.summary}")
    if view.rows:
        typer.echo("")
        _print_table(view.columns, view.rows)
    typer.echo("")
    for note in view.notes:
        typer.echo(note)
    typer.echo(view.method)


def _print_table(columns: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    widths = [max(len(row[k]) for row in (columns, *rows)) for k in range(len(columns))]
    for row in (columns, *rows):
        typer.echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
