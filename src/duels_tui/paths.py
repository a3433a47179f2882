"""Where things live: the shipped data (config/, prompts/), the user's config and data dirs.

The shipped data sits at the repository root in a checkout (and an editable install) and under
duels_tui/_data/ in a wheel; both are found at run time.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

APP_NAME = "duels"


@cache
def shipped_root() -> Path:
    """Folder holding the shipped `config/` and `prompts/`."""
    packaged = Path(__file__).parent / "_data"
    if (packaged / "config").is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "config").is_dir():
        return checkout
    raise FileNotFoundError("duels: données livrées introuvables (config/ et prompts/)")


def shipped_config_dir() -> Path:
    return shipped_root() / "config"


def shipped_prompts_dir() -> Path:
    return shipped_root() / "prompts"


def user_config_dir() -> Path:
    """`DUELS_CONFIG_DIR` wins (tests use it), then the platform's config dir."""
    env = os.environ.get("DUELS_CONFIG_DIR")
    if env:
        return Path(env)
    from platformdirs import user_config_path

    return user_config_path(APP_NAME)


def user_data_dir() -> Path:
    """`DUELS_DATA_DIR` wins (tests use it), then the platform's data dir."""
    env = os.environ.get("DUELS_DATA_DIR")
    if env:
        return Path(env)
    from platformdirs import user_data_path

    return user_data_path(APP_NAME)


def user_log_dir() -> Path:
    """`DUELS_LOG_DIR` wins; else `logs/` in `DUELS_DATA_DIR` when that is set (tests, a
    throwaway run: everything stays in one folder); else the platform's state/log dir."""
    env = os.environ.get("DUELS_LOG_DIR")
    if env:
        return Path(env)
    data = os.environ.get("DUELS_DATA_DIR")
    if data:
        return Path(data) / "logs"
    from platformdirs import user_log_path

    return user_log_path(APP_NAME, appauthor=False)

