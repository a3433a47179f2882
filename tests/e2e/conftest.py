"""End to end on the real llama.cpp server with the two bundled models (`make e2e`).

Every e2e test shares one data dir (Gemma 3 270M is reassembled there once, 250 MB) and the
session's engine, started once: both models, one thread each, as a duel runs them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def e2e_home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("e2e")


@pytest.fixture(autouse=True)
def e2e_dirs(e2e_home, monkeypatch):
    """After the root conftest's isolated_dirs: the shared data dir, so Gemma is assembled once."""
    monkeypatch.setenv("DUELS_DATA_DIR", str(e2e_home / "data"))


@pytest.fixture(scope="session")
def local_engine(e2e_home):
    from duels_tui.engine.local_server import LocalEngine

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DUELS_DATA_DIR", str(e2e_home / "data"))
        engine = LocalEngine()
        engine.start(["smollm2-135m", "gemma3-270m"])
    pids = [s.process.pid for s in engine.servers.values()]
    yield engine
    engine.stop()
    assert [p for p in pids if _alive(p)] == [], "a llama.cpp server outlived LocalEngine.stop()"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (exited, not yet reaped by its new parent) is gone for our purpose.
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0] != "Z"
    except (OSError, IndexError):
        return True


@pytest.fixture
def alive():
    return _alive


@pytest.fixture
def run_duels():
    def run(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "duels_tui", *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=dict(os.environ),
        )

    return run
