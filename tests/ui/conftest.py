"""UI fixtures: the classique programme played against the scripted server, and deterministic
workshops (events applied by hand, fixed clock) for snapshots."""

from __future__ import annotations

import dataclasses
import random

import pytest

from duels_tui.arena.workshop import Workshop
from duels_tui.catalog import load_catalog
from duels_tui.config.programme import load_programme


def classique_on(server, scripts: dict[str, dict] | None = None):
    """The classique programme and catalog, every model served by the scripted server under its
    own id; `scripts` tunes a model's ModelScript fields (pace, failures...)."""
    from scripted_server import ModelScript

    catalog = load_catalog()
    programme = load_programme("classique", catalog)
    for duel in programme.duels:
        for model_id in duel.model_ids:
            fields = {"tokens": 40, "delay_s": 0.005, **(scripts or {}).get(model_id, {})}
            server.add(ModelScript(model_id, **fields))
            catalog.models[model_id] = dataclasses.replace(
                catalog.models[model_id], route=f"ollama_chat/{model_id}", api_base=server.base_url,
                api_key_env=None, profile="datacenter-h100")
    return catalog, programme


@pytest.fixture
def classique_workshop(scripted_server, store):
    catalog, programme = classique_on(scripted_server)
    return Workshop.start(programme, catalog, store, place="Médiathèque", rng=random.Random(3))


