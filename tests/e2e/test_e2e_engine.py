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
        sock.bind(("127.0.0.1", port))  # the port is free again


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
