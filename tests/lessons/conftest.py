"""Fixtures of the lessons' tests: the demo programme's pairs on the shipped catalog."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

from duels_tui.arena.testing import demo_programme
from duels_tui.arena.workshop import Workshop
from duels_tui.catalog import load_catalog

# The Pilot helpers of the UI tests (wait_until, screen_text), shared rather than copied.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ui"))


@pytest.fixture
def shipped_workshop(store) -> Workshop:
    """The demo programme's pairs on the shipped catalog, nothing played yet."""
    return Workshop.start(demo_programme(), load_catalog(), store, place="Test", rng=random.Random(4))
