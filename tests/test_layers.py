"""The house plan, checked: the layers' contracts of pyproject.toml (import-linter: arrows point
down, no circle, only the interface imports Textual, only the engine imports litellm), and what
the package loads when it is imported, in a fresh interpreter.

Heavy packages wait for their first use: litellm costs about 2 s and 2,700 modules, Textual is
the interface's alone, tiktoken's vocabulary is read when a text is split, the embedded engine
(llama.cpp) when a local model answers, and httpx (0.13 s) when the engine first speaks HTTP.
"""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest
from importlinter.cli import lint_imports

import duels_tui

ROOT = Path(__file__).resolve().parents[1]
PACKAGE_DIR = Path(duels_tui.__file__).parent
INTERFACE = ("duels_tui.ui", "duels_tui.cli", "duels_tui.__main__")
HEAVY = ["textual", "litellm", "openai", "aiohttp", "tiktoken", "llama_cpp", "xllamacpp", "httpx"]
# What answers a question, below the interface: the events, the sources and their routing.
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

# Imports the stages one after the other and says, after each, which heavy packages are loaded.
PROBE = """
import importlib, json, sys
seen = {}
for stage, modules in STAGES:
    for name in modules:
        importlib.import_module(name)
    seen[stage] = sorted({m.split(".")[0] for m in sys.modules} & set(HEAVY))
print(json.dumps(seen))
"""


def test_the_contracts_hold(monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    code = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True)
    assert code == 0, capsys.readouterr().out


def _modules() -> list[str]:
    return [m.name for m in pkgutil.walk_packages([str(PACKAGE_DIR)], "duels_tui.")]


def test_heavy_packages_wait_for_their_first_use():
    everything = _modules()
    domain = [m for m in everything if not m.startswith(INTERFACE)]
    interface = [m for m in everything if m.startswith(INTERFACE) and m != "duels_tui.__main__"]
    assert len(domain) > 30 and len(interface) > 20  # the walk found the package
    stages = [("engine", ENGINE), ("domain", domain), ("interface", interface)]
    code = f"STAGES = {stages!r}\nHEAVY = {HEAVY!r}\n" + PROBE
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen["engine"] == []
    # httpx: the embedded engine's supervisor and ollama's discovery talk HTTP when imported.
    assert seen["domain"] == ["httpx"]
    # Textual is seen once the interface is loaded: the probe does see what is imported.
    assert seen["interface"] == ["httpx", "textual"]


@pytest.fixture(scope="module")
def first_frame(tmp_path_factory) -> dict:
    """What `duels --new -p classique` (no embedded model, no engine to start) had loaded when
    Home's first frame came (tests/first_frame_child.py), run once for the tests below."""
    import contextlib
    import os
    import pty

    record = tmp_path_factory.mktemp("first-frame") / "first-frame.json"
    master, slave = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "tests" / "first_frame_child.py"), str(record)], stdin=slave, stdout=slave,
        stderr=slave, env={**os.environ, "TERM": "xterm-256color"}, start_new_session=True,
    )
    os.close(slave)
    screen = bytearray()
    with contextlib.suppress(OSError):  # the terminal read as it comes (it would fill and block)
        while chunk := os.read(master, 65536):
            screen += chunk
    os.close(master)
    assert process.wait(60) == 0, screen.decode(errors="replace")[-2000:]
    assert record.exists(), screen.decode(errors="replace")[-2000:]
    seen = json.loads(record.read_text(encoding="utf-8"))
    assert "textual" in seen["packages"] and "duels_tui" in seen["packages"]  # it did reach Home's first frame
    return seen


def test_homes_first_frame_waits_for_what_it_does_not_show(first_frame):
    """litellm, tiktoken, the HTTP client and the engine come after Home's first frame (they are
    loaded from a worker once it is drawn), and pydantic not at all for options (typer reads them
    through it: cli/plain_values.py): each was time before the room saw a screen."""
    assert set(first_frame["packages"]) & {*HEAVY, "pydantic", "numpy"} == {"textual"}


# Modules Home's first frame does not need, each deferred to its first use (time to the first frame).
NOT_BEFORE_HOME = [
    # The other commands: imported, and their signatures read by typer, when one runs or --help lists them.
    *(f"duels_tui.cli.{name}" for name in (
        "check", "export", "impact", "models", "paths_cmd", "pooled", "prepare", "programme", "record", "report")),
    # The reveal and the final (arena/workshop.py imports them when one is asked for).
    "duels_tui.arena.reveal", "duels_tui.arena.final",
    # Models loading into memory and servers starting in the background (engine/loading.py): asked
    # about before the first duel only when a model of the session is embedded (ui/app.py).
    "duels_tui.engine.loading",
    # What checks a session to resume (cli/workshop.py): not for a new one.
    "duels_tui.arena.resume_check",
    # The impact's profiles, zones, equivalents and methodologies: read once Home is drawn
    # (cli/workshop.py's check_impact_config); the cards' local routes come from
    # impact/local_routes.py and the default methodology's name from impact/__init__.py.
    "duels_tui.impact.model", "duels_tui.impact.hardware", "duels_tui.impact.equivalents",
    "duels_tui.impact.methodology",
    # The duel's and the final's widgets (ui/view.py), and Textual's TextArea (ui/screens/base.py).
    "duels_tui.ui.widgets.answer_pane", "duels_tui.ui.widgets.scatter", "textual.widgets._text_area",
]


def test_homes_first_frame_loads_nothing_it_does_not_need(first_frame):
    assert sorted(set(NOT_BEFORE_HOME) & set(first_frame["modules"])) == []


# Each dataclass costs 1.3 ms to make here, 2.2 ms a frozen one (dataclasses.py compiles the code of
# its __init__, __repr__, __eq__, __hash__, and of __setattr__ and __delattr__ when frozen): about 40 ms
# of the 0.65 s to Home's first frame. A record nothing replaces, mutates or checks is a NamedTuple
# (0.25 ms), and the impact's wait for the first reveal (cli/workshop.py's check_impact_config).
DATACLASSES_BEFORE_HOME = 30


def test_homes_first_frame_makes_few_dataclasses(first_frame):
    assert len(first_frame["dataclasses"]) <= DATACLASSES_BEFORE_HOME, "\n".join(first_frame["dataclasses"])


def test_homes_first_frame_draws_home_alone(first_frame):
    """Home is the first screen (no empty screen of Textual's under it, composed and styled for
    nothing), and only Home's rules are parsed before it is drawn: the other screens' rules
    (styles.tcss) are added when the first of them opens (ui/app.py's _style_screens)."""
    assert first_frame["screens"] == ["HomeScreen"]
    assert first_frame["stylesheets"] == ["home.tcss"]
