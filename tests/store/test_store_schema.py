"""Opening the database: location, WAL, schema versions and their upgrade."""

from __future__ import annotations

import sqlite3

import pytest

from duels_tui.store import Store, StoreError
from duels_tui.store import schema as schema_module
from duels_tui.store.db import DB_NAME


def test_default_location_is_the_data_dir(tmp_path):
    with Store.open() as store:
        assert store.path == tmp_path / "user-data" / DB_NAME
        assert store.path.is_file()


def test_pragmas(tmp_path):
    with Store.open(tmp_path / "a" / "b" / "duels.sqlite3") as store:
        conn = store._conn
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert store.schema_version == schema_module.SCHEMA_VERSION
    with Store.open(tmp_path / "durable.sqlite3", durable=True) as store:
        assert store._conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_upgrade_path_applies_new_migrations_in_place(tmp_path, monkeypatch):
    path = tmp_path / "duels.sqlite3"
    with Store.open(path) as store:
        store.create_session(
            uid="u1",
            place="",
            programme_key="k",
            programme_name="n",
            programme_description="",
            step="home",
            methodology="m",
            app_version="0",
        )
    upgraded = [*schema_module.MIGRATIONS, ("ALTER TABLE sessions ADD COLUMN note TEXT",)]
    monkeypatch.setattr("duels_tui.store.db.MIGRATIONS", upgraded)
    monkeypatch.setattr("duels_tui.store.db.SCHEMA_VERSION", len(upgraded))
    with Store.open(path) as store:
        assert store.schema_version == len(upgraded)
        row = store.session(1)
        assert row["uid"] == "u1" and row["note"] is None


def test_failed_migration_leaves_the_old_version(tmp_path, monkeypatch):
    path = tmp_path / "duels.sqlite3"
    Store.open(path).close()
    broken = [*schema_module.MIGRATIONS, ("CREATE TABLE extra (x)", "NOT SQL")]
    monkeypatch.setattr("duels_tui.store.db.MIGRATIONS", broken)
    monkeypatch.setattr("duels_tui.store.db.SCHEMA_VERSION", len(broken))
    with pytest.raises(sqlite3.OperationalError):
        Store.open(path)
    monkeypatch.setattr("duels_tui.store.db.MIGRATIONS", schema_module.MIGRATIONS)
    monkeypatch.setattr("duels_tui.store.db.SCHEMA_VERSION", schema_module.SCHEMA_VERSION)
    with Store.open(path) as store:
        assert store.schema_version == schema_module.SCHEMA_VERSION
        tables = {r[0] for r in store._conn.execute("SELECT name FROM sqlite_master")}
        assert "extra" not in tables


def test_newer_database_is_refused_in_french(tmp_path):
    path = tmp_path / "duels.sqlite3"
    Store.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(StoreError, match="version plus récente"):
        Store.open(path)


def test_garbage_file_is_refused_in_french(tmp_path):
    path = tmp_path / "duels.sqlite3"
    path.write_bytes(b"ceci n'est pas une base" * 100)
    with pytest.raises(StoreError, match="pas une base de duels lisible"):
        Store.open(path)


def test_a_first_version_database_gains_the_error_key_columns(tmp_path, monkeypatch):
    """A database written before errors had a key opens, upgrades, and keeps its answers."""
    path = tmp_path / "duels.sqlite3"
    monkeypatch.setattr("duels_tui.store.db.MIGRATIONS", schema_module.MIGRATIONS[:1])
    monkeypatch.setattr("duels_tui.store.db.SCHEMA_VERSION", 1)
    with Store.open(path) as store:
        assert store.schema_version == 1
        columns = {row[1] for row in store._conn.execute("PRAGMA table_info(answers)")}
        assert "error_key" not in columns
    monkeypatch.setattr("duels_tui.store.db.MIGRATIONS", schema_module.MIGRATIONS)
    monkeypatch.setattr("duels_tui.store.db.SCHEMA_VERSION", schema_module.SCHEMA_VERSION)
    with Store.open(path) as store:
        assert store.schema_version == schema_module.SCHEMA_VERSION >= 2
        columns = {row[1] for row in store._conn.execute("PRAGMA table_info(answers)")}
        assert {"error_key", "error_values", "error_message", "error_hint"} <= columns
