"""`duels paths` says where everything lives; the log file gets the engine's events and errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest


def run_duels(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "duels_tui", *args],
        capture_output=True, text=True, timeout=60, env={**os.environ, **env},
    )


def test_paths_says_where_everything_lives(tmp_path):
    env = {"DUELS_DATA_DIR": str(tmp_path / "data"), "DUELS_CONFIG_DIR": str(tmp_path / "config"),
           "OLLAMA_HOST": "http://127.0.0.1:9", "MISTRAL_API_KEY": "sk-canari-paths"}
    result = run_duels("paths", "--json", env=env)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert found["data"] == str(tmp_path / "data")
    assert found["database"] == str(tmp_path / "data" / "duels.sqlite3")
    assert found["config"] == str(tmp_path / "config")
    assert found["log"] == str(tmp_path / "data" / "logs" / "duels.log")
    assert found["reports"].startswith(str(tmp_path / "data"))
    assert found["install"] == "checkout"
    assert {"DUELS_DATA_DIR", "DUELS_CONFIG_DIR", "OLLAMA_HOST"} <= set(found["environment"])
    assert "sk-canari-paths" not in result.stdout

    env["DUELS_LOG_DIR"] = str(tmp_path / "journal")
    words = run_duels("paths", env=env)
    assert words.returncode == 0
    assert f"Journal                  : {tmp_path / 'journal' / 'duels.log'}" in words.stdout
    assert "Base des séances" in words.stdout and "DUELS_LOG_DIR" in words.stdout


@pytest.mark.skipif(
    __import__("importlib").util.find_spec("xllamacpp") is None, reason="moteur local absent : `make test` l'installe"
)
def test_an_engine_that_does_not_start_is_in_the_log(tmp_path):
    from duels_tui import log
    from duels_tui.engine.local_server import LocalServer, LocalServerError

    path = log.setup()
    try:
        server = LocalServer("smollm2-135m", tmp_path / "absent.gguf")
        server.launch(log.log_file().parent)
        with pytest.raises(LocalServerError):
            server.wait_ready(timeout_s=60)
    finally:
        log.close()
    logged = path.read_text(encoding="utf-8")
    assert "ERROR duels.engine.local_server: smollm2-135m: server ended at start" in logged
    assert str(server.log_path) in logged  # where llama.cpp's own words are
    assert "failed to open GGUF file" in server.log_path.read_text(encoding="utf-8", errors="replace")
