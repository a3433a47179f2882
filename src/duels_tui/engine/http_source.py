"""Live answers from local model servers straight over HTTP, without litellm: read from the
socket for this machine's servers (engine/loopback_http.py), through httpx for any other.

Local routes speak one of two simple streaming protocols:
- `ollama_chat/NAME` and `ollama/NAME`: POST `{base}/api/chat`, one JSON object a line (NDJSON);
  `message.content`, `message.thinking`; the last line has `done: true`, `done_reason`,
  `prompt_eval_count` and `eval_count`. base: the card's api_base, else OLLAMA_HOST's URL.
- `openai/NAME` with an api_base (llama.cpp, LM Studio, vLLM): POST `{api_base}/chat/completions`,
  server-sent events (`data: {...}`, then `data: [DONE]`); `choices[0].delta.content`,
  `delta.reasoning_content` (or `delta.reasoning`), `finish_reason`, and `usage` when asked for.

Why not litellm here: measured on 2 cores (bench/engine_bench.py), it spends about 0.45 ms of CPU
per chunk building pydantic objects (this source 0.03, bare httpx 0.026), and its import costs
2 s and 140 MB. Cloud routes keep it
(engine/routing.py chooses). Timeouts, retries and the tally are `engine/streaming.py`'s, shared
with LiteLLMSource, so both behave alike. `request.extra` goes into the request body as is.

httpx is imported lazily, in a thread (0.13 s, plus 0.07 s for a client); one client per event
loop, kept for its connections; `close_client()` closes it (the app does when it unmounts).
Proxies from the environment are used, except for this machine's own servers (https ones: the
plain http ones do not go through httpx).
"""

from __future__ import annotations

import asyncio
import json
import time
import weakref
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Any

from duels_tui.endpoints import api_base_for, is_ollama_route, ollama_model_name
from duels_tui.engine import errors
from duels_tui.engine.events import AnswerRequest, StreamEvent, Usage
from duels_tui.engine.loopback_http import LoopbackResponse, is_loopback, post_streaming
from duels_tui.engine.streaming import (
    BadChunk,
    Counts,
    Piece,
    Truncated,
    api_key,
    http_timeout_s,
    local_refusal,
    refuses_think,
    stream_answer,
)

if TYPE_CHECKING:
    import httpx

# The tokenizer of estimates: litellm's default for the models it does not know (every local one),
# so that an estimate is the same whichever source made it.
ESTIMATE_ENCODING = "cl100k_base"
# Without that vocabulary on disk: about four characters a token (OpenAI's rule of thumb).
CHARS_PER_TOKEN = 4
# A message costs its role and content plus 3 tokens of framing; a reply is primed with 3 more
# (OpenAI's accounting, which litellm's token_counter applies to every model).
TOKENS_PER_MESSAGE = 3
REPLY_PRIMING_TOKENS = 3
ERROR_BODY_LIMIT = 4000  # characters of an error response kept for the log
_LOOPBACK = ("all://127.0.0.1", "all://localhost", "all://[::1]")


def speaks(route: str, api_base: str | None) -> bool:
    """Whether DirectSource answers this route: ollama's, or an OpenAI-compatible server's."""
    return is_ollama_route(route) or (route.startswith("openai/") and bool(api_base))


class ServerError(Exception):
    """The server answered an error (an HTTP status, or an error object inside the stream)."""

    def __init__(self, message: str, status_code: int | None = None) -> None:
        super().__init__(message)
        self.status_code = status_code  # read by errors.classify


# --- the shared client ------------------------------------------------------------------------

_clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, httpx.AsyncClient] = weakref.WeakKeyDictionary()


def _new_client() -> httpx.AsyncClient:
    import httpx

    # No proxy for this machine's servers: a school proxy set in the environment would refuse them.
    return httpx.AsyncClient(mounts=dict.fromkeys(_LOOPBACK), follow_redirects=False)


async def shared_client() -> httpx.AsyncClient:
    """This event loop's client (connections are tied to the loop that opened them)."""
    loop = asyncio.get_running_loop()
    client = _clients.get(loop)
    if client is not None and not client.is_closed:
        return client
    made = await asyncio.to_thread(_new_client)
    client = _clients.get(loop)  # both sides of a duel may have made one meanwhile
    if client is not None and not client.is_closed:
        await made.aclose()
        return client
    _clients[loop] = made
    return made


async def close_client() -> None:
    """Close this event loop's client and its idle connections (at exit)."""
    client = _clients.pop(asyncio.get_running_loop(), None)
    if client is not None:
        await client.aclose()


# --- the two protocols ------------------------------------------------------------------------


async def _lines(response: httpx.Response, limit: int) -> AsyncIterator[str]:
    """The body's lines (ending with LF or CRLF), a line longer than `limit` characters refused
    before it is whole: a server sending one endless line would fill the memory."""
    parts: list[str] = []
    size = 0
    async for text in response.aiter_text():
        *whole, rest = text.split("\n")
        if whole:
            whole[0] = "".join(parts) + whole[0]
            parts, size = [], 0
            for line in whole:
                yield line[:-1] if line.endswith("\r") else line
        if rest:
            parts.append(rest)
            size += len(rest)
            if size > limit:
                raise BadChunk(f"a line of more than {limit} characters")
    if parts:
        yield "".join(parts)


def _line_limit(request: AnswerRequest) -> int:
    """The longest line worth reading: the whole answer in one chunk, each character escaped
    (JSON's \\uXXXX: 6 characters), and its framing."""
    return 6 * request.max_answer_bytes + 65_536


class _Attempt:
    """One streamed response, read line by line (see streaming.Attempt)."""

    def __init__(self, response: httpx.Response, request: AnswerRequest) -> None:
        self.response = response
        self.lines = _lines(response, _line_limit(request))
        self.counts: Counts | None = None
        self.ended = False  # the protocol's end marker was read

    async def next(self) -> Piece:
        while not self.ended:
            try:
                line = await anext(self.lines)
            except StopAsyncIteration:
                return self.at_end()
            piece = self.parse(line)
            if piece is not None:
                return piece
        raise StopAsyncIteration

    def parse(self, line: str) -> Piece | None:
        raise NotImplementedError

    def at_end(self) -> Piece:
        """The body has ended: its last piece, else StopAsyncIteration when the protocol's end
        came, else Truncated (a body that stops early is a cut answer, not a finished one)."""
        if self.ended:
            raise StopAsyncIteration
        raise Truncated("the response ended before the end of the stream")

    def server_counts(self) -> Counts | None:
        return self.counts

    async def aclose(self) -> None:
        try:
            await self.lines.aclose()  # type: ignore[attr-defined]
        finally:
            await self.response.aclose()


class _OllamaAttempt(_Attempt):
    def parse(self, line: str) -> Piece | None:
        if not line:
            return None
        chunk = _object(line)
        if chunk.get("error"):
            raise ServerError(str(chunk["error"]))
        message = chunk.get("message")
        done = chunk.get("done") is True
        if not isinstance(message, dict):
            if not done:
                raise BadChunk(f"no message in {line[:200]!r}")
            message = {}
        text, thinking = message.get("content"), message.get("thinking")
        finish = None
        if done:
            self.ended = True
            finish = str(chunk.get("done_reason") or "stop")
            prompt, completion = chunk.get("prompt_eval_count"), chunk.get("eval_count")
            if isinstance(completion, int):
                self.counts = (prompt if isinstance(prompt, int) else None, completion, None)
        return Piece(_str(text), _str(thinking), finish)


class _OpenAIAttempt(_Attempt):
    """Server-sent events: `data:` lines up to a blank line make one event. The stream ends with
    `data: [DONE]`; a server that omits it has ended once it sent a finish_reason."""

    def __init__(self, response: httpx.Response, request: AnswerRequest) -> None:
        super().__init__(response, request)
        self.data: list[str] = []
        self.field = "data"
        self.finished = False  # a finish_reason was read

    def at_end(self) -> Piece:
        if self.data and not self.ended:  # a last event without its blank line
            piece = self.parse("")
            if piece is not None:
                return piece
        if self.finished:
            self.ended = True
        return super().at_end()

    def parse(self, line: str) -> Piece | None:
        if line:
            name, _, value = line.partition(":")
            if name in ("data", "error"):  # llama.cpp's server reports a failure as `error: {...}`
                self.data.append(value[1:] if value.startswith(" ") else value)
                self.field = name
            return None  # comments, event:, id:, retry:
        if not self.data:
            return None
        data = "\n".join(self.data)
        self.data.clear()
        field, self.field = self.field, "data"
        if data.strip() == "[DONE]":
            self.ended = True
            return None
        chunk = _object(data)
        error = chunk.get("error")
        if error or field == "error":
            raise _streamed_error(error if error else chunk)
        usage = chunk.get("usage")
        if isinstance(usage, dict) and isinstance(usage.get("completion_tokens"), int):
            prompt = usage.get("prompt_tokens")
            details = usage.get("completion_tokens_details")
            reasoning = details.get("reasoning_tokens") if isinstance(details, dict) else None
            self.counts = (
                prompt if isinstance(prompt, int) else None,
                usage["completion_tokens"],
                reasoning if isinstance(reasoning, int) else None,
            )
        choices = chunk.get("choices")
        if not choices or not isinstance(choices, list) or not isinstance(choices[0], dict):
            return Piece()
        choice = choices[0]
        delta = choice.get("delta")
        if not isinstance(delta, dict):
            delta = {}
        reasoning_text = delta.get("reasoning_content") or delta.get("reasoning")
        finish = choice.get("finish_reason")
        self.finished = self.finished or bool(finish)
        return Piece(_str(delta.get("content")), _str(reasoning_text), str(finish) if finish else None)


def _object(text: str) -> dict[str, Any]:
    chunk = json.loads(text)  # a JSONDecodeError is a bad response (errors.classify)
    if not isinstance(chunk, dict):
        raise BadChunk(f"not a JSON object: {text[:200]!r}")
    return chunk


def _str(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _streamed_error(error: object) -> ServerError:
    if isinstance(error, dict):
        code = error.get("code")
        message = error.get("message") or error
        return ServerError(str(message), code if isinstance(code, int) else None)
    return ServerError(str(error))


async def _status_error(response: httpx.Response) -> ServerError:
    """The error of a response with an HTTP error status, with what the server said."""
    said = (await response.aread()).decode("utf-8", "replace")[:ERROR_BODY_LIMIT]
    try:
        body = json.loads(said)
    except ValueError:
        body = None
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        error = error.get("message") or error
    return ServerError(f"HTTP {response.status_code}: {error or said}", response.status_code)


# --- requests ---------------------------------------------------------------------------------


def _messages(request: AnswerRequest) -> list[dict[str, str]]:
    return [{"role": m.role, "content": m.content} for m in request.messages]


def ollama_call(request: AnswerRequest) -> tuple[str, dict[str, Any]]:
    """The URL and JSON body of an ollama route's request (what is sent is explicit here)."""
    options: dict[str, Any] = {}
    if request.max_tokens is not None:
        options["num_predict"] = request.max_tokens
    if request.temperature is not None:
        options["temperature"] = request.temperature
    body: dict[str, Any] = {"model": ollama_model_name(request.route), "messages": _messages(request), "stream": True}
    if options:
        body["options"] = options
    if request.think:
        body["think"] = True
    body.update(request.extra)
    base = api_base_for(request.route, request.api_base) or ""
    return f"{base.rstrip('/')}/api/chat", body


def openai_call(request: AnswerRequest) -> tuple[str, dict[str, Any]]:
    """The URL and JSON body of an OpenAI-compatible server's request."""
    body: dict[str, Any] = {
        "model": request.route.split("/", 1)[1],
        "messages": _messages(request),
        "stream": True,
        "stream_options": {"include_usage": True},
    }
    if request.max_tokens is not None:
        body["max_tokens"] = request.max_tokens
    if request.temperature is not None:
        body["temperature"] = request.temperature
    body.update(request.extra)
    return f"{(request.api_base or '').rstrip('/')}/chat/completions", body


# --- estimates --------------------------------------------------------------------------------


def _counter() -> Callable[[str], int]:
    from duels_tui import tokens

    try:
        encoding = tokens.encoding(ESTIMATE_ENCODING)
    except tokens.TokenizerUnavailable:
        return lambda text: -(-len(text) // CHARS_PER_TOKEN)
    return lambda text: len(encoding.encode(text, disallowed_special=()))


def estimate_usage(request: AnswerRequest, text: str, reasoning: str) -> Usage:
    """Counted as LiteLLMSource's estimates are (litellm's token_counter, offline). Blocking:
    loading the vocabulary takes about 0.4 s the first time; call it from a thread."""
    count = _counter()
    prompt = 0
    if request.messages:
        prompt = REPLY_PRIMING_TOKENS + sum(
            TOKENS_PER_MESSAGE + count(m.role) + count(m.content) for m in request.messages
        )
    thought = count(reasoning) if reasoning else 0
    answer = count(text) if text else 0
    return Usage(prompt, answer + thought, "estimate", thought if reasoning else None)


# --- the source -------------------------------------------------------------------------------


class DirectSource:
    """An AnswerSource over httpx for ollama and OpenAI-compatible routes (see `speaks`)."""

    def __init__(self, *, retry_delay_s: float = 0.5, clock: Callable[[], float] = time.perf_counter) -> None:
        self.retry_delay_s = retry_delay_s
        self.clock = clock

    def stream(self, request: AnswerRequest) -> AsyncIterator[StreamEvent]:
        if not speaks(request.route, request.api_base):
            return _refuse(request)
        if is_ollama_route(request.route):
            (url, body), attempt = ollama_call(request), _OllamaAttempt
        else:
            (url, body), attempt = openai_call(request), _OpenAIAttempt
        key = api_key(request)
        headers = {"Authorization": f"Bearer {key}"} if key else {}

        loopback = is_loopback(url)

        async def send(payload: dict[str, Any]) -> _Attempt:
            response: httpx.Response | LoopbackResponse
            if loopback:  # this machine's server: read straight from the socket (loopback_http.py)
                response = await post_streaming(url, payload, headers)
            else:
                client = await shared_client()
                sent = client.build_request("POST", url, json=payload, headers=headers, timeout=http_timeout_s(request))
                response = await client.send(sent, stream=True)
            try:
                if response.status_code >= 300:
                    raise await _status_error(response)
                return attempt(response, request)
            except BaseException:
                await response.aclose()
                raise

        async def open_attempt() -> _Attempt:
            try:
                return await send(body)
            except ServerError as exc:
                if "think" not in body or not refuses_think(exc):
                    raise
            return await send({k: v for k, v in body.items() if k != "think"})

        async def estimate(text: str, reasoning: str) -> Usage:
            return await asyncio.to_thread(estimate_usage, request, text, reasoning)

        return stream_answer(
            request, open_attempt, estimate, retry_delay_s=self.retry_delay_s, clock=self.clock, secret=key
        )


async def _refuse(request: AnswerRequest) -> AsyncIterator[StreamEvent]:
    refused = local_refusal(request)
    yield refused or errors.other(f"DirectSource does not speak {request.route!r} (routing.py sends it to litellm)")
