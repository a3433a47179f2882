"""The real `duels`, in a terminal, killed with SIGKILL mid-duel and started again with the same
command as a facilitator would type it: by the programme's name, by a relative path from two
folders, by an absolute path. Each time it lands on the same session and the same duel, with
the answers the kill cut marked as cut. And while one `duels` has the session open, a second
one is refused it, offered a read-only view or a new session, and leaves the first alone."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import pytest

from duels_tui.store import Store
from duels_tui.store.lock import lock_path
from pty_terminal import Terminal, duels_command
from scripted_server import ModelScript

pytestmark = [
    pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL needs a POSIX system"),
    pytest.mark.slow,  # about ten starts of the real app
    pytest.mark.e2e,  # real processes killed: with the end-to-end runs (make e2e), not make test
]

PROGRAMME = """name = "Atelier du jeudi"

[[duels]]
title = "Le code"
models = ["gemma-3-4b", "llama-3.1-8b"]
prompt_text = "Explique ce qu'est un programme."

[[duels]]
title = "La poésie"
models = ["llama-3.1-8b", "gemma-3-4b"]
prompt_text = "Écris un poème sur la mer."
"""


@pytest.fixture
def room(tmp_path, scripted_server):
    """A facilitator's machine: their programme in their config folder, ollama (the scripted
    server) with both models answering slowly (a kill lands mid-answer), a throwaway data dir."""
    for name in ("gemma3:4b", "llama3.1:8b"):
        scripted_server.add(ModelScript(name, tokens=3000, delay_s=0.02))
    config = tmp_path / "config"
    (config / "programmes").mkdir(parents=True)
    programme = config / "programmes" / "jeudi.toml"
    programme.write_text(PROGRAMME, encoding="utf-8")
    env = {
        **os.environ,
        "DUELS_CONFIG_DIR": str(config),
        "DUELS_DATA_DIR": str(tmp_path / "data"),
        "OLLAMA_HOST": scripted_server.base_url,
    }
    for key in ("ANTHROPIC_API_KEY", "MISTRAL_API_KEY", "DEEPSEEK_API_KEY", "OPENAI_API_KEY"):
        env.pop(key, None)
    return tmp_path, programme, env


def _sessions(tmp_path: Path) -> list:
    with Store.open(tmp_path / "data" / "duels.sqlite3") as store:
        return store.sessions()


def _answer_statuses(tmp_path: Path) -> list[str]:
    with Store.open(tmp_path / "data" / "duels.sqlite3") as store:
        return [r["status"] for r in store._rows("SELECT status FROM answers ORDER BY id")]


def _start_second_duel(terminal: Terminal) -> None:
    """Home, then the second duel (arrow down, Enter), launched (F5), until both answer."""
    terminal.wait_for("La poésie")
    terminal.press("down", "enter")
    terminal.wait_for("Lancer (F5)")
    terminal.press("f5")
    terminal.wait_for("répond…")


def test_killed_then_relaunched_the_same_way_lands_on_the_same_duel(room):
    tmp_path, programme, env = room
    elsewhere = tmp_path / "ailleurs"
    elsewhere.mkdir()
    first = Terminal(["-p", "jeudi"], cwd=tmp_path, env=env)
    _start_second_duel(first)
    first.wait_for("nouvelle session n°1", raw=True)
    first.kill()
    assert _answer_statuses(tmp_path) == ["streaming", "streaming"]  # what the kill left

    relaunches = [
        (["-p", "jeudi"], tmp_path),  # the same command
        (["-p", "config/programmes/jeudi.toml"], tmp_path),  # a relative path
        (["-p", "../config/programmes/jeudi.toml"], elsewhere),  # relative, from another folder
        (["-p", str(programme)], elsewhere),  # absolute
    ]
    for args, cwd in relaunches:
        again = Terminal(args, cwd=cwd, env=env)
        again.wait_for("reprise de la session n°1", raw=True)
        again.wait_for("au duel 2 sur 2", raw=True)
        again.wait_for("--new", raw=True)  # how to start afresh
        again.wait_for("La poésie / 2")  # the duel screen of the second duel
        again.wait_for("Réponse coupée par un arrêt de l'application")
        again.kill()
        assert [s.id for s in _sessions(tmp_path)] == [1], args
        assert set(_answer_statuses(tmp_path)) == {"interrupted"}


def test_a_second_duels_is_refused_the_open_session(room):
    tmp_path, programme, env = room
    first = Terminal(["-p", str(programme)], cwd=tmp_path, env=env)
    try:
        _start_second_duel(first)
        lock = lock_path(tmp_path / "data" / "duels.sqlite3", 1)
        assert lock.is_file() and str(first.process.pid) in lock.read_text()

        # Without a terminal to ask in: a clear refusal, and the first one's answers untouched.
        second = subprocess.run([*duels_command(), "-p", str(programme)], cwd=tmp_path, env=env,
                                capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60)
        assert second.returncode == 2
        assert "la session n°1 est ouverte dans un autre duels" in second.stderr
        assert f"processus {first.process.pid}" in second.stderr
        assert "--lecture" in second.stderr and "--new" in second.stderr
        assert "Traceback" not in second.stderr
        assert _answer_statuses(tmp_path) == ["streaming", "streaming"]
        assert first.process.poll() is None

        # In a terminal: the choice, and « n » starts a new session beside the open one.
        chooser = Terminal(["-p", str(programme)], cwd=tmp_path, env=env)
        chooser.wait_for("Votre choix", raw=True)
        chooser.press("n", "enter")
        chooser.wait_for("nouvelle session n°2", raw=True)
        chooser.wait_for("Le code")
        chooser.press("ctrl+q")
        assert chooser.wait() == 0

        # The read-only view follows the open session: its duel, its answers growing.
        viewer = Terminal(["--session", "1", "--lecture"], cwd=tmp_path, env=env)
        viewer.wait_for("Lecture seule")
        viewer.wait_for("La poésie / 2")
        viewer.press("q")
        assert viewer.wait() == 0
        assert _answer_statuses(tmp_path)[:2] == ["streaming", "streaming"]
    finally:
        first.kill()

    # kill -9 left the lock file behind: the next duels sees nobody holds it, and resumes.
    assert lock.is_file()
    again = Terminal(["-p", str(programme)], cwd=tmp_path, env=env)
    again.wait_for("reprise de la session n°2", raw=True)  # the last used: the one « n » started
    again.wait_for("Le code")
    again.press("ctrl+q")
    assert again.wait() == 0
    resumed = Terminal(["--session", "1"], cwd=tmp_path, env=env)
    resumed.wait_for("reprise de la session n°1", raw=True)
    resumed.wait_for("Réponse coupée par un arrêt de l'application")
    resumed.press("ctrl+q")
    assert resumed.wait() == 0
    assert not lock.exists()  # a clean exit removes its lock file
