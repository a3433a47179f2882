"""play_turn: both sides through the engine's Duel, every event applied before the UI hears of it."""

from __future__ import annotations

import asyncio
import random
import sqlite3

import pytest

from duels_tui.arena.play import play_retry, play_turn
from duels_tui.arena.state import AnswerStatus, Step
from duels_tui.arena.testing import answer_events
from duels_tui.arena.workshop import Workshop
from duels_tui.catalog import Catalog
from duels_tui.engine.events import EngineError, ErrorKind, TextDelta


class ScriptedSource:
    """An AnswerSource answering per route from a list of events, with a pause between them."""

    def __init__(self, scripts, delay_s=0.0):
        self.scripts = scripts
        self.delay_s = delay_s
        self.requests = []
        self.closed = 0

    async def stream(self, request):
        self.requests.append(request)
        try:
            for event in self.scripts[request.route]:
                await asyncio.sleep(self.delay_s)
                yield event
        finally:
            self.closed += 1


def routes(workshop, i=0):
    return {side: workshop.card(workshop.duels[i].sides[side]).route for side in "AB"}


@pytest.mark.asyncio
async def test_both_sides_applied_and_committed_before_on_event(workshop, store):
    workshop.advance()
    r = routes(workshop)
    source = ScriptedSource(
        {
            r["A"]: answer_events("Réponse de A, assez longue.", reasoning="Je réfléchis."),
            r["B"]: answer_events("Réponse de B."),
        },
        delay_s=0.001,
    )
    seen = []

    def on_event(side, event):
        answer = workshop.answer(0, side)
        if isinstance(event, TextDelta):
            # the delta is already in memory and on disk when the UI is told
            assert answer.text.endswith(event.text)
            conn = sqlite3.connect(store.path)
            stored = "".join(
                t
                for (t,) in conn.execute(
                    "SELECT text FROM chunks WHERE answer_id = ? AND kind = 'text' ORDER BY id",
                    (answer.answer_id,),
                )
            )
            conn.close()
            assert stored == answer.text
        seen.append((side, type(event).__name__))

    await play_turn(workshop, 0, source, on_event=on_event)
    for side, text in (("A", "Réponse de A, assez longue."), ("B", "Réponse de B.")):
        answer = workshop.answer(0, side)
        assert answer.status is AnswerStatus.DONE and answer.text == text
        assert answer.usage.source == "server" and answer.timings.generation_s == 2.0
    assert workshop.answer(0, "A").reasoning == "Je réfléchis."
    assert {s for s, _ in seen} == {"A", "B"} and ("A", "Done") in seen and ("B", "Done") in seen
    assert source.closed == 2
    workshop.advance()
    assert workshop.step is Step.VOTE


@pytest.mark.asyncio
async def test_async_on_event_and_follow_up(workshop):
    workshop.advance()
    r = routes(workshop)
    source = ScriptedSource({r["A"]: answer_events("Un."), r["B"]: answer_events("Deux.")})
    calls = []

    async def on_event(side, event):
        calls.append(side)

    await play_turn(workshop, 0, source, on_event=on_event)
    await play_turn(workshop, 0, source, on_event=on_event, follow_up="Et alors ?")
    assert len(workshop.duels[0].turns) == 2 and calls
    follow = [req for req in source.requests if req.messages[-1].content == "Et alors ?"]
    assert len(follow) == 2
    assert {req.messages[1].content for req in follow} == {"Un.", "Deux."}


@pytest.mark.asyncio
async def test_one_side_fails_the_other_goes_on(workshop):
    workshop.advance()
    r = routes(workshop)
    card_a = workshop.card(workshop.duels[0].sides["A"])
    failing = [TextDelta("Déb"), EngineError(ErrorKind.STALLED, f"{card_a.name} ne répond plus.", "Relancez.")]
    source = ScriptedSource({r["A"]: failing, r["B"]: answer_events("B finit.")}, 0.001)
    await play_turn(workshop, 0, source)
    a, b = workshop.answer(0, "A"), workshop.answer(0, "B")
    assert a.status is AnswerStatus.ERROR and a.text == "Déb" and a.retryable
    assert card_a.name not in a.error.message
    assert b.status is AnswerStatus.DONE
    r_source = ScriptedSource({r["A"]: answer_events("A cette fois.")})
    await play_retry(workshop, 0, "A", r_source)
    assert workshop.answer(0, "A").text == "A cette fois."
    assert workshop.answer(0, "A").attempt == 2


@pytest.mark.asyncio
async def test_stream_ending_without_done_is_an_error(workshop):
    workshop.advance()
    r = routes(workshop)
    source = ScriptedSource({r["A"]: [TextDelta("Coupé")], r["B"]: answer_events("Fini.")})
    await play_turn(workshop, 0, source)
    a = workshop.answer(0, "A")
    assert a.status is AnswerStatus.ERROR and a.error.kind is ErrorKind.BAD_RESPONSE
    assert a.text == "Coupé"


@pytest.mark.asyncio
async def test_cancelling_the_task_cancels_the_turn(workshop, store):
    workshop.advance()
    r = routes(workshop)
    long = [TextDelta(f"mot{i} ") for i in range(500)]
    source = ScriptedSource({r["A"]: long, r["B"]: long}, delay_s=0.005)
    got = asyncio.Event()

    def on_event(side, event):
        if len(workshop.answer(0, "A").text) > 20:
            got.set()

    task = asyncio.create_task(play_turn(workshop, 0, source, on_event=on_event))
    await asyncio.wait_for(got.wait(), 5)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    for side in "AB":
        answer = workshop.answer(0, side)
        assert answer.status is AnswerStatus.CANCELLED
        assert answer.text.startswith("mot0 ") or side == "B"
    assert source.closed == 2
    turn_id = workshop.duels[0].turns[0].turn_id
    assert {row["status"] for row in store.answers(turn_id)} == {"cancelled"}


@pytest.mark.asyncio
async def test_through_litellm_and_the_scripted_server(scripted_server, tmp_path):
    """The real engine: LiteLLMSource on ollama_chat routes served by the scripted server."""
    pytest.importorskip("litellm")
    from dataclasses import replace

    from duels_tui.arena.testing import demo_catalog, demo_programme
    from duels_tui.engine.litellm_source import LiteLLMSource
    from duels_tui.store import Store
    from scripted_server import ModelScript

    scripted_server.add(
        ModelScript("grand", tokens=30, delay_s=0.002),
        ModelScript("petit", tokens=12, thinking=5, delay_s=0.001),
    )
    demo = demo_catalog()
    cards = {
        "llama-3.3-70b": replace(
            demo.get("llama-3.3-70b"), route="ollama_chat/grand", api_base=scripted_server.base_url
        ),
        "gemma-3-4b": replace(demo.get("gemma-3-4b"), route="ollama_chat/petit", api_base=scripted_server.base_url),
    }
    catalog = Catalog(demo.scale, cards)
    programme = demo_programme(2)
    programme = replace(programme, duels=programme.duels[1:2])
    with Store.open(tmp_path / "duels.sqlite3") as store:
        workshop = Workshop.start(programme, catalog, store, rng=random.Random(0))
        workshop.advance()
        await asyncio.wait_for(play_turn(workshop, 0, LiteLLMSource()), 30)
        by_model = {workshop.answer(0, s).model_id: workshop.answer(0, s) for s in "AB"}
        big, small = by_model["llama-3.3-70b"], by_model["gemma-3-4b"]
        assert big.status is AnswerStatus.DONE and small.status is AnswerStatus.DONE
        assert big.usage.source == "server" and big.usage.completion_tokens == 30
        assert small.reasoning and small.text
        resumed = Workshop.resume(Store.open(store.path), catalog)
        assert resumed.answer(0, "A").text == workshop.answer(0, "A").text
        assert resumed.step is Step.STREAMING


@pytest.mark.asyncio
async def test_on_begun_comes_once_the_turn_has_begun_and_before_any_request(workshop, store):
    """The screen draws the new turn in `on_begun`, while no model computes yet."""
    workshop.advance()
    r = routes(workshop)
    source = ScriptedSource({r["A"]: answer_events("A."), r["B"]: answer_events("B.")})
    seen = []

    async def on_begun():
        turns = workshop.duels[0].turns
        seen.append((len(turns), [workshop.answer(0, s).status for s in "AB"], len(source.requests)))
        await asyncio.sleep(0.01)  # a frame's time: the requests wait for it

    await play_turn(workshop, 0, source, on_begun=on_begun)
    assert seen == [(1, [AnswerStatus.STREAMING] * 2, 0)]
    assert len(source.requests) == 2 and workshop.answer(0, "A").text == "A."
    seen.clear()
    await play_retry(workshop, 0, "B", source, on_begun=on_begun)  # a retry too, before its request
    assert seen == [(1, [AnswerStatus.DONE, AnswerStatus.STREAMING], 2)] and len(source.requests) == 3


@pytest.mark.asyncio
async def test_a_turn_cancelled_while_it_is_drawn_is_cancelled_not_left_streaming(workshop, store):
    """Esc pressed as the turn is drawn (its requests not sent yet): both answers end as
    cancelled, none stays « en cours », and nothing was asked of the models."""
    workshop.advance()
    r = routes(workshop)
    source = ScriptedSource({r["A"]: answer_events("A."), r["B"]: answer_events("B.")})
    drawing = asyncio.Event()

    async def on_begun():
        drawing.set()
        await asyncio.sleep(30)

    task = asyncio.create_task(play_turn(workshop, 0, source, on_begun=on_begun))
    await asyncio.wait_for(drawing.wait(), 5)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert [workshop.answer(0, s).status for s in "AB"] == [AnswerStatus.CANCELLED] * 2
    assert source.requests == []
    turn_id = workshop.duels[0].turns[0].turn_id
    assert {row["status"] for row in store.answers(turn_id)} == {"cancelled"}
    retry = asyncio.create_task(play_retry(workshop, 0, "A", source, on_begun=on_begun))
    drawing.clear()
    await asyncio.wait_for(drawing.wait(), 5)
    retry.cancel()
    with pytest.raises(asyncio.CancelledError):
        await retry
    assert workshop.answer(0, "A").status is AnswerStatus.CANCELLED and source.requests == []
