"""The programme `duels` opens when none is named (cli/defaults.py), and `duels check`'s exit code,
against the scripted ollama server (real HTTP): the local engine when installed, else three duels
proposed from ollama's models (and said so), else `classique` with the way out spelled.

Whether the local engine is installed is a fact of this venv (`make test` installs it): the tests
of the other cases hide it by making `engine_installed` answer False, the one seam they need."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from duels_tui.catalog import load_catalog
from duels_tui.cli import app
from duels_tui.cli.defaults import choose, local_engine_ready
from duels_tui.config.programme import load_programme

KEYS = ("ANTHROPIC_API_KEY", "MISTRAL_API_KEY", "DEEPSEEK_API_KEY", "OPENAI_API_KEY", "OPENROUTER_API_KEY")


@pytest.fixture
def no_keys(monkeypatch):
    for key in KEYS:
        monkeypatch.delenv(key, raising=False)


@pytest.fixture
def no_local_engine(monkeypatch):
    from duels_tui.engine import local_models

    monkeypatch.setattr(local_models, "engine_installed", lambda: False)


@pytest.fixture
def ollama_with_models(scripted_server, monkeypatch):
    from scripted_server import ModelScript

    scripted_server.add(
        ModelScript("gemma3:1b", parameter_size="999.89M", family="gemma3"),
        ModelScript("gemma3:12b", parameter_size="12.2B", family="gemma3"),
        ModelScript("qwen3:8b", parameter_size="8.2B", family="qwen3"),
    )
    monkeypatch.setenv("OLLAMA_HOST", scripted_server.base_url)
    return scripted_server


@pytest.fixture
def ollama_down(closed_port, monkeypatch):
    monkeypatch.setenv("OLLAMA_HOST", f"http://127.0.0.1:{closed_port}")


def check_json() -> tuple[int, dict]:
    result = CliRunner().invoke(app, ["check", "--json"])
    return result.exit_code, json.loads(result.stdout)


@pytest.mark.skipif(not local_engine_ready(), reason="moteur local absent : `make test` l'installe")
def test_the_local_engine_comes_first_even_with_ollama(ollama_with_models, no_keys):
    assert choose(load_catalog()).argument == "local-demo"
    code, out = check_json()
    assert code == 0
    assert out["default_programme"] == {
        "programme": "local-demo", "origin": "local", "runnable": True, "blocked_models": [], "way_out": ""
    }
    assert not any(r.path == "/api/chat" for r in ollama_with_models.requests)


def test_without_the_engine_ollama_models_make_the_programme(ollama_with_models, no_local_engine, no_keys, capsys):
    from duels_tui import paths
    from duels_tui.cli.workshop import default_programme

    catalog = load_catalog()
    argument = default_programme(catalog)
    # said on the terminal, with where the programme was written
    said = capsys.readouterr().err
    assert "moteur local absent" in said and "3 modèles d'ollama" in said and argument in said
    assert argument == str(paths.user_data_dir() / "programmes" / "modeles-ollama.toml")
    programme = load_programme(argument, catalog)
    played = {m for d in programme.duels for m in d.model_ids}
    assert played <= {"gemma3:1b", "gemma3:12b", "qwen3:8b"} and len(played) >= 2
    assert "ollama" in Path(argument).read_text(encoding="utf-8").splitlines()[0]

    code, out = check_json()
    assert code == 0, out["default_programme"]
    assert out["default_programme"]["origin"] == "ollama" and out["default_programme"]["runnable"]


def test_nothing_runs_classique_says_the_way_out_and_check_fails(ollama_down, no_local_engine, no_keys):
    assert choose(load_catalog()).argument == "classique"
    code, out = check_json()
    default = out["default_programme"]
    assert code == 1
    assert default["programme"] == "classique" and not default["runnable"]
    assert set(default["blocked_models"]) == {m for d in load_programme("classique", load_catalog()).duels
                                              for m in d.model_ids}
    way = default["way_out"]
    # the keys classique lacks, by name; and how to get a duel at once, with this install's command
    assert "ANTHROPIC_API_KEY, DEEPSEEK_API_KEY, MISTRAL_API_KEY" in way
    assert "OPENAI_API_KEY" not in way  # not one classique needs
    assert "`make run`" in way and "ollama pull" in way and "--pack" in way


def test_check_in_words_says_the_default_and_exits_1(ollama_down, no_local_engine, no_keys):
    result = CliRunner().invoke(app, ["check"])
    assert result.exit_code == 1
    assert "Programme par défaut" in result.stdout
    assert "classique : ne peut pas jouer maintenant" in result.stdout
    assert "Clés d'API absentes" in result.stdout


def test_classique_with_a_key_missing_offers_what_can_run(ollama_down, no_keys, monkeypatch):
    """Issue 12: `classique` without keys names the keys missing and the programmes that can run
    now (the local engine's, here), not « unreachable, check ollama or Internet »."""
    from duels_tui.availability import check, way_out

    if not local_engine_ready():
        pytest.skip("moteur local absent : `make test` l'installe")
    import asyncio

    catalog = load_catalog()
    result = asyncio.run(check(catalog))
    classique = [d.model_ids for d in load_programme("classique", catalog).duels]
    said = way_out(catalog, result, classique)
    assert said.startswith("Clés d'API absentes : ANTHROPIC_API_KEY, DEEPSEEK_API_KEY, MISTRAL_API_KEY.")
    assert 'Jouable maintenant : local-demo (`make run ARGS="-p local-demo"`).' in said
    assert "Internet" not in said
    assert way_out(catalog, result, classique, "en").startswith("API keys missing: ANTHROPIC_API_KEY")
    local = [d.model_ids for d in load_programme("local-demo", catalog).duels]
    assert way_out(catalog, result, local) == ""
