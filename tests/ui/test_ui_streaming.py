"""How the duel screen streams: frames paced by the text waiting, a pane that changes only what
changed (the stats line without a layout), the final answer rendered whole, the border state, no
screen kept alive once gone, and what runs before the first frame."""

from __future__ import annotations

import asyncio
import time

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Markdown, Static
from ui_helpers import count_drawn_lines, wait_until

from duels_tui.ui.i18n import Translator
from duels_tui.ui.screens.duel import MAX_WAIT_S, frame_due
from duels_tui.ui.textual_compat import growing_markdown
from duels_tui.ui.widgets.answer_pane import AnswerPane, PaneState, rows_ahead, safe_markdown_parser

# --- pacing (pure) ------------------------------------------------------------------------------


def test_no_frame_without_new_text_or_before_the_last_frames_cost_allows():
    assert not frame_due(10.0, waiting_since=None, not_before=0.0)
    assert not frame_due(10.0, waiting_since=9.0, not_before=10.5)


def test_new_text_waits_for_its_frame_however_much_of_it_came():
    assert not frame_due(MAX_WAIT_S / 2, waiting_since=0.0, not_before=0.0)
    assert frame_due(MAX_WAIT_S, waiting_since=0.0, not_before=0.0)
    assert frame_due(10.0, waiting_since=9.0, not_before=10.0)


# --- one pane, driven by hand -------------------------------------------------------------------


class PaneApp(App):
    CSS = ".answer-pane.-streaming { border: round red; } .answer-pane { border: round blue; }"

    def compose(self) -> ComposeResult:
        yield AnswerPane("Modèle A", id="pane-a")


t = Translator("fr")


def streaming(text: str, **fields) -> PaneState:
    return PaneState(text=text, status="streaming", tokens=len(text.split()), **fields)


def blocks(markdown: Markdown) -> list[tuple[str, str]]:
    """Each block's Textual kind (the pane's own paragraph class counts as Textual's) and text."""
    return [(_textual_kind(b), b._content.plain if hasattr(b, "_content") else "") for b in markdown.children]


def _textual_kind(block) -> str:
    return next(c.__name__ for c in type(block).__mro__ if c.__module__.startswith("textual."))


@pytest.mark.asyncio
async def test_the_stats_line_repaints_without_a_layout():
    app = PaneApp()
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.query_one(AnswerPane)
        await pane.sync(streaming("Bonjour à tous", tokens_per_s=10.0), t)
        await pilot.pause()
        stats = pane.query_one(".pane-stats", Static)
        before = str(stats.render())
        await pane.sync(streaming("Bonjour à tous", tokens_per_s=42.0), t)
        assert str(stats.render()) != before and "42" in str(stats.render())
        assert not stats._layout_required and not pane.screen._layout_required


@pytest.mark.asyncio
async def test_a_streaming_answer_keeps_rows_ahead_and_gives_them_back_once_final():
    assert (rows_ahead(5), rows_ahead(21), rows_ahead(31), rows_ahead(60)) == (0, 2, 3, 3)
    app = PaneApp()
    async with app.run_test(size=(80, 40)) as pilot:
        pane = app.query_one(AnswerPane)
        await pane.sync(streaming("Une première ligne"), t)
        await pilot.pause()
        paragraph = pane.query_one(".answer-text").children[0]
        shown = pane.query_one(".answer-scroll").size.height
        assert rows_ahead(shown) == 3 and paragraph.size.height == 3  # one line of text, two ahead
        await pane.sync(PaneState(text="Une première ligne, finie.", status="done", tokens=4), t)
        await pilot.pause()
        await pilot.pause()
        assert paragraph.size.height == 1 and "finie." in str(paragraph.render())


@pytest.mark.asyncio
async def test_the_final_answer_is_rendered_whole_after_its_last_tokens():
    # A reference link whose definition comes last: appends parse the last block alone, so the
    # first paragraph shows "[la source][1]" literally until the full render makes it a link.
    pieces = ["Voir [la source][1] pour", " les chiffres.\n\n", "- un\n- deux\n\n", "[1]: https://exemple.invalid\n"]
    app = PaneApp()
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.query_one(AnswerPane)
        text = ""
        for piece in pieces:
            text += piece
            await pane.sync(streaming(text), t)
            await pilot.pause()
        answer = pane.query_one(".answer-text", Markdown)
        assert "[la source][1]" in blocks(answer)[0][1]  # appended, not yet whole
        await pane.sync(PaneState(text=text, status="done", tokens=9), t)
        assert pane.shown_text == text  # every token is in the widget at once ...
        await wait_until(pilot, lambda: pane._finished, what="the full render")  # ... the full parse next
        reference = growing_markdown()(text, parser_factory=safe_markdown_parser)  # as the pane builds it
        await app.mount(reference)
        await pilot.pause()
        assert blocks(answer) == blocks(reference)
        assert blocks(answer)[0][1].startswith("Voir la source pour")


@pytest.mark.asyncio
async def test_an_answer_its_appends_already_show_whole_is_not_mounted_again():
    # Headings (one setext), a list and a code block with blank lines, a table: appends already
    # give the blocks one parse gives, so the final render keeps them (the same widgets).
    text = "Titre\n---\n\n## Détails\n\n- un\n\n- deux\n\n```\ncode\n\nsuite\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
    app = PaneApp()
    async with app.run_test(size=(80, 40)) as pilot:
        pane = app.query_one(AnswerPane)
        for end in range(4, len(text) + 4, 4):
            await pane.sync(streaming(text[:end]), t)
            await pilot.pause()
        answer = pane.query_one(".answer-text", Markdown)
        appended = list(answer.children)
        await pane.sync(PaneState(text=text, status="done", tokens=20), t)
        await wait_until(pilot, lambda: pane._finished, what="the final render")
        assert list(answer.children) == appended
        reference = growing_markdown()(text, parser_factory=safe_markdown_parser)  # as the pane builds it
        await app.mount(reference)
        await pilot.pause()
        assert blocks(answer) == blocks(reference)
        assert [type(b).__name__ for b in answer.children][:2] == ["MarkdownH2", "MarkdownH2"]


@pytest.mark.asyncio
async def test_a_retry_starts_the_answer_afresh():
    app = PaneApp()
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.query_one(AnswerPane)
        await pane.sync(streaming("Première réponse coupée"), t)
        await pane.sync(PaneState(text="Première réponse coupée", status="error", notice="Erreur. r : relancer."), t)
        await wait_until(pilot, lambda: pane._finished)
        await pane.sync(streaming("Seconde"), t)
        assert not pane._finished and pane.shown_text == "Seconde"
        await pilot.pause()
        assert blocks(pane.query_one(".answer-text", Markdown)) == [("MarkdownParagraph", "Seconde")]


@pytest.mark.asyncio
async def test_the_border_follows_the_answers_state():
    app = PaneApp()
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.query_one(AnswerPane)
        await pane.sync(streaming("Un"), t)
        await pilot.pause()
        assert pane.has_class("-streaming") and pane.styles.border_top[1].rgb == (255, 0, 0)
        await pane.sync(PaneState(text="Un", status="done", tokens=1), t)
        await pilot.pause()
        assert not pane.has_class("-streaming") and pane.styles.border_top[1].rgb == (0, 0, 255)


@pytest.mark.asyncio
async def test_a_change_of_border_repaints_the_border_not_the_answer():
    """The pane's state changes its border's colour alone (styles.tcss): the answer inside is not
    drawn again. Textual repaints the whole pane on a restyle: 4 to 8 ms at each answer's first and
    last frame, every line of both answers through the styles cache (bench/ui_bench.py)."""
    import re
    from pathlib import Path

    import duels_tui.ui
    from duels_tui.ui.textual_compat import lean_compositor

    # What the pane's state classes change, in the app's stylesheet: the border alone.
    css = (Path(duels_tui.ui.__file__).parent / "styles.tcss").read_text(encoding="utf-8")
    rules = re.findall(r"\.answer-pane\.-(\w+)[^{]*\{([^}]*)\}", css)
    assert {name for name, _ in rules} >= {"streaming", "error"}
    assert all(re.fullmatch(r"\s*border:[^;]*;\s*", body) for _, body in rules), rules

    app = PaneApp()
    app.call_later(lambda: setattr(app.screen, "_compositor", lean_compositor()))  # as on the duel screen
    async with app.run_test(size=(80, 14)) as pilot:  # a short pane: no rows kept ahead
        pane = app.query_one(AnswerPane)
        text = " ".join(["mot"] * 40)  # a few lines
        await pane.sync(streaming(text), t)
        await pilot.pause()
        await pilot.pause()
        drawn = count_drawn_lines(app.screen.query("*"))
        await pane.sync(PaneState(text=text, status="error", tokens=40), t)
        await pilot.pause()
        await pilot.pause()
        assert pane.styles.border_top[1].rgb == (0, 0, 255)
        assert drawn.get("GrowingParagraph", 0) == 0 and drawn.get("GrowingMarkdown", 0) == 0, drawn
        assert drawn.get("AnswerPane", 0) <= pane.outer_size.height, drawn  # its border's rows
        shown = ["".join(s.text for s in strip) for strip in app.screen._compositor.render_strips()]
        assert shown[0].startswith("╭") and any("mot mot" in line for line in shown)


@pytest.mark.asyncio
async def test_the_pane_draws_its_frame_as_textual_does_each_row_once():
    """The pane draws its own rows (its frame: border and padding; its title, stats and answer are
    its children) as Textual's styles cache does, but each distinct row once: a border whose
    colour changed drew all 38 rows of each pane at 120x35 to repaint its sides."""
    from textual.geometry import Region
    from textual.widget import Widget

    app = PaneApp()
    async with app.run_test(size=(80, 14)) as pilot:
        pane = app.query_one(AnswerPane)
        text = " ".join(["mot"] * 40)
        for state in (streaming(text), PaneState(text=text, status="error", tokens=40, notice="Erreur.")):
            await pane.sync(state, t)
            await pilot.pause()
            width, height = pane.region.size
            assert height > 4
            cache = pane._styles_cache
            rendered: list[int] = []

            def counted(styles, y, *rest, rendered=rendered, render_line=cache.render_line):
                rendered.append(y)
                return render_line(styles, y, *rest)

            cache.render_line = counted
            for crop in (Region(0, 0, width, height), Region(0, 0, 1, height), Region(width - 1, 0, 1, height),
                         Region(0, 2, width, 3), Region(3, height - 2, width - 3, 2)):
                cache.clear()
                textual = Widget.render_lines(pane, crop)
                cache.clear()
                rendered.clear()
                ours = pane.render_lines(crop)
                assert [list(strip) for strip in ours] == [list(strip) for strip in textual], crop
                rows = set(crop.line_range)
                edges, middle = rows & {0, height - 1}, sorted(rows - {0, height - 1})
                assert sorted(rendered) == sorted([*edges, *middle[:1]]), crop  # each distinct row once
            del cache.render_line


# --- the app ------------------------------------------------------------------------------------


async def _first_duel(pilot):
    """Home's Enter: the first duel's screen."""
    from duels_tui.ui.screens.duel import DuelScreen

    await pilot.press("enter")
    assert isinstance(pilot.app.screen, DuelScreen)
    return pilot.app.screen


@pytest.mark.asyncio
async def test_screens_gone_leave_no_header_watching_the_app(classique_workshop):
    from duels_tui.ui.app import DuelsApp

    app = DuelsApp(classique_workshop, source_factory=lambda: None)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        for _ in range(3):
            for index in range(len(classique_workshop.duels)):
                app.open_duel(index)
                await pilot.pause()
            app.open_home()
            await pilot.pause()
        watchers = getattr(app, "__watchers")
        alive = [node for node, _ in watchers["title"]]
        assert len(alive) <= len(app.screen_stack)
        assert all(node.is_attached for node in alive)


def test_a_programme_of_catalog_models_loads_without_asking_ollama(scripted_server, monkeypatch):
    from duels_tui.catalog import load_catalog
    from duels_tui.cli.workshop import load_programme_discovering

    monkeypatch.setenv("OLLAMA_HOST", scripted_server.base_url)
    assert len(load_programme_discovering("classique", load_catalog()).duels) == 3
    assert scripted_server.requests == []


def test_a_programme_of_ollama_models_asks_ollama(scripted_server, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from duels_tui.catalog import load_catalog
    from duels_tui.cli import app
    from duels_tui.cli.workshop import load_programme_discovering
    from scripted_server import ModelScript

    scripted_server.add(
        ModelScript("gemma3:1b", parameter_size="999.89M"),
        ModelScript("qwen3:8b", parameter_size="8.2B", family="qwen3"),
        ModelScript("deepseek-r1:8b", parameter_size="8.2B", family="qwen3", thinking=3),
    )
    monkeypatch.setenv("OLLAMA_HOST", scripted_server.base_url)
    out = tmp_path / "auto.toml"
    assert CliRunner().invoke(app, ["programme", "--auto", "-o", str(out)]).exit_code == 0
    scripted_server.requests.clear()
    assert len(load_programme_discovering(str(out), load_catalog()).duels) == 3
    assert any(r.path == "/api/tags" for r in scripted_server.requests)


@pytest.mark.asyncio
async def test_the_answers_events_schedule_the_frames_and_nothing_polls_them(
    classique_workshop, scripted_server
):
    """While answers stream, their events schedule the frames that show them (5 a second): the
    progress is read for each frame and by the 4-a-second check for a loading model, not 50 times
    a second (1 to 2 % of a core in ticks alone). A duel left on screen once its answers are done
    (the room reads, discusses, votes) checks 4 times a second."""
    from duels_tui.ui.app import DuelsApp

    workshop = classique_workshop
    for model_id in workshop.duels[0].spec.model_ids:
        scripted_server.script(model_id, tokens=400, delay_s=0.02)  # a few seconds of answers
    app = DuelsApp(workshop)
    async with app.run_test(size=(120, 35)) as pilot:
        screen = await _first_duel(pilot)
        checks: list[float] = []
        progress = screen._progress

        def counted():
            checks.append(time.monotonic())
            return progress()

        screen._progress = counted
        await pilot.press("f5")
        await asyncio.sleep(0.5)
        checks.clear()
        shown = screen._panes["A"].shown_text
        await asyncio.sleep(1.0)
        assert workshop.duels[0].streaming
        assert 4 <= len(checks) <= 15, len(checks)  # 5 frames and 4 checks, give or take a tick
        assert screen._panes["A"].shown_text != shown  # and the frames showed the new text
        await wait_until(pilot, lambda: not workshop.duels[0].streaming, what="the answers' end")
        await asyncio.sleep(0.3)  # the turn's end settles
        checks.clear()
        await asyncio.sleep(1.0)
        assert len(checks) <= 6, len(checks)
        await pilot.press(*"encore ?", "enter")  # a follow-up: its frames come again
        await asyncio.sleep(0.3)
        checks.clear()
        await asyncio.sleep(0.6)
        assert workshop.duels[0].streaming and len(checks) >= 3, len(checks)


@pytest.mark.asyncio
@pytest.mark.parametrize("clock", ["quiet", "preempted"])
async def test_an_answer_that_fails_while_the_other_streams_is_shown_at_once(
        classique_workshop, scripted_server, monkeypatch, clock):
    """An event that changes what a pane shows (an answer that fails or ends, a model that waits)
    schedules a frame now. Textual's timers set to 0 s never fired (Textual issue #6370), and one
    set to 1 ms was dropped when the machine was busy at its start (textual_compat.one_shot_timer;
    "preempted": Textual's clock moves 2 ms between readings): such a frame came with the next
    4-a-second check instead, up to a quarter of a second later."""
    from textual import _time

    from duels_tui.engine.events import EngineError
    from duels_tui.ui.app import DuelsApp

    workshop = classique_workshop
    first, second = workshop.duels[0].spec.model_ids
    scripted_server.script(first, tokens=100, delay_s=0.01, drop_after=5)  # cut after 5 tokens
    scripted_server.script(second, tokens=200, delay_s=0.02)  # 4 s of answer
    app = DuelsApp(workshop)
    async with app.run_test(size=(120, 35)) as pilot:
        screen = await _first_duel(pilot)
        frames: list[tuple[float, bool]] = []
        failed: list[float] = []
        refresh, applied = screen.refresh_panes, screen._applied

        async def noted_frame(*, now: bool = False) -> None:
            frames.append((time.monotonic(), now))
            await refresh(now=now)

        def noted_event(side, event) -> None:
            applied(side, event)
            if isinstance(event, EngineError):
                failed.append(time.monotonic())

        screen.refresh_panes, screen._applied = noted_frame, noted_event
        if clock == "preempted":
            readings = [0]

            def preempted_clock() -> float:
                readings[0] += 1
                return time.monotonic() + 0.002 * readings[0]

            monkeypatch.setattr(_time, "get_time", preempted_clock)
        await pilot.press("f5")
        await wait_until(pilot, lambda: failed, what="the answer cut short")
        await asyncio.sleep(0.4)
        assert workshop.duels[0].streaming  # the other answer goes on
        at_once = [at for at, now in frames if now and at >= failed[0]]
        assert at_once and at_once[0] - failed[0] < 0.2, (failed, frames)


@pytest.mark.asyncio
async def test_a_new_turn_is_drawn_before_its_requests_reach_the_models(classique_workshop, scripted_server):
    """F5 shows the launched duel (both panes lit, the follow-up box) before the models are asked:
    that frame and the footer's new keys no longer take the CPU from a local model's first
    tokens."""
    from duels_tui.ui.app import DuelsApp

    workshop = classique_workshop
    for model_id in workshop.duels[0].spec.model_ids:
        scripted_server.script(model_id, tokens=20, delay_s=0.01)
    app = DuelsApp(workshop)
    async with app.run_test(size=(120, 35)) as pilot:
        screen = await _first_duel(pilot)
        drawn: list[tuple[float, bool]] = []
        compositor_refresh = screen._compositor_refresh

        def noted() -> None:
            lit = all(pane.has_class("-streaming") for pane in screen._panes.values())
            drawn.append((time.monotonic(), lit and screen.query_one("#follow-up").visible))
            compositor_refresh()

        screen._compositor_refresh = noted
        await pilot.press("f5")
        await wait_until(pilot, lambda: scripted_server.chat_requests(), what="the requests")
        asked = min(request.received_at for request in scripted_server.chat_requests())
        assert any(shown and at < asked for at, shown in drawn), (asked, drawn)
        await wait_until(pilot, lambda: not workshop.duels[0].streaming, what="the answers' end")
        assert all(answer.text for answer in workshop.duels[0].turns[-1].answers.values())


@pytest.mark.asyncio
async def test_the_launch_redraws_the_controls_not_the_panes_whole(classique_workshop, scripted_server):
    """F5 changes the controls (the prompt, the launch button gone, the follow-up box shown, the
    footer's keys) and the panes' borders and stats: below a prompt of one line, which keeps its
    height, the panes keep their size, so what they hold is not drawn again. The follow-up box's
    row was given to the panes until the launch, which took it back: both panes whole were laid
    out and drawn again (9 ms of the launch's 15, bench/ui_bench.py's pace part)."""
    from duels_tui.ui.app import DuelsApp

    workshop = classique_workshop
    workshop.set_prompt(0, "Écris un haïku sur la mer.")  # one line: the prompt keeps its height
    for model_id in workshop.duels[0].spec.model_ids:
        scripted_server.script(model_id, tokens=20, delay_s=0.01)
    app = DuelsApp(workshop)
    async with app.run_test(size=(120, 35)) as pilot:
        screen = await _first_duel(pilot)
        await pilot.pause()
        before = {side: pane.region for side, pane in screen._panes.items()}
        inside = [*screen.query(".answer-scroll"), *screen.query("#panes"), screen]
        drawn = count_drawn_lines(inside, name=lambda widget: widget.id or type(widget).__name__)
        controls = count_drawn_lines([screen.query_one("#follow-up")])
        await pilot.press("f5")
        await wait_until(pilot, lambda: scripted_server.chat_requests(), what="the requests")
        assert {side: pane.region for side, pane in screen._panes.items()} == before
        assert controls and not drawn, drawn  # the follow-up box drawn; nothing of the panes' insides
        await wait_until(pilot, lambda: not workshop.duels[0].streaming, what="the answers' end")
