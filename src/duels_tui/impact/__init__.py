"""The impact layer: what one answer cost (energy, CO2e, water…) and how to say it.

Pure Python, no Textual, no litellm. Methodologies follow EcoLogits (see IMPACT.md); the data
(profiles, zones, equivalents) lives in config/ with its sources.
"""

from __future__ import annotations

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
    DEFAULT_METHODOLOGY,
    Methodology,
    get_methodology,
    load_methodologies,
)
from duels_tui.impact.model import HardwareProfile, Impact, ImpactInputError, Zone, ZoneFactors

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
