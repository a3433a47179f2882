"""`duels report`: a session's one-page summary (duels, votes, winners, impacts, methodology), in
Markdown or HTML, in French or English (`--lang en`), to share after the workshop."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from duels_tui.cli.common import catalog_if_readable, config_errors_exit, fail


def register(app: typer.Typer) -> None:
    @app.command("report")
    def report_command(
        session: Annotated[
            int | None, typer.Argument(help="Numéro de la séance (par défaut : la plus récente).", show_default=False)
        ] = None,
        output: Annotated[
            Path | None,
            typer.Option("--output", "-o", help="Fichier à écrire, .md ou .html (par défaut : Markdown sur la "
                         "sortie standard)."),
        ] = None,
        fmt: Annotated[
            str | None, typer.Option("--format", "-f", help="md ou html (par défaut : l'extension de -o, sinon md).")
        ] = None,
        lang: Annotated[str, typer.Option("--lang", help="Langue du rapport : fr ou en.")] = "fr",
        ranking: Annotated[
            bool,
            typer.Option("--ranking", help="Le classement de toutes les séances (tableau et carte de frugalité) "
                         "au lieu du rapport d'une séance."),
        ] = False,
    ) -> None:
        """Le rapport d'une séance : duels, votes, gagnants, impacts et équivalents, méthodologie ;
        avec --ranking, le classement de toutes les séances et sa carte de frugalité."""
        from duels_tui.lang import LANGS
        from duels_tui.outputs.report import FORMATS, ReportError, build_report, format_for, load_session, render, write
        from duels_tui.store import Store, StoreError

        try:
            chosen = fmt.lower() if fmt else (format_for(output) if output is not None else "md")
        except ReportError as exc:
            raise fail(str(exc)) from None
        if chosen not in FORMATS:
            raise fail(f"--format {fmt} : formats possibles : {', '.join(FORMATS)}")
        if lang not in LANGS:
            raise fail(f"--lang {lang} : langue inconnue ({' ou '.join(LANGS)})")
        if ranking and session is not None:
            raise fail("--ranking classe toutes les séances : ne donnez pas de numéro de séance")
        catalog = catalog_if_readable()
        with config_errors_exit():
            try:
                with Store.open() as store:
                    if ranking:
                        from duels_tui.arena.pooled import pool_ranking
                        from duels_tui.outputs.ranking_report import render as render_ranking

                        text = render_ranking(pool_ranking(store, catalog), chosen, lang)
                    else:
                        text = render(build_report(load_session(store, session, catalog), lang), chosen)
            except (StoreError, ReportError) as exc:
                raise fail(str(exc)) from None
        if output is None:
            typer.echo(text, nl=False)
            return
        try:
            write(text, output)
        except ReportError as exc:
            raise fail(str(exc)) from None
        typer.echo(f"Rapport écrit dans {output}", err=True)
