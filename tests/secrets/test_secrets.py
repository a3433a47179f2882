"""API keys come from the environment only and are written nowhere: a planted key value is
searched for in every byte the app writes (database and its WAL, exports, report, pack, the log
file with its failed answers' raw exceptions)."""

from __future__ import annotations

import asyncio
import dataclasses
import random
from pathlib import Path

import pytest

from duels_tui import paths
from duels_tui.arena.play import play_turn
from duels_tui.arena.testing import demo_catalog, demo_programme
from duels_tui.arena.votes import VoteCounts
from duels_tui.arena.workshop import Workshop
from duels_tui.engine.http_source import DirectSource
from duels_tui.engine.litellm_source import LiteLLMSource
from duels_tui.outputs.export import export
from duels_tui.outputs.report import build_report, to_html, to_markdown
from duels_tui.packs.format import save_pack
from duels_tui.packs.record import record_programme
from duels_tui.store import Store

CANARIES = {"MISTRAL_API_KEY": "sk-canari-mistral-7f3a9c", "ANTHROPIC_API_KEY": "sk-ant-canari-19d2e4"}


def _all_bytes_under(*roots: Path) -> dict[Path, bytes]:
    found = {}
    for root in roots:
        for path in root.rglob("*"):
            if path.is_file():
                found[path] = path.read_bytes()
    return found


@pytest.fixture
def log_file():
    """The log as `duels` sets it up, in this test's data folder (DUELS_DATA_DIR/logs)."""
    from duels_tui import log

    path = log.setup()
    yield path
    log.close()


@pytest.mark.parametrize("source", [LiteLLMSource, DirectSource], ids=["litellm", "direct"])
def test_planted_keys_are_written_nowhere(source, scripted_server, tmp_path, monkeypatch, log_file):
    from scripted_server import ModelScript

    for name, value in CANARIES.items():
        monkeypatch.setenv(name, value)
    programme = demo_programme(1)
    catalog = demo_catalog()
    a_id, b_id = programme.duels[0].model_ids
    scripted_server.add(ModelScript(a_id, tokens=30))
    scripted_server.add(ModelScript(b_id, status=500))  # the error path carries the key too
    for model_id, env in zip((a_id, b_id), CANARIES, strict=True):
        catalog.models[model_id] = dataclasses.replace(
            catalog.models[model_id], route=f"ollama_chat/{model_id}", api_base=scripted_server.base_url,
            api_key_env=env)

    data_dir = paths.user_data_dir()
    store = Store.open()
    workshop = Workshop.start(programme, catalog, store, rng=random.Random(4))
    asyncio.run(play_turn(workshop, 0, source()))
    answers = workshop.duels[0].turns[0].answers
    assert {a.status.value for a in answers.values()} == {"done", "error"}
    workshop.record_vote(0, VoteCounts(a=3, b=2))
    outputs = tmp_path / "outputs"
    outputs.mkdir()
    for fmt in ("jsonl", "csv"):
        export(store, fmt, outputs / f"votes.{fmt}")
    report = build_report(Workshop.load(store, catalog, workshop.session_id))
    (outputs / "seance.md").write_text(to_markdown(report), encoding="utf-8")
    (outputs / "seance.html").write_text(to_html(report), encoding="utf-8")
    scripted_server.add(ModelScript(b_id, tokens=20))
    recording = asyncio.run(record_programme(programme, catalog, source()))
    save_pack(recording.document, outputs / "duel.pack.json")

    # The key did travel where it must: to the model's server, in the request.
    sent = [r for r in scripted_server.requests if r.path == "/api/chat"]
    assert any(CANARIES["MISTRAL_API_KEY"] in str(r.headers) for r in sent)

    # The log holds the failed answer with its raw exception (HTTP 500), its key blanked.
    logged = log_file.read_text(encoding="utf-8")
    assert log_file.parent == data_dir / "logs"
    assert "answer failed" in logged and "500" in logged and "Traceback" in logged
    written = _all_bytes_under(data_dir, outputs)
    assert log_file in written
    assert any(p.name.startswith("duels.sqlite3") for p in written)  # the database and its WAL
    assert len(written) >= 6
    for path, content in written.items():
        for value in CANARIES.values():
            assert value.encode() not in content, f"{value} written in {path}"
    store.close()


def test_the_log_blanks_every_key_even_under_a_name_of_the_catalogs(monkeypatch, log_file):
    from duels_tui.log import also_secret, logger

    monkeypatch.setenv("CLE_ECOLE", "ecole-canari-5b1d")  # a name only a user catalog knows
    monkeypatch.setenv("HF_TOKEN", "hf-canari-88e0")
    also_secret({"CLE_ECOLE"})
    try:
        raise RuntimeError("refused with key ecole-canari-5b1d and hf-canari-88e0")
    except RuntimeError as exc:
        logger("test").error("call failed: %s", "ecole-canari-5b1d", exc_info=exc)
    logged = log_file.read_text(encoding="utf-8")
    assert "call failed: ***" in logged and "refused with key *** and ***" in logged
    assert "canari" not in logged
