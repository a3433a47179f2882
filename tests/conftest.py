"""Shared test setup: every test runs with its own config and data dirs, never the user's."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path, monkeypatch):
    """No test reads or writes the real user's config or database."""
    monkeypatch.setenv("DUELS_CONFIG_DIR", str(tmp_path / "user-config"))
    monkeypatch.setenv("DUELS_DATA_DIR", str(tmp_path / "user-data"))
    from duels_tui.config import locate

    locate.set_config_override(None)
    yield
    locate.set_config_override(None)


# The scripted model server (tests/scripted_server.py): real HTTP on 127.0.0.1, a free port, its
# own thread. Script models with `scripted_server.add(ModelScript(...))` or `.script(name, ...)`;
# `base_url` is the api_base of `ollama_chat/` routes, `openai_base` that of `openai/` routes.
@pytest.fixture
def scripted_server():
    from scripted_server import ScriptedServer

    with ScriptedServer() as server:
        yield server


@pytest.fixture
def closed_port() -> int:
    """A local port nothing listens on: connecting to it is refused at once."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# A played-by-hand domain: the demo catalog and programme (no server), a store in tmp_path.
@pytest.fixture
def catalog():
    from duels_tui.arena.testing import demo_catalog

    return demo_catalog()


@pytest.fixture
def programme():
    from duels_tui.arena.testing import demo_programme

    return demo_programme()


@pytest.fixture
def store(tmp_path):
    from duels_tui.store import Store

    with Store.open(tmp_path / "duels.sqlite3") as opened:
        yield opened


@pytest.fixture
def workshop(programme, catalog, store):
    import random

    from duels_tui.arena.workshop import Workshop

    return Workshop.start(programme, catalog, store, place="Test", rng=random.Random(7))
