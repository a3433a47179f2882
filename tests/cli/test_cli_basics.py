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
    # The description, and the same in English (description_en) next to it.
    assert "mélange d'experts" in r1["description"] and "mixture-of-experts" in r1["description_en"].lower()
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


def test_check_reports_ollama_models_and_keys_without_values(scripted_server):
    from scripted_server import ModelScript

    scripted_server.add(ModelScript("gemma3:4b", parameter_size="4.3B", quantization_level="Q4_K_M"))
    host = scripted_server.base_url.removeprefix("http://")
    secret = "sk-canari-qui-ne-doit-pas-sortir"
    result = run_duels("check", "--json", env={"OLLAMA_HOST": host, "MISTRAL_API_KEY": secret,
                                               "ANTHROPIC_API_KEY": ""})
    assert result.returncode == 0, result.stderr
    assert secret not in result.stdout + result.stderr
    data = json.loads(result.stdout)
    ollama = next(e for e in data["endpoints"] if e["kind"] == "ollama")
    assert ollama["reachable"] and ollama["url"] == scripted_server.base_url
    gemma = next(m for m in ollama["models"] if m["name"] == "gemma3:4b")
    assert (gemma["parameter_size"], gemma["quantization"]) == ("4.3B", "Q4_K_M")
    assert data["keys"]["MISTRAL_API_KEY"] is True and data["keys"]["ANTHROPIC_API_KEY"] is False
    models = data["models"]
    assert models["gemma-3-4b"]["runnable"] is True
    assert models["mistral-small-3"]["runnable"] is True  # key present (network not checked)
    assert models["claude-3.5-sonnet"]["runnable"] is False
    assert "ANTHROPIC_API_KEY" in models["claude-3.5-sonnet"]["hint"]
    assert models["llama-3.3-70b"]["runnable"] is False and "ollama pull" in models["llama-3.3-70b"]["hint"]


def test_check_says_when_ollama_is_down(closed_port):
    result = run_duels("check", "--json", env={"OLLAMA_HOST": f"127.0.0.1:{closed_port}"})
    data = json.loads(result.stdout)
    ollama = next(e for e in data["endpoints"] if e["kind"] == "ollama")
    assert not ollama["reachable"] and ollama["error"] == "connexion refusée"
    assert "ollama serve" in data["models"]["gemma-3-4b"]["hint"]
