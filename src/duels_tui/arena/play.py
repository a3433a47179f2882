"""Running a turn: both models through the engine's `Duel`, every event into the workshop.

    await play_turn(workshop, i, RoutedSource(), on_event=refresh)

Each event is applied (and committed) before `on_event(side, event)` is called, so the screen
never shows what the database does not hold. `on_applied(side, event)` is told of each event
without a commit: a screen that draws later, when its frame is due, commits then. Cancelling the
task (Esc) cancels the turn: the answers still streaming keep their text and become CANCELLED.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
from collections.abc import Awaitable, Callable

from duels_tui.arena.state import AnswerStatus
from duels_tui.arena.workshop import Workshop
from duels_tui.catalog import ModelCard
from duels_tui.engine import errors
from duels_tui.engine.events import SIDES, StreamEvent
from duels_tui.engine.source import AnswerSource, close_stream

# What answers for a model: one source for every model (RoutedSource), or a function choosing
# per model card (a recorded pack for cloud models, live for local ones...).
SourceFactory = AnswerSource | Callable[[ModelCard], AnswerSource]
OnEvent = Callable[[str, StreamEvent], Awaitable[None] | None]
OnApplied = Callable[[str, StreamEvent], None]
# Awaited once the turn (or retry) is in arena state, before any request is sent: a screen draws
# it then, rather than while the models compute their first tokens.
OnBegun = Callable[[], Awaitable[None]]

_ENDED_EARLY = errors.ended_early()


def _source(factory: SourceFactory, card: ModelCard) -> AnswerSource:
    if hasattr(factory, "stream"):
        return factory  # type: ignore[return-value]
    return factory(card)  # type: ignore[operator]


async def _notify(workshop: Workshop, on_event: OnEvent | None, side: str, event: StreamEvent) -> None:
    if on_event is None:
        return
    workshop.commit_stream()  # what on_event may show is in the database first
    result = on_event(side, event)
    if inspect.isawaitable(result):
        await result


def _close_unfinished(workshop: Workshop, i: int, sides: tuple[str, ...]) -> list[str]:
    """A stream that ended without Done or EngineError breaks the source contract; its answer
    must not stay STREAMING forever (the duel could never go to the vote)."""
    ended = []
    for side in sides:
        if workshop.answer(i, side).status is AnswerStatus.STREAMING:
            workshop.apply(i, side, _ENDED_EARLY)
            ended.append(side)
    return ended


async def play_turn(
    workshop: Workshop,
    i: int,
    source_factory: SourceFactory,
    on_event: OnEvent | None = None,
    follow_up: str | None = None,
    one_after_other: bool = False,
    on_applied: OnApplied | None = None,
    on_begun: OnBegun | None = None,
) -> None:
    """Send duel i's prompt (or `follow_up`) to both models and stream their answers to the end.

    Both run concurrently through `engine.duel.Duel` (or A then B with `one_after_other`, when
    the two models do not fit in memory together); a failure on one side is that side's
    EngineError and the other goes on. `on_event(side, event)` (sync or async) is called after
    each event is applied; `on_begun()` is awaited once the turn has begun, before the requests
    go. Cancel the task to cancel the turn."""
    from duels_tui.engine.duel import Duel, Entrant

    requests = workshop.begin_turn(i, follow_up)
    duel = workshop.duels[i]
    entrants = {
        side: Entrant(_source(source_factory, workshop.card(duel.sides[side])), requests[side]) for side in SIDES
    }
    runner = Duel(entrants["A"], entrants["B"], one_after_other=one_after_other)
    try:
        if on_begun is not None:  # cancelled here, the turn is cancelled as below
            await on_begun()
        async for side, event in runner:
            workshop.apply(i, side, event)
            if on_applied is not None:
                on_applied(side, event)
            await _notify(workshop, on_event, side, event)
    except asyncio.CancelledError:
        workshop.cancel_turn(i)
        raise
    except Exception:
        # A bug or a store failure: the answers still streaming end as failed ones, which the
        # facilitator can retry (the screen says so), never stuck « en cours ». The first error
        # is the one raised.
        with contextlib.suppress(Exception):
            _close_unfinished(workshop, i, SIDES)
        raise
    finally:
        await runner.aclose()
    for side in _close_unfinished(workshop, i, SIDES):
        await _notify(workshop, on_event, side, _ENDED_EARLY)


async def play_retry(
    workshop: Workshop,
    i: int,
    side: str,
    source_factory: SourceFactory,
    on_event: OnEvent | None = None,
    on_applied: OnApplied | None = None,
    on_begun: OnBegun | None = None,
) -> None:
    """Re-run one side's answer in duel i's last turn (see `Workshop.retry`); the other side is
    not touched. Cancel the task to cancel it (the answer becomes CANCELLED). `on_begun()` as in
    play_turn."""
    request = workshop.retry(i, side)
    source = _source(source_factory, workshop.card(workshop.duels[i].sides[side]))
    stream = source.stream(request)
    try:
        if on_begun is not None:
            await on_begun()
        async for event in stream:
            workshop.apply(i, side, event)
            if on_applied is not None:
                on_applied(side, event)
            await _notify(workshop, on_event, side, event)
            await asyncio.sleep(0)  # buffered chunks never suspend: let the UI run between two
    except asyncio.CancelledError:
        workshop.cancel_answer(i, side)
        raise
    except Exception:
        with contextlib.suppress(Exception):
            _close_unfinished(workshop, i, (side,))
        raise
    finally:
        await close_stream(stream)
    for ended in _close_unfinished(workshop, i, (side,)):
        await _notify(workshop, on_event, ended, _ENDED_EARLY)
