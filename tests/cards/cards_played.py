"""A session played by hand (no server): three duels, the third with reasoning on both sides;
`revealed` says how many duels the room has seen revealed."""

from __future__ import annotations

from duels_tui.arena.testing import answer_events
from duels_tui.arena.votes import VoteCounts
from duels_tui.arena.workshop import Workshop

VOTES = [VoteCounts(a=10, b=4), VoteCounts(a=3, b=12), VoteCounts(a=8, b=8, tie=1)]


def play(workshop: Workshop, revealed: int, played: int | None = None) -> Workshop:
    played = len(workshop.duels) if played is None else played
    for i in range(played):
        workshop.begin_turn(i)
        for side, words in (("A", 20), ("B", 60)):
            reasoning = "Je pèse le pour et le contre. " * 12 if i == 2 else ""
            for event in answer_events("Une réponse " * words, reasoning=reasoning):
                workshop.apply(i, side, event)
        if i < revealed:
            workshop.record_vote(i, VOTES[i])
            workshop.reveal(i)
    return workshop

