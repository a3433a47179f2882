"""Home on `classique` with no API key and no ollama: it names the keys missing and the programme
that can run now, with the command that opens it (issues 12 and 14)."""

from __future__ import annotations

import random

import pytest
from ui_helpers import screen_text, wait_until

from duels_tui.arena.workshop import Workshop
from duels_tui.catalog import load_catalog
from duels_tui.cli.defaults import local_engine_ready
from duels_tui.config.programme import load_programme
from duels_tui.ui.app import DuelsApp

pytestmark = [
    pytest.mark.asyncio,
    pytest.mark.skipif(not local_engine_ready(), reason="moteur local absent : `make test` l'installe"),
]


async def test_home_spells_the_way_out(store, closed_port, monkeypatch):
    for key in ("ANTHROPIC_API_KEY", "MISTRAL_API_KEY", "DEEPSEEK_API_KEY"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("OLLAMA_HOST", f"http://127.0.0.1:{closed_port}")
    catalog = load_catalog()
    workshop = Workshop.start(load_programme("classique", catalog), catalog, store, rng=random.Random(1))
    app = DuelsApp(workshop)
    async with app.run_test(size=(120, 35)) as pilot:
        await wait_until(pilot, lambda: "Jouable" in screen_text(app), what="the way out on Home")
        # Lines wrap anywhere, and the screenshot's text runs join them without a space.
        text = "".join(screen_text(app).split())
        for said in ("Clés d'API absentes : ANTHROPIC_API_KEY, DEEPSEEK_API_KEY, MISTRAL_API_KEY.",
                     'Jouable maintenant : local-demo (`make run ARGS="-p local-demo"`).'):
            assert "".join(said.split()) in text
