"""`duels report [SESSION] [-o FILE]`, and the final screen's key that writes the report."""

from __future__ import annotations

import pytest
from test_report_figures import played
from typer.testing import CliRunner

from duels_tui.cli import app
from duels_tui.store.db import default_path


def test_report_command_writes_html_markdown_or_stdout(tmp_path):
    workshop = played(default_path())
    runner = CliRunner()
    page = tmp_path / "rapport.html"
    result = runner.invoke(app, ["report", str(workshop.session_id), "-o", str(page)])
    assert result.exit_code == 0, result.output
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    result = runner.invoke(app, ["report"])  # the most recent session, Markdown on stdout
    assert result.exit_code == 0 and result.stdout.startswith("# Les duels de l'IA")
    assert f"Séance n°{workshop.session_id}" in result.stdout
    result = runner.invoke(app, ["report", "-o", str(tmp_path / "r.md"), "--format", "html"])
    assert (tmp_path / "r.md").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


@pytest.mark.parametrize(("args", "message"), [
    (["report", "999"], "séance 999 introuvable"),
    (["report", "-o", "rapport.pdf"], "extension .md ou .html"),
    (["report", "--format", "pdf"], "formats possibles"),
])
def test_report_command_refuses_in_french(args, message):
    played(default_path())
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2 and message in result.output


def test_no_session_yet():
    result = CliRunner().invoke(app, ["report"])
    assert result.exit_code == 2 and "aucune séance" in result.output


@pytest.mark.asyncio
async def test_final_screen_key_writes_both_reports(tmp_path):
    from duels_tui.outputs.report import reports_dir
    from duels_tui.ui.app import DuelsApp

    workshop = played(tmp_path / "duels.sqlite3")
    app_ = DuelsApp(workshop, source_factory=lambda: None)
    async with app_.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app_.open_final()
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
    folder = reports_dir()
    assert sorted(p.name for p in folder.iterdir()) == [f"seance-{workshop.session_id}.html",
                                                      f"seance-{workshop.session_id}.md"]
    summary = workshop.final(workshop.final_weights, workshop.final_vote).summary
    assert summary in (folder / f"seance-{workshop.session_id}.md").read_text(encoding="utf-8")
