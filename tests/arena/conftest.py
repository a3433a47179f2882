"""Fixtures for the domain tests: a demo catalog and programme, a store in tmp_path."""

from __future__ import annotations

import random

import pytest

from duels_tui.arena.testing import demo_catalog, demo_programme
from duels_tui.arena.workshop import Workshop
from duels_tui.store import Store


@pytest.fixture
def catalog():
    return demo_catalog()


@pytest.fixture
def programme():
    return demo_programme()


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "duels.sqlite3") as opened:
        yield opened


@pytest.fixture
def workshop(programme, catalog, store):
    return Workshop.start(programme, catalog, store, place="Test", rng=random.Random(7))
