"""`duels prepare` against the scripted ollama: a missing model pulled (offered, --yes) with its
progress, each model loaded and timed, a key checked by a tiny request, a pack recorded; the exit
code and --json say what is missing."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from duels_tui.packs.format import load_pack
from scripted_server import ModelScript

PROGRAMME = """
name = "Veille"
[[duels]]
title = "Duel #1"
models = ["gemma-3-4b", "qwen3:8b"]
prompt_text = "Explique les data centers."
[[duels]]
title = "Duel #2"
models = ["qwen3:8b", "cle-essai"]
prompt_text = "Qu'est-ce qu'un jeton ?"
"""

KEYED = """
[[models]]
id = "cle-essai"
name = "Modèle à clé"
organisation = "Essai"
route = "openai/cle"
api_base = "{base}"
api_key_env = "ESSAI_CLE"
params_total = 30
licence = "propriétaire"
openness = "propriétaire"
description = "Un modèle joint avec une clé, comme un modèle en ligne."
"""


@pytest.fixture
def veille(scripted_server, tmp_path, monkeypatch):
    scripted_server.add(
        ModelScript("gemma3:4b", tokens=30, delay_s=0.005, installed=False, pull_s=0.3, load_s=0.3),
        ModelScript("qwen3:8b", tokens=20, thinking=4, delay_s=0.005, load_s=0.5, parameter_size="8.2B",
                    family="qwen3"),
        ModelScript("cle", tokens=20, delay_s=0.005, api_key="sk-essai-secret"),
    )
    monkeypatch.setenv("OLLAMA_HOST", scripted_server.base_url)
    monkeypatch.delenv("ESSAI_CLE", raising=False)
    config = tmp_path / "user-config"
    config.mkdir(exist_ok=True)
    (config / "catalog.toml").write_text(KEYED.format(base=scripted_server.openai_base), encoding="utf-8")
    path = tmp_path / "veille.toml"
    path.write_text(PROGRAMME, encoding="utf-8")
    return path


def run(*args: str):
    from duels_tui.cli import app

    return CliRunner().invoke(app, ["prepare", *args])


def test_what_is_missing_makes_it_not_ready(veille, scripted_server):
    result = run(str(veille), "--json")
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    assert report["ready"] is False and report["pack"] is None
    models = {m["model_id"]: m for m in report["models"]}
    gemma, qwen, keyed = models["gemma-3-4b"], models["qwen3:8b"], models["cle-essai"]
    assert not gemma["ok"] and not gemma["pulled"] and "« duels prepare --yes » le télécharge" in gemma["hint"]
    assert qwen["ok"] and qwen["kind"] == "ollama" and qwen["load_s"] >= 0.5 and qwen["tokens_per_s"] > 0
    assert 0 <= qwen["ttft_s"] < qwen["load_s"]  # the load is not in the first token's time
    assert not keyed["ok"] and keyed["problem"] == "clé ESSAI_CLE absente"
    assert [d["ready"] for d in report["duels"]] == [False, False]
    assert not [r for r in scripted_server.requests if r.path == "/api/pull"]  # offered, not forced
    assert scripted_server.chat_requests("cle") == []  # no key, nothing sent


def test_yes_pulls_with_progress_loads_times_checks_the_key_and_records(veille, scripted_server, tmp_path,
                                                                        monkeypatch):
    monkeypatch.setenv("ESSAI_CLE", "sk-essai-secret")
    pack = tmp_path / "veille.pack.json"
    result = run(str(veille), "--yes", "--record", str(pack))
    assert result.exit_code == 0, result.output
    shown = [int(p) for p in re.findall(r"gemma3:4b : téléchargement (\d+) % \([\d,]+ / 3,3 Go\)", result.stderr)]
    assert shown[0] == 0 and shown[-1] == 100 and shown == sorted(set(shown)) and len(shown) >= 5
    lines = result.stdout.splitlines()
    gemma = next(line for line in lines if "Gemma 3 4B" in line)
    assert gemma.lstrip().startswith("✓ Gemma 3 4B (ollama, téléchargé) : chargé en ")
    assert "jetons/s" in gemma and "premier jeton en" in gemma
    assert any(line.lstrip().startswith("✓ Modèle à clé (avec clé)") for line in lines)
    assert f"Prêt pour l'atelier : duels -p {veille}" in result.stdout
    (key_check, *recorded) = scripted_server.chat_requests("cle")
    assert key_check.body["max_tokens"] == 8 and key_check.headers["authorization"] == "Bearer sk-essai-secret"
    assert "sk-essai-secret" not in result.output
    loaded = load_pack(pack)
    assert {d.title for d in loaded.duels} == {"Duel #1", "Duel #2"} and len(recorded) == 1
    assert {a.model_id for a in loaded.answers()} == {"gemma-3-4b", "qwen3:8b", "cle-essai"}


def test_a_pack_stands_in_for_a_model_that_cannot_answer(veille, tmp_path):
    """No key tonight: the keyed model's duel cannot be played live, and its recording fails too."""
    pack = tmp_path / "veille.pack.json"
    result = run(str(veille), "--yes", "--json", "--record", str(pack))
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert [(d["live"], d["recorded"]) for d in report["duels"]] == [(True, True), (False, False)]
    assert report["pack"]["path"] == str(pack) and "Duel #2" in report["pack"]["failures"][0]


def test_an_unknown_programme_is_a_clear_error(veille):
    result = run("inexistant")
    assert result.exit_code == 2 and "programme inconnu" in result.output


def test_a_model_ollama_holds_in_memory_already_is_said_so(veille, scripted_server):
    """The second preparation finds qwen3 loaded by the first (ollama's /api/ps lists it)."""
    first = json.loads(run(str(veille), "--json").stdout)
    assert not {m["model_id"]: m for m in first["models"]}["qwen3:8b"]["in_memory"]
    again = run(str(veille))
    qwen = next(line for line in again.stdout.splitlines() if "qwen3:8b (ollama)" in line)
    assert qwen.lstrip().startswith("✓ ") and "déjà en mémoire" in qwen and "chargé en" not in qwen
    assert "Pas prêt : 2 modèles à régler" in again.stdout


def test_a_long_load_says_that_it_goes_on(veille, scripted_server, monkeypatch):
    """A 70B model loads for minutes: a line every LOAD_TICK_S (here 0.1 s, qwen3 loading 0.5 s)."""
    from duels_tui import prepare

    monkeypatch.setattr(prepare, "LOAD_TICK_S", 0.1)
    result = run(str(veille))
    ticks = re.findall(r"toujours en chargement… (\d+) s", result.stderr)
    assert len(ticks) >= 2 and [int(t) for t in ticks] == sorted(int(t) for t in ticks), result.stderr
