"""Which source answers which route: local routes over direct HTTP, the rest through litellm;
DUELS_ENGINE=litellm sends everything through litellm; and the app, on a programme of local
models only, never imports litellm at all."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from duels_tui.engine.http_source import DirectSource
from duels_tui.engine.litellm_source import LiteLLMSource
from duels_tui.engine.routing import ENGINE_ENV, RoutedSource, needs_litellm
from duels_tui.engine.source import AnswerSource
from scripted_server import ANSWER_TOKENS

HERE = Path(__file__).resolve().parent
LOCAL = [
    ("ollama_chat/gemma3:4b", None),
    ("ollama/llama3.1:8b", "http://192.168.1.20:11434"),
    ("openai/smollm2-135m", "http://127.0.0.1:8080/v1"),
]
CLOUD = [
    ("openai/gpt-4o", None),  # OpenAI's own API: no api_base
    ("anthropic/claude-3-5-sonnet-20241022", None),
    ("mistral/mistral-small-latest", None),
    ("openrouter/meta-llama/llama-4-scout", None),
]


def _request(route, api_base):
    from duels_tui.engine.events import AnswerRequest, Message

    return AnswerRequest(route=route, messages=(Message("user", "Bonjour"),), api_base=api_base)


@pytest.fixture(autouse=True)
def default_engine(monkeypatch):
    monkeypatch.delenv(ENGINE_ENV, raising=False)


def test_routed_source_is_an_answer_source():
    assert isinstance(RoutedSource(), AnswerSource)


@pytest.mark.parametrize(("route", "api_base"), LOCAL)
def test_local_routes_go_direct(route, api_base):
    source = RoutedSource()
    assert isinstance(source.source_for(_request(route, api_base)), DirectSource)
    assert not needs_litellm([(route, api_base)])


@pytest.mark.parametrize(("route", "api_base"), CLOUD)
def test_cloud_routes_go_through_litellm(route, api_base):
    source = RoutedSource()
    assert isinstance(source.source_for(_request(route, api_base)), LiteLLMSource)
    assert needs_litellm([*LOCAL, (route, api_base)])


@pytest.mark.parametrize("value", ["litellm", "LiteLLM "])
def test_duels_engine_litellm_sends_everything_through_litellm(monkeypatch, value):
    monkeypatch.setenv(ENGINE_ENV, value)
    source = RoutedSource()
    assert all(isinstance(source.source_for(_request(r, b)), LiteLLMSource) for r, b in LOCAL + CLOUD)
    assert needs_litellm(LOCAL[:1])


def test_no_model_needs_nothing():
    assert not needs_litellm([])


PLAY = """
import asyncio, json, sys
sys.path.insert(0, {tests!r})
from scripted_server import ScriptedServer, ModelScript
from duels_tui.engine.events import AnswerRequest, Message
from duels_tui.engine.routing import RoutedSource, close_clients
from duels_tui.engine.source import collect

async def main(server):
    request = AnswerRequest(route="ollama_chat/local", messages=(Message("user", "Bonjour"),),
                            api_base=server.base_url)
    try:
        answer = await collect(RoutedSource(), request)
    finally:
        await close_clients()
    return {{"litellm": "litellm" in sys.modules, "text": answer.text, "error": str(answer.error)}}

with ScriptedServer([ModelScript("local", tokens=5)]) as server:
    print(json.dumps(asyncio.run(main(server))))
"""


def _child(code: list[str], env_value: str | None) -> dict:
    import os

    env = {k: v for k, v in os.environ.items() if k != ENGINE_ENV}
    if env_value is not None:
        env[ENGINE_ENV] = env_value
    out = subprocess.run([sys.executable, *code], capture_output=True, text=True, timeout=120, env=env)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(("env_value", "imported"), [(None, False), ("litellm", True)])
def test_a_local_answer_imports_litellm_only_when_forced(env_value, imported):
    result = _child(["-c", PLAY.format(tests=str(HERE.parent))], env_value)
    assert result["error"] == "None" and result["text"] == "".join(ANSWER_TOKENS[:5]).lstrip()
    assert result["litellm"] is imported


@pytest.mark.slow
@pytest.mark.parametrize(("env_value", "imported"), [(None, False), ("litellm", True)])
def test_the_app_on_local_models_only_never_imports_litellm(tmp_path, env_value, imported):
    """The real app, preload and a whole duel included; forced to litellm, the same run does
    import it (so the probe sees an import when there is one)."""
    result = _child([str(HERE / "local_only_app_child.py"), str(tmp_path / "duels.sqlite3")], env_value)
    assert result["ended"] == {"A": "done", "B": "done"}
    assert result["usage"] == {"A": "server", "B": "server"}
    assert result["litellm"] is imported
