"""Workshop: steps, the requests each side gets, events applied, cancel and retry."""

from __future__ import annotations

import random

import pytest

from duels_tui.arena.state import AnswerStatus, Step
from duels_tui.arena.testing import answer_events, stream_turn
from duels_tui.arena.votes import VoteCounts
from duels_tui.arena.workshop import Workshop, WorkshopError
from duels_tui.engine.events import (
    Done,
    EngineError,
    ErrorKind,
    ReasoningDelta,
    TextDelta,
    Usage,
)


def test_start_draws_and_stores_sides(programme, catalog, store):
    first = Workshop.start(programme, catalog, store, rng=random.Random(1))
    second = Workshop.start(programme, catalog, store, rng=random.Random(1))
    assert [d.sides for d in first.duels] == [d.sides for d in second.duels]
    for duel, spec in zip(first.duels, programme.duels, strict=True):
        assert sorted(duel.sides.values()) == sorted(spec.model_ids)
    draws = {
        Workshop.start(programme, catalog, store, rng=random.Random(seed)).duels[0].sides["A"] for seed in range(12)
    }
    assert draws == set(programme.duels[0].model_ids)  # both orders happen
    stored = {row["idx"]: (row["model_a"], row["model_b"]) for row in store.duels(first.session_id)}
    assert stored == {d.index: (d.sides["A"], d.sides["B"]) for d in first.duels}


def test_full_walk_through_the_steps(workshop):
    assert workshop.step is Step.HOME
    workshop.advance()
    assert (workshop.step, workshop.current) == (Step.PROMPT, 0)
    with pytest.raises(WorkshopError, match="Lancez le duel"):
        workshop.advance()
    for i in range(3):
        workshop.begin_turn(i)
        assert workshop.step is Step.STREAMING
        with pytest.raises(WorkshopError, match="arrivent encore"):
            workshop.advance()
        for side in "AB":
            for event in answer_events(f"Réponse {side}{i}"):
                workshop.apply(i, side, event)
        workshop.advance()
        assert workshop.step is Step.VOTE
        with pytest.raises(WorkshopError, match="vote de la salle"):
            workshop.advance()
        workshop.record_vote(i, VoteCounts(3, 1))
        workshop.advance()
        assert workshop.step is Step.REVEAL and workshop.duels[i].revealed
        workshop.advance()
    assert workshop.step is Step.FINAL
    workshop.advance()
    assert workshop.step is Step.DONE and workshop.finished
    with pytest.raises(WorkshopError):
        workshop.advance()


def test_go_to_and_final(workshop):
    workshop.go_to(2)
    assert (workshop.current, workshop.step) == (2, Step.PROMPT)
    workshop.go_to_final()
    assert workshop.step is Step.FINAL
    with pytest.raises(WorkshopError, match="n° 4"):
        workshop.go_to(3)


def test_prompt_editable_before_launch_only(workshop, store):
    workshop.set_prompt(0, "  Une question de la salle ?  ")
    assert workshop.duels[0].prompt == "Une question de la salle ?"
    assert store.duels(workshop.session_id)[0]["prompt"] == "Une question de la salle ?"
    with pytest.raises(WorkshopError, match="vide"):
        workshop.set_prompt(0, "   ")
    requests = workshop.begin_turn(0)
    assert requests["A"].messages[-1].content == "Une question de la salle ?"
    with pytest.raises(WorkshopError, match="déjà été envoyé"):
        workshop.set_prompt(0, "Trop tard")


def test_requests_carry_each_models_own_history(catalog, store):
    from duels_tui.arena.testing import demo_programme

    prog = demo_programme(system_prompt="Réponds en français.")
    w = Workshop.start(prog, catalog, store, rng=random.Random(3))
    first = w.begin_turn(0)
    for side in "AB":
        card = catalog.get(w.duels[0].sides[side])
        assert first[side].route == card.route
        assert first[side].api_key_env == card.api_key_env
        assert first[side].max_tokens == 400 and first[side].temperature == 0.7
        assert [m.role for m in first[side].messages] == ["system", "user"]
    for event in answer_events("Je réponds A.", reasoning="Je réfléchis."):
        w.apply(0, "A", event)
    w.apply(0, "B", TextDelta("Je réponds B."))
    w.apply(0, "B", Done(0.1, 1.0, 1.1, 5.0))
    follow = w.begin_turn(0, "Et en plus court ?")
    a, b = follow["A"].messages, follow["B"].messages
    assert [m.role for m in a] == ["system", "user", "assistant", "user"]
    assert a[2].content == "Je réponds A." and b[2].content == "Je réponds B."
    assert "Je réfléchis" not in " ".join(m.content for m in a)  # reasoning is not sent back
    assert a[3].content == "Et en plus court ?"
    w.cancel_turn(0)
    with pytest.raises(WorkshopError, match="vide"):
        w.begin_turn(0, "  ")


def test_unanswered_turn_is_merged_into_the_next_question(workshop):
    workshop.begin_turn(0)
    workshop.apply(0, "A", EngineError(ErrorKind.TIMEOUT, "Pas de réponse.", "Réessayez."))
    for event in answer_events("B répond."):
        workshop.apply(0, "B", event)
    follow = workshop.begin_turn(0, "Relance")
    roles = [m.role for m in follow["A"].messages]
    assert roles == ["user"]
    assert follow["A"].messages[0].content == workshop.duels[0].prompt + "\n\nRelance"
    assert [m.role for m in follow["B"].messages] == ["user", "assistant", "user"]


def test_follow_up_rules(workshop):
    with pytest.raises(WorkshopError, match="d'abord le prompt"):
        workshop.begin_turn(0, "Relance")
    workshop.begin_turn(0)
    with pytest.raises(WorkshopError, match="arrivent encore"):
        workshop.begin_turn(0, "Relance")
    workshop.cancel_turn(0)
    with pytest.raises(WorkshopError, match="relance"):
        workshop.begin_turn(0)
    workshop.advance()
    with pytest.raises(WorkshopError, match="vote a commencé"):
        workshop.begin_turn(0, "Relance")


def test_apply_updates_memory_and_store_together(workshop, store):
    workshop.begin_turn(0)
    ticks = iter([10.0, 10.5, 11.0])
    workshop.clock = lambda: next(ticks)
    workshop.apply(0, "A", ReasoningDelta("Hmm. "))
    workshop.apply(0, "A", TextDelta("Bonjour"))
    workshop.apply(0, "A", TextDelta(" à tous, voici une réponse."))
    answer = workshop.answer(0, "A")
    assert answer.text == "Bonjour à tous, voici une réponse." and answer.reasoning == "Hmm. "
    assert answer.usage_source == "estimate" and answer.output_tokens == 9 + 2
    assert answer.live_tokens_per_s == pytest.approx(11 / 1.0)
    turn_id = workshop.duels[0].turns[0].turn_id
    row = {r["side"]: r for r in store.answers(turn_id)}["A"]
    assert row["text"] == answer.text and row["reasoning"] == "Hmm. "
    assert row["status"] == "streaming"
    workshop.apply(0, "A", Usage(12, 40, "server", reasoning_tokens=5))
    workshop.apply(0, "A", Done(0.3, 2.0, 2.3, 20.0, "stop"))
    assert answer.status is AnswerStatus.DONE and answer.output_tokens == 40
    assert answer.live_tokens_per_s == 20.0
    row = {r["side"]: r for r in store.answers(turn_id)}["A"]
    assert (row["status"], row["completion_tokens"], row["usage_source"]) == ("done", 40, "server")
    assert (row["ttft_s"], row["generation_s"], row["tokens_per_s"]) == (0.3, 2.0, 20.0)
    assert row["text"] == answer.text
    assert store.chunk_text(answer.answer_id) == ("", "")  # folded into the answer row
    workshop.apply(0, "A", TextDelta("trop tard"))  # an ended answer ignores late events
    assert "trop tard" not in workshop.answer(0, "A").text


def test_error_is_stored_anonymous(workshop, store):
    workshop.begin_turn(0)
    side_b_model = workshop.duels[0].sides["B"]
    card = workshop.card(side_b_model)
    workshop.apply(0, "B", TextDelta("Début"))
    workshop.apply(
        0,
        "B",
        EngineError(
            ErrorKind.REFUSED,
            f"{card.name} a refusé la requête.",
            "Vérifiez la clé.",
            detail=f"route {card.route}",
            retryable=False,
        ),
    )
    answer = workshop.answer(0, "B")
    assert answer.status is AnswerStatus.ERROR and answer.text == "Début"
    assert card.name not in answer.error.message and not answer.retryable
    row = {r["side"]: r for r in store.answers(workshop.duels[0].turns[0].turn_id)}["B"]
    assert row["error_kind"] == "refused" and card.name not in row["error_message"]
    assert card.route not in str(dict(row))
    assert workshop.answer(0, "A").status is AnswerStatus.STREAMING  # the other pane goes on


def test_cancel_keeps_text_and_retry_starts_over(workshop, store):
    workshop.begin_turn(0)
    workshop.apply(0, "A", TextDelta("Une réponse coupée"))
    for event in answer_events("B a fini."):
        workshop.apply(0, "B", event)
    workshop.cancel_turn(0)
    a = workshop.answer(0, "A")
    assert a.status is AnswerStatus.CANCELLED and a.text == "Une réponse coupée" and a.retryable
    assert workshop.answer(0, "B").status is AnswerStatus.DONE
    request = workshop.retry(0, "A")
    assert request.messages[-1].content == workshop.duels[0].prompt
    fresh = workshop.answer(0, "A")
    assert (fresh.status, fresh.text, fresh.attempt) == (AnswerStatus.STREAMING, "", 2)
    assert fresh.answer_id == a.answer_id
    for event in answer_events("Nouvelle réponse."):
        workshop.apply(0, "A", event)
    row = {r["side"]: r for r in store.answers(workshop.duels[0].turns[0].turn_id)}["A"]
    assert (row["text"], row["attempt"], row["status"]) == ("Nouvelle réponse.", 2, "done")
    with pytest.raises(WorkshopError, match="côté inconnu"):
        workshop.retry(0, "C")
    workshop.advance()
    with pytest.raises(WorkshopError, match="avant le vote"):
        workshop.retry(0, "A")


def test_retry_refused_while_streaming(workshop):
    workshop.begin_turn(0)
    with pytest.raises(WorkshopError, match="arrive encore"):
        workshop.retry(0, "A")


def test_vote_rules_and_correction(workshop, store):
    with pytest.raises(WorkshopError, match="rien à voter"):
        workshop.record_vote(0, VoteCounts(1))
    workshop.advance()
    stream_turn(workshop, 0)
    workshop.record_vote(0, VoteCounts(5, 2, 1, 0), {"A": {"useful"}, "B": {"incorrect"}}, {"A": " Clair ", "B": ""})
    assert workshop.step is Step.VOTE  # recording the vote ends the conversation
    workshop.record_vote(0, VoteCounts(5, 6, 1, 0), {"B": {"complete"}})
    duel_id = workshop.duels[0].duel_id
    row = store.vote(duel_id)
    assert (row["votes_a"], row["votes_b"]) == (5, 6)
    assert store.qualifiers(duel_id) == {"A": set(), "B": {"complete"}}
    assert store.comments(duel_id) == {}
    workshop.record_vote(0, VoteCounts.quick_vote("A"), comments={"A": "Très clair"})
    assert store.vote(duel_id)["quick"] == 1
    assert store.comments(duel_id) == {"A": "Très clair"}


def test_reveal_needs_the_vote_and_moves_to_reveal(workshop):
    workshop.advance()
    stream_turn(workshop, 0)
    with pytest.raises(WorkshopError, match="vote de la salle"):
        workshop.reveal(0)
    workshop.record_vote(0, VoteCounts(4, 2))
    reveal = workshop.reveal(0)
    assert workshop.step is Step.VOTE  # computing the reveal changes nothing
    workshop.show_reveal(0)
    assert workshop.step is Step.REVEAL
    assert reveal.vote == VoteCounts(4, 2)
    assert {reveal.a.model_id, reveal.b.model_id} == set(workshop.duels[0].sides.values())


def test_model_gone_from_the_catalog_writes_no_turn(workshop, store):
    workshop.advance()
    gone = workshop.duels[0].sides["B"]
    del workshop.catalog.models[gone]
    with pytest.raises(WorkshopError, match="Le modèle B n'est plus dans le catalogue"):
        workshop.begin_turn(0)
    assert workshop.duels[0].turns == [] and workshop.step is Step.PROMPT
    assert store.turns(workshop.duels[0].duel_id) == []
    assert workshop.card(gone).id == gone  # the reveal still has the stored card


def test_ollama_routes_follow_ollama_host(workshop, monkeypatch):
    """A room's ollama may run on another machine: OLLAMA_HOST decides where requests go."""
    monkeypatch.setenv("OLLAMA_HOST", "192.0.2.10:11500")
    requests = workshop.begin_turn(1)
    ollama_sides = [r for r in requests.values() if r.route.startswith("ollama")]
    assert ollama_sides, "the demo programme's second duel should include an ollama model"
    assert {r.api_base for r in ollama_sides} == {"http://192.0.2.10:11500"}
