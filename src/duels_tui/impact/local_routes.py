"""Which models run on this machine or the room's network: hardware.toml's [routing] (ollama's
routes, servers on loopback).

Read apart from the profiles and zones (impact/hardware.py reads it the same way): a new
session's model cards say whether each model is local (arena/cards.py), before Home's first
frame, which shows no impact figure. The profiles, the zones and their model are read after it
(cli/workshop.py's check_impact_config): 17 ms of the 0.7 s to that frame here."""

from __future__ import annotations

from typing import NamedTuple
from urllib.parse import urlsplit

from duels_tui.config.fields import table as optional_table
from duels_tui.config.locate import config_file
from duels_tui.config.toml_file import TomlFile, read_toml
from duels_tui.impact import _cache

HARDWARE_FILE = "hardware.toml"
# Without a [routing] table: ollama's routes, and servers on this machine.
DEFAULT_PREFIXES = ("ollama/", "ollama_chat/")
DEFAULT_HOSTS = ("localhost", "127.0.0.1", "::1", "0.0.0.0")


class LocalRoutes(NamedTuple):
    prefixes: tuple[str, ...]
    hosts: tuple[str, ...]  # lower case

    def is_local_route(self, route: str, api_base: str | None = None) -> bool:
        """ollama routes, and any route whose server is this machine, run locally."""
        if route.startswith(self.prefixes):
            return True
        if not api_base:
            return False
        host = urlsplit(api_base if "//" in api_base else f"//{api_base}").hostname or ""
        return host.strip("[]").lower() in self.hosts


def parse_local_routes(doc: TomlFile) -> LocalRoutes:
    routing_table = optional_table(doc, "routing", required=False)  # checks that it is a table
    routing = routing_table.data if routing_table else {}
    prefixes = routing.get("local_route_prefixes", list(DEFAULT_PREFIXES))
    hosts = routing.get("local_hosts", list(DEFAULT_HOSTS))
    for key, value in (("local_route_prefixes", prefixes), ("local_hosts", hosts)):
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise doc.error("liste de textes attendue", table="routing", key=key)
    return LocalRoutes(tuple(prefixes), tuple(h.lower() for h in hosts))


def load_local_routes() -> LocalRoutes:
    """The routes of hardware.toml, through the usual lookup (--config, user config dir, shipped)."""
    return _cache.cached("local-routes", config_file(HARDWARE_FILE), lambda p: parse_local_routes(read_toml(p)))
