"""Whether a duel's two models fit in this computer's memory together.

ollama keeps a model in memory after it answers; when a duel's two models do not fit side by side
it unloads one to load the other, every turn, and both answers crawl. Such a duel runs one model
after the other instead (arena/play.py), each timed on its own, and Home says so beforehand.

A model's memory: what ollama reports while it holds it (`/api/ps`), else its file (`/api/tags`)
times the overhead of engine.toml, else (an embedded model, or one ollama does not list) its
parameters x the bits of its quantization / 8 x that overhead. The memory free for the pair: what
the system says is available (Linux: MemAvailable of /proc/meminfo; elsewhere three quarters of the
physical memory, a guess said as such), plus what ollama's loaded models hold (it unloads them to
make room), minus the reserve. Only models served on this computer count: a cloud API or a server
elsewhere takes nothing here.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from duels_tui.availability import Availability, OllamaModel
from duels_tui.catalog import ModelCard
from duels_tui.endpoints import api_base_for, is_ollama_route, ollama_model_name, ollama_url

GB = 1e9
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
# Bits per weight of common quantizations (llama.cpp's figures, the block scales included).
_BITS = {
    "q2_k": 2.6, "q3_k_s": 3.5, "q3_k_m": 3.9, "q3_k_l": 4.3, "q4_0": 4.5, "q4_1": 5.0,
    "q4_k_s": 4.6, "q4_k_m": 4.85, "q5_0": 5.5, "q5_1": 6.0, "q5_k_s": 5.5, "q5_k_m": 5.7,
    "q6_k": 6.6, "q8_0": 8.5, "fp8": 8.0, "int8": 8.0, "int4": 4.0, "f16": 16.0, "fp16": 16.0,
    "bf16": 16.0, "f32": 32.0, "fp32": 32.0,
}  # fmt: skip
UNKNOWN_BITS = 16.0  # an unknown quantization: the unquantized size (the safe side)


@dataclass(frozen=True)
class PairFit:
    """A duel's two models against the memory free for them; sizes in bytes."""

    fits: bool
    needs: tuple[int | None, int | None]  # each model's memory here (None: it takes none here)
    free: int | None  # None: this system's free memory is unknown (then the pair is said to fit)

    @property
    def one_after_other(self) -> bool:
        return not self.fits


def bits_per_weight(quantization: str) -> float:
    key = re.sub(r"[^a-z0-9_]", "_", quantization.strip().lower())
    return _BITS.get(key, UNKNOWN_BITS)


def _host(url: str | None) -> str:
    return (urlsplit(url).hostname or "") if url else ""


def served_here(card: ModelCard) -> bool:
    """Whether the model runs on this computer (the embedded engine, or a server on loopback)."""
    if card.local_model:
        return True
    return _host(api_base_for(card.route, card.api_base)) in LOOPBACK


def ollama_listing(card: ModelCard, availability: Availability | None) -> OllamaModel | None:
    """What ollama said of this card's model (its sizes, whether it is loaded), if it listed it."""
    if availability is None or not is_ollama_route(card.route):
        return None
    url = (card.api_base or ollama_url()).rstrip("/")
    name = ollama_model_name(card.route)
    names = {name, name + ":latest"} if ":" not in name else {name}
    for endpoint in availability.endpoints:
        if endpoint.url.rstrip("/") == url:
            return next((m for m in endpoint.models if m.name in names), None)
    return None


def model_bytes(card: ModelCard, availability: Availability | None, overhead: float) -> int | None:
    """The model's memory on this computer (see the module's docstring); None: none here."""
    if not served_here(card):
        return None
    listed = ollama_listing(card, availability)
    if listed is not None and listed.loaded_bytes:
        return listed.loaded_bytes
    if listed is not None and listed.size_bytes:
        return int(listed.size_bytes * overhead)
    weights = card.params_total.max * 1e9 * bits_per_weight(card.quantization) / 8
    return int(weights * overhead)


def available_bytes() -> int | None:
    """Memory the system can give now (see the module's docstring); None when unknown."""
    meminfo = Path("/proc/meminfo")
    try:
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return int(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") * 0.75)
    except (AttributeError, ValueError, OSError):
        return None


def held_by_ollama(availability: Availability | None) -> int:
    """What ollama's loaded models hold now on this computer (it unloads them to make room)."""
    if availability is None:
        return 0
    return sum(
        m.loaded_bytes or 0
        for e in availability.endpoints
        if e.kind == "ollama" and _host(e.url) in LOOPBACK
        for m in e.models
    )


def pair_fit(
    a: ModelCard,
    b: ModelCard,
    availability: Availability | None,
    *,
    free: int | None,
    reserve_gb: float,
    overhead: float,
) -> PairFit:
    """Whether `a` and `b` fit in memory together; `free` from `available_bytes()` (tests give
    their own)."""
    needs = (model_bytes(a, availability, overhead), model_bytes(b, availability, overhead))
    if free is None:
        return PairFit(True, needs, None)
    room = free + held_by_ollama(availability) - int(reserve_gb * GB)
    if needs[0] is None or needs[1] is None:  # one of them takes nothing here
        return PairFit(True, needs, room)
    return PairFit(needs[0] + needs[1] <= room, needs, room)
