"""Helpers shared by the commands: French errors with exit code 2, JSON output."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from duels_tui.config.errors import ConfigError

if TYPE_CHECKING:
    from duels_tui.catalog import Catalog

EXIT_BAD_INPUT = 2


def fail(message: str) -> typer.Exit:
    """Print a French error to stderr; raise the returned Exit (code 2: bad input)."""
    typer.echo(f"duels : {message}", err=True)
    return typer.Exit(EXIT_BAD_INPUT)


def writable_or_exit(path: Path) -> None:
    """Before minutes of work (a recording, a programme's checks), not after: a file that could
    not be written ends the command now (exit 2, its reason)."""
    from duels_tui.output_file import OutputFileError, check_writable

    try:
        check_writable(path)
    except OutputFileError as exc:
        raise fail(str(exc)) from None


@contextmanager
def config_errors_exit() -> Iterator[None]:
    """A configuration error ends the command with its message and exit code 2, no traceback."""
    try:
        yield
    except ConfigError as exc:
        raise fail(f"erreur de configuration : {exc}") from None


@contextmanager
def store_errors_exit() -> Iterator[None]:
    """A database that cannot be used (garbage, newer, read-only, locked: store/faults.py) ends
    the command with its message and exit code 2, the same for every command."""
    from duels_tui.store import StoreError

    try:
        yield
    except StoreError as exc:
        raise fail(str(exc)) from None


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def catalog_if_readable():
    """The catalog, or None when the configuration is broken: sessions keep their own model
    cards, so exporting or reporting a past session must not depend on today's config."""
    from duels_tui.catalog import load_catalog

    try:
        return load_catalog()
    except ConfigError:
        return None


def discover_ollama(catalog: Catalog) -> None:
    """Models installed in ollama join the catalog (so a programme may name them); nothing
    happens, at once, when ollama does not answer."""
    from duels_tui.catalog_discovery import discover_into

    try:
        discover_into(catalog, timeout_s=1.0)
    except Exception as exc:  # discovery is a convenience: never a reason not to open
        print(f"duels : découverte des modèles d'ollama impossible : {exc}", file=sys.stderr, flush=True)
