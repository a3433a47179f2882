"""A local duel started from a folder holding a `random.py` and a `secrets.py` (a student's
exercises): the embedded engine starts all the same, the duel runs through the real app and
llama.cpp servers, nothing of that folder is imported, and nothing reaches litellm (a stand-in
that records any call; OPENAI_API_KEY is planted)."""

from __future__ import annotations

import dataclasses
import random

import pytest

from duels_tui.engine.local_models import engine_installed
from litellm_standin import install

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.asyncio,
    pytest.mark.skipif(not engine_installed(), reason="moteur local absent : `make e2e` l'installe"),
]

HOSTILE = """\
import pathlib
pathlib.Path(__file__).with_name("IMPORTED-" + __name__).write_text("imported")
raise SystemExit(__name__ + ".py of the current directory was imported")
"""


async def test_a_local_duel_from_a_folder_with_random_and_secrets(tmp_path, monkeypatch, store):
    from duels_tui.arena.state import AnswerStatus
    from duels_tui.arena.workshop import Workshop
    from duels_tui.catalog import load_catalog
    from duels_tui.cli.workshop import start_local_models
    from duels_tui.config.programme import load_programme
    from duels_tui.engine.local_server import LocalEngine
    from duels_tui.ui.app import DuelsApp

    folder = tmp_path / "exercices"
    folder.mkdir()
    for name in ("random", "secrets"):
        (folder / f"{name}.py").write_text(HOSTILE, encoding="utf-8")
    monkeypatch.chdir(folder)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-planted-must-never-be-used")
    litellm = install(monkeypatch)

    catalog = load_catalog()
    programme = load_programme("local-demo", catalog)
    programme = dataclasses.replace(
        programme, duels=tuple(dataclasses.replace(d, max_tokens=32) for d in programme.duels)
    )
    workshop = Workshop.start(programme, catalog, store, rng=random.Random(2))
    workshop.request_settings = {"connect_timeout_s": 60.0}  # a loaded machine: the first token may be slow
    with LocalEngine() as engine:
        failure = start_local_models(catalog, set(programme.duels[0].model_ids), engine)
        assert failure is None, failure
        app = DuelsApp(workshop, engine_failure=failure)
        async with app.run_test(size=(120, 35)) as pilot:
            await pilot.press("enter")
            await pilot.pause()
            await pilot.press("f5")
            for _ in range(3000):
                if workshop.duels[0].turns and not workshop.duels[0].streaming:
                    break
                await pilot.pause(0.05)
            answers = workshop.duels[0].turns[-1].answers
            assert all(a.status is AnswerStatus.DONE for a in answers.values()), {
                s: (a.status, a.error) for s, a in answers.items()
            }
            assert all(a.text.strip() for a in answers.values())
            await app.action_quit()
    assert sorted(p.name for p in folder.glob("IMPORTED-*")) == []
    assert litellm.calls == []
