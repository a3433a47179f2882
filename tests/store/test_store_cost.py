"""One commit per streamed event must stay cheap: 2,000 events well under 0.5 s of this process's
own time (CPU, user and system: the commits' writes included). Wall-clock time measured the other
processes of a loaded machine too, and failed by luck (0.92 s seen at a load of 13 on 2 cores)."""

from __future__ import annotations

import time

from duels_tui.engine.events import TextDelta


def test_two_thousand_events_cost_well_under_half_a_second(workshop, store):
    workshop.advance()
    workshop.begin_turn(0)
    deltas = [TextDelta(f"mot{i} ") for i in range(1000)]
    start = time.process_time()
    for delta in deltas:
        workshop.apply(0, "A", delta)
        workshop.apply(0, "B", delta)
    workshop.commit_stream()  # what is left in memory, as the screen's next frame writes it
    elapsed = time.process_time() - start
    print(f"\n2000 événements : {elapsed * 1000:.0f} ms, {elapsed / 2000 * 1e6:.0f} µs/événement")
    assert elapsed < 0.5
    assert store.chunk_text(workshop.answer(0, "A").answer_id)[0].count("mot") == 1000
