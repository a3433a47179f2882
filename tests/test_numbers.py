"""Numbers as the room reads them, in French (the default) and in English: the one module every
screen, the report and the command line write their figures with (duels_tui/numbers.py)."""

from __future__ import annotations

import pytest

from duels_tui.numbers import (
    NNBSP,
    count,
    duration,
    fixed,
    integer,
    is_plural,
    large,
    number,
    params,
    percent,
    range_text,
    seconds,
    span,
)
from duels_tui.ranges import Range

S = NNBSP  # French thousands separator and the space before %


@pytest.mark.parametrize(
    ("value", "french", "english"),
    [
        (0, "0", "0"),
        (1, "1", "1"),
        (2, "2", "2"),
        (1.5, "1,5", "1.5"),
        (1e-6, "0,000001", "0.000001"),
        (1e12, f"1{S}000{S}000{S}000{S}000", "1,000,000,000,000"),
        (0.372, "0,37", "0.37"),
        (1234.5, f"1{S}235", "1,235"),  # rounded half up, as a reader rounds
        (12.5, "13", "13"),
        (0.996, "1", "1"),  # the rounding carries: not "1,0"
        (0.0004567, "0,00046", "0.00046"),
        (-0.00001, "-0,00001", "-0.00001"),
        (-0.0, "0", "0"),
        (float("inf"), "∞", "∞"),
        (float("nan"), "?", "?"),
    ],
)
def test_number(value, french, english):
    assert number(value) == french
    assert number(value, lang="fr") == french
    assert number(value, lang="en") == english


@pytest.mark.parametrize(
    ("value", "french", "english"),
    [
        (0, "0 jeton", "0 tokens"),  # French: singular below 2
        (1, "1 jeton", "1 token"),
        (2, "2 jetons", "2 tokens"),
        (1.5, "1,5 jeton", "1.5 tokens"),
        (1e-6, "0,000001 jeton", "0.000001 tokens"),
        (1e12, f"1{S}000{S}000{S}000{S}000 jetons", "1,000,000,000,000 tokens"),
        (12345, f"12{S}345 jetons", "12,345 tokens"),
    ],
)
def test_count_agrees_with_its_number(value, french, english):
    assert count(value, "token") == french
    assert count(value, "token", "en") == english


@pytest.mark.parametrize(
    ("value", "french", "english"),
    [(0, "0 voix", "0 votes"), (1, "1 voix", "1 vote"), (2, "2 voix", "2 votes"), (1.5, "1,5 voix", "1.5 votes")],
)
def test_voix_is_invariable(value, french, english):
    assert count(value, "vote") == french
    assert count(value, "vote", "en") == english


def test_a_count_rounded_to_2_is_plural():
    assert count(1.996, "second", significant=2) == "2 secondes"
    assert count(0.9996, "second", "en", significant=2) == "1 second"
    assert not is_plural("1,99") and is_plural("2") and is_plural("1.5", "en") and not is_plural("1", "en")
    assert is_plural("∞") and is_plural("?", "en")


@pytest.mark.parametrize(
    ("fraction", "french", "english"),
    [
        (0, f"0{S}%", "0%"),
        (0.01, f"1{S}%", "1%"),
        (0.02, f"2{S}%", "2%"),
        (0.015, f"1,5{S}%", "1.5%"),
        (0.5, f"50{S}%", "50%"),
        (0.125, f"13{S}%", "13%"),
        (4 / 7, f"57{S}%", "57%"),
        (1, f"100{S}%", "100%"),
        (1e-6, f"0,0001{S}%", "0.0001%"),
        (1e12, f"100{S}000{S}000{S}000{S}000{S}%", "100,000,000,000,000%"),
    ],
)
def test_percent(fraction, french, english):
    assert percent(fraction) == french
    assert percent(fraction, "en") == english


@pytest.mark.parametrize(
    ("value", "french", "english"),
    [
        (0, "0", "0"),
        (1, "1", "1"),
        (2, "2", "2"),
        (1.5, "1,5", "1.5"),
        (1e-6, "0,000001", "0.000001"),
        (135e6, "135 millions", "135 million"),
        (1e6, "1 million", "1 million"),
        (2e6, "2 millions", "2 million"),
        (1.5e9, "1,5 milliard", "1.5 billion"),
        (999.9e6, "1 milliard", "1 billion"),
        (24e9, "24 milliards", "24 billion"),
        (1e12, f"1{S}000 milliards", "1 trillion"),
    ],
)
def test_large_counts_in_words(value, french, english):
    assert large(value) == french
    assert large(value, "en") == english


@pytest.mark.parametrize(
    ("billions", "french", "english"),
    [
        (0.135, "135 millions de paramètres", "135 million parameters"),
        (1, "1 milliard de paramètres", "1 billion parameters"),
        (1.5, "1,5 milliard de paramètres", "1.5 billion parameters"),
        (2, "2 milliards de paramètres", "2 billion parameters"),
        (1e-6, f"1{S}000 paramètres", "1,000 parameters"),
        (0, "0 paramètre", "0 parameters"),
        (1e3, f"1{S}000 milliards de paramètres", "1 trillion parameters"),
        (Range(300, 440), "300 à 440 milliards de paramètres", "300 to 440 billion parameters"),
        (Range(0.5, 1.5), "500 millions à 1,5 milliard de paramètres", "500 million to 1.5 billion parameters"),
    ],
)
def test_parameters(billions, french, english):
    assert params(billions) == french
    assert params(billions, "en") == english


def test_parameters_without_the_noun():
    assert params(37, with_noun=False) == "37 milliards"
    assert params(0.135, "en", with_noun=False) == "135 million"


def test_fixed_and_integer():
    assert fixed(0.5, 2) == "0,50" and fixed(0.5, 2, "en") == "0.50"
    assert fixed(1234.567, 2) == f"1{S}234,57" and fixed(1234.567, 2, "en") == "1,234.57"
    assert fixed(30.0, 1, trim=True) == "30" and fixed(2.25, 1, trim=True) == "2,3"
    assert integer(0) == "0" and integer(1_000_000) == f"1{S}000{S}000" and integer(1_000_000, "en") == "1,000,000"


@pytest.mark.parametrize(
    ("value", "french", "english"),
    [(0, "0 seconde", "0 seconds"), (1, "1 seconde", "1 second"), (1.5, "1,5 seconde", "1.5 seconds"),
     (2, "2 secondes", "2 seconds"), (30, "30 secondes", "30 seconds"), (1e-6, "0 seconde", "0 seconds")],
)
def test_seconds(value, french, english):
    assert seconds(value) == french
    assert seconds(value, "en") == english


def test_ranges():
    assert range_text(Range(0.2, 0.3), "Wh") == "0,2 à 0,3 Wh"
    assert range_text(Range(0.2, 0.3), "Wh", lang="en") == "0.2 to 0.3 Wh"
    assert range_text(Range.exact(0.24), "Wh", lang="en") == "0.24 Wh"
    assert span(Range(0.241, 0.244)) == "0,24"  # bounds that print alike: one figure


def test_system_errors_said_in_french():
    import errno

    from duels_tui.os_errors import said

    assert said(FileNotFoundError(errno.ENOENT, "No such file or directory")) == "fichier ou dossier introuvable"
    assert said(OSError(errno.ENOSPC, "No space left on device")) == "disque plein"
    assert said(OSError(errno.ELOOP, "Too many levels of symbolic links")) == "Too many levels of symbolic links"


@pytest.mark.parametrize(
    ("value", "french", "english"),
    [(0.04, "0,04 s", "0.04 s"), (2.54, "2,5 s", "2.5 s"), (12.4, "12 s", "12 s"), (65.2, "1 min 05 s", "1 min 05 s"),
     (600, "10 min 00 s", "10 min 00 s")],
)
def test_duration_on_screen(value, french, english):
    assert duration(value) == french and duration(value, "en") == english
