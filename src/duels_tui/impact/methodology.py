"""Datacenter methodologies: EcoLogits' model of a request served by GPU servers.

Written from docs/impact.md and from reading EcoLogits 0.11.3 and 0.6.2 (`ecologits/impacts/llm.py`);
the constants live in `methodologies.toml` beside this file. tests/impact/ checks the results
against those releases.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from duels_tui.config.fields import TableReader
from duels_tui.config.toml_file import read_toml
from duels_tui.impact import _cache
from duels_tui.impact.model import ImpactInputError
from duels_tui.ranges import Range

METHODOLOGIES_FILE = Path(__file__).with_name("methodologies.toml")
# EcoLogits counts a year as 365 days, the server running around the clock.
SECONDS_PER_YEAR = 365 * 24 * 60 * 60
# Normal quantile of a 95 % interval: the 2024 regressions give mean -/+ 1.96 standard deviations.
Z95 = 1.96


@dataclass(frozen=True)
class Methodology:
    name: str
    label: str
    description: str
    source: str
    year: int
    energy_model: Literal["batched", "linear"]
    # batched: Wh per token = alpha * exp(beta * batch) * P + gamma (gpu_energy_stdev unused)
    # linear: kWh per token = alpha * P + beta, -/+ 1.96 stdev (gpu_energy_gamma unused)
    gpu_energy_alpha: float
    gpu_energy_beta: float
    gpu_energy_gamma: float
    gpu_energy_stdev: float
    latency_alpha: float
    latency_beta: float
    latency_gamma: float
    latency_stdev: float
    latency_cap: Literal["cap", "replace"]
    batch_size: int
    quantization_bits: float
    memory_overhead: float
    gpu_memory_gb: float
    gpu_count_rounding: Literal["power-of-two", "ceil"]
    server_gpus: int
    server_power_kw: float
    server_embodied_gwp_kg: float
    server_embodied_adpe_kgsbeq: float
    server_embodied_pe_mj: float
    gpu_embodied_gwp_kg: float
    gpu_embodied_adpe_kgsbeq: float
    gpu_embodied_pe_mj: float
    lifetime_years: float

    @property
    def lifetime_s(self) -> float:
        return self.lifetime_years * SECONDS_PER_YEAR

    def gpu_energy_kwh(self, active_b: float, tokens: int) -> Range:
        """Energy of one GPU for the whole answer."""
        if self.energy_model == "batched":
            per_token_wh = (
                self.gpu_energy_alpha * math.exp(self.gpu_energy_beta * self.batch_size) * active_b
                + self.gpu_energy_gamma
            )
            return Range.exact(tokens * per_token_wh / 1000)
        mean = self.gpu_energy_alpha * active_b + self.gpu_energy_beta
        spread = Z95 * self.gpu_energy_stdev
        return Range(max(0.0, tokens * (mean - spread)), tokens * (mean + spread))

    def generation_latency_s(
        self,
        active_b: float,
        tokens: int,
        *,
        request_latency_s: float | None,
        tokens_per_s: float | None,
        ttft_s: float | None,
    ) -> tuple[Range, str]:
        """Time the GPUs spend on the answer, and where that figure comes from (French)."""
        if self.energy_model == "batched":
            if tokens_per_s is None:
                per_token = self.latency_alpha * active_b + self.latency_beta * self.batch_size + self.latency_gamma
                how = "estimée par la régression de la méthodologie"
            else:
                per_token = 1 / tokens_per_s
                how = "déduite du débit mesuré"
            estimate = Range.exact(tokens * per_token + (ttft_s or 0.0))
        else:
            mean = self.latency_alpha * active_b + self.latency_beta
            spread = Z95 * self.latency_stdev
            estimate = Range(max(0.0, tokens * (mean - spread)), tokens * (mean + spread))
            how = "estimée par la régression de la méthodologie"
        if request_latency_s is None:
            return estimate, how
        if self.latency_cap == "cap":
            if request_latency_s < estimate.max:
                capped = Range(min(estimate.min, request_latency_s), request_latency_s)
                return capped, "plafonnée par la latence mesurée"
            return estimate, how
        # "replace": EcoLogits 0.6.2 keeps the estimated interval only when all of it lies
        # below the measured latency; otherwise the measurement stands alone.
        if estimate.max < request_latency_s:
            return estimate, how
        return Range.exact(request_latency_s), "mesurée"

    def gpu_count(self, total_b: float, bits: float) -> int:
        """GPUs needed to hold the weights (plus 20 % overhead)."""
        memory_gb = self.memory_overhead * total_b * bits / 8
        count = max(1, math.ceil(memory_gb / self.gpu_memory_gb))
        if self.gpu_count_rounding == "power-of-two":
            count = 2 ** math.ceil(math.log2(count))
        return count


def load_methodologies(path: Path = METHODOLOGIES_FILE) -> dict[str, Methodology]:
    return _cache.cached("methodologies", path, _parse)


def get_methodology(name: str) -> Methodology:
    methodologies = load_methodologies()
    try:
        return methodologies[name]
    except KeyError:
        known = ", ".join(sorted(methodologies))
        raise ImpactInputError(f"méthodologie inconnue : {name!r} ; méthodologies possibles : {known}") from None


def _parse(path: Path) -> dict[str, Methodology]:
    doc = read_toml(path)
    result: dict[str, Methodology] = {}
    for name, data in doc.data.items():
        if not isinstance(data, dict):
            raise doc.error(f"« {name} » doit être une table [{name}]", key=name)
        r = TableReader(doc, data, name, None)
        model = r.str("energy_model", choices=("batched", "linear"))
        batched = model == "batched"
        num = r.number
        result[name] = Methodology(
            name=name,
            label=r.str("label"),
            description=r.str("description"),
            source=r.str("source"),
            year=num("year", integer=True),
            energy_model=model,
            gpu_energy_alpha=num("gpu_energy_alpha_wh" if batched else "gpu_energy_alpha_kwh"),
            gpu_energy_beta=num("gpu_energy_beta" if batched else "gpu_energy_beta_kwh"),
            gpu_energy_gamma=num("gpu_energy_gamma_wh") if batched else 0.0,
            gpu_energy_stdev=0.0 if batched else num("gpu_energy_stdev_kwh", minimum=0),
            latency_alpha=num("latency_alpha"),
            latency_beta=num("latency_beta"),
            latency_gamma=num("latency_gamma") if batched else 0.0,
            latency_stdev=0.0 if batched else num("latency_stdev", minimum=0),
            latency_cap=r.str("latency_cap", choices=("cap", "replace")),
            batch_size=num("batch_size", integer=True, positive=True),
            quantization_bits=num("quantization_bits", positive=True),
            memory_overhead=num("memory_overhead", positive=True),
            gpu_memory_gb=num("gpu_memory_gb", positive=True),
            gpu_count_rounding=r.str("gpu_count_rounding", choices=("power-of-two", "ceil")),
            server_gpus=num("server_gpus", integer=True, positive=True),
            server_power_kw=num("server_power_kw", minimum=0),
            server_embodied_gwp_kg=num("server_embodied_gwp_kg", minimum=0),
            server_embodied_adpe_kgsbeq=num("server_embodied_adpe_kgsbeq", minimum=0),
            server_embodied_pe_mj=num("server_embodied_pe_mj", minimum=0),
            gpu_embodied_gwp_kg=num("gpu_embodied_gwp_kg", minimum=0),
            gpu_embodied_adpe_kgsbeq=num("gpu_embodied_adpe_kgsbeq", minimum=0),
            gpu_embodied_pe_mj=num("gpu_embodied_pe_mj", minimum=0),
            lifetime_years=num("lifetime_years", positive=True),
        )
    return result
