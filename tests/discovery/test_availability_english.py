"""What can run, said in English for `--lang en` (Home shows it), against a real refused port and
the scripted ollama; the French stays what `duels check` prints."""

from __future__ import annotations

import asyncio
import dataclasses

from duels_tui.arena.testing import demo_catalog
from duels_tui.availability import check
from french_markers import french_left


def test_every_reason_and_hint_in_english(scripted_server, closed_port, monkeypatch):
    from scripted_server import ModelScript

    scripted_server.add(ModelScript("gemma3:4b"))
    monkeypatch.setenv("MISTRAL_API_KEY", "sk-test")
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    monkeypatch.setenv("OLLAMA_HOST", scripted_server.base_url.removeprefix("http://"))
    catalog = demo_catalog()
    # one model on a server that refuses connections, the others as the demo catalog has them
    catalog.models["qwq-32b"] = dataclasses.replace(
        catalog.models["qwq-32b"], route="openai/qwq", api_base=f"http://127.0.0.1:{closed_port}/v1"
    )
    availability = asyncio.run(check(catalog))
    statuses = availability.models
    keys = {s.key for s in statuses.values()}
    assert {"ollama.ok", "ollama.missing", "key.ok", "key.missing", "server.down"} <= keys
    for status in statuses.values():
        assert status.text("fr") == (status.reason, status.hint)
        reason, hint = status.text("en")
        assert reason and french_left(f"{reason} {hint or ''}") == [], (status.key, reason, hint)
        if status.hint:
            assert hint and hint != status.hint
    refused = next(e for e in availability.endpoints if not e.reachable)
    assert refused.error == "connexion refusée" and refused.error_text("en") == "connection refused"
    assert availability.to_json()["models"]["qwq-32b"]["reason"] == statuses["qwq-32b"].reason

