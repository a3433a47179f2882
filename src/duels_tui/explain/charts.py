"""The series the reveal and final screens chart: from this session only.

- the parameters of the models revealed so far (log scale: 4 and 671 billion on one line);
- the energy of every answer of the revealed duels (log scale too: answers differ a hundredfold).
Unrevealed duels stay out: a bar would tell the room which side was the big model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from duels_tui.explain.lessons import Bar, Chart
from duels_tui.explain.phrases import LESSON_TEXTS
from duels_tui.explain.session import SessionFigures, session_figures
from duels_tui.lang import DEFAULT
from duels_tui.numbers import number

if TYPE_CHECKING:
    from duels_tui.arena.workshop import Workshop


def params_chart(workshop: Workshop, figures: SessionFigures | None = None, lang: str = DEFAULT) -> Chart:
    figures = figures or session_figures(workshop)
    models = sorted(figures.models, key=lambda m: m.card.params_total.mid, reverse=True)
    bars = tuple(
        Bar(f"{m.card.name} ({m.size_class})", m.card.params_total.mid,
            ("≈ " if m.card.estimate else "") + number(m.card.params_total.mid, 3, lang))
        for m in models
    )
    return Chart(LESSON_TEXTS("chart.params", lang), bars)


def energy_chart(workshop: Workshop, figures: SessionFigures | None = None, lang: str = DEFAULT) -> Chart:
    figures = figures or session_figures(workshop)
    several = {(a.duel_index, a.side) for a in figures.answers if a.turn > 0}
    bars = []
    for a in figures.answers:
        turn = f" ({a.turn + 1})" if (a.duel_index, a.side) in several else ""
        bars.append(Bar(f"{a.duel_index + 1}. {a.model_name}{turn}", a.energy_wh.mid,
                        number(a.energy_wh.mid, lang=lang)))
    return Chart(LESSON_TEXTS("chart.energy", lang), tuple(bars))
