"""A database duels cannot use (garbage, from a newer duels, another program's, read-only) gives
the same French message, naming the file and what to do, and the same exit code 2, for `duels`,
`duels export` and `duels report`; the file is left byte for byte as it was (issue 13, item 2).
The broken databases are made here."""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from duels_tui.cli import app
from duels_tui.store import Store, StoreError

EXPECTED = {
    "garbage": "ce n'est pas une base de duels lisible",
    "newer": "écrite par une version plus récente de duels (schéma 99",
    "foreign": "ce n'est pas une base de duels lisible (d'un autre programme)",
    "read-only": "elle est en lecture seule",
}


def make(kind: str, folder: Path) -> Path:
    path = folder / "duels.sqlite3"
    if kind == "garbage":
        path.write_bytes(b"ceci n'est pas une base\n" * 200)
    elif kind == "newer":
        Store.open(path).close()
        with contextlib.closing(sqlite3.connect(path)) as conn:
            conn.execute("PRAGMA user_version = 99")
    elif kind == "foreign":
        with contextlib.closing(sqlite3.connect(path)) as conn:
            conn.execute("CREATE TABLE carnet (nom TEXT)")
            conn.execute("INSERT INTO carnet VALUES ('Ada')")
            conn.commit()
    else:
        Store.open(path).close()
    return path


@contextlib.contextmanager
def read_only(folder: Path):
    """The folder made read-only for real: a read-only bind mount for root (whom file modes do
    not stop), file modes for anyone else."""
    if os.geteuid() != 0:
        for item in [*folder.iterdir(), folder]:
            item.chmod(0o555 if item.is_dir() else 0o444)
        try:
            yield folder
        finally:
            folder.chmod(0o755)
        return
    view = folder.parent / f"{folder.name}-lecture"
    view.mkdir()
    try:
        subprocess.run(["mount", "--bind", str(folder), str(view)], check=True, capture_output=True)
        subprocess.run(["mount", "-o", "remount,bind,ro", str(view)], check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("ni montage en lecture seule (root sans droit de monter) ni droits de fichier applicables")
    try:
        yield view
    finally:
        subprocess.run(["umount", "-l", str(view)], capture_output=True)


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir() if p.is_file()}


def run_all(data_dir: Path) -> dict[str, tuple[int, str]]:
    """Exit code and stderr of `duels`, `duels export`, `duels report` on this data folder."""
    env = {**os.environ, "DUELS_DATA_DIR": str(data_dir), "OLLAMA_HOST": "http://127.0.0.1:9", "TERM": "dumb"}
    workshop = subprocess.run(  # a database accepted would open the TUI: the timeout ends it
        [sys.executable, "-m", "duels_tui", "--new", "-p", "classique"],
        capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL, env=env,
    )
    results = {"duels": (workshop.returncode, workshop.stderr)}
    for command in ("export", "report"):
        result = CliRunner().invoke(app, [command], env={"DUELS_DATA_DIR": str(data_dir)})
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise AssertionError(f"duels {command} crashed") from result.exception
        results[command] = (result.exit_code, result.output)
    return results


@pytest.mark.parametrize("kind", list(EXPECTED))
def test_same_message_and_exit_code_everywhere(kind, tmp_path):
    folder = tmp_path / "donnees"
    folder.mkdir()
    path = make(kind, folder)
    before = digest(folder)
    with read_only(folder) if kind == "read-only" else contextlib.nullcontext(folder) as data_dir:
        results = run_all(data_dir)
    messages = set()
    for command, (code, said) in results.items():
        assert code == 2, (command, said[-2000:])
        assert "Traceback" not in said, (command, said[-2000:])
        line = next(x for x in said.splitlines() if x.startswith("duels : "))
        assert EXPECTED[kind] in line and f"{data_dir / path.name}" in line, (command, line)
        assert "Rien n'y a été modifié" in line and "DUELS_DATA_DIR" in line + said, (command, line)
        messages.add(line)
    assert len(messages) == 1, messages  # one message, word for word
    assert digest(folder) == before  # nothing overwritten, nothing deleted


def test_a_locked_database_at_opening_is_said(tmp_path, monkeypatch):
    path = tmp_path / "duels.sqlite3"
    Store.open(path).close()
    monkeypatch.setattr(Store, "OPEN_WAIT_S", 0.2)
    with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as other:
        other.execute("BEGIN EXCLUSIVE")
        with pytest.raises(StoreError, match=r"un autre programme la verrouille depuis plus de 0.2 s \(une sauvegarde"):
            Store.open(path)
        other.execute("ROLLBACK")
    Store.open(path).close()


def test_a_full_disk_at_the_start_is_said(tmp_path):
    """`duels --new` on a full disk: the new session cannot be written, said before any screen."""
    from storage_faults import fill, full_disk

    with full_disk(tmp_path) as (folder, free):
        if free is None:
            pytest.skip("pas de tmpfs à remplir ici (il faut pouvoir monter)")
        Store.open(folder / "duels.sqlite3").close()
        fill(folder)
        env = {**os.environ, "DUELS_DATA_DIR": str(folder), "OLLAMA_HOST": "http://127.0.0.1:9", "TERM": "dumb"}
        result = subprocess.run(
            [sys.executable, "-m", "duels_tui", "--new", "-p", "classique"],
            capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL, env=env,
        )
        free()
    assert result.returncode == 2, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    assert f"base de l'atelier {folder / 'duels.sqlite3'} : le disque est plein" in result.stderr
