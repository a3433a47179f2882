"""The events an answer stream yields. Every source (litellm, pack replay) speaks these."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Literal

UsageSource = Literal["server", "estimate"]
Side = Literal["A", "B"]
SIDES: tuple[Side, Side] = ("A", "B")  # the two anonymous answers of a duel, in screen order


@dataclass(frozen=True)
class TextDelta:
    text: str


@dataclass(frozen=True)
class ReasoningDelta:
    """Reasoning ("thinking") text, kept apart from the answer; its tokens count in the impact."""

    text: str


@dataclass(frozen=True)
class Usage:
    prompt_tokens: int | None
    completion_tokens: int
    source: UsageSource
    reasoning_tokens: int | None = None


CAPPED = "capped"  # Done.finish_reason of an answer duels cut at max_answer_bytes / max_answer_tokens
MAX_ANSWER_BYTES = 128 * 1024  # UTF-8: about 30,000 tokens of French; long reasoning is about 60 KB
MAX_ANSWER_TOKENS = 32_768  # pieces of text received (a server sends about a token each)


@dataclass(frozen=True)
class Done:
    ttft_s: float | None  # time to first token (text or reasoning)
    generation_s: float  # first token to last token
    total_s: float  # request sent to last token
    tokens_per_s: float | None
    finish_reason: str | None = None


class ErrorKind(str, Enum):
    UNREACHABLE = "unreachable"
    MODEL_NOT_FOUND = "model_not_found"
    TIMEOUT = "timeout"
    STALLED = "stalled"
    REFUSED = "refused"  # auth, quota, content policy: the provider said no
    BAD_RESPONSE = "bad_response"  # malformed chunk or protocol
    OTHER = "other"


@dataclass(frozen=True)
class EngineError:
    """A failure the UI can explain. `message` and `hint` are French and anonymous (no model name,
    route or size: they are shown before the reveal); `detail` is technical and may name the route.
    `key` and `values` (engine/errors.py) let the UI say it in its own language; an error without
    a key (a recorded pack's, an older version's) is shown as its French text."""

    kind: ErrorKind
    message: str
    hint: str
    detail: str = ""
    retryable: bool = True
    key: str = ""
    values: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class Waiting:
    """The answer waits before its request is sent: its model is loading into memory ("load"),
    or the other side answers first, both models not fitting in memory together ("turn")."""

    reason: Literal["load", "turn"]
    since: float | None = None  # time.monotonic() when the wait began, if before this answer (a load under way)


@dataclass(frozen=True)
class Loaded:
    """The model is in memory; `load_s` is the time its loading took (engine/loading.py), kept
    apart from the answer's: its time to first token starts now."""

    load_s: float


StreamEvent = TextDelta | ReasoningDelta | Usage | Done | EngineError | Waiting | Loaded


@dataclass(frozen=True)
class Message:
    role: Literal["system", "user", "assistant"]
    content: str


@dataclass(frozen=True)
class AnswerRequest:
    """What one model is asked. Timeouts and retries are explicit, never hidden defaults."""

    route: str  # litellm route, e.g. "ollama_chat/gemma3:4b"
    messages: tuple[Message, ...]
    api_base: str | None = None
    api_key_env: str | None = None  # name of the environment variable holding the key
    max_tokens: int | None = None
    temperature: float | None = None
    connect_timeout_s: float = 10.0  # no first byte within this: TIMEOUT
    stall_timeout_s: float = 30.0  # no new chunk within this after the first: STALLED
    retries: int = 0
    # What one answer may hold, text and reasoning together: past either, the stream is closed and
    # the answer ends, cut (Done.finish_reason CAPPED). A server that sends without end must not
    # hold a pane, the memory or the screen (a 50 MB answer froze the UI for 24 s).
    max_answer_bytes: int = MAX_ANSWER_BYTES
    max_answer_tokens: int = MAX_ANSWER_TOKENS
    # A reasoning model on ollama: ask for its reasoning apart (`think`); a server whose model has
    # no such mode refuses it, and the request goes again without (engine/streaming.py).
    think: bool = False
    extra: dict[str, object] = field(default_factory=dict)
    # A model the catalog marks local is sent to a server on this machine, or to one of the
    # hosts the user named for it, or nowhere (engine/streaming.py: `local_refusal`).
    local: bool = False
    trusted_hosts: tuple[str, ...] = ()
