"""A stand-in for litellm that records every call and answers none: where a test must prove that
nothing reaches a cloud route, it takes litellm's place (`install(monkeypatch)`) and the test
asserts `calls == []` at the end (a call inside the engine would only become an error event,
so the record is what fails the test)."""

from __future__ import annotations

from typing import Any


class CloudCalled(AssertionError):
    """Raised inside the engine when anything asks litellm to send a request."""


class LiteLLMStandIn:
    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []
        self.model_cost: dict[str, Any] = {}

    async def acompletion(self, **kwargs: Any) -> Any:
        self.calls.append(kwargs)
        raise CloudCalled(f"litellm was asked to send {kwargs.get('model')!r} to {kwargs.get('api_base')!r}")

    def completion(self, **kwargs: Any) -> Any:
        self.calls.append(kwargs)
        raise CloudCalled(f"litellm was asked to send {kwargs.get('model')!r}")

    def token_counter(self, **kwargs: Any) -> int:
        return 0

    async def close_litellm_async_clients(self) -> None:
        return None


def install(monkeypatch) -> LiteLLMStandIn:
    """The engine's litellm becomes a stand-in for the rest of the test (its import included)."""
    import sys

    from duels_tui.engine import litellm_source

    standin = LiteLLMStandIn()
    monkeypatch.setattr(litellm_source, "_litellm", standin)
    monkeypatch.setitem(sys.modules, "litellm", standin)
    return standin
