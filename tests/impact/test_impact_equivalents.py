"""Equivalents and energy classes (config/equivalents.toml)."""

from __future__ import annotations

from pathlib import Path

import pytest

from duels_tui.config.errors import ConfigError
from duels_tui.impact import Impact, energy_class, load_equivalents, pick_equivalents
from duels_tui.impact.equivalents import convert
from duels_tui.paths import shipped_config_dir
from duels_tui.ranges import Range


def fake(energy_wh: float | Range, gwp_g: float | Range, water_ml: float = 0.0) -> Impact:
    zero = Range.exact(0.0)
    return Impact(
        energy_wh=Range.of(energy_wh),
        gwp_usage_g=Range.of(gwp_g),
        gwp_embodied_g=zero,
        gwp_g=Range.of(gwp_g),
        water_ml=Range.of(water_ml),
        pe_mj=zero,
        adpe_kgsbeq=zero,
        methodology="test",
        profile="test",
        zone="WOR",
        output_tokens=100,
    )


@pytest.fixture()
def eq():
    return load_equivalents()


def test_every_equivalent_has_source_and_year(eq) -> None:
    keys = {d.key for d in eq.equivalents}
    assert keys >= {"led", "video-comparia", "video-ademe-2025", "car-petrol", "web-search", "phone-charge"}
    for d in eq.equivalents:
        assert d.source and 1990 < d.year <= 2030, d.key


# One test per equivalent: the constant, and the text for a round figure.
@pytest.mark.parametrize(
    ("key", "impact", "value", "label"),
    [
        ("led", fake(10, 0), 2.0, "2 h d'ampoule LED"),  # 5 W, compar:IA
        ("led", fake(0.02, 0), 0.004, "14 s d'ampoule LED"),
        ("video-comparia", fake(0, 31.7), 1.0, "1 h de vidéo en ligne"),  # 31.7 g/h
        ("video-ademe-2025", fake(0, 32), 0.5, "30 min de vidéo en streaming"),  # 64 g/h
        ("car-petrol", fake(0, 142), 1.0, "1 km en voiture essence"),  # 142 g/km
        ("car-petrol", fake(0, 14.2), 0.1, "100 m en voiture essence"),
        ("web-search", fake(0.3, 0), 1.0, "1 recherche web"),  # 0.3 Wh
        ("web-search", fake(3, 0), 10.0, "10 recherches web"),
        ("phone-charge", fake(15, 0), 1.0, "1 charge de smartphone"),  # 15 Wh
        ("phone-charge", fake(45, 0), 3.0, "3 charges de smartphone"),
        ("phone-charge", fake(1.5, 0), 0.1, "10\u202f% d'une charge de smartphone"),
        ("email", fake(0, 24.6), 10.0, "10 e-mails"),  # 2.46 g
        ("car-electric", fake(0, 67), 1.0, "1 km en voiture électrique"),  # 67 g/km
        ("tgv", fake(0, 2.93), 1.0, "1 km en TGV"),  # 2.93 g/km
    ],
)
def test_each_equivalent(eq, key: str, impact: Impact, value: float, label: str) -> None:
    result = convert(eq.get(key), impact)
    assert result.value.mid == pytest.approx(value)
    assert result.label == label


def test_a_range_reads_as_a_range(eq) -> None:
    result = convert(eq.get("led"), fake(Range(5, 10), 0))
    assert result.label == "1 à 2 h d'ampoule LED"


def test_tiny_answer_gets_seconds_of_led_not_fractions_of_km(eq) -> None:
    picked = pick_equivalents(fake(0.02, 0.009), eq)
    labels = [e.label for e in picked]
    assert labels[0] == "14 s d'ampoule LED"
    assert not any("voiture essence" in label for label in labels)
    assert all(e.readability == 0 for e in picked)


def test_big_answer_uses_hours_and_km(eq) -> None:
    picked = pick_equivalents(fake(60, 37), eq)
    assert [e.key for e in picked] == ["led", "video-comparia", "car-petrol"]
    assert picked[0].label == "12 h d'ampoule LED"


def test_one_equivalent_per_group(eq) -> None:
    picked = pick_equivalents(fake(100, 200), eq, n=10)
    groups = [eq.get(e.key).group for e in picked]
    assert len(groups) == len(set(groups))


def test_at_least_two_equivalents_even_when_few_read_well(eq) -> None:
    picked = pick_equivalents(fake(1e-7, 1e-8), eq)
    assert len(picked) == 2


def test_nothing_to_say_for_a_zero_impact(eq) -> None:
    assert pick_equivalents(fake(0, 0), eq) == []


def test_n_limits_the_count(eq) -> None:
    assert len(pick_equivalents(fake(60, 37), eq, n=2)) == 2


@pytest.mark.parametrize(
    ("wh", "expected"),
    [
        (0, "A"),
        (99.9, "A"),
        (100, "B"),
        (299, "B"),
        (300, "C"),
        (999, "C"),
        (1000, "D"),
        (2999, "D"),
        (3000, "E"),
        (9999, "E"),
        (10_000, "F"),
        (1e9, "F"),
    ],
)
def test_energy_class_thresholds(wh: float, expected: str) -> None:
    assert energy_class(wh) == expected


def test_energy_class_rejects_negative() -> None:
    with pytest.raises(ValueError, match="invalide"):
        energy_class(-1)


def user_equivalents(tmp_path: Path, edit) -> None:
    """The shipped equivalents.toml, changed by `edit` (text -> text), as the user's own."""
    text = (shipped_config_dir() / "equivalents.toml").read_text(encoding="utf-8")
    user = tmp_path / "user-config"
    user.mkdir(parents=True)
    (user / "equivalents.toml").write_text(edit(text), encoding="utf-8")


@pytest.mark.parametrize(
    ("line", "broken", "field"),
    [
        ('label = "{q} d\'ampoule LED"', 'label = "ampoule LED"', "equivalents[1].label"),
        ('label_en = "{q} of an LED bulb"', 'label_en = "LED bulb"', "equivalents[1].label_en"),
    ],
)
def test_a_label_without_placeholder_is_a_config_error(tmp_path: Path, line: str, broken: str, field: str) -> None:
    user_equivalents(tmp_path, lambda text: text.replace(line, broken))
    with pytest.raises(ConfigError) as caught:
        load_equivalents()
    assert caught.value.field == field
    assert caught.value.line is not None


# The same figures in English (`--lang en`): the English labels, the English number format.
@pytest.mark.parametrize(
    ("key", "impact", "label"),
    [
        ("led", fake(10, 0), "2 h of an LED bulb"),
        ("led", fake(Range(5, 10), 0), "1 to 2 h of an LED bulb"),
        ("led", fake(1000, 0), "8.3 days of an LED bulb"),
        ("car-petrol", fake(0, 14.2), "100 m by petrol car"),
        ("web-search", fake(0.3, 0), "1 web search"),
        ("web-search", fake(3, 0), "10 web searches"),
        ("phone-charge", fake(1.5, 0), "10% of a smartphone charge"),
        ("email", fake(0, 24.6), "10 emails"),
        ("tgv", fake(0, 2.93), "1 km by high-speed train (TGV)"),
    ],
)
def test_each_equivalent_in_english(eq, key: str, impact: Impact, label: str) -> None:
    assert convert(eq.get(key), impact, "en").label == label


def test_english_picks_the_same_equivalents_as_french(eq) -> None:
    for impact in (fake(0.02, 0.009), fake(3, 1.2), fake(Range(200, 900), 400)):
        french, english = pick_equivalents(impact, eq), pick_equivalents(impact, eq, lang="en")
        assert [e.key for e in french] == [e.key for e in english]
        assert [e.value for e in french] == [e.value for e in english]
        assert all(f.label != e.label for f, e in zip(french, english, strict=True))


def test_every_shipped_equivalent_has_its_english_labels(eq) -> None:
    for d in eq.equivalents:
        for name in ("label", "label_plural", "label_fraction"):
            if getattr(d, name):
                assert d.template(name, "en") != getattr(d, name), (d.key, name)
                assert "{q}" in d.template(name, "en")


def test_without_english_labels_the_french_ones_stay(tmp_path: Path) -> None:
    def french_only(text: str) -> str:
        return "\n".join(line for line in text.splitlines() if not line.startswith("label") or "_en" not in line)

    user_equivalents(tmp_path, french_only)
    assert convert(load_equivalents().get("led"), fake(10, 0), "en").label == "2 h d'ampoule LED"
