"""Two answers at once: both streams run concurrently and their events come out as they arrive,
tagged with their side. The duel lasts as long as the slower answer, not the sum.

    duel = Duel(Entrant(source, request_a), Entrant(source, request_b))
    async for side, event in duel:      # side is "A" or "B"
        ...
    duel.cancel()                       # Esc: stops both now and closes their connections
    duel.retry("B")                     # ctrl+r: B starts again; A goes on untouched

A failure on one side is an EngineError event for that side; the other side carries on.
`Duel(a, b, one_after_other=True)` runs B once A has ended (two models that do not fit in memory
together: each is timed on its own, B says `Waiting("turn")` meanwhile).
Call `cancel`, `retry` and iterate from the event loop that runs the duel (not from a thread).
Iteration ends when both sides have ended; after a later `retry`, iterate again for its events.
"""

from __future__ import annotations

import asyncio
import contextvars
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass

from duels_tui.engine import errors
from duels_tui.engine.events import SIDES, AnswerRequest, ReasoningDelta, Side, StreamEvent, TextDelta, Waiting
from duels_tui.engine.source import AnswerSource, close_stream

# A stream whose chunks are already buffered never suspends: it gives the loop back at least this
# often (the UI froze 1.2 s on two 2,000-token answers when it did not, bench/ui_bench.py). What
# it read meanwhile is handed on joined (see `_joined`).
HOLD_S = 0.004


@dataclass(frozen=True)
class Entrant:
    """One side of a duel: who answers (the source) and what it is asked."""

    source: AnswerSource
    request: AnswerRequest


@dataclass(frozen=True)
class _Finished:
    task: asyncio.Task[None]


class Duel:
    """Runs both sides concurrently; iterate it (once) for `(side, event)` pairs."""

    def __init__(self, a: Entrant, b: Entrant, *, one_after_other: bool = False) -> None:
        self.entrants: dict[Side, Entrant] = {"A": a, "B": b}
        self.one_after_other = one_after_other
        self._queue: asyncio.Queue[tuple[Side, StreamEvent] | _Finished | None] = asyncio.Queue()
        self._tasks: dict[Side, asyncio.Task[None]] = {}
        self._started = False
        self._cancelled = False

    @classmethod
    def between(cls, source: AnswerSource, request_a: AnswerRequest, request_b: AnswerRequest) -> Duel:
        return cls(Entrant(source, request_a), Entrant(source, request_b))

    @property
    def cancelled(self) -> bool:
        return self._cancelled

    def running(self, side: Side) -> bool:
        task = self._tasks.get(side)
        return task is not None and not task.done()

    def start(self) -> None:
        """Start both streams (iterating starts them too)."""
        if not self._started:
            self._started = True
            for side in SIDES:
                self._launch(side)

    def retry(self, side: Side, request: AnswerRequest | None = None) -> None:
        """Start `side` again (after its failure, say), optionally with a new request; its
        running stream, if any, is stopped first. The other side is not touched."""
        if self._cancelled:
            return
        if request is not None:
            self.entrants[side] = Entrant(self.entrants[side].source, request)
        old = self._tasks.get(side)
        if old is not None and not old.done():
            old.cancel()
        if old is not None:
            self._queue.put_nowait(_Finished(old))  # its last text is never joined to the new one's
        self._launch(side)

    def cancel(self) -> None:
        """Stop both sides now. Their streams close their connections as the tasks unwind;
        `await duel.aclose()` waits for that. Iteration ends."""
        if self._cancelled:
            return
        self._cancelled = True
        for task in self._tasks.values():
            task.cancel()
        self._queue.put_nowait(None)

    async def aclose(self) -> None:
        """Cancel (if still running) and wait until both streams are closed."""
        self.cancel()
        tasks = list(self._tasks.values())
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)

    def __aiter__(self) -> AsyncIterator[tuple[Side, StreamEvent]]:
        return self.events()

    async def events(self) -> AsyncIterator[tuple[Side, StreamEvent]]:
        self.start()
        try:
            while not self._cancelled:
                if not any(self.running(side) for side in SIDES) and self._queue.empty():
                    return
                items = [await self._queue.get()]
                while not self._queue.empty():
                    items.append(self._queue.get_nowait())
                for item in _joined(items):
                    if item is None or self._cancelled:
                        return
                    if not isinstance(item, _Finished):
                        yield item
        finally:
            if any(self.running(side) for side in SIDES):
                await self.aclose()

    def _launch(self, side: Side) -> None:
        # In a context of its own, not a copy of the caller's (the app's worker, which names its
        # duel screen): each timeout the stream armed and cancelled (asyncio.timeout, httpcore's)
        # stays in the event loop's schedule until its time, 30 s or more, with that context,
        # and kept the closed screen and its widgets alive until then.
        task = asyncio.create_task(self._run(side), name=f"duel-{side}", context=contextvars.Context())
        self._tasks[side] = task

    async def _run(self, side: Side) -> None:
        me = asyncio.current_task()
        first = self._tasks.get("A")
        if self.one_after_other and side == "B" and first is not None and not first.done():
            self._queue.put_nowait((side, Waiting("turn")))
            try:
                await asyncio.wait([first])
            except asyncio.CancelledError:
                assert me is not None
                self._queue.put_nowait(_Finished(me))
                raise
        entrant = self.entrants[side]
        stream = entrant.source.stream(entrant.request)
        held = time.perf_counter()
        try:
            async for event in stream:
                if self._tasks.get(side) is not me:
                    return  # replaced by a retry
                self._queue.put_nowait((side, event))
                if time.perf_counter() - held >= HOLD_S:
                    await asyncio.sleep(0)
                    held = time.perf_counter()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a source bug must not take the other side down
            if self._tasks.get(side) is me:
                self._queue.put_nowait((side, errors.other(f"{type(exc).__name__}: {exc}")))
        finally:
            await close_stream(stream)
            assert me is not None
            self._queue.put_nowait(_Finished(me))


def _joined(items: list) -> list:
    """The queue's items with each side's consecutive deltas of one kind joined into one: the
    chunks a fast server sent while the loop was held are stored in one write and shown in one
    step (each chunk's write was a commit, 0.17 ms of CPU: half of what two 2,000-token answers
    cost without a screen, cProfile of the engine and the store). A side's events keep their
    order; the two sides are independent. A marker (an answer ended, a retry) joins nothing
    across it."""
    out: list = []
    last: dict[Side, int] = {}  # where each side's last delta is in `out`
    for item in items:
        if isinstance(item, tuple):
            side, event = item
            at = last.get(side)
            if isinstance(event, TextDelta | ReasoningDelta):
                if at is not None and type(out[at][1]) is type(event):
                    out[at] = (side, type(event)(out[at][1].text + event.text))
                    continue
                last[side] = len(out)
            else:
                last.pop(side, None)
        else:
            last.clear()
        out.append(item)
    return out
