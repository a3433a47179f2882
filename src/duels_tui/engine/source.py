"""What every answer source offers (live litellm or direct HTTP, replayed pack, ...), and a helper to gather one
whole answer from it."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from duels_tui.engine.events import (
    AnswerRequest,
    Done,
    EngineError,
    ReasoningDelta,
    StreamEvent,
    TextDelta,
    Usage,
)


@runtime_checkable
class AnswerSource(Protocol):
    """One answer as a stream of events. Implement `stream` as an async generator method.

    The stream yields TextDelta and ReasoningDelta as they come, then ends with either
    `Usage` then `Done`, or `EngineError` (possibly preceded by an estimated `Usage` of what had
    arrived). It never raises for a model or network failure: failures are EngineError values.
    Cancelling the consuming task, or closing the iterator (`aclose`), stops the answer and
    releases its connection."""

    def stream(self, request: AnswerRequest) -> AsyncIterator[StreamEvent]: ...


async def close_stream(stream: AsyncIterator[StreamEvent]) -> None:
    """Close an answer stream (an async generator) so that it releases its connection now."""
    aclose = getattr(stream, "aclose", None)
    if aclose is not None:
        with contextlib.suppress(Exception):
            await aclose()


@dataclass(frozen=True)
class CollectedAnswer:
    text: str
    reasoning: str
    usage: Usage | None
    done: Done | None
    error: EngineError | None
    events: tuple[StreamEvent, ...]


async def collect(source: AnswerSource, request: AnswerRequest) -> CollectedAnswer:
    """Run one answer to its end and gather it (for recording packs, checks and tests)."""
    events: list[StreamEvent] = []
    stream = source.stream(request)
    try:
        async for event in stream:
            events.append(event)
    finally:
        await close_stream(stream)
    return CollectedAnswer(
        text="".join(e.text for e in events if isinstance(e, TextDelta)),
        reasoning="".join(e.text for e in events if isinstance(e, ReasoningDelta)),
        usage=next((e for e in reversed(events) if isinstance(e, Usage)), None),
        done=next((e for e in events if isinstance(e, Done)), None),
        error=next((e for e in events if isinstance(e, EngineError)), None),
        events=tuple(events),
    )
