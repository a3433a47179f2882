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
duel: bench/ui_bench.py's memory part). So are the rules of the widgets a duel mounts
(FIRST_DUEL_WIDGETS): Textual parses a widget's DEFAULT_CSS when the first of its class is mounted,
and the rules parsed after the freeze were 3,000 objects walked by each full collection."""

from __future__ import annotations

import gc
import importlib

# What a duel imports on first use (tests/ui/first_duel_child.py lists what a first duel played by
# keys imports after the engine is ready): its screens and their widgets (the prompt's TextArea,
# the answers' Markdown and its parser, the reveal's Digits), a turn and its engine (ui/app.py's
# play_turn), the reveal's figures, and the final screen, shown once a programme (its table's
# headers read rich markup: its emoji codes); a code block's plain-text lexer (one whose language
# pygments does not know).
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
    "duels_tui.impact.hardware",
    "duels_tui.explain.charts",
    "rich._emoji_codes",
    "pygments.lexers.special",
)

# The widgets a duel mounts that Home does not, in the order a first duel mounts them (the duel
# screen, an answer's Markdown blocks, the vote, the reveal, the final screen): a widget's rules
# take precedence over another's of equal weight by this order, as when they are parsed at their
# first mount. "markdown:KEY" is the answers' Markdown block for a markdown-it token
# (textual_compat.growing_markdown's BLOCKS). tests/ui/first_duel_child.py finds no rules parsed
# after the freeze in a first duel whose answers hold every kind of block.
FIRST_DUEL_WIDGETS = (
    "textual.containers:Horizontal",
    "textual.widgets:Input",
    "textual.widgets:TextArea",
    "textual.widgets:Button",
    "duels_tui.ui.widgets.answer_pane:AnswerPane",
    "textual.widgets:Collapsible",
    "textual.containers:VerticalScroll",
    "textual.widgets._collapsible:CollapsibleTitle",
    "textual.widgets:Collapsible.Contents",
    "markdown:",
    "markdown:h2",
    "markdown:paragraph_open",
    "markdown:bullet_list_open",
    "textual.widgets._markdown:MarkdownBullet",
    "markdown:ordered_list_open",
    "markdown:blockquote_open",
    "markdown:fence",
    "markdown:table_open",
    "markdown:hr",
    "markdown:h1",
    "markdown:h3",
    "markdown:h4",
    "markdown:h5",
    "markdown:h6",
    "textual.widgets:Label",
    "textual.widgets._markdown:MarkdownTableContent",
    "textual.widgets._markdown:MarkdownTableCellContents",
    "textual.containers:Grid",
    "duels_tui.ui.screens.vote:QualifierBox",
    "duels_tui.ui.widgets.charts:BarChart",
    "duels_tui.ui.screens.reveal:RevealSide",
    "textual.widgets:DataTable",
    "duels_tui.ui.widgets.scatter:Scatter",
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


def first_duel_widgets() -> list[type]:
    """FIRST_DUEL_WIDGETS' classes (their modules imported)."""
    from duels_tui.ui.textual_compat import growing_markdown

    markdown = growing_markdown()
    widgets = []
    for name in FIRST_DUEL_WIDGETS:
        where, _, path = name.partition(":")
        if where == "markdown":
            widgets.append(markdown.BLOCKS[path] if path else markdown)
            continue
        widget = importlib.import_module(where)
        for part in path.split("."):
            widget = getattr(widget, part)
        widgets.append(widget)
    return widgets


def parse_first_duel_rules(stylesheet) -> None:
    """Parse the rules of the widgets a duel mounts (FIRST_DUEL_WIDGETS), for the engine-ready
    freeze. On the event loop, after import_first_duel_modules: the answers' Markdown classes are
    built here (textual_compat.growing_markdown), never in two threads at once."""
    from duels_tui.ui.textual_compat import parse_default_css

    parse_default_css(stylesheet, first_duel_widgets())
