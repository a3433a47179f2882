"""While a turn streams no full garbage collection runs (ui/collector.py); after it, they do again.
What a duel imports is loaded before the engine is ready, to be frozen with it."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
from pathlib import Path

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


def test_a_first_duel_imports_and_parses_nothing_the_engine_ready_freeze_missed(tmp_path):
    """What a duel imports on first use is imported before the engine says it is ready, when
    `duels` freezes what is loaded: otherwise each full collection after a duel walks the answers'
    Markdown parser and the engine's code (4,000 objects); and the rules of the widgets it mounts
    are parsed before (collector.FIRST_DUEL_WIDGETS: 3,000 objects). In a fresh interpreter: here,
    other tests have imported everything already."""
    child = Path(__file__).with_name("first_duel_child.py")
    done = subprocess.run([sys.executable, str(child), str(tmp_path)], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    assert json.loads(done.stdout.splitlines()[-1]) == {"modules": [], "rules": []}
