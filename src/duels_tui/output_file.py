"""Writing a file the user asked for (`-o`, the session's reports, a pack): one rule everywhere.

- Missing folders are created (`duels export -o ateliers/mars/votes.csv` works like
  `duels report -o ...` always did).
- The file is written whole or not at all: a temporary file beside it (same file system, so the
  rename is atomic), flushed to disk, then renamed over the target. A full disk or a crash leaves
  the old file, never half a new one.
- A failure is an `OutputFileError` whose French message names the file and says why.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from duels_tui.os_errors import said


class OutputFileError(Exception):
    """The file could not be written; `str()` is French and names it."""

    def __init__(self, path: Path, why: str) -> None:
        self.path = path
        self.why = why
        super().__init__(f"écriture de {path} impossible : {why}")


def write_output(path: Path | str, text: str) -> Path:
    """Write `text` (UTF-8, line ends as given) to `path`, creating missing folders; whole or
    not at all. Returns the path."""
    path = _not_a_folder(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputFileError(path, f"le dossier {path.parent} ne peut pas être créé ({said(exc)})") from None
    # Created with the usual permissions (umask), unlike mkstemp's owner-only ones: what duels
    # writes (a report, a pack, an export) is meant to be shared.
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.partiel")
    try:
        with open(temporary, "x", encoding="utf-8", newline="") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise OutputFileError(path, said(exc)) from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return path


def check_writable(path: Path | str) -> None:
    """Fail now, before long work (a recording), if `path` could not be written later: creates
    its missing folders and a probe file beside it, removed at once."""
    probe = _not_a_folder(path).with_name(f".{Path(path).name}.essai")
    write_output(probe, "")
    probe.unlink(missing_ok=True)


def _not_a_folder(path: Path | str) -> Path:
    path = Path(path)
    if path.is_dir():
        raise OutputFileError(path, f"c'est un dossier ; donnez un nom de fichier, par exemple {path / 'fichier'}")
    return path
