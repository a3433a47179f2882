"""Run one command module's commands as `duels` would, on a data folder of the test's own."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import typer
from typer.testing import CliRunner, Result


def run_command(register: Callable[[typer.Typer], None], args: list[str], data_dir: Path) -> Result:
    """`register` the module's commands on a bare app (the real CLI registers the same ones)
    and run `args` with DUELS_DATA_DIR set to `data_dir`."""
    app = typer.Typer()

    @app.callback()
    def root() -> None:
        """A bare app: a callback keeps the command's name in the arguments."""

    register(app)
    return CliRunner().invoke(app, args, env={"DUELS_DATA_DIR": str(data_dir)})
