"""The values the impact layer works with: zones, hardware profiles and one answer's Impact."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from duels_tui.ranges import Range

ProfileKind = Literal["datacenter", "local"]


class ImpactInputError(ValueError):
    """Bad input to an impact computation; the message is French and meant for the user."""


@dataclass(frozen=True)
class ZoneFactors:
    """Impact of one kWh drawn from a grid, in EcoLogits' units."""

    gwp_kg_per_kwh: float
    wue_l_per_kwh: float
    pe_mj_per_kwh: float
    adpe_kgsbeq_per_kwh: float
    source: str

    def to_json(self) -> dict[str, Any]:
        return {
            "gwp_kg_per_kwh": self.gwp_kg_per_kwh,
            "wue_l_per_kwh": self.wue_l_per_kwh,
            "pe_mj_per_kwh": self.pe_mj_per_kwh,
            "adpe_kgsbeq_per_kwh": self.adpe_kgsbeq_per_kwh,
            "source": self.source,
        }


@dataclass(frozen=True)
class Zone:
    """An electricity zone: current factors, and older ones that a past methodology used."""

    code: str
    name: str
    factors_current: ZoneFactors
    by_methodology: Mapping[str, ZoneFactors] = field(default_factory=dict)

    def factors(self, methodology: str) -> ZoneFactors:
        """The factors of `methodology`'s era when this zone has them, else the current ones."""
        return self.by_methodology.get(methodology, self.factors_current)

    @classmethod
    def custom(cls, gwp_g_per_kwh: float, base: Zone) -> Zone:
        """A zone with a carbon intensity of the user's choice; other factors from `base`."""
        if not gwp_g_per_kwh >= 0:
            raise ImpactInputError(f"intensité carbone invalide : {gwp_g_per_kwh} gCO2e/kWh (il faut un nombre ≥ 0)")
        source = f"valeur personnalisée ({gwp_g_per_kwh:g} gCO2e/kWh) ; autres facteurs : {base.code}"

        def with_gwp(f: ZoneFactors) -> ZoneFactors:
            return replace(f, gwp_kg_per_kwh=gwp_g_per_kwh / 1000, source=source)

        return cls(
            code=f"{gwp_g_per_kwh:g}g",
            name=f"personnalisée ({gwp_g_per_kwh:g} gCO2e/kWh)",
            factors_current=with_gwp(base.factors_current),
            by_methodology={m: with_gwp(f) for m, f in base.by_methodology.items()},
        )


@dataclass(frozen=True)
class HardwareProfile:
    """Where an answer is computed. A datacenter profile leaves the hardware to the methodology
    (EcoLogits' servers) and brings PUE, WUE and zone; a local one describes the machine."""

    name: str
    kind: ProfileKind
    label: str
    pue: Range
    wue_l_per_kwh: Range  # water used on site per kWh of IT energy (cooling)
    zone: str
    power_load_w: Range | None = None
    power_idle_w: Range | None = None
    memory_bandwidth_gbs: float | None = None
    quantization_bits: float | None = None
    bandwidth_efficiency: Range | None = None
    embodied_gwp_kg: Range | None = None
    lifetime_years: float | None = None
    sources: Mapping[str, str] = field(default_factory=dict)
    label_en: str | None = None  # hardware.toml's `label_en`; a file without it keeps the name

    def label_in(self, lang: str) -> str:
        """The label in `lang`: in English, `label_en`, else the profile's name (the label is French)."""
        return self.label if lang != "en" else (self.label_en or self.name)

    @property
    def is_local(self) -> bool:
        return self.kind == "local"

    def with_overrides(self, *, pue: Range | float | None = None, wue: Range | float | None = None) -> HardwareProfile:
        """The same profile with PUE or WUE set by the user (`--pue`, `--wue`)."""
        changed: dict[str, Any] = {}
        if pue is not None:
            changed["pue"] = Range.of(pue)
        if wue is not None:
            changed["wue_l_per_kwh"] = Range.of(wue)
        return replace(self, **changed) if changed else self


@dataclass(frozen=True)
class Impact:
    """One answer's impact. Every figure is a Range (exact when min == max); `inputs` says what
    produced it, for display and export."""

    energy_wh: Range
    gwp_usage_g: Range
    gwp_embodied_g: Range
    gwp_g: Range
    water_ml: Range
    pe_mj: Range
    adpe_kgsbeq: Range
    methodology: str
    profile: str
    zone: str
    output_tokens: int
    inputs: Mapping[str, Any] = field(default_factory=dict)
    measured_wh: float | None = None

    @classmethod
    def zero(cls, methodology: str, profile: str, zone: str) -> Impact:
        """No token, no cost: what an answer that never began weighs."""
        nothing = Range.exact(0.0)
        return cls(
            energy_wh=nothing,
            gwp_usage_g=nothing,
            gwp_embodied_g=nothing,
            gwp_g=nothing,
            water_ml=nothing,
            pe_mj=nothing,
            adpe_kgsbeq=nothing,
            methodology=methodology,
            profile=profile,
            zone=zone,
            output_tokens=0,
        )

    def __add__(self, other: Impact) -> Impact:
        """Two answers' impacts added up: ranges add, tokens add, the measured energy adds when
        both were measured. Methodology, profile, zone and inputs stay the first one's."""
        both = (self.measured_wh, other.measured_wh)
        measured = None if None in both else self.measured_wh + other.measured_wh  # type: ignore[operator]
        return replace(
            self,
            energy_wh=self.energy_wh + other.energy_wh,
            gwp_usage_g=self.gwp_usage_g + other.gwp_usage_g,
            gwp_embodied_g=self.gwp_embodied_g + other.gwp_embodied_g,
            gwp_g=self.gwp_g + other.gwp_g,
            water_ml=self.water_ml + other.water_ml,
            pe_mj=self.pe_mj + other.pe_mj,
            adpe_kgsbeq=self.adpe_kgsbeq + other.adpe_kgsbeq,
            output_tokens=self.output_tokens + other.output_tokens,
            measured_wh=measured,
        )

    def counting_answers(self, answers: int) -> Impact:
        """The same sum, its inputs saying how many answers it adds up."""
        return replace(self, inputs={**dict(self.inputs), "answers": answers})

    @property
    def wh_per_million_tokens(self) -> float | None:
        """Mid energy per million output tokens: the basis of compar:IA's energy class."""
        if self.output_tokens <= 0:
            return None
        return self.energy_wh.mid / self.output_tokens * 1_000_000

    def to_json(self) -> dict[str, Any]:
        return {
            "energy_wh": self.energy_wh.to_json(),
            "gwp_g": self.gwp_g.to_json(),
            "gwp_usage_g": self.gwp_usage_g.to_json(),
            "gwp_embodied_g": self.gwp_embodied_g.to_json(),
            "water_ml": self.water_ml.to_json(),
            "pe_mj": self.pe_mj.to_json(),
            "adpe_kgsbeq": self.adpe_kgsbeq.to_json(),
            "measured_wh": self.measured_wh,
            "methodology": self.methodology,
            "profile": self.profile,
            "zone": self.zone,
            "output_tokens": self.output_tokens,
            "inputs": dict(self.inputs),
        }
