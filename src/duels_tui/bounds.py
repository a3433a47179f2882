"""The plausible range of every number duels reads from a file or a command line.

A value that passes as "a number" can still break what comes after: 1e308 billion parameters
overflow the GPU count at the reveal, 1e300 says "∞ Wh", a pack whose answer took 1e9 s
replays for thirty years. Each reader (config/fields.py for the TOML files and the packs,
cli/impact.py for the command line) checks its numbers against the bounds below at load, so the
error names the file and the field, never a crash later. The bounds are wide: they refuse only
what no real model, answer or machine comes near.
"""

from __future__ import annotations

import math
from typing import NamedTuple


class Bounds(NamedTuple):
    low: float
    high: float
    unit: str = ""

    def problem(self, value: float) -> str | None:
        """None when `value` is finite and within the bounds; else what is wrong, in French."""
        if not math.isfinite(value):
            return f"nombre fini attendu, trouvé {value!r}"
        if not self.low <= value <= self.high:
            return f"{_shown(value)} hors des valeurs plausibles ({self.text()})"
        return None

    def text(self) -> str:
        unit = f" {self.unit}" if self.unit else ""
        return f"de {_shown(self.low)} à {_shown(self.high)}{unit}"


def _shown(value: float) -> str:
    """As a French reader writes it ("0,001", "100 000"); powers of ten beyond that ("1e+308")."""
    if abs(value) >= 1e13:
        return f"{value:.3g}"
    text = f"{value:,.6f}".rstrip("0").rstrip(".")
    return text.replace(",", "\u202f").replace(".", ",")


# A model's parameters, in billions: from a million (0.001) to a hundred thousand billion.
PARAMS_B = Bounds(0.001, 100_000, "milliards de paramètres")
# One answer's tokens (output, prompt or reasoning).
TOKENS = Bounds(0, 10_000_000, "tokens")
# A duration within one answer (time to first token, generation, a chunk's time): a day at most.
SECONDS = Bounds(0, 86_400, "s")
TOKENS_PER_S = Bounds(0, 1_000_000, "tokens/s")
# Any other number of a configuration file (watts, years, grams per kWh, litres...): a sanity cap
# that keeps every product of them finite.
ANY = Bounds(-1e12, 1e12)
