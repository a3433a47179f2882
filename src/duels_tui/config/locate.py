"""Which file a name resolves to: `--config DIR` first, then the user's config dir, then shipped."""

from __future__ import annotations

from pathlib import Path

from duels_tui import paths

_override: Path | None = None


def set_config_override(directory: Path | None) -> None:
    """Set from `--config DIR`; a process-wide choice made once at start-up."""
    global _override
    _override = directory


def search_dirs() -> list[Path]:
    dirs = [paths.user_config_dir(), paths.shipped_config_dir()]
    if _override is not None:
        dirs.insert(0, _override)
    return dirs


def config_file(relative: str) -> Path:
    """First existing `relative` among the search dirs; the shipped path when none has it."""
    for directory in search_dirs():
        candidate = directory / relative
        if candidate.is_file():
            return candidate
    return paths.shipped_config_dir() / relative


def config_files(folder: str, pattern: str = "*.toml") -> dict[str, Path]:
    """Files of a folder across the search dirs by stem; earlier dirs override later ones."""
    found: dict[str, Path] = {}
    for directory in reversed(search_dirs()):
        sub = directory / folder
        if sub.is_dir():
            for path in sorted(sub.glob(pattern)):
                found[path.stem] = path
    return found


def prompt_file(name: str, programme: Path | None = None) -> Path | None:
    """A prompt named by a programme: beside the programme, then in each search dir's
    `prompts/`, then the shipped prompts. None when no such file exists. A name never leads
    out of those folders (`../../etc/hostname`, an absolute path, a link pointing outside):
    a programme shared between facilitators must not read any file of the machine."""
    folders = [programme.parent] if programme is not None else []
    folders += [directory / "prompts" for directory in search_dirs()]
    folders.append(paths.shipped_prompts_dir())
    for folder in folders:
        candidate = folder / name
        if candidate.is_file() and candidate.resolve().is_relative_to(folder.resolve()):
            return candidate
    return None
