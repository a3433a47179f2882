"""Fuzzing pack loading: a damaged pack is refused with a PackError naming the file, never a crash."""

from __future__ import annotations

import itertools
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from duels_tui.packs.format import PackError, load_pack
from fuzz_mutations import damaged_text, mutated

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
_names = itertools.count()


def _load(tmp_path, text: str) -> None:
    path = tmp_path / f"p{next(_names)}.pack.json"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        load_pack(path)
    except PackError as exc:
        assert str(path) in str(exc)


def test_structural_damage_is_a_pack_error(recorded_document, tmp_path):
    @FUZZ
    @given(st.data())
    def check(data):
        _load(tmp_path, json.dumps(data.draw(mutated(recorded_document)), ensure_ascii=False))

    check()


def test_textual_damage_is_a_pack_error(recorded_document, tmp_path):
    text = json.dumps(recorded_document, ensure_ascii=False, indent=1)

    @FUZZ
    @given(st.data())
    def check(data):
        _load(tmp_path, data.draw(damaged_text(text)))

    check()
