"""Which live source answers which route: the direct HTTP source for local routes (ollama, an
OpenAI-compatible server named by its api_base), litellm for the rest (cloud APIs).

litellm earns its cost where it translates a provider's own API; for the two simple protocols of
local servers it costs the room CPU and memory for nothing (see engine/http_source.py).
`DUELS_ENGINE=litellm` sends every route through litellm: to compare, or as an escape hatch.
"""

from __future__ import annotations

import os
import sys
from collections.abc import AsyncIterator, Iterable

from duels_tui.engine import http_source, litellm_source
from duels_tui.engine.events import AnswerRequest, StreamEvent
from duels_tui.engine.http_source import DirectSource
from duels_tui.engine.litellm_source import LiteLLMSource
from duels_tui.engine.source import AnswerSource
from duels_tui.engine.streaming import local_refusal

ENGINE_ENV = "DUELS_ENGINE"

# A model's route and api_base (None: the route's default), as a catalog card has them.
Target = tuple[str, str | None]


def litellm_forced() -> bool:
    return os.environ.get(ENGINE_ENV, "").strip().lower() == "litellm"


def answered_directly(route: str, api_base: str | None) -> bool:
    """Whether RoutedSource sends this route to DirectSource rather than litellm."""
    return not litellm_forced() and http_source.speaks(route, api_base)


def needs_litellm(targets: Iterable[Target]) -> bool:
    """Whether any of these models goes through litellm (so it is worth importing early)."""
    return any(not answered_directly(route, api_base) for route, api_base in targets)


class RoutedSource:
    """An AnswerSource that hands each request to the source for its route."""

    def __init__(self, direct: AnswerSource | None = None, litellm: AnswerSource | None = None) -> None:
        self.direct = direct if direct is not None else DirectSource()
        self.litellm = litellm if litellm is not None else LiteLLMSource()

    def source_for(self, request: AnswerRequest) -> AnswerSource:
        return self.direct if answered_directly(request.route, request.api_base) else self.litellm

    def stream(self, request: AnswerRequest) -> AsyncIterator[StreamEvent]:
        refused = local_refusal(request)
        if refused is not None:  # said here, without loading litellm (2 s) only to refuse
            return _yield(refused)
        return self.source_for(request).stream(request)


async def _yield(event: StreamEvent) -> AsyncIterator[StreamEvent]:
    yield event


async def preload(targets: Iterable[Target]) -> None:
    """Ready the sources these models will use, off the event loop: the direct source's HTTP
    client (0.2 s), and litellm (about 2 s) only when some model needs it."""
    targets = list(targets)
    if any(answered_directly(route, api_base) for route, api_base in targets):
        await http_source.shared_client()
    if needs_litellm(targets):
        await litellm_source.preload()


async def close_clients() -> None:
    """Close the HTTP clients of this event loop's answers (at exit); litellm's only if it was
    ever imported (importing it to close nothing would cost 2 s)."""
    if "litellm" in sys.modules:
        await litellm_source.close_clients()
    await http_source.close_client()
