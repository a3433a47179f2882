"""Keys and focus as a facilitator meets them (issue 12): keys a terminal really sends, a
follow-up question full of shortcut letters typed and never obeyed, the vote's natural path
(count for A, Tab, B, Tab, tie, Enter), the final screen opening on what the room sees, and the
command palette speaking the workshop's French. Keys pressed as a person would."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import sys

import pytest
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Input
from ui_helpers import screen_text, wait_until

import duels_tui.ui
from duels_tui.arena.state import AnswerStatus
from duels_tui.arena.testing import stream_turn
from duels_tui.ui.app import DuelsApp
from duels_tui.ui.screens.duel import DuelScreen
from duels_tui.ui.screens.final import FinalScreen
from duels_tui.ui.screens.reveal import RevealScreen
from duels_tui.ui.screens.vote import VoteScreen

pytestmark = pytest.mark.asyncio

# What terminals send for these: ctrl+h is Backspace (a key logger under tmux
# shows Key(key='backspace', character='\x08')), ctrl+i is Tab, ctrl+m and ctrl+j are Enter,
# ctrl+[ is Escape. A binding on one of them never fires, or fires on the wrong key.
NOT_SENT = {"ctrl+h", "ctrl+i", "ctrl+m", "ctrl+j", "ctrl+left_square_bracket"}
QUESTION = "Peux-tu résumer en vrai ? Avec un exemple, brièvement."  # r, v, e, n, a, b, p, d, f, q, c…


def _bindings() -> list[tuple[str, Binding]]:
    found = [("DuelsApp", b) for b in DuelsApp.BINDINGS]
    for module in pkgutil.walk_packages(duels_tui.ui.__path__, "duels_tui.ui."):
        for name, cls in inspect.getmembers(importlib.import_module(module.name), inspect.isclass):
            if issubclass(cls, Screen) and cls.__module__ == module.name:
                found += [(name, b) for b in cls.BINDINGS if isinstance(b, Binding)]
    return found


async def test_every_key_is_one_a_terminal_sends():
    bindings = _bindings()
    assert len(bindings) > 20
    for owner, binding in bindings:
        for key in binding.key.split(","):
            assert key not in NOT_SENT, f"{owner} binds {key} ({binding.description})"


def _answered(workshop, lang: str = "fr") -> DuelsApp:
    """The app on a workshop whose first duel has its two answers (no server: nothing to retry)."""
    stream_turn(workshop, 0)
    return DuelsApp(workshop, lang=lang, source_factory=lambda: None)


async def test_backspace_edits_the_follow_up_and_never_leaves_the_duel(workshop):
    app = _answered(workshop)
    async with app.run_test(size=(120, 35)) as pilot:
        app.open_duel(0)
        await wait_until(pilot, lambda: isinstance(app.focused, Input) and app.focused.id == "follow-up",
                         what="the follow-up's focus")
        await pilot.press(*"abc", "backspace", "ctrl+h")
        assert isinstance(app.screen, DuelScreen)
        assert app.focused.value == "ab"
        footer = screen_text(app).splitlines()[-1] if "\n" in screen_text(app) else screen_text(app)
        assert "^h" not in footer


async def test_a_follow_up_full_of_shortcut_letters_is_typed_not_obeyed(classique_workshop, scripted_server):
    workshop = classique_workshop
    app = DuelsApp(workshop)
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.press("enter")  # Home: play the first duel
        assert isinstance(app.screen, DuelScreen)
        await pilot.press("f5")
        # While the answers stream, typing goes into the follow-up box: nothing else takes it.
        await pilot.press(*"Peux-tu")
        await wait_until(pilot, lambda: not workshop.duels[0].streaming, what="the answers")
        await wait_until(pilot, lambda: app.focused is not None and app.focused.id == "follow-up",
                         what="the follow-up's focus after the answers")
        follow_up = app.screen.query_one("#follow-up", Input)
        assert follow_up.value == "Peux-tu"
        await pilot.press("ctrl+u")  # clear it, as a person would, and type the whole question
        await pilot.press(*QUESTION)
        assert follow_up.value == QUESTION
        assert isinstance(app.screen, DuelScreen)  # no letter voted, retried or went anywhere
        assert [a.attempt for a in workshop.duels[0].turns[-1].answers.values()] == [1, 1]
        await pilot.press("enter")
        await wait_until(pilot, lambda: len(workshop.duels[0].turns) == 2 and not workshop.duels[0].streaming,
                         what="the follow-up's answers")
        assert workshop.duels[0].turns[1].user_text == QUESTION
        assert workshop.duels[0].vote is None
        await wait_until(pilot, lambda: app.focused is follow_up and follow_up.value == "", what="focus back")


def _slow_answers(workshop, server, tokens: int) -> DuelsApp:
    """The app on a workshop whose first duel's answers take a few seconds (33 tokens a second)."""
    for model_id in workshop.duels[0].spec.model_ids:
        server.script(model_id, tokens=tokens, delay_s=0.03)
    return DuelsApp(workshop)


async def test_the_footer_shows_only_the_keys_that_act_now(classique_workshop, scripted_server):
    workshop = classique_workshop
    app = _slow_answers(workshop, scripted_server, tokens=200)
    async with app.run_test(size=(120, 35)) as pilot:
        app.open_duel(0)
        await wait_until(pilot, lambda: "Lancer" in _footer(app), what="the footer")
        before = _footer(app)
        assert "f5 Lancer" in before and "Voter" not in before and "Relancer" not in before
        keys = list(app.screen.query("FooterKey"))
        await pilot.press("f5")
        await wait_until(pilot, lambda: "Arrêter" in _footer(app), what="the streaming footer")
        assert "Accueil" not in _footer(app) and "Lancer" not in _footer(app).replace("Relancer", "")
        # As many keys: updated in place, not built again (textual_compat.update_footer_keys)
        assert list(app.screen.query("FooterKey")) == keys
        await pilot.pause()
        assert "esc Arrêter" in screen_text(app) and "Lancer" not in screen_text(app).replace("Relancer", "")
        await pilot.press("escape")  # stops the answers, stays on the duel
        await wait_until(pilot, lambda: not workshop.duels[0].streaming, what="the cancel")
        assert isinstance(app.screen, DuelScreen)
        await wait_until(pilot, lambda: "Relancer" in _footer(app), what="the footer after the cancel")
        after = _footer(app)
        assert "^v Voter" in after and "esc Accueil" in after and "Arrêter" not in after
        assert "ctrl+r : la relancer" in screen_text(app)  # the pane's notice matches the footer


async def _palette(pilot, app, on_duel: bool = False) -> str:
    """What the command palette lists (each command's title and help), once it is open; opened
    from the first duel's screen when `on_duel`."""
    from textual.command import CommandList

    if on_duel:
        app.open_duel(0)
        await pilot.pause()
    await pilot.press("ctrl+p")
    await wait_until(pilot, lambda: app.screen.query(CommandList) and app.screen.query_one(CommandList).option_count,
                     what="the palette's list")
    await pilot.pause(0.2)
    commands = app.screen.query_one(CommandList)
    return "\n".join(str(commands.get_option_at_index(i).prompt) for i in range(commands.option_count))


def _footer(app) -> str:
    from textual.widgets import Footer

    footer = app.screen.query(Footer)
    if not footer:
        return ""
    return " ".join(
        f"{key.key_display} {key.description}" for key in footer.first().query("FooterKey") if not key.disabled
    )


async def test_the_question_box_takes_letters_until_it_is_sent(workshop):
    """screens/base.takes_text knows Textual's TextArea by its module, not importing it for Home."""
    from textual.widgets import TextArea

    from duels_tui.ui.screens.base import TEXT_AREA_MODULE, takes_text

    assert TextArea.__module__ == TEXT_AREA_MODULE
    app = DuelsApp(workshop, source_factory=lambda: None)
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.press("enter")  # Home: play the first duel, its question box focused
        await wait_until(pilot, lambda: isinstance(app.focused, TextArea), what="the question's focus")
        assert takes_text(app.focused)
        app.focused.read_only = True  # as once the question is sent (duel.py's _sync_controls)
        assert not takes_text(app.focused)


async def test_the_vote_by_its_natural_path(workshop):
    app = _answered(workshop)
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_duel(0)
        await pilot.pause()
        await pilot.press("ctrl+v")
        await wait_until(pilot, lambda: isinstance(app.screen, VoteScreen), what="the vote")
        await pilot.pause()
        assert app.focused is not None and app.focused.id == "count-a"
        await pilot.press("a", "b", "e", "n")  # letters in a count box: nothing, never a quick vote
        assert isinstance(app.screen, VoteScreen) and workshop.duels[0].vote is None
        await pilot.press("1", "2", "tab", "7", "tab", "3", "enter")
        assert isinstance(app.screen, RevealScreen)
        vote = workshop.duels[0].vote
        assert (vote.a, vote.b, vote.tie, vote.none, vote.quick) == (12, 7, 3, 0, False)


async def test_counts_typed_faster_than_the_screen_keeps_up(workshop):
    """The keys of « 12 Tab 7 Tab 3 » reach the app in one burst, as a terminal hands them over
    when the machine is busy (seen in tmux: 1273 in the first box)."""
    from textual import events

    app = _answered(workshop)
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_vote(0)
        await wait_until(pilot, lambda: isinstance(app.focused, Input) and app.focused.id == "count-a",
                         what="the first box")
        for key, character in (("1", "1"), ("2", "2"), ("tab", "\t"), ("7", "7"), ("tab", "\t"), ("3", "3")):
            app.post_message(events.Key(key, character))  # all queued before the first is handled
        await wait_until(pilot, lambda: app.screen.query_one("#count-tie", Input).value == "3", what="the tie")
        assert [app.screen.query_one(f"#count-{name}", Input).value for name in ("a", "b", "tie")] == ["12", "7", "3"]


async def test_a_vote_typed_with_its_enter_in_one_burst_counts_what_was_typed(workshop):
    """Enter acts as it reaches the app (a priority key), the digits before it wait in their
    boxes: typed in one burst (seen in tmux at 80x24), the vote read empty boxes and said « aucune
    main levée » while the boxes showed 12, 7 and 3."""
    from textual import events

    app = _answered(workshop)
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_vote(0)
        await wait_until(pilot, lambda: isinstance(app.focused, Input) and app.focused.id == "count-a",
                         what="the first box")
        keys = (("1", "1"), ("2", "2"), ("tab", "\t"), ("7", "7"), ("tab", "\t"), ("3", "3"), ("enter", "\r"))
        for key, character in keys:
            app.post_message(events.Key(key, character))  # all queued before the first is handled
        await wait_until(pilot, lambda: isinstance(app.screen, RevealScreen), what="the reveal")
        vote = workshop.duels[0].vote
        assert (vote.a, vote.b, vote.tie, vote.none, vote.quick) == (12, 7, 3, 0, False)


async def test_enter_on_a_qualifier_submits_and_space_ticks_it(workshop):
    app = _answered(workshop)
    async with app.run_test(size=(120, 35)) as pilot:
        app.open_vote(0)
        await pilot.pause()
        await pilot.press("4", "tab", "2")
        await pilot.click("#q-A-useful")  # the mouse works too: the box is ticked
        assert app.screen.query_one("#q-A-useful").value
        await pilot.press("tab")  # the next qualifier
        assert app.focused.id == "q-A-complete"
        await pilot.press("space")
        assert app.focused.value
        await pilot.press("enter")  # submits: no qualifier toggled
        assert isinstance(app.screen, RevealScreen)
        assert (workshop.duels[0].vote.a, workshop.duels[0].vote.b) == (4, 2)
        assert workshop.duels[0].qualifiers["A"] == {"useful", "complete"}


async def test_a_quick_vote_by_its_key_from_the_quick_buttons(workshop):
    app = _answered(workshop)
    async with app.run_test(size=(120, 35)) as pilot:
        app.open_vote(0)
        await pilot.pause()
        await pilot.press("tab", "tab", "tab", "tab")  # past the four counts, to the quick buttons
        assert app.focused.id == "quick-a"
        await pilot.press("b")
        assert isinstance(app.screen, RevealScreen)
        vote = workshop.duels[0].vote
        assert vote.quick and (vote.a, vote.b) == (0, 1)


@pytest.mark.parametrize("size", [(80, 24), (120, 35)])
async def test_the_final_opens_on_what_the_room_sees(workshop, size):
    from duels_tui.arena.votes import VoteCounts

    stream_turn(workshop, 0)
    workshop.record_vote(0, VoteCounts(a=14, b=9, tie=3, none=1), {"A": set(), "B": set()})
    app = DuelsApp(workshop, source_factory=lambda: None)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press("f")  # Home: the winning AI
        assert isinstance(app.screen, FinalScreen)
        await pilot.pause(0.2)
        page = app.screen.query_one("#final")
        assert app.focused is page and page.scroll_y == 0  # focus on the page, at its top
        text = screen_text(app)
        final = workshop.final()
        assert final.summary in text and "score" in text
        assert app.screen.query_one("#final-table").region.bottom <= size[1] - 1  # the table on screen
        await pilot.press("down", "down")
        assert page.scroll_y > 0  # the arrows read the rest of the page
        assert "r Rapport" in _footer(app)
        await pilot.press("v")
        assert isinstance(app.focused, Input)
        await pilot.press("r")  # typed in a vote box (refused: digits only), never a report
        await pilot.pause(0.2)
        from duels_tui.outputs.report import reports_dir

        assert not list(reports_dir().glob("*")) and "r Rapport" not in _footer(app)


async def test_the_palette_offers_the_workshop_in_french(workshop):
    app = _answered(workshop)
    async with app.run_test(size=(120, 35), notifications=True) as pilot:
        text = await _palette(pilot, app, on_duel=True)
        for command in ("Accueil", "Duel suivant", "Voter", "Exporter les votes", "Fiches", "Thème clair / sombre",
                        "L'IA gagnante", "Rapport de séance"):
            assert command in text, command
        for textual in ("Keys", "Screenshot", "Quit the application", "Change theme", "Maximize", "palette"):
            assert textual not in text, textual
        assert "Chercher une commande" in screen_text(app)
        await pilot.press(*"voter", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, VoteScreen), what="the vote from the palette")
        await pilot.press("5", "enter")
        assert isinstance(app.screen, RevealScreen)
        text = await _palette(pilot, app)
        assert "Révéler" in text and "Duel suivant" in text and "Voter" in text  # a vote can be corrected
        await pilot.press(*"exporter", "enter")
        from duels_tui.outputs.report import reports_dir

        await wait_until(pilot, lambda: any(reports_dir().glob("*.csv")), what="the export")
        await wait_until(pilot, lambda: "Export écrit" in screen_text(app), what="the export's notice")
        # The notice as its toast shows it: on the screen its lines are cut and mixed with the
        # reveal's below it, where a long path (the tests' folders) wraps it.
        toasts = " ".join(str(toast.render()) for toast in app.screen.query("Toast"))
        assert "Export écrit" in toasts and "1 ligne)" in toasts, toasts


async def test_the_palette_in_english(workshop):
    app = _answered(workshop, lang="en")
    async with app.run_test(size=(120, 35)) as pilot:
        text = await _palette(pilot, app, on_duel=True)
        for command in ("Home", "Next duel", "Vote", "Export the votes", "Cards", "Light / dark theme",
                        "The winning AI", "Session report"):
            assert command in text, command
        assert "Search for a command" in screen_text(app)
        assert "Voter" not in text and "Accueil" not in text


async def test_no_vote_in_the_palette_while_the_answers_stream(classique_workshop, scripted_server):
    workshop = classique_workshop
    app = _slow_answers(workshop, scripted_server, tokens=300)
    async with app.run_test(size=(120, 35)) as pilot:
        app.open_duel(0)
        await pilot.pause()
        await pilot.press("f5")
        await wait_until(pilot, lambda: workshop.duels[0].streaming, what="the stream")
        text = await _palette(pilot, app)
        assert "Accueil" in text and "Voter" not in text and "Jouer" not in text
        await pilot.press("escape", "escape")  # closes the palette, then stops the answers
        await wait_until(pilot, lambda: not workshop.duels[0].streaming, what="the cancel")
        assert {a.status for a in workshop.duels[0].turns[-1].answers.values()} == {AnswerStatus.CANCELLED}


async def test_home_takes_keys_while_the_text_area_module_is_half_imported(workshop, monkeypatch):
    """What a first duel imports is imported in a thread while Home waits (ui/collector.py): a
    module being imported is in sys.modules before its classes, and Home's keys, checked against
    TextArea's, crashed the app (seen in tmux: `duels --new` at 80x24)."""
    import types

    from duels_tui.ui.screens.base import TEXT_AREA_MODULE

    app = DuelsApp(workshop, source_factory=lambda: None)
    async with app.run_test(size=(80, 24)) as pilot:
        monkeypatch.setitem(sys.modules, TEXT_AREA_MODULE, types.ModuleType(TEXT_AREA_MODULE))
        await pilot.press("down", "up")
        await pilot.pause()
        assert app.is_running


async def test_a_vote_asked_as_the_answers_end_waits_for_the_screen_to_end_the_turn(
        classique_workshop, scripted_server):
    """The worker's state changes before the duel screen hears of it (a message in its queue):
    ctrl+v pressed in between opened the vote, then the screen ended its turn on widgets gone
    (NoMatches '#prompt': the app stopped; seen in a CI run under load). The vote waits for the
    turn's end on screen, a few milliseconds; here that end is held back until after the key."""
    from textual.worker import Worker, WorkerState

    workshop = classique_workshop
    app = _slow_answers(workshop, scripted_server, tokens=10)
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.press("enter")  # Home: the first duel
        await wait_until(pilot, lambda: isinstance(app.screen, DuelScreen), what="the duel's screen")
        screen = app.screen
        held, post = [], screen.post_message

        def holding(message) -> bool:
            if isinstance(message, Worker.StateChanged) and message.state == WorkerState.SUCCESS:
                held.append(message)
                return True
            return post(message)

        screen.post_message = holding
        await pilot.press("f5")
        await wait_until(pilot, lambda: held, what="the answers' end")
        await pilot.press("ctrl+v")
        await pilot.pause()
        assert app.screen is screen and screen.streaming
        screen.post_message = post
        post(held[0])
        await wait_until(pilot, lambda: "^v Voter" in _footer(app), what="the vote's key")
        await pilot.press("ctrl+v")
        await wait_until(pilot, lambda: isinstance(app.screen, VoteScreen), what="the vote")
        await pilot.pause(0.1)
        assert app.is_running and app.return_code is None


async def test_home_from_the_palette_while_the_answers_stream_stops_them_cleanly(classique_workshop, scripted_server):
    """The palette offers Home while the answers stream: the duel screen goes, its answers are
    stopped and saved as interrupted, and nothing of the turn's end runs on its widgets gone."""
    workshop = classique_workshop
    app = _slow_answers(workshop, scripted_server, tokens=300)
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.press("enter")  # Home: the first duel
        await wait_until(pilot, lambda: isinstance(app.screen, DuelScreen), what="the duel's screen")
        await pilot.press("f5")
        await wait_until(pilot, lambda: any(a.text for a in workshop.duels[0].turns[-1].answers.values()),
                         what="the first words")
        await _palette(pilot, app)
        await pilot.press(*"accueil", "enter")
        await wait_until(pilot, lambda: not isinstance(app.screen, DuelScreen), what="Home")
        await wait_until(pilot, lambda: not workshop.duels[0].streaming, what="the answers stopped")
        await pilot.pause(0.3)
        assert app.is_running and app.return_code is None
        assert {a.status for a in workshop.duels[0].turns[-1].answers.values()} == {AnswerStatus.CANCELLED}
        assert "Duel #1" in screen_text(app)


async def test_what_is_typed_and_not_sent_is_there_on_coming_back(classique_workshop, scripted_server):
    """A question edited before the launch, a follow-up typed and not sent: the duel's screen is
    made again when the facilitator comes back to it (from Home, from the vote), and what was
    typed came back empty. It is kept while the workshop runs, and a follow-up sent empties it."""
    from textual.widgets import TextArea

    workshop = classique_workshop
    app = _slow_answers(workshop, scripted_server, tokens=10)
    prompt = workshop.duels[0].prompt
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.press("enter")  # Home: the first duel
        await wait_until(pilot, lambda: isinstance(app.screen, DuelScreen), what="the duel's screen")
        await pilot.press(*"En vrai : ")
        edited = app.screen.query_one("#prompt", TextArea).text
        assert edited == "En vrai : " + prompt
        await pilot.press("escape")  # Home
        await wait_until(pilot, lambda: not isinstance(app.screen, DuelScreen), what="Home")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, DuelScreen), what="the duel's screen again")
        assert app.screen.query_one("#prompt", TextArea).text == edited
        assert workshop.duels[0].prompt == prompt  # saved at the launch only
        await pilot.press("f5")
        await wait_until(pilot, lambda: workshop.duels[0].turns and not app.screen.streaming, what="the answers")
        assert workshop.duels[0].turns[0].user_text == edited
        await pilot.press(*"Pourquoi ? vas-y", "ctrl+v")
        await wait_until(pilot, lambda: isinstance(app.screen, VoteScreen), what="the vote")
        await pilot.press("escape")  # back to the duel
        await wait_until(pilot, lambda: isinstance(app.screen, DuelScreen), what="the duel's screen again")
        follow_up = app.screen.query_one("#follow-up", Input)
        assert follow_up.value == "Pourquoi ? vas-y"
        await pilot.press("enter")
        await wait_until(pilot, lambda: len(workshop.duels[0].turns) == 2 and not app.screen.streaming,
                         what="the follow-up's answers")
        await pilot.press("ctrl+v")
        await wait_until(pilot, lambda: isinstance(app.screen, VoteScreen), what="the vote")
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, DuelScreen), what="the duel's screen again")
        assert app.screen.query_one("#follow-up", Input).value == ""
