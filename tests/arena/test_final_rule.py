"""« L'IA gagnante » : utility × frugality, ties, zero and equal energies, weights, final vote."""

from __future__ import annotations

import math

import pytest

from duels_tui.arena.final import Candidate, RuleError, compute_final, rule_text
from duels_tui.arena.votes import VoteError


def cand(model_id, share, energy, duels=(0,)):
    return Candidate(model_id, model_id.title(), tuple(duels), share, energy)


def test_geometric_mean_of_normalised_utility_and_frugality():
    result = compute_final([cand("big", 0.8, 4.0), cand("small", 0.6, 0.5)])
    rows = {r.model_id: r for r in result.rows}
    assert rows["big"].utility == pytest.approx(1.0)
    assert rows["small"].utility == pytest.approx(0.75)
    assert rows["big"].frugality == pytest.approx(0.125)
    assert rows["small"].frugality == pytest.approx(1.0)
    assert rows["big"].score == pytest.approx(math.sqrt(0.125))
    assert rows["small"].score == pytest.approx(math.sqrt(0.75))
    assert result.winner.model_id == "small"
    assert [r.rank for r in result.rows] == [1, 2]
    assert "Small" in result.summary and "0,87" in result.summary


def test_weights_change_the_winner_and_the_text():
    candidates = [cand("big", 0.9, 4.0), cand("small", 0.5, 0.5)]
    assert compute_final(candidates, (1, 1)).winner.model_id == "small"
    utility_only = compute_final(candidates, (1, 0))
    assert utility_only.winner.model_id == "big"
    assert "Seule l'utilité compte" in utility_only.rule_text
    heavy = compute_final(candidates, (3, 1))
    assert "poids 3" in heavy.rule_text and "poids 1" in heavy.rule_text
    assert "(utilité^3 × frugalité^1)^(1/4)" in heavy.rule_text
    big = next(r for r in heavy.rows if r.model_id == "big")
    assert big.score == pytest.approx((1.0**3 * 0.125) ** 0.25)
    assert "à poids égaux" in rule_text((2, 2))
    assert "0,5" in rule_text((0.5, 1))


@pytest.mark.parametrize("weights", [(0, 0), (-1, 1), (1, float("nan")), (1, float("inf"))])
def test_bad_weights(weights):
    with pytest.raises(RuleError):
        compute_final([cand("a", 0.5, 1.0)], weights)


def test_zero_energy_is_the_most_frugal():
    result = compute_final([cand("empty", 0.5, 0.0), cand("real", 0.5, 2.0), cand("x", 0.5, 1.0)])
    rows = {r.model_id: r for r in result.rows}
    assert rows["empty"].frugality == 1.0
    assert rows["x"].frugality == 1.0  # the least positive energy is the reference
    assert rows["real"].frugality == pytest.approx(0.5)


def test_all_zero_energies_and_all_zero_shares():
    result = compute_final([cand("a", 0.0, 0.0), cand("b", 0.0, 0.0)])
    assert all(r.score == 0 for r in result.rows)
    assert result.winner is None and len(result.winners) == 2
    assert "Ex aequo" in result.summary


def test_equal_energies_leave_utility_to_decide():
    result = compute_final([cand("a", 0.4, 1.5), cand("b", 0.6, 1.5)])
    assert all(r.frugality == 1.0 for r in result.rows)
    assert result.winner.model_id == "b"


def test_score_tie_broken_by_utility_then_ex_aequo():
    # a: utility 1, frugality 0.25 -> 0.5 ; b: utility 0.25, frugality 1 -> 0.5
    result = compute_final([cand("a", 0.8, 4.0), cand("b", 0.2, 1.0)])
    assert result.rows[0].score == pytest.approx(result.rows[1].score)
    assert result.winner.model_id == "a"
    same = compute_final([cand("a", 0.5, 1.0), cand("b", 0.5, 1.0)])
    assert same.winner is None and {r.rank for r in same.rows} == {1}


def test_unknown_energy_leaves_frugality_out():
    result = compute_final([cand("a", 0.4, None), cand("b", 0.6, 0.1)])
    assert not result.frugality_counted
    assert all(r.frugality is None for r in result.rows)
    assert result.winner.model_id == "b"
    assert "la frugalité n'est pas comptée" in result.rule_text


def test_no_candidates():
    result = compute_final([])
    assert result.rows == () and result.winner is None
    assert "Pas d'IA gagnante" in result.summary


def test_final_vote_overrides_the_rule():
    candidates = [cand("big", 0.8, 4.0), cand("small", 0.6, 0.5), cand("mid", 0.5, 1.0)]
    assert compute_final(candidates).winner.model_id == "small"
    voted = compute_final(candidates, final_vote={"big": 12, "small": 3, "mid": "4"})
    assert voted.winner.model_id == "big" and voted.overridden
    assert voted.rule_winners[0].model_id == "small"
    assert "vote final (12 mains)" in voted.summary and "Small" in voted.summary
    assert {r.model_id: r.final_votes for r in voted.rows} == {"big": 12, "small": 3, "mid": 4}


def test_final_vote_tie_settled_by_the_rule():
    candidates = [cand("big", 0.8, 4.0), cand("small", 0.6, 0.5), cand("mid", 0.5, 1.0)]
    voted = compute_final(candidates, final_vote={"big": 5, "mid": 5, "small": 1})
    assert voted.winner.model_id == "mid"  # mid beats big by the rule
    assert voted.overridden


def test_final_vote_of_zeros_is_no_vote_and_bad_votes_fail():
    candidates = [cand("a", 0.8, 4.0), cand("b", 0.6, 0.5)]
    assert compute_final(candidates, final_vote={"a": 0, "b": 0}).final_vote is None
    with pytest.raises(VoteError) as caught:
        compute_final(candidates, final_vote={"zz": 3})
    assert caught.value.field == "final"
    with pytest.raises(VoteError):
        compute_final(candidates, final_vote={"a": -2})
