"""The engine loads without litellm (2 s, 2,700 modules) and without Textual: litellm is imported
only when the first answer is asked for, in a thread; httpx (0.13 s) too, by the direct source."""

from __future__ import annotations

import json
import subprocess
import sys

ENGINE = [
    "duels_tui.engine",
    "duels_tui.engine.events",
    "duels_tui.engine.errors",
    "duels_tui.engine.source",
    "duels_tui.engine.duel",
    "duels_tui.engine.litellm_source",
    "duels_tui.engine.streaming",
    "duels_tui.engine.http_source",
    "duels_tui.engine.routing",
]
HEAVY = ["litellm", "textual", "openai", "aiohttp", "tiktoken", "httpx"]

PROBE = """
import importlib, json, sys
for name in {modules!r}:
    importlib.import_module(name)
print(json.dumps(sorted({{m.split(".")[0] for m in sys.modules}} & set({watched!r}))))
"""


def loaded(modules: list[str], watched: list[str]) -> list[str]:
    """Which of `watched` a fresh interpreter has loaded after importing `modules`."""
    probe = PROBE.format(modules=modules, watched=watched)
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_engine_modules_load_neither_litellm_nor_textual():
    assert loaded(ENGINE, HEAVY) == []


def test_the_probe_sees_what_is_imported():
    # Without this, a probe that never sees anything would pass the test above.
    assert loaded(["duels_tui.engine.events"], ["dataclasses", "enum", "litellm"]) == ["dataclasses", "enum"]
