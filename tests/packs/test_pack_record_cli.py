"""`duels record` end to end against the scripted ollama: real litellm, a discovered model, the
pack written and readable, progress on stderr; a model that fails makes exit code 1."""

from __future__ import annotations

from typer.testing import CliRunner

from duels_tui.engine.errors import say
from duels_tui.packs.format import load_pack

PROGRAMME = """
name = "Essai"
[[duels]]
title = "Duel #1"
models = ["gemma-3-4b", "qwen3:8b"]
prompt_text = "Explique les data centers."
"""


def test_record_writes_a_pack(scripted_server, tmp_path, monkeypatch):
    from duels_tui.cli import app
    from scripted_server import ModelScript

    scripted_server.add(
        ModelScript("gemma3:4b", tokens=12, delay_s=0.01),
        ModelScript("qwen3:8b", tokens=10, thinking=4, delay_s=0.01, parameter_size="8.2B", family="qwen3"),
    )
    monkeypatch.setenv("OLLAMA_HOST", scripted_server.base_url)
    (tmp_path / "essai.toml").write_text(PROGRAMME, encoding="utf-8")
    out = tmp_path / "essai.pack.json"
    result = CliRunner().invoke(app, ["record", str(tmp_path / "essai.toml"), "-o", str(out), "--max-tokens", "50"])
    assert result.exit_code == 0, result.output
    assert "Duel #1 (1/1)" in result.output and "Pack enregistré" in result.output
    pack = load_pack(out)
    assert pack.models["qwen3:8b"]["organisation"] == "Alibaba" and pack.models["qwen3:8b"]["reasoning"]
    answers = {a.model_id: a.recording for a in pack.answers()}
    assert answers["gemma-3-4b"].usage.source == "server" and answers["gemma-3-4b"].usage.completion_tokens == 12
    assert answers["qwen3:8b"].reasoning and answers["qwen3:8b"].text
    assert pack.duels[0].max_tokens == 50 and {"litellm", "duels"} <= set(pack.software)
    sent = [r.body for r in scripted_server.requests if r.path == "/api/chat"]
    assert all(body["options"]["num_predict"] == 50 for body in sent)


def test_record_reports_a_failed_answer(scripted_server, tmp_path, monkeypatch):
    from duels_tui.cli import app
    from scripted_server import ModelScript

    scripted_server.add(ModelScript("gemma3:4b", tokens=5), ModelScript("qwen3:8b", status=500, parameter_size="8.2B"))
    monkeypatch.setenv("OLLAMA_HOST", scripted_server.base_url)
    (tmp_path / "essai.toml").write_text(PROGRAMME, encoding="utf-8")
    out = tmp_path / "essai.pack.json"
    result = CliRunner().invoke(app, ["record", str(tmp_path / "essai.toml"), "-o", str(out)])
    assert result.exit_code == 1
    assert "réponse en échec" in result.output and "qwen3:8b" in result.output
    failed = next(a for a in load_pack(out).answers() if a.model_id == "qwen3:8b")
    assert failed.status == "error" and failed.recording.error is not None
    # The pack keeps the error's key: a replay says it in the room's language.
    assert failed.recording.error.key == "server_error"
    assert "internal error" in say(failed.recording.error.key, {}, "en")[0]
