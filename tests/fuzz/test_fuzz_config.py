"""Fuzzing the configuration loaders: whatever a facilitator's file holds, loading it either works
or raises a ConfigError naming the file (and, the CLI, exits with 2 and no traceback)."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import tomlkit
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from duels_tui import paths
from duels_tui.catalog import load_catalog
from duels_tui.config.errors import ConfigError
from duels_tui.config.locate import set_config_override
from duels_tui.config.programme import load_programme
from duels_tui.impact import _cache
from duels_tui.impact.equivalents import load_equivalents
from duels_tui.impact.hardware import load_hardware
from fuzz_mutations import damaged_text, mutated

SHIPPED = paths.shipped_config_dir()
LOADERS = {
    "catalog.toml": load_catalog,
    "programmes/classique.toml": lambda: load_programme("classique", load_catalog()),
    "hardware.toml": load_hardware,
    "zones.toml": load_hardware,
    "equivalents.toml": load_equivalents,
}
FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
_dirs = itertools.count()


def _load_with(tmp_path: Path, relative: str, text: str) -> None:
    """Load `relative` from a fresh --config dir holding `text`; only ConfigError may escape."""
    directory = tmp_path / f"cfg{next(_dirs)}"
    target = directory / relative
    target.parent.mkdir(parents=True)
    target.write_text(text, encoding="utf-8", errors="surrogatepass")
    set_config_override(directory)
    _cache.clear()
    try:
        LOADERS[relative]()
    except ConfigError as exc:
        assert str(target) in str(exc) or "catalog.toml" in str(exc), str(exc)
        assert exc.message
    finally:
        set_config_override(None)
        _cache.clear()


@pytest.mark.parametrize("relative", list(LOADERS))
def test_structural_mutations_never_crash(relative, tmp_path):
    document = tomllib.loads((SHIPPED / relative).read_text(encoding="utf-8"))

    @FUZZ
    @given(st.data())
    def check(data):
        changed = data.draw(mutated(document))
        try:
            text = tomlkit.dumps(changed)
        except Exception:
            return
        _load_with(tmp_path, relative, text)

    check()


@pytest.mark.parametrize("relative", list(LOADERS))
def test_damaged_text_never_crashes(relative, tmp_path):
    text = (SHIPPED / relative).read_text(encoding="utf-8")

    @FUZZ
    @given(st.data())
    def check(data):
        _load_with(tmp_path, relative, data.draw(damaged_text(text)))

    check()


@pytest.mark.parametrize(
    ("relative", "breakage"),
    [
        ("catalog.toml", lambda t: t.replace("params_total = 70", "params_total = -70")),
        ("hardware.toml", lambda t: t.replace('local_profile = "laptop-cpu"', 'local_profile = "grille-pain"')),
        ("equivalents.toml", lambda t: t[: len(t) // 2]),
        ("programmes/classique.toml", lambda t: t.replace("[[duels]]", "[[duels]]\nmodels = 3", 1)),
    ],
)
def test_cli_exits_2_without_traceback(relative, breakage, tmp_path):
    directory = tmp_path / "cfg"
    target = directory / relative
    target.parent.mkdir(parents=True)
    original = (SHIPPED / relative).read_text(encoding="utf-8")
    broken = breakage(original)
    assert broken != original
    target.write_text(broken, encoding="utf-8")
    command = ["models"] if relative != "programmes/classique.toml" else ["programme"]
    if relative in ("hardware.toml", "equivalents.toml"):
        command = ["impact", "--params", "7", "--tokens", "100"]
    result = subprocess.run(
        [sys.executable, "-m", "duels_tui", "--config", str(directory), *command],
        capture_output=True, text=True, timeout=60, env={**os.environ},
    )
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert Path(relative).name in result.stderr


def test_a_programme_naming_a_model_to_install_is_listed_with_what_it_needs(tmp_path):
    """A model the catalog does not know may be an ollama model still to pull: the list says so
    and goes on (issue 12), it is not a broken file."""
    target = tmp_path / "cfg" / "programmes" / "classique.toml"
    target.parent.mkdir(parents=True)
    original = (SHIPPED / "programmes/classique.toml").read_text(encoding="utf-8")
    target.write_text(original.replace('"gemma-3-4b"', '"gemma-9"'), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "duels_tui", "--config", str(tmp_path / "cfg"), "programme"],
        capture_output=True, text=True, timeout=60, env={**os.environ, "OLLAMA_HOST": "http://127.0.0.1:9"},
    )
    assert result.returncode == 0, (result.stdout, result.stderr)
    assert "classique : ne se charge pas" in result.stdout and "gemma-9" in result.stdout
    assert "local-demo" in result.stdout and "Traceback" not in result.stderr
