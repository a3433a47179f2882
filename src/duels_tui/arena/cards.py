"""Model cards as a session remembers them, and the few card facts said in words (French by
default, English with lang="en").

A session keeps a snapshot of each card (no server address, no key variable, no file path) so
its export and its reveal still work when the catalog changes or loses a model.
"""

from __future__ import annotations

import re
from typing import Any

from duels_tui.catalog import ModelCard
from duels_tui.lang import DEFAULT, Texts
from duels_tui.numbers import params
from duels_tui.ranges import Range

TEXTS = Texts(
    "arena.cards",
    {
        "estimate": ("{text} (estimation)", "{text} (estimate)"),
        "moe": (
            "mélange d'experts (MoE) : {active} actifs par jeton",
            "mixture of experts (MoE): {active} active per token",
        ),
        "dense": ("dense", "dense"),
        "unpublished": ("architecture non publiée", "architecture not published"),
    },
)
# A card's openness (and a licence that is one of these words), as the catalog writes it.
OPENNESS = Texts(
    "arena.openness",
    {
        "open source": ("open source", "open source"),
        "semi-ouvert": ("semi-ouvert", "semi-open"),
        "propriétaire": ("propriétaire", "proprietary"),
    },
)

_SNAPSHOT_FIELDS = (
    "id",
    "name",
    "organisation",
    "route",
    "architecture",
    "licence",
    "openness",
    "description",
    "description_en",
    "estimate",
    "quantization",
    "release",
    "reasoning",
    "family",
    "profile",
)


def card_snapshot(card: ModelCard) -> dict[str, Any]:
    data: dict[str, Any] = {name: getattr(card, name) for name in _SNAPSHOT_FIELDS}
    data["params_total"] = [card.params_total.min, card.params_total.max]
    data["params_active"] = [card.params_active.min, card.params_active.max]
    # Whether it ran on this machine or the room's network decides the hardware profile;
    # the address itself is not kept.
    data["local"] = card.is_local
    return data


def card_from_snapshot(data: dict[str, Any]) -> ModelCard:
    route = str(data.get("route") or "inconnu/inconnu")
    local = bool(data.get("local"))
    return ModelCard(
        id=str(data["id"]),
        name=str(data.get("name") or data["id"]),
        organisation=str(data.get("organisation") or ""),
        route=route,
        params_total=Range.of(data.get("params_total") or 0),
        params_active=Range.of(data.get("params_active") or data.get("params_total") or 0),
        architecture=str(data.get("architecture") or "inconnue"),
        licence=str(data.get("licence") or ""),
        openness=str(data.get("openness") or ""),
        description=str(data.get("description") or ""),
        # A session or pack written before description_en existed has none: the French one is said.
        description_en=str(data.get("description_en") or "") or None,
        estimate=bool(data.get("estimate")),
        quantization=str(data.get("quantization") or "inconnue"),
        release=str(data.get("release") or ""),
        reasoning=bool(data.get("reasoning")),
        family=str(data.get("family") or ""),
        # The real address is not stored; a loopback placeholder keeps `is_local` true for a
        # local server reached through an OpenAI-compatible route, so its profile stays local.
        api_base="http://127.0.0.1" if local and not route.startswith("ollama") else None,
        profile=data.get("profile"),
        source="session",
    )


def quantization_bits(card: ModelCard) -> int | None:
    """ "Q4_K_M" -> 4, "bf16" -> 16, "q8" -> 8, "inconnue" -> None."""
    match = re.search(r"(\d+)", card.quantization or "")
    if not match:
        return None
    bits = int(match.group(1))
    return bits if 1 <= bits <= 32 else None


def params_text(card: ModelCard, lang: str = DEFAULT) -> str:
    """« 24 milliards de paramètres », « 300 à 440 milliards de paramètres (estimation) »,
    « 135 millions de paramètres »."""
    text = params(card.params_total, lang)
    return TEXTS("estimate", lang, text=text) if card.estimate else text


def architecture_text(card: ModelCard, lang: str = DEFAULT) -> str:
    """« dense », « mélange d'experts (MoE) : 37 milliards actifs par jeton », « inconnue »."""
    if card.architecture == "moe":
        return TEXTS("moe", lang, active=params(card.params_active, lang, with_noun=False))
    key = {"dense": "dense", "inconnue": "unpublished"}.get(card.architecture)
    return TEXTS(key, lang) if key else card.architecture


def openness_text(value: str, lang: str = DEFAULT) -> str:
    """A licence or openness word of the catalog (« propriétaire »), in `lang` when known."""
    return OPENNESS(value, lang) if value in OPENNESS else value
