"""`duels prepare [PROGRAMME] [--record PACK] [--yes] [--json]`: the night before the workshop."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from duels_tui.cli.common import config_errors_exit, fail, print_json, writable_or_exit

EXIT_NOT_READY = 1


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class PullProgress:
    """A progress bar per model on a terminal; elsewhere (a script, a log) a line every tenth."""

    def __init__(self) -> None:
        self.bars: dict[str, tuple[object, object]] = {}
        self.tenths: dict[str, int] = {}

    def __call__(self, name: str, done: int, total: int) -> None:
        if total <= 0:
            return
        if sys.stderr.isatty():
            self._bar(name, done, total)
            return
        tenth = min(10, done * 10 // total)
        if tenth > self.tenths.get(name, -1):
            self.tenths[name] = tenth
            _say(f"  {name} : téléchargement {tenth * 10} % ({_gb(done)} / {_gb(total)} Go)")

    def _bar(self, name: str, done: int, total: int) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

        if name not in self.bars:
            # Sizes written as a French reader writes them ("2,7 / 9,1 Go"), not rich's "2.7/9.1 GB".
            sizes = TextColumn("{task.fields[sizes]}")
            progress = Progress(TextColumn(f"  {name}"), BarColumn(), sizes, TimeRemainingColumn(),
                                console=Console(stderr=True))
            progress.start()
            self.bars[name] = (progress, progress.add_task(name, total=total, sizes=""))
        progress, task = self.bars[name]
        sizes = f"{_gb(done)} / {_gb(total)} Go"
        progress.update(task, completed=done, total=total, sizes=sizes)  # type: ignore[attr-defined]
        if done >= total:
            progress.stop()  # type: ignore[attr-defined]

    def close(self) -> None:
        for progress, _ in self.bars.values():
            progress.stop()  # type: ignore[attr-defined]


def _gb(size: int) -> str:
    from duels_tui.numbers import number

    return number(size / 1e9)


def register(app: typer.Typer) -> None:
    @app.command("prepare")
    def prepare(
        programme: Annotated[
            str | None,
            typer.Argument(help="Programme à préparer (nom ou fichier TOML ; par défaut celui de « duels »)."),
        ] = None,
        record: Annotated[
            Path | None,
            typer.Option(
                "--record", help="Enregistre aussi les réponses du programme dans ce pack, pour demain sans réseau."
            ),
        ] = None,
        yes: Annotated[
            bool, typer.Option("--yes", "-y", help="Télécharge sans demander les modèles qui manquent à ollama.")
        ] = False,
        as_json: Annotated[
            bool, typer.Option("--json", help="Sortie JSON stable (la liste sur la sortie standard).")
        ] = False,
    ) -> None:
        """La veille de l'atelier : chaque modèle du programme joint, téléchargé s'il manque à ollama
        (proposé, ou --yes), chargé en mémoire et chronométré sur cet ordinateur ; chaque clé
        essayée par une toute petite demande ; les réponses enregistrées dans un pack si demandé.
        Finit par une liste de contrôle ; code de sortie 1 quand l'atelier ne pourrait pas se jouer."""
        import asyncio

        from duels_tui.catalog import load_catalog
        from duels_tui.cli.workshop import default_programme, load_programme_discovering, local_engine
        from duels_tui.config.engine_settings import engine_settings
        from duels_tui.prepare import checklist
        from duels_tui.prepare import prepare as run_prepare

        if record is not None:
            writable_or_exit(record)
        with config_errors_exit():
            settings = engine_settings()
            catalog = load_catalog()
            chosen = load_programme_discovering(programme or default_programme(catalog), catalog)
        model_ids = {m for d in chosen.duels for m in d.model_ids}
        interactive = not as_json and sys.stdin.isatty()

        def ask_pull(name: str) -> bool:
            if yes:
                return True
            if not interactive:
                return False
            answer = typer.prompt(f"Le modèle {name} manque à ollama : le télécharger maintenant ? [o/N]",
                                  default="n", show_default=False, err=True)
            return answer.strip().lower() in ("o", "oui", "y", "yes")

        bars = PullProgress()
        with local_engine(catalog, model_ids) as engine:
            started: dict[str, float] = {}
            if engine is not None:
                from duels_tui.cli.workshop import start_local_models

                start_local_models(catalog, model_ids, engine)
                started = {key: s.started_s for key, s in engine.servers.items() if s.started_s is not None}

            async def run():
                from duels_tui.engine.routing import close_clients

                try:
                    return await run_prepare(chosen, catalog, settings, ask_pull=ask_pull, on_pull_progress=bars,
                                             say=_say, started_s=started, record_to=record)
                finally:
                    await close_clients()

            from duels_tui.output_file import OutputFileError

            try:
                preparation = asyncio.run(run())
            except OutputFileError as exc:  # the pack could not be written (a full disk)
                raise fail(f"{exc} ; libérez de la place et recommencez") from None
            finally:
                bars.close()
        if as_json:
            print_json(preparation.to_json())
        else:
            print("\n".join(checklist(preparation)), flush=True)
        if not preparation.ready:
            raise typer.Exit(EXIT_NOT_READY)
