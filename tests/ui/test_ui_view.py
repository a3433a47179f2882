"""What the panes say, from arena state (pure: no terminal)."""

from __future__ import annotations

import random

from duels_tui.arena.testing import answer_events, demo_catalog, demo_programme
from duels_tui.arena.workshop import Workshop
from duels_tui.store import Store
from duels_tui.ui import view
from duels_tui.ui.i18n import Translator


def test_empty_answer_and_history_are_told(tmp_path):
    workshop = Workshop.start(demo_programme(), demo_catalog(), Store.open(tmp_path / "v.sqlite3"),
                              rng=random.Random(2))
    workshop.begin_turn(0)
    for event in answer_events("", tokens=0):
        workshop.apply(0, "A", event)
    for event in answer_events("Une vraie réponse."):
        workshop.apply(0, "B", event)
    t = Translator("fr")
    assert view.pane_state(workshop.duels[0], "A", t).notice == t("duel.empty")
    assert view.pane_state(workshop.duels[0], "B", t).notice == ""
    workshop.begin_turn(0, follow_up="Et plus court ?")
    state = view.pane_state(workshop.duels[0], "B", t)
    assert "Une vraie réponse." in state.text and "> Et plus court ?" in state.text
    assert state.status == "streaming"
    assert view.history_line(workshop.duels[0], t) == "Suivi : « Et plus court ? »"
