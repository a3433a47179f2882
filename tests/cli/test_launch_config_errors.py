"""The workshop's impact files (hardware, zones, equivalents) are read once Home is drawn, not
before (cli/workshop.py, ui/app.py's check_after_first_frame: Home shows none of their figures).
A broken one still ends `duels` with its message and exit code 2, never a traceback, and never a
crash at the first reveal; the real `duels` in a terminal."""

from __future__ import annotations

import os

import pytest

from duels_tui import paths
from pty_terminal import Terminal

BROKEN = {
    # A label whose placeholder the reveal cannot fill.
    "equivalents.toml": (('label = "{q} d\'ampoule LED"', 'label = "{quantité}"'), "aucune autre accolade"),
    # A profile's PUE below 1: its routes are read before Home (impact/local_routes.py), not it.
    "hardware.toml": (("pue = 1.2\n", "pue = 0.5\n"), "un PUE vaut au moins 1"),
}


@pytest.mark.parametrize("name", list(BROKEN))
def test_a_broken_impact_file_ends_the_workshop_saying_it(name, tmp_path):
    (old, new), expected = BROKEN[name]
    shipped = (paths.shipped_config_dir() / name).read_text(encoding="utf-8")
    assert old in shipped
    config = tmp_path / "config"
    config.mkdir()
    (config / name).write_text(shipped.replace(old, new, 1), encoding="utf-8")
    env = {**os.environ, "DUELS_CONFIG_DIR": str(config), "DUELS_DATA_DIR": str(tmp_path / "data")}
    terminal = Terminal(["--new", "-p", "classique"], cwd=tmp_path, env=env)
    try:
        code = terminal.wait(60)
    finally:
        terminal.kill()
    said = terminal.output()
    assert code == 2, said[-3000:]
    assert "erreur de configuration" in said and name in said and expected in said, said[-3000:]
    assert "Traceback" not in said
