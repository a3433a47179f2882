"""`duels programme` lists every programme with what it needs, even one naming ollama models
that are neither in the catalog nor installed (it used to end the whole list with exit 2)."""

from __future__ import annotations

from typer.testing import CliRunner

from duels_tui.cli import app

MINE = """name = "Le mien"
[[duels]]
models = ["qwen3:8b", "llama3.2:1b"]
prompt_text = "Bonjour"
"""


def _write_mine(tmp_path):
    folder = tmp_path / "user-config" / "programmes"
    folder.mkdir(parents=True)
    (folder / "mien.toml").write_text(MINE, encoding="utf-8")


def test_every_programme_is_listed_with_what_it_needs(tmp_path, monkeypatch, closed_port):
    _write_mine(tmp_path)
    monkeypatch.setenv("OLLAMA_HOST", f"http://127.0.0.1:{closed_port}")
    result = CliRunner().invoke(app, ["programme"])
    assert result.exit_code == 0, result.output
    lines = {line.split(" : ")[0]: line for line in result.output.splitlines() if " : " in line}
    assert set(lines) >= {"classique", "local-demo", "mien"}
    assert "ANTHROPIC_API_KEY" in lines["classique"] and "ollama avec llama3.3:70b" in lines["classique"]
    assert "moteur local" in lines["local-demo"]
    assert "ne se charge pas" in lines["mien"] and "ollama pull qwen3:8b" in lines["mien"]


def test_a_programme_of_installed_ollama_models_loads(tmp_path, monkeypatch, scripted_server):
    from scripted_server import ModelScript

    _write_mine(tmp_path)
    scripted_server.add(ModelScript("qwen3:8b", parameter_size="8.2B", family="qwen3"),
                        ModelScript("llama3.2:1b", parameter_size="1.2B", family="llama"))
    monkeypatch.setenv("OLLAMA_HOST", scripted_server.base_url)
    result = CliRunner().invoke(app, ["programme"])
    assert result.exit_code == 0, result.output
    mine = next(line for line in result.output.splitlines() if line.startswith("mien : "))
    assert "Le mien — 1 duel (" in mine and "ollama avec qwen3:8b, llama3.2:1b" in mine
