"""Helpers for the fault suite: a duel of the classique programme played through the app against
the scripted server, and the checks every fault must pass once the duel is over."""

from __future__ import annotations

import asyncio
import dataclasses
import html
import re
import time

from duels_tui.arena.state import AnswerStatus
from duels_tui.arena.workshop import Workshop
from duels_tui.store import Store
from duels_tui.text_safety import visible_text
from duels_tui.ui.widgets.answer_pane import AnswerPane

# Short explicit timeouts, so that a stall or a silent server ends a test in a few seconds. The
# stall's is above litellm's own silences: between an 800-token answer's last words and its end,
# litellm worked 1.2 s here at a load of 5 (tests/faults' litellm cases failed on 0.6 s as stalls).
REQUEST_SETTINGS = {"connect_timeout_s": 3.0, "stall_timeout_s": 2.0, "retries": 0}


def classique_on(server):
    """The classique programme and catalog, every model served by the scripted server under its
    own id (as tests/ui does; ui/ is not on this directory's import path)."""
    from duels_tui.catalog import load_catalog
    from duels_tui.config.programme import load_programme
    from scripted_server import ModelScript

    catalog = load_catalog()
    programme = load_programme("classique", catalog)
    for duel in programme.duels:
        for model_id in duel.model_ids:
            server.add(ModelScript(model_id, tokens=40, delay_s=0.005))
            point(
                catalog,
                model_id,
                route=f"ollama_chat/{model_id}",
                api_base=server.base_url,
                api_key_env=None,
                profile="datacenter-h100",
            )
    return catalog, programme


async def wait_until(pilot, predicate, timeout: float = 30.0, what: str = "condition", state=None) -> None:
    """`pilot.pause()` does not wait for workers: poll until `predicate()` holds; `state()` says
    what stood instead when it never does. `timeout` only stops a test that would hang, it
    measures nothing (10 s ran out at a load of 12 on 2 cores: the answers did end)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}" + (f": {state()}" if state else ""))
        await pilot.pause(0.02)


def screen_text(app) -> str:
    """What the terminal shows, one line of text (from the SVG screenshot's text runs)."""
    runs = re.findall(r"<text[^>]*>(.*?)</text>", app.export_screenshot())
    return " ".join(html.unescape("".join(runs)).replace("\xa0", " ").split())


def point(catalog, model_id: str, **fields) -> None:
    """Change one card of the (shared) catalog: the next request for that model follows it."""
    catalog.models[model_id] = dataclasses.replace(catalog.models[model_id], **fields)


def pane(app, side: str) -> AnswerPane:
    return app.screen.query_one(f"#pane-{side.lower()}", AnswerPane)


def last(workshop: Workshop, i: int, side: str):
    return workshop.duels[i].turns[-1].answers[side]


def turn_over(workshop: Workshop, i: int) -> bool:
    duel = workshop.duels[i]
    return bool(duel.turns) and not duel.streaming


def panes_in_sync(app, workshop: Workshop, i: int) -> bool:
    """Both panes show their whole answer, after its final render."""
    from duels_tui.ui.screens.duel import DuelScreen

    screen = app.screen
    if not isinstance(screen, DuelScreen) or screen.index != i or screen.streaming:
        return False
    return all(
        pane(app, side)._finished and pane(app, side).shown_text == visible_text(last(workshop, i, side).text)
        for side in "AB"
    )


def sync_state(app, workshop: Workshop, i: int) -> str:
    answers = {s: (a.status.value, len(a.text)) for s, a in workshop.duels[i].turns[-1].answers.items()}
    panes = {s: (pane(app, s)._finished, len(pane(app, s).shown_text)) for s in "AB"}
    return f"screen={app.screen!r} streaming={getattr(app.screen, 'streaming', None)} answers={answers} panes={panes}"


def duel_tasks() -> list[asyncio.Task]:
    """The engine's tasks (one per side, see engine.duel) that are still running."""
    return [t for t in asyncio.all_tasks() if t.get_name().startswith("duel-") and not t.done()]


def assert_stored_as_shown(store_path, workshop: Workshop) -> None:
    """A second connection (as `duels export` would open) reads what the app holds in memory:
    every answer's status, text, reasoning, error, usage, finish reason and attempt; the duel's
    step and the session's position too."""
    with Store.open(store_path) as other:
        stored = Workshop.load(other, workshop.catalog, workshop.session_id)
        assert stored is not None
        assert (stored.step, stored.current) == (workshop.step, workshop.current)
        for mine, theirs in zip(workshop.duels, stored.duels, strict=True):
            assert theirs.step is mine.step
            assert len(theirs.turns) == len(mine.turns)
            for turn, stored_turn in zip(mine.turns, theirs.turns, strict=True):
                for side in "AB":
                    a, b = turn.answers[side], stored_turn.answers[side]
                    assert (b.status, b.text, b.reasoning, b.attempt) == (a.status, a.text, a.reasoning, a.attempt)
                    assert b.error == a.error
                    assert b.usage == a.usage
                    assert b.timings.finish_reason == a.timings.finish_reason
                    # A finished answer's chunks are folded into its text in one transaction.
                    chunks = ("", "") if a.status.finished else (a.text, a.reasoning)
                    assert other.chunk_text(b.answer_id) == chunks


def assert_nothing_left_open(server) -> None:
    """No engine task still runs, and no request is still in flight: each one was answered to
    its end, or its connection is closed (cut by the server, or left by the client). An idle
    keep-alive connection in litellm's pool is no leak while the app runs."""
    assert duel_tasks() == []
    in_flight = [r for r in server.chat_requests() if not r.completed and server.is_open(r.connection_id)]
    assert in_flight == [], [r.to_json() for r in in_flight]


async def wait_closed(server, timeout: float = 3.0) -> None:
    """Once the app has exited, not even an idle connection is left (the app closes litellm's
    clients when it unmounts)."""
    deadline = time.monotonic() + timeout
    while server.open_connections and time.monotonic() < deadline:
        await asyncio.sleep(0.02)
    assert server.open_connections == 0


def answer_is_whole(answer) -> bool:
    return answer.status is AnswerStatus.DONE and answer.error is None and answer.text != ""
