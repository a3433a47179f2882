"""`duels report --lang en`: the same report in English, the same figures written the English way
(0.37 Wh, 57%), `<html lang="en">`, and no French left but what the room and the data wrote."""

from __future__ import annotations

import html
import re

from test_report_figures import played
from typer.testing import CliRunner

from duels_tui.arena.reveal import side_figures
from duels_tui.cli import app
from duels_tui.impact.equivalents import load_equivalents
from duels_tui.numbers import range_text
from duels_tui.outputs.report import build_report, to_html, to_markdown
from duels_tui.store.db import default_path
from french_markers import french_left


def french_data(workshop) -> list[str]:
    """What stays French in an English report on purpose: the programme's name and prompts (its
    duels' titles, « Duel #1 », are not French), the place, and the equivalents' sources
    (config/equivalents.toml cites them in French only)."""
    texts = [workshop.place, workshop.programme.name]
    for duel in workshop.duels:
        texts += [duel.prompt, *(t.user_text for t in duel.turns)]
    texts += [d.source for d in load_equivalents().equivalents]
    return [t for t in texts if t]


def test_the_english_report_says_the_same_figures(tmp_path):
    workshop = played(tmp_path / "duels.sqlite3")
    fr, en = build_report(workshop), build_report(workshop, lang="en")
    assert en.title == "AI duels: session report" and en.lang == "en"
    assert en.figures == fr.figures
    for duel_fr, duel_en, duel in zip(fr.duels, en.duels, workshop.duels, strict=True):
        assert duel_en.vote.startswith("Model A ") and duel_en.vote != duel_fr.vote
        for line_fr, line_en in zip(duel_fr.sides, duel_en.sides, strict=True):
            figures, _ = side_figures(workshop, duel, line_en.side)
            assert line_en.energy == range_text(figures.impact.energy_wh, "Wh", lang="en")
            assert (line_en.energy_wh, line_en.output_tokens, line_en.vote_count) == (
                line_fr.energy_wh, line_fr.output_tokens, line_fr.vote_count)
            # The same equivalents, said in English.
            assert len(line_en.equivalent_sources) == len(line_fr.equivalent_sources)
            assert line_en.equivalents != line_fr.equivalents
    for row_fr, row_en in zip(fr.winners, en.winners, strict=True):
        assert (row_en.rank, row_en.name) == (row_fr.rank, row_fr.name)
        assert row_en.score == row_fr.score.replace(",", ".") and re.fullmatch(r"\d+%", row_en.share)


def test_no_french_is_left_in_the_english_report(tmp_path):
    workshop = played(tmp_path / "duels.sqlite3")
    report = build_report(workshop, lang="en")
    allowed = french_data(workshop)
    assert french_left(to_markdown(report), allowed) == []
    page = to_html(report)
    assert '<html lang="en">' in page
    assert french_left(html.unescape(page), allowed) == []
    assert '<html lang="fr">' in to_html(build_report(workshop))


def test_report_command_in_english(tmp_path):
    workshop = played(default_path())
    runner = CliRunner()
    result = runner.invoke(app, ["report", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("# AI duels: session report")
    assert f"Session \\#{workshop.session_id}" in result.stdout and "## The winning AI" in result.stdout
    page = tmp_path / "report.html"
    result = runner.invoke(app, ["report", str(workshop.session_id), "--lang", "en", "-o", str(page)])
    assert result.exit_code == 0 and '<html lang="en">' in page.read_text(encoding="utf-8")
    result = runner.invoke(app, ["report", "--lang", "de"])
    assert result.exit_code == 2 and "langue inconnue" in result.output
