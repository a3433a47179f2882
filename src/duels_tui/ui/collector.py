"""No full garbage collection while answers stream.

A full collection walks every object the collector tracks (80,000 to 110,000 in a session after
a few duels): 50 to 130 ms on this machine, and one came every 2 s while two answers streamed at
25 tokens/s, a sixth of the display's CPU and a visible stop (bench/ui_bench.py with
UI_BENCH_BREAKDOWN=1). While a turn streams, the young collections go on (they free the stream's
own cycles); the full ones wait for the turn's end, when the room reads the answers. Freezing
instead (gc.freeze at each launch) kept the old screens' cycles forever, and unfreezing for one
collection at the turn's end walked the imports too: a 110 ms stop each turn, measured.

What lives as long as the app is frozen instead (cli/workshop.py's freeze_imports, once the
engine is ready): the modules a duel imports on first use are imported before, so that the full collections after
each duel walk the screen shown and the caches, not the answers' Markdown parser and the
engine's code (4,000 objects and 20,000 references of the 30,000 and 140,000 walked after a
duel: bench/ui_bench.py's memory part)."""

from __future__ import annotations

import gc
import importlib

# What a duel imports on first use (tests/ui/first_duel_child.py lists what a first duel played by
# keys imports after the engine is ready): its screens and their widgets (the prompt's TextArea,
# the answers' Markdown and its parser, the reveal's Digits), a turn and its engine (ui/app.py's
# play_turn), the reveal's figures, and the final screen, shown once a programme.
FIRST_DUEL_MODULES = (
    "duels_tui.ui.screens.duel",
    "duels_tui.ui.screens.vote",
    "duels_tui.ui.screens.reveal",
    "duels_tui.ui.screens.final",
    "textual.scrollbar",
    "textual.widgets.markdown",
    "linkify_it",
    "duels_tui.arena.play",
    "duels_tui.engine.duel",
    "duels_tui.engine.loading",
    "duels_tui.arena.reveal",
    "duels_tui.impact.compute",
    "duels_tui.impact.compare",
    "duels_tui.impact.equivalents",
    "duels_tui.explain.charts",
)

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


def import_first_duel_modules() -> None:
    """Import what a duel imports on first use (FIRST_DUEL_MODULES), for the freeze that follows
    the engine's preload (DuelsApp's `on_engine_ready`, cli/workshop.py's freeze_imports). In a
    thread: 0.3 s of imports here, while Home waits for its first key."""
    for name in FIRST_DUEL_MODULES:
        importlib.import_module(name)
