"""Engine tests: both live sources (real litellm, direct HTTP) against the scripted server
(tests/scripted_server.py)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import pytest_asyncio

from duels_tui.engine.events import AnswerRequest, Message
from duels_tui.engine.http_source import DirectSource, close_client
from duels_tui.engine.litellm_source import LiteLLMSource

PROMPT = (Message("user", "Explique-moi simplement ce qu'est un token."),)
SOURCES = {"litellm": LiteLLMSource, "direct": DirectSource}


@pytest_asyncio.fixture(params=list(SOURCES))
async def source_class(request):
    """Each live source in turn (a test runs once with each); the direct source's HTTP client
    is closed after the test, as the app closes it when it exits."""
    yield SOURCES[request.param]
    await close_client()


@pytest.fixture
def ask(scripted_server) -> Callable[..., AnswerRequest]:
    """ask("lent") -> the AnswerRequest for model "lent" of the scripted server; flavour="openai"
    goes through its OpenAI-compatible endpoint instead of the Ollama one."""

    def make(model: str, flavour: str = "ollama", **fields: object) -> AnswerRequest:
        fields.setdefault("connect_timeout_s", 3.0)
        fields.setdefault("stall_timeout_s", 3.0)
        if flavour == "ollama":
            route, base = f"ollama_chat/{model}", scripted_server.base_url
        else:
            # No key, as with a local llama.cpp server: the engine must cope.
            route, base = f"openai/{model}", scripted_server.openai_base
        return AnswerRequest(route=route, messages=PROMPT, api_base=base, **fields)  # type: ignore[arg-type]

    return make


@pytest.fixture(scope="session", autouse=True)
def litellm_preloaded() -> None:
    """Pay litellm's import and first-call set-up (2-5 s here) once, not inside a timed test."""
    import asyncio

    from duels_tui.engine.litellm_source import preload

    asyncio.run(preload())
