"""A pack's numbers are bounded at load (issue 13, items 3 and 5): a pack whose answer took
1e308 s, counted 1e30 tokens or names a model of 1e308 billion parameters is refused by
`duels --pack` with exit 2, the file and the field named, never replayed into a crash."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from duels_tui.packs.format import PackError, load_pack

PACK_CHANGES = {
    "generation_s 1e308": (
        lambda d: d["duels"][0]["turns"][0]["answers"][0]["done"].update(generation_s=1e308),
        "answers[0].done.generation_s : 1e+308 hors des valeurs plausibles (de 0 à 86\u202f400 s)",
    ),
    "completion_tokens 1e30": (
        lambda d: d["duels"][0]["turns"][0]["answers"][0]["usage"].update(completion_tokens=10**30),
        "answers[0].usage.completion_tokens : 1e+30 hors des valeurs plausibles",
    ),
    "a chunk at 1e9 s": (
        lambda d: d["duels"][0]["turns"][0]["answers"][0]["chunks"][-1].__setitem__(0, 1e9),
        "chunks[",
    ),
    "params 1e308": (
        lambda d: d["models"][d["duels"][0]["models"][0]].update(params_total=1e308),
        "params_total : 1e+308 hors des valeurs plausibles",
    ),
    "params range backwards": (
        lambda d: d["models"][d["duels"][0]["models"][0]].update(params_total=[9, 2]),
        "params_total : nombre de milliards de paramètres (ou [min, max]) attendu",
    ),
    "profile not a text": (
        lambda d: d["models"][d["duels"][0]["models"][0]].update(profile=["nope"]),
        "profile : texte attendu",
    ),
}


@pytest.mark.parametrize("case", list(PACK_CHANGES))
def test_pack_values_refused_at_load(case, recorded_pack, edit_pack):
    change, expected = PACK_CHANGES[case]
    edit_pack(recorded_pack, change)
    with pytest.raises(PackError) as caught:
        load_pack(recorded_pack)
    assert str(recorded_pack) in str(caught.value) and expected in str(caught.value), str(caught.value)


def test_pack_nested_deeper_than_json_can_read(tmp_path):
    deep = tmp_path / "profond.pack.json"
    deep.write_text('{"format": "duels-pack", "x": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    with pytest.raises(PackError, match="imbriqués sur des milliers de niveaux"):
        load_pack(deep)


def test_duels_pack_exits_2(recorded_pack, edit_pack):
    """The real `duels --pack`, as a facilitator starts it (a pack accepted would open the TUI:
    the timeout ends it)."""
    edit_pack(recorded_pack, PACK_CHANGES["generation_s 1e308"][0])
    env = {**os.environ, "OLLAMA_HOST": "http://127.0.0.1:9", "TERM": "dumb"}
    result = subprocess.run(
        [sys.executable, "-m", "duels_tui", "--pack", str(recorded_pack), "--new"],
        capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL, env=env,
    )
    assert result.returncode == 2, result.stderr[-2000:]
    assert "Traceback" not in result.stderr and "generation_s" in result.stderr


def test_a_huge_wrong_value_is_quoted_short(recorded_pack, edit_pack):
    """config/fields.TableReader quotes the value it refuses: a pack's field holding a
    megabyte where a number belongs is named, and quoted in a line, not a megabyte."""
    huge = "x" * 1_000_000
    edit_pack(recorded_pack, lambda d: d["duels"][0]["turns"][0]["answers"][0]["done"].update(total_s=huge))
    with pytest.raises(PackError) as caught:
        load_pack(recorded_pack)
    message = str(caught.value)
    assert "answers[0].done.total_s : nombre attendu, trouvé 'xxx" in message and len(message) < 400, message[:500]
