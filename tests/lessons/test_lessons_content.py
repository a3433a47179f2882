"""Every lesson fills from the session and the data: no figure of its own, every source cited, the
figures it shows the ones the session and the data give, and no model named before its reveal."""

from __future__ import annotations

import re

import pytest
from lessons_played import VOTES, play

from duels_tui.arena.state import estimate_tokens
from duels_tui.explain import LESSON_KEYS, build_lesson
from duels_tui.explain.facts import fact
from duels_tui.explain.lessons import md
from duels_tui.explain.session import session_figures
from duels_tui.explain.templates import CITATION, load_templates
from duels_tui.impact.equivalents import load_equivalents
from duels_tui.numbers import number, percent


def test_the_templates_write_no_figure_of_their_own():
    for template in load_templates().values():
        body = CITATION.sub("", template.body)
        body = re.sub(r"^\s*\d+\. ", "", body, flags=re.M)  # ordered list markers
        assert not re.search(r"\d", body), f"{template.key}: a figure belongs in the data, not the lesson"


def test_lessons_are_in_order_with_unique_keys():
    templates = list(load_templates().values())
    assert [t.order for t in templates] == list(range(1, len(templates) + 1))
    assert len(LESSON_KEYS) == len(set(LESSON_KEYS)) == 10


@pytest.mark.parametrize("revealed", [0, 3])
def test_every_lesson_fills_and_cites_each_of_its_sources(shipped_workshop, revealed):
    workshop = play(shipped_workshop, revealed, played=revealed)
    for key in LESSON_KEYS:
        lesson = build_lesson(key, workshop)
        assert "{{" not in lesson.markdown and lesson.title
        cited = {int(n) for n in CITATION.findall(lesson.markdown)}
        assert cited == set(range(1, len(lesson.sources) + 1)), f"{key}: cited {cited}, sources {lesson.sources}"
        assert all(source and not source.startswith("@") for source in lesson.sources)


def test_figures_come_from_the_session_and_the_data(shipped_workshop):
    workshop = play(shipped_workshop, revealed=3)
    figures = session_figures(workshop)
    per_search = load_equivalents().get("web-search").per
    total = sum(a.energy_wh.mid for a in figures.answers)
    assert build_lesson("recherche", workshop).figure.value == number(total / per_search)
    assert number(per_search) in build_lesson("recherche", workshop).markdown
    cycle = build_lesson("cycle", workshop)
    f = fact("inference_vs_training")
    assert cycle.figure.value == number(f["ratio"]) and f"Jour {f['day']}" in cycle.markdown
    assert number(fact("french_share")["value"]) in build_lesson("francais", workshop).figure.value
    experts = build_lesson("experts", workshop)
    assert experts.figure.value == percent(37 / 671)  # DeepSeek R1, the session's MoE model
    size = build_lesson("taille", workshop)
    assert size.figure.value == number(671 / 4)  # DeepSeek R1 over Gemma 3 4B: the programme's extremes
    assert {b.label.split(" (")[0] for b in size.chart.bars} == {
        workshop.card(m).name for d in workshop.duels for m in d.spec.model_ids}


def test_reasoning_lesson_counts_the_duel_just_played_and_names_nobody_before_the_reveal(shipped_workshop):
    workshop = play(shipped_workshop, revealed=2)  # duel 3 (two reasoning models) played, not revealed
    lesson = build_lesson("raisonnement", workshop)
    duel = workshop.duels[2]
    names = [workshop.card(duel.sides[s]).name for s in "AB"]
    assert "Modèle A" in lesson.markdown and "Modèle B" in lesson.markdown
    assert not any(name in lesson.markdown for name in names)
    assert "Wh" not in lesson.markdown  # energy waits for the reveal
    answers = [duel.turns[0].answers[s] for s in "AB"]
    total = sum(a.output_tokens for a in answers)
    reasoning = sum(estimate_tokens(a.reasoning) for a in answers)  # the server gave no reasoning count
    assert lesson.figure.value == percent(reasoning / total)
    workshop.record_vote(2, VOTES[2])
    workshop.show_reveal(2)
    revealed = build_lesson("raisonnement", workshop)
    assert all(name in revealed.markdown for name in names) and "Wh" in revealed.markdown


def test_lessons_work_on_a_session_with_nothing_played(shipped_workshop):
    search = build_lesson("recherche", shipped_workshop)
    assert search.figure is None and "Révélez un duel" in search.markdown
    assert "Aucun modèle n'a encore raisonné" in build_lesson("raisonnement", shipped_workshop).markdown


def test_names_are_escaped_for_markdown():
    assert md("GPT-4o *mini* [v2] <b>") == r"GPT-4o \*mini\* \[v2\] \<b\>"
