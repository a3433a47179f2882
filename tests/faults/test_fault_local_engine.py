"""The embedded engine did not start: Home says what failed and where its log is, the duel
screen warns, and the model whose server is missing gets a French error on its pane, its prompt
sent nowhere (litellm is a stand-in that records any call; OPENAI_API_KEY is planted). The other
side of the duel answers from the scripted server as usual. Keys are pressed as a person would."""

from __future__ import annotations

import random

import pytest
from fault_helpers import REQUEST_SETTINGS, classique_on, last, point, screen_text, turn_over, wait_until

from duels_tui.arena.state import AnswerStatus
from duels_tui.arena.workshop import Workshop
from duels_tui.engine.local_models import EngineFailure, engine_installed
from duels_tui.ui.app import DuelsApp
from litellm_standin import install

pytestmark = pytest.mark.asyncio

LOGS = "/var/tmp/duels-journaux"
FAILURE = EngineFailure(
    f"le serveur llama.cpp de smollm2-135m s'est arrêté au démarrage (code 1) ; voir {LOGS}/llama-smollm2-135m.log",
    LOGS,
)


def _embedded_without_server(scripted_server, store):
    """The classique programme on the scripted server, its first duel's side B an embedded model
    as its shipped card is when its server did not start: no api_base."""
    catalog, programme = classique_on(scripted_server)
    workshop = Workshop.start(programme, catalog, store, rng=random.Random(3))
    workshop.request_settings = dict(REQUEST_SETTINGS)
    embedded = workshop.duels[0].sides["B"]
    point(catalog, embedded, route="openai/smollm2-135m", local_model="smollm2-135m", api_base=None, profile=None)
    return catalog, workshop, embedded


async def _play_the_first_duel_refused(pilot, app, workshop) -> None:
    """From Home, by keys: the first duel says its engine did not start, F5 plays it, the embedded
    side is refused unsent and the other answers whole."""
    await pilot.press("enter")
    await pilot.pause()
    assert "Moteur local non démarré : un modèle de ce duel ne peut pas répondre" in screen_text(app)
    await pilot.press("f5")
    await wait_until(pilot, lambda: turn_over(workshop, 0), what="both answers end")
    await pilot.pause(0.2)
    refused, other = last(workshop, 0, "B"), last(workshop, 0, "A")
    assert refused.status is AnswerStatus.ERROR and refused.error.key == "local_not_started"
    assert refused.text == "" and not refused.retryable
    assert other.status is AnswerStatus.DONE and other.text


async def test_an_engine_that_did_not_start_is_shown_and_its_model_sends_nothing(scripted_server, store, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-planted-must-never-be-used")
    litellm = install(monkeypatch)
    _, workshop, _ = _embedded_without_server(scripted_server, store)
    app = DuelsApp(workshop, engine_failure=FAILURE)
    async with app.run_test(size=(120, 35)) as pilot:
        await wait_until(pilot, lambda: app.availability is not None, what="the models' check")
        await pilot.pause()
        home = screen_text(app)
        assert "Le moteur local n'a pas démarré" in home and f"journaux : {LOGS}" in home
        assert "s'est arrêté au démarrage (code 1)" in home
        assert "le moteur local n'a pas démarré → voir son journal" in home  # the duel's status line
        await _play_the_first_duel_refused(pilot, app, workshop)
        shown = screen_text(app)
        assert "Le serveur local de ce modèle n'a pas démarré" in shown and "envoyée nulle part" in shown
        assert "smollm2" not in shown.lower()  # the duel screen stays anonymous
        await app.action_quit()
    assert litellm.calls == []
    assert [r.model for r in scripted_server.chat_requests()] == [workshop.duels[0].sides["A"]]


@pytest.mark.skipif(not engine_installed(), reason="moteur local absent : `make test` l'installe")
async def test_a_real_engine_that_fails_to_start_is_returned_and_binds_nothing(tmp_path, monkeypatch):
    """What `duels` does before the workshop opens, on a model file llama.cpp cannot load: the
    failure comes back with the server's log, and the model's card keeps no address."""
    from duels_tui import paths
    from duels_tui.catalog import load_catalog
    from duels_tui.cli.workshop import start_local_models
    from duels_tui.engine import local_models
    from duels_tui.engine.local_server import LocalEngine

    broken = tmp_path / "broken.gguf"
    broken.write_bytes(b"GGUF" + b"\0" * 64)
    monkeypatch.setitem(local_models._LOCATORS, "smollm2-135m", lambda progress: broken)
    catalog = load_catalog()
    with LocalEngine() as engine:
        failure = start_local_models(catalog, {"smollm2-135m"}, engine)
        assert engine.answering() == {}
    logs = paths.user_data_dir() / "logs"
    assert failure is not None and failure.log_dir == str(logs)
    assert "s'est arrêté au démarrage" in failure.message and str(logs / "llama-smollm2-135m.log") in failure.message
    assert catalog.get("smollm2-135m").api_base is None


@pytest.mark.skipif(not engine_installed(), reason="moteur local absent : `make test` l'installe")
async def test_a_server_that_fails_after_the_workshop_opened_is_shown_as_one_that_did_not_start(
    scripted_server, store, tmp_path, monkeypatch
):
    """`duels` opens the workshop while the embedded servers start (cli/workshop.py); one that
    then fails (a model file llama.cpp cannot load) is said on Home and the duel screen as an
    engine that did not start, and its pane refuses the duel's prompt, sent nowhere."""
    from duels_tui import paths
    from duels_tui.cli.workshop import start_local_models_in_background
    from duels_tui.engine import local_models
    from duels_tui.engine.local_server import LocalEngine

    broken = tmp_path / "broken.gguf"
    broken.write_bytes(b"GGUF" + b"\0" * 64)
    monkeypatch.setitem(local_models._LOCATORS, "smollm2-135m", lambda progress=None: broken)
    catalog, workshop, embedded = _embedded_without_server(scripted_server, store)
    with LocalEngine() as engine:
        assert start_local_models_in_background(catalog, {embedded}, engine, ready_timeout_s=30) is None
        assert catalog.get(embedded).api_base  # its port, chosen at once
        app = DuelsApp(workshop)
        async with app.run_test(size=(120, 35)) as pilot:
            await wait_until(pilot, lambda: "Le moteur local n'a pas démarré" in screen_text(app),
                             what="Home saying the engine failed", state=lambda: screen_text(app))
            home = screen_text(app).replace(" ", "")  # the log's path may wrap
            assert f"journaux:{paths.user_data_dir() / 'logs'}" in home and "s'estarrêtéaudémarrage" in home
            await _play_the_first_duel_refused(pilot, app, workshop)
            assert "Le serveur local de ce modèle n'a pas démarré" in screen_text(app)
            await app.action_quit()
    assert [r.model for r in scripted_server.chat_requests()] == [workshop.duels[0].sides["A"]]
