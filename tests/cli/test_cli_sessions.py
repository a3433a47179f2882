"""Which session `duels` opens: the programme's own unfinished session whatever form names it,
`--session N`, and clear refusals (tests/crash/test_relaunch_terminal.py does the same with the
real app, killed and started again)."""

from __future__ import annotations

import os
import random

from typer.testing import CliRunner

from duels_tui.arena.workshop import Workshop
from duels_tui.catalog import load_catalog
from duels_tui.cli import app
from duels_tui.cli.workshop import session_to_open
from duels_tui.config.programme import load_programme
from duels_tui.store import Store

PROGRAMME = """name = "Atelier"
[[duels]]
models = ["gemma-3-4b", "llama-3.1-8b"]
prompt_text = "Bonjour"
"""


def test_the_programme_s_session_whatever_names_it(tmp_path, monkeypatch):
    folder = tmp_path / "user-config" / "programmes"
    folder.mkdir(parents=True)
    (folder / "atelier.toml").write_text(PROGRAMME, encoding="utf-8")
    catalog = load_catalog()
    with Store.open() as store:
        mine = Workshop.start(load_programme("atelier", catalog), catalog, store, rng=random.Random(1))
        other = Workshop.start(load_programme("classique", catalog), catalog, store, rng=random.Random(1))
        assert session_to_open(store, programme=None, new=False, session=None) == other.session_id
        monkeypatch.chdir(tmp_path / "user-config")
        for form in ("atelier", "programmes/atelier.toml", str(folder / "atelier.toml"),
                     os.path.relpath(folder / "atelier.toml", tmp_path / "user-config")):
            assert session_to_open(store, programme=form, new=False, session=None) == mine.session_id, form
        assert session_to_open(store, programme="classique", new=False, session=None) == other.session_id
        assert session_to_open(store, programme="atelier", new=True, session=None) is None
        assert session_to_open(store, programme=None, new=False, session=mine.session_id) == mine.session_id
        # Another file of the same name is another programme.
        (tmp_path / "atelier.toml").write_text(PROGRAMME, encoding="utf-8")
        assert session_to_open(store, programme=str(tmp_path / "atelier.toml"), new=False, session=None) is None


def test_a_session_stored_before_refs_is_found_by_its_name(tmp_path):
    catalog = load_catalog()
    with Store.open() as store:
        old = Workshop.start(load_programme("classique", catalog), catalog, store, rng=random.Random(1))
        store._write("UPDATE sessions SET programme_ref = NULL WHERE id = ?", (old.session_id,))
        assert session_to_open(store, programme="classique", new=False, session=None) == old.session_id


def test_refusals_say_what_to_do():
    runner = CliRunner()
    missing = runner.invoke(app, ["--session", "7"])
    assert missing.exit_code == 2 and "aucune session de ce numéro" in missing.output
    assert "duels sessions" in missing.output
    both = runner.invoke(app, ["--session", "1", "--new"])
    assert both.exit_code == 2 and "--session" in both.output
    nothing = runner.invoke(app, ["--lecture"])
    assert nothing.exit_code == 2 and "aucune session à regarder" in nothing.output
    assert runner.invoke(app, ["--lecture", "--new"]).exit_code == 2
