"""The direct source's reading of both protocols, on real httpx responses built in memory (pure
parsing: the engine's other tests play them over real HTTP): what a server may send besides the
plain case, and estimates counted as litellm counts them."""

from __future__ import annotations

import httpx
import pytest

from duels_tui.engine import http_source
from duels_tui.engine.events import AnswerRequest, Message
from duels_tui.engine.http_source import ServerError, _OllamaAttempt, _OpenAIAttempt, estimate_usage
from duels_tui.engine.streaming import BadChunk, Piece, Truncated


async def read(attempt_class, body: str) -> tuple[list[Piece], object]:
    request = AnswerRequest(route="openai/x", messages=())  # the default caps on what one answer holds
    attempt = attempt_class(httpx.Response(200, content=body.encode()), request)
    pieces = []
    try:
        while True:
            pieces.append(await attempt.next())
    except StopAsyncIteration:
        pass
    finally:
        await attempt.aclose()
    return [p for p in pieces if p != Piece()], attempt.server_counts()


@pytest.mark.asyncio
async def test_sse_comments_multiline_data_and_reasoning_field():
    body = (
        ": a comment, then an event on two data lines\n"
        'data: {"choices": [{"delta":\n'
        'data: {"reasoning": "Hmm."}}]}\n\n'
        'event: message\ndata: {"choices": [{"delta": {"content": "Oui"}, "finish_reason": "stop"}]}\n\n'
        'data: {"choices": [], "usage": {"prompt_tokens": 7, "completion_tokens": 2,'
        ' "completion_tokens_details": {"reasoning_tokens": 1}}}\n\n'
        "data: [DONE]\n\n"
        'data: {"choices": [{"delta": {"content": "after the end"}}]}\n\n'
    )
    pieces, counts = await read(_OpenAIAttempt, body)
    assert pieces == [Piece(reasoning="Hmm."), Piece("Oui", None, "stop")]
    assert counts == (7, 2, 1)


@pytest.mark.asyncio
async def test_sse_last_event_without_its_blank_line_still_counts():
    finished = 'data: {"choices": [{"delta": {"content": "fin"}, "finish_reason": "stop"}]}'
    pieces, counts = await read(_OpenAIAttempt, finished)
    assert pieces == [Piece("fin", None, "stop")] and counts is None
    # without [DONE] nor a finish_reason, its piece is read, then the answer is a cut one
    attempt = _OpenAIAttempt(httpx.Response(200, content=b'data: {"choices": [{"delta": {"content": "fin"}}]}'),
                             AnswerRequest(route="openai/x", messages=()))
    assert await attempt.next() == Piece("fin")
    with pytest.raises(Truncated):
        await attempt.next()
    await attempt.aclose()


@pytest.mark.parametrize(
    ("event", "status"),
    [
        ('error: {"code": 500, "message": "slot unavailable", "type": "server_error"}', 500),  # llama.cpp
        ('data: {"error": {"message": "out of memory", "code": 503}}', 503),
        ('data: {"error": "no code"}', None),
    ],
)
@pytest.mark.asyncio
async def test_sse_error_events_are_server_errors(event, status):
    with pytest.raises(ServerError) as raised:
        await read(_OpenAIAttempt, 'data: {"choices": [{"delta": {"content": "a"}}]}\n\n' + event + "\n\n")
    assert raised.value.status_code == status


@pytest.mark.parametrize("line", ['data: ["a list"]', "data: 12"])
@pytest.mark.asyncio
async def test_sse_data_that_is_not_an_object_is_a_bad_chunk(line):
    with pytest.raises(BadChunk):
        await read(_OpenAIAttempt, line + "\n\n")


@pytest.mark.asyncio
async def test_ollama_lines_thinking_done_and_counts():
    body = (
        '{"message": {"role": "assistant", "content": "", "thinking": "Voyons."}, "done": false}\n'
        "\n"
        '{"message": {"role": "assistant", "content": "Oui."}, "done": false}\n'
        '{"message": {"role": "assistant", "content": ""}, "done": true, "done_reason": "length",'
        ' "prompt_eval_count": 12, "eval_count": 3}\n'
    )
    pieces, counts = await read(_OllamaAttempt, body)
    assert pieces == [Piece("", "Voyons."), Piece("Oui."), Piece("", None, "length")]
    assert counts == (12, 3, None)


@pytest.mark.asyncio
async def test_ollama_counts_without_the_prompt_count_keep_the_answer_count():
    # ollama leaves prompt_eval_count out when the whole prompt came from its cache
    body = '{"message": {"content": "a"}, "done": false}\n{"done": true, "eval_count": 1}\n'
    pieces, counts = await read(_OllamaAttempt, body)
    assert pieces[-1].finish_reason == "stop" and counts == (None, 1, None)


@pytest.mark.asyncio
async def test_ollama_error_line_is_a_server_error():
    with pytest.raises(ServerError, match="model runner has unexpectedly stopped"):
        await read(_OllamaAttempt, '{"error": "model runner has unexpectedly stopped"}\n')


def test_estimate_counts_as_litellm_does():
    litellm_source = pytest.importorskip("duels_tui.engine.litellm_source")
    litellm = litellm_source.import_litellm()
    request = AnswerRequest(
        route="ollama_chat/gemma3:4b",
        messages=(Message("system", "Réponds en français."), Message("user", "Qu'est-ce qu'un token ?")),
    )
    text, reasoning = "Un token est un morceau de mot : « anti », « constitution »…", "Je réfléchis d'abord."
    for args in ((text, reasoning), (text, ""), ("", "")):
        assert estimate_usage(request, *args) == litellm_source._estimate(litellm, request, *args)


def test_estimate_without_the_vocabulary_counts_characters(monkeypatch):
    from duels_tui import tokens

    def unavailable(name):
        raise tokens.TokenizerUnavailable(name)

    monkeypatch.setattr(tokens, "encoding", unavailable)
    request = AnswerRequest(route="ollama_chat/x", messages=())
    usage = estimate_usage(request, "a" * 9, "")
    assert usage.completion_tokens == -(-9 // http_source.CHARS_PER_TOKEN)
    assert usage.prompt_tokens == 0 and usage.source == "estimate"
