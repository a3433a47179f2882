"""Write the EcoLogits reference tables that test_impact_reference.py compares us with.

Run it with the Python of a throwaway environment holding one EcoLogits release (they conflict,
so one environment each), from the repository root:

    python3 -m venv /tmp/eco2025 && /tmp/eco2025/bin/pip install ecologits==0.11.3
    /tmp/eco2025/bin/python tests/impact/make_reference.py
    python3 -m venv /tmp/eco2024 && /tmp/eco2024/bin/pip install ecologits==0.6.2
    /tmp/eco2024/bin/python tests/impact/make_reference.py

It writes reference_ecologits_<version>.json beside itself. Only the standard library and
EcoLogits are imported: this file never imports duels_tui.

EcoLogits' high-level entry point looks models up in its own catalog; we call the function
underneath, `ecologits.impacts.llm.compute_llm_impacts`, with the parameters, the token count,
the electricity mix of a zone (from EcoLogits' own data) and the datacenter's PUE/WUE.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import ecologits
from ecologits.electricity_mix_repository import electricity_mixes
from ecologits.impacts.llm import compute_llm_impacts
from ecologits.utils.range_value import RangeValue

VERSION = ecologits.__version__
HAS_WATER = tuple(int(x) for x in VERSION.split(".")[:2]) >= (0, 9)

# (total, active) in billions; a list is a [min, max] range. 0.1 to 2,000 B, dense and MoE.
PARAMS: list[tuple[Any, Any]] = [
    (0.1, 0.1),
    (1, 1),
    (4, 4),
    (8, 8),
    (24, 24),
    (46.7, 12.9),  # Mixtral 8x7B
    (70, 70),
    (109, 17),  # Llama 4 Scout
    ([200, 400], [200, 400]),  # an unpublished dense model, as a range
    (405, 405),
    (440, [100, 175]),  # compar:IA's estimate for GPT-4o, active range
    (671, 37),  # DeepSeek R1 / V3
    ([600, 2000], [30, 100]),  # a large unpublished MoE
    (2000, 2000),
]
TOKENS = [1, 10, 100, 452, 1000, 10000]
ZONES = ["FRA", "WOR", "USA"]
# Measured request latency in seconds (None: none measured): short ones cap the estimate.
LATENCIES = [None, 2.0, 30.0]
# Datacenter settings: EcoLogits 0.11.3's provider values (OpenAI, Anthropic as a range,
# Mistral). 0.6.2 had a fixed PUE of 1.2 and no water: it gets the first one only.
DATACENTERS = [
    {"pue": 1.2, "wue": 0.569},
    {"pue": [1.09, 1.14], "wue": [0.13, 0.999]},
    {"pue": 1.16, "wue": 0.09},
]


def value(v: Any) -> Any:
    return RangeValue(min=v[0], max=v[1]) if isinstance(v, list) else v


def out(v: Any, scale: float = 1.0) -> dict[str, float]:
    if isinstance(v, RangeValue):
        return {"min": v.min * scale, "max": v.max * scale}
    return {"min": v * scale, "max": v * scale}


def case(index: int, total: Any, active: Any, tokens: int) -> dict[str, Any] | None:
    zone = ZONES[index % len(ZONES)]
    latency = LATENCIES[(index // 3) % len(LATENCIES)]
    datacenter = DATACENTERS[(index // 2) % len(DATACENTERS)] if HAS_WATER else DATACENTERS[0]
    tps = 40.0 if HAS_WATER and index % 7 == 3 else None
    mix = electricity_mixes.find_electricity_mix(zone=zone)
    kwargs: dict[str, Any] = {
        "model_active_parameter_count": value(active),
        "model_total_parameter_count": value(total),
        "output_token_count": tokens,
        "if_electricity_mix_adpe": mix.adpe,
        "if_electricity_mix_pe": mix.pe,
        "if_electricity_mix_gwp": mix.gwp,
        "request_latency": latency,
    }
    if HAS_WATER:
        kwargs.update(
            if_electricity_mix_wue=mix.wue,
            datacenter_pue=value(datacenter["pue"]),
            datacenter_wue=value(datacenter["wue"]),
            tps=tps,
        )
    try:
        impacts = compute_llm_impacts(**kwargs)
    except TypeError as exc:
        # 0.6.2 cannot merge an estimated interval (small end of a parameter range) with a
        # measured latency (large end): it raises. Such a case has no reference figure.
        print(f"skipped case {index}: {exc}", file=sys.stderr)
        return None
    outputs = {
        "energy_wh": out(impacts.energy.value, 1000),
        "gwp_usage_g": out(impacts.usage.gwp.value, 1000),
        "gwp_embodied_g": out(impacts.embodied.gwp.value, 1000),
        "gwp_g": out(impacts.gwp.value, 1000),
        "pe_mj": out(impacts.pe.value),
        "adpe_kgsbeq": out(impacts.adpe.value),
    }
    if HAS_WATER:
        outputs["water_ml"] = out(impacts.wcf.value, 1000)
    return {
        "inputs": {
            "params_total": total,
            "params_active": active,
            "output_tokens": tokens,
            "zone": zone,
            "zone_mix": {"gwp": mix.gwp, "pe": mix.pe, "adpe": mix.adpe, "wue": getattr(mix, "wue", None)},
            "request_latency_s": latency,
            "tokens_per_s": tps,
            "pue": datacenter["pue"],
            "wue": datacenter["wue"] if HAS_WATER else None,
        },
        "outputs": outputs,
    }


def main() -> None:
    cases = []
    index = 0
    for total, active in PARAMS:
        for tokens in TOKENS:
            built = case(index, total, active, tokens)
            if built is not None:
                cases.append(built)
            index += 1
    target = Path(__file__).with_name(f"reference_ecologits_{VERSION.replace('.', '_')}.json")
    document = {
        "ecologits_version": VERSION,
        "generated_by": "tests/impact/make_reference.py",
        "function": "ecologits.impacts.llm.compute_llm_impacts",
        "units": {"energy_wh": "Wh", "gwp_*": "gCO2e", "water_ml": "mL", "pe_mj": "MJ", "adpe_kgsbeq": "kgSbeq"},
        "cases": cases,
    }
    target.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
    print(f"{target}: {len(cases)} cases (EcoLogits {VERSION})")


if __name__ == "__main__":
    main()
