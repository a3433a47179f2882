"""How duels starts a Python child process (the embedded engine's server): isolated from the
folder where the facilitator typed `duels`.

`python -m module` puts the current directory first on `sys.path`: a student's `random.py` or
`secrets.py` there would be imported by the child instead of the standard library's, breaking it
or running in it. So every child runs:
- with `-I` (isolated mode: neither the current directory nor the script's folder on `sys.path`,
  no PYTHON* variables, no user site-packages);
- from a folder of duels' own (its logs: the caller's `cwd=`), not the user's;
- with the folders this process imports from (its `sys.path`, less the current directory and
  the unsafe first entry) added *after* the child's own, through `site.addsitedir` so that their
  `.pth` files count: an install that the isolated path misses (the user's site-packages, a
  PYTHONPATH) still finds duels and its engine, and nothing there can shadow the standard library.

    subprocess.Popen(python_command("duels_tui.engine.local_child", "--port", "8080"), cwd=log_dir)
"""

from __future__ import annotations

import os
import sys

# Run in the child by `python -I -c`: the parent's folders (those missing), then the module.
_BOOT = (
    "import runpy, site, sys\n"
    "for folder in {folders!r}:\n"
    "    if folder not in sys.path:\n"
    "        site.addsitedir(folder)\n"
    "runpy.run_module({module!r}, run_name='__main__', alter_sys=True)\n"
)


def import_folders() -> list[str]:
    """This process's import folders, without the current directory and without `sys.path[0]`
    (the script's folder or the current directory: what `-P` leaves out), unless this process
    itself runs in safe-path mode."""
    here = os.path.realpath(os.getcwd())
    entries = sys.path if sys.flags.safe_path else sys.path[1:]
    folders: list[str] = []
    for entry in entries:
        if not entry or not os.path.isabs(entry) or os.path.realpath(entry) == here:
            continue
        if entry not in folders:
            folders.append(entry)
    return folders


def python_command(module: str, *args: str) -> list[str]:
    """The command that runs `python -m module args...` isolated (see the module's docstring)."""
    code = _BOOT.format(folders=import_folders(), module=module)
    return [sys.executable, "-I", "-c", code, *args]
