"""Fuzzing the pack reader, as `duels --pack` uses it: whatever a pack file holds (a field of
another kind, a huge or endless number, a key removed or added, bytes cut, doubled or sprinkled),
`load_pack` then `prepare_replay` give a replay or a PackError naming the file, never another
exception (issue 13). test_fuzz_config.py does the same for the catalog and the programmes."""

from __future__ import annotations

import asyncio
import itertools
import json
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from duels_tui.arena.play import play_turn
from duels_tui.arena.testing import answer_events, demo_catalog, demo_programme
from duels_tui.arena.votes import VoteCounts
from duels_tui.arena.workshop import Workshop
from duels_tui.packs.format import PackError, load_pack
from duels_tui.packs.replay import prepare_replay
from duels_tui.store import Store
from fuzz_mutations import HOSTILE_NUMBERS, damaged_text, mutated

FUZZ = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
# Playing a pack to its reveals costs more: fewer examples, each number drawn among the pack's.
PLAYED = settings(FUZZ, max_examples=60)
_files = itertools.count()


def _load(tmp_path, data: bytes, *, play: bool = False) -> None:
    path = tmp_path / f"pack{next(_files)}.json"
    path.write_bytes(data)
    try:
        replay = prepare_replay(load_pack(path), demo_catalog(), speed=1000)
    except PackError as exc:
        assert str(path) in str(exc) and exc.message
        return
    assert replay.programme.duels
    if play:
        _play(replay)


def _play(replay) -> None:
    """A pack that loads plays to its reveals: each duel replayed (sped up), voted, revealed,
    stored, as the workshop does."""
    workshop = Workshop.start(replay.programme, replay.catalog, Store.open(":memory:"), rng=random.Random(1))
    for i, _ in enumerate(workshop.duels):
        asyncio.run(play_turn(workshop, i, replay.source_for))
        workshop.record_vote(i, VoteCounts(2, 1))
        workshop.show_reveal(i)
        workshop.reveal(i)
    workshop.final()
    assert not workshop.store.unsaved
    workshop.store.close()


class _Instant:
    """Answers at once, with a reasoning part for the reasoning models (no server)."""

    async def stream(self, request):
        for event in answer_events("Une réponse « complète », en français.", reasoning="Voyons… é"):
            yield event


@pytest.fixture(scope="module")
def recorded() -> str:
    """The 3-duel demo programme recorded once (in memory: record_programme's store is too)."""
    from duels_tui.packs.record import record_programme

    recording = asyncio.run(record_programme(demo_programme(3), demo_catalog(), _Instant()))
    assert recording.failures == []
    return json.dumps(recording.document)


@pytest.fixture
def document(recorded) -> dict:
    return json.loads(recorded)


def test_structural_mutations_never_crash(document, tmp_path):
    @FUZZ
    @given(st.data())
    def check(data):
        changed = data.draw(mutated(document))
        _load(tmp_path, json.dumps(changed, ensure_ascii=False).encode())

    check()


def test_hostile_numbers_never_crash(document, tmp_path):
    """Every number of the pack in turn replaced by an extreme one (1e308, 10**30, -0.0...): the
    pack is refused, or it plays to its reveals and the final."""
    from fuzz_mutations import _parent, leaf_paths

    numbers = [p for p in leaf_paths(document) if isinstance(_parent(document, p)[p[-1]], int | float)]

    @PLAYED
    @given(st.sampled_from(numbers), HOSTILE_NUMBERS)
    def check(path, value):
        changed = json.loads(json.dumps(document))
        _parent(changed, path)[path[-1]] = value
        _load(tmp_path, json.dumps(changed, ensure_ascii=False).encode(), play=True)

    check()


def test_damaged_bytes_never_crash(document, tmp_path):
    text = json.dumps(document, ensure_ascii=False, indent=1)

    @FUZZ
    @given(st.data(), st.sampled_from(["utf-8", "utf-8-sig", "latin-1"]))
    def check(data, encoding):
        damaged = data.draw(damaged_text(text))
        _load(tmp_path, damaged.encode(encoding, errors="replace"))

    check()
