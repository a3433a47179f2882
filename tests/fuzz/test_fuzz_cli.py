"""Every command against every broken configuration file: a command that reads the broken file
ends with exit code 2 and a French message naming it, never a traceback; one that does not read
it works as usual. test_fuzz_config.py fuzzes the loaders themselves; this one checks that no
command reads a file outside `config_errors_exit` (in process, through typer's runner), and that
the workshop itself refuses to open on any broken file rather than crash at the first reveal
(real processes)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from duels_tui import paths
from duels_tui.cli import app
from duels_tui.impact import _cache

SHIPPED = paths.shipped_config_dir()

# One plausible mistake per file, each read by a different loader.
BREAKAGES = {
    "catalog.toml": ("params_total = 70", "params_total = -70"),
    "hardware.toml": ('local_profile = "laptop-cpu"', 'local_profile = "grille-pain"'),
    "zones.toml": ("[zones.", "[zones.FR]\nco2 = 'beaucoup'\n[zones."),
    "equivalents.toml": ("[[equivalents]]", "[[equivalents]]\nper = -3"),
    "programmes/classique.toml": ('"gemma-3-4b"', '"gemma-9"'),
}
COMMANDS = {
    "models": ["models"],
    "models --json": ["models", "--json"],
    "check": ["check", "--json"],
    "impact": ["impact", "--params", "7", "--tokens", "100"],
    "programme": ["programme"],
    "export": ["export", "-o", "{out}/votes.jsonl"],
    "report": ["report", "-o", "{out}/seance.md"],
}


def _broken_config(tmp_path: Path, relative: str) -> Path:
    directory = tmp_path / "cfg"
    target = directory / relative
    target.parent.mkdir(parents=True)
    original = (SHIPPED / relative).read_text(encoding="utf-8")
    old, new = BREAKAGES[relative]
    assert old in original, f"{relative} changed: update the breakage"
    target.write_text(original.replace(old, new, 1), encoding="utf-8")
    return directory


@pytest.fixture(autouse=True)
def fresh_parse():
    _cache.clear()
    yield
    _cache.clear()


@pytest.fixture
def one_session():
    """A played and voted duel in the user's database, for `export` and `report` to read."""
    import random

    from duels_tui.arena.testing import demo_catalog, demo_programme, stream_turn
    from duels_tui.arena.votes import VoteCounts
    from duels_tui.arena.workshop import Workshop
    from duels_tui.store import Store

    with Store.open() as store:
        workshop = Workshop.start(demo_programme(1), demo_catalog(), store, rng=random.Random(2))
        stream_turn(workshop, 0)
        workshop.record_vote(0, VoteCounts(a=3, b=1))


@pytest.mark.parametrize("relative", list(BREAKAGES))
@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_broken_file_is_named_or_ignored(relative, command, tmp_path, monkeypatch, one_session):
    monkeypatch.setenv("OLLAMA_HOST", "http://127.0.0.1:9")  # `check` probes at once, and finds nothing
    directory = _broken_config(tmp_path, relative)
    args = [a.replace("{out}", str(tmp_path)) for a in COMMANDS[command]]
    result = CliRunner().invoke(app, ["--config", str(directory), *args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"duels {command} crashed on a broken {relative}") from result.exception
    assert result.exit_code in (0, 2), result.output
    if result.exit_code == 2:
        assert Path(relative).name in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("relative", list(BREAKAGES))
def test_the_workshop_does_not_open_on_a_broken_file(relative, tmp_path):
    """`duels` checks every file before the TUI: a broken equivalents.toml used to open the
    workshop and crash it at the first reveal."""
    directory = _broken_config(tmp_path, relative)
    env = {**os.environ, "OLLAMA_HOST": "http://127.0.0.1:9", "TERM": "dumb"}
    result = subprocess.run(
        [sys.executable, "-m", "duels_tui", "--config", str(directory), "--new", "-p", "classique"],
        capture_output=True,
        text=True,
        timeout=30,  # the TUI would wait for keys until then
        stdin=subprocess.DEVNULL,
        env=env,
    )
    assert result.returncode == 2, (result.stdout[-500:], result.stderr[-2000:])
    assert "Traceback" not in result.stderr
    assert Path(relative).name in result.stderr
