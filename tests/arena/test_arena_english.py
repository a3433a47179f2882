"""The arena's sentences in English (`lang="en"`): vote errors, outcomes, qualifiers, the final's
rule and summary, the card facts. French stays the default, unchanged."""

from __future__ import annotations

import pytest

from duels_tui.arena.cards import architecture_text, openness_text, params_text
from duels_tui.arena.final import Candidate, RuleError, check_weights, compute_final, rule_text
from duels_tui.arena.testing import demo_catalog
from duels_tui.arena.votes import QUALIFIERS, Outcome, VoteCounts, VoteError, parse_count, qualifier_label
from french_markers import french_left


def cand(model_id, share, energy, duels=(0,)):
    return Candidate(model_id, model_id.title(), tuple(duels), share, energy)


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda: parse_count("a", "-3"), "Model A"),
        (lambda: parse_count("b", "douze"), "Model B"),
        (lambda: parse_count("tie", 2.5), "Both are equal"),
        (lambda: parse_count("none", 99999), "Neither"),
        (lambda: VoteCounts(), "Total"),
        (lambda: VoteCounts.quick_vote("x"), "Total"),
    ],
)
def test_a_vote_error_in_both_languages(make, field):
    with pytest.raises(VoteError) as caught:
        make()
    error = caught.value
    assert str(error) == error.text() == error.text("fr") and error.message in str(error)
    english = error.text("en")
    assert english.startswith(f"{field}: ") and french_left(english.replace("douze", "")) == []


def test_outcomes_and_qualifiers_in_english():
    assert Outcome.A.label == Outcome.A.text() == "Modèle A gagne"
    assert [o.text("en") for o in Outcome] == ["Model A wins", "Model B wins", "Draw", "Neither will do"]
    assert qualifier_label("useful") == QUALIFIERS["useful"] == "Utile"
    english = [qualifier_label(key, "en") for key in QUALIFIERS]
    assert "Useful" in english and french_left(" ".join(english)) == []


@pytest.mark.parametrize("weights", [(1, 1), (1, 0), (0, 1), (3, 1), (0.5, 1)])
def test_the_rule_in_english(weights):
    french, english = rule_text(weights), rule_text(weights, lang="en")
    assert french_left(english) == [] and english != french
    if weights == (0.5, 1):
        assert "0,5" in french and "utility^0.5" in english
    unknown = rule_text(weights, frugality_counted=False, lang="en")
    assert "Energy unknown" in unknown and french_left(unknown) == []


def test_the_summary_in_english():
    candidates = [cand("big", 0.8, 4.0), cand("small", 0.6, 0.5)]
    plain = compute_final(candidates, lang="en")
    assert plain.summary.startswith("The winning AI: Small (score 0.87")
    assert compute_final(candidates).summary.startswith("L'IA gagnante : Small (score 0,87")
    voted = compute_final(candidates, final_vote={"big": 12, "small": 3}, lang="en")
    assert "final vote (12 hands): Big" in voted.summary and "The rule would have chosen Small" in voted.summary
    tied = compute_final([cand("a", 0.5, 1.0), cand("b", 0.5, 1.0)], lang="en")
    assert tied.summary == "Tied by the rule: A and B."
    assert compute_final([], lang="en").summary.startswith("No winning AI")
    for result in (plain, voted, tied):
        assert french_left(result.summary + " " + result.rule_text) == []


def test_rule_errors_in_both_languages():
    for weights in ((-1, 1), (1, -1), (0, 0), ("x", 1)):
        with pytest.raises(RuleError) as caught:
            check_weights(weights)
        assert str(caught.value) == caught.value.text()
        assert french_left(caught.value.text("en")) == [] and "weight" in caught.value.text("en")
    with pytest.raises(VoteError) as caught:
        compute_final([cand("big", 0.8, 4.0)], final_vote={"nobody": 3})
    assert caught.value.text("en").endswith("“nobody” is not a candidate in the final")


def test_card_facts_in_english():
    cards = demo_catalog().models
    claude, deepseek = cards["claude-3.5-sonnet"], cards["deepseek-r1"]
    assert params_text(claude) == "300 à 440 milliards de paramètres (estimation)"
    assert params_text(claude, "en") == "300 to 440 billion parameters (estimate)"
    assert architecture_text(deepseek) == "mélange d'experts (MoE) : 37 milliards actifs par jeton"
    assert architecture_text(deepseek, "en") == "mixture of experts (MoE): 37 billion active per token"
    assert architecture_text(claude, "en") == "architecture not published"
    assert openness_text("propriétaire", "en") == "proprietary" and openness_text("Apache 2.0", "en") == "Apache 2.0"
    assert openness_text("semi-ouvert") == "semi-ouvert"
