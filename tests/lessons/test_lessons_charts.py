"""Charts: session data only, never wider than their place, log axis marked by powers of ten."""

from __future__ import annotations

from lessons_played import play

from duels_tui.explain import Bar, Chart
from duels_tui.explain.charts import energy_chart, params_chart
from duels_tui.ui.widgets.charts import render_chart
from duels_tui.ui.widgets.scatter import LogScale


def test_charts_show_only_what_the_room_has_seen_revealed(shipped_workshop):
    workshop = play(shipped_workshop, revealed=1, played=2)
    first = workshop.duels[0]
    revealed = {workshop.card(m).name for m in first.spec.model_ids}
    assert {b.label.rsplit(" (", 1)[0] for b in params_chart(workshop).bars} == revealed
    energy = energy_chart(workshop)
    assert len(energy.bars) == 2 and {b.label[3:] for b in energy.bars} == revealed


def test_nothing_is_charted_before_a_reveal(shipped_workshop):
    workshop = play(shipped_workshop, revealed=0, played=1)
    assert params_chart(workshop).bars == () and energy_chart(workshop).bars == ()


def test_a_chart_fits_any_width():
    chart = Chart("Énergie de chaque réponse (Wh)", (
        Bar("1. Un modèle au nom vraiment très long pour l'écran", 0.0042, "0,0042"),
        Bar("1. Petit", 0.41, "0,41", True), Bar("2. Zéro", 0.0, "0")))
    for width in (24, 40, 80, 157):
        lines = render_chart(chart, width).plain.splitlines()
        assert max(len(line) for line in lines) <= width
        assert len(lines) == 1 + 3 + 3
    axis = render_chart(chart, 80).plain.splitlines()[-2]
    assert "0,001" in axis and "1" in axis


def test_log_scale():
    scale = LogScale.spanning([4, 671], decades=True)
    assert (scale.low, scale.high) == (1, 1000) and scale.ticks() == [1, 10, 100, 1000]
    assert scale.fraction(10) == 1 / 3 and scale.fraction(0) == 0
    assert LogScale.spanning([0.0]) is None
    assert LogScale.spanning([2, 8]).position(8, 11) == 10
