"""Catalog and programme loading: good files load, bad ones name file, line and field."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from duels_tui.catalog import load_catalog
from duels_tui.config.errors import ConfigError
from duels_tui.config.locate import set_config_override
from duels_tui.config.programme import load_programme
from duels_tui.ranges import Range

IMPACT_MODELS = {
    "claude-3.5-sonnet": (300, 440), "llama-3.3-70b": 70, "mistral-small-3": 24, "gemma-3-4b": 4,
    "qwq-32b": 32, "deepseek-r1": 671, "llama-3.1-405b": 405, "llama-3.1-8b": 8, "phi-4": 14,
    "qwen2.5-coder-32b": 32, "mixtral-8x7b": 46.7, "deepseek-v3": 671, "llama-4-scout": 109,
    "command-r": 35, "chocolatine-2-14b": 14, "gpt-4o": (200, 440), "gpt-4o-mini": (8, 30),
    "o3-mini": (8, 30),
}


def test_shipped_catalog_has_every_model_of_impact_md():
    catalog = load_catalog()
    for model_id, total in IMPACT_MODELS.items():
        card = catalog.get(model_id)
        assert card is not None, model_id
        assert card.params_total == Range.of(total), model_id
        assert card.estimate == (not card.params_total.is_exact)


@pytest.mark.parametrize(
    ("model_id", "expected"),
    [("gemma-3-4b", "XS"), ("llama-3.1-8b", "S"), ("mistral-small-3", "M"),
     ("llama-3.3-70b", "L"), ("claude-3.5-sonnet", "XL"), ("gpt-4o-mini", "S-M")],
)
def test_size_classes_follow_the_slides_scale(model_id, expected):
    catalog = load_catalog()
    assert catalog.size_class(catalog.get(model_id)) == expected


def test_moe_models_have_fewer_active_params():
    catalog = load_catalog()
    r1 = catalog.get("deepseek-r1")
    assert r1.is_moe and r1.params_active == Range.exact(37)


def test_classique_programme_is_the_workshop():
    programme = load_programme("classique", load_catalog())
    assert [d.model_ids for d in programme.duels] == [
        ("claude-3.5-sonnet", "mistral-small-3"),
        ("llama-3.3-70b", "gemma-3-4b"),
        ("qwq-32b", "deepseek-r1"),
    ]
    assert programme.duels[0].prompt.startswith("Résume moi ce texte en une phrase")
    assert "enfant de 10 ans" in programme.duels[1].prompt
    assert "impact environnemental" in programme.duels[2].prompt


def _user_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "cfg"
    (directory / "programmes").mkdir(parents=True)
    set_config_override(directory)
    return directory


def _write(path: Path, text: str) -> Path:
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


GOOD_MODEL = """
[[models]]
id = "mini"
name = "Mini"
organisation = "Nous"
route = "ollama_chat/mini:1b"
params_total = 1
licence = "MIT"
openness = "open source"
description = "Un petit modèle."
"""


def test_user_catalog_adds_and_overrides_cards(tmp_path):
    directory = _user_dir(tmp_path)
    _write(directory / "catalog.toml", GOOD_MODEL + GOOD_MODEL.replace('"mini"', '"gemma-3-4b"'))
    catalog = load_catalog()
    assert catalog.get("mini").params_total == Range.exact(1)
    assert catalog.get("gemma-3-4b").name == "Mini"  # overridden by the user's file
    assert catalog.get("deepseek-r1") is not None  # shipped cards still there


def test_malformed_toml_names_file_and_line(tmp_path):
    directory = _user_dir(tmp_path)
    path = _write(directory / "catalog.toml", GOOD_MODEL + 'name = "oops\n')
    with pytest.raises(ConfigError) as err:
        load_catalog()
    assert err.value.path == path
    assert err.value.line == 10
    assert "TOML invalide" in str(err.value)


@pytest.mark.parametrize(
    ("replace", "by", "field", "line", "words"),
    [
        ("params_total = 1", "params_total = -3", "models[1].params_total", 6, "positif"),
        ("params_total = 1", 'params_total = "big"', "models[1].params_total", 6, "positif"),
        ("params_total = 1", "params_total = [9, 2]", "models[1].params_total", 6, "intervalle"),
        ('openness = "open source"', 'openness = "libre"', "models[1].openness", 8, "inconnue"),
        ('licence = "MIT"\n', "", "models[1].licence", 1, "manquant"),
        ('route = "ollama_chat/mini:1b"', 'route = "mini"', "models[1].route", 5, "route"),
        ("params_total = 1", "params_total = 1\ncolour = 3", "models[1].colour", 7, "inconnu"),
    ],
)
def test_bad_catalog_field_is_named_with_its_line(tmp_path, replace, by, field, line, words):
    directory = _user_dir(tmp_path)
    _write(directory / "catalog.toml", GOOD_MODEL.replace(replace, by))
    with pytest.raises(ConfigError) as err:
        load_catalog()
    assert err.value.field == field
    assert err.value.line == line
    assert words in err.value.message


PROGRAMME = """
name = "Essai"

[[duels]]
models = ["gemma-3-4b", "mistral-small-3"]
prompt_text = "Bonjour ?"

[[duels]]
models = ["gemma-3-4b", "{second}"]
prompt = "{prompt}"
"""


def test_unknown_model_in_programme_is_caught_with_line(tmp_path):
    directory = _user_dir(tmp_path)
    path = _write(directory / "programmes" / "essai.toml",
                  PROGRAMME.format(second="gpt-9", prompt="data-centers-enfant.md"))
    with pytest.raises(ConfigError) as err:
        load_programme("essai", load_catalog())
    assert err.value.path == path
    assert (err.value.field, err.value.line) == ("duels[2].models", 8)
    assert "gpt-9" in err.value.message


def test_missing_prompt_file_is_named(tmp_path):
    directory = _user_dir(tmp_path)
    _write(directory / "programmes" / "essai.toml",
           PROGRAMME.format(second="phi-4", prompt="absent.md"))
    with pytest.raises(ConfigError) as err:
        load_programme("essai", load_catalog())
    assert err.value.field == "duels[2].prompt" and "absent.md" in err.value.message


def test_user_prompt_folder_is_used(tmp_path):
    directory = _user_dir(tmp_path)
    (directory / "prompts").mkdir()
    (directory / "prompts" / "mien.md").write_text("Ma question\n", encoding="utf-8")
    _write(directory / "programmes" / "essai.toml", PROGRAMME.format(second="phi-4", prompt="mien.md"))
    programme = load_programme("essai", load_catalog())
    assert programme.duels[1].prompt == "Ma question"
    assert programme.duels[0].prompt == "Bonjour ?"


def test_unknown_programme_lists_the_known_ones():
    with pytest.raises(ConfigError) as err:
        load_programme("inexistant", load_catalog())
    assert "classique" in err.value.message


def test_every_shipped_description_has_its_english_one():
    """`--lang en` says each shipped model's description in English (config/catalog.toml)."""
    cards = [c for c in load_catalog().models.values() if c.description]
    assert cards
    for card in cards:
        assert card.description_en and card.description_en != card.description, card.id
        assert card.description_in("en") == card.description_en
        assert card.description_in("fr") == card.description


def test_description_en_is_read_when_present_and_optional(tmp_path):
    directory = _user_dir(tmp_path)
    english = GOOD_MODEL.replace("description =", 'description_en = "A small model."\ndescription =')
    _write(directory / "catalog.toml", english + GOOD_MODEL.replace('"mini"', '"mini-fr"'))
    catalog = load_catalog()
    mini, mini_fr = catalog.get("mini"), catalog.get("mini-fr")
    assert (mini.description_en, mini.description_in("en"), mini.description_in("fr")) == (
        "A small model.", "A small model.", "Un petit modèle.")
    # Without one, English falls back on the French description.
    assert mini_fr.description_en is None and mini_fr.description_in("en") == "Un petit modèle."


@pytest.mark.parametrize("value", ['""', '"   "', "3"])
def test_bad_description_en_is_named_with_its_line(tmp_path, value):
    directory = _user_dir(tmp_path)
    _write(directory / "catalog.toml", GOOD_MODEL + f"description_en = {value}\n")
    with pytest.raises(ConfigError) as err:
        load_catalog()
    assert (err.value.field, err.value.line) == ("models[1].description_en", 10)
    assert "texte non vide" in err.value.message
