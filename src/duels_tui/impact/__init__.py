"""The impact layer: what one answer cost (energy, CO2e, water…) and how to say it.

Pure Python, no Textual, no litellm. Methodologies follow EcoLogits (docs/impact.md); the data
(profiles, zones, equivalents) lives in config/ with its sources.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from duels_tui.impact.compare import Comparison, compare_energy, compare_values
    from duels_tui.impact.compute import answer_impact
    from duels_tui.impact.equivalents import (
        Equivalent,
        EquivalentsConfig,
        energy_class,
        load_equivalents,
        pick_equivalents,
    )
    from duels_tui.impact.hardware import HardwareConfig, load_hardware, load_zones
    from duels_tui.impact.methodology import (
        Methodology,
        get_methodology,
        load_methodologies,
    )
    from duels_tui.impact.model import HardwareProfile, Impact, ImpactInputError, Zone, ZoneFactors


# The methodology a new session is computed with: named here, where the arena reads it when it is
# imported (arena/rows.py), so that Home's first frame imports none of the impact's modules.
DEFAULT_METHODOLOGY = "ecologits-2025"

# Each other name is imported from its module on first use: when a reveal is computed.
_MODULES = ("model", "methodology", "hardware", "compute", "equivalents", "compare")


def __getattr__(name: str) -> Any:
    if name in __all__:
        for module in _MODULES:
            found = getattr(importlib.import_module(f"{__name__}.{module}"), name, None)
            if found is not None:
                globals()[name] = found
                return found
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "DEFAULT_METHODOLOGY",
    "Comparison",
    "Equivalent",
    "EquivalentsConfig",
    "HardwareConfig",
    "HardwareProfile",
    "Impact",
    "ImpactInputError",
    "Methodology",
    "Zone",
    "ZoneFactors",
    "answer_impact",
    "compare_energy",
    "compare_values",
    "energy_class",
    "get_methodology",
    "load_equivalents",
    "load_hardware",
    "load_methodologies",
    "load_zones",
    "pick_equivalents",
]
