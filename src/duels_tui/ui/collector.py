"""No full garbage collection while answers stream.

A full collection walks every object the collector tracks (80,000 to 110,000 in a session after
a few duels): 50 to 130 ms on this machine, and one came every 2 s while two answers streamed at
25 tokens/s, a sixth of the display's CPU and a visible stop (bench/ui_bench.py with
UI_BENCH_BREAKDOWN=1). While a turn streams, the young collections go on (they free the stream's
own cycles); the full ones wait for the turn's end, when the room reads the answers. Freezing
instead (gc.freeze at each launch) kept the old screens' cycles forever, and unfreezing for one
collection at the turn's end walked the imports too: a 110 ms stop each turn, measured."""

from __future__ import annotations

import gc

_held: list[int] = []  # the full collections' threshold while a turn streams


def stream_starts() -> None:
    if not _held:
        young, middle, full = gc.get_threshold()
        _held.append(full)
        gc.set_threshold(young, middle, 1 << 30)


def stream_ended() -> None:
    if _held:
        young, middle, _ = gc.get_threshold()
        gc.set_threshold(young, middle, _held.pop())
