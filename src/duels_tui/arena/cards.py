"""Model cards as a session remembers them, and the few card facts said in French.

A session keeps a snapshot of each card (no server address, no key variable, no file path) so
its export and its reveal still work when the catalog changes or loses a model.
"""

from __future__ import annotations

import re
from typing import Any

from duels_tui.catalog import ModelCard
from duels_tui.ranges import Range

_SNAPSHOT_FIELDS = (
    "id",
    "name",
    "organisation",
    "route",
    "architecture",
    "licence",
    "openness",
    "description",
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


def _billions(value: Range) -> str:
    def one(x: float) -> str:
        return f"{x:g}".replace(".", ",")

    return one(value.min) if value.is_exact else f"{one(value.min)} à {one(value.max)}"


def params_text(card: ModelCard) -> str:
    """« 24 milliards », « 300 à 440 milliards (estimation) »."""
    text = f"{_billions(card.params_total)} milliards"
    return f"{text} (estimation)" if card.estimate else text


def architecture_text(card: ModelCard) -> str:
    """« dense », « mélange d'experts (MoE) : 37 milliards actifs par token », « inconnue »."""
    if card.architecture == "moe":
        return f"mélange d'experts (MoE) : {_billions(card.params_active)} milliards actifs par token"
    return {"dense": "dense", "inconnue": "architecture non publiée"}.get(card.architecture, card.architecture)
