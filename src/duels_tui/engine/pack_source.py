"""Replayed answers: an AnswerSource that streams recorded answers at their recorded pace.

A recorded answer is what a live source produced for one request: the text and reasoning as
the chunks that arrived, each with its time since the request was sent, then the usage and the
`Done` timings, or the error. `PackSource` finds the recording made for the same conversation
(the same messages) and yields the same events, sleeping between chunks so that the time to
first token and the generation time are those of the recording, divided by `speed`.

The `Usage` and `Done` it yields are the recorded ones whatever the speed: the impact shown at
the reveal rests on what the model did when it was recorded, not on the replay's own timing.
No network, no litellm: a pack plays in a room with no connection at all.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, replace
from typing import Literal

from duels_tui.engine import errors
from duels_tui.engine.events import (
    CAPPED,
    AnswerRequest,
    Done,
    EngineError,
    Message,
    ReasoningDelta,
    StreamEvent,
    TextDelta,
    Usage,
)
from duels_tui.engine.streaming import AnswerCap
from duels_tui.engine.think_tags import ThinkSplitter

ChunkKind = Literal["text", "reasoning"]

NOT_RECORDED = errors.pack_not_recorded()


@dataclass(frozen=True)
class RecordedChunk:
    at_s: float  # seconds since the request was sent
    kind: ChunkKind
    text: str


@dataclass(frozen=True)
class RecordedAnswer:
    """One answer as recorded: to which conversation, what came and when, how it ended."""

    model_id: str
    messages: tuple[Message, ...]
    chunks: tuple[RecordedChunk, ...]
    usage: Usage | None
    done: Done | None
    error: EngineError | None = None
    recorded_at: str = ""  # ISO 8601

    @property
    def text(self) -> str:
        return "".join(c.text for c in self.chunks if c.kind == "text")

    @property
    def reasoning(self) -> str:
        return "".join(c.text for c in self.chunks if c.kind == "reasoning")


def conversation_key(messages: Iterable[Message]) -> tuple[tuple[str, str], ...]:
    """What a request is matched on: each message's role and text (outer spaces ignored)."""
    return tuple((m.role, m.content.strip()) for m in messages)


class PackSource:
    """An AnswerSource over recorded answers (usually one model's, from a pack).

    `speed` > 1 replays faster (2: twice as fast). An unrecorded conversation (an edited prompt,
    a follow-up) is answered with a non-retryable EngineError, never an exception."""

    def __init__(self, answers: Iterable[RecordedAnswer], *, speed: float = 1.0) -> None:
        if not speed > 0:
            raise ValueError(f"speed must be positive, got {speed!r}")
        self.speed = float(speed)
        self._answers: dict[tuple[tuple[str, str], ...], RecordedAnswer] = {}
        for answer in answers:
            self._answers.setdefault(conversation_key(answer.messages), answer)

    def find(self, request: AnswerRequest) -> RecordedAnswer | None:
        return self._answers.get(conversation_key(request.messages))

    async def stream(self, request: AnswerRequest) -> AsyncIterator[StreamEvent]:
        answer = self.find(request)
        if answer is None:
            yield NOT_RECORDED
            return
        loop = asyncio.get_running_loop()
        start = loop.time()
        cap = AnswerCap(request)  # a pack holds what a live answer may, no more
        # A pack recorded before reasoning was told apart may hold `<think>` in its text.
        splitter = ThinkSplitter()
        for chunk in answer.chunks:
            # Against the start, not the previous chunk: sleeping late never accumulates.
            delay = start + chunk.at_s / self.speed - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            text = cap.admit(chunk.text) if cap.token() else ""
            if text:
                parts = splitter.feed(text) if chunk.kind == "text" else [("reasoning", text)]
                for kind, piece in parts:
                    yield TextDelta(piece) if kind == "text" else ReasoningDelta(piece)
            if cap.reached:
                break
        for kind, piece in splitter.flush():
            yield TextDelta(piece) if kind == "text" else ReasoningDelta(piece)
        if answer.usage is not None:
            yield answer.usage
        if cap.reached:
            done = answer.done or Done(None, 0.0, 0.0, None)
            yield replace(done, finish_reason=CAPPED)
        elif answer.error is not None:
            yield errors.replayed(answer.error)
        elif answer.done is not None:
            yield answer.done
        else:  # a recording cut short without its end: say so rather than end silently
            yield errors.pack_cut_short()
