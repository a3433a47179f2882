"""The session report says what the store holds: the votes, the tokens, each answer's impact as
the reveal computes it, and the winner of the final; untrusted text is escaped in both formats."""

from __future__ import annotations

import random

from duels_tui.arena.reveal import side_figures
from duels_tui.arena.testing import demo_catalog, demo_programme, stream_turn
from duels_tui.arena.votes import VoteCounts
from duels_tui.arena.workshop import Workshop
from duels_tui.numbers import range_text
from duels_tui.outputs.report import build_report, to_html, to_markdown
from duels_tui.store import Store

HOSTILE = '<script>alert("x")</script> & *gras* | [lien](https://exemple.invalid)'


def played(path) -> Workshop:
    """Three duels: a follow-up in the first, a draw in the third, a final vote; the first prompt
    typed in the room (hostile)."""
    store = Store.open(path)
    workshop = Workshop.start(demo_programme(), demo_catalog(), store, place="Médiathèque", rng=random.Random(2))
    workshop.set_prompt(0, HOSTILE)
    for i, votes in enumerate([VoteCounts(a=10, b=4, none=1), VoteCounts(a=3, b=12), VoteCounts(a=8, b=8, tie=2)]):
        stream_turn(workshop, i, {"A": "Réponse courte.", "B": "Une réponse bien plus longue " * (i + 4)})
        if i == 0:
            stream_turn(workshop, i, {"A": "Suite.", "B": "Une suite plus longue " * 3}, follow_up="Et encore ?")
        workshop.record_vote(i, votes)
        workshop.show_reveal(i)
    rows = workshop.final().rows
    workshop.set_final((1.0, 1.0), {rows[-1].model_id: 9, rows[0].model_id: 2})
    return workshop


def test_report_matches_the_store(tmp_path):
    path = tmp_path / "duels.sqlite3"
    original = played(path)
    with Store.open(path) as store:
        loaded = Workshop.load(store, demo_catalog(), original.session_id)
        report = build_report(loaded)
        markdown, page = to_markdown(report), to_html(report)
        for duel, line in zip(loaded.duels, report.duels, strict=True):
            row = store.vote(duel.duel_id)
            a, b = line.sides
            assert (a.vote_count, b.vote_count) == (row["votes_a"], row["votes_b"])
            assert f"Modèle A {row['votes_a']} · Modèle B {row['votes_b']}" in line.vote
            for side, shown in (("A", a), ("B", b)):
                stored = [r for t in store.turns(duel.duel_id) for r in store.answers(t["id"]) if r["side"] == side]
                assert shown.output_tokens == sum(r["completion_tokens"] for r in stored)
                figures, _ = side_figures(original, original.duels[duel.index], side)
                assert shown.energy == range_text(figures.impact.energy_wh, "Wh")
                assert shown.energy_wh == figures.impact.energy_wh
                assert shown.name == figures.card.name and shown.name in markdown and shown.energy in page
        energies = [s.energy_wh for d in report.duels for s in d.sides]
        assert report.figures["total_energy_wh"] == sum(energies[1:], energies[0])
        final = original.final(original.final_weights, original.final_vote)
        assert final.overridden
        assert report.winner == final.summary and report.figures["winners"] == [r.name for r in final.winners]
        assert [w.name for w in report.winners] == [r.name for r in final.rows]
    assert "Médiathèque" in report.subtitle and "Et encore ?" not in markdown  # the opening prompt only
    assert report.duels[0].turns == 2


def test_untrusted_text_is_escaped(tmp_path):
    report = build_report(played(tmp_path / "duels.sqlite3"))
    page = to_html(report)
    assert "<script>" not in page and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp;" in page
    markdown = to_markdown(report)
    assert "<script>" not in markdown and "&lt;script&gt;" in markdown
    assert r"\*gras\* \| \[lien\](https://exemple.invalid)" in markdown


def test_a_session_with_nothing_voted_still_reports(store):
    workshop = Workshop.start(demo_programme(1), demo_catalog(), store, rng=random.Random(1))
    report = build_report(workshop)
    assert report.duels[0].outcome == "pas joué" and report.winners == ()
    assert "Aucun duel voté" in to_markdown(report) and "<h1>" in to_html(report)
