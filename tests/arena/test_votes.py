"""Room votes: counts typed by the facilitator, the duel's outcome, each side's share."""

from __future__ import annotations

import pytest

from duels_tui.arena.votes import (
    MAX_HANDS,
    Outcome,
    VoteCounts,
    VoteError,
    check_qualifiers,
)


def test_counts_from_typed_strings():
    votes = VoteCounts("12", " 7 ", "", "1 000")
    assert (votes.a, votes.b, votes.tie, votes.none) == (12, 7, 0, 1000)
    assert votes.total == 1019


@pytest.mark.parametrize(
    ("kwargs", "field", "words"),
    [
        ({"a": -1, "b": 3}, "a", "négatif"),
        ({"a": 2, "b": "-4"}, "b", "négatif"),
        ({"a": 2, "tie": "deux"}, "tie", "n'est pas un nombre entier"),
        ({"a": 2, "none": 2.5}, "none", "entier"),
        ({"a": True}, "a", "nombre de mains"),
        ({"a": None, "b": 1}, "a", "nombre de mains"),
        ({"b": MAX_HANDS + 1}, "b", "maximum"),
        ({"a": "١٢"}, "a", "n'est pas un nombre entier"),  # Arabic-Indic digits: not typed here
        ({}, "total", "aucune main"),
        ({"a": MAX_HANDS, "b": 1}, "total", "maximum"),
    ],
)
def test_nonsense_counts_name_the_field(kwargs, field, words):
    with pytest.raises(VoteError) as caught:
        VoteCounts(**kwargs)
    assert caught.value.field == field
    assert words in caught.value.message
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize(
    ("counts", "outcome"),
    [
        ((10, 5, 2, 1), Outcome.A),
        ((3, 9, 2, 1), Outcome.B),
        ((5, 5, 0, 0), Outcome.TIE),  # A and B level
        ((5, 3, 5, 0), Outcome.TIE),  # A level with « les deux se valent »
        ((2, 1, 9, 0), Outcome.TIE),  # « les deux se valent » leads
        ((2, 1, 0, 9), Outcome.NONE),  # « aucun » leads alone
        ((4, 1, 0, 4), Outcome.TIE),  # A level with « aucun »: not a win
        ((0, 0, 0, 1), Outcome.NONE),
    ],
)
def test_outcome_rule(counts, outcome):
    assert VoteCounts(*counts).outcome is outcome


def test_share_counts_a_tie_as_half():
    votes = VoteCounts(a=6, b=2, tie=2, none=0)
    assert votes.share("A") == pytest.approx(0.7)
    assert votes.share("B") == pytest.approx(0.3)
    with_none = VoteCounts(a=6, b=2, tie=0, none=2)
    assert with_none.share("A") + with_none.share("B") == pytest.approx(0.8)


@pytest.mark.parametrize(("key", "field"), [("A", "a"), ("b", "b"), ("=", "tie"), ("0", "none")])
def test_quick_vote(key, field):
    votes = VoteCounts.quick_vote(key)
    assert votes.quick and votes.total == 1 and getattr(votes, field) == 1


def test_quick_vote_unknown_key():
    with pytest.raises(VoteError) as caught:
        VoteCounts.quick_vote("x")
    assert "A, B, = ou 0" in caught.value.message


def test_qualifiers_checked():
    assert check_qualifiers({"A": {"useful", "creative"}})["A"] == {"useful", "creative"}
    assert check_qualifiers(None) == {"A": frozenset(), "B": frozenset()}
    with pytest.raises(VoteError) as caught:
        check_qualifiers({"A": {"drôle"}})
    assert caught.value.field == "qualifiers" and "drôle" in caught.value.message
    with pytest.raises(VoteError):
        check_qualifiers({"C": {"useful"}})
