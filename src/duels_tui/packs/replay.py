"""Replaying a pack: its duels as a programme, its model cards in the catalog, its recordings as
the answer source. No network and no litellm: `duels --pack FILE` runs in a room with nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from duels_tui.arena.cards import card_from_snapshot
from duels_tui.catalog import Catalog, ModelCard
from duels_tui.config.programme import Programme
from duels_tui.engine.pack_source import PackSource
from duels_tui.packs.format import Pack, PackError

PACK_KEY_PREFIX = "pack:"


@dataclass
class Replay:
    pack: Pack
    catalog: Catalog
    programme: Programme
    speed: float = 1.0

    def source_for(self, card: ModelCard) -> PackSource:
        return PackSource(self.pack.recordings_for(card.id), speed=self.speed)

    def recorded_on(self) -> dict[str, str]:
        """Model id -> when its answers were recorded (ISO 8601), for « réponse enregistrée le … »."""
        dates: dict[str, str] = {}
        for answer in self.pack.answers():
            dates.setdefault(answer.model_id, answer.recording.recorded_at or self.pack.recorded_at)
        for model_id in self.pack.model_ids():
            dates.setdefault(model_id, self.pack.recorded_at)
        return dates


def is_pack_programme(key: str) -> bool:
    return key.startswith(PACK_KEY_PREFIX)


def _pack_card(pack: Pack, model_id: str) -> ModelCard:
    """The card as recorded (so the reveal says what answered then), pinned to the hardware
    profile the recording computed on when this machine knows it."""
    card = card_from_snapshot({**pack.models[model_id], "id": model_id})
    profile = card.profile
    if profile is not None:
        try:
            from duels_tui.impact import load_hardware

            load_hardware().profile(profile)
        except Exception:  # an unknown profile here: fall back on the route's rule
            profile = None
    # With its profile pinned, the card needs no address (the loopback placeholder of a local
    # model only served to pick the local profile); nothing will be probed or called.
    api_base = None if profile is not None else card.api_base
    return replace(card, profile=profile, api_base=api_base, api_key_env=None, source=f"{PACK_KEY_PREFIX}{pack.path}")


def prepare_replay(pack: Pack, catalog: Catalog, *, speed: float = 1.0) -> Replay:
    """The catalog with the pack's cards (they win over the catalog's: they answered), the
    programme of the recorded duels, and the sources (`load_pack` has checked that every model
    the duels name has its card)."""
    if not speed > 0:
        raise PackError(pack.path, f"vitesse {speed} : un nombre positif est attendu")
    merged = Catalog(catalog.scale, dict(catalog.models), list(catalog.files))
    for model_id in pack.model_ids():
        merged.models[model_id] = _pack_card(pack, model_id)
    date = pack.recorded_at[:10]
    name = pack.programme.get("name") or pack.path.stem
    programme = Programme(
        # The file's name and its recording: another pack of the same name is another session.
        key=f"{PACK_KEY_PREFIX}{pack.path.stem}@{pack.recorded_at[:19]}",
        name=f"{name} (enregistré le {date})" if date else name,
        description=pack.programme.get("description", ""),
        duels=pack.duels,  # each a DuelSpec, with its recorded turns
        path=pack.path,
    )
    return Replay(pack, merged, programme, speed)
