"""The domain and the store load without Textual or litellm (checked in a fresh interpreter)."""

from __future__ import annotations

import subprocess
import sys

MODULES = [
    "duels_tui.arena.workshop",
    "duels_tui.arena.play",
    "duels_tui.arena.reveal",
    "duels_tui.arena.final",
    "duels_tui.arena.ranking",
    "duels_tui.arena.testing",
    "duels_tui.store",
    "duels_tui.store.export",
    "duels_tui.cli.export",
]


def test_no_textual_no_litellm():
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in MODULES)
        + "bad = [m for m in ('textual', 'litellm') if m in sys.modules]\n"
        + "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
