"""What the UI renders: the workshop's steps, each duel, its turns and the two answers per turn.

Plain mutable dataclasses owned by `Workshop`: the UI reads them, only `Workshop` changes them
(and writes each change to the store as it happens).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from duels_tui.arena.votes import VoteCounts
from duels_tui.config.programme import DuelSpec
from duels_tui.engine.errors import say
from duels_tui.engine.events import Done, EngineError, ErrorKind, Usage


class Step(StrEnum):
    """Where the session stands. HOME, FINAL and DONE belong to the session; PROMPT to REVEAL
    to one duel (`Workshop.step` is then the current duel's step)."""

    HOME = "home"  # title screen, before the first duel
    PROMPT = "prompt"  # the prompt is shown and can be edited; nothing sent yet
    STREAMING = "streaming"  # the conversation: answers stream; follow-ups allowed
    VOTE = "vote"  # hands are counted
    REVEAL = "reveal"  # identities and impact shown
    FINAL = "final"  # « l'IA gagnante »
    DONE = "done"  # session finished; not resumed by `duels`

    @property
    def order(self) -> int:
        return list(Step).index(self)


DUEL_STEPS = (Step.PROMPT, Step.STREAMING, Step.VOTE, Step.REVEAL)


class AnswerStatus(StrEnum):
    STREAMING = "streaming"
    DONE = "done"
    ERROR = "error"
    CANCELLED = "cancelled"  # Esc: the text received so far is kept
    INTERRUPTED = "interrupted"  # the app stopped mid-stream (crash, kill); found on resume

    @property
    def finished(self) -> bool:
        return self is not AnswerStatus.STREAMING


@dataclass
class Timings:
    """From the engine's `Done` event; None while streaming or when it never came."""

    ttft_s: float | None = None
    generation_s: float | None = None
    total_s: float | None = None
    tokens_per_s: float | None = None
    finish_reason: str | None = None

    @classmethod
    def of(cls, done: Done) -> Timings:
        return cls(done.ttft_s, done.generation_s, done.total_s, done.tokens_per_s, done.finish_reason)

    def to_json(self) -> dict[str, float | str | None]:
        """The store's columns and a pack's `done`, by the same names."""
        return {name: getattr(self, name) for name in _TIMINGS}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Timings:
        """From `to_json`'s keys (other keys ignored: a store row passes whole)."""
        return cls(*(data.get(name) for name in _TIMINGS))


_TIMINGS = ("ttft_s", "generation_s", "total_s", "tokens_per_s", "finish_reason")


@dataclass
class AnswerUsage:
    prompt_tokens: int | None
    completion_tokens: int
    source: str  # "server" | "estimate"
    reasoning_tokens: int | None = None

    @classmethod
    def of(cls, usage: Usage) -> AnswerUsage:
        return cls(usage.prompt_tokens, usage.completion_tokens, usage.source, usage.reasoning_tokens)

    def to_json(self) -> dict[str, int | str | None]:
        return {
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "reasoning_tokens": self.reasoning_tokens,
            "source": self.source,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> AnswerUsage | None:
        """None when no count was stored."""
        if data.get("completion_tokens") is None:
            return None
        return cls(data.get("prompt_tokens"), data["completion_tokens"], data.get("source") or "estimate",
                   data.get("reasoning_tokens"))


@dataclass
class AnswerError:
    """An engine error as stored: anonymous French message and hint (no `detail`: it may name
    the route or a server address), and the key (+ values) to say it in another language."""

    kind: ErrorKind
    message: str
    hint: str
    retryable: bool = True
    key: str = ""
    values: tuple[tuple[str, float], ...] = ()

    @classmethod
    def of(cls, error: EngineError) -> AnswerError:
        return cls(error.kind, error.message, error.hint, error.retryable, error.key, error.values)

    def to_json(self) -> dict[str, Any]:
        """The store's error columns and a pack's `error` (its key and values only when it has
        a key: older packs have none)."""
        said = {"kind": self.kind.value, "message": self.message, "hint": self.hint, "retryable": self.retryable}
        return {**said, "key": self.key, "values": dict(self.values)} if self.key else said

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> AnswerError | None:
        """None without a kind. Read leniently (the stored French text is shown when the rest
        cannot be read): an unknown kind is OTHER, values that are no numbers are left out."""
        if not data.get("kind"):
            return None
        try:
            kind = ErrorKind(data["kind"])
        except ValueError:
            kind = ErrorKind.OTHER
        values = data.get("values")
        retryable = data.get("retryable")
        return cls(
            kind,
            data.get("message") or "",
            data.get("hint") or "",
            bool(retryable) if retryable is not None else True,
            data.get("key") or "",
            tuple((str(k), v) for k, v in values.items() if isinstance(v, (int, float)) and not isinstance(v, bool))
            if isinstance(values, dict) else (),
        )

    def text(self, lang: str = "fr") -> str:
        """Message and hint for the pane: the key's text in `lang`, said for what the keys do now
        (no « ctrl+r » for an error that cannot be retried); the stored French text when this
        version does not know the key."""
        said = say(self.key, dict(self.values), lang, retryable=self.retryable)
        message, hint = said or (self.message, self.hint)
        return f"{message} {hint}"


def estimate_tokens(text: str) -> int:
    """A rough live count (about 4 characters a token in French and English) shown while the
    server's own count has not arrived; replaced by `Usage` when it does."""
    return math.ceil(len(text) / 4)


@dataclass
class Answer:
    """One model's answer to one turn. `text` and `reasoning` grow with each delta."""

    side: str
    model_id: str
    status: AnswerStatus = AnswerStatus.STREAMING
    text: str = ""
    reasoning: str = ""
    usage: AnswerUsage | None = None
    timings: Timings = field(default_factory=Timings)
    error: AnswerError | None = None
    names_itself: bool = False  # the answer says who it is: show SELF_NAMING_NOTICE, never who
    attempt: int = 1  # 2 and more after `Workshop.retry`
    started_at: str = ""  # ISO 8601 UTC
    finished_at: str | None = None
    answer_id: int = 0  # store row id
    load_s: float | None = None  # its model's loading into memory before it (not in its timings)
    # Live figures for the pane (monotonic clock; not stored: meaningless after a restart).
    first_delta_at: float | None = None
    last_delta_at: float | None = None
    waiting: str | None = None  # "load" or "turn" while its request waits (engine.events.Waiting)
    waiting_since: float | None = None

    @property
    def output_tokens(self) -> int:
        """The server's count when it gave one, else an estimate from the text received."""
        if self.usage is not None:
            return self.usage.completion_tokens
        return estimate_tokens(self.text) + estimate_tokens(self.reasoning)

    @property
    def usage_source(self) -> str:
        return self.usage.source if self.usage is not None else "estimate"

    @property
    def live_tokens_per_s(self) -> float | None:
        """Tokens/s while streaming (from the first delta); the engine's figure once done."""
        if self.timings.tokens_per_s is not None:
            return self.timings.tokens_per_s
        if self.first_delta_at is None or self.last_delta_at is None:
            return None
        elapsed = self.last_delta_at - self.first_delta_at
        return self.output_tokens / elapsed if elapsed > 0.05 else None

    @property
    def retryable(self) -> bool:
        if self.status is AnswerStatus.ERROR and self.error is not None:
            return self.error.retryable
        return self.status in (AnswerStatus.CANCELLED, AnswerStatus.INTERRUPTED)


@dataclass
class Turn:
    """One user message sent to both models, and their two answers."""

    index: int
    user_text: str
    answers: dict[str, Answer]
    turn_id: int = 0
    created_at: str = ""

    @property
    def streaming(self) -> bool:
        return any(a.status is AnswerStatus.STREAMING for a in self.answers.values())


@dataclass(frozen=True)
class CorrectedVote:
    """Counts a correction replaced: when they were entered and when they were replaced."""

    votes: VoteCounts
    recorded_at: str
    replaced_at: str


@dataclass
class DuelState:
    """One duel of the programme. `sides` says which model is A and which is B (drawn at random
    when the session starts): the UI must never show it before `revealed`."""

    index: int
    spec: DuelSpec
    sides: dict[str, str]
    prompt: str
    turns: list[Turn] = field(default_factory=list)
    vote: VoteCounts | None = None
    qualifiers: dict[str, frozenset[str]] = field(default_factory=lambda: {"A": frozenset(), "B": frozenset()})
    comments: dict[str, str] = field(default_factory=dict)
    voted_at: str | None = None
    vote_history: list[CorrectedVote] = field(default_factory=list)  # oldest first
    step: Step = Step.PROMPT
    duel_id: int = 0

    @property
    def title(self) -> str:
        return self.spec.title

    @property
    def revealed(self) -> bool:
        return self.step is Step.REVEAL

    @property
    def streaming(self) -> bool:
        return any(t.streaming for t in self.turns)

    @property
    def vote_corrected(self) -> bool:
        return bool(self.vote_history)

    def answers(self, side: str) -> list[Answer]:
        return [t.answers[side] for t in self.turns if side in t.answers]
