"""While a turn streams no full garbage collection runs (ui/collector.py); after it, they do again."""

from __future__ import annotations

import gc

from duels_tui.ui import collector


class Node:
    def __init__(self) -> None:
        self.me = self  # a cycle: only the collector frees it


def full_collections_while(make: int) -> int:
    count = [0]

    def seen(phase: str, info: dict) -> None:
        if phase == "start" and info["generation"] == 2:
            count[0] += 1

    gc.callbacks.append(seen)
    try:
        kept = [Node() for _ in range(make)]  # survivors, promoted: what brings full collections
        del kept
    finally:
        gc.callbacks.remove(seen)
    return count[0]


def test_no_full_collection_while_a_turn_streams_and_again_after():
    threshold = gc.get_threshold()
    assert full_collections_while(400_000) > 0  # the interpreter's own, as usual
    collector.stream_starts()
    collector.stream_starts()  # a second launch while one streams changes nothing
    try:
        assert full_collections_while(400_000) == 0
    finally:
        collector.stream_ended()
    assert gc.get_threshold() == threshold
    collector.stream_ended()  # a screen left after its turn ended: nothing to restore
    assert gc.get_threshold() == threshold
    assert full_collections_while(400_000) > 0
