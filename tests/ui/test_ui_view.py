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


def test_drawing_the_reveal_and_the_final_writes_nothing(tmp_path):
    """Rendering is reading: drawing the reveal or the final again and again commits nothing
    (a second connection, as `duels` in read only uses, sees no new commit); only the
    actions (`show_reveal`, `set_final`) write."""
    from duels_tui.arena.testing import stream_turn
    from duels_tui.arena.votes import VoteCounts
    from duels_tui.arena.workshop import Step
    from duels_tui.outputs.report import build_report

    path = tmp_path / "pure.sqlite3"
    workshop = Workshop.start(demo_programme(), demo_catalog(), Store.open(path), rng=random.Random(4))
    for i, votes in enumerate([VoteCounts(a=6, b=2), VoteCounts(a=1, b=5)]):
        stream_turn(workshop, i, {"A": "Réponse.", "B": "Une réponse plus longue " * 4})
        workshop.record_vote(i, votes)
    watcher = Store.open(path)
    t = Translator("fr")

    def commits_while(draw) -> bool:
        before = watcher.data_version()
        draw()
        return watcher.data_version() != before

    def draw_all() -> None:
        for _ in range(2):
            view.reveal_view(workshop, 0, t)
            view.final_view(workshop, t)
            view.final_candidates(workshop)
            build_report(workshop)

    assert not commits_while(draw_all)
    assert workshop.duels[0].step is Step.VOTE  # drawn, not shown: the duel waits for its reveal
    assert commits_while(lambda: workshop.show_reveal(0))
    assert workshop.duels[0].step is Step.REVEAL
    assert commits_while(lambda: workshop.set_final((2.0, 1.0)))
    assert not commits_while(draw_all)
    assert Workshop.resume(watcher, demo_catalog(), workshop.session_id).final_weights == (2.0, 1.0)


def test_home_names_each_kind_of_server_down_once():
    from duels_tui.availability import Availability, Endpoint
    from duels_tui.ui.view import engine_summary

    availability = Availability(
        endpoints=[
            Endpoint("http://127.0.0.1:11434", "ollama", False),
            Endpoint("http://127.0.0.1:1234/v1", "openai", False),
            Endpoint("http://127.0.0.1:8080/v1", "openai", False),
        ],
        keys={},
        models={},
    )
    line = engine_summary(availability, Translator("fr"))
    assert line.count("openai ne répond pas") == 1 and line.count("ollama ne répond pas") == 1
