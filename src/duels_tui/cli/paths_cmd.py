"""`duels paths`: where duels keeps its configuration, data, log and reports, and which of its
environment variables are set (names only: a value may be a key)."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from duels_tui.cli.common import print_json

# The environment variables duels reads (documented in README.md), in the order a reader needs them.
ENVIRONMENT = (
    "DUELS_CONFIG_DIR",
    "DUELS_DATA_DIR",
    "DUELS_LOG_DIR",
    "DUELS_ENGINE",
    "OLLAMA_HOST",
)


def locations() -> dict[str, str]:
    from duels_tui import paths
    from duels_tui.config.locate import search_dirs
    from duels_tui.install import method
    from duels_tui.log import log_file
    from duels_tui.outputs.report import reports_dir
    from duels_tui.store.db import default_path

    return {
        "config": str(paths.user_config_dir()),
        "config_shipped": str(paths.shipped_config_dir()),
        "config_search": os.pathsep.join(str(d) for d in search_dirs()),
        "data": str(paths.user_data_dir()),
        "database": str(default_path()),
        "log": str(log_file()),
        "reports": str(reports_dir()),
        "models": str(paths.user_data_dir() / "models"),
        "install": method(),
    }


LABELS = {
    "config": "Configuration (la vôtre)",
    "config_shipped": "Configuration livrée",
    "config_search": "Ordre de lecture",
    "data": "Données",
    "database": "Base des séances",
    "log": "Journal",
    "reports": "Rapports",
    "models": "Modèles assemblés",
    "install": "Installé par",
}


def register(app: typer.Typer) -> None:
    @app.command("paths")
    def paths_command(
        as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON stable.")] = False,
    ) -> None:
        """Où sont la configuration, les données, le journal et les rapports ; les variables
        d'environnement de duels définies (noms seulement)."""
        found = locations()
        set_names = [name for name in ENVIRONMENT if os.environ.get(name)]
        if as_json:
            print_json({**found, "environment": set_names})
            return
        width = max(len(label) for label in LABELS.values())
        for key, label in LABELS.items():
            typer.echo(f"{label:<{width}} : {found[key]}")
        typer.echo(f"{'Variables définies':<{width}} : {', '.join(set_names) or 'aucune'}")
