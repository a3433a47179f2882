"""Every message matches what the keys then do (issue 12, and issue 13's « r retries after a
refused error »), and numbers read as a French reader writes them: driven through the app with
keys, on a real pack and the scripted server."""

from __future__ import annotations

import asyncio
import dataclasses
import random
import re
from collections.abc import AsyncIterator

import pytest
from textual.widgets import Footer
from ui_helpers import screen_text, wait_until

from duels_tui.arena.state import AnswerStatus
from duels_tui.arena.testing import demo_catalog, demo_programme, stream_turn
from duels_tui.arena.votes import VoteCounts
from duels_tui.arena.workshop import Workshop
from duels_tui.engine import errors
from duels_tui.engine.events import AnswerRequest, StreamEvent, TextDelta, Usage
from duels_tui.numbers import NNBSP
from duels_tui.ui.app import DuelsApp

pytestmark = pytest.mark.asyncio


def _footer(app) -> str:
    footer = app.screen.query(Footer)
    if not footer:
        return ""
    return " ".join(f"{k.key_display} {k.description}" for k in footer.first().query("FooterKey") if not k.disabled)


def _flat(text: str) -> str:
    return " ".join(text.replace("│", " ").split())


class StallingSource:
    """What a pack recorded from: one model wrote a few words then went silent (the engine's
    stall after 30 s, reported as it would be), the other answered in full."""

    async def stream(self, request: AnswerRequest) -> AsyncIterator[StreamEvent]:
        for word in ("Les ", "centres ", "de ", "données "):
            yield TextDelta(word)
        if "mistral" in request.route:
            yield Usage(None, 4, "estimate")
            yield errors.stalled(30)
            return
        yield Usage(12, 4, "server")
        from duels_tui.engine.events import Done

        yield Done(0.05, 0.1, 0.15, 40.0, "stop")


async def test_a_replayed_stall_says_when_it_happened_and_offers_no_retry(tmp_path, store):
    from duels_tui.packs.format import load_pack, save_pack
    from duels_tui.packs.record import record_programme
    from duels_tui.packs.replay import prepare_replay

    recording = await record_programme(demo_programme(1), demo_catalog(), StallingSource())
    replay = prepare_replay(load_pack(save_pack(recording.document, tmp_path / "p.pack.json")), demo_catalog())
    workshop = Workshop.start(replay.programme, replay.catalog, store, rng=random.Random(5))
    workshop.recorded_on = replay.recorded_on()
    app = DuelsApp(workshop, source_factory=lambda: replay.source_for)
    async with app.run_test(size=(120, 35)) as pilot:
        app.open_duel(0)
        await pilot.pause()
        await pilot.press("f5")  # the replay shows the failure at once, not after 30 s
        duel = workshop.duels[0]
        await wait_until(pilot, lambda: duel.turns and not duel.streaming, what="the replay")
        side = next(s for s in "AB" if duel.turns[0].answers[s].status is AnswerStatus.ERROR)
        await wait_until(pilot, lambda: "enregistrement du pack" in _flat(screen_text(app)), what="the notice")
        shown = _flat(screen_text(app))
        assert "Cette réponse a échoué pendant l'enregistrement du pack." in shown and "30 secondes" in shown
        assert "ctrl+r" not in shown and "touche r" not in shown
        assert "Relancer" not in _footer(app) and "Voter" in _footer(app)
        await pilot.press("ctrl+r")  # nothing to retry: a replay gives the same
        await pilot.pause(0.2)
        assert duel.turns[0].answers[side].attempt == 1 and not duel.streaming


async def _played(pilot, app, workshop):
    """The first duel opened, launched with F5 and answered; returns it."""
    app.open_duel(0)
    await pilot.pause()
    await pilot.press("f5")
    duel = workshop.duels[0]
    await wait_until(pilot, lambda: duel.turns and not duel.streaming, what="the answers")
    return duel


async def test_a_refused_answer_offers_no_retry(classique_workshop, scripted_server):
    workshop = classique_workshop
    refused = workshop.duels[0].sides["B"]
    scripted_server.script(refused, status=401)  # the provider refuses the key
    app = DuelsApp(workshop)
    async with app.run_test(size=(120, 35)) as pilot:
        duel = await _played(pilot, app, workshop)
        answer = duel.turns[0].answers["B"]
        assert answer.status is AnswerStatus.ERROR and answer.error.key == "auth" and not answer.retryable
        await wait_until(pilot, lambda: "refusé l'accès" in _flat(screen_text(app)), what="the pane's error")
        shown = _flat(screen_text(app))
        assert "ctrl+r" not in shown and "relancez cette" not in shown
        assert "quittez (ctrl+q)" in shown  # what does work: the key is read at start
        assert "Relancer" not in _footer(app)
        await pilot.press("ctrl+r")
        await pilot.pause(0.2)
        chats = [r for r in scripted_server.requests if r.path == "/api/chat" and r.body.get("model") == refused]
        assert answer.attempt == 1 and len(chats) == 1


async def test_a_count_above_its_limit_says_why(scripted_server, store):
    """A limit of 10 output tokens (max_tokens), an answer cut there, and a server that gives no
    count: the count shown is an estimate from the text, above 10; the pane says so."""
    from ui_helpers import classique_on
    from ui_helpers import screen_text as text_of

    catalog, programme = classique_on(scripted_server)
    first = dataclasses.replace(programme.duels[0], max_tokens=10)
    programme = dataclasses.replace(programme, duels=(first, *programme.duels[1:]))
    for model_id in first.model_ids:
        scripted_server.script(model_id, tokens=["anticonstitutionnellement "] * 40, usage=False)
    workshop = Workshop.start(programme, catalog, store, rng=random.Random(3))
    app = DuelsApp(workshop)
    async with app.run_test(size=(160, 45)) as pilot:
        duel = await _played(pilot, app, workshop)
        answer = duel.turns[0].answers["A"]
        assert answer.timings.finish_reason == "length" and answer.output_tokens > 10
        shown = _flat(text_of(app))
        await wait_until(pilot, lambda: "jetons de sortie" in _flat(text_of(app)), what="the notice")
        shown = _flat(text_of(app))
        assert "limite que le programme fixe à chaque réponse, 10 jetons de sortie" in shown
        assert f"Le compte affiché ({answer.output_tokens} jetons) est une estimation" in shown
        assert f"{answer.output_tokens} jetons générés (estimation)" in shown


async def test_the_reveal_and_the_final_write_numbers_in_french(workshop):
    stream_turn(workshop, 0)
    workshop.record_vote(0, VoteCounts(a=14, b=9, tie=3, none=1), {"A": set(), "B": set()})
    for lang, votes, share, params in (("fr", "14 voix", f"57{NNBSP}%", "milliards de paramètres"),
                                       ("en", "14 votes", "57%", "billion parameters")):
        app = DuelsApp(workshop, lang=lang, source_factory=lambda: None)
        async with app.run_test(size=(160, 45)) as pilot:
            await pilot.pause()
            app.open_reveal(0)
            await pilot.pause(0.2)
            shown = screen_text(app).replace("\u00a0", " ")
            assert f"{votes} ({share})" in shown and params in shown
            await pilot.press("f")
            await pilot.pause(0.2)
            shown = screen_text(app)
            assert share in shown and ("1,00" in shown if lang == "fr" else "1.00" in shown)
            wrong_mark = r"\d\.\d\d\b" if lang == "fr" else r"\d,\d\d\b"  # a score in the other language
            assert not re.search(wrong_mark, shown)


async def test_the_session_date_on_home_is_french(workshop):
    workshop.created_at = "2026-11-23T09:00:00+00:00"
    app = DuelsApp(workshop, source_factory=lambda: None)
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        assert "du 23/11/2026" in screen_text(app)
    await asyncio.sleep(0)
