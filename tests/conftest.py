"""Shared test setup: every test runs with its own config and data dirs, never the user's."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path, monkeypatch):
    """No test reads or writes the real user's config or database."""
    monkeypatch.setenv("DUELS_CONFIG_DIR", str(tmp_path / "user-config"))
    monkeypatch.setenv("DUELS_DATA_DIR", str(tmp_path / "user-data"))
    from duels_tui.config import locate

    locate.set_config_override(None)
    yield
    locate.set_config_override(None)
