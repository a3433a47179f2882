"""The embedded engine: llama.cpp's OpenAI-compatible server on a free 127.0.0.1 port.

One server process per model (`local_child`), so that a duel's two answers run at the same time
(one server handles one request at a time). Threads are split between them: on 2 cores, one each.

The server is llama.cpp's own, from xllamacpp's prebuilt wheels (installed in a second, no
compiler). llama-cpp-python's server, which had to be compiled (4 to 5 minutes on 2 cores), can
still be started (`engine="llama-cpp-python"`) for `make bench` to compare the two."""

from __future__ import annotations

import atexit
import os
import socket
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import httpx

from duels_tui import paths
from duels_tui.engine.child_process import python_command
from duels_tui.engine.local_models import BUNDLED, LocalModelMissing, Progress, engine_installed
from duels_tui.install import install_hint
from duels_tui.log import logger

log = logger(__name__)

READY_TIMEOUT_S = 60.0


class LocalServerError(RuntimeError):
    """The local server could not start; the message is French and says what to do."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LocalServer:
    model_key: str
    model_path: Path
    threads: int = 1
    chat_template: str | None = None
    engine: str = "xllamacpp"  # or "llama-cpp-python" (the former one, for the bench)
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None
    started_s: float | None = None  # seconds from launch to ready
    log_path: Path | None = None
    _began: float = field(default=0.0, init=False, repr=False)
    _log: IO[bytes] | None = field(default=None, init=False, repr=False)

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def command(self) -> list[str]:
        # local_child: ended with its parent (kill -9 too), isolated from the current directory
        if self.engine == "llama-cpp-python":
            return python_command("duels_tui.engine.local_child", *self._llama_cpp_python_options())
        options = [
            "--model",
            str(self.model_path),
            "--port",
            str(self.port),
            "--threads",
            str(self.threads),
            "--alias",
            self.model_key,
            "--ctx",
            "4096",
        ]
        if self.chat_template:
            options += ["--chat-template", self.chat_template]
        return python_command("duels_tui.engine.local_child", *options)

    def _llama_cpp_python_options(self) -> list[str]:
        options = [
            "--engine", "llama-cpp-python",
            "--model", str(self.model_path),
            "--host", "127.0.0.1",
            "--port", str(self.port),
            "--n_threads", str(self.threads),
            "--n_threads_batch", str(self.threads),
            "--model_alias", self.model_key,
            "--n_ctx", "4096",
            # By default a request that comes while an answer streams (GET /v1/models included)
            # ends that answer at once, as if complete.
            "--interrupt_requests", "False",
        ]  # fmt: skip
        if self.chat_template:
            options += ["--chat_format", self.chat_template]
        return options

    def launch(self, log_dir: Path | None = None) -> None:
        """Start the process; `wait_ready` waits until it answers. It runs in the log folder,
        never in the user's current directory (see engine/child_process.py)."""
        self._close_log()
        folder = log_dir if log_dir is not None else default_log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        if log_dir is not None:
            self.log_path = log_dir / f"llama-{self.model_key}.log"
            self._log = open(self.log_path, "ab")  # noqa: SIM115 - kept open while the server runs
        out = self._log if self._log is not None else subprocess.DEVNULL
        self._began = time.perf_counter()
        self.process = subprocess.Popen(self.command(), stdout=out, stderr=out, stdin=subprocess.DEVNULL, cwd=folder)

    def wait_ready(self, timeout_s: float = READY_TIMEOUT_S) -> None:
        """Until `GET /v1/models` answers; LocalServerError (French) if the process ends or the
        time runs out (the process is then stopped)."""
        assert self.process is not None, "launch() first"
        deadline = self._began + timeout_s
        with httpx.Client(timeout=0.5, trust_env=False) as client:
            while time.perf_counter() < deadline:
                if self.process.poll() is not None:
                    code = self.process.returncode
                    self.stop()
                    log.error("%s: server ended at start (code %s), see %s", self.model_key, code, self.log_path)
                    raise LocalServerError(
                        f"le serveur llama.cpp de {self.model_key} s'est arrêté au démarrage (code {code}) ; "
                        f"voir {self.log_path or 'son journal'}"
                    )
                try:
                    client.get(f"{self.api_base}/models").raise_for_status()
                except httpx.HTTPError:
                    time.sleep(0.05)
                    continue
                self.started_s = time.perf_counter() - self._began
                log.info("%s: %s server ready in %.1f s at %s (pid %s)", self.model_key, self.engine,
                         self.started_s, self.api_base, self.process.pid)
                return
        self.stop()
        log.error("%s: no answer from the server in %.0f s", self.model_key, timeout_s)
        raise LocalServerError(f"le serveur llama.cpp de {self.model_key} n'a pas répondu en {timeout_s:.0f} s")

    def start(self, log_dir: Path | None = None) -> None:
        """Launch and wait; a second try on another port if the first one was taken meanwhile
        (the port is chosen free, then released, before the server binds it)."""
        for attempt in range(2):
            self.launch(log_dir)
            try:
                self.wait_ready()
                return
            except LocalServerError:
                if attempt == 1 or not _port_taken(self.port):
                    raise
                self.port = free_port()

    def stop(self) -> None:
        if self.process is not None:
            log.info("%s: server stopped (pid %s)", self.model_key, self.process.pid)
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        self._close_log()

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None


def _port_taken(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def default_log_dir() -> Path:
    return paths.user_log_dir()


@dataclass
class LocalEngine:
    """The servers for a set of bundled models; stopped on exit, even after an error (and by
    themselves if this process is killed: see `local_child`)."""

    servers: dict[str, LocalServer] = field(default_factory=dict)
    _atexit: bool = field(default=False, init=False, repr=False)
    _stopping: bool = field(default=False, init=False, repr=False)

    def start(self, model_keys: list[str], progress: Progress = lambda _: None, log_dir: Path | None = None) -> None:
        """Start one server per model, all at once, and wait until each answers. Raises
        LocalServerError (French, saying what to do); the servers already up keep running
        until `stop()`."""
        if not engine_installed():
            raise LocalServerError(f"le moteur local (xllamacpp) n'est pas installé : {install_hint()}")
        if not self._atexit:
            atexit.register(self.stop)
            self._atexit = True
        log_dir = log_dir or default_log_dir()
        cores = os.cpu_count() or 2
        threads = max(1, cores // max(1, len(model_keys)))
        pending: list[LocalServer] = []
        for key in model_keys:
            if key in self.servers:
                continue
            if key not in BUNDLED:
                raise LocalServerError(f"modèle local inconnu {key!r} ; connus : {', '.join(BUNDLED)}")
            try:
                path = BUNDLED[key].path(progress)
            except LocalModelMissing as exc:
                raise LocalServerError(str(exc)) from None
            pending.append(LocalServer(key, path, threads, BUNDLED[key].chat_template))
        if not pending:
            return
        keys = ", ".join(s.model_key for s in pending)
        log.info("starting %s, %d thread(s) each, logs in %s", keys, threads, log_dir)
        progress(f"Démarrage du moteur local (llama.cpp) pour {keys}…")
        for server in pending:
            server.launch(log_dir)
            self.servers[server.model_key] = server
        for server in pending:
            try:
                server.wait_ready()
            except LocalServerError:
                if not _port_taken(server.port):
                    raise
                server.port = free_port()  # taken meanwhile by someone else: once more elsewhere
                server.start(log_dir)
            progress(f"{server.model_key} prêt en {server.started_s:.1f} s sur {server.api_base}")

    def start_in_background(
        self, model_keys: list[str], log_dir: Path | None = None, ready_timeout_s: float = READY_TIMEOUT_S
    ) -> dict[str, str]:
        """Like `start`, without waiting: each model's port is chosen now and its api_base
        returned (for the catalog), the servers start in a thread, and engine/loading.py is told
        that they are starting: the workshop opens at once, and a duel's panes say that their
        models load until the servers answer. LocalServerError now only for what is known at
        once (no engine, an unknown model); a server that fails later is told by the loading,
        in the pane (its reason in the log). Nothing is printed: the screen is the room's."""
        from duels_tui.engine import loading

        if not engine_installed():
            raise LocalServerError(f"le moteur local (xllamacpp) n'est pas installé : {install_hint()}")
        unknown = [key for key in model_keys if key not in BUNDLED]
        if unknown:
            raise LocalServerError(f"modèle local inconnu {unknown[0]!r} ; connus : {', '.join(BUNDLED)}")
        if not self._atexit:
            atexit.register(self.stop)
            self._atexit = True
        threads = max(1, (os.cpu_count() or 2) // max(1, len(model_keys)))
        keys = [key for key in model_keys if key not in self.servers]
        pending = [LocalServer(key, Path(), threads, BUNDLED[key].chat_template) for key in keys]
        failures: dict[str, str] = {}
        for server in pending:
            self.servers[server.model_key] = server
            loading.starting(server.api_base, lambda key=server.model_key: failures.get(key))

        def run() -> None:
            for server in pending:
                try:
                    server.model_path = BUNDLED[server.model_key].path()
                    if not self._stopping:
                        server.launch(log_dir or default_log_dir())
                except Exception as exc:  # said by the loading, in the pane
                    failures[server.model_key] = str(exc)
            for server in pending:
                if server.model_key in failures or self._stopping:
                    continue
                try:
                    server.wait_ready(ready_timeout_s)  # no second port: the catalog holds this one
                except Exception as exc:
                    failures[server.model_key] = str(exc) or type(exc).__name__

        threading.Thread(target=run, name="local-engine-start", daemon=True).start()
        return {server.model_key: server.api_base for server in pending}

    def api_base(self, key: str) -> str:
        return self.servers[key].api_base

    def answering(self) -> dict[str, str]:
        """Model key -> api_base of the servers that started and still run (after a failed
        `start`, those that did start are still of use)."""
        return {
            key: server.api_base
            for key, server in self.servers.items()
            if server.started_s is not None and server.process is not None and server.process.poll() is None
        }

    def stop(self) -> None:
        from duels_tui.engine import loading

        self._stopping = True  # a start under way in the background launches nothing more
        for server in self.servers.values():
            loading.not_starting(server.api_base)  # nor is waited for, nor said to have failed
        # Ask them all to end first, then wait: both end in the time of the slower one.
        for server in self.servers.values():
            if server.process is not None and server.process.poll() is None:
                server.process.terminate()
        for server in self.servers.values():
            server.stop()

    def __enter__(self) -> LocalEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


StartFn = Callable[[list[str], Progress], None]
