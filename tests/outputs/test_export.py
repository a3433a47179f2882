"""`duels export`: compar:IA's columns, the room's counts, valid JSON Lines and CSV, no secrets."""

from __future__ import annotations

import csv
import io
import json
import random

import pytest
import typer
from typer.testing import CliRunner

from duels_tui.arena.testing import stream_turn
from duels_tui.arena.votes import QUALIFIERS, VoteCounts
from duels_tui.arena.workshop import Workshop
from duels_tui.cli.export import register
from duels_tui.engine.events import TextDelta
from duels_tui.outputs.export import COLUMNS, ExportError, export, export_rows

COMPARIA = [
    "id",
    "timestamp",
    "model_a_name",
    "model_b_name",
    "model_pair_name",
    "chosen_model_name",
    "both_equal",
    "opening_msg",
    "conversation_a",
    "conversation_b",
    "conv_turns",
    "system_prompt_a",
    "system_prompt_b",
    "conversation_pair_id",
    "session_hash",
    "conv_comments_a",
    "conv_comments_b",
    "total_conv_a_output_tokens",
    "total_conv_b_output_tokens",
    "model_a_total_params",
    "model_a_active_params",
    "model_b_total_params",
    "model_b_active_params",
    "total_conv_a_kwh",
    "total_conv_b_kwh",
] + [f"conv_{q}_{s}" for q in QUALIFIERS for s in "ab"]


@pytest.fixture
def played(workshop):
    """Duel 1: two turns, voted, qualifiers and a comment; duel 2: answered, not voted;
    duel 3: never launched."""
    workshop.advance()
    stream_turn(workshop, 0, {"A": "Première A.", "B": "Première B."})
    stream_turn(workshop, 0, {"A": "Seconde A.", "B": "Seconde B."}, follow_up="Plus court ?")
    workshop.record_vote(
        0, VoteCounts(7, 3, 2, 1), {"A": {"useful", "clear_formatting"}, "B": {"superficial"}}, {"B": "Trop vague"}
    )
    workshop.advance()
    workshop.advance()
    stream_turn(workshop, 1)
    return workshop


def jsonl(store, **kwargs):
    out = io.StringIO()
    count = export(store, "jsonl", out, **kwargs)
    lines = out.getvalue().splitlines()
    assert len(lines) == count
    return [json.loads(line) for line in lines]


def test_room_rows_have_comparia_columns_and_counts(played, store, catalog):
    rows = jsonl(store)
    assert len(rows) == 2  # the duel never launched is left out
    assert all(list(row) == COLUMNS for row in rows)
    assert set(COMPARIA) <= set(COLUMNS)
    voted, unvoted = rows
    a_id, b_id = played.duels[0].sides["A"], played.duels[0].sides["B"]
    assert (voted["model_a_name"], voted["model_b_name"]) == (a_id, b_id)
    assert voted["model_pair_name"] == sorted([a_id, b_id])
    assert voted["chosen_model_name"] == a_id and voted["both_equal"] is False
    assert (voted["votes_a"], voted["votes_b"], voted["votes_tie"], voted["votes_none"]) == (7, 3, 2, 1)
    assert voted["votes_total"] == 13 and voted["room_outcome"] == "a"
    assert voted["opening_msg"] == played.duels[0].prompt and voted["conv_turns"] == 2
    assert voted["conv_useful_a"] is True and voted["conv_clear_formatting_a"] is True
    assert voted["conv_creative_a"] is False and voted["conv_superficial_b"] is True
    assert voted["conv_comments_b"] == "Trop vague" and voted["conv_comments_a"] is None
    assert voted["session_hash"] == played.uid and voted["id"] == voted["conversation_pair_id"]
    conv = voted["conversation_a"]
    assert [m["role"] for m in conv] == ["user", "assistant", "user", "assistant"]
    assert conv[1]["content"] == "Première A." and conv[3]["content"] == "Seconde A."
    assert set(conv[1]) == {"role", "content", "reasoning_content", "metadata"}
    assert conv[1]["metadata"]["output_tokens"] > 0 and conv[1]["metadata"]["duration"] > 0
    assert voted["total_conv_a_output_tokens"] == sum(
        m["metadata"]["output_tokens"] for m in conv if m["role"] == "assistant"
    )
    card_a = catalog.get(a_id)
    assert voted["model_a_total_params"] == card_a.params_total.mid
    assert voted["model_a_active_params"] == card_a.params_active.mid
    assert voted["total_conv_a_kwh"] > 0 and voted["total_conv_b_kwh"] > 0
    assert voted["model_a_size_class"] in {"XS", "S", "M", "L", "XL"}
    assert unvoted["voted"] is False and unvoted["chosen_model_name"] is None
    assert unvoted["both_equal"] is None and unvoted["votes_a"] is None
    assert unvoted["conv_useful_a"] is None


@pytest.mark.parametrize(
    ("counts", "chosen", "both_equal", "outcome"),
    [((2, 9, 0, 0), "B", False, "b"), ((4, 4, 1, 0), None, True, "tie"), ((1, 0, 0, 5), None, True, "none")],
)
def test_majority_in_comparia_columns(workshop, store, counts, chosen, both_equal, outcome):
    workshop.advance()
    stream_turn(workshop, 0)
    workshop.record_vote(0, VoteCounts(*counts))
    (row,) = jsonl(store)
    expected = workshop.duels[0].sides[chosen] if chosen else None
    assert row["chosen_model_name"] == expected
    assert row["both_equal"] is both_equal and row["room_outcome"] == outcome


def test_ballot_rows_weigh_each_hand(played, store):
    rows = jsonl(store, ballots=True)
    assert len(rows) == 13  # only the voted duel, one row per hand
    assert len({r["id"] for r in rows}) == 13
    assert {r["conversation_pair_id"] for r in rows} == {f"{played.uid}-1"}
    a_id, b_id = played.duels[0].sides["A"], played.duels[0].sides["B"]
    chosen = [r["chosen_model_name"] for r in rows]
    assert chosen.count(a_id) == 7 and chosen.count(b_id) == 3 and chosen.count(None) == 3
    assert all(r["both_equal"] == (r["chosen_model_name"] is None) for r in rows)
    assert [r["ballot_choice"] for r in rows].count("none") == 1
    assert all(r["row_kind"] == "ballot" and r["votes_a"] == 7 for r in rows)


def test_csv_is_valid_with_json_cells(played, store):
    out = io.StringIO()
    assert export(store, "csv", out) == 2
    reader = csv.DictReader(io.StringIO(out.getvalue()))
    assert reader.fieldnames == COLUMNS
    rows = list(reader)
    assert len(rows) == 2
    first = rows[0]
    assert json.loads(first["conversation_a"])[1]["content"] == "Première A."
    assert json.loads(first["model_pair_name"]) == sorted(played.duels[0].sides.values())
    assert first["both_equal"] == "false" and first["conv_useful_a"] == "true"
    assert first["votes_a"] == "7" and first["conv_comments_a"] == ""
    assert rows[1]["chosen_model_name"] == "" and rows[1]["voted"] == "false"


def test_file_output_sessions_and_errors(played, store, programme, catalog, tmp_path):
    other = Workshop.start(programme, catalog, store, rng=random.Random(9))
    other.advance()
    stream_turn(other, 0)
    target = tmp_path / "export.jsonl"
    assert export(store, "jsonl", target) == 3
    assert len(target.read_text(encoding="utf-8").splitlines()) == 3
    assert not list(tmp_path.glob(".*partiel"))
    only = jsonl(store, session_id=other.session_id)
    assert len(only) == 1 and only[0]["session_hash"] == other.uid
    with pytest.raises(ExportError, match="introuvable"):
        list(export_rows(store, session_id=999))
    with pytest.raises(ExportError, match="format inconnu"):
        export(store, "xml", io.StringIO())


def test_no_key_no_path_no_address(played, store, tmp_path, monkeypatch):
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-secret-123")
    text = ""
    for fmt in ("jsonl", "csv"):
        out = io.StringIO()
        export(store, fmt, out)
        text += out.getvalue()
    for leak in (
        "sk-ant-secret-123",
        "API_KEY",
        str(tmp_path),
        "127.0.0.1",
        "localhost",
        "ollama_chat/",
        "anthropic/",
        "/home/",
        "/tmp/",
    ):
        assert leak not in text


def test_export_does_not_touch_a_live_stream(workshop, store):
    workshop.advance()
    workshop.begin_turn(0)
    workshop.apply(0, "A", TextDelta("en cours"))
    (row,) = jsonl(store)
    assert row["conversation_a"][1]["content"] == "en cours"
    assert row["conversation_a"][1]["metadata"]["status"] == "streaming"
    turn_id = workshop.duels[0].turns[0].turn_id
    assert {r["status"] for r in store.answers(turn_id)} == {"streaming"}
    workshop.apply(0, "A", TextDelta(" encore"))  # the live workshop carries on
    assert workshop.answer(0, "A").text == "en cours encore"


def test_cli_export(played, store, tmp_path):
    app = typer.Typer()

    @app.callback()
    def root() -> None:
        """Local app: the lead's CLI registers the same command."""

    register(app)
    runner = CliRunner()
    store.close()
    data_dir = store.path.parent
    env = {"DUELS_DATA_DIR": str(data_dir)}
    target = tmp_path / "out.csv"
    result = runner.invoke(app, ["export", "--format", "csv", "-o", str(target)], env=env)
    assert result.exit_code == 0, result.output
    assert "2 lignes écrites" in result.output
    assert next(csv.reader(io.StringIO(target.read_text(encoding="utf-8")))) == COLUMNS
    result = runner.invoke(app, ["export", "--ballots", "--session", "1"], env=env)
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) == 13
    bad = runner.invoke(app, ["export", "--format", "xml"], env=env)
    assert bad.exit_code == 2 and "formats possibles" in bad.output
    missing = runner.invoke(app, ["export", "--session", "42"], env=env)
    assert missing.exit_code == 2 and "session 42 introuvable" in missing.output
