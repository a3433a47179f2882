"""The command's own words in French (typer's help and errors), -h, completion offered, the
duels-tui alias, and `duels models` readable at 80 columns."""

from __future__ import annotations

import os
import subprocess
import sys


def run_duels(*args: str, columns: int = 100) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "duels_tui", *args],
        capture_output=True, text=True, timeout=60, env={**os.environ, "COLUMNS": str(columns)},
    )


def test_help_in_french_with_h_and_completion():
    short, long = run_duels("-h"), run_duels("--help")
    assert short.returncode == long.returncode == 0 and short.stdout == long.stdout
    help_text = short.stdout
    assert help_text.startswith("Utilisation : duels")
    assert "-h, --help" in help_text and "Affiche cette aide et quitte." in help_text
    assert "--install-completion" in help_text and "Installe la complétion" in help_text
    assert "Commandes" in help_text and "[par défaut : fr]" in " ".join(help_text.split())
    assert "Show this message" not in help_text and "Usage:" not in help_text
    sub = run_duels("check", "-h")
    assert sub.returncode == 0 and "Utilisation : duels check" in sub.stdout


def test_errors_in_french():
    missing = run_duels("impact")
    assert missing.returncode == 2
    assert "Erreur : Option manquante : '--params'." in missing.stderr
    assert "Aide : « duels impact -h »" in missing.stderr
    unknown = run_duels("nosuch")
    assert unknown.returncode == 2 and "Erreur : Commande inconnue : 'nosuch'." in unknown.stderr
    extra = run_duels("report", "1", "2", "3")
    assert extra.returncode == 2 and "Argument(s) en trop : 2 3" in extra.stderr
    no_value = run_duels("--lang")
    assert "Erreur : L'option '--lang' attend une valeur." in no_value.stderr
    for result in (missing, unknown, extra, no_value):
        assert "Error:" not in result.stderr and "Try '" not in result.stderr


def test_the_package_name_is_a_command_too():
    import tomllib
    from pathlib import Path

    project = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["scripts"]["duels-tui"] == project["scripts"]["duels"] == "duels_tui.cli:main"


def test_models_fits_80_columns():
    result = run_duels("models", columns=80)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "…" not in result.stdout
    import json

    ids = [m["id"] for m in json.loads(run_duels("models", "--json").stdout)["models"]]
    starts = {line.split()[0] for line in lines if line and not line.startswith(" ")}
    assert set(ids) <= starts  # every id whole, at the start of its block
    assert "Apache 2.0 (open source) · profil d'impact laptop-cpu" in result.stdout
    wide = run_duels("models", columns=160)
    assert "┃ id" in wide.stdout  # the table where it fits
