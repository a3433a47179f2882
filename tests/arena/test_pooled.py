"""The pooled ranking: every voted duel of the chosen sessions, one vote per hand, self-named
duels left out and counted, the current session's unrevealed models never shown, energy beside
the score (the export's figures), imported sessions ranked as on their own machine."""

from __future__ import annotations

import io
import json
import random
from datetime import date

import pytest

from cli_runner import run_command
from duels_tui.arena.pooled import PoolError, PoolFilter, pool_ranking
from duels_tui.arena.testing import pooled_workshops, stream_turn
from duels_tui.arena.votes import VoteCounts
from duels_tui.arena.workshop import Workshop
from duels_tui.cli.pooled import register
from duels_tui.outputs.export import export
from duels_tui.outputs.importer import import_file
from duels_tui.store import Store


@pytest.fixture
def pooled(store, catalog):
    pooled_workshops(store, catalog, sessions=12, seed=4)
    return store


def _voted(workshop: Workshop, i: int, counts: tuple[int, int, int, int], texts=None, *, reveal: bool = True) -> None:
    if workshop.step.value == "home":
        workshop.advance()
    workshop.go_to(i)
    stream_turn(workshop, i, texts)
    workshop.record_vote(i, VoteCounts(*counts))
    if reveal:
        workshop.advance()


def test_every_hand_is_a_vote_and_energy_sits_beside(pooled, catalog):
    ranking = pool_ranking(pooled, catalog, bootstrap=200)
    assert (ranking.sessions, ranking.duels, ranking.hands) == (12, 36, 36 * 30)
    assert {m.model_id for m in ranking.models} == set(catalog.models)
    assert sum(m.hands for m in ranking.models) == 2 * ranking.hands
    scores = [m.rating.rating for m in ranking.ranked]
    assert scores == sorted(scores, reverse=True)
    # The energy is the export's: its kWh and tokens, summed per model over the same duels.
    out = io.StringIO()
    export(pooled, "jsonl", out, catalog=catalog)
    wh: dict[str, float] = {}
    tokens: dict[str, int] = {}
    for row in map(json.loads, out.getvalue().splitlines()):
        for s in "ab":
            model = row[f"model_{s}_name"]
            wh[model] = wh.get(model, 0.0) + row[f"total_conv_{s}_kwh"] * 1000
            tokens[model] = tokens.get(model, 0) + row[f"total_conv_{s}_output_tokens"]
    for m in ranking.models:
        assert m.energy_wh_per_1000_tokens == pytest.approx(wh[m.model_id] / tokens[m.model_id] * 1000)
        assert m.energy_wh_per_answer == pytest.approx(wh[m.model_id] / m.duels)  # one answer per duel here
    # The energy never moves the score: the same votes with other answers give the same ratings.
    again = pool_ranking(pooled, catalog, bootstrap=200)
    assert [m.rating for m in again.models] == [m.rating for m in ranking.models]


def test_self_named_duels_are_left_out_and_counted(store, catalog, programme):
    workshop = Workshop.start(programme, catalog, store, rng=random.Random(1))
    a_name = catalog.get(workshop.duels[0].sides["A"]).name
    _voted(workshop, 0, (20, 5, 0, 0), {"A": f"Bonjour, je suis {a_name}.", "B": "Bonjour."})
    _voted(workshop, 1, (10, 12, 1, 0))
    out = pool_ranking(store, catalog, bootstrap=0)
    assert (out.duels, out.hands, out.self_named_duels, out.self_named_hands) == (1, 23, 1, 25)
    assert workshop.duels[0].sides["A"] not in {m.model_id for m in out.models}
    kept = pool_ranking(store, catalog, PoolFilter(include_self_named=True), bootstrap=0)
    assert (kept.duels, kept.hands, kept.self_named_duels) == (2, 48, 1)


def test_the_current_sessions_unrevealed_models_never_show(pooled, catalog, programme):
    workshop = Workshop.start(programme, catalog, pooled, rng=random.Random(2))
    _voted(workshop, 0, (9, 6, 0, 0))
    _voted(workshop, 1, (3, 8, 0, 0), reveal=False)  # voted, the reveal not shown yet
    shown = {m.model_id for m in pool_ranking(pooled, catalog, current=workshop, bootstrap=0).models}
    revealed = set(workshop.duels[0].sides.values())
    unrevealed = set(workshop.duels[1].spec.model_ids) | set(workshop.duels[2].spec.model_ids)
    assert revealed <= shown and not (shown & unrevealed)
    ranking = pool_ranking(pooled, catalog, current=workshop, bootstrap=0)
    assert ranking.hidden_models == len(unrevealed - revealed)
    # From the command line (no current session), everything voted is pooled.
    assert unrevealed & {m.model_id for m in pool_ranking(pooled, catalog, bootstrap=0).models}


def test_filters_and_too_few_votes(store, catalog):
    pooled_workshops(store, catalog, sessions=3, seed=1, places=("Lycée Hugo", "Médiathèque"))
    assert pool_ranking(store, catalog, PoolFilter(sessions=(2,)), bootstrap=0).duels == 3
    assert pool_ranking(store, catalog, PoolFilter(place="lycée"), bootstrap=0).sessions == 2
    assert pool_ranking(store, catalog, PoolFilter(since=date(2999, 1, 1)), bootstrap=0).models == []
    with pytest.raises(PoolError, match="séance 9 introuvable"):
        pool_ranking(store, catalog, PoolFilter(sessions=(9,)))
    ranking = pool_ranking(store, catalog, bootstrap=100, min_votes=10_000)
    assert ranking.ranked == [] and len(ranking.too_few) == len(ranking.models) > 0
    assert all(m["score"] is None and m["tier"] is None for m in ranking.to_json()["models"])


def test_mixed_methodologies_are_not_averaged(store, catalog, programme):
    first = Workshop.start(programme, catalog, store, rng=random.Random(1))
    _voted(first, 0, (5, 5, 0, 0))
    _voted(first, 1, (5, 5, 0, 0))
    second = Workshop.start(programme, catalog, store, rng=random.Random(2))
    second.set_impact_settings("ecologits-2024")
    _voted(second, 0, (5, 5, 0, 0))
    ranking = pool_ranking(store, catalog, bootstrap=0)
    assert ranking.methodology == "ecologits-2025" and ranking.other_methodology_answers == 2


def test_imported_sessions_rank_as_on_their_machine(pooled, catalog, tmp_path):
    out = io.StringIO()
    export(pooled, "jsonl", out, catalog=catalog)
    path = tmp_path / "ateliers.jsonl"
    path.write_text(out.getvalue(), encoding="utf-8")
    with Store.open(tmp_path / "autre.sqlite3") as other:
        import_file(other, path)
        assert pool_ranking(other, None).to_json() == pool_ranking(pooled, catalog).to_json()


def _cli(args, data_dir):
    return run_command(register, args, data_dir)


def test_cli_ranking(tmp_path, catalog):
    with Store.open(tmp_path / "data" / "duels.sqlite3") as store:
        pooled_workshops(store, catalog, sessions=6, seed=2)
    result = _cli(["ranking"], tmp_path / "data")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "Classement : 6 séances · 18 duels votés · 540 mains levées"
    assert lines[2].split() == ["rang", "(UB)", "niveau", "modèle", "score", "IC", "95", "%", "mains", "gagnées", "Wh",
                                "/", "réponse", "Wh", "/", "1", "000", "jetons"]
    assert "graine 42" in result.stdout
    english = _cli(["ranking", "--lang", "en", "--min-votes", "1000"], tmp_path / "data")
    assert "Too few votes to be ranked (fewer than 1,000 hands)" in english.stdout
    data = json.loads(_cli(["ranking", "--json", "--session", "1", "--bootstrap", "50"], tmp_path / "data").stdout)
    assert data["pool"]["sessions"] == 1 and data["method"]["bootstrap"] == 50
    assert set(data["models"][0]) >= {"model_id", "score", "low", "high", "rank_ub", "tier", "hands", "win_rate",
                                      "energy_wh_per_answer", "energy_wh_per_1000_tokens", "ranked"}
    bad = _cli(["ranking", "--since", "hier"], tmp_path / "data")
    assert bad.exit_code == 2 and "AAAA-MM-JJ" in bad.stderr
    missing = _cli(["ranking", "--session", "99"], tmp_path / "data")
    assert missing.exit_code == 2 and "séance 99 introuvable" in missing.stderr
    empty = _cli(["ranking"], tmp_path / "vide")
    assert empty.exit_code == 0 and "Aucun duel voté à classer" in empty.stdout
