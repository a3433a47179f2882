"""One log file to send when something breaks: `duels.log` in the user's log dir (`duels paths`
says where), rotated at 1 MB with 3 old files kept.

It holds errors with their raw exception (an answer that failed, the engine that did not start,
a crash), and the embedded engine's events (start, ready, stop). Never a key: every value of an
environment variable that holds one (`*_API_KEY`, `*_TOKEN`, `*_SECRET`, and those the catalog
names) is replaced by `***` in each line before it is written. Nothing goes to the terminal,
where Textual draws.

    from duels_tui.log import logger
    logger(__name__).warning("answer failed: %s", detail, exc_info=exc)
"""

from __future__ import annotations

import logging
import os
import re
from logging.handlers import RotatingFileHandler
from pathlib import Path

ROOT = "duels"
FILE_NAME = "duels.log"
MAX_BYTES = 1_000_000
BACKUPS = 3
SECRET_NAME = re.compile(r"(API_KEY|_TOKEN|_SECRET|PASSWORD)$", re.IGNORECASE)
_extra_secret_names: set[str] = set()


def logger(name: str) -> logging.Logger:
    """A logger under duels' own (`duels.<name>`), whose lines go to the log file once
    `setup()` ran (the command does), and nowhere before."""
    return logging.getLogger(f"{ROOT}.{name.removeprefix('duels_tui.')}")


def also_secret(names: set[str]) -> None:
    """More environment variable names whose values are secrets (the catalog's `api_key_env`)."""
    _extra_secret_names.update(names)


def secret_values() -> list[str]:
    """The values to hide, longest first (a key containing another is hidden whole)."""
    values = {
        value
        for name, value in os.environ.items()
        if (SECRET_NAME.search(name) or name in _extra_secret_names) and len(value) >= 4
    }
    return sorted(values, key=len, reverse=True)


class RedactingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        for value in secret_values():
            line = line.replace(value, "***")
        return line


def log_file() -> Path:
    from duels_tui import paths

    return paths.user_log_dir() / FILE_NAME


def setup() -> Path | None:
    """Send duels' log lines to the rotating file (once per process). None, and no log, when the
    folder cannot be written: a log must never stop a workshop."""
    root = logging.getLogger(ROOT)
    for handler in root.handlers:
        if isinstance(handler, RotatingFileHandler):
            return Path(handler.baseFilename)
    path = log_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8", delay=True)
    except OSError:
        return None
    handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    root.propagate = False  # never to the terminal through the root logger
    return path


def close() -> None:
    """Detach and close the log file (tests, each with a folder of its own, call it)."""
    root = logging.getLogger(ROOT)
    for handler in list(root.handlers):
        if isinstance(handler, RotatingFileHandler):
            root.removeHandler(handler)
            handler.close()
