"""The reveal's ratio sentence, with exact values, ranges, equal values and zero."""

from __future__ import annotations

import math

import pytest

from duels_tui.impact import Impact, answer_impact, compare_energy, compare_values, load_hardware
from duels_tui.impact.compare import CARBON, compare_carbon
from duels_tui.ranges import Range


def impact_of(params: float) -> Impact:
    hw = load_hardware()
    return answer_impact(
        params_total=params,
        params_active=None,
        output_tokens=452,
        profile=hw.profile("datacenter-h100"),
        zone=hw.zone("WOR"),
    )


def test_exact_ratio() -> None:
    result = compare_values(1.2, 0.1)
    assert result.sentence == "B a consommé 12 fois moins d'énergie que A."
    assert result.ratio.is_exact and result.ratio.mid == pytest.approx(12)
    assert result.more == "A" and result.certain


def test_the_other_way_round() -> None:
    result = compare_values(0.1, 0.34)
    assert result.sentence == "A a consommé 3,4 fois moins d'énergie que B."
    assert result.more == "B"


def test_labels_come_from_the_ui() -> None:
    result = compare_values(2, 20, "Modèle A", "Modèle B")
    assert result.sentence == "Modèle A a consommé 10 fois moins d'énergie que Modèle B."


def test_small_differences_read_as_percent() -> None:
    assert compare_values(1.0, 0.7).sentence == "B a consommé 30\u202f% d'énergie en moins que A."


def test_equal_values() -> None:
    result = compare_values(0.5, 0.5)
    assert result.sentence == "A et B ont consommé autant d'énergie."
    assert result.ratio == Range.exact(1.0) and result.more is None


def test_nearly_equal_values_are_the_same() -> None:
    assert compare_values(1.0, 1.02).sentence == "A et B ont consommé autant d'énergie."


def test_both_zero() -> None:
    result = compare_values(0, 0)
    assert result.sentence == "Ni A ni B n'ont consommé d'énergie."
    assert result.ratio is None


def test_one_zero() -> None:
    result = compare_values(0.3, 0)
    assert result.sentence == "B n'a consommé aucune énergie, contrairement à A."
    assert result.ratio is None and result.more == "A"
    assert compare_values(0, 0.3).more == "B"


def test_disjoint_ranges_give_a_range_of_ratios() -> None:
    result = compare_values(Range(10, 20), Range(1, 1.25))
    assert result.ratio == Range(8, 20)
    assert result.sentence == "B a consommé entre 8 et 20 fois moins d'énergie que A."
    assert result.certain


def test_range_against_exact() -> None:
    result = compare_values(Range(2, 2.4), 0.2)
    assert result.sentence == "B a consommé entre 10 et 12 fois moins d'énergie que A."


def test_range_reaching_zero_gives_a_lower_bound() -> None:
    result = compare_values(Range(10, 12), Range(0, 1))
    assert math.isinf(result.ratio.max)
    assert result.sentence == "B a consommé au moins 10 fois moins d'énergie que A."


def test_overlapping_ranges_are_not_certain() -> None:
    result = compare_values(Range(2, 4), Range(1, 2.5))
    assert not result.certain and result.more is None
    assert "sans doute" in result.sentence and "se recouvrent" in result.sentence
    assert result.ratio.min < 1 < result.ratio.max


def test_overlapping_ranges_with_same_middle() -> None:
    result = compare_values(Range(1, 3), Range(1.5, 2.5))
    assert result.sentence == "A et B ont consommé à peu près autant d'énergie."


def test_carbon_wording() -> None:
    assert compare_values(3, 1, words=CARBON).sentence == "B a émis 3 fois moins de CO2e que A."


def test_compare_real_impacts() -> None:
    big, small = impact_of(300), impact_of(4)
    result = compare_energy(big, small)
    assert result.sentence.startswith("B a consommé ")
    assert result.more == "A"
    assert compare_carbon(small, big).more == "B"


# The same sentences in English (`--lang en`), figures written the English way.
@pytest.mark.parametrize(
    ("a", "b", "english"),
    [
        (1.2, 0.1, "B used 12 times less energy than A."),
        (1.0, 0.7, "B used 30% less energy than A."),
        (1.0, 1.02, "A and B used the same amount of energy."),
        (0, 0, "Neither A nor B used any energy."),
        (0.3, 0, "B used no energy, unlike A."),
        (Range(10, 20), Range(1, 1.25), "B used between 8 and 20 times less energy than A."),
        (Range(10, 12), Range(0, 1), "B used at least 10 times less energy than A."),
        (Range(1, 3), Range(1.5, 2.5), "A and B used about as much energy."),
    ],
)
def test_sentences_in_english(a, b, english):
    from french_markers import french_left

    english_result, french_result = compare_values(a, b, lang="en"), compare_values(a, b)
    assert english_result.sentence == english and french_left(english) == []
    assert (english_result.ratio, english_result.more, english_result.certain) == (
        french_result.ratio, french_result.more, french_result.certain)  # fmt: skip


def test_overlapping_ranges_and_carbon_in_english():
    overlap = compare_values(Range(2, 4), Range(1, 2.5), lang="en").sentence
    assert overlap.startswith("B probably used ") and overlap.endswith("but their ranges overlap.")
    assert compare_values(3, 1, words=CARBON, lang="en").sentence == "B emitted 3 times less CO2e than A."
    assert compare_values(2.5, 1, lang="en").sentence == "B used 2.5 times less energy than A."
