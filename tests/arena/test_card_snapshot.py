"""A card as a session or a pack keeps it: the English description travels with the French one,
and a snapshot written before `description_en` existed says the French one in English too."""

from __future__ import annotations

from duels_tui.arena.cards import card_from_snapshot, card_snapshot
from duels_tui.arena.workshop import Workshop


def test_the_english_description_survives_a_snapshot(catalog):
    for card in catalog.models.values():
        again = card_from_snapshot(card_snapshot(card))
        assert again.description_en == card.description_en and again.description_en
        assert again.description_in("en") == card.description_en
        assert again.description_in("fr") == card.description


def test_a_snapshot_without_english_description_says_the_french_one(catalog):
    card = next(iter(catalog.models.values()))
    older = {k: v for k, v in card_snapshot(card).items() if k != "description_en"}
    again = card_from_snapshot(older)
    assert again.description_en is None
    assert again.description_in("en") == again.description_in("fr") == card.description


def test_a_resumed_session_without_catalog_keeps_the_english_description(workshop, store, catalog):
    resumed = Workshop.resume(store, None)
    for model_id in workshop.duels[0].sides.values():
        card, original = resumed.card(model_id), catalog.get(model_id)
        assert card.source == "session"  # from the stored snapshot, not the catalog
        assert card.description_in("en") == original.description_en
