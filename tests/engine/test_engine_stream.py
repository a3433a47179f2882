"""A whole answer through real litellm against the scripted server: text, reasoning, usage and
its source, timings, and what the server was actually sent."""

from __future__ import annotations

import gc

import pytest

from duels_tui.engine.events import Done, ReasoningDelta, TextDelta, Usage
from duels_tui.engine.source import AnswerSource, collect
from scripted_server import ANSWER_TOKENS, THINKING_TOKENS, ModelScript

pytestmark = pytest.mark.asyncio

FLAVOURS = ["ollama", "openai"]


def expected_text(n: int) -> str:
    return "".join(ANSWER_TOKENS[:n]).lstrip()


async def test_litellm_source_is_an_answer_source(source_class):
    assert isinstance(source_class(), AnswerSource)


@pytest.mark.parametrize("flavour", FLAVOURS)
async def test_text_then_server_usage_then_done(source_class, scripted_server, ask, flavour):
    scripted_server.add(ModelScript("gemma", tokens=12, prompt_tokens=21))
    answer = await collect(source_class(), ask("gemma", flavour))

    assert answer.error is None
    assert answer.text == expected_text(12)
    assert answer.reasoning == ""
    kinds = [type(e) for e in answer.events]
    assert kinds[-2:] == [Usage, Done]
    assert set(kinds[:-2]) == {TextDelta}
    assert answer.usage == Usage(prompt_tokens=21, completion_tokens=12, source="server")
    done = answer.done
    assert done is not None and done.finish_reason == "stop"
    assert done.ttft_s is not None and 0 <= done.ttft_s <= done.total_s
    assert done.generation_s <= done.total_s
    assert done.tokens_per_s == pytest.approx(12 / done.generation_s)


async def test_timings_follow_the_server_pace(source_class, scripted_server, ask):
    scripted_server.add(ModelScript("pose", tokens=11, delay_s=0.03, first_token_delay_s=0.2))
    answer = await collect(source_class(), ask("pose"))

    done = answer.done
    assert done is not None
    assert 0.18 <= done.ttft_s <= 0.6  # type: ignore[operator]
    assert 0.28 <= done.generation_s <= 0.8  # 10 gaps of 30 ms
    assert done.total_s == pytest.approx(done.ttft_s + done.generation_s)  # type: ignore[operator]
    assert 11 / 0.8 <= done.tokens_per_s <= 11 / 0.28  # type: ignore[operator]


@pytest.mark.parametrize("flavour", FLAVOURS)
async def test_thinking_comes_as_reasoning_kept_apart(source_class, scripted_server, ask, flavour):
    scripted_server.add(ModelScript("qwq", thinking=6, tokens=5))
    answer = await collect(source_class(), ask("qwq", flavour))

    assert answer.error is None
    assert answer.reasoning == "".join(THINKING_TOKENS[:6]).lstrip()
    assert answer.text == expected_text(5)
    deltas = [e for e in answer.events if isinstance(e, TextDelta | ReasoningDelta)]
    assert [type(e) for e in deltas] == [ReasoningDelta] * 6 + [TextDelta] * 5
    usage = answer.usage
    assert usage is not None and usage.source == "server"
    assert usage.completion_tokens == 11  # the server counts thinking in the answer's tokens
    assert usage.reasoning_tokens is not None and 0 < usage.reasoning_tokens <= 11


@pytest.mark.parametrize("flavour", FLAVOURS)
async def test_no_usage_from_the_server_is_recorded_as_an_estimate(source_class, scripted_server, ask, flavour):
    # llama-cpp-python's server sends no usage; litellm then fills one in without saying so.
    scripted_server.add(ModelScript("muet", tokens=30, usage=False))
    answer = await collect(source_class(), ask("muet", flavour))

    assert answer.error is None
    usage = answer.usage
    assert usage is not None and usage.source == "estimate"
    assert 20 <= usage.completion_tokens <= 60  # French words make one to three tokens each
    assert usage.prompt_tokens is not None and usage.prompt_tokens > 5
    assert answer.done is not None and answer.done.tokens_per_s is not None


@pytest.mark.parametrize("flavour", FLAVOURS)
async def test_max_tokens_reaches_the_server_and_cuts_a_huge_answer(source_class, scripted_server, ask, flavour):
    scripted_server.add(ModelScript("bavard", tokens=100_000))
    answer = await collect(source_class(), ask("bavard", flavour, max_tokens=40, temperature=0.3))

    (request,) = scripted_server.chat_requests("bavard")
    if flavour == "ollama":
        assert request.body["options"] == {"num_predict": 40, "temperature": 0.3}
    else:
        assert request.body["max_tokens"] == 40 and request.body["temperature"] == 0.3
    assert request.body["stream"] is True
    assert request.tokens_sent == 40
    assert answer.usage is not None and answer.usage.completion_tokens == 40
    assert answer.done is not None and answer.done.finish_reason == "length"


async def test_openai_route_asks_for_usage_in_the_stream(source_class, scripted_server, ask):
    scripted_server.add(ModelScript("gpt", tokens=3))
    await collect(source_class(), ask("gpt", "openai"))
    (request,) = scripted_server.chat_requests("gpt")
    assert request.body["stream_options"] == {"include_usage": True}


async def test_api_key_comes_from_the_named_environment_variable(source_class, scripted_server, ask, monkeypatch):
    monkeypatch.setenv("DUELS_TEST_KEY", "sk-tres-secret")
    scripted_server.add(ModelScript("cloud", tokens=3))
    answer = await collect(source_class(), ask("cloud", "openai", api_key_env="DUELS_TEST_KEY"))

    assert answer.error is None
    (request,) = scripted_server.chat_requests("cloud")
    assert request.headers["authorization"] == "Bearer sk-tres-secret"


async def test_no_hidden_model_lookup_after_an_ollama_answer(source_class, scripted_server, ask):
    # Left alone, litellm POSTs /api/show with a blocking call inside the event loop after the
    # first answer of each ollama model (to price it); the engine pins a free price instead.
    scripted_server.add(ModelScript("local", tokens=3))
    await collect(source_class(), ask("local"))
    await collect(source_class(), ask("local"))
    assert [r.path for r in scripted_server.requests] == ["/api/chat", "/api/chat"]


async def test_an_empty_answer_still_ends_with_usage_and_done(source_class, scripted_server, ask):
    scripted_server.add(ModelScript("vide", tokens=0))
    answer = await collect(source_class(), ask("vide"))
    assert answer.error is None and answer.text == ""
    assert answer.done is not None and answer.done.ttft_s is None
    assert answer.usage is not None and answer.usage.completion_tokens == 0


async def test_closing_the_stream_early_closes_the_connection_without_waiting_for_gc(
    source_class, scripted_server, ask
):
    # A reader that stops (the UI moving on) closes the stream; the connection must close then,
    # not whenever the garbage collector gets to litellm's reference cycles.
    scripted_server.add(ModelScript("long", tokens=10_000, delay_s=0.01))
    gc.disable()
    try:
        stream = source_class().stream(ask("long"))
        async for event in stream:
            if isinstance(event, TextDelta) and event.text.strip() == "modèle":
                break
        await stream.aclose()  # type: ignore[attr-defined]
        (request,) = scripted_server.chat_requests()
        assert await scripted_server.wait_until_async(lambda: not scripted_server.is_open(request.connection_id), 0.5)
        assert request.client_left
    finally:
        gc.enable()
