"""Models loaded into memory before they answer, and the time that takes, kept apart from the answer.

ollama loads a model at its first request: seconds for a 4B model, a minute or more for a 70B one
read from a laptop's disk. Waiting for that within the answer's first-token timeout failed the
first duel of the day; counting it in the answer's time made the model look slow. So a model is
loaded first, on its own clock and with its own timeout (config/engine.toml):

- ollama (`ollama/…`, `ollama_chat/…`): `POST /api/generate` with the model and `keep_alive` and
  no prompt loads it and answers once it is in memory (ollama's docs/api.md, "Load a model");
  at once when it already is. `keep_alive: 0` unloads it.
- a local OpenAI-compatible server that is starting (the embedded llama.cpp engine registers its
  servers with `starting`): ready once `GET {api_base}/models` answers.
- anything else (a cloud API, a server already up): nothing to load.

`Loader` shares one load per model between whoever asks (the duel screen when it opens, the
answer when it starts), and hands the time it took to the first answer that reports it.
`LoadingSource` wraps an answer source: `Waiting("load")`, the load, `Loaded(seconds)`, then the
answer, whose first-token clock starts only then.
"""

from __future__ import annotations

import asyncio
import contextvars
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

from duels_tui.endpoints import api_base_for, is_ollama_route, ollama_model_name
from duels_tui.engine import errors
from duels_tui.engine.events import AnswerRequest, EngineError, Loaded, StreamEvent, Waiting
from duels_tui.engine.local_models import EngineFailure
from duels_tui.engine.source import AnswerSource, close_stream

# A model's route and its api_base (None: the route's default), as a catalog card has them.
Target = tuple[str, str | None]
POLL_S = 0.25  # how often a starting server is asked whether it is ready
Clock = Callable[[], float]

# api_base -> a check of the server being started there: None while it may still come up, else
# why it never will (its process ended). Set by the embedded engine (engine/local_server.py).
_starting: dict[str, Callable[[], str | None]] = {}


def starting(api_base: str, check: Callable[[], str | None]) -> None:
    """A local server is starting at `api_base`: its models wait for it (see `_starting`)."""
    _starting[api_base.rstrip("/")] = check


def not_starting(api_base: str) -> None:
    """The server at `api_base` is up, or stopped: nothing to wait for there any more."""
    _starting.pop(api_base.rstrip("/"), None)


def starting_problem(api_base: str) -> str | None:
    """None: no server is being started there; "": one is, and may still come up; else why it
    never will."""
    check = _starting.get(api_base.rstrip("/"))
    return None if check is None else (check() or "")


def start_failure() -> EngineFailure | None:
    """A server started in the background that never came up (the first, with why), as Home and
    the duel screen show an engine that did not start."""
    from duels_tui.paths import user_log_dir

    for check in list(_starting.values()):
        problem = check()
        if problem:
            return EngineFailure(problem, str(user_log_dir()))
    return None


@dataclass(frozen=True)
class LoadOutcome:
    seconds: float  # how long the load took (0: nothing to load)
    error: EngineError | None = None


def needs_loading(route: str, api_base: str | None) -> bool:
    """Whether this model has a loading step at all (ollama, or a server being started)."""
    return is_ollama_route(route) or (api_base is not None and api_base.rstrip("/") in _starting)


async def load(
    route: str,
    api_base: str | None,
    *,
    timeout_s: float,
    keep_alive: str | int,
    clock: Clock = time.perf_counter,
) -> LoadOutcome:
    """Load the model into memory (see the module's docstring); never raises for a failure."""
    began = clock()
    try:
        async with asyncio.timeout(timeout_s):
            if is_ollama_route(route):
                await _ollama_load(route, api_base, keep_alive)
            elif api_base is not None and api_base.rstrip("/") in _starting:
                await _server_ready(api_base.rstrip("/"))
    except TimeoutError:
        return LoadOutcome(clock() - began, errors.load_timed_out(timeout_s, f"{route}: not loaded in {timeout_s} s"))
    except _LoadFailed as exc:
        return LoadOutcome(clock() - began, exc.error)
    except Exception as exc:
        return LoadOutcome(clock() - began, errors.classify(exc, mid_stream=False))
    return LoadOutcome(clock() - began)


async def unload(route: str, api_base: str | None) -> None:
    """Ask ollama to free the model's memory now (best effort: it unloads idle models by itself
    when another one needs the room)."""
    if not is_ollama_route(route):
        return
    try:
        await _ollama_generate(route, api_base, {"keep_alive": 0}, timeout_s=30.0)
    except Exception:  # nothing depends on it
        return


class _LoadFailed(Exception):
    def __init__(self, error: EngineError) -> None:
        super().__init__(error.detail)
        self.error = error


async def _ollama_generate(route: str, api_base: str | None, fields: dict[str, Any], timeout_s: float) -> None:
    from duels_tui.engine.http_source import ServerError, shared_client

    base = (api_base_for(route, api_base) or "").rstrip("/")
    client = await shared_client()
    body = {"model": ollama_model_name(route), "stream": False, **fields}
    response = await client.post(f"{base}/api/generate", json=body, timeout=timeout_s)
    if response.status_code >= 300:
        try:
            said = response.json().get("error")
        except ValueError:
            said = None
        raise ServerError(f"HTTP {response.status_code}: {said or response.text[:500]}", response.status_code)


async def _ollama_load(route: str, api_base: str | None, keep_alive: str | int) -> None:
    try:
        # The HTTP timeout is only a backstop: the caller's asyncio.timeout is the load's limit.
        await _ollama_generate(route, api_base, {"keep_alive": keep_alive}, timeout_s=86_400.0)
    except Exception as exc:
        if errors.says_out_of_memory(exc):
            raise _LoadFailed(errors.out_of_memory(f"{type(exc).__name__}: {exc}"[:2000])) from exc
        raise


async def _server_ready(api_base: str) -> None:
    from duels_tui.engine.http_source import shared_client

    client = await shared_client()
    while True:
        try:
            response = await client.get(f"{api_base}/models", timeout=2.0)
            if response.status_code < 300:
                not_starting(api_base)
                return
        except Exception:  # not listening yet
            pass
        check = _starting.get(api_base)
        problem = check() if check is not None else None
        if problem:
            raise _LoadFailed(errors.local_not_started(problem))
        await asyncio.sleep(POLL_S)


class Loader:
    """Loads models on demand, one load per model at a time, each shared by whoever asks for it;
    a model's load time goes to the first answer that reports it (`take_seconds`). Use it from
    one event loop."""

    def __init__(self, *, timeout_s: float, keep_alive: str | int, clock: Clock = time.monotonic) -> None:
        self.timeout_s = timeout_s
        self.keep_alive = keep_alive
        self.clock = clock
        self._tasks: dict[Target, asyncio.Task[LoadOutcome]] = {}
        self._since: dict[Target, float] = {}  # when the load under way began
        self._unreported: dict[Target, float] = {}  # seconds of loads no answer has reported yet

    def start(self, route: str, api_base: str | None) -> asyncio.Task[LoadOutcome] | None:
        """The load of this model (started now, or the one under way); None when it has none."""
        if not needs_loading(route, api_base):
            return None
        target = (route, api_base)
        task = self._tasks.get(target)
        if task is None or task.done():
            self._since[target] = self.clock()
            # In a context of its own: the load is shared, and a copy of the first asker's (a
            # duel screen's worker, in the app) kept that screen alive after it closed, with all
            # its widgets, as long as the finished task stayed here: half of the objects the
            # garbage collector walked after a duel (bench/ui_bench.py's memory part).
            task = asyncio.get_running_loop().create_task(
                self._load(target), name=f"load-{route}", context=contextvars.Context()
            )
            self._tasks[target] = task
        return task

    async def _load(self, target: Target) -> LoadOutcome:
        outcome = await load(*target, timeout_s=self.timeout_s, keep_alive=self.keep_alive, clock=self.clock)
        if outcome.error is None:
            self._unreported[target] = self._unreported.get(target, 0.0) + outcome.seconds
        self._since.pop(target, None)
        return outcome

    def loading_since(self, route: str, api_base: str | None) -> float | None:
        """When the load under way began (this loader's clock); None when none is."""
        return self._since.get((route, api_base))

    def loaded_seconds(self, route: str, api_base: str | None) -> float | None:
        """How long the last load took, while no answer has reported it; None otherwise."""
        return self._unreported.get((route, api_base))

    def take_seconds(self, route: str, api_base: str | None) -> float:
        """The load time not yet reported by an answer (and forget it)."""
        return self._unreported.pop((route, api_base), 0.0)

    def cancel(self) -> None:
        for task in self._tasks.values():
            task.cancel()


class LoadingSource:
    """An AnswerSource that loads each request's model (through `loader`) before `inner` answers."""

    def __init__(self, inner: AnswerSource, loader: Loader) -> None:
        self.inner = inner
        self.loader = loader

    async def stream(self, request: AnswerRequest) -> AsyncIterator[StreamEvent]:
        route, base = request.route, request.api_base
        task = self.loader.start(route, base)
        if task is not None:
            if not task.done():
                yield Waiting("load", self.loader.loading_since(route, base))
            outcome = await asyncio.shield(task)  # an answer cancelled leaves the shared load going
            if outcome.error is not None:
                yield outcome.error
                return
            yield Loaded(self.loader.take_seconds(route, base))
        elif self.loader.loaded_seconds(route, base) is not None:  # a server that has come up since
            yield Loaded(self.loader.take_seconds(route, base))
        stream = self.inner.stream(request)
        try:
            async for event in stream:
                yield event
        finally:
            await close_stream(stream)
