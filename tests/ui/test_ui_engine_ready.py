"""The app says when the engine's imports are done (after the first frame), so that `duels` can put
them out of the garbage collector's sight as it did for everything imported before."""

from __future__ import annotations

import sys

import pytest
from ui_helpers import wait_until

from duels_tui.ui.app import DuelsApp

pytestmark = pytest.mark.asyncio


async def test_engine_ready_is_called_once_the_preload_is_done(workshop):
    calls = []
    app = DuelsApp(workshop, on_engine_ready=lambda: calls.append("litellm" in sys.modules))
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: calls, what="the engine's preload")
        await pilot.pause()
    assert len(calls) == 1
