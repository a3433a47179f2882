"""Every card fills from the session and the data: no figure of its own, every source cited, the
figures it shows the ones the session and the data give, and no model named before its reveal."""

from __future__ import annotations

import re

import pytest
from cards_played import VOTES, play

from duels_tui.arena.state import estimate_tokens
from duels_tui.explain import CARD_KEYS, build_card
from duels_tui.explain.cards import md
from duels_tui.explain.facts import fact
from duels_tui.explain.session import session_figures
from duels_tui.explain.templates import CITATION, load_templates
from duels_tui.impact.equivalents import load_equivalents
from duels_tui.numbers import number, percent


def test_the_templates_write_no_figure_of_their_own():
    for template in load_templates().values():
        body = CITATION.sub("", template.body)
        body = re.sub(r"^\s*\d+\. ", "", body, flags=re.M)  # ordered list markers
        assert not re.search(r"\d", body), f"{template.key}: a figure belongs in the data, not the card"


def test_cards_are_in_order_with_unique_keys():
    templates = list(load_templates().values())
    assert [t.order for t in templates] == list(range(1, len(templates) + 1))
    assert len(CARD_KEYS) == len(set(CARD_KEYS)) == 10


@pytest.mark.parametrize("revealed", [0, 3])
def test_every_card_fills_and_cites_each_of_its_sources(shipped_workshop, revealed):
    workshop = play(shipped_workshop, revealed, played=revealed)
    for key in CARD_KEYS:
        card = build_card(key, workshop)
        assert "{{" not in card.markdown and card.title
        cited = {int(n) for n in CITATION.findall(card.markdown)}
        assert cited == set(range(1, len(card.sources) + 1)), f"{key}: cited {cited}, sources {card.sources}"
        assert all(source and not source.startswith("@") for source in card.sources)


def test_figures_come_from_the_session_and_the_data(shipped_workshop):
    workshop = play(shipped_workshop, revealed=3)
    figures = session_figures(workshop)
    per_search = load_equivalents().get("web-search").per
    total = sum(a.energy_wh.mid for a in figures.answers)
    assert build_card("recherche", workshop).figure.value == number(total / per_search)
    assert number(per_search) in build_card("recherche", workshop).markdown
    cycle = build_card("cycle", workshop)
    f = fact("inference_vs_training")
    assert cycle.figure.value == number(f["ratio"]) and f"Jour {f['day']}" in cycle.markdown
    assert number(fact("french_share")["value"]) in build_card("francais", workshop).figure.value
    experts = build_card("experts", workshop)
    assert experts.figure.value == percent(37 / 671)  # DeepSeek R1, the session's MoE model
    size = build_card("taille", workshop)
    assert size.figure.value == number(671 / 4)  # DeepSeek R1 over Gemma 3 4B: the programme's extremes
    assert {b.label.split(" (")[0] for b in size.chart.bars} == {
        workshop.card(m).name for d in workshop.duels for m in d.spec.model_ids}


def test_reasoning_card_counts_the_duel_just_played_and_names_nobody_before_the_reveal(shipped_workshop):
    workshop = play(shipped_workshop, revealed=2)  # duel 3 (two reasoning models) played, not revealed
    card = build_card("raisonnement", workshop)
    duel = workshop.duels[2]
    names = [workshop.card(duel.sides[s]).name for s in "AB"]
    assert "Modèle A" in card.markdown and "Modèle B" in card.markdown
    assert not any(name in card.markdown for name in names)
    assert "Wh" not in card.markdown  # energy waits for the reveal
    answers = [duel.turns[0].answers[s] for s in "AB"]
    total = sum(a.output_tokens for a in answers)
    reasoning = sum(estimate_tokens(a.reasoning) for a in answers)  # the server gave no reasoning count
    assert card.figure.value == percent(reasoning / total)
    workshop.record_vote(2, VOTES[2])
    workshop.show_reveal(2)
    revealed = build_card("raisonnement", workshop)
    assert all(name in revealed.markdown for name in names) and "Wh" in revealed.markdown


def test_cards_work_on_a_session_with_nothing_played(shipped_workshop):
    search = build_card("recherche", shipped_workshop)
    assert search.figure is None and "Révélez un duel" in search.markdown
    assert "Aucun modèle n'a encore raisonné" in build_card("raisonnement", shipped_workshop).markdown


def test_names_are_escaped_for_markdown():
    assert md("GPT-4o *mini* [v2] <b>") == r"GPT-4o \*mini\* \[v2\] \<b\>"
