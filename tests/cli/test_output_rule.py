"""One rule for every file a command writes with `-o` (src/duels_tui/output_file.py): missing
folders are created, a folder given as the file is refused with the same French message, and
nothing half-written is left behind."""

from __future__ import annotations

import random

import pytest
from typer.testing import CliRunner

from duels_tui.cli import app
from duels_tui.output_file import OutputFileError, check_writable, write_output

COMMANDS = {
    "export": ["export", "--format", "csv", "-o", "{target}"],
    "report": ["report", "-o", "{target}.md"],
}


@pytest.fixture
def one_session():
    from duels_tui.arena.testing import demo_catalog, demo_programme, stream_turn
    from duels_tui.arena.votes import VoteCounts
    from duels_tui.arena.workshop import Workshop
    from duels_tui.store import Store

    with Store.open() as store:
        workshop = Workshop.start(demo_programme(1), demo_catalog(), store, rng=random.Random(2))
        stream_turn(workshop, 0)
        workshop.record_vote(0, VoteCounts(a=3, b=1))


@pytest.mark.parametrize("command", list(COMMANDS))
def test_missing_folders_are_created(command, tmp_path, one_session):
    target = tmp_path / "ateliers" / "mars" / "seance"
    args = [a.replace("{target}", str(target)) for a in COMMANDS[command]]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    written = [p for p in (tmp_path / "ateliers" / "mars").iterdir()]
    assert [p.name for p in written] == [target.name + (".md" if command == "report" else "")]
    assert written[0].stat().st_size > 0


@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_folder_is_not_a_file(command, tmp_path, one_session):
    folder = tmp_path / "dossier.md"
    folder.mkdir()
    args = [a.replace("{target}.md", str(folder)).replace("{target}", str(folder)) for a in COMMANDS[command]]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert f"écriture de {folder} impossible : c'est un dossier" in result.output
    assert "Traceback" not in result.output


def test_whole_or_nothing(tmp_path):
    target = tmp_path / "a" / "b.txt"
    write_output(target, "un\n")
    assert target.read_text(encoding="utf-8") == "un\n"
    write_output(target, "deux\n")
    assert target.read_text(encoding="utf-8") == "deux\n"
    assert sorted(p.name for p in target.parent.iterdir()) == ["b.txt"]  # no temporary left
    blocker = tmp_path / "fichier"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(OutputFileError, match=r"le dossier .*fichier/sous ne peut pas être créé"):
        write_output(blocker / "sous" / "c.txt", "x")
    with pytest.raises(OutputFileError, match="c'est un dossier"):
        check_writable(tmp_path)
    check_writable(tmp_path / "nouveau" / "pack.json")
    assert list((tmp_path / "nouveau").iterdir()) == []  # the probe is gone
