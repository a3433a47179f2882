"""End to end on the real llama.cpp servers with the bundled models: `duels prepare local-demo`
passes (each model started, timed, asked a question), and the workshop opens while the servers
start, a duel's panes saying that their models load until the servers answer."""

from __future__ import annotations

import dataclasses
import json
import random
import re
import sys
from pathlib import Path

import pytest

from duels_tui.engine.local_models import engine_installed

sys.path.insert(0, str(Path(__file__).parent.parent / "ui"))
from ui_helpers import screen_lines, wait_until

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not engine_installed(), reason="moteur local absent : `make e2e` l'installe"),
]


def test_prepare_local_demo_passes(run_duels):
    result = run_duels("prepare", "local-demo", "--json", timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["ready"] and [d["ready"] for d in report["duels"]] == [True, True, True]
    for model in report["models"]:
        assert model["ok"] and model["kind"] == "embedded", model
        assert model["load_s"] > 0 and model["tokens_per_s"] > 0 and model["ttft_s"] > 0


def test_prepare_local_demo_checklist(run_duels):
    result = run_duels("prepare", "local-demo", timeout=300)
    assert result.returncode == 0, result.stderr
    smollm2 = r"✓ SmolLM2 135M Instruct \(embarqué\) : chargé en [\d,]+ s · premier jeton en [\d,]+ s · \d+ jetons/s"
    assert re.search(smollm2, result.stdout), result.stdout
    assert "Prêt pour l'atelier : duels -p local-demo" in result.stdout


@pytest.mark.asyncio
async def test_the_panes_say_the_models_load_while_the_servers_start(store):
    from duels_tui.arena.state import AnswerStatus
    from duels_tui.arena.workshop import Workshop
    from duels_tui.catalog import load_catalog
    from duels_tui.cli.workshop import start_local_models_in_background
    from duels_tui.config.engine_settings import EngineSettings
    from duels_tui.config.programme import load_programme
    from duels_tui.engine.local_server import LocalEngine
    from duels_tui.ui.app import DuelsApp

    catalog = load_catalog()
    programme = load_programme("local-demo", catalog)
    short = dataclasses.replace(programme.duels[0], max_tokens=32)  # the loading is what is tested
    programme = dataclasses.replace(programme, duels=(short, *programme.duels[1:]))
    workshop = Workshop.start(programme, catalog, store, rng=random.Random(1))
    workshop.request_settings = EngineSettings().request_settings()  # as `duels` sets them
    duel = workshop.duels[0]
    with LocalEngine() as engine:
        models = set(duel.spec.model_ids)
        start_local_models_in_background(catalog, models, engine, EngineSettings().load_timeout_s)
        app = DuelsApp(workshop)
        async with app.run_test(size=(120, 35)) as pilot:
            app.open_duel(0)  # at once: the servers have only just been launched

            def loading() -> bool:
                text = " ".join(screen_lines(app))
                return len(re.findall(r"chargement du modèle en mémoire… \d+ s", text)) == 2

            await wait_until(pilot, loading, timeout=20, what="both panes loading")
            await wait_until(pilot, lambda: "chargement" not in " ".join(screen_lines(app)), timeout=120,
                             what="both servers up")
            await pilot.press("f5")
            await wait_until(pilot, lambda: duel.turns and not duel.streaming, timeout=180, what="both answers")
        for side in "AB":
            answer = duel.turns[0].answers[side]
            assert answer.status is AnswerStatus.DONE, answer.error
            assert answer.text.strip() and answer.load_s is not None and answer.load_s > 0
