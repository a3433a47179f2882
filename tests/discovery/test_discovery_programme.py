"""`duels programme --auto`: three duels in compar:IA's spirit from the models installed, written
as a programme TOML that loads."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from duels_tui.arena.auto_programme import ProposalError, propose, to_toml
from duels_tui.availability import OllamaModel
from duels_tui.catalog_discovery import merge_discovered
from duels_tui.config.programme import load_programme

INSTALLED = [
    OllamaModel("gemma3:1b", "999.89M", "Q4_K_M", "gemma3"),
    OllamaModel("gemma3:12b", "12.2B", "Q4_K_M", "gemma3"),
    OllamaModel("qwen3:8b", "8.2B", "Q4_K_M", "qwen3", ("completion", "thinking")),
    OllamaModel("llama3.3:70b", "70.6B", "Q4_K_M", "llama"),
]


def installed(catalog):
    merge_discovered(catalog, INSTALLED)
    return [c for c in catalog.models.values() if c.route.split("/", 1)[1] in {m.name for m in INSTALLED}]


def test_the_three_rules(catalog):
    duels = propose(installed(catalog))
    # largest vs smallest (the catalog's own card for llama3.3:70b), one family at two sizes,
    # the thinker against the direct model closest in size (the 12B, not the 70B)
    assert [set(d.models) for d in duels] == [
        {"llama-3.3-70b", "gemma3:1b"},
        {"gemma3:12b", "gemma3:1b"},
        {"qwen3:8b", "gemma3:12b"},
    ]
    assert "plus grand" in duels[0].title and "famille" in duels[1].title and "raisonnement" in duels[2].title
    assert duels[2].reasoning and not duels[0].reasoning


def test_few_models_repeat_the_pair_on_other_prompts(catalog):
    cards = [catalog.models["gemma-3-4b"], catalog.models["mistral-small-3"]]
    duels = propose(cards)
    assert len(duels) == 3 and all(set(d.models) == {"gemma-3-4b", "mistral-small-3"} for d in duels)


def test_one_model_is_not_a_duel(catalog):
    with pytest.raises(ProposalError, match="deux modèles"):
        propose([catalog.models["gemma-3-4b"]])


def test_the_toml_loads_as_a_programme(catalog, tmp_path):
    duels = propose(installed(catalog))
    path = tmp_path / "auto.toml"
    path.write_text(to_toml(duels, found="les modèles d'un test"), encoding="utf-8")
    programme = load_programme(str(path), catalog)
    assert [d.model_ids for d in programme.duels] == [d.models for d in duels]
    assert all(d.prompt for d in programme.duels)
    assert programme.duels[2].max_tokens == 2000 and programme.duels[0].max_tokens == 800


def test_cli_writes_a_programme_from_ollama(scripted_server, tmp_path, monkeypatch):
    from duels_tui.catalog import load_catalog
    from duels_tui.cli import app
    from scripted_server import ModelScript

    scripted_server.add(
        ModelScript("gemma3:1b", parameter_size="999.89M"),
        ModelScript("gemma3:4b", parameter_size="4.3B"),
        ModelScript("deepseek-r1:8b", parameter_size="8.2B", family="qwen3", thinking=3),
    )
    monkeypatch.setenv("OLLAMA_HOST", scripted_server.base_url)
    out = tmp_path / "auto.toml"
    result = CliRunner().invoke(app, ["programme", "--auto", "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "gemma3:1b" in text and "deepseek-r1:8b" in text and '"gemma-3-4b"' in text
    catalog = load_catalog()
    merge_discovered(catalog, [OllamaModel("gemma3:1b", "999.89M"), OllamaModel("deepseek-r1:8b", "8.2B")])
    assert len(load_programme(str(out), catalog).duels) == 3
