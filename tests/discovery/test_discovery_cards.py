"""Ollama models as catalog cards: sizes and quantization from ollama, organisation and licence
from their family, reasoning from their capabilities, a mixture of experts from its expert
counts; merged only where the catalog lacks them; found over real HTTP (scripted server)."""

from __future__ import annotations

import pytest

from duels_tui.availability import OllamaModel
from duels_tui.catalog_discovery import (
    DISCOVERED,
    card_for,
    discover_into,
    find_family,
    load_families,
    merge_discovered,
    parameter_billions,
)


@pytest.fixture(scope="module")
def families():
    return load_families()


@pytest.mark.parametrize(
    ("text", "billions"),
    [("4.3B", 4.3), ("270M", 0.27), ("494.03M", 0.49403), ("1.2T", 1200.0), ("7b", 7.0), ("8,0B", 8.0)],
)
def test_parameter_size(text, billions):
    assert parameter_billions(text) == pytest.approx(billions)


@pytest.mark.parametrize("text", [None, "", "beaucoup", "0B", "-3B"])
def test_parameter_size_unusable(text):
    assert parameter_billions(text) is None


@pytest.mark.parametrize(
    ("name", "family", "organisation", "licence"),
    [
        ("gemma3:4b", "gemma3", "Google", "Gemma"),
        ("llama3.2:1b", "llama3", "Meta", "Llama 3.2 Community"),
        ("llama3.2-vision:11b", "llama3", "Meta", "Llama 3.2 Community"),
        ("phi4-mini-reasoning:3.8b", "phi", "Microsoft", "MIT"),
        ("hf.co/bartowski/SmolLM2-360M-Instruct-GGUF:Q4_K_M", "smollm", "Hugging Face", "Apache 2.0"),
        ("deepseek-r1:7b", "deepseek", "DeepSeek", "MIT"),
    ],
)
def test_family_by_name(families, name, family, organisation, licence):
    found = find_family(OllamaModel(name), families)
    assert (found.family, found.organisation, found.licence) == (family, organisation, licence)


def test_family_prefix_is_a_whole_word(families):
    assert find_family(OllamaModel("phind-codellama:34b"), families) is None
    # ollama's own family field is the fallback
    assert find_family(OllamaModel("mon-modele:3b", family="gemma3"), families).organisation == "Google"


def test_card_of_a_known_family(families, catalog):
    card = card_for(
        OllamaModel("qwen3:0.6b", "751.63M", "Q4_K_M", "qwen3", ("completion", "thinking")), families, catalog
    )
    assert card.route == "ollama_chat/qwen3:0.6b" and card.id == "qwen3:0.6b"
    assert card.params_total.mid == pytest.approx(0.75163)
    assert (card.organisation, card.licence, card.openness) == ("Alibaba", "Apache 2.0", "open source")
    assert card.reasoning and card.quantization == "Q4_K_M" and card.source == DISCOVERED
    assert card.architecture == "dense" and not card.estimate
    assert card.description == (
        "Modèle installé dans ollama, découvert automatiquement : 752 millions de paramètres, quantification Q4_K_M.")
    assert card.description_in("en") == (
        "A model installed in ollama, found automatically: 752 million parameters, Q4_K_M quantisation.")


def test_card_of_a_mixture_of_experts(families, catalog):
    card = card_for(OllamaModel("gpt-oss:20b", "20.9B", "MXFP4", "gptoss", ("completion",), (32, 4)), families, catalog)
    assert card.architecture == "moe" and card.estimate and card.reasoning
    assert card.params_active.min == pytest.approx(20.9 * 4 / 32)
    assert card.params_active.max <= card.params_total.max
    assert card.params_active.min <= 3.6 <= card.params_active.max  # the published 3.6B active


def test_unknown_family_says_so(families, catalog):
    card = card_for(OllamaModel("zorglub:3b", "3B", None, "zorg"), families, catalog)
    assert (card.organisation, card.licence, card.openness, card.quantization) == ("inconnue",) * 4
    assert "inconnue du catalogue" in card.description and "3 milliards" in card.description
    assert "unknown to the catalog" in card.description_in("en") and "3 billion" in card.description_in("en")


def test_catalog_family_when_the_table_lacks_it(catalog):
    # No families.toml entry: the catalog's card of the same family lends its organisation.
    card = card_for(OllamaModel("gemma3:27b", "27B", "Q4_K_M", "gemma3"), [], catalog)
    assert (card.organisation, card.licence) == ("Google", "Gemma")


def test_unusable_size_gives_no_card(families, catalog):
    assert card_for(OllamaModel("mystere:latest", None), families, catalog) is None


def test_merge_adds_only_what_the_catalog_lacks(families, catalog):
    models = [
        OllamaModel("gemma3:4b", "4.3B", "Q4_K_M", "gemma3"),  # the catalog's gemma-3-4b
        OllamaModel("llama3.2:latest", "3.2B", "Q4_K_M", "llama"),
        OllamaModel("llama3.2", "3.2B", "Q4_K_M", "llama"),  # the same model, named without tag
    ]
    before = set(catalog.models)
    added = merge_discovered(catalog, models, families=families)
    assert [c.id for c in added] == ["llama3.2"]
    assert set(catalog.models) - before == {"llama3.2"}
    assert catalog.models["gemma-3-4b"].source != DISCOVERED


def test_an_id_taken_by_another_model_keeps_both(families, catalog):
    from dataclasses import replace

    catalog.models["phi4"] = replace(catalog.models["gemma-3-4b"], id="phi4")
    added = merge_discovered(catalog, [OllamaModel("phi4", "14.7B", "Q4_K_M", "phi3")], families=families)
    assert [c.id for c in added] == ["ollama-phi4"] and catalog.models["phi4"].name == "Gemma 3 4B"


def test_discovered_over_http(scripted_server, catalog):
    from scripted_server import ModelScript

    scripted_server.add(
        ModelScript("gemma3:1b", parameter_size="999.89M", family="gemma3"),
        ModelScript("qwen3:8b", parameter_size="8.2B", family="qwen3", thinking=5),
    )
    added = {c.id: c for c in discover_into(catalog, scripted_server.base_url)}
    assert set(added) == {"gemma3:1b", "qwen3:8b"}
    assert added["qwen3:8b"].reasoning and not added["gemma3:1b"].reasoning
    assert added["gemma3:1b"].api_base == scripted_server.base_url  # not the default ollama


def test_no_ollama_no_cards_and_no_wait(catalog, closed_port):
    import time

    began = time.perf_counter()
    assert discover_into(catalog, f"http://127.0.0.1:{closed_port}") == []
    assert time.perf_counter() - began < 1.0


def test_duels_models_and_check_list_discovered_models(scripted_server, monkeypatch):
    import json

    from typer.testing import CliRunner

    from duels_tui.cli import app
    from scripted_server import ModelScript

    scripted_server.add(ModelScript("smollm2:360m", parameter_size="361.82M", family="llama"))
    monkeypatch.setenv("OLLAMA_HOST", scripted_server.base_url)
    listed = CliRunner().invoke(app, ["models", "--json"])
    assert listed.exit_code == 0, listed.output
    card = next(m for m in json.loads(listed.output)["models"] if m["id"] == "smollm2:360m")
    assert (card["source"], card["organisation"], card["size_class"]) == ("ollama", "Hugging Face", "XS")
    checked = CliRunner().invoke(app, ["check", "--json"])
    assert json.loads(checked.output)["models"]["smollm2:360m"]["runnable"]
