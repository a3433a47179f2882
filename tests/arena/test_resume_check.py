"""A stored session that cannot be shown never locks the facilitator out: `duels` starts a new
session and says how to reach the old one (arena/resume_check.py, cli/workshop.py)."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from duels_tui.arena.testing import demo_catalog, demo_programme, stream_turn
from duels_tui.arena.votes import VoteCounts
from duels_tui.arena.workshop import Workshop
from duels_tui.cli.workshop import resume_renderable, session_to_open
from duels_tui.ranges import Range
from duels_tui.store import Store


def played(store, catalog) -> Workshop:
    workshop = Workshop.start(demo_programme(1), catalog, store, rng=random.Random(1))
    workshop.advance()
    stream_turn(workshop, 0)
    workshop.record_vote(0, VoteCounts(3, 1))
    workshop.show_reveal(0)
    return workshop


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "duels.sqlite3") as opened:
        yield opened


def test_a_sound_session_is_resumed(store, capsys):
    workshop = played(store, demo_catalog())
    resumed = resume_renderable(store, demo_catalog(), store.last_unfinished_session())
    assert resumed is not None and resumed.session_id == workshop.session_id
    assert capsys.readouterr().err == ""


def test_a_card_written_before_the_bounds_starts_a_new_session(store, capsys):
    """A session stored by an older duels, whose catalog held 1e308 billion parameters."""
    hostile = demo_catalog()
    for model_id in demo_programme(1).duels[0].model_ids:
        hostile.models[model_id] = replace(hostile.models[model_id], params_total=Range.exact(1e308),
                                           params_active=Range.exact(1e308))
    workshop = played(store, hostile)
    # Today's catalog no longer has those models: the session's own cards are what it shows.
    assert resume_renderable(store, replace(demo_catalog(), models={}), store.last_unfinished_session()) is None
    said = capsys.readouterr().err
    assert f"la session n°{workshop.session_id} ne peut pas être reprise" in said
    assert "1e+308 hors des valeurs plausibles" in said
    assert f"duels export --session {workshop.session_id}" in said


def test_a_huge_token_count_starts_a_new_session(store, capsys):
    workshop = played(store, demo_catalog())
    answer = workshop.duels[0].turns[0].answers["A"]
    store.set_usage(answer.answer_id, 10, 10**18, None, "server")
    assert resume_renderable(store, demo_catalog(), store.last_unfinished_session()) is None
    assert "tokens d'une réponse : 1e+18 hors des valeurs plausibles" in capsys.readouterr().err


def test_a_row_no_code_can_read_starts_a_new_session(store, capsys):
    workshop = played(store, demo_catalog())
    store._write("UPDATE duels SET step = 'inconnue' WHERE session_id = ?", (workshop.session_id,))
    assert resume_renderable(store, demo_catalog(), store.last_unfinished_session()) is None
    assert "ne se relit pas" in capsys.readouterr().err
    # Nothing was deleted: the old session is still there for the export.
    assert store.session(workshop.session_id) is not None


def test_new_means_new(store):
    played(store, demo_catalog())
    assert session_to_open(store, programme=None, new=True, session=None) is None
