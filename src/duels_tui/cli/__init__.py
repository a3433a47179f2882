"""The `duels` command. Thin: parses, calls the domain, prints. Heavy imports stay inside commands
so that `duels --help` stays fast and never loads litellm or Textual."""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator, MutableMapping
from pathlib import Path
from typing import Annotated

import typer
from typer.core import TyperGroup

from duels_tui import __version__
from duels_tui.cli import french, plain_values
from duels_tui.cli.common import config_errors_exit, fail, store_errors_exit

french.install()  # click's help and errors in French, before any command is built
plain_values.install()  # options read without importing pydantic (a fifth of the start)


def _subcommands() -> dict:
    """duels' commands (models, check…), in the order --help lists them."""
    from duels_tui.cli import check, export, impact, models, paths_cmd, pooled, prepare, programme, record, report

    commands = typer.Typer()
    for module in (models, check, paths_cmd, impact, export, record, programme, report, pooled, prepare):
        module.register(commands)
    built = (
        typer.main.get_command_from_info(
            info, pretty_exceptions_short=app.pretty_exceptions_short, rich_markup_mode=app.rich_markup_mode
        )
        for info in commands.registered_commands
    )
    return {command.name: command for command in built}


class _CommandsOnDemand(MutableMapping):
    """The group's commands, imported and built by typer the first time one is asked for (a
    command run, --help, a completion, a mistyped name). `duels` alone, the workshop, needs none
    of them: their modules and typer's reading of a dozen signatures were a tenth of the time to
    Home's first frame."""

    def __init__(self) -> None:
        self._commands: dict | None = None

    def _all(self) -> dict:
        if self._commands is None:
            self._commands = _subcommands()
        return self._commands

    def __getitem__(self, name: str):
        return self._all()[name]

    def __setitem__(self, name: str, command) -> None:
        self._all()[name] = command

    def __delitem__(self, name: str) -> None:
        del self._all()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())


class _DuelsGroup(TyperGroup):
    def __init__(self, **attrs) -> None:
        super().__init__(**attrs)
        self.commands = _CommandsOnDemand()


app = typer.Typer(
    cls=_DuelsGroup,
    name="duels",
    help="Les duels de l'IA : deux IA anonymes, un vote à main levée, puis leur impact révélé.",
    add_completion=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    no_args_is_help=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"duels {__version__}")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def root(
    ctx: typer.Context,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Affiche la version et quitte.")
    ] = False,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            help="Dossier de configuration qui remplace celle par défaut (catalog.toml, programmes/, prompts/…).",
        ),
    ] = None,
    programme: Annotated[
        str | None, typer.Option("--programme", "-p", help="Programme à jouer (nom ou fichier TOML).")
    ] = None,
    new: Annotated[
        bool, typer.Option("--new", help="Commence une nouvelle session au lieu de reprendre la dernière.")
    ] = False,
    lang: Annotated[str, typer.Option("--lang", help="Langue de l'interface : fr ou en.")] = "fr",
    place: Annotated[
        str, typer.Option("--lieu", help="Où a lieu l'atelier (affiché et exporté), pour une nouvelle session.")
    ] = "",
    pack: Annotated[
        Path | None,
        typer.Option("--pack", help="Rejoue les réponses enregistrées de ce pack (« duels record »), sans réseau."),
    ] = None,
    speed: Annotated[
        float, typer.Option("--speed", help="Avec --pack : vitesse de la relecture (2 = deux fois plus vite).")
    ] = 1.0,
    session: Annotated[
        int | None,
        typer.Option("--session", help="Rouvre cette session (son numéro, comme « duels sessions » les liste).",
                     min=1),
    ] = None,
    blind: Annotated[
        bool,
        typer.Option("--aveugle", help="Aucun nom de modèle ni indice de la paire avant la révélation de chaque duel."),
    ] = False,
    read_only: Annotated[
        bool,
        typer.Option("--lecture", help="Montre la session (ouverte ailleurs peut-être) sans rien y changer."),
    ] = False,
) -> None:
    """Sans commande : ouvre l'atelier sur le programme par défaut (reprend la session inachevée)."""
    if lang not in ("fr", "en"):
        raise fail(f"--lang {lang} : langue inconnue (fr ou en)")
    if config is not None:
        if not config.is_dir():
            typer.echo(f"duels : --config {config} : ce dossier n'existe pas.", err=True)
            raise typer.Exit(2)
        from duels_tui.config.locate import set_config_override

        set_config_override(config)
    if ctx.invoked_subcommand is not None:
        gc.enable()  # paused by main() for the workshop's start only
        return
    if not speed > 0 or speed > 1000:
        raise fail(f"--speed {speed} : un nombre positif est attendu (1 = le rythme enregistré)")
    if pack is not None and programme is not None:
        raise fail("--pack et --programme s'excluent : un pack porte ses propres duels")
    if session is not None and (new or programme is not None or pack is not None):
        raise fail("--session rouvre une session existante : sans --new, --programme ni --pack")
    if read_only and (new or pack is not None):
        raise fail("--lecture montre une session existante : sans --new ni --pack")
    from duels_tui.cli.workshop import launch

    with config_errors_exit(), store_errors_exit():
        launch(programme=programme, new=new, lang=lang, place=place, pack=pack, speed=speed, session=session,
               blind=blind, read_only=read_only)


def main() -> None:
    from duels_tui.log import logger, setup

    # The workshop's start (typer, Textual's import, the catalog, the first screen) creates some
    # 150,000 objects and frees almost none: the collector's full passes over them cost a tenth
    # of the time to the first frame, for nothing. It starts again when the imports are frozen
    # (cli/workshop.py's freeze_imports, just before the app runs), or at once for a command.
    gc.disable()
    setup()
    command = typer.main.get_command(app)
    french.translate_completion_options(command)
    try:
        command(prog_name=Path(sys.argv[0]).name if sys.argv[0].endswith(("duels", "duels-tui")) else "duels")
    except Exception:
        logger("cli").exception("unexpected error: %s", " ".join(sys.argv))
        raise
