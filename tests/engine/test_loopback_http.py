"""The direct source's reader for this machine's servers (engine/loopback_http.py), over real
sockets: the scripted server, and a raw one on 127.0.0.1 that sends exactly the bytes a test
needs (a character cut between two chunks, a body cut short, a connection the reader closes)."""

from __future__ import annotations

import asyncio
import json

import pytest

from duels_tui.engine import http_source
from duels_tui.engine.events import AnswerRequest, ErrorKind, Message
from duels_tui.engine.http_source import DirectSource
from duels_tui.engine.loopback_http import is_loopback, post_streaming
from duels_tui.engine.source import collect
from scripted_server import ANSWER_TOKENS, ModelScript

pytestmark = pytest.mark.asyncio

PROMPT = (Message("user", "Bonjour"),)


@pytest.mark.parametrize(
    ("url", "loopback"),
    [
        ("http://127.0.0.1:11434/api/chat", True),
        ("http://localhost:8080/v1/chat/completions", True),
        ("http://[::1]:11434/api/chat", True),
        ("http://127.0.0.1/api/chat", True),
        ("https://127.0.0.1:11434/api/chat", False),  # TLS: httpx
        ("http://192.168.1.20:11434/api/chat", False),  # a machine of the room's network
        ("http://localhost.example.org/api/chat", False),
        ("http://127.0.0.1:onze/api/chat", False),
        ("127.0.0.1:11434", False),
    ],
)
async def test_only_plain_http_to_this_machine_is_read_from_the_socket(url, loopback):
    assert is_loopback(url) is loopback


async def test_a_local_answer_is_read_without_httpx(scripted_server):
    """Both protocols, whole, and the request the server received is the one built for it;
    httpx's client is never made for this machine's servers."""
    scripted_server.add(ModelScript("local", tokens=12))
    for route, base in (("ollama_chat/local", scripted_server.base_url), ("openai/local", scripted_server.openai_base)):
        request = AnswerRequest(route=route, messages=PROMPT, api_base=base, max_tokens=50)
        answer = await collect(DirectSource(), request)
        assert answer.error is None and answer.text == "".join(ANSWER_TOKENS[:12]).lstrip(), answer
    ollama, openai = scripted_server.chat_requests("local")
    assert ollama.body["options"]["num_predict"] == 50 and openai.body["max_tokens"] == 50
    assert asyncio.get_running_loop() not in http_source._clients
    assert scripted_server.open_connections == 0  # each closed once its answer ended


class RawServer:
    """Accepts one connection, reads the request, then sends `reply` (bytes, or a list of byte
    strings sent 20 ms apart) and closes, unless `hold`."""

    def __init__(self, reply: bytes | list[bytes], hold: bool = False) -> None:
        self.parts = [reply] if isinstance(reply, bytes) else reply
        self.hold = hold
        self.request = b""
        self.closed_by_client = asyncio.Event()

    async def __aenter__(self) -> RawServer:
        self.server = await asyncio.start_server(self.serve, "127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{self.server.sockets[0].getsockname()[1]}/api/chat"
        return self

    async def __aexit__(self, *exc) -> None:
        self.server.close()
        await self.server.wait_closed()

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        length = next(line.split(b":")[1] for line in head.split(b"\r\n") if line.lower().startswith(b"content-length"))
        self.request = head + await reader.readexactly(int(length))
        for i, part in enumerate(self.parts):
            if i:
                await asyncio.sleep(0.02)
            writer.write(part)
            await writer.drain()
        if self.hold and not await reader.read(1):  # b"": the client closed its side
            self.closed_by_client.set()
        writer.close()


def chunked(*pieces: bytes) -> list[bytes]:
    return [b"%x\r\n%s\r\n" % (len(piece), piece) for piece in pieces]


HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n"


async def test_a_character_cut_between_two_chunks_arrives_whole():
    line = json.dumps({"message": {"content": "éclair ☀"}, "done": False}, ensure_ascii=False).encode()
    cut = line.index("☀".encode()) + 1  # inside the sun's three bytes
    done = json.dumps({"message": {"content": ""}, "done": True, "eval_count": 2}).encode() + b"\n"
    async with RawServer([HEAD, *chunked(line[:cut], line[cut:] + b"\n", done), b"0\r\n\r\n"]) as server:
        request = AnswerRequest(route="ollama_chat/m", messages=PROMPT, api_base=server.url.removesuffix("/api/chat"))
        answer = await collect(DirectSource(), request)
    assert answer.error is None and answer.text == "éclair ☀" and answer.usage.completion_tokens == 2
    sent = server.request.decode()
    assert sent.startswith("POST /api/chat HTTP/1.1\r\n") and json.loads(sent.split("\r\n\r\n", 1)[1])["model"] == "m"


async def test_a_body_cut_short_is_an_answer_cut_off():
    line = json.dumps({"message": {"content": "Début"}, "done": False}).encode() + b"\n"
    async with RawServer([HEAD, *chunked(line), b"40\r\npartial"]) as server:  # then the server closes
        request = AnswerRequest(route="ollama_chat/m", messages=PROMPT, api_base=server.url.removesuffix("/api/chat"))
        answer = await collect(DirectSource(), request)
    assert answer.text == "Début"
    assert answer.error is not None and answer.error.key == "cut_off", answer.error  # not « unreachable »


async def test_an_error_status_says_what_the_server_said():
    body = b'{"error": "model \\"m\\" not found, try pulling it first"}'
    head = b"HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body)
    reply = head + body
    async with RawServer(reply) as server:
        request = AnswerRequest(route="ollama_chat/m", messages=PROMPT, api_base=server.url.removesuffix("/api/chat"))
        answer = await collect(DirectSource(), request)
    assert answer.error is not None and answer.error.kind is ErrorKind.MODEL_NOT_FOUND
    assert "not found, try pulling it first" in answer.error.detail


async def test_nothing_listening_is_a_server_not_reached():
    async with RawServer(b"") as server:
        url = server.url
    await asyncio.sleep(0.05)  # closed: nothing listens on that port any more
    request = AnswerRequest(route="ollama_chat/m", messages=PROMPT, api_base=url.removesuffix("/api/chat"))
    answer = await collect(DirectSource(retry_delay_s=0.01), request)
    assert answer.error is not None and answer.error.key == "unreachable" and answer.text == ""


async def test_closing_a_response_closes_its_connection():
    line = json.dumps({"message": {"content": "Un"}, "done": False}).encode() + b"\n"
    async with RawServer([HEAD, *chunked(line)], hold=True) as server:
        response = await post_streaming(server.url, {"model": "m"}, {})
        assert response.status_code == 200
        texts = response.aiter_text()
        assert await anext(texts) == line.decode()
        await texts.aclose()
        await response.aclose()
        await asyncio.wait_for(server.closed_by_client.wait(), 5)
