"""`duels export --dataset`: compar:IA's published columns for votes, conversations and reactions,
filled from a room's workshop as docs/export.md says, readable the way compar:IA's own ranking
script reads its datasets."""

from __future__ import annotations

import csv
import io
import json

import pytest

from cli_runner import run_command
from duels_tui.arena.testing import stream_turn
from duels_tui.arena.votes import VoteCounts
from duels_tui.cli.export import register
from duels_tui.outputs.datasets import COLUMNS, dataset_rows
from duels_tui.outputs.export import ExportError, export, write_export

# Transcribed from betagouv/ComparIA: utils/schemas/votes.sql (less ip and archived, which
# utils/export_dataset.py drops), and the column lists of its conversations and reactions queries
# (plus the parameters and kWh it adds to conversations).
QUALIFIER_COLUMNS = [f"conv_{q}_{s}" for q in ("useful", "complete", "creative", "clear_formatting", "incorrect",
                                                 "superficial", "instructions_not_followed") for s in "ab"]
COMPARIA_VOTES = ["id", "timestamp", "model_a_name", "model_b_name", "model_pair_name", "chosen_model_name",
                  "opening_msg", "both_equal", "conversation_a", "conversation_b", "conv_turns", "system_prompt_a",
                  "system_prompt_b", "selected_category", "is_unedited_prompt", "conversation_pair_id", "session_hash",
                  "visitor_id", "conv_comments_a", "conv_comments_b", *QUALIFIER_COLUMNS]
COMPARIA_CONVERSATIONS = ["id", "timestamp", "model_a_name", "model_b_name", "conversation_a", "conversation_b",
                          "conv_turns", "conversation_pair_id", "conv_a_id", "conv_b_id", "session_hash", "visitor_id",
                          "model_pair_name", "opening_msg", "system_prompt_a", "system_prompt_b", "mode",
                          "custom_models_selection", "short_summary", "keywords", "categories", "languages",
                          "total_conv_a_output_tokens", "total_conv_b_output_tokens", "model_a_total_params",
                          "model_b_total_params", "model_a_active_params", "model_b_active_params",
                          "total_conv_a_kwh", "total_conv_b_kwh"]
COMPARIA_REACTIONS = ["id", "timestamp", "model_a_name", "model_b_name", "refers_to_model", "msg_index", "opening_msg",
                      "conversation_a", "conversation_b", "model_pos", "conv_turns", "conversation_pair_id",
                      "conv_a_id", "conv_b_id", "refers_to_conv_id", "session_hash", "visitor_id", "response_content",
                      "question_content", "liked", "disliked", "comment", "useful", "creative", "complete",
                      "clear_formatting", "incorrect", "superficial", "instructions_not_followed", "model_pair_name",
                      "msg_rank", "question_id", "system_prompt"]


@pytest.fixture
def played(workshop):
    """Duel 1: two turns, 7 A, 3 B, 2 ties, 1 « aucun », qualifiers on both sides, a comment on B;
    duel 2: a quick vote for B, no qualifier; duel 3: answered, not voted."""
    workshop.advance()
    stream_turn(workshop, 0)
    stream_turn(workshop, 0, {"A": "Seconde A.", "B": "Seconde B."}, follow_up="Plus court ?")
    workshop.record_vote(0, VoteCounts(7, 3, 2, 1), {"A": {"useful", "complete"}, "B": {"superficial", "creative",
                                                                                        "incorrect"}},
                         {"B": "Trop vague"})
    workshop.advance()
    workshop.advance()
    stream_turn(workshop, 1)
    workshop.record_vote(1, VoteCounts.quick_vote("b"))
    workshop.advance()
    workshop.advance()
    stream_turn(workshop, 2)
    return workshop


def rows(store, dataset, fmt="jsonl"):
    out = io.StringIO()
    count = write_export(dataset_rows(store, dataset), fmt, out, COLUMNS[dataset])  # as duels export does
    if fmt == "csv":
        return list(csv.DictReader(io.StringIO(out.getvalue())))
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(lines) == count
    return lines


def test_votes_one_row_per_hand_with_comparias_columns(played, store):
    votes = rows(store, "votes")
    assert all(list(v) == COMPARIA_VOTES for v in votes)
    assert len(votes) == 13 + 1  # duel 1's hands, duel 2's quick vote; duel 3 not voted
    first = [v for v in votes if v["conversation_pair_id"].endswith("-1")]
    a, b = played.duels[0].sides["A"], played.duels[0].sides["B"]
    chosen = [v["chosen_model_name"] for v in first]
    assert (chosen.count(a), chosen.count(b), chosen.count(None)) == (7, 3, 3)
    assert all(v["both_equal"] is (v["chosen_model_name"] is None) for v in votes)
    # The room's qualifiers and comment once per duel, not once per hand.
    assert [v["conv_useful_a"] for v in first] == [True] + [None] * 12
    assert [v["conv_comments_b"] for v in first] == ["Trop vague"] + [None] * 12
    assert {v["visitor_id"] for v in votes} == {None} and len({v["id"] for v in votes}) == 14
    # compar:IA's ranking keeps the votes with a winner (utils/ranking/compute_rankings.py,
    # get_battles_from_votes): here, the hands for A or for B.
    decisive = [v for v in votes if v["both_equal"] is False and v["chosen_model_name"] is not None]
    assert len(decisive) == 7 + 3 + 1


def test_conversations_one_row_per_duel(played, store, catalog):
    conversations = rows(store, "conversations")
    assert all(list(c) == COMPARIA_CONVERSATIONS for c in conversations)
    assert len(conversations) == 3
    room = rows_export(store)
    for c, r in zip(conversations, room, strict=True):
        assert c["conv_a_id"] == f"{r['conversation_pair_id']}-a" and c["mode"] == "custom"
        for key in ("total_conv_a_kwh", "model_b_active_params", "total_conv_b_output_tokens", "conversation_a"):
            assert c[key] == r[key]
    assert conversations[0]["custom_models_selection"] == list(played.duels[0].spec.model_ids)
    assert conversations[0]["categories"] is None and conversations[0]["conv_turns"] == 2


def rows_export(store):
    out = io.StringIO()
    export(store, "jsonl", out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_reactions_come_from_the_qualifiers(played, store):
    reactions = rows(store, "reactions")
    assert all(list(r) == COMPARIA_REACTIONS for r in reactions)
    assert [r["model_pos"] for r in reactions] == ["a", "b"]  # duel 2 has no qualifier, duel 3 no vote
    a, b = reactions
    duel = played.duels[0]
    assert a["refers_to_model"] == duel.sides["A"] and b["refers_to_model"] == duel.sides["B"]
    assert a["liked"] is True and a["disliked"] is False and a["useful"] and a["complete"] and not a["creative"]
    assert b["liked"] is False and b["disliked"] is True and b["comment"] == "Trop vague" and a["comment"] == ""
    for r in reactions:
        conversation = r[f"conversation_{r['model_pos']}"]
        assert conversation[r["msg_index"]]["role"] == "assistant"
        assert r["response_content"] == conversation[r["msg_index"]]["content"] == duel.turns[-1].answers[
            r["model_pos"].upper()].text
        assert r["question_content"] == "Plus court ?" and r["msg_rank"] == 1
        assert r["question_id"] == f"{r['conversation_pair_id']}-1"
        assert r["refers_to_conv_id"] == r[f"conv_{r['model_pos']}_id"]


def test_csv_and_the_command_line(played, store, tmp_path):
    header = rows(store, "reactions", "csv")
    assert list(header[0]) == COMPARIA_REACTIONS and header[0]["liked"] == "true"
    with pytest.raises(ExportError, match="jeu de données inconnu"):
        list(dataset_rows(store, "ballots"))
    store.close()
    both = run_command(register, ["export", "--dataset", "votes", "--ballots"], store.path.parent)
    assert both.exit_code == 2 and "s'excluent" in both.stderr
    target = tmp_path / "comparia" / "votes.csv"
    result = run_command(register, ["export", "--dataset", "votes", "--format", "csv", "-o", str(target)],
                         store.path.parent)
    assert result.exit_code == 0, result.output
    assert next(csv.reader(io.StringIO(target.read_text(encoding="utf-8")))) == COMPARIA_VOTES
    bad = run_command(register, ["export", "--dataset", "reponses"], store.path.parent)
    assert bad.exit_code == 2 and "votes, conversations, reactions" in bad.stderr
