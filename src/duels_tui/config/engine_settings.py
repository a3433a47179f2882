"""The engine's settings (config/engine.toml): timeouts, ollama's keep_alive, memory margins.

Defaults fit a laptop running a 70B model read from its disk; a user's engine.toml replaces the
shipped one (config/locate.py), and every bad value is an error naming the file, line and field.
"""

from __future__ import annotations

import functools
from typing import Any, NamedTuple

from duels_tui.config.fields import table
from duels_tui.config.locate import config_file
from duels_tui.config.toml_file import read_toml

_TABLES = {
    "timeouts": ("load_s", "first_token_s", "stall_s", "retries"),
    "ollama": ("keep_alive",),
    "memory": ("reserve_gb", "overhead"),
}
DAY_S = 86_400.0


class EngineSettings(NamedTuple):
    load_timeout_s: float = 600.0
    first_token_timeout_s: float = 120.0
    stall_timeout_s: float = 60.0
    retries: int = 0
    keep_alive: str | int = "2h"
    memory_reserve_gb: float = 2.0
    memory_overhead: float = 1.2

    def request_settings(self) -> dict[str, Any]:
        """What every AnswerRequest of a session takes (Workshop.request_settings)."""
        return {
            "connect_timeout_s": self.first_token_timeout_s,
            "stall_timeout_s": self.stall_timeout_s,
            "retries": self.retries,
        }


def read_engine_settings() -> EngineSettings:
    """The settings from the engine.toml in use (ConfigError on a bad value)."""
    doc = read_toml(config_file("engine.toml"))
    for key in doc.data:
        if key not in _TABLES:
            raise doc.error(f"table inconnue ; tables possibles : {', '.join(_TABLES)}", key=key)
    defaults = EngineSettings()
    values: dict[str, Any] = {}
    timeouts = table(doc, "timeouts", required=False)
    if timeouts is not None:
        timeouts.unknown_keys(_TABLES["timeouts"])
        values["load_timeout_s"] = timeouts.number("load_s", defaults.load_timeout_s, positive=True, maximum=DAY_S)
        values["first_token_timeout_s"] = timeouts.number(
            "first_token_s", defaults.first_token_timeout_s, positive=True, maximum=DAY_S
        )
        values["stall_timeout_s"] = timeouts.number("stall_s", defaults.stall_timeout_s, positive=True, maximum=DAY_S)
        values["retries"] = timeouts.number("retries", defaults.retries, integer=True, minimum=0, maximum=10)
    ollama = table(doc, "ollama", required=False)
    if ollama is not None:
        ollama.unknown_keys(_TABLES["ollama"])
        keep = ollama.data.get("keep_alive", defaults.keep_alive)
        if isinstance(keep, bool) or not isinstance(keep, (str, int)) or (isinstance(keep, str) and not keep.strip()):
            raise ollama.error("keep_alive", f'une durée est attendue ("30m", "2h") ou des secondes, trouvé {keep!r}')
        values["keep_alive"] = keep
    memory = table(doc, "memory", required=False)
    if memory is not None:
        memory.unknown_keys(_TABLES["memory"])
        values["memory_reserve_gb"] = memory.number(
            "reserve_gb", defaults.memory_reserve_gb, minimum=0, maximum=10_000
        )
        values["memory_overhead"] = memory.number("overhead", defaults.memory_overhead, minimum=1, maximum=10)
    return EngineSettings(**values)


@functools.cache
def engine_settings() -> EngineSettings:
    """read_engine_settings, once a process (the CLI reads it before the app opens)."""
    return read_engine_settings()
