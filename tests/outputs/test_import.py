"""`duels import`: export on one store, import into another, export again gives the same rows
(JSON Lines, CSV, ballot rows); importing twice changes nothing; a cut or edited file is refused
with its line and field, the store untouched; `duels sessions` lists where each came from."""

from __future__ import annotations

import io
import json
import random

import pytest

from cli_runner import run_command
from duels_tui.arena.testing import answer_events, stream_turn
from duels_tui.arena.votes import VoteCounts
from duels_tui.arena.workshop import Workshop
from duels_tui.cli.pooled import register
from duels_tui.outputs.export import export
from duels_tui.outputs.importer import ImportFileError, import_file
from duels_tui.store import Store
from duels_tui.store.overview import session_lines


def _play(workshop: Workshop, *, vote_second: bool = False) -> Workshop:
    """Duel 1: two turns (reasoning on one side, a formula-like follow-up), voted with
    qualifiers and comments; duel 2: answered (a quick vote when `vote_second`); duel 3: not
    launched."""
    workshop.advance()
    workshop.begin_turn(0)
    for event in answer_events("Première A.", reasoning="Je réfléchis…"):
        workshop.apply(0, "A", event)
    for event in answer_events("Première B, plus longue."):
        workshop.apply(0, "B", event)
    stream_turn(workshop, 0, {"A": "=Seconde A", "B": "-Seconde B"}, follow_up="+Plus court ?")
    workshop.record_vote(
        0, VoteCounts(7, 3, 2, 1), {"A": {"useful", "clear_formatting"}, "B": {"superficial"}},
        {"A": "@moi", "B": "Trop vague ; vraiment"},
    )
    workshop.advance()
    workshop.advance()
    stream_turn(workshop, 1)
    if vote_second:
        workshop.record_vote(1, VoteCounts.quick_vote("b"))
    return workshop


@pytest.fixture
def origin(programme, catalog, store):
    """Two sessions on the first laptop, one with a place a spreadsheet would run."""
    _play(Workshop.start(programme, catalog, store, place="=Lycée Hugo, salle 3", rng=random.Random(7)))
    _play(Workshop.start(programme, catalog, store, place="Médiathèque", rng=random.Random(8)), vote_second=True)
    return store


@pytest.fixture
def other(tmp_path):
    with Store.open(tmp_path / "autre" / "duels.sqlite3") as opened:
        yield opened


def _export(store, fmt="jsonl", **kwargs) -> str:
    out = io.StringIO()
    export(store, fmt, out, **kwargs)
    return out.getvalue()


def _write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8", newline="")
    return path


def _dump(store) -> dict[str, list[tuple]]:
    tables = ("sessions", "duels", "turns", "answers", "votes", "qualifiers", "comments")
    return {t: [tuple(r) for r in store._rows(f"SELECT * FROM {t} ORDER BY 1")] for t in tables}


def test_jsonl_round_trip_gives_identical_rows(origin, other, tmp_path, catalog):
    first = _export(origin, catalog=catalog)
    report = import_file(other, _write(tmp_path, "lyon.jsonl", first))
    assert len(report.added) == 2 and report.duels == 4 and report.rows == 4
    assert _export(other, catalog=catalog) == first
    # Into a store that has sessions of its own, only the local session number differs.
    again = [json.loads(line) for line in _export(origin, catalog=catalog).splitlines()]
    workshop = Workshop.start(origin_programme(), catalog, other)
    _play(workshop)
    rows = [json.loads(line) for line in _export(other, catalog=catalog).splitlines()]
    imported = [r for r in rows if r["session_hash"] != workshop.uid]
    assert [{**r, "session_id": 0} for r in imported] == [{**r, "session_id": 0} for r in again]


def origin_programme():
    from duels_tui.arena.testing import demo_programme

    return demo_programme()


def test_csv_and_ballot_exports_round_trip(origin, other, tmp_path, catalog):
    csv_text = _export(origin, "csv", catalog=catalog)
    assert "'=Lycée Hugo" in csv_text  # the spreadsheet's escape is there, and undone on import
    import_file(other, _write(tmp_path, "lyon.csv", csv_text))
    assert _export(other, "csv", catalog=catalog) == csv_text
    assert _export(other, catalog=catalog) == _export(origin, catalog=catalog)
    with Store.open(tmp_path / "ballots.sqlite3") as third:
        import_file(third, _write(tmp_path, "mains.jsonl", _export(origin, ballots=True, catalog=catalog)))
        voted = [row for row in _export(origin, catalog=catalog).splitlines() if '"voted": true' in row]
        assert _export(third, catalog=catalog).splitlines() == voted


def test_importing_twice_changes_nothing(origin, other, tmp_path, catalog):
    path = _write(tmp_path, "lyon.jsonl", _export(origin, catalog=catalog))
    import_file(other, path)
    before = _dump(other)
    report = import_file(other, path)
    assert report.added == [] and len(report.known) == 2 and report.duels == 0
    assert _dump(other) == before
    # Its own export never replaces a session of this machine.
    report = import_file(origin, path)
    assert len(report.own) == 2 and report.added == [] and report.updated == []


def test_a_fuller_export_completes_an_imported_session(programme, catalog, store, other, tmp_path):
    workshop = Workshop.start(programme, catalog, store, rng=random.Random(3))
    workshop.advance()
    stream_turn(workshop, 0)
    import_file(other, _write(tmp_path, "midi.jsonl", _export(store, catalog=catalog)))
    workshop.record_vote(0, VoteCounts(4, 6))
    workshop.advance()
    workshop.advance()
    stream_turn(workshop, 1)
    report = import_file(other, _write(tmp_path, "soir.jsonl", _export(store, catalog=catalog)))
    assert report.updated == [workshop.uid]
    assert _export(other, catalog=catalog) == _export(store, catalog=catalog)
    # The earlier, smaller export does not undo it.
    assert import_file(other, tmp_path / "midi.jsonl").known == [workshop.uid]
    assert _export(other, catalog=catalog) == _export(store, catalog=catalog)


def _refused(store, path) -> ImportFileError:
    before = _dump(store)
    with pytest.raises(ImportFileError) as caught:
        import_file(store, path)
    assert _dump(store) == before
    return caught.value


def test_a_cut_or_edited_file_is_refused_with_its_line(origin, other, tmp_path, catalog):
    import_file(other, _write(tmp_path, "avant.jsonl", _export(origin, session_id=1, catalog=catalog)))
    lines = _export(origin, catalog=catalog).splitlines(keepends=True)
    cut = _refused(other, _write(tmp_path, "coupe.jsonl", "".join(lines[:3]) + lines[3][: len(lines[3]) // 2]))
    assert cut.line == 4 and "coupée" in str(cut) and str(cut).startswith("coupe.jsonl, ligne 4")

    row = json.loads(lines[2])
    row["votes_a"] += 1
    edited = _refused(other, _write(tmp_path, "edite.jsonl", "".join(lines[:2]) + json.dumps(row) + "\n"))
    assert (edited.line, edited.column) == (3, "votes_total")
    assert str(edited) == "edite.jsonl, ligne 3, champ « votes_total » : 13 ne fait pas la somme des mains (14)"

    row = json.loads(lines[0])
    row["conversation_b"][2]["content"] = "Une autre question"
    assert _refused(other, _write(tmp_path, "q.jsonl", json.dumps(row) + "\n")).column == "conversation_b"
    row = json.loads(lines[0])
    row["model_a_card"]["params_total"] = [70, "beaucoup"]
    card = _refused(other, _write(tmp_path, "carte.jsonl", json.dumps(row) + "\n"))
    assert card.column == "model_a_card.params_total"
    row = json.loads(lines[0])
    del row["session_hash"]
    assert _refused(other, _write(tmp_path, "col.jsonl", json.dumps(row) + "\n")).column == "session_hash"

    ballots = _export(origin, ballots=True, catalog=catalog).splitlines(keepends=True)
    short = _refused(other, _write(tmp_path, "mains.jsonl", "".join(ballots[:5] + ballots[6:])))
    assert short.column == "ballot_choice" and "coupé" in str(short)

    csv_lines = _export(origin, "csv", catalog=catalog).splitlines(keepends=True)
    cells = csv_lines[2].split('","')
    cells[10] = "dix"  # conv_turns
    bad_csv = _refused(other, _write(tmp_path, "edite.csv", csv_lines[0] + csv_lines[1] + '","'.join(cells)))
    assert (bad_csv.line, bad_csv.column) == (3, "conv_turns")
    assert _refused(other, _write(tmp_path, "vide.jsonl", "\n")).line is None
    image = tmp_path / "image.jsonl"
    image.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe")
    assert "UTF-8" in str(_refused(other, image))
    deep = _refused(other, _write(tmp_path, "profond.jsonl", '{"a":' * 3000 + "1" + "}" * 3000 + "\n"))
    assert deep.line == 1 and "imbriqués" in str(deep)


def test_imported_sessions_are_marked_finished_and_keep_their_cards(origin, other, tmp_path, catalog):
    import_file(other, _write(tmp_path, "lyon.jsonl", _export(origin, catalog=catalog)))
    assert other.last_unfinished_session() is None  # never resumed as this machine's workshop
    lines = {line.uid: line for line in session_lines(other)}
    source = {line.uid: line for line in session_lines(origin)}
    assert lines.keys() == source.keys()
    for uid, line in lines.items():
        assert line.origin == "lyon.jsonl" and line.imported_at and line.step == "done"
        assert (line.voted, line.hands, line.place) == (source[uid].voted, source[uid].hands, source[uid].place)
        assert line.created_at == source[uid].created_at
    assert all(line.origin is None for line in session_lines(origin))
    # Its figures rest on the exported cards, whatever this machine's catalog says of the model.
    imported = Workshop.load(other, catalog, 1)
    model = imported.duels[0].sides["A"]
    catalog.models[model] = type(catalog.models[model])(**{**vars(catalog.models[model]), "name": "Autre nom"})
    assert Workshop.load(other, catalog, 1).card(model).name != "Autre nom"


def _cli(args, data_dir):
    return run_command(register, args, data_dir)


def test_cli_import_and_sessions(origin, tmp_path, catalog):
    good = _write(tmp_path, "lyon.jsonl", _export(origin, catalog=catalog))
    bad = _write(tmp_path, "abime.jsonl", "{pas du json\n")
    data_dir = tmp_path / "ailleurs"
    result = _cli(["import", str(bad), str(good)], data_dir)
    assert result.exit_code == 2
    assert "abime.jsonl, ligne 1 : JSON illisible" in result.stderr and "rien n'a été importé" in result.stderr
    assert "lyon.jsonl : 2 séances ajoutées (4 duels)." in result.stdout
    again = _cli(["import", str(good)], data_dir)
    assert again.exit_code == 0 and "lyon.jsonl : aucune séance ajoutée, 2 déjà connues." in again.stdout
    listed = _cli(["sessions"], data_dir)
    assert listed.exit_code == 0
    assert "importée de lyon.jsonl" in listed.stdout and "=Lycée Hugo, salle 3" in listed.stdout
    assert "1/2" in listed.stdout and "2/2" in listed.stdout  # a duel never launched is not exported
    sessions = json.loads(_cli(["sessions", "--json"], data_dir).stdout)
    assert [s["id"] for s in sessions] == [1, 2]
    assert sessions[0]["hands"] == 13 and sessions[1]["hands"] == 14 and sessions[0]["origin"] == "lyon.jsonl"
    assert "Aucune séance" in _cli(["sessions"], tmp_path / "vide").stdout
