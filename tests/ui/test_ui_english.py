"""`--lang en`: the whole programme in English, screen by screen, against the scripted server.
What stays French is data written in French on purpose: the programme's titles and prompts. The
catalog's descriptions of the models are said in English (their `description_en`)."""

from __future__ import annotations

import dataclasses
import difflib

import pytest
from ui_helpers import screen_text, wait_until

from duels_tui.arena.state import AnswerStatus
from duels_tui.arena.testing import stream_turn
from duels_tui.engine import errors
from duels_tui.ui.app import DuelsApp
from duels_tui.ui.screens.final import FinalScreen
from duels_tui.ui.screens.reveal import RevealScreen
from duels_tui.ui.screens.vote import VoteScreen
from french_markers import french_left

pytestmark = pytest.mark.asyncio

# The models answer in English: their words are not the interface's.
ENGLISH_ANSWER = ["Data ", "centres ", "need ", "power ", "and ", "water. "] * 5


async def test_english_interface(workshop):
    stream_turn(workshop, 0)
    app = DuelsApp(workshop, lang="en")
    async with app.run_test(size=(160, 45)) as pilot:
        # The footer is drawn a refresh after the screen (later still on a loaded machine).
        await wait_until(pilot, lambda: "Winning AI" in screen_text(app), what="Home's footer")
        home = screen_text(app)
        assert "Quit" in home and "IA gagnante" not in home
        app.open_duel(0)
        # The footer comes once the screen is up; litellm's import (a thread) slows this start.
        await wait_until(pilot, lambda: "Vote" in screen_text(app), what="the duel's footer")
        duel = screen_text(app)
        assert "Model A" in duel and "Model B" in duel and "Vote" in duel and "Modèle A" not in duel
        app.open_vote(0)
        await pilot.pause()
        assert "Vote by raised hands" in screen_text(app)


async def test_french_is_the_default(workshop):
    app = DuelsApp(workshop)
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_until(pilot, lambda: "IA gagnante" in screen_text(app), what="Home's footer")


def _french_data(workshop) -> list[str]:
    """What the screens show in French on purpose: the programme's own texts, the place typed by
    the facilitator, the catalog's names, organisations and licences (proper nouns). Not the
    descriptions: the reveal says them in English."""
    programme = workshop.programme
    texts = [programme.name, programme.description, workshop.place]
    for duel in workshop.duels:
        texts += [duel.title, duel.prompt]
    for card in workshop.catalog.models.values():
        texts += [card.name, card.organisation, card.licence]
    return [t for t in texts if t]


def _without(text: str, data: list[str], least: int = 12) -> str:
    """`text` with every stretch of at least `least` characters copied from `data` struck out: a
    prompt cut at the edge of its box, or a description wrapped over several lines, is struck
    out piece by piece."""
    chars = list(text)
    for known in data:
        matcher = difflib.SequenceMatcher(None, text, known, autojunk=False)
        for block in matcher.get_matching_blocks():
            if block.size >= least or (block.size == len(known) and block.size > 0):
                chars[block.a : block.a + block.size] = "_" * block.size  # not spaces: no " : " made up
    return "".join(chars)


def _flat(text: str) -> str:
    """Without spaces nor box drawing: a sentence wrapped in a pane loses the space where it was
    cut, and its lines are separated by the panes' borders."""
    return "".join(ch for ch in text if not ch.isspace() and not "\u2500" <= ch <= "\u259f")


def _shown(app, text: str) -> bool:
    """On screen, or in one of the screen's texts (a line wrapped in one of two columns side by
    side is interleaved with the other's on screen): a Static's, a side of the reveal's."""
    from textual.widgets import Static

    texts = [screen_text(app), *(str(w.content) for w in app.screen.query(Static)),
             *(side.text for side in app.screen.query("RevealSide"))]
    return any(_flat(text) in _flat(shown) for shown in texts)


def _no_french(app, workshop, where: str) -> None:
    left = french_left(_without(screen_text(app), _french_data(workshop)))
    assert left == [], f"French on the {where} screen: {left}\n{screen_text(app)}"


async def test_the_whole_programme_in_english(classique_workshop, scripted_server):
    workshop = classique_workshop
    for duel in workshop.programme.duels:
        for model_id in duel.model_ids:
            scripted_server.script(model_id, tokens=ENGLISH_ANSWER, delay_s=0.002)
    # a model the server does not have: Home says why it cannot run, and what to do
    missing = workshop.programme.duels[2].model_ids[0]
    models = workshop.catalog.models
    models[missing] = dataclasses.replace(models[missing], route="ollama_chat/not-installed")
    app = DuelsApp(workshop, lang="en")
    # tall enough for the reveal and the final to show everything without scrolling
    async with app.run_test(size=(160, 70)) as pilot:
        # Home, once the models are checked.
        await wait_until(pilot, lambda: "usable now" in screen_text(app), what="the models' check")
        status = app.availability.models[missing]
        reason, hint = status.text("en")
        assert _shown(app, reason) and _shown(app, hint) and not _shown(app, status.reason)
        _no_french(app, workshop, "home")

        # Duel 1: side B's connection drops mid-answer; its pane says so in English.
        failing = workshop.duels[0].sides["B"]
        scripted_server.script(failing, tokens=ENGLISH_ANSWER, delay_s=0.002, drop_after=5)
        await pilot.press("enter")
        await pilot.press("f5")
        await wait_until(pilot, lambda: workshop.duels[0].turns and not workshop.duels[0].streaming, what="duel 1")
        error = workshop.duels[0].turns[-1].answers["B"].error
        assert workshop.duels[0].turns[-1].answers["B"].status is AnswerStatus.ERROR
        message, hint = errors.say(error.key, dict(error.values), "en")
        await wait_until(pilot, lambda: _shown(app, message), what="the pane's error")
        assert _shown(app, hint) and not _shown(app, error.message)
        _no_french(app, workshop, "duel")

        # Vote: a nonsense count is refused in English, then the counts.
        await pilot.press("ctrl+v")
        assert isinstance(app.screen, VoteScreen)
        await pilot.click("#count-a")
        await pilot.press("-", "3", "enter")
        assert isinstance(app.screen, VoteScreen) and workshop.duels[0].vote is None
        assert "Model A: a number of hands cannot be negative" in screen_text(app)
        _no_french(app, workshop, "vote")
        await pilot.press("backspace", "backspace", "1", "2")
        await pilot.click("#count-b")
        await pilot.press("7", "enter")

        # Reveal: card facts, figures, equivalents, the ratio, the class, the methodology.
        assert isinstance(app.screen, RevealScreen)
        await pilot.pause()
        reveal = workshop.reveal(0, "en")
        for side in reveal.sides.values():
            assert _shown(app, side.params_text) and _shown(app, side.architecture_text)
            assert all(_shown(app, e.label) for e in side.equivalents) and side.equivalents
            assert _shown(app, f"Energy class {side.energy_class}")
        assert _shown(app, reveal.comparison.sentence) and "less energy than" in reveal.comparison.sentence
        assert _shown(app, f"Methodology {reveal.methodology}") and _shown(app, "billion")
        for side in reveal.sides.values():  # the catalog's description, in English
            assert _shown(app, side.card.description_en) and not _shown(app, side.card.description)
        _no_french(app, workshop, "reveal")

        # Final: the rule and the summary.
        await pilot.press("f")
        assert isinstance(app.screen, FinalScreen)
        await pilot.pause()
        final = workshop.final(workshop.final_weights, workshop.final_vote, lang="en")
        assert _shown(app, final.rule_text) and _shown(app, final.summary)
        assert final.summary.startswith("The winning AI")
        _no_french(app, workshop, "final")

        # r: the session's report, in the interface's language too.
        from duels_tui.outputs.report import reports_dir

        await pilot.press("r")
        await wait_until(pilot, lambda: any(reports_dir().glob("*.html")), what="the report")
        html = next(reports_dir().glob("*.html")).read_text(encoding="utf-8")
        assert '<html lang="en"' in html and final.summary in html


def _french_only_labels() -> set[str]:
    """The French of the footers' keys and the final screen's labels, where English differs."""
    from duels_tui.ui.i18n import STRINGS

    return {fr for key, (fr, en) in STRINGS.items() if key.startswith(("key.", "final.")) and fr != en}


@pytest.mark.parametrize("size", [(80, 24), (160, 60)])
async def test_no_french_label_in_an_english_final(tmp_path, size):
    """The final screen (its columns in full and short, its labels, its buttons, its footer) and
    Home's footer, in an English session: none of their French words shows."""
    import re

    from test_ui_final import three_duels_played

    workshop = three_duels_played(tmp_path)
    app = DuelsApp(workshop, lang="en")
    french = _french_only_labels()
    async with app.run_test(size=size) as pilot:
        await wait_until(pilot, lambda: "Winning AI" in screen_text(app), what="Home's footer")
        shown = [screen_text(app)]
        await pilot.press("f")
        await wait_until(pilot, lambda: isinstance(app.screen, FinalScreen) and "Report" in screen_text(app),
                         what="the final's footer")
        columns = [str(c.label) for c in app.screen.query_one("#final-table").columns.values()]
        assert columns[1] == "model" and columns[-1] == "score", columns
        shown += [screen_text(app), *columns, *(str(b.label) for b in app.screen.query("Button"))]
        shown += [str(w.content) for w in app.screen.query("Static")]
    text = "\n".join(shown)
    left = sorted(f for f in french if re.search(rf"(?<!\w){re.escape(f)}(?!\w)", text))
    assert left == [], left


@pytest.mark.parametrize("lang", ["fr", "en"])
async def test_footers_are_drawn_in_the_session_language_from_the_first(classique_workshop, lang, monkeypatch):
    """Each footer is composed with its keys already said in the session's language: never with
    the table's keys (« key.launch »), nor first in the other language and then rebuilt (the
    bindings were localized in the screen's on_mount, after its footer had read them)."""
    from duels_tui.ui.i18n import STRINGS
    from duels_tui.ui.widgets.footer import WorkshopFooter

    other = {pair[1 if lang == "fr" else 0] for key, pair in STRINGS.items() if key.startswith("key.")}
    other -= {pair[0 if lang == "fr" else 1] for pair in STRINGS.values()}
    drawn: list[list[str]] = []
    compose = WorkshopFooter.bindings_changed

    def spy(self, screen):
        shown = self._shown
        compose(self, screen)
        if self._shown != shown:
            drawn.append([description for _, _, description, *_ in self._shown])

    monkeypatch.setattr(WorkshopFooter, "bindings_changed", spy)
    app = DuelsApp(classique_workshop, lang=lang)
    home, launch = ("IA gagnante", "Lancer") if lang == "fr" else ("Winning AI", "Launch")
    async with app.run_test(size=(120, 35)) as pilot:
        await wait_until(pilot, lambda: home in screen_text(app), what="Home's footer")
        await pilot.press("enter")
        await wait_until(pilot, lambda: launch in screen_text(app), what="the duel's footer")
        await pilot.pause(0.3)
    assert len(drawn) >= 2
    assert all(not d.startswith("key.") and d not in other for shown in drawn for d in shown), drawn
