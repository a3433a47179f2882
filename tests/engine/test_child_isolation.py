"""Every Python child duels starts is isolated from the folder where `duels` was typed: a student's
`random.py` or `secrets.py` there is never imported by it (the embedded engine's server imports
both through uvicorn and llama_cpp.server).

The hostile files write a marker next to themselves and stop the process when imported, so a
child that imports them fails loudly and leaves a trace."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from duels_tui.engine.child_process import import_folders

HOSTILE = """\
import pathlib
pathlib.Path(__file__).with_name("IMPORTED-" + __name__).write_text("imported")
raise SystemExit(__name__ + ".py of the current directory was imported")
"""
PROBE = """\
import json, random, secrets, sys
print(json.dumps({"random": random.__file__, "secrets": secrets.__file__, "argv": sys.argv[1:]}))
"""


@pytest.fixture
def hostile_dir(tmp_path) -> Path:
    folder = tmp_path / "exercices"
    folder.mkdir()
    for name in ("random", "secrets"):
        (folder / f"{name}.py").write_text(HOSTILE, encoding="utf-8")
    return folder


def markers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob("IMPORTED-*"))


def test_a_child_never_imports_from_its_current_directory(hostile_dir, tmp_path):
    """The probe is reachable only through this process's import folders (PYTHONPATH here, as an
    install in the user's site-packages would be): the child still finds it, and the standard
    library's random and secrets, never the current directory's, even with the current directory
    on PYTHONPATH and as the child's working directory."""
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "probe_child.py").write_text(PROBE, encoding="utf-8")
    parent = (
        "import subprocess, sys\n"
        "from duels_tui.engine.child_process import python_command\n"
        f"out = subprocess.run(python_command('probe_child', '--x', '1'), cwd={str(hostile_dir)!r},\n"
        "                     capture_output=True, text=True, timeout=60)\n"
        "sys.stdout.write(out.stdout); sys.stderr.write(out.stderr); sys.exit(out.returncode)\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(extra), str(hostile_dir), ""])}
    done = subprocess.run(
        [sys.executable, "-c", parent], cwd=hostile_dir, env=env, capture_output=True, text=True, timeout=90
    )
    assert done.returncode == 0, done.stderr[-2000:]
    probe = json.loads(done.stdout.strip().splitlines()[-1])
    stdlib = Path(os.__file__).parent
    assert Path(probe["random"]).parent == stdlib and Path(probe["secrets"]).parent == stdlib
    assert probe["argv"] == ["--x", "1"]
    assert markers(hostile_dir) == []


def test_import_folders_leave_out_the_current_directory(hostile_dir, monkeypatch):
    monkeypatch.chdir(hostile_dir)
    monkeypatch.setattr(sys, "path", ["", str(hostile_dir), "relative", *sys.path[1:]])
    folders = import_folders()
    assert str(hostile_dir) not in folders and "" not in folders and "relative" not in folders
    assert str(Path(os.__file__).parent) in folders


@pytest.mark.skipif(
    __import__("importlib").util.find_spec("xllamacpp") is None, reason="moteur local absent : `make test` l'installe"
)
def test_the_engine_server_starts_past_its_imports_beside_hostile_files(hostile_dir, tmp_path, monkeypatch):
    """The real server command, started from a folder holding random.py and secrets.py: it gets
    past its imports (argparse, xllamacpp) and stops only on the missing model file."""
    from duels_tui.engine.local_server import LocalServer, LocalServerError

    monkeypatch.chdir(hostile_dir)
    server = LocalServer("smollm2-135m", tmp_path / "absent.gguf")
    logs = tmp_path / "logs"
    server.launch(logs)
    with pytest.raises(LocalServerError) as failed:
        server.wait_ready(timeout_s=60)
    assert str(server.log_path) in str(failed.value)
    log = server.log_path.read_text(encoding="utf-8", errors="replace")
    assert "failed to open GGUF file" in log, log[-2000:]
    assert "current directory was imported" not in log
    assert markers(hostile_dir) == []
