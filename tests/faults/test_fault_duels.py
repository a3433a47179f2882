"""Faults at the workshop's level: one side of a duel fails in every way a server can fail, through
the real app, engine (each live source: litellm and direct HTTP) and store, against the scripted
server. The engine's own tests (tests/engine) check each error's kind and words; here each fault
must end with the other pane whole, a French message in the failed pane, the database holding what
the screen shows, and no engine task or connection left open. Each fault is also played with Esc
pressed while the other side still streams."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import pytest
from fault_helpers import (
    REQUEST_SETTINGS,
    answer_is_whole,
    assert_nothing_left_open,
    assert_stored_as_shown,
    classique_on,
    last,
    pane,
    panes_in_sync,
    point,
    screen_text,
    sync_state,
    turn_over,
    wait_closed,
    wait_until,
)

from duels_tui.arena.state import AnswerStatus, Step
from duels_tui.arena.workshop import Workshop
from duels_tui.engine.events import ErrorKind
from duels_tui.engine.http_source import DirectSource
from duels_tui.engine.litellm_source import LiteLLMSource, import_litellm
from duels_tui.ui.app import DuelsApp
from scripted_server import ANSWER_TOKENS

pytestmark = pytest.mark.asyncio

OTHER = {"tokens": 30, "delay_s": 0.004}  # the side that does not fail: done in about 0.15 s
OTHER_SLOW = {"tokens": 1200, "delay_s": 0.05}  # ... or still streaming when Esc is pressed (60 s)


@dataclass(frozen=True)
class Fault:
    kind: ErrorKind | None  # None: no error, the answer ends (cut by max_tokens)
    words: str  # what the failed pane must say, in French
    script: dict = field(default_factory=dict)
    card: dict = field(default_factory=dict)  # how the failing model's card is pointed elsewhere
    kept: int = 0  # tokens of the failed answer that must stay on screen
    flavour: str = "ollama"


FAULTS = {
    "refused": Fault(ErrorKind.UNREACHABLE, "ne répond pas", card={"api_base": "closed"}),
    "drop": Fault(ErrorKind.UNREACHABLE, "coupée en pleine réponse", {"tokens": 40, "drop_after": 5}, kept=5),
    "stall": Fault(ErrorKind.STALLED, "arrêté en pleine réponse", {"tokens": 40, "stall_after": 5}, kept=5),
    "404": Fault(ErrorKind.MODEL_NOT_FOUND, "pas disponible sur le serveur", card={"route": "absent"}),
    "500": Fault(ErrorKind.OTHER, "erreur interne", {"status": 500}),
    "malformed": Fault(
        ErrorKind.BAD_RESPONSE, "réponse illisible", {"tokens": 40, "malformed_after": 5}, kept=5, flavour="openai"
    ),
    "max_tokens": Fault(None, "800 jetons de sortie (max_tokens)", {"tokens": 100_000, "delay_s": 0}, kept=800),
}


def _first_words(n: int) -> str:
    """The scripted server's first n tokens (each pass over its text starts a new paragraph)."""
    tokens = [ANSWER_TOKENS[i % len(ANSWER_TOKENS)] for i in range(n)]
    return "".join(t if i % len(ANSWER_TOKENS) else "\n\n" + t.lstrip() for i, t in enumerate(tokens)).lstrip()


SOURCES = {"litellm": LiteLLMSource, "direct": DirectSource}


@pytest.fixture(params=list(SOURCES))
def duel_app(request, scripted_server, store, closed_port):
    """The classique programme on the scripted server, and `arm(i, fault, other)`, which scripts
    duel i: its side B fails with `fault`, its side A answers as `other` says. Each test runs
    once with each live source (the app's own, RoutedSource, picks the direct one for these
    local routes)."""
    if request.param == "litellm":
        # Imported before the clock runs, as the app's preload does: the first import took 20 s
        # here under load and the first litellm test's answers never began within its 30 s.
        import_litellm()
    catalog, programme = classique_on(scripted_server)
    workshop = Workshop.start(programme, catalog, store, rng=random.Random(3))
    workshop.request_settings = dict(REQUEST_SETTINGS)

    def arm(i: int, fault: Fault, other: dict) -> None:
        failing, fine = workshop.duels[i].sides["B"], workshop.duels[i].sides["A"]
        scripted_server.script(fine, **other)
        scripted_server.script(failing, **{"delay_s": 0.004, **fault.script})
        card = dict(fault.card)
        if card.get("api_base") == "closed":
            card["api_base"] = f"http://127.0.0.1:{closed_port}"
        if card.get("route") == "absent":
            card["route"] = "ollama_chat/absent:7b"
        if fault.flavour == "openai":
            card |= {"route": f"openai/{failing}", "api_base": scripted_server.openai_base}
        if card:
            point(catalog, failing, **card)

    return DuelsApp(workshop, source_factory=SOURCES[request.param]), workshop, arm


async def _in_sync(pilot, app, workshop, i: int) -> None:
    await wait_until(pilot, lambda: turn_over(workshop, i), what="both answers end")
    await wait_until(
        pilot,
        lambda: panes_in_sync(app, workshop, i),
        what="both panes in sync",
        state=lambda: sync_state(app, workshop, i),
    )


@pytest.mark.parametrize("name", list(FAULTS))
async def test_one_side_fails(name, duel_app, scripted_server, store):
    """Duel 1: the fault, the other side whole. Duel 2: the same fault, and Esc while the other
    side still streams (during the stall itself for a stalling server)."""
    fault = FAULTS[name]
    app, workshop, arm = duel_app
    arm(0, fault, OTHER)
    async with app.run_test(size=(160, 45)) as pilot:
        app.open_duel(0)
        await pilot.pause()
        await pilot.press("f5")
        await _in_sync(pilot, app, workshop, 0)
        failed, other = last(workshop, 0, "B"), last(workshop, 0, "A")

        assert answer_is_whole(other) and other.text == _first_words(OTHER["tokens"])
        assert pane(app, "A").shown_text == other.text
        if fault.kind is None:
            assert failed.status is AnswerStatus.DONE and failed.timings.finish_reason == "length"
            assert failed.usage.completion_tokens == fault.kept
        else:
            assert failed.status is AnswerStatus.ERROR and failed.error.kind is fault.kind
        assert failed.text == _first_words(fault.kept)  # what the room saw is kept
        assert pane(app, "B").shown_text == failed.text
        shown = screen_text(app)
        assert fault.words in shown
        assert workshop.duels[0].sides["B"] not in shown  # the message stays anonymous
        assert workshop.duels[0].step is Step.STREAMING  # the room can still retry, then vote
        assert_stored_as_shown(store.path, workshop)
        assert_nothing_left_open(scripted_server)

        arm(1, fault, OTHER_SLOW)
        workshop.request_settings["stall_timeout_s"] = 30  # Esc lands during the stall
        app.open_duel(1)
        await pilot.pause()
        await pilot.press("f5")
        failed_side_over = (
            (lambda: last(workshop, 1, "B").status is not AnswerStatus.STREAMING)
            if name not in ("stall", "max_tokens")
            else (lambda: len(last(workshop, 1, "B").text) > 0)  # Esc lands during the stall / the flood
        )
        await wait_until(pilot, failed_side_over, what="the failing side's turn")
        await wait_until(pilot, lambda: len(last(workshop, 1, "A").text) > 20, what="the other side's first words")
        assert app.screen.streaming
        await pilot.press("escape")
        await _in_sync(pilot, app, workshop, 1)
        failed, other = last(workshop, 1, "B"), last(workshop, 1, "A")

        assert other.status is AnswerStatus.CANCELLED and other.retryable
        assert other.text and _first_words(OTHER_SLOW["tokens"]).startswith(other.text)
        if name == "stall":
            assert failed.status is AnswerStatus.CANCELLED and failed.text == _first_words(fault.kept)
        elif fault.kind is None:
            assert failed.status in (AnswerStatus.CANCELLED, AnswerStatus.DONE)
        else:
            assert failed.status is AnswerStatus.ERROR and failed.error.kind is fault.kind  # not overwritten
        for side in "AB":
            assert pane(app, side).shown_text == last(workshop, 1, side).text
        shown = screen_text(app)
        assert "Réponse interrompue" in shown
        if failed.status is AnswerStatus.ERROR:
            assert fault.words in shown
        assert_stored_as_shown(store.path, workshop)
        assert_nothing_left_open(scripted_server)
    await wait_closed(scripted_server)


async def test_a_slow_and_a_fast_model(duel_app, scripted_server, store):
    """The fast answer is whole on screen, scrolled to its end, while the slow one still streams;
    Esc then stops the slow one only, and going home after the end shows the home screen."""
    from duels_tui.ui.screens.home import HomeScreen

    app, workshop, arm = duel_app
    # The slow side would take 60 s: it must still stream however loaded the machine is (Esc ends it).
    arm(0, Fault(None, "", {"tokens": 600, "delay_s": 0}), {"tokens": 1200, "delay_s": 0.05})
    async with app.run_test(size=(160, 45)) as pilot:
        app.open_duel(0)
        await pilot.pause()
        await pilot.press("f5")
        fast_done = lambda: last(workshop, 0, "B").status is AnswerStatus.DONE  # noqa: E731
        await wait_until(pilot, fast_done, what="the fast answer")
        fast_pane = pane(app, "B")
        await wait_until(pilot, lambda: fast_pane._finished, what="the fast pane's final render")
        await pilot.pause(0.1)
        assert app.screen.streaming and last(workshop, 0, "A").status is AnswerStatus.STREAMING
        assert fast_pane.shown_text == last(workshop, 0, "B").text == _first_words(600)
        scroll = fast_pane.query_one(".answer-scroll")
        assert scroll.max_scroll_y > 0 and scroll.scroll_y == scroll.max_scroll_y  # it followed to the end
        await pilot.press("escape")
        await wait_until(pilot, lambda: turn_over(workshop, 0), what="the cancel")
        assert last(workshop, 0, "A").status is AnswerStatus.CANCELLED
        assert last(workshop, 0, "B").status is AnswerStatus.DONE
        assert_stored_as_shown(store.path, workshop)
        assert_nothing_left_open(scripted_server)
        await wait_until(pilot, lambda: not app.screen.streaming, what="the worker's end")
        await pilot.press("escape")  # nothing streams: Esc goes home
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)  # was a blank screen: the duel had replaced Home
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.index == 0 and pane(app, "A").shown_text == last(workshop, 0, "A").text
    await wait_closed(scripted_server)


async def test_a_flood_never_holds_the_event_loop(workshop):
    """A source whose events are all there at once (a fast server, buffered) never suspends by
    itself: the duel must still give the loop back every few milliseconds (engine/duel.py's
    HOLD_S), or the screen freezes until the answer ends (1.2 s measured on two 2,000-token
    answers). What came meanwhile is stored joined, whole."""
    import asyncio
    import time

    from duels_tui.arena.play import play_turn
    from duels_tui.engine.events import Done, TextDelta, Usage

    class Flood:
        async def stream(self, request):
            for i in range(2000):
                began = time.perf_counter()
                while time.perf_counter() - began < 0.0001:  # reading a chunk costs some CPU
                    pass
                yield TextDelta(f"t{i} ")
            yield Usage(10, 2000, "server")
            yield Done(0.0, 0.1, 0.1, 20000.0, "stop")

    ticks = 0

    async def ticker():
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0)

    other = asyncio.create_task(ticker())
    await play_turn(workshop, 0, Flood())
    other.cancel()
    assert {last(workshop, 0, s).status for s in "AB"} == {AnswerStatus.DONE}
    assert {last(workshop, 0, s).text for s in "AB"} == {"".join(f"t{i} " for i in range(2000))}
    assert ticks > 20  # 0.4 s of reading: the loop ran other tasks every few ms, not once per answer


async def test_a_header_gone_before_its_title_does_not_crash(workshop):
    """v then a typed in one burst (a facilitator typing fast, a slow laptop) made the vote
    screen give way to the reveal before its header had its title: the header's scheduled title
    update found no title widget and the app crashed (NoMatches; reproduced 1 time in 2 to 4 by
    posting both keys at once). The same update, on a header whose title widget is gone:"""
    from duels_tui.ui.widgets.header import WorkshopHeader

    app = DuelsApp(workshop, source_factory=LiteLLMSource)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        header = app.screen.query_one(WorkshopHeader)
        await header.query_one("HeaderTitle").remove()
        app.sub_title = "Un autre programme"  # every header's title watcher runs
        await pilot.pause(0.1)
        assert app.is_running and app._exception is None
