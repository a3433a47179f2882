"""The embedded engine's server process: llama-cpp-python's OpenAI-compatible server, which ends
itself when the duels process that started it is gone.

`LocalEngine.stop()` ends the servers on a normal exit, Ctrl-C or an exception; this covers the
rest (kill -9, a crash of the interpreter, a closed terminal): an orphan would otherwise keep
its port and a few hundred megabytes until the next reboot.

    python -m duels_tui.engine.local_child --model X.gguf --port P ...   (llama_cpp.server's options)
"""

from __future__ import annotations

import os
import runpy
import sys
import threading
import time

WATCH_EVERY_S = 0.5


def _watch(parent: int) -> None:
    # When its parent dies, a process is adopted by another (init or a subreaper): its parent
    # id changes. Exit at once, without cleanup: there is nothing of ours to save.
    while os.getppid() == parent:
        time.sleep(WATCH_EVERY_S)
    os._exit(0)


def main() -> None:
    threading.Thread(target=_watch, args=(os.getppid(),), name="watch-parent", daemon=True).start()
    sys.argv = ["llama_cpp.server", *sys.argv[1:]]
    runpy.run_module("llama_cpp.server", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
