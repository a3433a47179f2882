"""Two answers at once: they run concurrently, cancel stops both and closes their connections,
and one side failing never stops the other."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest

from duels_tui.engine.duel import Duel, Entrant
from duels_tui.engine.events import (
    AnswerRequest,
    Done,
    EngineError,
    ErrorKind,
    ReasoningDelta,
    StreamEvent,
    TextDelta,
    Usage,
)
from scripted_server import ModelScript

pytestmark = pytest.mark.asyncio


async def run(duel: Duel) -> dict[str, list[StreamEvent]]:
    events: dict[str, list[StreamEvent]] = {"A": [], "B": []}
    async for side, event in duel:
        events[side].append(event)
    return events


def text(events: list[StreamEvent]) -> str:
    return "".join(e.text for e in events if isinstance(e, TextDelta))


async def test_two_one_second_answers_take_one_second_not_two(source_class, scripted_server, ask):
    scripted_server.add(
        ModelScript("a", tokens=21, delay_s=0.05),  # 20 gaps of 50 ms: 1 s
        ModelScript("b", tokens=21, delay_s=0.05),
    )
    duel = Duel.between(source_class(), ask("a"), ask("b"))
    start = time.perf_counter()
    events = await run(duel)
    elapsed = time.perf_counter() - start

    assert isinstance(events["A"][-1], Done) and isinstance(events["B"][-1], Done)
    assert elapsed < 1.5, elapsed  # serial would be 2 s or more
    assert elapsed >= 1.0


async def test_events_of_both_sides_interleave_as_they_come(source_class, scripted_server, ask):
    scripted_server.add(ModelScript("a", tokens=10, delay_s=0.03), ModelScript("b", tokens=10, delay_s=0.03))
    order = [side async for side, event in Duel.between(source_class(), ask("a"), ask("b"))]
    first_done = min(len(order) - order[::-1].index(side) - 1 for side in "AB")
    assert {"A", "B"} <= set(order[: first_done + 1])  # B started long before A ended, and back


async def test_a_slow_and_a_fast_model_take_as_long_as_the_slow_one(source_class, scripted_server, ask):
    scripted_server.add(ModelScript("lent", tokens=9, delay_s=0.1), ModelScript("vif", tokens=40, delay_s=0.005))
    start = time.perf_counter()
    events = await run(Duel.between(source_class(), ask("lent"), ask("vif")))
    elapsed = time.perf_counter() - start
    fast, slow = events["B"][-1], events["A"][-1]
    assert isinstance(fast, Done) and isinstance(slow, Done)
    assert fast.total_s < slow.total_s
    assert elapsed < slow.total_s + 0.4


async def test_cancel_stops_both_at_once_and_the_server_sees_both_connections_close(source_class, scripted_server, ask):
    scripted_server.add(
        ModelScript("a", tokens=10_000, delay_s=0.02),
        ModelScript("b", tokens=10_000, delay_s=0.03, thinking=20),
    )
    duel = Duel.between(source_class(), ask("a"), ask("b"))
    seen = {"A": 0, "B": 0}
    async for side, _event in duel:
        seen[side] += 1
        if min(seen.values()) >= 3:
            break_at = time.perf_counter()
            duel.cancel()
    # the loop ended by itself on cancel, after both streams were closed
    assert time.perf_counter() - break_at < 0.5
    requests = scripted_server.chat_requests()
    assert len(requests) == 2

    def both_closed() -> bool:
        return not any(scripted_server.is_open(r.connection_id) for r in requests)

    assert await scripted_server.wait_until_async(both_closed, 0.5)
    assert time.perf_counter() - break_at < 0.5
    assert all(r.client_left and not r.completed for r in requests)
    assert all(r.tokens_sent < 100 for r in requests)


async def test_cancelling_the_consuming_task_also_closes_both(source_class, scripted_server, ask):
    scripted_server.add(ModelScript("a", tokens=10_000, delay_s=0.02), ModelScript("b", tokens=10_000, delay_s=0.02))
    duel = Duel.between(source_class(), ask("a"), ask("b"))
    task = asyncio.create_task(run(duel))
    assert await scripted_server.wait_until_async(
        lambda: sum(r.tokens_sent > 2 for r in scripted_server.chat_requests()) == 2, 5
    )
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    requests = scripted_server.chat_requests()
    assert await scripted_server.wait_until_async(
        lambda: not any(scripted_server.is_open(r.connection_id) for r in requests), 0.5
    )


async def test_cancel_while_waiting_for_the_first_token(source_class, scripted_server, ask):
    scripted_server.add(
        ModelScript("sourd", headers_delay_s=float("inf")), ModelScript("b", tokens=10_000, delay_s=0.02)
    )
    duel = Duel.between(source_class(), ask("sourd", connect_timeout_s=30), ask("b"))
    task = asyncio.create_task(run(duel))
    assert await scripted_server.wait_until_async(lambda: len(scripted_server.chat_requests()) == 2, 5)
    await asyncio.sleep(0.1)
    duel.cancel()
    start = time.perf_counter()
    await task
    requests = scripted_server.chat_requests()
    assert await scripted_server.wait_until_async(
        lambda: not any(scripted_server.is_open(r.connection_id) for r in requests), 0.5
    )
    assert time.perf_counter() - start < 0.5


@pytest.mark.parametrize("failure", [{"status": 404}, {"drop_after": 3}, {"stall_after": 3}])
async def test_one_side_failing_leaves_the_other_complete(source_class, scripted_server, ask, failure):
    scripted_server.add(
        ModelScript("panne", tokens=30, delay_s=0.01, **failure),
        ModelScript("ok", tokens=30, delay_s=0.02),
    )
    events = await run(Duel.between(source_class(), ask("panne", stall_timeout_s=0.2), ask("ok")))
    assert isinstance(events["A"][-1], EngineError)
    assert isinstance(events["B"][-1], Done)
    assert len(text(events["B"])) > 100


async def test_retry_one_side_while_the_other_goes_on(source_class, scripted_server, ask):
    scripted_server.add(
        ModelScript("hoquet", tokens=5, status=500, status_times=1),
        ModelScript("ok", tokens=30, delay_s=0.02),
    )
    duel = Duel.between(source_class(), ask("hoquet"), ask("ok"))
    events: dict[str, list[StreamEvent]] = {"A": [], "B": []}
    async for side, event in duel:
        events[side].append(event)
        if side == "A" and isinstance(event, EngineError):
            assert event.kind is ErrorKind.OTHER
            duel.retry("A")  # the r key
    assert isinstance(events["A"][-1], Done)
    assert isinstance(events["B"][-1], Done)
    assert text(events["A"]).startswith("Bonne question")


class _Broken:
    """A source with a bug: it raises instead of yielding an EngineError."""

    async def stream(self, request: AnswerRequest) -> AsyncIterator[StreamEvent]:
        yield TextDelta("Bonjour")
        raise RuntimeError("bug")


async def test_a_source_bug_on_one_side_is_an_error_event_not_a_crash(source_class, scripted_server, ask):
    scripted_server.add(ModelScript("ok", tokens=10, delay_s=0.01))
    duel = Duel(Entrant(_Broken(), ask("x")), Entrant(source_class(), ask("ok")))
    events = await run(duel)
    error = events["A"][-1]
    assert isinstance(error, EngineError) and error.kind is ErrorKind.OTHER
    assert "RuntimeError" in error.detail
    assert isinstance(events["B"][-1], Done)


class _Buffered:
    """A source whose chunks are all there at once (a fast server's, read from one buffer): it
    never suspends between two."""

    def __init__(self, words: list[str], reasoning: int = 0, closing_s: float = 0.0) -> None:
        self.words, self.reasoning, self.closing_s = words, reasoning, closing_s

    async def stream(self, request: AnswerRequest) -> AsyncIterator[StreamEvent]:
        try:
            for i, word in enumerate(self.words):
                began = time.perf_counter()
                while time.perf_counter() - began < 0.0001:  # reading a chunk costs some CPU
                    pass
                yield ReasoningDelta(word) if i < self.reasoning else TextDelta(word)
            yield Usage(5, len(self.words), "server")
            yield Done(0.0, 0.1, 0.1, None, "stop")
        finally:
            await asyncio.sleep(self.closing_s)  # its connection closing


async def test_chunks_read_at_once_come_joined_in_order_and_the_loop_still_turns(ask):
    words = [f"m{i} " for i in range(3000)]
    ticks = 0

    async def ticker() -> None:  # the screen's timers: they must run while the answers stream
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0)

    clock = asyncio.create_task(ticker())
    try:
        events = await run(Duel(Entrant(_Buffered(words, reasoning=10), ask("a")), Entrant(_Buffered(words), ask("b"))))
    finally:
        clock.cancel()
    for side, reasoning in (("A", 10), ("B", 0)):
        deltas = [e for e in events[side] if isinstance(e, TextDelta | ReasoningDelta)]
        assert len(deltas) < len(words) / 5  # joined: one store write and one screen step each
        assert "".join(e.text for e in deltas if isinstance(e, ReasoningDelta)) == "".join(words[:reasoning])
        assert text(events[side]) == "".join(words[reasoning:])  # whole, in order
        assert [type(e) for e in events[side][-2:]] == [Usage, Done]
    assert ticks > 20  # 0.6 s of reading: the loop turned every few ms, not only at the end


async def test_a_retried_sides_new_text_is_never_joined_to_the_old(ask):
    old = _Buffered(["vieux "] * 5000, closing_s=0.05)
    duel = Duel(Entrant(old, ask("a")), Entrant(_Buffered(["b "] * 5), ask("b")))
    duel.start()
    await asyncio.sleep(0.05)  # the old answer's chunks wait in the queue, read by no one yet
    duel.entrants["A"] = Entrant(_Buffered(["neuf "] * 50), ask("a"))
    duel.retry("A")  # from another task than the reader's: a key
    await asyncio.sleep(0.02)  # the new answer's first chunks queue behind the old's, the old still closing
    seen = [event for side, event in await _all(duel) if side == "A"]
    texts = [e.text for e in seen if isinstance(e, TextDelta)]
    assert any("vieux" in t for t in texts) and not any("vieux" in t and "neuf" in t for t in texts)
    assert texts[-1].endswith("neuf ") and isinstance(seen[-1], Done)


async def _all(duel: Duel) -> list[tuple[str, StreamEvent]]:
    return [item async for item in duel]
