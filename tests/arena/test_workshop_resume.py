"""`Workshop.resume` lands on the step where the session stopped, with everything stored."""

from __future__ import annotations

import random

import pytest

from duels_tui.arena.state import AnswerStatus, Step
from duels_tui.arena.testing import stream_turn
from duels_tui.arena.votes import VoteCounts
from duels_tui.arena.workshop import Workshop
from duels_tui.engine.events import ReasoningDelta, TextDelta
from duels_tui.store import Store


def reopen(store, catalog, session_id=None):
    """A fresh connection, as after a restart."""
    return Workshop.resume(Store.open(store.path), catalog, session_id)


def test_nothing_to_resume(store, catalog):
    assert Workshop.resume(store, catalog) is None


def to_step(workshop, target):
    """Drive duel 0 (or the session) to `target`."""
    if target is Step.HOME:
        return
    workshop.advance()
    if target is Step.PROMPT:
        return
    stream_turn(workshop, 0)
    if target is Step.STREAMING:
        return
    workshop.advance()
    if target is Step.VOTE:
        return
    workshop.record_vote(0, VoteCounts(2, 1))
    workshop.advance()


@pytest.mark.parametrize("target", [Step.HOME, Step.PROMPT, Step.STREAMING, Step.VOTE, Step.REVEAL])
def test_resume_lands_on_the_step(workshop, store, catalog, target):
    to_step(workshop, target)
    assert workshop.step is target
    resumed = reopen(store, catalog)
    assert resumed.session_id == workshop.session_id
    assert (resumed.step, resumed.current) == (target, 0)
    assert [d.sides for d in resumed.duels] == [d.sides for d in workshop.duels]
    assert resumed.place == "Test"


def test_resume_second_duel_final_and_done(workshop, store, catalog):
    to_step(workshop, Step.REVEAL)
    workshop.advance()
    workshop.set_prompt(1, "Question de la salle")
    resumed = reopen(store, catalog)
    assert (resumed.step, resumed.current) == (Step.PROMPT, 1)
    assert resumed.duels[1].prompt == "Question de la salle"
    assert resumed.programme.duels[1].prompt != "Question de la salle"  # the original is kept
    workshop.go_to_final()
    workshop.set_final((2, 1))
    resumed = reopen(store, catalog)
    assert resumed.step is Step.FINAL and resumed.final_weights == (2.0, 1.0)
    workshop.advance()
    assert Workshop.resume(store, catalog) is None  # finished sessions are not resumed
    done = Workshop.resume(store, catalog, workshop.session_id)
    assert done.step is Step.DONE


def test_resume_picks_the_last_unfinished_session(programme, catalog, store):
    older = Workshop.start(programme, catalog, store, rng=random.Random(1))
    newer = Workshop.start(programme, catalog, store, rng=random.Random(2))
    newer.advance()
    assert Workshop.resume(store, catalog).session_id == newer.session_id
    for _ in range(2):
        newer.go_to_final()
        newer.advance()
    assert Workshop.resume(store, catalog).session_id == older.session_id
    assert Workshop.resume(store, catalog, 999) is None


def test_resume_restores_answers_votes_and_qualifiers(workshop, store, catalog):
    workshop.advance()
    stream_turn(workshop, 0)
    stream_turn(workshop, 0, {"A": "Suite A", "B": "Suite B"}, follow_up="Et ensuite ?")
    workshop.record_vote(0, VoteCounts(4, 3, 2, 1), {"A": {"useful", "creative"}}, {"B": "Trop long"})
    resumed = reopen(store, catalog)
    duel = resumed.duels[0]
    assert [t.user_text for t in duel.turns] == [workshop.duels[0].prompt, "Et ensuite ?"]
    for turn, original in zip(duel.turns, workshop.duels[0].turns, strict=True):
        for side in "AB":
            got, want = turn.answers[side], original.answers[side]
            assert (got.text, got.status, got.usage, got.timings) == (
                want.text,
                want.status,
                want.usage,
                want.timings,
            )
    assert duel.vote == VoteCounts(4, 3, 2, 1)
    assert duel.qualifiers["A"] == {"useful", "creative"}
    assert duel.comments == {"B": "Trop long"}
    assert resumed.step is Step.VOTE


def test_streaming_answer_becomes_interrupted_and_retryable(workshop, store, catalog):
    workshop.advance()
    workshop.begin_turn(0)
    workshop.apply(0, "A", ReasoningDelta("Je pense"))
    workshop.apply(0, "A", TextDelta("Une réponse "))
    workshop.apply(0, "A", TextDelta("coupée"))
    workshop.commit_stream()  # as the duel screen does before each frame
    resumed = reopen(store, catalog)
    assert resumed.step is Step.STREAMING
    answers = resumed.duels[0].turns[0].answers
    for side in "AB":
        assert answers[side].status is AnswerStatus.INTERRUPTED and answers[side].retryable
    assert answers["A"].text == "Une réponse coupée" and answers["A"].reasoning == "Je pense"
    # the interruption itself is stored: a second restart finds the same thing
    again = reopen(store, catalog).duels[0].turns[0].answers["A"]
    assert (again.status, again.text) == (AnswerStatus.INTERRUPTED, "Une réponse coupée")
    request = resumed.retry(0, "A")
    assert request.messages[-1].content == resumed.duels[0].prompt
    assert resumed.answer(0, "A").status is AnswerStatus.STREAMING
    resumed.retry(0, "B")
    resumed.cancel_turn(0)
    resumed.advance()
    assert resumed.step is Step.VOTE


def test_resume_without_catalog_uses_the_stored_cards(workshop, store, catalog):
    to_step(workshop, Step.REVEAL)
    resumed = Workshop.resume(store, None)
    card = resumed.card(workshop.duels[0].sides["A"])
    original = catalog.get(workshop.duels[0].sides["A"])
    assert (card.name, card.organisation, card.params_total, card.is_local) == (
        original.name,
        original.organisation,
        original.params_total,
        original.is_local,
    )
    assert card.api_key_env is None  # not stored


def test_an_error_is_stored_with_its_key_and_said_in_english_after_a_resume(workshop, store, catalog):
    from duels_tui.engine import errors

    workshop.advance()
    workshop.begin_turn(0)
    workshop.apply(0, "A", TextDelta("Le début"))
    workshop.apply(0, "A", errors.stalled(30))
    resumed = reopen(store, catalog).duels[0].turns[0].answers["A"].error
    assert resumed.key == "stalled_after" and dict(resumed.values) == {"seconds": 30}
    assert resumed.text() == f"{resumed.message} {resumed.hint}" and "30 secondes" in resumed.text()
    assert "nothing more for 30 seconds" in resumed.text("en")


def test_an_error_stored_without_key_is_shown_as_its_french_text(workshop, store, catalog):
    """An answer stored by an older version (no key), or with a key this version does not know."""
    from duels_tui.engine.events import EngineError, ErrorKind

    workshop.advance()
    workshop.begin_turn(0)
    workshop.apply(0, "A", EngineError(ErrorKind.OTHER, "Message ancien.", "Conseil ancien."))
    workshop.apply(0, "B", EngineError(ErrorKind.OTHER, "Message futur.", "Conseil futur.", key="from_the_future"))
    answers = reopen(store, catalog).duels[0].turns[0].answers
    assert answers["A"].error.text("en") == "Message ancien. Conseil ancien."
    assert answers["B"].error.text("en") == "Message futur. Conseil futur."


def test_streamed_text_is_written_within_a_tenth_of_a_second_in_one_transaction(workshop, store, catalog):
    """A commit per token cost a twelfth of the app's CPU at 25 tokens/s: the text waits in memory
    at most STREAM_WRITE_S (and until the screen's next frame, which commits it first)."""
    from duels_tui.arena.workshop import STREAM_WRITE_S

    now = [100.0]
    workshop.clock = lambda: now[0]
    workshop.advance()
    workshop.begin_turn(0)
    workshop.apply(0, "A", TextDelta("Un "))  # the first is written at once
    now[0] += STREAM_WRITE_S / 2
    workshop.apply(0, "A", TextDelta("deux "))
    workshop.apply(0, "B", TextDelta("Autre "))
    assert reopen(store, catalog).duels[0].turns[0].answers["A"].text == "Un "
    now[0] += STREAM_WRITE_S
    workshop.apply(0, "A", TextDelta("trois"))  # a tenth of a second later: all that waited
    answers = reopen(store, catalog).duels[0].turns[0].answers
    assert (answers["A"].text, answers["B"].text) == ("Un deux trois", "Autre ")
