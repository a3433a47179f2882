"""`duels report --ranking`: the pooled table and the frugality map as inline SVG (no script,
nothing fetched), names escaped, in Markdown and HTML, French and English."""

from __future__ import annotations

import dataclasses
import re
import xml.etree.ElementTree as ET

from cli_runner import run_command
from duels_tui.arena.pooled import pool_ranking
from duels_tui.arena.testing import pooled_workshops
from duels_tui.cli.report import register
from duels_tui.outputs.ranking_report import HEIGHT, WIDTH, to_html, to_markdown
from duels_tui.store import Store

EVIL = "Mistral <script>alert(1)</script> & co"


def _pooled(store, catalog):
    card = catalog.models["mistral-small-3"]
    catalog.models["mistral-small-3"] = dataclasses.replace(card, name=EVIL)
    pooled_workshops(store, catalog, sessions=8, seed=5)
    return pool_ranking(store, catalog, bootstrap=200)


def test_html_holds_the_table_and_an_svg_map_without_script_or_network(store, catalog):
    ranking = _pooled(store, catalog)
    page = to_html(ranking, "fr")
    assert "<script" not in page and "alert(1)</script>" not in page
    for fetch in ("http:", "https:", "src=", "href=", "url(", "@import"):
        assert fetch not in page
    (svg,) = re.findall(r"<svg.*?</svg>", page, flags=re.S)
    root = ET.fromstring(svg)  # well-formed, names escaped
    labels = [t.text for t in root.iter("text")]
    for model in ranking.ranked:
        assert model.name in labels
        assert f"<td>{model.name}</td>" in page.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    assert "énergie pour 1 000 jetons (Wh, échelle log) →" in labels and "↑ score" in labels
    for circle in root.iter("circle"):
        assert 0 <= float(circle.get("cx")) <= WIDTH and 0 <= float(circle.get("cy")) <= HEIGHT
    for text in root.iter("text"):
        assert 0 <= float(text.get("x")) <= WIDTH and 0 <= float(text.get("y")) <= HEIGHT
    # One dot per ranked model, drawn best first: each lower on the page than the one before.
    heights = [float(c.get("cy")) for c in root.iter("circle")]
    assert len(heights) == len(ranking.ranked) and heights == sorted(heights)


def test_markdown_and_english(store, catalog):
    ranking = _pooled(store, catalog)
    text = to_markdown(ranking, "fr")
    assert text.startswith("# Classement\n") and "| rang (UB) | niveau | modèle |" in text
    assert "<script>" not in text
    english = to_html(ranking, "en")
    assert '<html lang="en">' in english and "Score and frugality" in english and "95% CI" in english


def test_cli_report_ranking(tmp_path, catalog):
    with Store.open(tmp_path / "data" / "duels.sqlite3") as store:
        pooled_workshops(store, catalog, sessions=4, seed=1)
    target = tmp_path / "rapports" / "classement.html"
    result = run_command(register, ["report", "--ranking", "-o", str(target)], tmp_path / "data")
    assert result.exit_code == 0, result.output
    assert "<svg" in target.read_text(encoding="utf-8")
    both = run_command(register, ["report", "2", "--ranking"], tmp_path / "data")
    assert both.exit_code == 2 and "ne donnez pas de numéro de séance" in both.stderr
