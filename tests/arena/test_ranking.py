"""Bradley-Terry over pooled workshops: the fit against choix (an independent implementation),
interval coverage over simulated tournaments, rank (UB), compar:IA's tiers, too few votes."""

from __future__ import annotations

import math

import numpy as np
import pytest

from duels_tui.arena.ranking import (
    INIT,
    Battle,
    Rating,
    battles_from_export,
    bradley_terry,
    fit_ratings,
    rank_upper_bounds,
    tiers,
)

choix = pytest.importorskip("choix")


def _to_rating(theta: np.ndarray) -> np.ndarray:
    return INIT + 400 * theta / math.log(10)


def _tournament(rng: np.random.Generator, strengths: np.ndarray, hands: int, tie_rate: float) -> list[Battle]:
    battles = []
    for i in range(len(strengths)):
        for j in range(i + 1, len(strengths)):
            p = 1 / (1 + math.exp(-(strengths[i] - strengths[j])))
            ties = int(rng.binomial(hands, tie_rate))
            wins_i = int(rng.binomial(hands - ties, p))
            battles.append(Battle(f"m{i}", f"m{j}", wins_i, hands - ties - wins_i, ties))
    return battles


def _choix_ratings(battles: list[Battle], n_models: int, prior: int) -> np.ndarray:
    """choix takes (winner, loser) pairs: every hand counts twice, a tie once each way (a half
    win each, as compar:IA's sample weights 2 x wins + draws); our prior is `prior` such ties
    against one more item, the virtual average model."""
    data: list[tuple[int, int]] = []
    for b in battles:
        i, j = int(b.model_a[1:]), int(b.model_b[1:])
        data += [(i, j)] * (2 * b.wins_a) + [(j, i)] * (2 * b.wins_b) + [(i, j), (j, i)] * b.ties
    items = n_models
    if prior:
        data += [pair for k in range(n_models) for pair in [(k, n_models), (n_models, k)] * prior]
        items += 1
    params = choix.ilsr_pairwise(items, data, alpha=0.0, tol=1e-14, max_iter=100_000)[:n_models]
    return _to_rating(params - params.mean())


@pytest.mark.parametrize("prior", [0, 1])
def test_the_fit_matches_choix_within_a_millionth(prior):
    rng = np.random.default_rng(3)
    strengths = rng.normal(0, 1, 7)
    battles = _tournament(rng, strengths, hands=35, tie_rate=0.15)
    ours = fit_ratings(battles, prior=prior)
    theirs = _choix_ratings(battles, 7, prior)
    assert max(abs(ours[f"m{k}"] - theirs[k]) for k in range(7)) < 1e-6
    assert sum(ours.values()) / 7 == pytest.approx(INIT)


def test_a_disconnected_pool_matches_choix_with_the_prior():
    # A session plays separate pairs: only the prior links them, and one model never won.
    battles = [Battle("m0", "m1", 20, 5, 3), Battle("m2", "m3", 12, 0, 0), Battle("m4", "m5", 9, 9, 4)]
    ours = fit_ratings(battles, prior=1)
    theirs = _choix_ratings(battles, 6, 1)
    assert max(abs(ours[f"m{k}"] - theirs[k]) for k in range(6)) < 1e-6
    assert all(math.isfinite(v) for v in ours.values())


def test_intervals_cover_the_true_strengths_at_the_expected_rate():
    rng = np.random.default_rng(11)
    covered = total = 0
    for trial in range(60):
        strengths = rng.normal(0, 0.6, 6)
        truth = _to_rating(strengths - strengths.mean())
        for r in bradley_terry(_tournament(rng, strengths, hands=30, tie_rate=0.1), bootstrap=150, seed=trial):
            total += 1
            covered += r.low <= truth[int(r.model_id[1:])] <= r.high
    # 95 % intervals over 360 models: a wrong width (half or double) lands far outside.
    assert 0.9 <= covered / total <= 0.99


def test_two_models_match_the_closed_form():
    # Without a prior, p_a / p_b = wins_a / wins_b: 30 hands to 10 -> 400 x log10(3) apart.
    ratings = {r.model_id: r for r in bradley_terry([Battle("a", "b", 30, 10)], prior=0.0)}
    assert ratings["a"].rating - ratings["b"].rating == pytest.approx(400 * math.log10(3), rel=1e-9)
    assert (ratings["a"].rating + ratings["b"].rating) / 2 == pytest.approx(1000)
    assert ratings["a"].votes == 40


def test_ties_count_half_and_order_follows_strength():
    battles = [Battle("fort", "moyen", 8, 2, 2), Battle("moyen", "faible", 7, 3, 0), Battle("fort", "faible", 9, 1, 0)]
    assert [r.model_id for r in bradley_terry(battles)] == ["fort", "moyen", "faible"]
    even = {r.model_id: r.rating for r in bradley_terry([Battle("x", "y", 0, 0, 10)])}
    assert even["x"] == pytest.approx(even["y"])
    # Sides do not matter: the same hands written B-first give the same ratings.
    swapped = fit_ratings([Battle(b.model_b, b.model_a, b.wins_b, b.wins_a, b.ties) for b in battles])
    assert swapped == pytest.approx(fit_ratings(battles), abs=1e-9)


def test_bootstrap_is_seeded_and_contains_the_estimate():
    battles = [Battle("a", "b", 15, 9, 3), Battle("b", "c", 10, 6, 1)]
    first = bradley_terry(battles, bootstrap=300, seed=1)
    assert first == bradley_terry(battles, bootstrap=300, seed=1)
    assert first != bradley_terry(battles, bootstrap=300, seed=2)
    for r in first:
        assert r.low <= r.rating <= r.high and r.high > r.low


def _rating(model_id: str, low: float, high: float) -> Rating:
    return Rating(model_id, (low + high) / 2, low, high, 100)


def test_rank_upper_bound_counts_the_models_surely_better():
    ratings = [_rating("a", 1100, 1200), _rating("b", 1050, 1150), _rating("c", 900, 1090), _rating("d", 800, 880)]
    assert rank_upper_bounds(ratings) == {"a": 1, "b": 1, "c": 2, "d": 4}


def test_tiers_keep_their_anchor_and_stop_at_eight():
    # b reaches a's lower bound (1100); c reaches b's but not a's: a new tier, anchored at c's.
    ratings = [_rating("a", 1100, 1200), _rating("b", 1050, 1150), _rating("c", 1000, 1090), _rating("d", 990, 1040)]
    assert tiers(ratings) == {"a": 1, "b": 1, "c": 2, "d": 2}
    apart = [_rating(f"m{k}", 1000 - 100 * k, 1050 - 100 * k) for k in range(10)]
    assert list(tiers(apart).values()) == [1, 2, 3, 4, 5, 6, 7, 8, 8, 8]


def test_too_few_votes_are_not_ranked():
    battles = [Battle("a", "b", 30, 10, 5), Battle("b", "c", 20, 20, 0), Battle("a", "rare", 2, 1, 0)]
    ratings = bradley_terry(battles, bootstrap=100, min_votes=20)
    assert ratings[0].model_id == "a" and ratings[-1].model_id == "rare"
    rare = ratings[-1]
    assert not rare.ranked and rare.rank_ub is None and rare.tier is None and rare.votes == 3
    assert all(r.ranked and r.tier for r in ratings[:-1])


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
    expected = [Battle("a", "b", 5, 2, 3), Battle("c", "a", 0, 1, 0), Battle("c", "a", 0, 0, 1)]
    assert battles_from_export(rows) == expected
    assert bradley_terry([]) == []
