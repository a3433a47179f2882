"""The room's vote: the counts of raised hands typed in (the natural path: the count for A, Tab,
B, Tab, tie, Enter), or a quick vote without counting; qualifiers.

Every way of voting ends in `_record`, the one place a vote is stored."""

from __future__ import annotations

import asyncio

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Checkbox, Input, Static

from duels_tui.arena.votes import QUALIFIERS, VoteCounts, VoteError, parse_count, qualifier_label
from duels_tui.numbers import count
from duels_tui.ui import view
from duels_tui.ui.i18n import LocalizedBindings
from duels_tui.ui.screens.base import WorkshopScreen
from duels_tui.ui.screens.replace_vote import ReplaceVoteScreen
from duels_tui.ui.widgets.footer import WorkshopFooter
from duels_tui.ui.widgets.header import WorkshopHeader

FIELDS = (("a", "vote.a"), ("b", "vote.b"), ("tie", "vote.tie"), ("none", "vote.none"))
QUICK = {"a": "a", "b": "b", "e": "tie", "n": "none"}


def _stored_count(votes: VoteCounts | None, name: str) -> str:
    """A count box's starting text: the duel's vote, to correct it; empty before any."""
    return "" if votes is None else str(getattr(votes, name))


class QualifierBox(LocalizedBindings, Checkbox, inherit_bindings=False):
    """A qualifier: Space ticks it; Enter is left to the screen, which submits the vote (a
    checkbox that took Enter turned « validate » into « tick this »)."""

    BINDINGS = [Binding("space", "toggle_button", "key.tick", show=False)]


class VoteScreen(WorkshopScreen):
    AUTO_FOCUS = "#count-a"  # the natural path starts by typing the count for A
    BINDINGS = [
        # Enter validates from anywhere (a count box, a qualifier): priority, so the footer shows it.
        Binding("enter", "submit", "key.confirm", priority=True),
        Binding("escape", "back", "key.back_to_duel"),
        # A quick vote by letter only while a quick-vote button has the focus (check_action):
        # anywhere else a letter is never a vote.
        Binding("a", "quick('a')", "A", show=False),
        Binding("b", "quick('b')", "B", show=False),
        Binding("e", "quick('e')", "key.tie", show=False),
        Binding("n", "quick('n')", "key.neither", show=False),
    ]

    def __init__(self, index: int) -> None:
        super().__init__()
        self.index = index

    def compose(self) -> ComposeResult:
        t = self.app.t
        yield WorkshopHeader()
        with VerticalScroll(id="vote"):
            yield Static(
                t("vote.title") + " — " + view.duel_title(self.app.workshop, self.index), id="vote-title", markup=False
            )
            yield Static(t("vote.help"), id="vote-help", markup=False)
            duel = self.app.workshop.duels[self.index]
            existing = Static(view.existing_vote_line(duel, t), id="vote-existing", markup=False)
            existing.display = duel.vote is not None
            yield existing
            with Grid(id="vote-grid"):
                for name, label in FIELDS:
                    yield Static(t(label), classes="vote-label", markup=False)
                    yield Input(_stored_count(duel.vote, name), placeholder="0", id=f"count-{name}", type="integer",
                                classes="vote-count")
            yield Static("", id="vote-total", markup=False)
            yield Static("", id="vote-error", markup=False)
            yield Static(t("vote.quick"), id="quick-help", markup=False)
            with Horizontal(id="quick-row"):
                for key, label in (("a", "vote.a"), ("b", "vote.b"), ("e", "vote.tie"), ("n", "vote.none")):
                    yield Button(f"{key} · {t(label)}", id=f"quick-{key}", classes="quick")
            yield Static(t("vote.qualifiers"), classes="vote-label", markup=False)
            with Horizontal(id="qualifiers"):
                for side in ("A", "B"):
                    with Vertical(classes="qualifier-col"):
                        yield Static(t("model.a" if side == "A" else "model.b"), markup=False)
                        for key in QUALIFIERS:
                            yield QualifierBox(qualifier_label(key, t.lang), key in duel.qualifiers.get(side, ()),
                                               id=f"q-{side}-{key}")
            yield Button(t("vote.submit"), id="submit", variant="primary")
        yield WorkshopFooter()

    def on_mount(self) -> None:
        self._update_total()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "quick":
            return isinstance(self.focused, Button) and self.focused.has_class("quick")
        return super().check_action(action, parameters)

    def _raw(self) -> dict[str, str]:
        return {name: self.query_one(f"#count-{name}", Input).value for name, _ in FIELDS}

    def _update_total(self) -> None:
        error = self.query_one("#vote-error", Static)
        try:
            total = sum(parse_count(name, value) for name, value in self._raw().items())
        except VoteError as exc:
            error.update(f"⚠ {exc.text(self.app.t.lang)}")
            self.query_one("#vote-total", Static).update("")
            return
        error.update("")
        votes = count(total, "vote", self.app.t.lang)
        self.query_one("#vote-total", Static).update(self.app.t("vote.total", votes=votes))

    def on_input_changed(self, event: Input.Changed) -> None:
        self._update_total()

    async def action_submit(self) -> None:
        focused = self.focused
        if isinstance(focused, Button) and focused.has_class("quick"):
            focused.press()  # Enter on a quick-vote button is that vote
            return
        # Enter acts as it reaches the app (a priority key); what was typed before it may still
        # wait in the boxes' own queues: « 12 Tab 7 Tab 3 Enter » in one burst read empty boxes.
        await self._typed_keys_handled()
        if self.is_current:
            self._submit()

    async def _typed_keys_handled(self) -> None:
        """Once each box and checkbox has handled the keys it had been given."""
        loop = asyncio.get_running_loop()
        handled = []
        for widget in self.query("Input, Checkbox"):
            done = loop.create_future()
            if widget.call_later(done.set_result, None):  # queued behind its keys
                handled.append(done)
        if handled:
            await asyncio.wait(handled, timeout=1.0)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        button = event.button.id or ""
        if button.startswith("quick-"):
            self.action_quick(button.removeprefix("quick-"))
        elif button == "submit":
            self._submit()

    def action_quick(self, key: str) -> None:
        self._record(VoteCounts.quick_vote(QUICK[key]))

    def _qualifiers(self) -> dict[str, set[str]]:
        chosen: dict[str, set[str]] = {"A": set(), "B": set()}
        for side in ("A", "B"):
            for key in QUALIFIERS:
                if self.query_one(f"#q-{side}-{key}", Checkbox).value:
                    chosen[side].add(key)
        return chosen

    def _submit(self) -> None:
        try:
            counts = VoteCounts(**self._raw())
        except VoteError as exc:
            message = exc.text(self.app.t.lang)
            self.query_one("#vote-error", Static).update(f"⚠ {message}")
            self.notify(message, severity="error")
            return
        self._record(counts)

    def _record(self, counts: VoteCounts) -> None:
        duel = self.app.workshop.duels[self.index]
        if duel.vote is None or duel.vote == counts:
            self._save(counts)
            return
        qualifiers = self._qualifiers()  # as ticked now: the dialog goes over this screen

        def answered(replace: bool | None) -> None:
            if replace:
                self._save(counts, qualifiers)
            else:
                self.notify(self.app.t("vote.kept", counts=view.vote_counts(duel.vote, self.app.t)))

        self.app.push_screen(ReplaceVoteScreen(view.replace_vote_question(duel, counts, self.app.t)), answered)

    def _save(self, counts: VoteCounts, qualifiers: dict[str, set[str]] | None = None) -> None:
        self.app.workshop.record_vote(self.index, counts, self._qualifiers() if qualifiers is None else qualifiers)
        self.app.open_reveal(self.index)

    def action_back(self) -> None:
        self.app.open_duel(self.index)
