"""UI fixtures: the classique programme played against the scripted server, and deterministic
workshops (events applied by hand, fixed clock) for snapshots."""

from __future__ import annotations

import random

import pytest
from ui_helpers import classique_on

from duels_tui.arena.workshop import Workshop


@pytest.fixture
def classique_workshop(scripted_server, store):
    catalog, programme = classique_on(scripted_server)
    return Workshop.start(programme, catalog, store, place="Médiathèque", rng=random.Random(3))


