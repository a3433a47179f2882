"""Parsed data files kept while they do not change: the reveal asks for them on every duel."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

_entries: dict[tuple[str, str], tuple[tuple[int, int], Any]] = {}


def cached(kind: str, path: Path, parse: Callable[[Path], T]) -> T:
    """`parse(path)`, reused until the file's size or modification time changes."""
    try:
        stat = path.stat()
        stamp = (stat.st_mtime_ns, stat.st_size)
    except OSError:
        return parse(path)  # let the parser report the missing file in its own words
    key = (kind, str(path))
    hit = _entries.get(key)
    if hit is not None and hit[0] == stamp:
        return hit[1]
    value = parse(path)
    _entries[key] = (stamp, value)
    return value


def clear() -> None:
    _entries.clear()
