"""Home's line on what can run speaks to the room: how many models can answer, which server does
not; no address, no version (those are `duels check`'s, for the facilitator)."""

from __future__ import annotations

import pytest
from ui_helpers import screen_text, wait_until

from duels_tui.availability import Availability, Endpoint, ModelStatus
from duels_tui.ui.app import DuelsApp

pytestmark = pytest.mark.asyncio


class ProbedApp(DuelsApp):
    async def check_availability(self):
        models = {model_id: ModelStatus(model_id, True, "prêt") for model_id in self.catalog.models}
        endpoints = [Endpoint("http://127.0.0.1:11434", "ollama", False, error="connexion refusée"),
                     Endpoint("http://10.1.2.3:8080", "openai", True)]
        return Availability(endpoints, {}, models)


async def test_home_keeps_the_technical_details_to_duels_check(workshop):
    app = ProbedApp(workshop)
    async with app.run_test(size=(120, 35)) as pilot:
        await wait_until(pilot, lambda: "duels check" in screen_text(app), what="the engine line")
        home = screen_text(app)
        assert "utilisables maintenant" in home and "ollama ne répond pas" in home
        assert "http" not in home and "11434" not in home and "10.1.2.3" not in home
