"""Impact layer: microseconds per answer_impact call, and `duels impact` wall time (target 0.3 s)."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

CALLS = 2000
REPEATS = 7
CLI_RUNS = 7


def _per_call_us(fn: Callable[[], object]) -> float:
    times = []
    for _ in range(REPEATS):
        began = time.perf_counter()
        for _ in range(CALLS):
            fn()
        times.append((time.perf_counter() - began) / CALLS * 1e6)
    return statistics.median(times)


def _duels() -> list[str]:
    script = Path(sys.executable).parent / "duels"
    return [str(script)] if script.exists() else [sys.executable, "-m", "duels_tui"]


def run() -> dict:
    from duels_tui.impact import answer_impact, load_equivalents, load_hardware, pick_equivalents
    from duels_tui.ranges import Range

    hw = load_hardware()
    datacenter, laptop = hw.profile("datacenter-h100"), hw.profile("laptop-cpu")
    world, france = hw.zone("WOR"), hw.zone("FRA")
    equivalents = load_equivalents()

    def dense() -> object:
        return answer_impact(params_total=70, params_active=None, output_tokens=452, profile=datacenter, zone=world)

    def moe_range_2024() -> object:
        return answer_impact(
            params_total=Range(600, 2000),
            params_active=Range(30, 100),
            output_tokens=452,
            methodology="ecologits-2024",
            profile=datacenter,
            zone=world,
            generation_s=20.0,
        )

    def local() -> object:
        return answer_impact(params_total=4, params_active=None, output_tokens=452, profile=laptop, zone=france)

    impact = dense()
    command = [*_duels(), "impact", "--params", "70", "--tokens", "452", "--json"]
    subprocess.run(command, capture_output=True, check=True)  # warm the file cache
    cli = []
    for _ in range(CLI_RUNS):
        began = time.perf_counter()
        subprocess.run(command, capture_output=True, check=True)
        cli.append(time.perf_counter() - began)
    return {
        "answer_impact_dense_2025_us": _per_call_us(dense),
        "answer_impact_moe_range_2024_us": _per_call_us(moe_range_2024),
        "answer_impact_local_us": _per_call_us(local),
        "pick_equivalents_us": _per_call_us(lambda: pick_equivalents(impact, equivalents)),
        "load_hardware_cached_us": _per_call_us(load_hardware),
        "cli_impact_json_median_s": statistics.median(cli),
        "cli_impact_json_min_s": min(cli),
        "cli_impact_target_s": 0.3,
    }
