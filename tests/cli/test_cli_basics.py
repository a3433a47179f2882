"""The `duels` command in a real subprocess: help, version, models, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def run_duels(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None):
    return subprocess.run(
        [sys.executable, "-m", "duels_tui", *args],
        capture_output=True, text=True, timeout=60, env={**os.environ, **(env or {})}, cwd=cwd,
    )


def test_help_does_not_import_litellm_or_textual():
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from duels_tui.cli import app\n"
        "r = CliRunner().invoke(app, ['--help'])\n"
        "assert r.exit_code == 0, r.output\n"
        "print(sorted(m for m in ('litellm', 'textual') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_version():
    result = run_duels("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("duels ")


def test_models_json_is_stable():
    result = run_duels("models", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["size_scale"]["labels"] == ["XS", "S", "M", "L", "XL"]
    by_id = {m["id"]: m for m in data["models"]}
    r1 = by_id["deepseek-r1"]
    assert r1["params_total_b"] == {"min": 671.0, "max": 671.0}
    assert r1["params_active_b"] == {"min": 37.0, "max": 37.0}
    assert r1["architecture"] == "moe" and r1["size_class"] == "XL" and r1["reasoning"] is True
    assert by_id["claude-3.5-sonnet"]["estimate"] is True
    assert by_id["claude-3.5-sonnet"]["impact_profile"] == "datacenter-h100"
    assert by_id["gemma-3-4b"]["impact_profile"] != "datacenter-h100"
    # Embedded models run here even before their server (and address) exists.
    assert by_id["smollm2-135m"]["impact_profile"] == by_id["gemma-3-4b"]["impact_profile"]


def test_bad_config_gives_french_message_and_exit_2(tmp_path):
    (tmp_path / "catalog.toml").write_text("[[models]]\nid = \n", encoding="utf-8")
    result = run_duels("--config", str(tmp_path), "models")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "catalog.toml, ligne 2" in result.stderr


def test_missing_config_dir_exit_2(tmp_path):
    result = run_duels("--config", str(tmp_path / "nope"), "models")
    assert result.returncode == 2 and "n'existe pas" in result.stderr
