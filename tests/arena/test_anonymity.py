"""The blind draw and the answers or errors that give a model's identity away."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from duels_tui.arena.anonymity import anonymize_error, draw_sides, names_itself
from duels_tui.engine.events import EngineError, ErrorKind


def test_draw_is_seedable_and_fair():
    pair = ("big", "small")
    assert [draw_sides(pair, random.Random(3)) for _ in range(5)] == [
        draw_sides(pair, random.Random(3)) for _ in range(5)
    ]
    rng = random.Random(42)
    firsts = Counter(draw_sides(pair, rng)["A"] for _ in range(2000))
    assert set(firsts) == {"big", "small"}
    assert 850 < firsts["big"] < 1150
    for _ in range(20):
        sides = draw_sides(pair, rng)
        assert sorted(sides.values()) == sorted(pair) and set(sides) == {"A", "B"}


@pytest.mark.parametrize(
    ("model_id", "text"),
    [
        ("claude-3.5-sonnet", "Bonjour ! Je suis Claude, un assistant."),
        ("claude-3.5-sonnet", "En tant qu'assistant développé par Anthropic, je…"),
        ("gemma-3-4b", "Je suis Gemma, un modèle ouvert."),
        ("gemma-3-4b", "Je suis un grand modèle de langage, entraîné par Google."),
        ("mistral-small-3", "Mistral AI, l'entreprise qui m'a créé, est française."),
        ("deepseek-r1", "I am DeepSeek-R1, an AI assistant."),
        ("llama-3.3-70b", "Je m'appelle Llama."),
    ],
)
def test_answers_that_name_themselves(catalog, model_id, text):
    assert names_itself(text, catalog.get(model_id))


@pytest.mark.parametrize(
    ("model_id", "text"),
    [
        ("gemma-3-4b", "Les centres de données de Google consomment beaucoup d'eau."),
        ("gemma-3-4b", "Je suis ravi de répondre : les data centers de Google sont grands."),
        ("llama-3.3-70b", "Meta, Google et Microsoft construisent des centres de données."),
        ("claude-3.5-sonnet", "Un atelier pour développer l'esprit critique."),
        ("mistral-small-3", "Le vent du sud souffle fort en Provence."),
        ("gemma-3-4b", ""),
    ],
)
def test_ordinary_answers_are_not_flagged(catalog, model_id, text):
    assert not names_itself(text, catalog.get(model_id))


def test_flag_is_about_its_own_model(catalog):
    text = "Je suis Claude."
    assert names_itself(text, catalog.get("claude-3.5-sonnet"))
    assert not names_itself(text, catalog.get("gemma-3-4b"))


def test_error_messages_are_made_anonymous(catalog):
    cards = [catalog.get("gemma-3-4b"), catalog.get("mistral-small-3")]
    error = EngineError(
        ErrorKind.MODEL_NOT_FOUND,
        "Le modèle ollama_chat/gemma3:4b est introuvable (Gemma 3 4B).",
        "Vérifiez que gemma3:4b est installé ; Mistral AI ne répond pas.",
        detail="POST http://localhost:11434/api/chat -> 404",
    )
    clean = anonymize_error(error, cards)
    for leak in ("gemma", "Gemma", "mistral", "Mistral", "ollama"):
        assert leak not in clean.message and leak not in clean.hint
    assert "introuvable" in clean.message
    assert clean.kind is ErrorKind.MODEL_NOT_FOUND and clean.retryable
