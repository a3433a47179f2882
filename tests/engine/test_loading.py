"""Models loaded into memory before they answer (engine/loading.py), against the scripted server
playing ollama's loading: the load has its own clock and timeout, the answer's time to first
token starts after it, one load is shared, and a load that fails or lasts too long says why."""

from __future__ import annotations

import asyncio

import pytest

from duels_tui.engine.events import EngineError, ErrorKind, Loaded, Waiting
from duels_tui.engine.http_source import DirectSource
from duels_tui.engine.loading import Loader, LoadingSource, load, needs_loading
from duels_tui.engine.source import collect
from scripted_server import ModelScript

pytestmark = pytest.mark.asyncio


def loader(timeout_s: float = 5.0) -> Loader:
    return Loader(timeout_s=timeout_s, keep_alive="5m")


async def test_a_slow_load_passes_a_first_token_timeout_it_would_have_failed(scripted_server, ask):
    scripted_server.add(ModelScript("gros", tokens=5, load_s=1.2))
    request = ask("gros", connect_timeout_s=0.6)  # the first token after the load: quick
    answer = await collect(LoadingSource(DirectSource(), loader()), request)

    assert answer.error is None, answer.error
    assert isinstance(answer.events[0], Waiting) and answer.events[0].reason == "load"
    (loaded,) = [e for e in answer.events if isinstance(e, Loaded)]
    assert 1.2 <= loaded.load_s < 3.0
    assert answer.done is not None and answer.done.ttft_s < 0.6  # the load is not in it
    (load_request,) = scripted_server.load_requests("gros")
    assert load_request.body == {"model": "gros", "stream": False, "keep_alive": "5m"}
    (chat,) = scripted_server.chat_requests("gros")
    assert chat.received_at >= load_request.received_at + 1.2 and chat.load_s < 0.1


async def test_without_the_load_step_the_same_model_times_out(scripted_server, ask):
    """What happened before: the load counted against the first token's timeout."""
    scripted_server.add(ModelScript("gros", tokens=5, load_s=1.2))
    answer = await collect(DirectSource(), ask("gros", connect_timeout_s=0.6))
    assert answer.error is not None and answer.error.kind is ErrorKind.TIMEOUT


async def test_one_load_shared_and_its_time_reported_once(scripted_server, ask):
    scripted_server.add(ModelScript("m", tokens=3, load_s=0.4))
    shared = loader()
    route, base = "ollama_chat/m", scripted_server.base_url
    first, again = shared.start(route, base), shared.start(route, base)
    assert first is again and shared.loading_since(route, base) is not None
    await first
    assert shared.loading_since(route, base) is None and shared.loaded_seconds(route, base) >= 0.4
    source = LoadingSource(DirectSource(), shared)
    one = await collect(source, ask("m"))
    two = await collect(source, ask("m"))
    loads = [e.load_s for answer in (one, two) for e in answer.events if isinstance(e, Loaded)]
    assert loads[0] >= 0.4 and loads[1] < 0.2  # the second answer found it loaded
    assert scripted_server.loads == ["m"]


async def test_a_load_that_lasts_too_long_says_so_with_its_limit(scripted_server, ask):
    scripted_server.add(ModelScript("lent", tokens=3, load_s=5.0))
    answer = await collect(LoadingSource(DirectSource(), loader(timeout_s=0.3)), ask("lent"))
    assert answer.error is not None and answer.error.key == "load_timed_out"
    assert "0,3 seconde" in answer.error.message and "engine.toml" in answer.error.hint
    assert scripted_server.chat_requests("lent") == []  # nothing sent while not loaded


async def test_a_missing_model_fails_at_the_load_and_is_not_asked(scripted_server, ask):
    answer = await collect(LoadingSource(DirectSource(), loader()), ask("absent"))
    assert isinstance(answer.error, EngineError) and answer.error.kind is ErrorKind.MODEL_NOT_FOUND
    assert scripted_server.chat_requests() == []


async def test_out_of_memory_is_said_as_such():
    server = await _refusing_ollama()
    try:
        port = server.sockets[0].getsockname()[1]
        outcome = await load("ollama_chat/x", f"http://127.0.0.1:{port}", timeout_s=5, keep_alive="5m")
    finally:
        server.close()
    assert outcome.error is not None and outcome.error.key == "out_of_memory"


async def _refusing_ollama() -> asyncio.Server:
    """A one-route server answering ollama's refusal of a model too big for the memory left."""
    body = b'{"error":"model requires more system memory (41.5 GiB) than is available (15.3 GiB)"}'

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\n"
                     b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(body), body))
        await writer.drain()
        writer.close()

    return await asyncio.start_server(handle, "127.0.0.1", 0)


async def test_cloud_and_running_servers_have_nothing_to_load(scripted_server):
    assert not needs_loading("anthropic/claude-3-5-sonnet", None)
    assert not needs_loading("openai/x", scripted_server.openai_base)
    assert needs_loading("ollama_chat/x", None)
