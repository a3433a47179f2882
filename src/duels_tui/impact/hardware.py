"""Hardware profiles (config/hardware.toml) and electricity zones (config/zones.toml)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from duels_tui.config.fields import TableReader
from duels_tui.config.locate import config_file
from duels_tui.config.toml_file import TomlFile, read_toml
from duels_tui.impact import _cache
from duels_tui.impact.local_routes import HARDWARE_FILE, LocalRoutes, parse_local_routes
from duels_tui.impact.model import HardwareProfile, ImpactInputError, Zone, ZoneFactors
from duels_tui.ranges import Range

ZONES_FILE = "zones.toml"
# Fields each kind of profile must give, each with its source.
_DATACENTER_FIELDS = ("pue", "wue", "zone")
_LOCAL_FIELDS = (
    "power_load_w",
    "power_idle_w",
    "memory_bandwidth_gbs",
    "bandwidth_efficiency",
    "quantization_bits",
    "pue",
    "wue",
    "zone",
    "embodied_gwp_kg",
    "lifetime_years",
)
_OPTIONAL_FIELDS = ("power_load_w", "power_idle_w", "memory_bandwidth_gbs")
_PROFILE_KEYS = {"kind", "label", "label_en", "sources", *_LOCAL_FIELDS}
_CUSTOM_ZONE = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*(?:g|gco2e?(?:/kwh)?)?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class HardwareConfig:
    profiles: dict[str, HardwareProfile]
    zones: dict[str, Zone]
    cloud_profile: str
    local_profile: str
    routes: LocalRoutes  # hardware.toml's [routing]
    quantization_bits: dict[str, float] = field(default_factory=dict)

    @property
    def default_local_profile(self) -> str:
        return self.local_profile

    def profile(self, name: str) -> HardwareProfile:
        try:
            return self.profiles[name]
        except KeyError:
            known = ", ".join(sorted(self.profiles))
            raise ImpactInputError(f"profil matériel inconnu : {name!r} ; profils possibles : {known}") from None

    def zone(self, code: str) -> Zone:
        """A zone by code (case-insensitive), or a custom one given as gCO2e/kWh ("21.7")."""
        found = self.zones.get(code) or self.zones.get(code.upper())
        if found is not None:
            return found
        custom = _CUSTOM_ZONE.match(code)
        if custom:
            return Zone.custom(float(custom.group(1).replace(",", ".")), self.zones["WOR"])
        known = ", ".join(sorted(self.zones))
        raise ImpactInputError(
            f"zone électrique inconnue : {code!r} ; zones possibles : {known}, "
            "ou une intensité carbone en gCO2e/kWh (par exemple 21.7)"
        )

    def is_local_route(self, route: str, api_base: str | None = None) -> bool:
        return self.routes.is_local_route(route, api_base)

    def profile_for_route(
        self, route: str, api_base: str | None = None, *, override: str | None = None, local: bool = False
    ) -> HardwareProfile:
        """The profile that applies to a catalog model: its own `profile` when it names one,
        else the local profile for local routes (or when `local` says it runs here whatever its
        address, as the embedded engine's models do) and the cloud profile for the others."""
        if override:
            return self.profile(override)
        local = local or self.is_local_route(route, api_base)
        return self.profile(self.local_profile if local else self.cloud_profile)

    def bits_for(self, quantization: str | None) -> float | None:
        """Bits per weight for a catalog quantization label ("Q4_K_M", "bf16"), None if unknown."""
        if not quantization:
            return None
        table = {k.lower(): v for k, v in self.quantization_bits.items()}
        return table.get(quantization.lower())


def load_hardware() -> HardwareConfig:
    """Profiles and zones, through the usual lookup (--config, user config dir, shipped)."""
    hardware_path = config_file(HARDWARE_FILE)
    zones = load_zones()
    return _cache.cached(
        f"hardware:{id(zones)}",
        hardware_path,
        lambda p: _parse_hardware(read_toml(p), zones, config_file(ZONES_FILE)),
    )


def load_zones() -> dict[str, Zone]:
    return _cache.cached("zones", config_file(ZONES_FILE), lambda p: _parse_zones(read_toml(p)))


def _range(r: TableReader, key: str, *, allow_zero: bool = False) -> Range:
    """A number or [min, max]; zero allowed where it means "none" (water on site)."""
    value = r.data.get(key)
    if allow_zero and value == 0 and not isinstance(value, bool):
        return Range.exact(0.0)
    return r.range(key)


def _parse_profile(doc: TomlFile, name: str, data: Any) -> HardwareProfile:
    table = f"profiles.{name}"
    if not isinstance(data, dict):
        raise doc.error(f"« {name} » doit être une table [{table}]", key=name)
    r = TableReader(doc, data, table, None)
    r.unknown_keys(_PROFILE_KEYS)
    kind = r.str("kind", choices=("datacenter", "local"))
    required = _DATACENTER_FIELDS if kind == "datacenter" else _LOCAL_FIELDS
    raw_sources = data.get("sources", {})
    if not isinstance(raw_sources, dict):
        raise r.error("sources", "table [profiles.…sources] attendue")
    sources = TableReader(doc, raw_sources, f"{table}.sources", None)
    for key in data:
        if key in _LOCAL_FIELDS:
            sources.str(key)  # every value carries its source
    for key in required:
        if key not in data:
            raise r.error(key, f"champ obligatoire pour un profil « {kind} »")

    def optional_range(key: str) -> Range | None:
        return _range(r, key) if key in data else None

    def optional_number(key: str) -> float | None:
        return float(r.number(key, positive=True)) if key in data else None

    pue = _range(r, "pue")
    if pue.min < 1:
        raise r.error("pue", f"un PUE vaut au moins 1, trouvé {pue.min:g}")
    efficiency = optional_range("bandwidth_efficiency")
    if efficiency is not None and efficiency.max > 1:
        raise r.error("bandwidth_efficiency", "fraction de la bande passante attendue (≤ 1)")
    return HardwareProfile(
        name=name,
        kind=kind,
        label=r.str("label", name),
        label_en=r.str("label_en", None),
        pue=pue,
        wue_l_per_kwh=_range(r, "wue", allow_zero=True),
        zone=r.str("zone"),
        power_load_w=optional_range("power_load_w"),
        power_idle_w=optional_range("power_idle_w"),
        memory_bandwidth_gbs=optional_number("memory_bandwidth_gbs"),
        quantization_bits=optional_number("quantization_bits"),
        bandwidth_efficiency=efficiency,
        embodied_gwp_kg=(_range(r, "embodied_gwp_kg", allow_zero=True) if "embodied_gwp_kg" in data else None),
        lifetime_years=optional_number("lifetime_years"),
        sources={k: v for k, v in raw_sources.items() if isinstance(v, str)},
    )


def _parse_hardware(doc: TomlFile, zones: dict[str, Zone], zones_path: Path | str = ZONES_FILE) -> HardwareConfig:
    raw_profiles = doc.data.get("profiles")
    if not isinstance(raw_profiles, dict) or not raw_profiles:
        raise doc.error("tables [profiles.NOM] attendues", key="profiles")
    profiles = {name: _parse_profile(doc, name, data) for name, data in raw_profiles.items()}
    for profile in profiles.values():
        if profile.zone not in zones:
            raise doc.error(
                # The damaged file may be either: name both (a zone renamed in zones.toml lands here).
                f"zone inconnue {profile.zone!r} (zones de {zones_path} : {', '.join(sorted(zones))})",
                table=f"profiles.{profile.name}",
                key="zone",
            )
    defaults = TableReader(doc, doc.data.get("defaults", {}), "defaults", None)
    cloud = defaults.str("cloud_profile", "datacenter-h100")
    local = defaults.str("local_profile", "laptop-cpu")
    for key, name in (("cloud_profile", cloud), ("local_profile", local)):
        if name not in profiles:
            raise defaults.error(key, f"profil inconnu {name!r} ; profils : {', '.join(profiles)}")
    routes = parse_local_routes(doc)
    bits_table = doc.data.get("quantization_bits", {})
    bits_reader = TableReader(doc, bits_table, "quantization_bits", None)
    bits = {label: float(bits_reader.number(label, positive=True)) for label in bits_table if label != "source"}
    return HardwareConfig(
        profiles=profiles,
        zones=zones,
        cloud_profile=cloud,
        local_profile=local,
        routes=routes,
        quantization_bits=bits,
    )


def _factors(r: TableReader, fallback: ZoneFactors | None) -> ZoneFactors:
    """The factors a table gives; those it leaves out come from `fallback` when there is one."""

    def value(key: str, inherited: float | None) -> float:
        if key in r.data or inherited is None:
            return float(r.number(key, minimum=0))
        return inherited

    return ZoneFactors(
        gwp_kg_per_kwh=value("gwp", fallback.gwp_kg_per_kwh if fallback else None),
        wue_l_per_kwh=value("wue", fallback.wue_l_per_kwh if fallback else None),
        pe_mj_per_kwh=value("pe", fallback.pe_mj_per_kwh if fallback else None),
        adpe_kgsbeq_per_kwh=value("adpe", fallback.adpe_kgsbeq_per_kwh if fallback else None),
        source=r.str("source"),
    )


def _parse_zones(doc: TomlFile) -> dict[str, Zone]:
    raw = doc.data.get("zones")
    if not isinstance(raw, dict) or not raw:
        raise doc.error("tables [zones.CODE] attendues", key="zones")
    zones: dict[str, Zone] = {}
    # Zones with a base come after the plain ones so that the base is already read.
    for code, data in sorted(raw.items(), key=lambda item: isinstance(item[1], dict) and "base" in item[1]):
        table = f"zones.{code}"
        if not isinstance(data, dict):
            raise doc.error(f"« {code} » doit être une table [{table}]", key=code)
        r = TableReader(doc, data, table, None)
        r.number("year", integer=True)
        base_code = r.str("base", None)
        base = zones.get(base_code) if base_code else None
        if base_code and base is None:
            raise r.error("base", f"zone de base inconnue {base_code!r}")
        current = _factors(r, base.factors_current if base else None)
        eras: dict[str, ZoneFactors] = {}
        if base is not None:
            # A custom zone changes the factors it names in every era of its base.
            own = {k: v for k, v in data.items() if k in ("gwp", "wue", "pe", "adpe", "source")}
            for era, factors in base.by_methodology.items():
                eras[era] = _factors(TableReader(doc, own, table, None), factors)
        for key, sub in data.items():
            if isinstance(sub, dict):
                # An era's table may leave out a factor its release did not have (water in
                # EcoLogits 0.6.2): the current one stands in.
                eras[key] = _factors(TableReader(doc, sub, f"{table}.{key}", None), current)
        zones[code] = Zone(code=code, name=r.str("name", code), factors_current=current, by_methodology=eras)
    if "WOR" not in zones:
        raise doc.error("la zone WOR (monde) est requise : elle sert de base aux zones personnalisées")
    return {code: zones[code] for code in raw}
