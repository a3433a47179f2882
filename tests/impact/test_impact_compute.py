"""answer_impact: figures the workshop relies on, measured inputs, ranges, bad input."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from duels_tui.impact import (
    Impact,
    ImpactInputError,
    answer_impact,
    load_hardware,
    pick_equivalents,
)
from duels_tui.impact.model import Zone
from duels_tui.ranges import Range


@pytest.fixture()
def hw():
    return load_hardware()


def cloud(hw, params: float | Range = 70, tokens: int = 452, zone: str = "WOR", **kw) -> Impact:
    return answer_impact(
        params_total=params,
        params_active=kw.pop("active", None),
        output_tokens=tokens,
        profile=kw.pop("profile", hw.profile("datacenter-h100")),
        zone=hw.zone(zone),
        **kw,
    )


def test_slides_figures_come_from_the_2024_methodology(hw) -> None:
    """compar:IA's slides: 1 question = 37 g CO2, 12 h of LED, 1 h of video (300 B, 452 tokens)."""
    impact = cloud(hw, 300, methodology="ecologits-2024")
    assert impact.gwp_g.mid == pytest.approx(37, rel=0.03)
    labels = [e.label for e in pick_equivalents(impact)]
    assert "12 h d'ampoule LED" in labels
    assert impact.energy_wh.mid / 5 == pytest.approx(12, rel=0.03)
    assert impact.gwp_g.mid / 31.7 == pytest.approx(1.17, rel=0.03)


def test_2024_gives_20_to_60_times_the_2025_energy(hw) -> None:
    """docs/impact.md's order of magnitude; a little under 20 where 2025's 16-bit weights need four
    times the GPUs of 2024's 4-bit ones (70 B: 4 GPUs against 1)."""
    for params in (4, 8, 24, 70, 300, 440):
        ratio = cloud(hw, params, methodology="ecologits-2024").energy_wh.mid / cloud(hw, params).energy_wh.mid
        assert 18 <= ratio <= 60, (params, ratio)


def test_2025_is_consistent_with_published_anchors(hw) -> None:
    """Google (0.24 Wh), OpenAI (0.34 Wh), Epoch AI (0.3 Wh for 500 tokens): within a factor
    of ten (EcoLogits gives about 2 Wh for compar:IA's GPT-4o estimate, 440 / 137.5 B)."""
    impact = cloud(hw, 440, active=137.5, tokens=500)
    assert 0.24 / 10 <= impact.energy_wh.mid <= 0.34 * 10
    # ML.ENERGY, Llama 3.1 8B on H100 at batch 64: 0.119 J/token for the GPU.
    gpu_only = answer_impact(
        params_total=8,
        params_active=None,
        output_tokens=1000,
        profile=hw.profile("datacenter-h100").with_overrides(pue=1.0),
        zone=hw.zone("WOR"),
    )
    joules_per_token = gpu_only.energy_wh.mid * 3.6
    assert 0.1 <= joules_per_token <= 0.4


def test_moe_energy_follows_active_params_and_memory_total(hw) -> None:
    moe = cloud(hw, 671, active=37)
    dense_active = cloud(hw, 37)
    dense_total = cloud(hw, 671)
    assert dense_active.energy_wh.mid < moe.energy_wh.mid < dense_total.energy_wh.mid
    assert moe.inputs["moe"] is True
    assert moe.inputs["gpu_count"] == dense_total.inputs["gpu_count"] == {"min": 32, "max": 32}


def test_ranges_in_give_ranges_out(hw) -> None:
    impact = cloud(hw, Range(200, 400))
    assert not impact.energy_wh.is_exact
    low, high = cloud(hw, 200), cloud(hw, 400)
    assert impact.energy_wh.min == pytest.approx(low.energy_wh.min)
    assert impact.energy_wh.max == pytest.approx(high.energy_wh.max)
    assert impact.gwp_g.min < impact.gwp_g.max


def test_energy_is_linear_in_tokens_without_latency_cap(hw) -> None:
    one, many = cloud(hw, 70, tokens=100), cloud(hw, 70, tokens=10_000)
    assert many.energy_wh.mid == pytest.approx(100 * one.energy_wh.mid, rel=1e-9)


def test_measured_latency_caps_datacenter_time(hw) -> None:
    free = cloud(hw, 70, tokens=1000)
    capped = cloud(hw, 70, tokens=1000, generation_s=5.0)
    assert capped.energy_wh.mid < free.energy_wh.mid
    assert capped.inputs["generation_s"] == {"min": 5.0, "max": 5.0}
    assert "latence mesurée" in capped.inputs["generation_source"]
    # A latency longer than the estimate changes nothing.
    assert cloud(hw, 70, tokens=1000, generation_s=1e6).energy_wh == free.energy_wh


def test_known_throughput_replaces_the_latency_regression(hw) -> None:
    fast = cloud(hw, 70, tokens=1000, tokens_per_s=200.0)
    assert fast.inputs["generation_s"]["max"] == pytest.approx(5.0)
    assert fast.gwp_embodied_g.mid < cloud(hw, 70, tokens=1000).gwp_embodied_g.mid
    old = cloud(hw, 70, tokens=1000, tokens_per_s=200.0, methodology="ecologits-2024")
    assert any("débit mesuré ignoré" in note for note in old.inputs["notes"])


def test_gwp_is_usage_plus_embodied_and_water_is_positive(hw) -> None:
    impact = cloud(hw, 70, zone="FRA")
    assert impact.gwp_g.mid == pytest.approx(impact.gwp_usage_g.mid + impact.gwp_embodied_g.mid)
    assert impact.gwp_usage_g.mid == pytest.approx(impact.energy_wh.mid * 0.04144)
    assert impact.water_ml.mid > 0 and impact.pe_mj.mid > 0 and impact.adpe_kgsbeq.mid > 0


def test_zone_changes_carbon_not_energy(hw) -> None:
    france, world = cloud(hw, 70, zone="FRA"), cloud(hw, 70, zone="WOR")
    assert france.energy_wh == world.energy_wh
    assert france.gwp_usage_g.mid < world.gwp_usage_g.mid / 5


def test_custom_zone_uses_the_given_intensity(hw) -> None:
    custom = hw.zone("21.7")
    assert isinstance(custom, Zone)
    impact = answer_impact(
        params_total=70, params_active=None, output_tokens=452, profile=hw.profile("datacenter-h100"), zone=custom
    )
    assert impact.gwp_usage_g.mid == pytest.approx(impact.energy_wh.mid * 0.0217)
    rte = hw.zone("FRA-RTE")
    assert rte.factors("ecologits-2025").gwp_kg_per_kwh == 0.0217
    assert rte.factors("ecologits-2024").gwp_kg_per_kwh == 0.0217
    assert rte.factors("ecologits-2025").wue_l_per_kwh == hw.zone("FRA").factors_current.wue_l_per_kwh


def test_2024_uses_the_mixes_of_its_era(hw) -> None:
    impact = cloud(hw, 70, zone="FRA", methodology="ecologits-2024")
    assert impact.inputs["zone_factors"]["gwp_kg_per_kwh"] == 0.0813225
    assert any("eau" in note for note in impact.inputs["notes"])


def test_zero_tokens_cost_nothing(hw) -> None:
    impact = cloud(hw, 70, tokens=0)
    assert impact.energy_wh == Range(0, 0) and impact.gwp_g == Range(0, 0)
    assert impact.wh_per_million_tokens is None


def test_measured_energy_is_kept_beside_the_estimate(hw) -> None:
    impact = answer_impact(
        params_total=4,
        params_active=None,
        output_tokens=200,
        profile=hw.profile("laptop-cpu"),
        zone=hw.zone("FRA"),
        generation_s=10.0,
        measured_wh=0.11,
    )
    assert impact.measured_wh == 0.11
    assert impact.to_json()["measured_wh"] == 0.11
    assert impact.energy_wh.min == pytest.approx(30 * 10 / 3600)


def test_json_is_serialisable_and_complete(hw) -> None:
    data = cloud(hw, Range(300, 500), active=Range(100, 175)).to_json()
    text = json.dumps(data)
    assert set(json.loads(text)) >= {
        "energy_wh",
        "gwp_g",
        "water_ml",
        "inputs",
        "methodology",
        "gwp_usage_g",
        "gwp_embodied_g",
        "pe_mj",
        "adpe_kgsbeq",
    }
    assert data["inputs"]["params_total_b"] == {"min": 300.0, "max": 500.0}
    assert data["inputs"]["methodology_source"].startswith("EcoLogits 0.11.3")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"params_total": -5}, "strictement positif"),
        ({"params_total": 0}, "strictement positif"),
        ({"params_total": 70, "params_active": 100}, "dépassent le total"),
        ({"output_tokens": -1}, "tokens"),
        ({"output_tokens": 1.5}, "tokens"),
        ({"output_tokens": True}, "tokens"),
        ({"tokens_per_s": 0.0}, "débit"),
        ({"generation_s": -1.0}, "durée"),
        ({"quantization_bits": 0}, "bits"),
        ({"methodology": "ecologits-1999"}, "méthodologie inconnue"),
    ],
)
def test_bad_input_is_a_french_error(hw, kwargs: dict, message: str) -> None:
    args = {
        "params_total": 70,
        "params_active": None,
        "output_tokens": 100,
        "profile": hw.profile("datacenter-h100"),
        "zone": hw.zone("WOR"),
        **kwargs,
    }
    with pytest.raises(ImpactInputError, match=message):
        answer_impact(**args)


def test_quantization_changes_gpu_count(hw) -> None:
    full = cloud(hw, 70)
    quantized = cloud(hw, 70, quantization_bits=4)
    # 1.2 x 70 B x 2 bytes = 168 GB: 3 GPUs of 80 GB, rounded up to a power of two.
    assert full.inputs["gpu_count"]["max"] == 4
    # 1.2 x 70 x 0.5 = 42 GB: one GPU.
    assert quantized.inputs["gpu_count"]["max"] == 1


def test_impacts_add_up_as_two_answers_would(hw) -> None:
    """`Impact +`: the reveal sums a model's answers in a duel (every turn) this way."""
    one, two = cloud(hw, tokens=100), cloud(hw, tokens=300)
    total = one + two
    assert total.output_tokens == 400
    for name in ("energy_wh", "gwp_g", "gwp_usage_g", "gwp_embodied_g", "water_ml", "pe_mj", "adpe_kgsbeq"):
        a, b, both = getattr(one, name), getattr(two, name), getattr(total, name)
        assert (both.min, both.max) == pytest.approx((a.min + b.min, a.max + b.max)), name
    assert (total.methodology, total.profile, total.zone) == (one.methodology, one.profile, one.zone)
    assert total.measured_wh is None
    measured = replace(one, measured_wh=1.5) + replace(two, measured_wh=2.0)
    assert measured.measured_wh == pytest.approx(3.5)
    assert (replace(one, measured_wh=1.5) + two).measured_wh is None  # one unmeasured: unknown
    assert total.counting_answers(2).inputs["answers"] == 2


def test_zero_impact_weighs_nothing() -> None:
    zero = Impact.zero("ecologits-2025", "datacenter-h100", "WOR")
    assert zero.output_tokens == 0 and zero.wh_per_million_tokens is None
    assert all(getattr(zero, n) == Range.exact(0.0) for n in ("energy_wh", "gwp_g", "water_ml", "pe_mj"))
    assert (zero.methodology, zero.profile, zero.zone) == ("ecologits-2025", "datacenter-h100", "WOR")
