"""Our methodologies against the EcoLogits releases they come from, within 0.5 %.

The reference tables were written by make_reference.py running EcoLogits 0.11.3 and 0.6.2 in
throwaway environments (see its docstring); the app itself never imports EcoLogits.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from duels_tui.impact import answer_impact, get_methodology, load_hardware
from duels_tui.impact.methodology import Methodology
from duels_tui.ranges import Range

HERE = Path(__file__).parent
RELEASES = {
    "ecologits-2025": HERE / "reference_ecologits_0_11_3.json",
    "ecologits-2024": HERE / "reference_ecologits_0_6_2.json",
}
TOLERANCE = 0.005
MIN_CASES = 30


def _range(value: Any) -> Range | float:
    return Range(*value) if isinstance(value, list) else value


def _close(ours: float, theirs: float) -> bool:
    if theirs == 0:
        return abs(ours) < 1e-15
    return abs(ours - theirs) <= TOLERANCE * abs(theirs)


def mismatches(methodology: str | Methodology, reference: dict[str, Any]) -> list[str]:
    """Every figure of every case that differs from EcoLogits by more than the tolerance."""
    hardware = load_hardware()
    datacenter = hardware.profile("datacenter-h100")
    problems: list[str] = []
    for number, case in enumerate(reference["cases"]):
        given = case["inputs"]
        zone = hardware.zone(given["zone"])
        name = methodology if isinstance(methodology, str) else methodology.name
        factors = zone.factors(name)
        mix = given["zone_mix"]
        if not _close(factors.gwp_kg_per_kwh, mix["gwp"]) or not _close(factors.pe_mj_per_kwh, mix["pe"]):
            problems.append(f"case {number}: zone {given['zone']} factors differ from EcoLogits")
        profile = datacenter.with_overrides(
            pue=_range(given["pue"]), wue=_range(given["wue"]) if given["wue"] is not None else None
        )
        impact = answer_impact(
            params_total=_range(given["params_total"]),
            params_active=_range(given["params_active"]),
            output_tokens=given["output_tokens"],
            methodology=methodology,
            profile=profile,
            zone=zone,
            generation_s=given["request_latency_s"],
            tokens_per_s=given["tokens_per_s"],
        )
        for field, expected in case["outputs"].items():
            ours = getattr(impact, field)
            for end in ("min", "max"):
                if not _close(getattr(ours, end), expected[end]):
                    problems.append(
                        f"case {number} {given}: {field}.{end} = {getattr(ours, end)!r}, "
                        f"EcoLogits {reference['ecologits_version']} gives {expected[end]!r}"
                    )
    return problems


@pytest.fixture(scope="module", params=sorted(RELEASES))
def release(request: pytest.FixtureRequest) -> tuple[str, dict[str, Any]]:
    return request.param, json.loads(RELEASES[request.param].read_text(encoding="utf-8"))


def test_reference_grid_is_large_and_varied(release: tuple[str, dict[str, Any]]) -> None:
    _, reference = release
    cases = reference["cases"]
    assert len(cases) >= MIN_CASES
    inputs = [c["inputs"] for c in cases]
    totals = [Range.of(i["params_total"]) for i in inputs]
    assert min(t.min for t in totals) <= 0.1 and max(t.max for t in totals) >= 2000
    assert any(i["params_active"] != i["params_total"] for i in inputs)  # MoE
    assert any(isinstance(i["params_total"], list) for i in inputs)  # ranges
    assert any(isinstance(i["params_active"], list) for i in inputs)
    assert {i["output_tokens"] for i in inputs} >= {1, 10_000}
    assert {i["zone"] for i in inputs} >= {"FRA", "WOR", "USA"}
    assert any(i["request_latency_s"] is None for i in inputs)
    assert any(i["request_latency_s"] is not None for i in inputs)


def test_agrees_with_ecologits_release(release: tuple[str, dict[str, Any]]) -> None:
    methodology, reference = release
    problems = mismatches(methodology, reference)
    assert not problems, "\n".join(problems[:20])


def test_measured_latency_changes_figures(release: tuple[str, dict[str, Any]]) -> None:
    """The grid exercises the latency cap: some cases differ from the uncapped estimate."""
    methodology, reference = release
    hardware = load_hardware()
    changed = 0
    for case in reference["cases"]:
        given = case["inputs"]
        if given["request_latency_s"] is None:
            continue
        common: dict[str, Any] = {
            "params_total": _range(given["params_total"]),
            "params_active": _range(given["params_active"]),
            "output_tokens": given["output_tokens"],
            "methodology": methodology,
            "profile": hardware.profile("datacenter-h100"),
            "zone": hardware.zone(given["zone"]),
        }
        capped = answer_impact(**common, generation_s=given["request_latency_s"])
        free = answer_impact(**common)
        changed += capped.energy_wh != free.energy_wh
    assert changed >= 5


@pytest.mark.parametrize(
    ("field", "factor"),
    [
        ("gpu_energy_alpha", 1.02),
        ("latency_alpha", 1.02),
        ("server_power_kw", 1.02),
        ("gpu_embodied_gwp_kg", 1.05),
        ("gpu_memory_gb", 2.0),
    ],
)
def test_a_perturbed_constant_is_caught(release: tuple[str, dict[str, Any]], field: str, factor: float) -> None:
    """The comparison can fail: one constant off by 2-5 % breaks agreement somewhere."""
    methodology, reference = release
    original = get_methodology(methodology)
    perturbed: Methodology = dataclasses.replace(original, **{field: getattr(original, field) * factor})
    assert mismatches(perturbed, reference)


def test_a_wrong_zone_factor_is_caught(release: tuple[str, dict[str, Any]], monkeypatch: pytest.MonkeyPatch) -> None:
    methodology, reference = release
    hardware = load_hardware()
    wor = hardware.zones["WOR"]
    factors = wor.factors(methodology)
    wrong = dataclasses.replace(factors, gwp_kg_per_kwh=factors.gwp_kg_per_kwh * 1.01)
    eras = {**wor.by_methodology, methodology: wrong}
    fake = dataclasses.replace(wor, factors_current=wrong, by_methodology=eras)
    monkeypatch.setitem(hardware.zones, "WOR", fake)
    assert mismatches(methodology, reference)
