"""A model the catalog marks local is sent to a server on this machine, or to a host the user
named, or nowhere: never to a cloud route (an `openai/...` route without api_base goes to
OpenAI through litellm with the user's OPENAI_API_KEY). litellm is a stand-in that records any
call; a real server on this machine's non-loopback address shows what is (not) sent."""

from __future__ import annotations

import socket

import pytest

from duels_tui.engine.events import AnswerRequest, ErrorKind, Message
from duels_tui.engine.http_source import DirectSource, close_client
from duels_tui.engine.litellm_source import LiteLLMSource
from duels_tui.engine.routing import ENGINE_ENV, RoutedSource
from duels_tui.engine.source import collect
from duels_tui.engine.streaming import local_refusal
from litellm_standin import install
from scripted_server import ModelScript, ScriptedServer

PROMPT = (Message("user", "Bonjour"),)


@pytest.fixture
def litellm(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-planted-must-never-be-used")
    monkeypatch.delenv("OLLAMA_HOST", raising=False)
    standin = install(monkeypatch)
    yield standin
    assert standin.calls == [], "a local model's request reached litellm"


def local(route: str, api_base: str | None, **fields) -> AnswerRequest:
    return AnswerRequest(route=route, messages=PROMPT, api_base=api_base, local=True, **fields)


def lan_address() -> str:
    """This machine's address on its network (not loopback); the test skips without one."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # no packet is sent: this only picks the interface
            address = probe.getsockname()[0]
        except OSError:
            address = ""
    if not address or address.startswith("127.") or address == "0.0.0.0":
        pytest.skip("no network address other than loopback on this machine")
    return address


@pytest.mark.asyncio
@pytest.mark.parametrize("engine", [None, "litellm"])
@pytest.mark.parametrize("source", [RoutedSource, LiteLLMSource, DirectSource])
async def test_a_local_model_without_a_server_is_refused_unsent(litellm, monkeypatch, engine, source):
    """The embedded engine did not start: its card has no api_base. Whatever source is asked,
    and even with every route forced through litellm, the answer is the French error."""
    if engine:
        monkeypatch.setenv(ENGINE_ENV, engine)
    else:
        monkeypatch.delenv(ENGINE_ENV, raising=False)
    answer = await collect(source(), local("openai/smollm2-135m", None))
    await close_client()
    assert answer.error is not None and answer.error.key == "local_not_started"
    assert answer.error.kind is ErrorKind.UNREACHABLE and not answer.error.retryable
    assert "envoyée nulle part" in answer.error.message
    assert answer.text == "" and answer.usage is None


@pytest.mark.asyncio
async def test_the_same_route_not_marked_local_still_goes_to_litellm(litellm):
    """The guard is the catalog's word, not the route's: a cloud model is litellm's (here the
    stand-in, which refuses: the call is what this test checks, then forgets)."""
    answer = await collect(RoutedSource(), AnswerRequest(route="openai/gpt-4o", messages=PROMPT))
    assert answer.error is not None and len(litellm.calls) == 1
    litellm.calls.clear()


@pytest.mark.asyncio
@pytest.mark.parametrize("source", [RoutedSource, DirectSource])
async def test_an_ollama_route_to_a_host_nobody_named_is_refused(litellm, source):
    """A real server listens on this machine's network address: a local model pointed there
    without the user naming that host is refused before anything is sent; once named (its card
    in the user's catalog, or OLLAMA_HOST), it answers."""
    address = lan_address()
    with ScriptedServer([ModelScript("gemma3:4b", tokens=3)], host="0.0.0.0") as server:
        base = f"http://{address}:{server.port}"
        refused = await collect(source(), local("ollama_chat/gemma3:4b", base))
        assert refused.error is not None and refused.error.key == "local_elsewhere"
        assert refused.error.kind is ErrorKind.REFUSED and address not in refused.error.message
        assert server.chat_requests() == []
        named = await collect(source(), local("ollama_chat/gemma3:4b", base, trusted_hosts=(address,)))
        await close_client()
        assert named.error is None and named.text
        assert len(server.chat_requests()) == 1


@pytest.mark.parametrize(
    ("route", "api_base", "refused"),
    [
        ("ollama_chat/gemma3:4b", None, None),  # ollama's default address: this machine
        ("openai/smollm2-135m", "http://127.0.0.1:8080/v1", None),
        ("openai/smollm2-135m", "http://localhost:8080/v1", None),
        ("openai/smollm2-135m", "http://[::1]:8080/v1", None),
        ("openai/smollm2-135m", "http://127.0.0.2:8080/v1", None),
        ("openai/smollm2-135m", "http://0.0.0.0:8080/v1", None),
        ("openai/smollm2-135m", None, "local_not_started"),
        ("openai/smollm2-135m", "https://api.openai.com/v1", "local_elsewhere"),
        ("ollama_chat/gemma3:4b", "http://192.168.1.20:11434", "local_elsewhere"),
        ("ollama_chat/gemma3:4b", "http://127.0.0.1.example.org:11434", "local_elsewhere"),
    ],
)
def test_where_a_local_request_may_go(monkeypatch, route, api_base, refused):
    monkeypatch.delenv("OLLAMA_HOST", raising=False)
    error = local_refusal(local(route, api_base))
    assert (error.key if error else None) == refused
    assert local_refusal(AnswerRequest(route=route, messages=PROMPT, api_base=api_base)) is None  # not local


def test_ollama_host_named_by_the_user_is_where_ollama_routes_go(monkeypatch):
    remote = "http://192.168.1.20:11434"
    monkeypatch.delenv("OLLAMA_HOST", raising=False)
    card = _card(route="ollama_chat/gemma3:4b")
    assert local_refusal(local(card.route, remote, trusted_hosts=card.trusted_hosts())) is not None
    monkeypatch.setenv("OLLAMA_HOST", "192.168.1.20:11434")
    card = _card(route="ollama_chat/gemma3:4b")
    assert card.trusted_hosts() == ("192.168.1.20",)
    assert local_refusal(local(card.route, remote, trusted_hosts=card.trusted_hosts())) is None


def test_trusted_hosts_come_from_the_user_never_from_the_shipped_catalog(monkeypatch, tmp_path):
    from duels_tui import paths

    monkeypatch.delenv("OLLAMA_HOST", raising=False)
    shipped = str(paths.shipped_config_dir() / "catalog.toml")
    mine = str(tmp_path / "catalog.toml")
    remote = "http://192.168.1.20:11434"
    assert _card(route="ollama_chat/x", api_base=remote, source=mine).trusted_hosts() == ("192.168.1.20",)
    assert _card(route="ollama_chat/x", api_base=remote, source=shipped).trusted_hosts() == ()
    embedded = _card(
        route="openai/smollm2-135m", api_base="https://api.openai.com/v1", source=mine, local_model="smollm2-135m"
    )
    assert embedded.trusted_hosts() == () and embedded.is_local


def _card(**fields):
    from dataclasses import replace

    from duels_tui.arena.testing import demo_catalog

    return replace(next(iter(demo_catalog().models.values())), **fields)
