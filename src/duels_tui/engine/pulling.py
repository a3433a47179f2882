"""Fetching a model into ollama (`POST /api/pull`), with its progress.

ollama streams one JSON object a line (its docs/api.md, "Pull a Model"): `pulling manifest`, then
per layer `{"status": "pulling <digest>", "digest", "total", "completed"}` as bytes arrive, then
`verifying sha256 digest`, `writing manifest`, `success`; a failure is a line `{"error": ...}`
(the HTTP status is 200 once the stream has begun). A cancelled pull resumes where it stopped.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from duels_tui.endpoints import api_base_for, ollama_model_name

# (bytes received, bytes in all, ollama's status line) as the pull goes on.
OnProgress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class PullOutcome:
    ok: bool
    error: str = ""  # ollama's own words, or the connection's failure
    total_bytes: int = 0


async def pull(route: str, api_base: str | None, on_progress: OnProgress = lambda *_: None) -> PullOutcome:
    """Pull the ollama model of `route`; never raises for a failure of the server or network."""
    import httpx

    from duels_tui.engine.http_source import shared_client

    base = (api_base_for(route, api_base) or "").rstrip("/")
    layers: dict[str, tuple[int, int]] = {}  # digest -> (completed, total)
    body = {"model": ollama_model_name(route), "stream": True}
    client = await shared_client()
    try:
        # No read timeout: a layer of several gigabytes may sit on "verifying" for a while.
        timeout = httpx.Timeout(30.0, read=None)
        async with client.stream("POST", f"{base}/api/pull", json=body, timeout=timeout) as reply:
            if reply.status_code >= 300:
                said = (await reply.aread()).decode("utf-8", "replace")[:500]
                return PullOutcome(False, _error_text(said) or f"HTTP {reply.status_code}")
            async for line in reply.aiter_lines():
                if not line.strip():
                    continue
                try:
                    update = json.loads(line)
                except ValueError:
                    return PullOutcome(False, f"réponse illisible d'ollama : {line[:200]}")
                if not isinstance(update, dict):
                    continue
                if update.get("error"):
                    return PullOutcome(False, str(update["error"]), _total(layers))
                digest, total = update.get("digest"), update.get("total")
                if isinstance(digest, str) and isinstance(total, int) and total > 0:
                    completed = update.get("completed")
                    layers[digest] = (completed if isinstance(completed, int) else 0, total)
                on_progress(sum(c for c, _ in layers.values()), _total(layers), str(update.get("status", "")))
                if update.get("status") == "success":
                    return PullOutcome(True, "", _total(layers))
    except httpx.HTTPError as exc:
        return PullOutcome(False, f"{type(exc).__name__} : {exc}" if str(exc) else type(exc).__name__, _total(layers))
    return PullOutcome(False, "le téléchargement s'est arrêté avant sa fin", _total(layers))


def _total(layers: dict[str, tuple[int, int]]) -> int:
    return sum(t for _, t in layers.values())


def _error_text(said: str) -> str:
    try:
        body = json.loads(said)
    except ValueError:
        return said.strip()
    return str(body.get("error", "")) if isinstance(body, dict) else said.strip()
