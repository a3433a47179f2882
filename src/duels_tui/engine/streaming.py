"""One answer from a streaming HTTP API, whatever the client: our timeouts, retries and tally.

Every live source (litellm, direct HTTP) sends a request and reads pieces of answer; what they
share is here, so that they behave alike: `connect_timeout_s` until the first token,
`stall_timeout_s` between two tokens after it (chunks without text do not count: a server
sending only empty chunks stalls out); an answer past `max_answer_bytes` or `max_answer_tokens`
is closed and ends cut (`Done.finish_reason` CAPPED); a body that ends before the protocol's own
end (ollama's `done: true`) is a cut connection (`Truncated`); a failure before the first token is retried
`request.retries` times when it may pass, a failure mid-answer never is (the room has seen text);
a failure after some text gives an estimated `Usage` of that text, then the `EngineError`; an
answer that ends gives `Usage` (the server's counts, else an estimate) then `Done`.

A source supplies `open_attempt` (send the request, hand back an `Attempt`), and `estimate`.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import NamedTuple, Protocol

from duels_tui.endpoints import api_base_for, host_of, is_loopback
from duels_tui.engine import errors
from duels_tui.engine.events import (
    CAPPED,
    AnswerRequest,
    Done,
    EngineError,
    ReasoningDelta,
    StreamEvent,
    TextDelta,
    Usage,
)
from duels_tui.engine.think_tags import Part, ThinkSplitter
from duels_tui.log import logger

# The HTTP client's own timeout (per socket read) sits this far behind ours, so ours fire first.
HTTP_TIMEOUT_MARGIN_S = 5.0

# Token counts a server reported: prompt, completion (reasoning included), reasoning if broken down.
Counts = tuple[int | None, int, int | None]


class Piece(NamedTuple):
    """What one chunk of the stream carries (None: nothing of that kind)."""

    text: str | None = None
    reasoning: str | None = None
    finish_reason: str | None = None

    @property
    def has_token(self) -> bool:
        return bool(self.text or self.reasoning)


class Attempt(Protocol):
    """One request sent and its response being read."""

    async def next(self) -> Piece:
        """The next piece; StopAsyncIteration at the end; raises on a failure."""
        ...

    def server_counts(self) -> Counts | None:
        """The token counts the server sent (once the stream has ended), or None."""
        ...

    async def aclose(self) -> None:
        """Release the connection now."""
        ...


class BadChunk(ValueError):
    """The server sent something that is not the protocol's chunk (garbage, a wrong shape)."""


class Truncated(ConnectionError):
    """The response's body ended before the protocol's end (ollama's `done: true`, the OpenAI
    stream's finish or `[DONE]`): the answer was cut, not finished."""


Estimator = Callable[[str, str], Awaitable[Usage]]  # (text, reasoning) -> an estimated Usage


def api_key(request: AnswerRequest) -> str | None:
    """The key, read from the environment variable the card names (keys live nowhere else)."""
    return os.environ.get(request.api_key_env) if request.api_key_env else None


def http_timeout_s(request: AnswerRequest) -> float:
    """The HTTP client's backstop timeout for `request` (see HTTP_TIMEOUT_MARGIN_S)."""
    return max(request.connect_timeout_s, request.stall_timeout_s) + HTTP_TIMEOUT_MARGIN_S


def refuses_think(exc: BaseException) -> bool:
    """ollama's answer to `think: true` for a model it does not know as a thinking one (HTTP 400,
    server/routes.go): the same request without `think` may still show its reasoning inline."""
    return "does not support thinking" in str(exc)


def failure(exc: BaseException, *, mid_stream: bool, secret: str | None) -> EngineError:
    if isinstance(exc, BadChunk):
        error = errors.bad_response(f"{type(exc).__name__}: {exc}"[:2000])
    elif isinstance(exc, Truncated):
        error = errors.cut_off(f"Truncated: {exc}") if mid_stream else errors.bad_response(f"Truncated: {exc}")
    else:
        error = errors.classify(exc, mid_stream=mid_stream, secret=secret)
    # The raw exception, for whoever reads the log (keys are blanked there: duels_tui/log.py).
    logger(__name__).warning("answer failed (%s, %s): %s", error.kind.value, error.key, error.detail, exc_info=exc)
    return error


async def close_quietly(attempt: Attempt | None) -> None:
    """Close an attempt and so its HTTP connection (also when our task is being cancelled)."""
    if attempt is None:
        return
    try:
        await asyncio.shield(attempt.aclose())
    except asyncio.CancelledError:
        raise
    except Exception:  # closing a broken stream may fail again: nothing left to release
        pass


class AnswerCap:
    """What is left of what one answer may hold (see AnswerRequest.max_answer_bytes and
    max_answer_tokens); `reached` once something was left out."""

    def __init__(self, request: AnswerRequest) -> None:
        self.bytes_left = request.max_answer_bytes
        self.tokens_left = request.max_answer_tokens
        self.reached = False

    def token(self) -> bool:
        """Count one more piece of text; False (and reached) when it is one too many."""
        if self.tokens_left <= 0:
            self.reached = True
            return False
        self.tokens_left -= 1
        return True

    def admit(self, text: str) -> str:
        """The part of `text` that fits (cut between two characters); "" once full."""
        size = len(text) if text.isascii() else len(text.encode())
        if size > self.bytes_left:
            text = text.encode()[: max(0, self.bytes_left)].decode("utf-8", "ignore")
            size, self.reached = self.bytes_left, True
        self.bytes_left -= size
        return text


class Tally:
    """What one answer has produced so far, and when, within what it may hold (`cap`)."""

    def __init__(self, clock: Callable[[], float], cap: AnswerCap) -> None:
        self.clock = clock
        self.cap = cap
        self.started = clock()
        self.first_token_at: float | None = None
        self.last_token_at: float | None = None
        self.text: list[str] = []
        self.reasoning: list[str] = []
        self.finish_reason: str | None = None
        self.splitter = ThinkSplitter()

    @property
    def has_tokens(self) -> bool:
        return self.first_token_at is not None

    @property
    def capped(self) -> bool:
        return self.cap.reached

    def take(self, piece: Piece) -> list[StreamEvent]:
        """The events of one piece. Inline `<think>` reasoning in the text is told apart
        (engine/think_tags.py): a tag cut between two chunks waits for the next one."""
        parts: list[Part] = []
        reasoning, text, finish = piece.reasoning, piece.text, piece.finish_reason
        if self.cap.reached or (piece.has_token and not self.cap.token()):
            self.finish_reason = CAPPED
            return []
        reasoning = self.cap.admit(reasoning) if reasoning else reasoning
        text = self.cap.admit(text) if text and not self.cap.reached else None
        if self.cap.reached:
            finish = CAPPED
        if reasoning:
            parts.append(("reasoning", reasoning))
        if text:
            parts.extend(self.splitter.feed(text))
        if piece.has_token:
            now = self.clock()
            if self.first_token_at is None:
                self.first_token_at = now
            self.last_token_at = now
        if finish:
            self.finish_reason = finish
        return self._events(parts)

    def flush(self) -> list[StreamEvent]:
        """At the end of the stream: the text held back as a possible tag."""
        return self._events(self.splitter.flush())

    def _events(self, parts: list[Part]) -> list[StreamEvent]:
        events: list[StreamEvent] = []
        for kind, text in parts:
            if kind == "reasoning":
                self.reasoning.append(text)
                events.append(ReasoningDelta(text))
            else:
                self.text.append(text)
                events.append(TextDelta(text))
        return events

    def done(self, usage: Usage) -> Done:
        end = self.clock()
        if self.first_token_at is None or self.last_token_at is None:
            return Done(None, 0.0, end - self.started, None, self.finish_reason)
        generation = self.last_token_at - self.first_token_at
        rate = usage.completion_tokens / generation if generation > 0 else None
        return Done(
            ttft_s=self.first_token_at - self.started,
            generation_s=generation,
            total_s=self.last_token_at - self.started,
            tokens_per_s=rate,
            finish_reason=self.finish_reason,
        )


def local_refusal(request: AnswerRequest) -> EngineError | None:
    """The error of a request that must not be sent: a local model's whose server is unknown (an
    embedded engine that did not start) or elsewhere than this machine and the hosts the user
    named. Never a cloud route instead: the room believes the duel offline."""
    if not request.local:
        return None
    base = api_base_for(request.route, request.api_base)
    if not base:
        return errors.local_not_started(f"{request.route}: no server address")
    host = host_of(base)
    if is_loopback(host) or host in request.trusted_hosts:
        return None
    return errors.local_elsewhere(f"{request.route}: {host} is neither this machine nor a host the user named")


async def stream_answer(
    request: AnswerRequest,
    open_attempt: Callable[[], Awaitable[Attempt]],
    estimate: Estimator,
    *,
    retry_delay_s: float,
    clock: Callable[[], float],
    secret: str | None = None,
) -> AsyncIterator[StreamEvent]:
    """The answer's events (see the module's docstring). `secret` is masked in error details."""
    refused = local_refusal(request)
    if refused is not None:
        yield refused
        return
    tally = Tally(clock, AnswerCap(request))
    attempts = 0
    while True:
        opened = await _open(open_attempt, request, secret)
        if not isinstance(opened, EngineError):
            break
        if not opened.retryable or attempts >= request.retries:
            yield opened
            return
        attempts += 1
        await asyncio.sleep(retry_delay_s)
    attempt, pending, ended = opened

    failed: EngineError | None = None
    watchdog = _Watchdog(request.stall_timeout_s)
    try:
        while True:
            for piece in pending:
                for event in tally.take(piece):
                    yield event
            pending.clear()
            if ended or tally.capped:
                break
            watchdog.reading()
            try:
                piece = await attempt.next()
                pending.append(piece)
                if piece.has_token:
                    watchdog.idle()
            except StopAsyncIteration:
                ended = True
            except asyncio.CancelledError:
                if not watchdog.fired():
                    raise
                failed = errors.stalled(request.stall_timeout_s, f"no token in {request.stall_timeout_s} s")
                break
            except TimeoutError as exc:  # the HTTP client's, not ours
                failed = failure(exc, mid_stream=True, secret=secret)
                break
            except Exception as exc:
                failed = failure(exc, mid_stream=tally.has_tokens, secret=secret)
                break
    finally:
        watchdog.close()
        await close_quietly(attempt)

    for event in tally.flush():
        yield event
    if failed is not None:
        if tally.has_tokens:  # what the room saw still counts in the impact
            yield await _estimate(estimate, tally)
        yield failed
        return
    counts = None if tally.capped else attempt.server_counts()  # the server's counts: of more than was kept
    if counts is None:
        usage = await _estimate(estimate, tally)
    else:
        prompt, completion, reasoning = counts
        if reasoning is None and tally.reasoning:
            # ollama counts thinking inside eval_count without a breakdown: estimate the share
            estimated = await _estimate(estimate, tally)
            reasoning = min(completion, estimated.reasoning_tokens or 0)
        usage = Usage(prompt, completion, "server", reasoning)
    yield usage
    yield tally.done(usage)


class _Watchdog:
    """The stall timeout: cancels the reading task when `seconds` of reading bring no token
    (`reading` starts the count if it is not running, `idle` stops it once a token came: chunks
    without text do not reset it, and the consumer's time between two tokens does not count).

    One timer for the whole answer, re-armed only when it fires: `asyncio.timeout` around each
    read allocates and cancels a timer per chunk, the largest cost of ours per token (profiled).
    It cannot wrap the whole loop either: the stream yields inside it, while the consumer (whose
    task it is) does anything else. Like asyncio.timeout, it tells its own cancel from one that
    comes from outside (Esc) with `Task.uncancel()`."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.loop = asyncio.get_running_loop()
        self.task = asyncio.current_task()
        self.read_since: float | None = None
        self.handle: asyncio.TimerHandle | None = None
        self.expired = False
        self.cancelling = 0

    def reading(self) -> None:
        if self.read_since is None:
            self.read_since = self.loop.time()
        if self.handle is None:
            self.handle = self.loop.call_at(self.read_since + self.seconds, self._check)

    def idle(self) -> None:
        self.read_since = None

    def _check(self) -> None:
        self.handle = None
        if self.read_since is None or self.task is None:
            return  # no read under way: the next one arms the timer again
        due = self.read_since + self.seconds
        if self.loop.time() < due:
            self.handle = self.loop.call_at(due, self._check)
            return
        self.expired = True
        self.cancelling = self.task.cancelling()
        self.task.cancel()

    def fired(self) -> bool:
        """Whether the CancelledError being handled is the watchdog's alone."""
        if not self.expired or self.task is None:
            return False
        self.expired = False
        return self.task.uncancel() <= self.cancelling

    def close(self) -> None:
        if self.handle is not None:
            self.handle.cancel()
            self.handle = None


async def _open(
    open_attempt: Callable[[], Awaitable[Attempt]], request: AnswerRequest, secret: str | None
) -> tuple[Attempt, list[Piece], bool] | EngineError:
    """Send the request and wait for its first token, within connect_timeout_s.

    Returns the attempt, the pieces read so far (the last one holds the first token) and whether
    the stream already ended; or the EngineError of a failure."""
    attempt: Attempt | None = None
    received: list[Piece] = []
    limit = asyncio.timeout(request.connect_timeout_s)
    try:
        async with limit:
            attempt = await open_attempt()
            while True:
                try:
                    piece = await attempt.next()
                except StopAsyncIteration:
                    return attempt, received, True
                if piece.has_token or piece.finish_reason:  # not a flood of empty chunks: memory
                    received.append(piece)
                if piece.has_token:
                    return attempt, received, False
    except TimeoutError as exc:
        await close_quietly(attempt)
        if limit.expired():
            return errors.timed_out(request.connect_timeout_s, f"no first token: {exc!r}")
        return failure(exc, mid_stream=False, secret=secret)
    except asyncio.CancelledError:
        await close_quietly(attempt)
        raise
    except Exception as exc:
        await close_quietly(attempt)
        return failure(exc, mid_stream=False, secret=secret)


async def _estimate(estimate: Estimator, tally: Tally) -> Usage:
    return await estimate("".join(tally.text), "".join(tally.reasoning))
