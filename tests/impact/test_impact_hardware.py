"""Hardware profiles, zones and route -> profile, from config/hardware.toml and zones.toml."""

from __future__ import annotations

from pathlib import Path

import pytest

from duels_tui.config.errors import ConfigError
from duels_tui.impact import ImpactInputError, answer_impact, load_hardware
from duels_tui.impact.hardware import _LOCAL_FIELDS
from duels_tui.paths import shipped_config_dir
from duels_tui.ranges import Range

LOCAL_PROFILES = ("laptop-cpu", "laptop-apple-silicon", "desktop-gpu")


@pytest.fixture()
def hw():
    return load_hardware()


def local_answer(hw, profile: str, **kw):
    return answer_impact(
        params_total=kw.pop("params", 8),
        params_active=None,
        output_tokens=kw.pop("tokens", 500),
        profile=hw.profile(profile),
        zone=hw.zone(kw.pop("zone", "FRA")),
        **kw,
    )


def test_every_profile_value_has_a_source(hw) -> None:
    assert set(hw.profiles) >= {"datacenter-h100", *LOCAL_PROFILES}
    for profile in hw.profiles.values():
        given = [f for f in _LOCAL_FIELDS if f in profile.sources]
        assert {"pue", "wue", "zone"} <= set(given), profile.name
        for source in profile.sources.values():
            assert len(source) > 10


def test_datacenter_h100_follows_ecologits(hw) -> None:
    p = hw.profile("datacenter-h100")
    assert p.kind == "datacenter" and not p.is_local
    assert p.pue == Range.exact(1.2)
    assert p.wue_l_per_kwh == Range.exact(0.569)
    assert p.zone == "WOR"
    assert p.power_load_w == Range.exact(700)
    assert p.memory_bandwidth_gbs == 3350


@pytest.mark.parametrize("name", LOCAL_PROFILES)
def test_local_profile_is_complete(hw, name: str) -> None:
    p = hw.profile(name)
    assert p.is_local
    assert p.pue == Range.exact(1.0)
    assert p.wue_l_per_kwh == Range.exact(0.0)
    assert p.zone == "FRA"
    assert p.power_idle_w is not None and p.power_load_w is not None
    assert p.power_idle_w.max < p.power_load_w.min
    assert p.memory_bandwidth_gbs and p.memory_bandwidth_gbs > 10
    assert p.embodied_gwp_kg is not None and p.lifetime_years
    assert set(_LOCAL_FIELDS) <= set(p.sources)


@pytest.mark.parametrize("name", LOCAL_PROFILES)
def test_local_energy_is_power_times_measured_time(hw, name: str) -> None:
    p = hw.profile(name)
    impact = local_answer(hw, name, generation_s=36.0)
    assert impact.energy_wh.min == pytest.approx(p.power_load_w.min * 36 / 3600)
    assert impact.energy_wh.max == pytest.approx(p.power_load_w.max * 36 / 3600)
    assert impact.inputs["generation_source"] == "mesurée"
    # Usage carbon on the French mix; water only from producing the electricity (no cooling).
    assert impact.gwp_usage_g.mid == pytest.approx(impact.energy_wh.mid * 0.04144)
    assert impact.water_ml.mid == pytest.approx(impact.energy_wh.mid * 3.6737)
    assert impact.gwp_embodied_g.min > 0


@pytest.mark.parametrize("name", LOCAL_PROFILES)
def test_local_time_estimated_from_bandwidth(hw, name: str) -> None:
    p = hw.profile(name)
    impact = local_answer(hw, name, params=8, tokens=100)
    ideal = 100 * 8 * p.quantization_bits / 8 / p.memory_bandwidth_gbs
    assert impact.inputs["generation_s"]["min"] == pytest.approx(ideal / p.bandwidth_efficiency.max)
    assert impact.inputs["generation_s"]["max"] == pytest.approx(ideal / p.bandwidth_efficiency.min)
    assert impact.inputs["generation_source"] == "estimée par la bande passante mémoire"


def test_local_profiles_rank_by_speed(hw) -> None:
    """Same answer: the GPU desktop is fastest, the x86 laptop slowest."""
    times = {name: local_answer(hw, name).inputs["generation_s"]["min"] for name in LOCAL_PROFILES}
    assert times["desktop-gpu"] < times["laptop-apple-silicon"] < times["laptop-cpu"]


def test_local_throughput_and_quantization(hw) -> None:
    by_tps = local_answer(hw, "laptop-apple-silicon", tokens=300, tokens_per_s=30.0)
    assert by_tps.inputs["generation_s"] == {"min": 10.0, "max": 10.0}
    q8 = local_answer(hw, "laptop-cpu", quantization_bits=8.5)
    q4 = local_answer(hw, "laptop-cpu")
    assert q8.energy_wh.mid > q4.energy_wh.mid


def test_apple_silicon_per_token_energy_matches_measurements(hw) -> None:
    """0.4 J/token on the M1 Pro's accelerator (docs/impact.md): the whole laptop is above that but
    within a few times."""
    impact = local_answer(hw, "laptop-apple-silicon", params=7, tokens=1000, tokens_per_s=36.0)
    joules_per_token = impact.energy_wh.mid * 3600 / 1000
    assert 0.4 < joules_per_token < 2.0


def test_desktop_gpu_per_token_energy_matches_measurements(hw) -> None:
    """1.1 J/token on an RTX 3080 at batch 1 (docs/impact.md), accelerator only."""
    impact = local_answer(hw, "desktop-gpu", params=7, tokens=1000, tokens_per_s=120.0)
    joules_per_token = impact.energy_wh.mid * 3600 / 1000
    assert 1.1 < joules_per_token < 4.0


@pytest.mark.parametrize(
    ("route", "api_base", "expected"),
    [
        ("ollama_chat/gemma3:4b", None, "laptop-cpu"),
        ("ollama/llama3.2", "http://192.168.1.20:11434", "laptop-cpu"),
        ("openai/local-model", "http://127.0.0.1:8080/v1", "laptop-cpu"),
        ("openai/local-model", "http://localhost:1234/v1", "laptop-cpu"),
        ("hosted_vllm/qwen", "http://[::1]:8000/v1", "laptop-cpu"),
        ("openai/gpt-4o", None, "datacenter-h100"),
        ("openai/gpt-4o", "https://api.openai.com/v1", "datacenter-h100"),
        ("openai/model", "http://localhost.example.com/v1", "datacenter-h100"),
        ("anthropic/claude-3-5-sonnet", None, "datacenter-h100"),
        ("mistral/mistral-small-latest", None, "datacenter-h100"),
    ],
)
def test_profile_for_route(hw, route: str, api_base: str | None, expected: str) -> None:
    assert hw.profile_for_route(route, api_base).name == expected


def test_profile_for_route_honours_a_card_override(hw) -> None:
    assert hw.profile_for_route("ollama/x", None, override="desktop-gpu").name == "desktop-gpu"


def test_local_profile_choice_is_configuration(tmp_path: Path, monkeypatch) -> None:
    user = Path(tmp_path / "user-config")
    user.mkdir(parents=True, exist_ok=True)
    text = (shipped_config_dir() / "hardware.toml").read_text(encoding="utf-8")
    text = text.replace('local_profile = "laptop-cpu"', 'local_profile = "laptop-apple-silicon"')
    (user / "hardware.toml").write_text(text, encoding="utf-8")
    hw = load_hardware()
    assert hw.default_local_profile == "laptop-apple-silicon"
    assert hw.profile_for_route("ollama_chat/gemma3:4b").name == "laptop-apple-silicon"


def test_zones_carry_ecologits_0_11_3_values(hw) -> None:
    expected = {"FRA": (0.04144, 3.6737, 9.3135, 4.858e-08), "WOR": (0.45829, 3.908, 2.5871, 1.349e-08)}
    for code, (gwp, wue, pe, adpe) in expected.items():
        f = hw.zone(code).factors("ecologits-2025")
        assert (f.gwp_kg_per_kwh, f.wue_l_per_kwh, f.pe_mj_per_kwh, f.adpe_kgsbeq_per_kwh) == (gwp, wue, pe, adpe)
    for code in ("FRA", "WOR", "USA", "DEU", "GBR", "SWE", "CHN"):
        zone = hw.zone(code)
        assert zone.factors_current.source.startswith("EcoLogits 0.11.3")
        assert zone.factors("ecologits-2024").source.startswith("EcoLogits 0.6.2")
    assert hw.zone("WOR").factors("ecologits-2024").gwp_kg_per_kwh == 0.590478
    assert hw.zone("fra").code == "FRA"


@pytest.mark.parametrize("bad", ["XYZ", "", "France", "-5"])
def test_unknown_zone_is_a_french_error(hw, bad: str) -> None:
    with pytest.raises(ImpactInputError, match="zone électrique inconnue"):
        hw.zone(bad)


def test_unknown_profile_is_a_french_error(hw) -> None:
    with pytest.raises(ImpactInputError, match=r"profil matériel inconnu.*laptop-cpu"):
        hw.profile("raspberry")


def test_quantization_labels(hw) -> None:
    assert hw.bits_for("Q4_K_M") == 4.8
    assert hw.bits_for("bf16") == 16
    assert hw.bits_for("inconnue") is None
    assert hw.bits_for(None) is None


def _write_user(tmp_path: Path, name: str, text: str) -> None:
    user = tmp_path / "user-config"
    user.mkdir(parents=True, exist_ok=True)
    (user / name).write_text(text, encoding="utf-8")


def test_a_value_without_source_is_a_config_error(tmp_path: Path) -> None:
    text = (shipped_config_dir() / "hardware.toml").read_text(encoding="utf-8")
    text = text.replace(
        'power_idle_w = "Notebookcheck, mêmes mesures (2022-2024) : 4 à 10 W au repos, écran allumé"\n', ""
    )
    _write_user(tmp_path, "hardware.toml", text)
    with pytest.raises(ConfigError) as caught:
        load_hardware()
    assert caught.value.field == "profiles.laptop-cpu.sources.power_idle_w"


def test_a_bad_value_names_file_line_and_field(tmp_path: Path) -> None:
    text = (shipped_config_dir() / "hardware.toml").read_text(encoding="utf-8")
    text = text.replace("power_load_w = [30, 55]", "power_load_w = -30")
    _write_user(tmp_path, "hardware.toml", text)
    with pytest.raises(ConfigError) as caught:
        load_hardware()
    error = caught.value
    assert error.field == "profiles.laptop-cpu.power_load_w"
    assert error.line == text.splitlines().index("power_load_w = -30") + 1
    assert "positif" in str(error)


def test_a_profile_in_an_unknown_zone_is_a_config_error(tmp_path: Path) -> None:
    text = (shipped_config_dir() / "hardware.toml").read_text(encoding="utf-8")
    text = text.replace('zone = "WOR"', 'zone = "MARS"')
    _write_user(tmp_path, "hardware.toml", text)
    with pytest.raises(ConfigError, match="zone inconnue 'MARS'"):
        load_hardware()


def test_a_zone_missing_from_zones_toml_names_that_file_too(tmp_path: Path) -> None:
    """The reference is in hardware.toml, but the damage may be in zones.toml: both are named."""
    text = (shipped_config_dir() / "zones.toml").read_text(encoding="utf-8")
    text = text.replace("[zones.FRA", "[zones.FRX").replace('base = "FRA"', 'base = "FRX"')
    _write_user(tmp_path, "zones.toml", text)
    with pytest.raises(ConfigError, match="zone inconnue 'FRA'") as caught:
        load_hardware()
    assert str(tmp_path) in str(caught.value) and "zones.toml" in str(caught.value)


def test_a_user_zone_file_replaces_the_shipped_one(tmp_path: Path) -> None:
    _write_user(
        tmp_path,
        "zones.toml",
        """
[zones.WOR]
name = "Monde"
gwp = 0.5
wue = 4
pe = 3
adpe = 1e-8
source = "test"
year = 2025

[zones.FRA]
name = "France"
base = "WOR"
gwp = 0.05
source = "test"
year = 2025
""",
    )
    hw = load_hardware()
    assert hw.zone("FRA").factors_current.gwp_kg_per_kwh == 0.05
    assert hw.zone("FRA").factors_current.wue_l_per_kwh == 4


def test_profiles_are_labelled_in_english_too(hw, tmp_path: Path) -> None:
    for profile in hw.profiles.values():
        assert profile.label_in("fr") == profile.label
        assert profile.label_en and profile.label_in("en") == profile.label_en
    # A user's file without English labels: English shows the profile's name, not French prose.
    text = (shipped_config_dir() / "hardware.toml").read_text(encoding="utf-8")
    _write_user(tmp_path, "hardware.toml", "\n".join(
        line for line in text.splitlines() if not line.startswith("label_en")))
    assert load_hardware().profile("laptop-cpu").label_in("en") == "laptop-cpu"
