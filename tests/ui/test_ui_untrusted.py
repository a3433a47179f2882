"""Model output is untrusted text: markup, escape sequences and HTML show literally."""

from __future__ import annotations

import pytest
from ui_helpers import screen_text, wait_until

from duels_tui.arena.state import AnswerStatus
from duels_tui.ui.app import DuelsApp

HOSTILE = [
    "[bold red]pas du gras[/bold red]",
    "[link=https://exemple.invalid]lien[/link]",
    "\x1b[31mrouge\x1b[0m",
    "\x1b]0;titre volé\x07",
    "\x1b]8;;https://exemple.invalid\x1b\\lien\x1b]8;;\x1b\\",
    "<b>gras</b> <script>alert(1)</script>",
    "efface\rtout",
]


@pytest.mark.asyncio
async def test_hostile_answer_shows_literally(classique_workshop, scripted_server):
    workshop = classique_workshop
    tokens = [" " + piece for piece in HOSTILE]
    for model_id in workshop.duels[0].spec.model_ids:
        scripted_server.script(model_id, tokens=tokens, delay_s=0.0)
    app = DuelsApp(workshop)
    async with app.run_test(size=(200, 50)) as pilot:
        app.open_duel(0)
        await pilot.pause()
        await pilot.press("f5")
        await wait_until(pilot, lambda: workshop.duels[0].turns and not workshop.duels[0].streaming)
        assert workshop.duels[0].turns[0].answers["A"].status is AnswerStatus.DONE
        await pilot.pause(0.2)
        shown = screen_text(app)
        # Stored as received (data), shown with every control character made visible.
        assert "\x1b" in workshop.duels[0].turns[0].answers["A"].text
        assert "\x1b" not in shown and "\x07" not in shown and "\r" not in shown
        assert "[bold red]pas du gras[/bold red]" in shown
        assert "[link=https://exemple.invalid]lien[/link]" in shown
        assert "␛[31mrouge␛[0m" in shown
        assert "␛]0;titre volé␇" in shown
        assert "<b>gras</b> <script>alert(1)</script>" in shown
        assert "efface␍tout" in shown


def test_visible_text_replaces_every_control_character():
    from duels_tui.text_safety import visible_text

    every = "".join(chr(c) for c in range(0x20)) + "\x7f" + "".join(chr(c) for c in range(0x80, 0xA0))
    shown = visible_text(every + "\u202e")
    assert shown.count("\n") == 1 and shown.count("\t") == 1
    assert all(not (ord(ch) < 0x20 and ch not in "\n\t") and not 0x7F <= ord(ch) < 0xA0 for ch in shown)
    assert "\u202e" not in shown
    assert visible_text("a\r\nb") == "a\nb"  # Windows line ends are not an attack


def test_a_bare_address_in_an_answer_is_text_not_a_link():
    """A model's addresses are often made up: one written bare stays text (no link to click on the
    projector); one written as a Markdown link is still a link."""
    from duels_tui.ui.widgets.answer_pane import safe_markdown_parser

    def links(text: str) -> list[str]:
        tokens = safe_markdown_parser().parse(text)
        return [child.attrs["href"] for token in tokens for child in token.children or () if child.type == "link_open"]

    assert links("Voir https://exemple.invalid/page et www.exemple.invalid.") == []
    assert links("Voir [la page](https://exemple.invalid/page).") == ["https://exemple.invalid/page"]
