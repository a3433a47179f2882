"""PackSource: the recorded events, at the recorded pace (or `speed` times faster), with the
recorded usage and timings whatever the pace; an unrecorded question is an error value."""

from __future__ import annotations

import asyncio
import time
from types import SimpleNamespace

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


class VirtualClock:
    """Time that passes only when the replay sleeps, so that its pace is checked exactly rather
    than measured on a machine that may be loaded (a wall-clock check failed there now and then).
    `late_s`: every sleep overshoots by that much, as on a loaded machine."""

    def __init__(self, late_s: float = 0.0) -> None:
        self.now = 0.0
        self.late_s = late_s

    def time(self) -> float:
        return self.now

    async def sleep(self, delay: float) -> None:
        self.now += max(0.0, delay) + self.late_s
        await asyncio.sleep(0)


@pytest.fixture
def clock(monkeypatch) -> VirtualClock:
    from duels_tui.engine import pack_source

    virtual = VirtualClock()
    loop = SimpleNamespace(time=virtual.time)
    monkeypatch.setattr(pack_source, "asyncio", SimpleNamespace(get_running_loop=lambda: loop, sleep=virtual.sleep))
    return virtual


async def timed(source: PackSource, request: AnswerRequest, clock: VirtualClock) -> tuple[list, list[float]]:
    began = clock.time()
    arrivals, events = [], []
    async for event in source.stream(request):
        events.append(event)
        if isinstance(event, TextDelta):
            arrivals.append(clock.time() - began)
    return events, arrivals


async def test_replays_the_same_events_at_the_recorded_pace(clock):
    events, arrivals = await timed(PackSource([RECORDED]), ask(), clock)
    assert "".join(e.text for e in events if isinstance(e, TextDelta)) == RECORDED.text
    assert events[-2:] == [RECORDED.usage, RECORDED.done]
    assert arrivals == pytest.approx([c.at_s for c in RECORDED.chunks], abs=1e-9)


async def test_speed_shortens_the_wait_but_not_the_recorded_timings(clock):
    events, arrivals = await timed(PackSource([RECORDED], speed=4), ask(), clock)
    assert arrivals == pytest.approx([c.at_s / 4 for c in RECORDED.chunks], abs=1e-9)
    assert events[-1] == RECORDED.done  # the impact rests on the recording, not on this replay


async def test_a_late_wake_up_is_not_carried_over(clock):
    """Each chunk is due at its own time since the start: a sleep 30 ms late delays that chunk,
    not every chunk after it (the lateness of a loaded machine never adds up)."""
    clock.late_s = 0.03
    _, arrivals = await timed(PackSource([RECORDED]), ask(), clock)
    lateness = [got - c.at_s for got, c in zip(arrivals, RECORDED.chunks, strict=True)]
    assert max(lateness) == pytest.approx(0.03, abs=1e-9)


async def test_the_real_clock_is_never_ahead_of_the_recording():
    """On the real clock: no chunk comes before its recorded time (a sleep is never early)."""
    began = time.perf_counter()
    arrivals = []
    async for event in PackSource([RECORDED], speed=2).stream(ask()):
        if isinstance(event, TextDelta):
            arrivals.append(time.perf_counter() - began)
    assert all(got >= c.at_s / 2 - 0.002 for got, c in zip(arrivals, RECORDED.chunks, strict=True))


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
