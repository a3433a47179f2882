"""A scripted model server: real HTTP on 127.0.0.1, for tests, benches and demos.

It speaks enough of the Ollama API (`/api/chat`, `/api/generate` to load and unload, `/api/tags`,
`/api/show`, `/api/ps`, `/api/pull`, `/api/version`) and of the OpenAI-compatible API
(`/v1/chat/completions`, `/v1/models`) for litellm's `ollama_chat/` and `openai/` routes, and for
duels' direct client. Each model is scripted by name (`ModelScript`): how many tokens, at what
pace, reasoning ("thinking") first, and how it misbehaves: drop the connection, stall, answer an
HTTP error, send a malformed chunk, report no usage. Every request is recorded, and every
connection is tracked, so a test can check what was sent (`num_predict`) and that a cancelled
stream really closed its connection.

As ollama does (its docs/api.md and server/routes.go, read for this): a model is loaded into
memory by its first request (`load_s`, before any byte of the answer, reported as the final
chunk's `load_duration`), or by `/api/generate` with no prompt (`done_reason: "load"`); `keep_alive:
0` with no prompt unloads it. With `memory_bytes` set, loading a model unloads the least recently
used ones until it fits. `/api/ps` lists what is loaded. A model scripted with `installed=False`
is absent from `/api/tags` until `/api/pull` streams its progress (`pull_s`). Reasoning comes as
`message.thinking` (`reasoning_content` in OpenAI mode) when `think` is not false, or inline as
`<think>…</think>` in the content (`think_style="inline"`: older ollama, llama.cpp without a
reasoning parser); `think: true` for a model without thinking is refused (HTTP 400). A model with
an `api_key` answers 401 to a request without it, as a cloud API does.

From a test, through the `scripted_server` fixture of `tests/conftest.py`:

    scripted_server.add(ModelScript("lent", tokens=20, delay_s=0.05))
    route, api_base = "ollama_chat/lent", scripted_server.base_url

From a script (a background thread, its own event loop):

    with ScriptedServer([ModelScript("rapide", tokens=1000)]) as server: ...

Standalone, to run the app against it (Ctrl-C stops it):

    python tests/scripted_server.py --port 11435 [--script models.json] [--memory-gb 48]

where models.json is `{"models": [{"name": "gemma3:4b", "tokens": 300, "delay_s": 0.03}, ...]}`
(the keys are ModelScript's fields). Without --script it serves `demo_models()`.
Models can also be added while it runs: `POST /_script` with the same JSON; `GET /_requests`
lists what it received.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import itertools
import json
import math
import re
import signal
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime
from typing import Any, Literal

# A French answer, cut into word tokens (each keeps its leading space), cycled for long answers.
ANSWER_TEXT = (
    "Bonne question ! Un modèle de langage prédit le mot suivant à partir de tous les mots "
    "précédents. Pour cela, il s'appuie sur des milliards de paramètres appris pendant "
    "l'entraînement sur d'immenses corpus de textes. Plus le modèle est grand, plus chaque mot "
    "généré demande de calculs, donc d'électricité. Un petit modèle local répond souvent très "
    "bien aux questions simples : c'est plus sobre, et vos données restent sur votre ordinateur. "
    "Pour une tâche complexe, un modèle plus grand peut être utile, mais il coûte davantage "
    "d'énergie et d'eau pour refroidir les centres de données. En résumé : choisissez le plus "
    "petit modèle qui fait bien le travail."
)
THINKING_TEXT = (
    "Voyons. La personne demande une explication simple. Je dois d'abord rappeler le principe, "
    "puis donner un exemple concret, et enfin parler de l'impact énergétique sans jargon. "
    "Vérifions que la réponse reste courte et claire."
)
_WORD = re.compile(r"\s*\S+")


def words(text: str) -> list[str]:
    """`text` cut into word tokens; joined back, they give the text again."""
    return _WORD.findall(text)


ANSWER_TOKENS = words(ANSWER_TEXT)
THINKING_TOKENS = words(THINKING_TEXT)


def _tokens(spec: int | list[str], corpus: list[str]) -> Iterator[str]:
    if isinstance(spec, int):
        for i in range(spec):
            token = corpus[i % len(corpus)]
            # Start cleanly (no leading space) and restart each cycle of the corpus on a new line.
            if i == 0:
                token = token.lstrip()
            elif i % len(corpus) == 0:
                token = "\n\n" + token.lstrip()
            yield token
    else:
        yield from spec


@functools.lru_cache(maxsize=1024)  # a flood repeats the same few hundred words
def _widened(token: str, chars: int) -> str:
    """`token` repeated up to `chars` characters (at least the token itself)."""
    return (token * (chars // max(1, len(token)) + 1))[: max(chars, len(token))]


def _count(spec: int | list[str]) -> int:
    return spec if isinstance(spec, int) else len(spec)


@dataclass
class ModelScript:
    """How one model (by name) answers. Token indices count reasoning tokens first, then answer
    tokens; `*_after=k` acts once k tokens have gone out (0: before the first)."""

    name: str
    tokens: int | list[str] = 40  # N French word tokens, or the exact token texts
    thinking: int | list[str] = 0  # reasoning tokens sent before the answer
    delay_s: float = 0.0  # pause between two tokens (0: as fast as the client reads)
    first_token_delay_s: float = 0.0  # pause between the response headers and the first token
    headers_delay_s: float = 0.0  # pause before any response at all (math.inf: never answer)
    drop_after: int | None = None  # close the connection mid-answer after k tokens
    stall_after: int | None = None  # go silent after k tokens ...
    stall_s: float | None = None  # ... for this long (None: until the client leaves)
    status: int | None = None  # answer this HTTP status with an error body instead ...
    status_times: int | None = None  # ... to the first k chat requests only (None: to all)
    malformed_after: int | None = None  # send a malformed chunk after k tokens, then go on
    malformed_line: str | None = None  # that chunk's JSON text (default: JSON cut in the middle)
    empty_after: int | None = None  # after k tokens, send chunks with no text, forever ...
    empty_every_s: float = 0.05  # ... one every this many seconds (0: as fast as the client reads)
    end_marker: bool = True  # False: the stream ends cleanly but without done:true / finish / [DONE]
    sse_done: bool = True  # OpenAI: `data: [DONE]` after the finish (False: some servers omit it)
    token_chars: int | None = None  # each answer token repeated up to this many characters (a flood)
    obeys_limit: bool = True  # False: num_predict / max_tokens ignored, as a runaway server does
    usage: bool = True  # report token counts (OpenAI mode: only when the client asks for them)
    prompt_tokens: int | None = None  # reported prompt tokens (default: from the prompt's words)
    parameter_size: str = "4.3B"  # /api/show and /api/tags details
    quantization_level: str = "Q4_K_M"
    family: str = "gemma3"
    size_bytes: int = 3_338_801_804  # its file (/api/tags) and its memory once loaded (/api/ps)
    load_s: float = 0.0  # loading into memory: the first request waits this long (and after an unload)
    installed: bool = True  # False: absent from /api/tags, 404 to a chat, until /api/pull
    pull_s: float = 0.0  # how long /api/pull streams its progress
    pull_error: str | None = None  # /api/pull fails with this message after the manifest
    think_style: Literal["field", "inline"] = "field"  # reasoning as a field, or inline <think> tags
    api_key: str | None = None  # a cloud API's key: a chat without `Authorization: Bearer <it>` gets 401

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ModelScript:
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown ModelScript keys: {sorted(unknown)}")
        values = dict(data)
        if values.get("think_style", "field") not in ("field", "inline"):
            raise ValueError("think_style: 'field' or 'inline'")
        for key in ("headers_delay_s", "stall_s"):
            if values.get(key) in ("inf", "infinity"):
                values[key] = math.inf
        return cls(**values)

    def total_tokens(self) -> int:
        return _count(self.thinking) + _count(self.tokens)

    @property
    def thinks(self) -> bool:
        return _count(self.thinking) > 0

    def plan(
        self, limit: int | None, think: object = None
    ) -> tuple[list[tuple[Literal["thinking", "content"], str]], str]:
        """The tokens to send, cut at `limit` (num_predict / max_tokens), and the finish reason.
        `think` is the request's: false leaves the reasoning out (ollama's `think: false`), unless
        the reasoning is inline, which an older server cannot turn off."""
        out: list[tuple[Literal["thinking", "content"], str]] = []
        thinking: Iterable[str] = _tokens(self.thinking, THINKING_TOKENS)
        reasoning_count = _count(self.thinking)
        if self.think_style == "inline" and reasoning_count:
            thinking = itertools.chain(["<think>"], thinking, ["</think>", "\n\n"])
            reasoning_count += 3
        elif think is False:
            thinking, reasoning_count = (), 0
        kind: Literal["thinking", "content"] = "content" if self.think_style == "inline" else "thinking"
        total = reasoning_count + _count(self.tokens)
        cap = total if limit is None or limit < 0 or not self.obeys_limit else min(limit, total)
        stream = itertools.chain(
            ((kind, t) for t in thinking),
            (("content", t) for t in _tokens(self.tokens, ANSWER_TOKENS)),
        )
        out.extend(itertools.islice(stream, cap))  # type: ignore[arg-type]
        if self.token_chars:
            out = [(kind, _widened(text, self.token_chars) if kind == "content" else text) for kind, text in out]
        return out, ("length" if cap < total else "stop")


def demo_models() -> list[ModelScript]:
    """What the standalone server serves without --script: two paces, a reasoner, failures."""
    return [
        ModelScript("gemma3:4b", tokens=220, delay_s=0.03, first_token_delay_s=0.2, load_s=2.0),
        ModelScript(
            "llama3.3:70b",
            tokens=260,
            delay_s=0.12,
            first_token_delay_s=0.8,
            parameter_size="70.6B",
            family="llama",
            size_bytes=42_520_413_916,
            load_s=25.0,
        ),
        ModelScript(
            "qwq:32b",
            thinking=60,
            tokens=180,
            delay_s=0.06,
            first_token_delay_s=0.5,
            parameter_size="32.8B",
            family="qwen2",
            size_bytes=19_851_337_640,
            load_s=12.0,
            think_style="inline",
        ),
        ModelScript("coupure", tokens=200, delay_s=0.05, drop_after=40),
        ModelScript("muet", tokens=200, delay_s=0.05, stall_after=30),
        ModelScript("casse", tokens=200, delay_s=0.05, malformed_after=25),
        ModelScript("erreur500", status=500),
        ModelScript("sans-compte", tokens=150, delay_s=0.03, usage=False),
    ]


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]  # lower-case names
    body: Any  # parsed JSON, or None
    connection_id: int
    received_at: float  # time.monotonic()
    status: int | None = None
    tokens_sent: int = 0
    completed: bool = False  # the whole response went out
    dropped: bool = False  # the server cut the connection on purpose (drop_after)
    client_left: bool = False  # the client closed the connection before the response ended
    load_s: float = 0.0  # how long this request waited for its model to load

    @property
    def model(self) -> str | None:
        return self.body.get("model") if isinstance(self.body, dict) else None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class _Connection(asyncio.Protocol):
    """One TCP connection: HTTP/1.1 with keep-alive, one request at a time (httpx never pipelines).
    A protocol rather than streams so that the client leaving is seen at once, even while the
    server is sleeping between two tokens."""

    def __init__(self, server: ScriptedServer, connection_id: int) -> None:
        self.server = server
        self.id = connection_id
        self.buffer = bytearray()
        self.transport: asyncio.Transport | None = None
        loop = asyncio.get_running_loop()
        self.gone: asyncio.Future[None] = loop.create_future()  # set when the client left
        self.data = asyncio.Event()
        self.writable = asyncio.Event()
        self.writable.set()
        self.current: RecordedRequest | None = None
        self.task: asyncio.Task[None] | None = None

    # asyncio.Protocol
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.server._connection_opened(self)
        self.task = asyncio.get_running_loop().create_task(self._serve())

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        self.data.set()

    def eof_received(self) -> bool:
        self._mark_gone()
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self._mark_gone()
        self.server._connection_closed(self)

    def pause_writing(self) -> None:
        self.writable.clear()

    def resume_writing(self) -> None:
        self.writable.set()

    # helpers
    def _mark_gone(self) -> None:
        if not self.gone.done():
            self.gone.set_result(None)
        self.data.set()
        self.writable.set()
        if self.current is not None and not self.current.completed and not self.current.dropped:
            self.current.client_left = True

    @property
    def is_gone(self) -> bool:
        return self.gone.done()

    async def pause(self, seconds: float) -> bool:
        """Sleep, but wake up when the client leaves. True when the client is still there."""
        if seconds > 0 and not self.is_gone:
            await asyncio.wait([self.gone], timeout=None if math.isinf(seconds) else seconds)
        return not self.is_gone

    async def send(self, data: bytes) -> bool:
        if self.is_gone or self.transport is None or self.transport.is_closing():
            return False
        self.transport.write(data)
        await self.writable.wait()
        return not self.is_gone

    async def _read_request(self) -> RecordedRequest | None:
        while b"\r\n\r\n" not in self.buffer:
            if self.is_gone:
                return None
            self.data.clear()
            await self.data.wait()
        head, _, _ = bytes(self.buffer).partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        method, path, _version = lines[0].split(" ", 2)
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "0"))
        needed = len(head) + 4 + length
        while len(self.buffer) < needed:
            if self.is_gone:
                return None
            self.data.clear()
            await self.data.wait()
        raw = bytes(self.buffer[len(head) + 4 : needed])
        del self.buffer[:needed]
        body: Any = None
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                body = raw.decode("utf-8", "replace")
        return RecordedRequest(
            method=method,
            path=path.split("?", 1)[0],
            headers=headers,
            body=body,
            connection_id=self.id,
            received_at=time.monotonic(),
        )

    async def _serve(self) -> None:
        try:
            while not self.is_gone:
                request = await self._read_request()
                if request is None:
                    break
                self.current = request
                self.server._record(request)
                await self.server._dispatch(request, self)
                if request.dropped or request.headers.get("connection", "").lower() == "close":
                    break
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            if self.transport is not None:
                self.transport.close()

    # responses
    async def respond(self, request: RecordedRequest, status: int, body: bytes, content_type: str) -> None:
        request.status = status
        head = (
            f"HTTP/1.1 {status} {_REASONS.get(status, 'Status')}\r\n"
            f"Content-Type: {content_type}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode()
        if await self.send(head + body):
            request.completed = True

    async def respond_json(self, request: RecordedRequest, status: int, obj: Any) -> None:
        await self.respond(request, status, json.dumps(obj).encode(), "application/json")

    async def start_chunked(self, request: RecordedRequest, content_type: str) -> bool:
        request.status = 200
        head = (f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nTransfer-Encoding: chunked\r\n\r\n").encode()
        return await self.send(head)

    async def chunk(self, data: bytes) -> bool:
        return await self.send(b"%x\r\n%s\r\n" % (len(data), data))

    async def end_chunked(self, request: RecordedRequest) -> None:
        if await self.send(b"0\r\n\r\n"):
            request.completed = True

    def drop(self, request: RecordedRequest) -> None:
        request.dropped = True
        if self.transport is not None:
            self.transport.close()  # flushes what was written, then closes: a truncated body


_REASONS = {
    200: "OK",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}


def _digest(name: str) -> str:
    import hashlib

    return hashlib.sha256(name.encode()).hexdigest()


def _now_iso() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


def _prompt_tokens(script: ModelScript, body: dict[str, Any]) -> int:
    if script.prompt_tokens is not None:
        return script.prompt_tokens
    messages = body.get("messages") or []
    n = 0
    for m in messages:
        content = m.get("content") if isinstance(m, dict) else None
        n += 4 + (len(content.split()) * 4 // 3 if isinstance(content, str) else 0)
    return n


class ScriptedServer:
    """The server, run in a background thread with its own event loop (`start`/`stop`, or `with`).

    Tests read `requests`, `open_connections` and `is_open(connection_id)`; they change only
    between two events of the server loop, so reading them from another thread is safe enough."""

    def __init__(
        self,
        models: Iterable[ModelScript] = (),
        host: str = "127.0.0.1",
        port: int = 0,
        memory_bytes: int | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.models: dict[str, ModelScript] = {}
        self.add(*models)
        self.requests: list[RecordedRequest] = []
        self._served: dict[str, int] = {}  # chat requests per model
        # Memory for loaded models (None: room for all); loading past it unloads the least
        # recently used first, as ollama's scheduler does.
        self.memory_bytes = memory_bytes
        self.loaded: dict[str, float] = {}  # model -> last used (monotonic), oldest first
        self.loads: list[str] = []  # every load, in order (a test sees reloads)
        self.unloads: list[str] = []
        self._loading: dict[str, asyncio.Future[None]] = {}
        self.connections_opened = 0
        self._open: dict[int, _Connection] = {}
        self._ids = itertools.count(1)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: asyncio.Server | None = None
        self._stopping: asyncio.Event | None = None

    # scripting
    def add(self, *models: ModelScript) -> ScriptedServer:
        for model in models:
            self.models[model.name] = model
        return self

    def script(self, name: str, **behaviour: Any) -> ModelScript:
        """Add (or replace) a model: `server.script("lent", tokens=20, delay_s=0.05)`."""
        model = ModelScript(name, **behaviour)
        self.add(model)
        return model

    @property
    def base_url(self) -> str:
        """The api_base of `ollama_chat/` routes."""
        return f"http://{self.host}:{self.port}"

    @property
    def openai_base(self) -> str:
        """The api_base of `openai/` routes."""
        return f"{self.base_url}/v1"

    # observation
    @property
    def open_connections(self) -> int:
        return len(self._open)

    @property
    def open_answer_connections(self) -> int:
        """The open connections whose last request asked for an answer (a chat): a client's
        idle keep-alive connections of model loads and probes are not counted."""
        answers = ("/api/chat", "/v1/chat/completions")
        return sum(1 for c in list(self._open.values()) if c.current is not None and c.current.path in answers)

    def is_open(self, connection_id: int) -> bool:
        return connection_id in self._open

    def load_requests(self, model: str | None = None) -> list[RecordedRequest]:
        """The `/api/generate` requests without a prompt (loads and unloads)."""
        return [
            r
            for r in list(self.requests)
            if r.path == "/api/generate" and (model is None or r.model == model)
        ]

    def chat_requests(self, model: str | None = None) -> list[RecordedRequest]:
        return [
            r
            for r in list(self.requests)
            if r.path in ("/api/chat", "/v1/chat/completions") and (model is None or r.model == model)
        ]

    def wait_until(self, predicate: Callable[[], bool], timeout: float = 2.0) -> bool:
        """Poll `predicate` (from any thread) until it holds or `timeout` passes."""
        deadline = time.monotonic() + timeout
        while True:
            if predicate():
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.005)

    async def wait_until_async(self, predicate: Callable[[], bool], timeout: float = 2.0) -> bool:
        """Same as wait_until, without blocking the caller's event loop."""
        deadline = time.monotonic() + timeout
        while True:
            if predicate():
                return True
            if time.monotonic() >= deadline:
                return False
            await asyncio.sleep(0.005)

    # life cycle
    def start(self) -> ScriptedServer:
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            try:
                loop.run_until_complete(self._serve(ready))
            except BaseException as exc:  # reported to the starting thread
                failure.append(exc)
                ready.set()
            finally:
                loop.close()

        self._thread = threading.Thread(target=run, name="scripted-server", daemon=True)
        self._thread.start()
        ready.wait(10)
        if failure:
            raise failure[0]
        return self

    def stop(self) -> None:
        if self._loop is not None and self._stopping is not None and self._thread is not None:
            with contextlib.suppress(RuntimeError):  # loop already closed
                self._loop.call_soon_threadsafe(self._stopping.set)
            self._thread.join(5)
        self._thread = None

    def __enter__(self) -> ScriptedServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    async def serve_forever(self, on_ready: Callable[[], object] | None = None) -> None:
        """Serve in the current event loop until cancelled (the standalone mode)."""
        event = threading.Event()
        task = asyncio.create_task(self._serve(event))
        while not event.is_set():
            await asyncio.sleep(0.01)
        if on_ready is not None:
            on_ready()
        await task

    async def _serve(self, ready: threading.Event) -> None:
        self._stopping = asyncio.Event()
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(
            lambda: _Connection(self, next(self._ids)), self.host, self.port, reuse_address=True
        )
        self.port = self._server.sockets[0].getsockname()[1]
        ready.set()
        try:
            await self._stopping.wait()
        finally:
            self._server.close()
            for connection in list(self._open.values()):
                if connection.transport is not None:
                    connection.transport.abort()
            tasks = [c.task for c in list(self._open.values()) if c.task is not None]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await self._server.wait_closed()

    # bookkeeping (server loop only)
    def _connection_opened(self, connection: _Connection) -> None:
        self.connections_opened += 1
        self._open[connection.id] = connection

    def _connection_closed(self, connection: _Connection) -> None:
        self._open.pop(connection.id, None)

    def _record(self, request: RecordedRequest) -> None:
        self.requests.append(request)

    # routing
    async def _dispatch(self, request: RecordedRequest, conn: _Connection) -> None:
        route = (request.method, request.path)
        handlers: dict[tuple[str, str], Callable[[RecordedRequest, _Connection], Awaitable[None]]]
        handlers = {
            ("GET", "/"): self._root,
            ("HEAD", "/"): self._root,
            ("GET", "/api/version"): self._version,
            ("GET", "/api/tags"): self._tags,
            ("POST", "/api/show"): self._show,
            ("GET", "/api/ps"): self._ps,
            ("POST", "/api/pull"): self._pull,
            ("POST", "/api/generate"): self._generate,
            ("POST", "/api/chat"): self._ollama_chat,
            ("GET", "/v1/models"): self._openai_models,
            ("POST", "/v1/chat/completions"): self._openai_chat,
            ("POST", "/_script"): self._control_script,
            ("GET", "/_requests"): self._control_requests,
        }
        handler = handlers.get(route)
        if handler is None:
            await conn.respond_json(request, 404, {"error": f"no route {request.method} {request.path}"})
        else:
            await handler(request, conn)

    async def _root(self, request: RecordedRequest, conn: _Connection) -> None:
        await conn.respond(request, 200, b"Ollama is running", "text/plain; charset=utf-8")

    async def _version(self, request: RecordedRequest, conn: _Connection) -> None:
        await conn.respond_json(request, 200, {"version": "0.9.0"})

    def _details(self, model: ModelScript) -> dict[str, Any]:
        return {
            "parent_model": "",
            "format": "gguf",
            "family": model.family,
            "families": [model.family],
            "parameter_size": model.parameter_size,
            "quantization_level": model.quantization_level,
        }

    async def _tags(self, request: RecordedRequest, conn: _Connection) -> None:
        listed = [
            {
                "name": m.name,
                "model": m.name,
                "modified_at": _now_iso(),
                "size": m.size_bytes,
                "digest": _digest(m.name),
                "details": self._details(m),
            }
            for m in self.models.values()
            if m.installed
        ]
        await conn.respond_json(request, 200, {"models": listed})

    # memory: loading, unloading, what is loaded
    async def _load(self, model: ModelScript, conn: _Connection, request: RecordedRequest) -> bool:
        """Load `model` unless it is loaded (a load under way is shared). False when the client
        left meanwhile."""
        began = time.monotonic()
        while model.name not in self.loaded:
            pending = self._loading.get(model.name)
            if pending is None:
                pending = asyncio.get_running_loop().create_future()
                self._loading[model.name] = pending
                try:
                    if not await conn.pause(model.load_s):
                        return False
                    self._make_room(model)
                    self.loaded[model.name] = time.monotonic()
                    self.loads.append(model.name)
                finally:
                    del self._loading[model.name]
                    if not pending.done():
                        pending.set_result(None)
            else:
                await asyncio.wait([pending, conn.gone], return_when=asyncio.FIRST_COMPLETED)
                if conn.is_gone:
                    return False
        del self.loaded[model.name]
        self.loaded[model.name] = time.monotonic()  # the most recently used last
        request.load_s = time.monotonic() - began
        return True

    def _make_room(self, model: ModelScript) -> None:
        if self.memory_bytes is None:
            return
        used = sum(self.models[name].size_bytes for name in self.loaded if name in self.models)
        for name in list(self.loaded):  # least recently used first
            if used + model.size_bytes <= self.memory_bytes:
                break
            used -= self.models[name].size_bytes if name in self.models else 0
            self._unload(name)

    def _unload(self, name: str) -> None:
        if self.loaded.pop(name, None) is not None:
            self.unloads.append(name)

    async def _generate(self, request: RecordedRequest, conn: _Connection) -> None:
        """Only what duels uses: no prompt loads the model, and `keep_alive: 0` unloads it."""
        body = request.body if isinstance(request.body, dict) else {}
        name = body.get("model")
        model = self.models.get(name) if isinstance(name, str) else None
        if model is None or not model.installed:
            await conn.respond_json(request, 404, {"error": f"model '{name}' not found"})
            return
        if body.get("prompt"):
            await conn.respond_json(request, 400, {"error": "scripted server: /api/generate only loads and unloads"})
            return
        reply = {"model": name, "created_at": _now_iso(), "response": "", "done": True}
        keep_alive = body.get("keep_alive")
        if keep_alive in (0, "0", "0s", "0m"):
            self._unload(model.name)
            await conn.respond_json(request, 200, reply | {"done_reason": "unload"})
            return
        if await self._load(model, conn, request):
            await conn.respond_json(request, 200, reply | {"done_reason": "load"})

    async def _ps(self, request: RecordedRequest, conn: _Connection) -> None:
        running = [
            {
                "name": name,
                "model": name,
                "size": self.models[name].size_bytes,
                "digest": _digest(name),
                "details": self._details(self.models[name]),
                "expires_at": "2099-01-01T00:00:00Z",
                "size_vram": 0,  # on the CPU, as on a laptop without a GPU
                "context_length": 4096,
            }
            for name in reversed(list(self.loaded))
            if name in self.models
        ]
        await conn.respond_json(request, 200, {"models": running})

    async def _pull(self, request: RecordedRequest, conn: _Connection) -> None:
        """Progress as ollama streams it: the manifest, one layer's bytes growing, the checks,
        success; an unknown name (or `pull_error`) fails after the manifest, as ollama's does."""
        body = request.body if isinstance(request.body, dict) else {}
        name = body.get("model") or body.get("name")
        model = self.models.get(name) if isinstance(name, str) else None
        if not await conn.start_chunked(request, "application/x-ndjson"):
            return

        async def line(obj: dict[str, Any]) -> bool:
            return await conn.chunk(json.dumps(obj).encode() + b"\n")

        if not await line({"status": "pulling manifest"}):
            return
        error = "pull model manifest: file does not exist" if model is None else model.pull_error
        if model is None or error:
            if await line({"error": error}):
                await conn.end_chunked(request)
            return
        if not model.installed:
            digest, total, steps = f"sha256:{_digest(model.name)}", model.size_bytes, 10
            for step in range(steps + 1):
                if step and not await conn.pause(model.pull_s / steps):
                    return
                progress = {"status": f"pulling {digest[7:19]}", "digest": digest, "total": total}
                if step:
                    progress["completed"] = total * step // steps
                if not await line(progress):
                    return
            model.installed = True
        for status in ("verifying sha256 digest", "writing manifest", "success"):
            if not await line({"status": status}):
                return
        await conn.end_chunked(request)

    async def _show(self, request: RecordedRequest, conn: _Connection) -> None:
        body = request.body if isinstance(request.body, dict) else {}
        name = body.get("model") or body.get("name")
        model = self.models.get(name) if isinstance(name, str) else None
        if model is None or not model.installed:
            await conn.respond_json(request, 404, {"error": f"model '{name}' not found"})
            return
        capabilities = ["completion", "thinking"] if _count(model.thinking) else ["completion"]
        await conn.respond_json(
            request,
            200,
            {
                "modelfile": f"FROM {model.name}",
                "parameters": "temperature 1",
                "template": "{{ .Prompt }}",
                "details": self._details(model),
                "model_info": {"general.architecture": model.family},
                "capabilities": capabilities,
            },
        )

    async def _openai_models(self, request: RecordedRequest, conn: _Connection) -> None:
        listed = [
            {"id": m.name, "object": "model", "created": 1_700_000_000, "owned_by": "scripted"}
            for m in self.models.values()
        ]
        await conn.respond_json(request, 200, {"object": "list", "data": listed})

    async def _control_script(self, request: RecordedRequest, conn: _Connection) -> None:
        body = request.body if isinstance(request.body, dict) else {}
        try:
            models = [ModelScript.from_dict(m) for m in body.get("models", [])]
        except (TypeError, ValueError) as exc:
            await conn.respond_json(request, 400, {"error": str(exc)})
            return
        self.add(*models)
        await conn.respond_json(request, 200, {"models": sorted(self.models)})

    async def _control_requests(self, request: RecordedRequest, conn: _Connection) -> None:
        await conn.respond_json(request, 200, [r.to_json() for r in self.requests])

    # chat
    async def _chat_prelude(
        self, request: RecordedRequest, conn: _Connection, flavour: Literal["ollama", "openai"]
    ) -> ModelScript | None:
        """Find the model and play what comes before the first byte; None if already answered."""
        body = request.body if isinstance(request.body, dict) else {}
        name = body.get("model")
        model = self.models.get(name) if isinstance(name, str) else None
        if model is None or not model.installed:
            await self._error(request, conn, flavour, 404, f"model '{name}' not found")
            return None
        if model.api_key is not None and request.headers.get("authorization") != f"Bearer {model.api_key}":
            await self._error(request, conn, flavour, 401, "Incorrect API key provided")
            return None
        if flavour == "ollama" and body.get("think") is True and not model.thinks:
            await self._error(request, conn, flavour, 400, f'"{name}" does not support thinking')
            return None
        if not await conn.pause(model.headers_delay_s):
            return None
        if not await self._load(model, conn, request):
            return None
        served = self._served.get(model.name, 0)
        self._served[model.name] = served + 1
        if model.status is not None and (model.status_times is None or served < model.status_times):
            await self._error(request, conn, flavour, model.status, f"scripted error {model.status}")
            return None
        return model

    async def _error(
        self,
        request: RecordedRequest,
        conn: _Connection,
        flavour: Literal["ollama", "openai"],
        status: int,
        message: str,
    ) -> None:
        if flavour == "ollama":
            await conn.respond_json(request, status, {"error": message})
        else:
            kind = "not_found_error" if status == 404 else "server_error"
            error = {"message": message, "type": kind, "param": None, "code": status}
            await conn.respond_json(request, status, {"error": error})

    async def _play(
        self,
        request: RecordedRequest,
        conn: _Connection,
        model: ModelScript,
        plan: list[tuple[Literal["thinking", "content"], str]],
        encode: Callable[[str, str], bytes],
        malformed: bytes,
    ) -> bool:
        """Send the planned tokens with the script's pace and failures. True when all went out."""
        if not await conn.pause(model.first_token_delay_s):
            return False
        for i in range(len(plan) + 1):
            if model.empty_after == i:
                while await conn.chunk(encode("content", "")):  # until the client leaves
                    if model.empty_every_s > 0:
                        await conn.pause(model.empty_every_s)
                    else:
                        await asyncio.sleep(0)
                return False
            if model.drop_after == i:
                conn.drop(request)
                return False
            if model.stall_after == i:
                stall = math.inf if model.stall_s is None else model.stall_s
                if not await conn.pause(stall):
                    return False
            if model.malformed_after == i and not await conn.chunk(malformed):
                return False
            if i == len(plan):
                return True
            if i > 0:
                if model.delay_s > 0:
                    if not await conn.pause(model.delay_s):
                        return False
                else:
                    await asyncio.sleep(0)  # let the loop breathe between two fast tokens
            kind, text = plan[i]
            if not await conn.chunk(encode(kind, text)):
                return False
            request.tokens_sent += 1
        return True

    async def _ollama_chat(self, request: RecordedRequest, conn: _Connection) -> None:
        model = await self._chat_prelude(request, conn, "ollama")
        if model is None:
            return
        body: dict[str, Any] = request.body
        if body.get("messages") == []:  # no message: load the model only (ollama's docs/api.md)
            message = {"role": "assistant", "content": ""}
            reply = {"model": model.name, "created_at": _now_iso(), "message": message, "done": True}
            await conn.respond_json(request, 200, reply | {"done_reason": "load"})
            return
        options = body.get("options") or {}
        limit = options.get("num_predict")
        plan, finish = model.plan(limit if isinstance(limit, int) else None, body.get("think"))
        counts: dict[str, Any] = {}
        if model.usage:
            counts = {
                "prompt_eval_count": _prompt_tokens(model, body),
                "prompt_eval_duration": 12_000_000,
                "eval_count": len(plan),
                "eval_duration": 1_000_000 * max(1, len(plan)),
            }
        name = model.name

        if body.get("stream", True) is False:
            if not await conn.pause(model.first_token_delay_s + model.delay_s * len(plan)):
                return
            message = {
                "role": "assistant",
                "content": "".join(t for k, t in plan if k == "content"),
            }
            thinking = "".join(t for k, t in plan if k == "thinking")
            if thinking:
                message["thinking"] = thinking
            reply = {"model": name, "created_at": _now_iso(), "message": message, "done": True}
            reply |= {"done_reason": finish, "total_duration": 1_000_000, **counts}
            await conn.respond_json(request, 200, reply)
            return

        created = _now_iso()
        head = json.dumps({"model": name, "created_at": created})[:-1].encode()

        def encode(kind: str, text: str) -> bytes:
            if kind == "thinking":
                message = {"role": "assistant", "content": "", "thinking": text}
            else:
                message = {"role": "assistant", "content": text}
            return head + b', "message": ' + json.dumps(message).encode() + b', "done": false}\n'

        malformed = head + b', "message": {"role": "assistant", "content": "oups\n'
        if model.malformed_line is not None:
            malformed = model.malformed_line.encode() + b"\n"
        if not await conn.start_chunked(request, "application/x-ndjson"):
            return
        if not await self._play(request, conn, model, plan, encode, malformed):
            return
        if not model.end_marker:
            await conn.end_chunked(request)
            return
        final = {
            "model": name,
            "created_at": _now_iso(),
            "message": {"role": "assistant", "content": ""},
            "done": True,
            "done_reason": finish,
            "total_duration": 1_000_000 + int(request.load_s * 1e9),
            "load_duration": int(request.load_s * 1e9),
            **counts,
        }
        if await conn.chunk(json.dumps(final).encode() + b"\n"):
            await conn.end_chunked(request)

    async def _openai_chat(self, request: RecordedRequest, conn: _Connection) -> None:
        model = await self._chat_prelude(request, conn, "openai")
        if model is None:
            return
        body: dict[str, Any] = request.body
        limit = body.get("max_completion_tokens", body.get("max_tokens"))
        plan, finish = model.plan(limit if isinstance(limit, int) else None)
        prompt = _prompt_tokens(model, body)
        usage = {"prompt_tokens": prompt, "completion_tokens": len(plan)}
        usage["total_tokens"] = prompt + len(plan)
        completion_id = f"chatcmpl-{next(self._ids)}"
        created = int(time.time())

        if not body.get("stream"):
            if not await conn.pause(model.first_token_delay_s + model.delay_s * len(plan)):
                return
            message: dict[str, Any] = {
                "role": "assistant",
                "content": "".join(t for k, t in plan if k == "content"),
            }
            thinking = "".join(t for k, t in plan if k == "thinking")
            if thinking:
                message["reasoning_content"] = thinking
            reply: dict[str, Any] = {
                "id": completion_id,
                "object": "chat.completion",
                "created": created,
                "model": model.name,
                "choices": [{"index": 0, "message": message, "finish_reason": finish}],
            }
            if model.usage:
                reply["usage"] = usage
            await conn.respond_json(request, 200, reply)
            return

        def event(choices: list[dict[str, Any]], **more: Any) -> bytes:
            chunk = {
                "id": completion_id,
                "object": "chat.completion.chunk",
                "created": created,
                "model": model.name,
                "choices": choices,
                **more,
            }
            return b"data: " + json.dumps(chunk).encode() + b"\n\n"

        def encode(kind: str, text: str) -> bytes:
            key = "reasoning_content" if kind == "thinking" else "content"
            return event([{"index": 0, "delta": {key: text}, "finish_reason": None}])

        malformed = b'data: {"id": "' + completion_id.encode() + b'", "choices": [{"delta": {\n\n'
        if model.malformed_line is not None:
            malformed = b"data: " + model.malformed_line.encode() + b"\n\n"
        if not await conn.start_chunked(request, "text/event-stream"):
            return
        first = event([{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}])
        if not await conn.chunk(first):
            return
        if not await self._play(request, conn, model, plan, encode, malformed):
            return
        if not model.end_marker:
            await conn.end_chunked(request)
            return
        if not await conn.chunk(event([{"index": 0, "delta": {}, "finish_reason": finish}])):
            return
        wants_usage = (body.get("stream_options") or {}).get("include_usage") is True
        if model.usage and wants_usage and not await conn.chunk(event([], usage=usage)):
            return
        if not model.sse_done or await conn.chunk(b"data: [DONE]\n\n"):
            await conn.end_chunked(request)


def load_script(path: str) -> list[ModelScript]:
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    items = data.get("models", []) if isinstance(data, dict) else data
    return [ModelScript.from_dict(item) for item in items]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Scripted Ollama/OpenAI-compatible test server.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=11435, help="0: any free port")
    parser.add_argument("--script", help='JSON: {"models": [{"name": ..., "tokens": ...}, ...]}')
    parser.add_argument("--memory-gb", type=float, help="memory for loaded models (default: room for all)")
    args = parser.parse_args(argv)
    models = load_script(args.script) if args.script else demo_models()
    memory = int(args.memory_gb * 1e9) if args.memory_gb else None
    server = ScriptedServer(models, host=args.host, port=args.port, memory_bytes=memory)

    def announce() -> None:
        print(f"listening on {server.base_url}", flush=True)
        for model in server.models.values():
            print(f"  ollama_chat/{model.name}  openai/{model.name}", flush=True)

    async def run() -> None:
        loop = asyncio.get_running_loop()
        task = asyncio.current_task()
        assert task is not None
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(sig, task.cancel)
        with contextlib.suppress(asyncio.CancelledError):
            await server.serve_forever(announce)

    asyncio.run(run())
    return 0


if __name__ == "__main__":
    sys.exit(main())
