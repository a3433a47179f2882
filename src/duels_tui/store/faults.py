"""What a database error means for the facilitator: which storage fault it is, and what to do.

Two moments, one vocabulary:
- at opening (`duels`, `duels export`, `duels report`...): a `StoreError` whose French message
  names the file, says what is wrong and what to do; nothing in the file was changed, and it is
  never replaced or deleted without the user asking;
- during a session: a write the database cannot take now (locked by another program for longer
  than the wait, a full disk, a file become read-only) is a fault of one of the `FAULT_KINDS`;
  the store keeps the change in memory and writes it later (`Store.save`).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
from pathlib import Path

# SQLite's primary result codes (sqlite3.h) for a database that cannot take a write now.
_KINDS = {
    5: "locked",  # SQLITE_BUSY
    6: "locked",  # SQLITE_LOCKED
    8: "readonly",  # SQLITE_READONLY
    10: "io",  # SQLITE_IOERR (ENOSPC is reported as SQLITE_FULL)
    11: "corrupt",  # SQLITE_CORRUPT
    13: "full",  # SQLITE_FULL
    14: "io",  # SQLITE_CANTOPEN (a -wal or -shm file that cannot be created)
    26: "corrupt",  # SQLITE_NOTADB
}
FAULT_KINDS = ("locked", "full", "readonly", "io", "corrupt")
_NEARLY_FULL = 1 << 20  # bytes free under which an input-output error is taken for a full disk

_WHY = {
    "locked": "un autre programme la verrouille (une sauvegarde, un autre duels)",
    "full": "le disque est plein",
    "readonly": "elle est en lecture seule (le fichier, son dossier ou le disque)",
    "io": "le disque refuse d'y écrire (erreur d'entrée-sortie, support retiré ?)",
    "corrupt": "ce n'est pas une base de duels lisible (fichier abîmé, ou d'un autre programme)",
}
_TODO = {
    "locked": "fermez le programme qui la bloque, puis relancez",
    "full": "libérez de la place sur le disque, puis relancez",
    "readonly": "rendez-la modifiable (chmod u+w sur le fichier et son dossier), "
    "ou lancez duels avec DUELS_DATA_DIR=<un autre dossier>",
    "io": "vérifiez le disque, ou lancez duels avec DUELS_DATA_DIR=<un autre dossier>",
    "corrupt": "déplacez ce fichier ailleurs pour que duels en crée un neuf (gardez-le : il peut "
    "encore se réparer), ou lancez duels avec DUELS_DATA_DIR=<un autre dossier>",
}


class StoreError(RuntimeError):
    """The database cannot be used; the message is French, names the file and says what to do."""


def fault_kind(exc: BaseException, path: Path | None = None) -> str | None:
    """The storage fault an exception is (one of FAULT_KINDS), or None for anything else (a bug,
    raised as it is). With the database's `path`, an input-output error is told apart: SQLite
    says "cannot open" when its -wal or -shm file cannot be created beside a read-only database
    or on a full disk."""
    if not isinstance(exc, sqlite3.DatabaseError):
        return None
    code = getattr(exc, "sqlite_errorcode", None)
    kind = _KINDS.get(code & 0xFF) if code is not None else None
    if kind == "io" and path is not None:
        if not _writable(path):
            return "readonly"
        with contextlib.suppress(OSError):
            if shutil.disk_usage(path.parent).free < _NEARLY_FULL:
                return "full"
    return kind


def unusable(path: Path | None, why: str, todo: str) -> StoreError:
    where = str(path) if path is not None else "la base en mémoire"
    return StoreError(f"base de l'atelier {where} : {why}. Rien n'y a été modifié ; {todo}.")


def open_error(path: Path | None, exc: sqlite3.DatabaseError, waited_s: float) -> StoreError:
    """The StoreError for a database that could not be opened (or upgraded)."""
    kind = fault_kind(exc, path) or "corrupt"
    why = _WHY[kind]
    if kind == "locked":
        why = f"un autre programme la verrouille depuis plus de {waited_s:g} s (une sauvegarde, un autre duels)"
    elif kind == "corrupt":
        why += f" ({exc})"
    return unusable(path, why, _TODO[kind])


def _writable(path: Path) -> bool:
    folder_ok = os.access(path.parent, os.W_OK)
    return folder_ok and (not path.exists() or os.access(path, os.W_OK))


def newer_schema(path: Path | None, version: int, known: int) -> StoreError:
    return unusable(
        path,
        f"elle a été écrite par une version plus récente de duels (schéma {version} ; celle-ci connaît le {known})",
        "mettez duels à jour, ou lancez-le avec DUELS_DATA_DIR=<un autre dossier>",
    )


def foreign(path: Path | None) -> StoreError:
    return unusable(path, _WHY["corrupt"].replace("fichier abîmé, ou ", ""), _TODO["corrupt"])


def fault_text(kind: str) -> str:
    """What is wrong and what to do, in French, for the terminal (the interface has its own
    words for each kind, in its language)."""
    return f"{_WHY[kind]} ; {_TODO[kind]}"
