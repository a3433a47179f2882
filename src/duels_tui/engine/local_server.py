"""The embedded engine: llama.cpp's OpenAI-compatible server on a free 127.0.0.1 port.

One server process per model, so that a duel's two answers run at the same time (one server
handles one request at a time). Threads are split between them: on 2 cores, one each."""

from __future__ import annotations

import atexit
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from duels_tui.engine.local_models import BUNDLED, LocalModelMissing, Progress, engine_installed

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
    chat_format: str | None = None
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None
    started_s: float | None = None  # seconds from launch to ready

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self, log_dir: Path | None = None) -> None:
        log = open(log_dir / f"llama-{self.model_key}.log", "ab") if log_dir else subprocess.DEVNULL  # noqa: SIM115
        command = [
            sys.executable,
            "-m",
            "llama_cpp.server",
            "--model",
            str(self.model_path),
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--n_threads",
            str(self.threads),
            "--model_alias",
            self.model_key,
            "--n_ctx",
            "4096",
        ]
        if self.chat_format:
            command += ["--chat_format", self.chat_format]
        began = time.perf_counter()
        self.process = subprocess.Popen(command, stdout=log, stderr=log, stdin=subprocess.DEVNULL)
        deadline = began + READY_TIMEOUT_S
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                raise LocalServerError(
                    f"le serveur llama.cpp de {self.model_key} s'est arrêté au démarrage "
                    f"(code {self.process.returncode}) ; voir {log_dir or 'son journal'}"
                )
            try:
                httpx.get(f"{self.api_base}/models", timeout=0.5, trust_env=False).raise_for_status()
            except httpx.HTTPError:
                time.sleep(0.05)
                continue
            self.started_s = time.perf_counter() - began
            return
        self.stop()
        raise LocalServerError(f"le serveur llama.cpp de {self.model_key} n'a pas répondu en {READY_TIMEOUT_S:.0f} s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


@dataclass
class LocalEngine:
    """The servers for a set of bundled models; stopped on exit, even after an error."""

    servers: dict[str, LocalServer] = field(default_factory=dict)

    def start(self, model_keys: list[str], progress: Progress = lambda _: None, log_dir: Path | None = None) -> None:
        if not engine_installed():
            raise LocalServerError(
                "le moteur local (llama-cpp-python) n'est pas installé : lancez `make run`, qui "
                "l'installe (la première fois il se compile, environ 4 minutes sur 2 cœurs)"
            )
        cores = os.cpu_count() or 2
        threads = max(1, cores // max(1, len(model_keys)))
        atexit.register(self.stop)
        for key in model_keys:
            if key in self.servers:
                continue
            if key not in BUNDLED:
                raise LocalServerError(f"modèle local inconnu {key!r} ; connus : {', '.join(BUNDLED)}")
            try:
                path = BUNDLED[key].path(progress)
            except LocalModelMissing as exc:
                raise LocalServerError(str(exc)) from None
            progress(f"Démarrage du serveur local pour {key}…")
            server = LocalServer(key, path, threads, BUNDLED[key].chat_format)
            server.start(log_dir)
            self.servers[key] = server
            progress(f"{key} prêt en {server.started_s:.1f} s sur {server.api_base}")

    def api_base(self, key: str) -> str:
        return self.servers[key].api_base

    def stop(self) -> None:
        for server in self.servers.values():
            server.stop()

    def __enter__(self) -> LocalEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


StartFn = Callable[[list[str], Progress], None]
