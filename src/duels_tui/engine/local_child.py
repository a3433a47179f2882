"""The embedded engine's server process: llama.cpp's own OpenAI-compatible server (through
xllamacpp's prebuilt wheels: nothing to compile), which ends itself when the duels process that
started it is gone.

It runs in a child process rather than in duels itself: a crash of native code (a llama.cpp built
for this machine's CPU, AMX on, once segfaulted on the first answer) takes the server down, not the room's screen;
llama.cpp writes its log on the process's stderr, which here is a log file and not the terminal
that Textual draws on; and its memory and threads are the child's, measured apart.

`LocalEngine.stop()` ends the servers on a normal exit, Ctrl-C or an exception; the watch below
covers the rest (kill -9, a crash of the interpreter, a closed terminal): an orphan would
otherwise keep its port and a few hundred megabytes until the next reboot.

    python -m duels_tui.engine.local_child --model X.gguf --port P [--threads N] [--ctx N]
        [--alias NAME] [--chat-template gemma]
    python -m duels_tui.engine.local_child --engine llama-cpp-python ...   (llama_cpp.server's
        own options: the former engine, kept for `make bench` to compare with)
"""

from __future__ import annotations

import argparse
import os
import signal
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


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="duels_tui.engine.local_child")
    parser.add_argument("--model", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--ctx", type=int, default=4096)
    parser.add_argument("--alias", default="")
    parser.add_argument("--chat-template", default="")
    return parser.parse_args(argv)


def serve_xllamacpp(argv: list[str]) -> None:
    """Serve until terminated. `Server(params)` returns once the model is loaded and the port
    listens, so the parent's first successful `GET /v1/models` means ready."""
    args = _arguments(argv)
    import xllamacpp

    params = xllamacpp.CommonParams()
    params.model.path = args.model
    params.hostnames = [args.host]
    params.port = args.port
    params.n_ctx = args.ctx
    # One thread count for reading the prompt too: by default it takes every core, and the two
    # servers of a duel would fight over them.
    params.cpuparams.n_threads = args.threads
    params.cpuparams_batch.n_threads = args.threads
    # One request at a time (a second one waits its turn; nothing is cut): duels sends one.
    params.n_parallel = 1
    params.ui = False  # no web page on the port: only the API
    if args.alias:
        params.model_alias = {args.alias}
    if args.chat_template:
        # Gemma 3 270M's GGUF carries no template: without it, ChatML and `<|im_end|>` echoes.
        params.chat_template = args.chat_template
    try:
        server = xllamacpp.Server(params)
    except RuntimeError as exc:
        print(f"duels: llama.cpp server did not start: {exc}", file=sys.stderr, flush=True)
        sys.exit(3)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    while not stop.wait(1.0):
        pass
    del server  # stops the HTTP listener and frees the model before the process ends


def serve_llama_cpp_python(argv: list[str]) -> None:
    import runpy

    sys.argv = ["llama_cpp.server", *argv]
    runpy.run_module("llama_cpp.server", run_name="__main__", alter_sys=True)


def main() -> None:
    threading.Thread(target=_watch, args=(os.getppid(),), name="watch-parent", daemon=True).start()
    argv = sys.argv[1:]
    if argv[:2] == ["--engine", "llama-cpp-python"]:
        serve_llama_cpp_python(argv[2:])
    else:
        serve_xllamacpp(argv[2:] if argv[:1] == ["--engine"] else argv)


if __name__ == "__main__":
    main()
