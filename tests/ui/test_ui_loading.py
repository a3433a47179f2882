"""Model loading on screen, against the scripted server playing ollama's loading: a model slow to
load plays its duel without an error, its pane saying what it waits for; two models too big for
memory together answer one after the other, Home saying so beforehand and the panes while it
happens; the load time is shown at the reveal and exported apart."""

from __future__ import annotations

import json
import random
import re

import pytest
from ui_helpers import screen_lines, wait_until

from duels_tui.arena.state import AnswerStatus
from duels_tui.arena.workshop import Workshop
from duels_tui.numbers import duration
from duels_tui.outputs.export import export
from duels_tui.ui.app import DuelsApp

LOAD_S = 3.0  # a 30 s load, ten times faster ...
FIRST_TOKEN_S = 1.0  # ... against the first-token timeout of before (10 s), ten times shorter


def pane_text(app, side: str) -> str:
    """Pane A's or B's lines (side by side at 120 columns), joined."""
    rows = [line for line in screen_lines(app) if line.count("│") >= 4]
    half = [row.split("││")[0 if side == "A" else -1].strip("│ ") for row in rows if "││" in row]
    return " ".join(" ".join(half).split())


@pytest.mark.asyncio
async def test_a_model_slow_to_load_plays_its_duel_and_shows_the_loading(scripted_server, store, tmp_path):
    from ui_helpers import classique_on

    catalog, programme = classique_on(scripted_server)
    workshop = Workshop.start(programme, catalog, store, rng=random.Random(3))
    workshop.request_settings = {"connect_timeout_s": FIRST_TOKEN_S}
    duel = workshop.duels[1]  # Llama 3.3 70B against Gemma 3 4B
    slow = duel.sides["A"]
    scripted_server.script(slow, tokens=30, delay_s=0.01, load_s=LOAD_S)
    app = DuelsApp(workshop)
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.press("down", "enter")  # Home: the second duel
        # The duel's screen loads its models at once: the room sees it, counted in seconds.
        await wait_until(pilot, lambda: re.search(r"chargement du modèle en mémoire… [1-9]\d* s", pane_text(app, "A")),
                         what="the loading state with its seconds")
        await pilot.press("f5")  # launched while loading (on a busy machine, maybe just after)
        await wait_until(pilot, lambda: duel.turns and not duel.streaming, timeout=15, what="both answers")
        answer = duel.turns[0].answers["A"]
        assert answer.status is AnswerStatus.DONE, answer.error
        assert LOAD_S <= answer.load_s < 3 * LOAD_S  # a busy machine adds its own delays
        assert answer.timings.ttft_s < FIRST_TOKEN_S
        await pilot.pause(0.3)
        assert "chargement" not in pane_text(app, "A") and "jetons" in pane_text(app, "A")
        await pilot.press("ctrl+v")
        await wait_until(pilot, lambda: app.screen.query("#count-a"), what="the vote")
        await pilot.press("1", "enter")  # one hand for A, reveal
        await wait_until(pilot, lambda: "Chargé en mémoire en" in " ".join(screen_lines(app)), what="the reveal")
        revealed = pane_text(app, "A")
        took = duration(answer.load_s)  # "3,2 s"
        assert f"Chargé en mémoire en {took} avant de répondre (non compté dans son temps de réponse)." in revealed
    row = store._rows("SELECT load_s FROM answers WHERE id = ?", (answer.answer_id,))[0]
    assert row["load_s"] == pytest.approx(answer.load_s)
    out = tmp_path / "export.jsonl"
    export(store, "jsonl", out)
    exported = [m for line in out.read_text(encoding="utf-8").splitlines() for side in "ab"
                for m in json.loads(line)[f"conversation_{side}"] if m["role"] == "assistant"]
    assert sorted(m["metadata"]["load_s"] is None for m in exported) == [False, False]
    assert any(m["metadata"]["load_s"] == pytest.approx(answer.load_s) for m in exported)


@pytest.mark.asyncio
async def test_a_pair_too_big_for_memory_answers_one_after_the_other(store):
    from ui_helpers import classique_on

    from scripted_server import ScriptedServer

    huge = 10**13  # 10 TB each: more than this machine has, whatever it is
    with ScriptedServer(memory_bytes=int(1.5 * huge)) as server:
        catalog, programme = classique_on(server)
        workshop = Workshop.start(programme, catalog, store, rng=random.Random(3))
        duel = workshop.duels[1]
        for side, first_token_s in (("A", 1.0), ("B", 0.0)):  # A slow enough to see B wait on a busy machine
            server.script(duel.sides[side], tokens=40, delay_s=0.05, first_token_delay_s=first_token_s,
                          size_bytes=huge, load_s=0.3)
        app = DuelsApp(workshop)
        async with app.run_test(size=(120, 35)) as pilot:
            await wait_until(pilot, lambda: app.availability is not None, what="Home's check")
            await pilot.pause(0.2)
            home = " ".join(" ".join(screen_lines(app)).split())
            assert "⚠ l'un après l'autre : ensemble ils demandent 24 000 Go de mémoire, " in home
            await pilot.press("down", "enter")
            await wait_until(pilot, lambda: "se chargera après l'autre (mémoire)" in pane_text(app, "B"),
                             what="B saying when it loads")
            await pilot.press("f5")
            seen = [""]

            def b_waits() -> bool:
                seen.append(pane_text(app, "B"))
                return "attend son tour (mémoire)… " in seen[-1]

            await wait_until(pilot, b_waits, what="B waiting for A")
            assert "Les deux modèles ne tiennent pas ensemble en mémoire : celui-ci répondra après l'autre, " \
                   "chronométré à part." in seen[-1]
            await wait_until(pilot, lambda: duel.turns and not duel.streaming, timeout=15, what="both answers")
        a, b = (duel.turns[0].answers[s] for s in "AB")
        assert a.status is b.status is AnswerStatus.DONE
        (chat_a,), (chat_b,) = (server.chat_requests(duel.sides[s]) for s in "AB")
        assert chat_b.received_at > chat_a.received_at + a.timings.total_s  # B asked once A was done
        assert b.timings.ttft_s < 0.5 and b.load_s >= 0.3  # B timed on its own, its load apart
        assert server.loads == [duel.sides["A"], duel.sides["B"]]  # each loaded once, no thrashing
