"""Bradley-Terry over pooled workshops: ordering, ties, the known two-model solution, export rows."""

from __future__ import annotations

import math
import random

import pytest

from duels_tui.arena.ranking import Battle, battles_from_export, bradley_terry


def test_two_models_match_the_closed_form():
    # Without a prior, p_a / p_b = wins_a / wins_b: 30 hands to 10 -> 400 x log10(3) apart.
    ratings = {r.model_id: r for r in bradley_terry([Battle("a", "b", 30, 10)], prior=0.0)}
    gap = ratings["a"].rating - ratings["b"].rating
    assert gap == pytest.approx(400 * math.log10(3), rel=1e-6)
    assert (ratings["a"].rating + ratings["b"].rating) / 2 == pytest.approx(1000)
    assert ratings["a"].votes == 40


def test_ties_count_half_and_order_follows_strength():
    battles = [
        Battle("fort", "moyen", 8, 2, 2),
        Battle("moyen", "faible", 7, 3, 0),
        Battle("fort", "faible", 9, 1, 0),
    ]
    order = [r.model_id for r in bradley_terry(battles)]
    assert order == ["fort", "moyen", "faible"]
    even = {r.model_id: r.rating for r in bradley_terry([Battle("x", "y", 0, 0, 10)])}
    assert even["x"] == pytest.approx(even["y"])


def test_a_model_that_never_won_stays_finite():
    ratings = bradley_terry([Battle("a", "b", 12, 0, 0)])
    assert all(math.isfinite(r.rating) for r in ratings)
    assert ratings[0].model_id == "a"


def test_bootstrap_interval_contains_the_estimate_and_is_seedable():
    battles = [Battle("a", "b", 15, 9, 3), Battle("b", "c", 10, 6, 1)]
    first = bradley_terry(battles, bootstrap=60, rng=random.Random(1))
    again = bradley_terry(battles, bootstrap=60, rng=random.Random(1))
    assert first == again
    for r in first:
        assert r.low <= r.rating <= r.high and r.high > r.low


def test_battles_from_export_rows():
    rows = [
        {
            "row_kind": "room",
            "voted": True,
            "model_a_name": "a",
            "model_b_name": "b",
            "votes_a": 5,
            "votes_b": 2,
            "votes_tie": 1,
            "votes_none": 2,
        },
        {"row_kind": "room", "voted": False, "model_a_name": "a", "model_b_name": "c"},
        {"row_kind": "ballot", "model_a_name": "c", "model_b_name": "a", "ballot_choice": "b"},
        {"row_kind": "ballot", "model_a_name": "c", "model_b_name": "a", "ballot_choice": "none"},
    ]
    assert battles_from_export(rows) == [
        Battle("a", "b", 5, 2, 3),
        Battle("c", "a", 0, 1, 0),
        Battle("c", "a", 0, 0, 1),
    ]
    assert bradley_terry([]) == []
