"""The embedded engine's life: a real llama.cpp server starts, answers, and leaves nothing
behind, neither after `stop()` nor when the process that started it is killed (kill -9)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

import httpx
import pytest

from duels_tui.engine.local_models import engine_installed

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not engine_installed(), reason="moteur local absent : `make e2e` l'installe"),
]


def test_starts_answers_and_stops(alive):
    from duels_tui.engine.local_server import LocalEngine

    progress: list[str] = []
    with LocalEngine() as engine:
        engine.start(["smollm2-135m"], progress=progress.append)
        server = engine.servers["smollm2-135m"]
        pid, port = server.process.pid, server.port
        assert server.started_s < 30
        listed = httpx.get(f"{engine.api_base('smollm2-135m')}/models", trust_env=False).json()
        assert listed["data"][0]["id"] == "smollm2-135m"
    assert any("prêt en" in line for line in progress)
    assert not alive(pid)
    with socket.socket() as sock:
        # The port is free again: nothing listens (closed connections may linger in TIME_WAIT,
        # which a new server, binding with SO_REUSEADDR as every server does, ignores).
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", port))


KILLED_PARENT = """
import sys
from duels_tui.engine.local_server import LocalEngine
engine = LocalEngine()
engine.start(["smollm2-135m"])
print(engine.servers["smollm2-135m"].process.pid, flush=True)
sys.stdin.read()
"""


def test_servers_die_with_a_killed_parent(alive):
    parent = subprocess.Popen(
        [sys.executable, "-c", KILLED_PARENT], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        server_pid = int(parent.stdout.readline())
        assert alive(server_pid)
    finally:
        parent.kill()  # SIGKILL: no atexit, no stop()
        parent.wait()
    deadline = time.monotonic() + 5
    while alive(server_pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(server_pid), "the llama.cpp server outlived the killed duels process"


async def _answer(api_base: str, *, during=None) -> tuple[str, str | None]:
    """One streamed answer (temperature 0: the same text every time) and its finish reason, read
    as the app reads this machine's servers: on a connection of its own (engine/loopback_http.py).
    `during()` is awaited, concurrently, once the first token has arrived. On one httpx client,
    the answers shared a connection that llama.cpp's server closes after a streamed answer while
    it says keep-alive: the next one, sent before that close was seen (a busy machine), failed with
    « Server disconnected without sending a response »."""
    import asyncio
    import json

    from duels_tui.engine.loopback_http import post_streaming

    body = {
        "messages": [{"role": "user", "content": "Raconte une longue histoire de pirates."}],
        "max_tokens": 24,
        "temperature": 0.0,
        "stream": True,
    }
    text, finish, side, pending = "", None, None, ""
    response = await post_streaming(f"{api_base}/chat/completions", body, {"Content-Type": "application/json"})
    try:
        assert response.status_code == 200, await response.aread()
        async for piece in response.aiter_text():
            *lines, pending = (pending + piece).split("\n")
            for line in lines:
                if not line.startswith("data: {"):
                    continue
                choice = json.loads(line[6:])["choices"][0]
                text += (choice.get("delta") or {}).get("content") or ""
                finish = choice.get("finish_reason") or finish
                if text and during is not None and side is None:
                    side = asyncio.create_task(during())
    finally:
        await response.aclose()
    if side is not None:
        await side
    return text, finish


def test_requests_during_an_answer_never_cut_it(local_engine):
    """Home's probe and `duels check` ask the embedded server for its models while it writes an
    answer (and a second question may come): the answer still ends whole, word for word what it
    is undisturbed. llama-cpp-python's server ended it at once, as if complete."""
    import asyncio

    from duels_tui.availability import probe_openai

    api_base = local_engine.api_base("smollm2-135m")

    async def meanwhile(client: httpx.AsyncClient) -> None:
        for _ in range(3):
            assert (await probe_openai(client, api_base)).reachable
            (await client.get(api_base.removesuffix("/v1") + "/health")).raise_for_status()
            await asyncio.sleep(0.05)

    async def scenario() -> tuple[tuple[str, str | None], ...]:
        async with httpx.AsyncClient(timeout=120, trust_env=False) as client:
            alone = await _answer(api_base)
            probed = await _answer(api_base, during=lambda: meanwhile(client))
            # A second question meanwhile waits its turn: both end whole.
            both = await asyncio.gather(_answer(api_base), _answer(api_base))
            return alone, probed, *both

    alone, probed, first, second = asyncio.run(scenario())
    assert alone[1] == "length" and alone[0]
    assert probed == alone
    assert first == alone and second == alone
