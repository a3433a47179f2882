"""One streamed HTTP/1.1 POST to a server on this machine, read straight from the socket.

A local model writes its answer a token a chunk; each chunk read through httpx goes down
httpcore, anyio (a cancel scope per read, for a timeout that engine/streaming.py keeps itself)
and h11: about 0.19 ms of CPU a chunk here, where this module's reader, h11 on asyncio's own
stream, takes about 0.1 ms (the engine alone, two answers at 25 tokens/s each: bench/ui_bench.py's
pace part). On 2 cores, that CPU is taken from the models.

Only for `http://` addresses of this machine (127.0.0.1, ::1, localhost: `is_loopback`), where
no proxy, TLS or redirect applies; a new connection for each answer, closed when it ends (a
server stops generating when its client goes). Everything else goes through httpx
(engine/http_source.py). What it raises, errors.classify reads as it reads httpx's:
ConnectionRefusedError (nothing listens), h11's RemoteProtocolError (a body cut short),
ConnectionResetError.
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
READ_SIZE = 65_536


def is_loopback(url: str) -> bool:
    """Whether `url` is plain HTTP to this machine."""
    try:
        parts = urlsplit(url)
        return parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS and parts.port != 0
    except ValueError:  # a port that is not a number
        return False


class LoopbackResponse:
    """What engine/http_source.py reads of a response (as of httpx's): `status_code`,
    `aiter_text()`, `aread()`, `aclose()`."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, connection: Any,
                 status_code: int) -> None:  # fmt: skip
        self._reader, self._writer, self._connection = reader, writer, connection
        self.status_code = status_code

    async def _events(self) -> AsyncIterator[bytes]:
        """The body's bytes as they come, until the response's end (h11 raises
        RemoteProtocolError when the connection closes before it)."""
        import h11

        connection, read = self._connection, self._reader.read
        while True:
            event = connection.next_event()
            if event is h11.NEED_DATA:
                connection.receive_data(await read(READ_SIZE))  # b"": the server closed
            elif type(event) is h11.Data:
                yield bytes(event.data)
            elif type(event) is h11.EndOfMessage:
                return

    async def aiter_text(self) -> AsyncIterator[str]:
        decoder = codecs.getincrementaldecoder("utf-8")("replace")
        async for data in self._events():
            text = decoder.decode(data)
            if text:
                yield text
        tail = decoder.decode(b"", final=True)
        if tail:
            yield tail

    async def aread(self, limit: int = 1_000_000) -> bytes:
        """The body, its first `limit` bytes at most (an error's explanation)."""
        body = bytearray()
        async for data in self._events():
            body += data
            if len(body) >= limit:
                break
        return bytes(body[:limit])

    async def aclose(self) -> None:
        self._writer.close()
        with contextlib.suppress(OSError):
            await self._writer.wait_closed()


async def post_streaming(url: str, body: dict[str, Any], headers: dict[str, str]) -> LoopbackResponse:
    """POST `body` as JSON to `url` (see `is_loopback`) and return once the response's status
    and headers have come. Cancelling it closes the connection."""
    import h11

    parts = urlsplit(url)
    host = parts.hostname or "127.0.0.1"
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    content = json.dumps(body).encode("utf-8")
    reader, writer = await asyncio.open_connection(host, parts.port or 80, limit=READ_SIZE)
    try:
        connection = h11.Connection(h11.CLIENT)
        authority = f"[{host}]" if ":" in host else host
        request = h11.Request(method="POST", target=target, headers=[
            ("Host", f"{authority}:{parts.port}" if parts.port else authority),
            ("Content-Type", "application/json"),
            ("Accept", "*/*"),
            ("Connection", "close"),
            ("Content-Length", str(len(content))),
            *headers.items(),
        ])  # fmt: skip
        writer.write(connection.send(request) + connection.send(h11.Data(data=content)))
        writer.write(connection.send(h11.EndOfMessage()))
        await writer.drain()
        while True:
            event = connection.next_event()
            if event is h11.NEED_DATA:
                connection.receive_data(await reader.read(READ_SIZE))
            elif type(event) is h11.Response:
                return LoopbackResponse(reader, writer, connection, event.status_code)
            # h11.InformationalResponse (100 Continue): the final response follows
    except BaseException:
        writer.close()
        raise
