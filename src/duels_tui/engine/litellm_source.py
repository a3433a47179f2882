"""Live answers through litellm: one async stream of typed events per answer.

litellm is imported lazily (about 2 s, 2,700 modules), in a thread, the first time an answer is
asked for, or earlier through `preload()`; nothing imports it at module import.

Timeouts and retries are ours and explicit: litellm gets `num_retries=0` and `max_retries=0`
(litellm turns `num_retries` into the OpenAI SDK's own retries as well, nesting two loops), and
its HTTP timeout is only a backstop behind ours: `connect_timeout_s` until the first token,
`stall_timeout_s` between two chunks after it. A failure before the first token is retried
`request.retries` times when it may pass; a failure mid-answer never is (the room has seen text).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import threading
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

from duels_tui.engine import errors
from duels_tui.engine.events import (
    AnswerRequest,
    Done,
    EngineError,
    ReasoningDelta,
    StreamEvent,
    TextDelta,
    Usage,
)

# litellm's own HTTP timeout (per socket read) sits this far behind ours, so ours fire first.
HTTP_TIMEOUT_MARGIN_S = 5.0

_litellm: Any = None
_import_lock = threading.Lock()


def import_litellm() -> Any:
    """Import and configure litellm once. Blocking (about 2 s): call it from a thread."""
    global _litellm
    with _import_lock:
        if _litellm is None:
            # Before the import: otherwise litellm fetches its price map from the internet.
            os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
            import litellm

            litellm.suppress_debug_info = True  # no "Give Feedback / Get Help" on errors
            litellm.disable_hf_tokenizer_download = True  # a 23 s stall offline otherwise
            litellm.telemetry = False
            _litellm = litellm
    return _litellm


async def preload(warm: bool = True) -> None:
    """Import litellm now, in a thread (say after the first frame), so the first answer won't.

    With `warm`, also make one failing call per common provider against a closed local port, in
    that thread's own event loop: litellm's first call does lazy imports and client set-up (about
    0.4 s, measured) that would otherwise land in the first duel's time to first token."""
    await asyncio.to_thread(_preload_blocking, warm)


def _preload_blocking(warm: bool) -> None:
    litellm = import_litellm()
    if warm:
        asyncio.run(_warm_up(litellm))


async def _warm_up(litellm: Any) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    for route, api_base in (("ollama_chat/warm-up", base), ("openai/warm-up", f"{base}/v1")):
        with contextlib.suppress(Exception):  # refused, as intended
            await litellm.acompletion(
                model=route,
                messages=[{"role": "user", "content": "."}],
                api_base=api_base,
                api_key="warm-up",
                stream=True,
                timeout=2,
                num_retries=0,
                max_retries=0,
            )


async def close_clients() -> None:
    """Close the HTTP clients litellm keeps (at exit), if litellm was ever loaded."""
    if _litellm is not None:
        with contextlib.suppress(Exception):  # best effort at exit
            await _litellm.close_litellm_async_clients()


NO_KEY = "sans-cle"


def completion_kwargs(request: AnswerRequest, api_key: str | None = None) -> dict[str, Any]:
    """The arguments of `litellm.acompletion` for `request` (what is sent is explicit here)."""
    kwargs: dict[str, Any] = {
        "model": request.route,
        "messages": [{"role": m.role, "content": m.content} for m in request.messages],
        "stream": True,
        "stream_options": {"include_usage": True},
        "timeout": max(request.connect_timeout_s, request.stall_timeout_s) + HTTP_TIMEOUT_MARGIN_S,
        "num_retries": 0,
        "max_retries": 0,  # the OpenAI SDK's hidden retries (1.3-1.9 s on a dead server)
    }
    if request.api_base:
        kwargs["api_base"] = request.api_base
    if request.max_tokens is not None:
        kwargs["max_tokens"] = request.max_tokens
    if request.temperature is not None:
        kwargs["temperature"] = request.temperature
    if api_key:
        kwargs["api_key"] = api_key
    elif request.route.startswith("openai/") and request.api_base:
        # A local OpenAI-compatible server (llama.cpp, LM Studio, vLLM) needs no key, but the
        # OpenAI SDK refuses to send a request without one: a placeholder, not a secret.
        kwargs["api_key"] = NO_KEY
    kwargs.update(request.extra)
    return kwargs


def _pin_ollama_model_info(litellm: Any, route: str) -> None:
    """After a stream, litellm looks the model up for its cost; for an ollama model not in its
    price map it POSTs /api/show with a *blocking* HTTP call inside the event loop. We never use
    litellm's costs: an entry in its price map (a plain dict) skips that call. Not through
    `litellm.register_model`, which makes the very same blocking call to localhost:11434."""
    provider, _, name = route.partition("/")
    if provider not in ("ollama", "ollama_chat") or not name or route in litellm.model_cost:
        return
    litellm.model_cost[route] = {
        "litellm_provider": provider,
        "mode": "chat",
        "input_cost_per_token": 0.0,
        "output_cost_per_token": 0.0,
    }


def _server_usage(response: Any) -> tuple[int | None, int, int | None] | None:
    """Token counts the server itself sent, or None.

    litellm always hands back a usage block with `include_usage`; when the server sent none it
    silently fills one in with a tiktoken estimate. The raw chunks it kept (`chunks`) carry a
    usage only when the provider sent one, so that is where a server count is told apart."""
    for chunk in reversed(getattr(response, "chunks", None) or []):
        usage = getattr(chunk, "usage", None)
        completion = getattr(usage, "completion_tokens", None)
        if isinstance(completion, int):
            prompt = getattr(usage, "prompt_tokens", None)
            details = getattr(usage, "completion_tokens_details", None)
            reasoning = getattr(details, "reasoning_tokens", None)
            return (
                prompt if isinstance(prompt, int) else None,
                completion,
                reasoning if isinstance(reasoning, int) else None,
            )
    return None


def _estimate(litellm: Any, request: AnswerRequest, text: str, reasoning: str) -> Usage:
    """Counted with litellm's tokenizer (cl100k_base bundled in its wheel: works offline)."""
    route = request.route
    messages = [{"role": m.role, "content": m.content} for m in request.messages]
    prompt = litellm.token_counter(model=route, messages=messages) if messages else 0
    thought = litellm.token_counter(model=route, text=reasoning) if reasoning else 0
    answer = litellm.token_counter(model=route, text=text) if text else 0
    return Usage(prompt, answer + thought, "estimate", thought if reasoning else None)


async def _close(response: Any) -> None:
    """Close the litellm stream and so its HTTP connection (also when our task is cancelled)."""
    aclose = getattr(response, "aclose", None)
    if aclose is None:
        return
    try:
        await asyncio.shield(aclose())
    except asyncio.CancelledError:
        raise
    except Exception:  # closing a broken stream may fail again: nothing left to release
        pass


class _Tally:
    """What one answer has produced so far, and when."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self.clock = clock
        self.started = clock()
        self.first_token_at: float | None = None
        self.last_token_at: float | None = None
        self.text: list[str] = []
        self.reasoning: list[str] = []
        self.finish_reason: str | None = None

    @property
    def has_tokens(self) -> bool:
        return self.first_token_at is not None

    def take(self, chunk: Any) -> list[StreamEvent]:
        events: list[StreamEvent] = []
        choices = getattr(chunk, "choices", None) or []
        if not choices:
            return events
        choice = choices[0]
        delta = getattr(choice, "delta", None)
        reasoning = getattr(delta, "reasoning_content", None)
        content = getattr(delta, "content", None)
        if isinstance(reasoning, str) and reasoning:
            self.reasoning.append(reasoning)
            events.append(ReasoningDelta(reasoning))
        if isinstance(content, str) and content:
            self.text.append(content)
            events.append(TextDelta(content))
        if events:
            now = self.clock()
            if self.first_token_at is None:
                self.first_token_at = now
            self.last_token_at = now
        finish = getattr(choice, "finish_reason", None)
        if finish:
            self.finish_reason = str(finish)
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


class LiteLLMSource:
    """An AnswerSource over litellm (ollama, OpenAI-compatible servers, cloud APIs)."""

    def __init__(self, *, retry_delay_s: float = 0.5, clock: Callable[[], float] = time.perf_counter) -> None:
        self.retry_delay_s = retry_delay_s
        self.clock = clock

    async def stream(self, request: AnswerRequest) -> AsyncIterator[StreamEvent]:
        try:
            litellm = _litellm if _litellm is not None else await asyncio.to_thread(import_litellm)
        except ImportError as exc:
            yield errors.other(f"litellm could not be imported: {exc}")
            return
        api_key = os.environ.get(request.api_key_env) if request.api_key_env else None
        kwargs = completion_kwargs(request, api_key)
        _pin_ollama_model_info(litellm, request.route)
        tally = _Tally(self.clock)

        attempt = 0
        while True:
            opened = await self._open(litellm, kwargs, request, tally, api_key)
            if not isinstance(opened, EngineError):
                break
            if not opened.retryable or attempt >= request.retries:
                yield opened
                return
            attempt += 1
            await asyncio.sleep(self.retry_delay_s)
        response, chunks, pending, ended = opened

        failure: EngineError | None = None
        try:
            while True:
                while pending:
                    for event in tally.take(pending.pop(0)):
                        yield event
                if ended:
                    break
                limit = asyncio.timeout(request.stall_timeout_s)
                try:
                    async with limit:
                        pending.append(await anext(chunks))
                except StopAsyncIteration:
                    ended = True
                except TimeoutError as exc:
                    if limit.expired():
                        failure = errors.stalled(request.stall_timeout_s, f"no chunk: {exc!r}")
                    else:
                        failure = errors.classify(exc, mid_stream=True, secret=api_key)
                    break
                except Exception as exc:
                    failure = errors.classify(exc, mid_stream=tally.has_tokens, secret=api_key)
                    break
        finally:
            await _close(response)

        if failure is not None:
            if tally.has_tokens:  # what the room saw still counts in the impact
                yield await self._estimate(litellm, request, tally)
            yield failure
            return
        counts = _server_usage(response)
        if counts is None:
            usage = await self._estimate(litellm, request, tally)
        else:
            prompt, completion, reasoning = counts
            if reasoning is None and tally.reasoning:
                # ollama counts thinking inside eval_count without a breakdown: estimate the share
                estimated = await self._estimate(litellm, request, tally)
                reasoning = min(completion, estimated.reasoning_tokens or 0)
            usage = Usage(prompt, completion, "server", reasoning)
        yield usage
        yield tally.done(usage)

    async def _open(
        self,
        litellm: Any,
        kwargs: dict[str, Any],
        request: AnswerRequest,
        tally: _Tally,
        api_key: str | None,
    ) -> tuple[Any, AsyncIterator[Any], list[Any], bool] | EngineError:
        """Send the request and wait for its first token, within connect_timeout_s.

        Returns the litellm stream, its iterator, the chunks read so far (the last one holds the
        first token) and whether the stream already ended; or the EngineError of a failure."""
        response: Any = None
        received: list[Any] = []
        limit = asyncio.timeout(request.connect_timeout_s)
        try:
            async with limit:
                response = await litellm.acompletion(**kwargs)
                chunks = aiter(response)
                while True:
                    try:
                        chunk = await anext(chunks)
                    except StopAsyncIteration:
                        return response, chunks, received, True
                    received.append(chunk)
                    if _has_token(chunk):
                        return response, chunks, received, False
        except TimeoutError as exc:
            await _close(response)
            if limit.expired():
                return errors.timed_out(request.connect_timeout_s, f"no first token: {exc!r}")
            return errors.classify(exc, mid_stream=False, secret=api_key)
        except asyncio.CancelledError:
            await _close(response)
            raise
        except Exception as exc:
            await _close(response)
            return errors.classify(exc, mid_stream=False, secret=api_key)

    async def _estimate(self, litellm: Any, request: AnswerRequest, tally: _Tally) -> Usage:
        text, reasoning = "".join(tally.text), "".join(tally.reasoning)
        return await asyncio.to_thread(_estimate, litellm, request, text, reasoning)


def _has_token(chunk: Any) -> bool:
    choices = getattr(chunk, "choices", None) or []
    if not choices:
        return False
    delta = getattr(choices[0], "delta", None)
    return bool(getattr(delta, "content", None) or getattr(delta, "reasoning_content", None))
