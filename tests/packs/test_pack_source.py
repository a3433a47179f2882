"""PackSource: the recorded events, at the recorded pace (or `speed` times faster), with the
recorded usage and timings whatever the pace; an unrecorded question is an error value."""

from __future__ import annotations

import time

import pytest

from duels_tui.engine.events import AnswerRequest, Done, EngineError, ErrorKind, Message, TextDelta, Usage
from duels_tui.engine.pack_source import PackSource, RecordedAnswer, RecordedChunk
from duels_tui.engine.source import collect

pytestmark = pytest.mark.asyncio

QUESTION = (Message("user", "Explique les data centers."),)
RECORDED = RecordedAnswer(
    model_id="petit",
    messages=QUESTION,
    chunks=tuple(RecordedChunk(0.12 + 0.02 * i, "text", f"mot{i} ") for i in range(11)),
    usage=Usage(9, 11, "server"),
    done=Done(ttft_s=0.12, generation_s=0.2, total_s=0.32, tokens_per_s=55.0, finish_reason="stop"),
    recorded_at="2026-11-20T09:00:00+00:00",
)


def ask(messages=QUESTION) -> AnswerRequest:
    return AnswerRequest(route="openai/petit", messages=messages)


async def timed(source: PackSource, request: AnswerRequest) -> tuple[list, float, float]:
    began = time.perf_counter()
    arrivals, events = [], []
    stream = source.stream(request)
    async for event in stream:
        events.append(event)
        if isinstance(event, TextDelta):
            arrivals.append(time.perf_counter() - began)
    return events, arrivals[0], arrivals[-1] - arrivals[0]


async def test_replays_the_same_events_at_the_recorded_pace():
    events, ttft, generation = await timed(PackSource([RECORDED]), ask())
    assert "".join(e.text for e in events if isinstance(e, TextDelta)) == RECORDED.text
    assert events[-2:] == [RECORDED.usage, RECORDED.done]
    assert ttft == pytest.approx(0.12, rel=0.1, abs=0.01)
    assert generation == pytest.approx(0.2, rel=0.1, abs=0.01)


async def test_speed_shortens_the_wait_but_not_the_recorded_timings():
    events, ttft, generation = await timed(PackSource([RECORDED], speed=4), ask())
    assert ttft == pytest.approx(0.03, abs=0.015)
    assert generation == pytest.approx(0.05, abs=0.02)
    assert events[-1] == RECORDED.done  # the impact rests on the recording, not on this replay


async def test_matches_on_the_conversation_only():
    # Spaces around a message do not matter; the route and the server do not either.
    request = AnswerRequest(route="ollama_chat/autre", messages=(Message("user", "  Explique les data centers.\n"),))
    answer = await collect(PackSource([RECORDED], speed=100), request)
    assert answer.text == RECORDED.text and answer.error is None


async def test_an_unrecorded_question_is_an_error_not_an_exception():
    answer = await collect(PackSource([RECORDED]), ask((Message("user", "Une autre question ?"),)))
    assert answer.text == "" and isinstance(answer.error, EngineError)
    assert not answer.error.retryable and "enregistrée" in answer.error.message


async def test_a_recorded_failure_is_replayed_as_one():
    failed = RecordedAnswer(
        "petit",
        QUESTION,
        (RecordedChunk(0.01, "text", "Début"),),
        Usage(9, 1, "estimate"),
        None,
        EngineError(ErrorKind.STALLED, "Bloqué.", "Relancez."),
    )
    answer = await collect(PackSource([failed], speed=10), ask())
    assert answer.text == "Début" and answer.usage.source == "estimate" and answer.error.message == "Bloqué."


async def test_speed_must_be_positive():
    with pytest.raises(ValueError):
        PackSource([RECORDED], speed=0)
