"""Replaying a pack needs neither litellm nor Textual below the UI: packs, the pack source, the
local engine and ollama discovery load without them (litellm costs 2 s; a pack plays offline)."""

from __future__ import annotations

import json
import subprocess
import sys

MODULES = [
    "duels_tui.engine.pack_source",
    "duels_tui.engine.local_server",
    "duels_tui.packs.format",
    "duels_tui.packs.record",
    "duels_tui.packs.replay",
    "duels_tui.catalog_discovery",
    "duels_tui.arena.auto_programme",
]
HEAVY = ["litellm", "textual", "openai", "tiktoken", "llama_cpp", "xllamacpp"]


def test_pack_and_local_modules_stay_light():
    probe = (
        "import importlib, json, sys\n"
        f"for name in {MODULES!r}: importlib.import_module(name)\n"
        f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True)
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []
