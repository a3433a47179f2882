"""Live answers through litellm: one async stream of typed events per answer.

litellm is imported lazily (about 2 s, 2,700 modules), in a thread, the first time an answer is
asked for, or earlier through `preload()`; nothing imports it at module import.

Timeouts and retries are ours and explicit: litellm gets `num_retries=0` and `max_retries=0`
(litellm turns `num_retries` into the OpenAI SDK's own retries as well, nesting two loops), and
its HTTP timeout is only a backstop behind ours: `connect_timeout_s` until the first token,
`stall_timeout_s` between two chunks after it. A failure before the first token is retried
`request.retries` times when it may pass; a failure mid-answer never is (the room has seen text).
That loop is `engine/streaming.py`'s, shared with the direct HTTP source (`http_source`).
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

from duels_tui.endpoints import is_ollama_route
from duels_tui.engine import errors
from duels_tui.engine.events import AnswerRequest, StreamEvent, Usage
from duels_tui.engine.streaming import Counts, Piece, api_key, http_timeout_s, refuses_think, stream_answer

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
        "timeout": http_timeout_s(request),
        "num_retries": 0,
        "max_retries": 0,  # the OpenAI SDK's hidden retries (1.3-1.9 s on a dead server)
    }
    if request.api_base:
        kwargs["api_base"] = request.api_base
    if request.max_tokens is not None:
        kwargs["max_tokens"] = request.max_tokens
    if request.temperature is not None:
        kwargs["temperature"] = request.temperature
    if request.think and is_ollama_route(request.route):
        kwargs["think"] = True  # litellm's ollama_chat sends it as is
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


def _server_usage(response: Any) -> Counts | None:
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


def _piece(chunk: Any) -> Piece:
    """What a litellm chunk (a pydantic object) carries."""
    choices = getattr(chunk, "choices", None) or []
    if not choices:
        return Piece()
    choice = choices[0]
    delta = getattr(choice, "delta", None)
    content = getattr(delta, "content", None)
    reasoning = getattr(delta, "reasoning_content", None)
    finish = getattr(choice, "finish_reason", None)
    return Piece(
        content if isinstance(content, str) else None,
        reasoning if isinstance(reasoning, str) else None,
        str(finish) if finish else None,
    )


class _Attempt:
    """One `litellm.acompletion` stream (see streaming.Attempt)."""

    def __init__(self, response: Any) -> None:
        self.response = response
        self.chunks = aiter(response)

    async def next(self) -> Piece:
        return _piece(await anext(self.chunks))

    def server_counts(self) -> Counts | None:
        return _server_usage(self.response)

    async def aclose(self) -> None:
        aclose = getattr(self.response, "aclose", None)
        if aclose is not None:
            await aclose()


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
        key = api_key(request)
        kwargs = completion_kwargs(request, key)
        _pin_ollama_model_info(litellm, request.route)

        async def open_attempt() -> _Attempt:
            try:
                return _Attempt(await litellm.acompletion(**kwargs))
            except Exception as exc:
                if "think" not in kwargs or not refuses_think(exc):
                    raise
            return _Attempt(await litellm.acompletion(**{k: v for k, v in kwargs.items() if k != "think"}))

        async def estimate(text: str, reasoning: str) -> Usage:
            return await asyncio.to_thread(_estimate, litellm, request, text, reasoning)

        events = stream_answer(
            request, open_attempt, estimate, retry_delay_s=self.retry_delay_s, clock=self.clock, secret=key
        )
        async with contextlib.aclosing(events):  # closed with this stream, and its connection with it
            async for event in events:
                yield event
