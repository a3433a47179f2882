"""Streams that never end, through each live source against the scripted server: a server that
sends only empty chunks stalls out; an answer past what one answer may hold is closed and ends
cut (CAPPED), its server left; one endless line is refused before it fills the memory; a body
that ends before the protocol's end (ollama's `done: true`, OpenAI's finish and [DONE]) is a cut
answer, not a finished one. A recorded pack is held to the same caps."""

from __future__ import annotations

import asyncio
import time

import pytest

from duels_tui.engine.events import CAPPED, AnswerRequest, Done, ErrorKind, Message, Usage
from duels_tui.engine.http_source import DirectSource
from duels_tui.engine.pack_source import PackSource, RecordedAnswer, RecordedChunk
from duels_tui.engine.source import AnswerSource, CollectedAnswer, collect
from scripted_server import ANSWER_TOKENS, ModelScript

pytestmark = pytest.mark.asyncio

FLAVOURS = ["ollama", "openai"]


def first_words(n: int) -> str:
    """The scripted server's first n tokens (each pass over its text starts a new paragraph)."""
    tokens = [ANSWER_TOKENS[i % len(ANSWER_TOKENS)] for i in range(n)]
    return "".join(t if i % len(ANSWER_TOKENS) else "\n\n" + t.lstrip() for i, t in enumerate(tokens)).lstrip()


async def within(seconds: float, source: AnswerSource, request: AnswerRequest) -> tuple[CollectedAnswer, float]:
    """The whole answer, or the test fails after `seconds` (an endless stream must not hang it)."""
    start = time.perf_counter()
    answer = await asyncio.wait_for(collect(source, request), seconds)
    return answer, time.perf_counter() - start


@pytest.mark.parametrize("pace", [0.01, 0.0])
@pytest.mark.parametrize("flavour", FLAVOURS)
async def test_empty_chunks_do_not_hold_a_pane(source_class, scripted_server, ask, flavour, pace):
    """After 3 tokens the server sends chunks without text (every 10 ms, or as fast as it can)
    for ever: the stall timeout counts from the last token and ends the answer, text kept."""
    scripted_server.add(ModelScript("vide", tokens=40, empty_after=3, empty_every_s=pace))
    answer, elapsed = await within(20, source_class(), ask("vide", flavour, stall_timeout_s=0.8))
    assert answer.error is not None and answer.error.kind is ErrorKind.STALLED
    assert answer.text == first_words(3)
    assert 0.7 < elapsed < 10
    assert await scripted_server.wait_until_async(lambda: scripted_server.open_connections == 0, 5)


@pytest.mark.parametrize("flavour", FLAVOURS)
async def test_empty_chunks_from_the_start_time_out(source_class, scripted_server, ask, flavour):
    """Nothing but empty chunks, as fast as the server can: no first token within the connect
    timeout (they do not extend it), and nothing piles up meanwhile."""
    scripted_server.add(ModelScript("muet", tokens=40, empty_after=0, empty_every_s=0.0))
    answer, elapsed = await within(20, source_class(), ask("muet", flavour, connect_timeout_s=0.8))
    assert answer.error is not None and answer.error.kind is ErrorKind.TIMEOUT
    assert answer.text == "" and elapsed < 10


@pytest.mark.parametrize("flavour", FLAVOURS)
async def test_a_50_mb_answer_is_cut_at_what_an_answer_may_hold(source_class, scripted_server, ask, flavour):
    """100,000 tokens of 512 characters (51 MB) as fast as the server can: the answer keeps
    exactly the first 128 KiB, ends CAPPED with an estimated usage, and the server sees the
    client leave long before its end."""
    scripted_server.add(ModelScript("deluge", tokens=100_000, token_chars=512))
    request = ask("deluge", flavour)
    answer, _ = await within(60, source_class(), request)
    assert answer.error is None and answer.done is not None and answer.done.finish_reason == CAPPED
    assert len(answer.text.encode()) == request.max_answer_bytes == 128 * 1024
    assert answer.usage is not None and answer.usage.source == "estimate"
    (sent,) = scripted_server.chat_requests("deluge")
    assert await scripted_server.wait_until_async(lambda: sent.client_left, 5)
    assert sent.tokens_sent < 20_000


@pytest.mark.parametrize("flavour", FLAVOURS)
async def test_too_many_tokens_are_cut_too(source_class, scripted_server, ask, flavour):
    scripted_server.add(ModelScript("bavard", tokens=5_000))
    answer, _ = await within(60, source_class(), ask("bavard", flavour, max_answer_tokens=300))
    assert answer.done is not None and answer.done.finish_reason == CAPPED
    assert answer.text == first_words(300)  # the first 300 tokens, exactly


async def test_a_cut_lands_between_two_characters(scripted_server, ask):
    """A cap in the middle of a multi-byte character keeps the characters before it, whole."""
    scripted_server.add(ModelScript("accents", tokens=["é" * 10] * 10))
    answer, _ = await within(20, DirectSource(), ask("accents", max_answer_bytes=15))
    assert answer.text == "é" * 7 and answer.done.finish_reason == CAPPED


@pytest.mark.parametrize("flavour", FLAVOURS)
async def test_one_endless_line_is_refused_before_it_is_whole(scripted_server, ask, flavour):
    """A chunk of 2 MB without a newline (the line limit here is 6 x 1,000 + 64 KiB characters):
    refused as unreadable, the words before it kept."""
    scripted_server.add(ModelScript("ligne", tokens=20, malformed_after=4, malformed_line="x" * 2_000_000))
    answer, _ = await within(30, DirectSource(), ask("ligne", flavour, max_answer_bytes=1000))
    assert answer.error is not None and answer.error.kind is ErrorKind.BAD_RESPONSE
    assert "a line of more than" in answer.error.detail
    assert answer.text == first_words(4)


@pytest.mark.parametrize("flavour", FLAVOURS)
async def test_a_stream_without_its_end_is_cut_not_done(source_class, scripted_server, ask, flavour):
    """The body ends cleanly after 5 tokens, but ollama's done:true (or OpenAI's finish and
    [DONE]) never came: the answer is cut, its words kept, never shown as complete."""
    scripted_server.add(ModelScript("sans-fin", tokens=5, end_marker=False))
    answer, _ = await within(30, source_class(), ask("sans-fin", flavour))
    assert answer.done is None
    assert answer.error is not None and answer.error.key == "cut_off" and answer.error.retryable
    assert answer.text == first_words(5)


async def test_an_openai_stream_that_finished_without_done_is_complete(scripted_server, ask):
    """Some OpenAI-compatible servers end after the finish chunk without `data: [DONE]`."""
    scripted_server.add(ModelScript("fini", tokens=5, sse_done=False))
    answer, _ = await within(20, DirectSource(), ask("fini", "openai"))
    assert answer.error is None and answer.done is not None and answer.done.finish_reason == "stop"
    assert answer.text == first_words(5)


async def test_a_pack_is_held_to_the_same_caps():
    request = AnswerRequest(route="ollama_chat/x", messages=(Message("user", "Bonjour"),), max_answer_bytes=1000)
    recorded = RecordedAnswer(
        model_id="x",
        messages=request.messages,
        chunks=tuple(RecordedChunk(0.0, "text", "mot ") for _ in range(10_000)),
        usage=Usage(10, 10_000, "server"),
        done=Done(0.1, 1.0, 1.1, 10_000.0, "stop"),
    )
    answer = await collect(PackSource([recorded]), request)
    assert len(answer.text) == 1000 and answer.error is None
    assert answer.done == Done(0.1, 1.0, 1.1, 10_000.0, CAPPED)
    assert answer.usage == recorded.usage  # what the model did when it was recorded
