"""A blind session (`--aveugle`, or `blind = true` in the programme): before a duel is revealed,
nothing names its models nor hints at the pair. Checked the strict way: two sessions whose
duels have the same titles and prompts but other pairs look exactly alike, key by key, on Home,
in every lesson (F1), in the command palette, in the terminal's title and in the export; once a
duel is revealed, its models are named."""

from __future__ import annotations

import io
import json
import random
from dataclasses import replace

import pytest
from ui_helpers import screen_text, wait_until

from duels_tui.arena.testing import demo_catalog, demo_programme, stream_turn
from duels_tui.arena.votes import VoteCounts
from duels_tui.arena.workshop import Workshop
from duels_tui.availability import Availability, Endpoint, ModelStatus
from duels_tui.explain import LESSON_KEYS
from duels_tui.outputs.export import export
from duels_tui.store import Store
from duels_tui.ui.app import DuelsApp

PAIRS = {
    "first": [("claude-3.5-sonnet", "mistral-small-3"), ("llama-3.3-70b", "gemma-3-4b"), ("qwq-32b", "deepseek-r1")],
    "other": [("qwq-32b", "gemma-3-4b"), ("claude-3.5-sonnet", "deepseek-r1"), ("llama-3.3-70b", "mistral-small-3")],
}


class BlindApp(DuelsApp):
    """Every model can run but Claude, whose key is missing (the reason names its key)."""

    async def check_availability(self):
        models = {model_id: ModelStatus(model_id, True, "prêt") for model_id in self.catalog.models}
        models["claude-3.5-sonnet"] = ModelStatus("claude-3.5-sonnet", False, "clé ANTHROPIC_API_KEY absente",
                                                  "définissez ANTHROPIC_API_KEY")
        return Availability([Endpoint("http://127.0.0.1:11434", "ollama", True)], {}, models)


def blind_workshop(tmp_path, pairs: str, *, blind: bool = True) -> Workshop:
    base = demo_programme()
    duels = tuple(replace(d, model_ids=pair) for d, pair in zip(base.duels, PAIRS[pairs], strict=True))
    store = Store.open(tmp_path / f"{pairs}.sqlite3")
    workshop = Workshop.start(replace(base, duels=duels), demo_catalog(), store, rng=random.Random(4), blind=blind)
    workshop.created_at = "2026-11-23T09:00:00+00:00"
    stream_turn(workshop, 0)  # duel 1 played, not voted: its answers are on screen
    return workshop


async def _everything_shown(app) -> dict[str, str]:
    """What the room can see without a reveal: Home, each lesson, the palette, the title."""
    seen: dict[str, str] = {}
    async with app.run_test(size=(120, 35)) as pilot:
        await wait_until(pilot, lambda: "utilisables maintenant" in screen_text(app), what="Home's check")
        seen["home"] = screen_text(app)
        seen["title"] = f"{app.title} {app.sub_title}"
        await pilot.press("f1")
        for key in LESSON_KEYS:
            await pilot.pause(0.2)
            if key == "jetons":  # its tokenizer loads once per process: the first time, later
                await wait_until(pilot, lambda: "caractères" in screen_text(app), what="the token count")
            seen[f"lesson {key}"] = screen_text(app)
            await pilot.press("right")
        await pilot.press("escape", "ctrl+p")
        await pilot.pause(0.3)
        seen["palette"] = screen_text(app)
    return seen


def _export(workshop) -> list[dict]:
    out = io.StringIO()
    export(workshop.store, "jsonl", out)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    for row in rows:  # what differs between any two sessions: their random id, their clock
        for key in ("id", "timestamp", "conversation_pair_id", "session_hash", "session_started_at"):
            row.pop(key)
        for side in ("a", "b"):
            for message in row[f"conversation_{side}"]:
                message["metadata"].pop("duration", None)
    return rows


@pytest.mark.asyncio
async def test_nothing_tells_the_pairs_apart_before_the_reveal(tmp_path):
    first, other = blind_workshop(tmp_path, "first"), blind_workshop(tmp_path, "other")
    seen_first = await _everything_shown(BlindApp(first))
    seen_other = await _everything_shown(BlindApp(other))
    for what in seen_first:
        assert seen_first[what] == seen_other[what], f"{what} tells the pairs apart"
    assert "à l'aveugle" in seen_first["home"] and "duels check" in seen_first["home"]
    for name in ("Claude", "Mistral", "ANTHROPIC", "QwQ", "Gemma", "Llama", "DeepSeek"):
        assert name not in seen_first["home"] and name not in seen_first["palette"]
    assert _export(first) == _export(other)
    row = _export(first)[0]
    assert row["model_a_name"] is None and row["total_conv_a_kwh"] is None and row["conversation_a"]


@pytest.mark.asyncio
async def test_a_revealed_duel_is_named_the_next_one_not(tmp_path):
    workshop = blind_workshop(tmp_path, "first")
    workshop.record_vote(0, VoteCounts(a=5, b=3))
    workshop.show_reveal(0)
    app = BlindApp(workshop)
    async with app.run_test(size=(120, 35)) as pilot:
        await wait_until(pilot, lambda: "utilisables maintenant" in screen_text(app), what="Home's check")
        home = screen_text(app)
        assert "Claude 3.5 Sonnet" in home  # duel 1's winner, revealed
        assert "Llama" not in home and "Gemma" not in home  # duel 2, not yet
    row = _export(workshop)[0]
    assert {row["model_a_name"], row["model_b_name"]} == {"claude-3.5-sonnet", "mistral-small-3"}


@pytest.mark.asyncio
async def test_by_default_home_announces_the_pairs(tmp_path):
    app = BlindApp(blind_workshop(tmp_path, "first", blind=False))
    async with app.run_test(size=(120, 35)) as pilot:
        await wait_until(pilot, lambda: "utilisables maintenant" in screen_text(app), what="Home's check")
        home = screen_text(app)
        assert "Claude 3.5 Sonnet vs Mistral Small 3" in home and "à l'aveugle" not in home


@pytest.mark.parametrize("size", [(80, 24), (120, 35)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_blind_home_snapshot(size, tmp_path, snap_compare):
    app = BlindApp(blind_workshop(tmp_path, "first"))

    async def checked(pilot):
        await app.workers.wait_for_complete()
        await pilot.pause(0.1)

    assert snap_compare(app, terminal_size=size, run_before=checked)
