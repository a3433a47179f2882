"""The pack file: what a recording writes, that it reads back whole, and a clear French error
(naming the file and the field) for every way a pack can be broken, through the CLI too."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from duels_tui.packs.format import FORMAT, VERSION, PackError, load_pack


def test_a_recording_reads_back_whole(recorded_pack):
    document = json.loads(recorded_pack.read_text(encoding="utf-8"))
    assert document["format"] == FORMAT and document["version"] == VERSION
    assert {"duels", "python"} <= set(document["software"])
    pack = load_pack(recorded_pack)
    assert len(pack.duels) == 3
    assert set(pack.models) == {m for d in pack.duels for m in d.model_ids}
    assert pack.models["deepseek-r1"]["params_active"] == [37.0, 37.0]
    for duel, raw in zip(pack.duels, document["duels"], strict=True):
        answers = duel.turns[0].answers
        assert {a.model_id for a in answers} == set(duel.model_ids)
        for answer, raw_answer in zip(answers, raw["turns"][0]["answers"], strict=True):
            rec = answer.recording
            assert rec.text == raw_answer["text"] and rec.text
            assert rec.messages[-1].content == duel.prompt
            assert rec.usage is not None and rec.usage.source == "server"
            assert rec.done is not None and rec.done.ttft_s == pytest.approx(rec.chunks[0].at_s, abs=1e-4)
            inputs = answer.impact_inputs
            assert inputs["output_tokens"] == rec.usage.completion_tokens
            assert inputs["energy_wh"][0] > 0 and inputs["profile"]
    thinking = next(a for a in pack.answers() if a.model_id == "qwq-32b").recording
    assert thinking.reasoning.startswith("je réfléchis") and thinking.usage.reasoning_tokens == 3


def _answer(document, duel=0, n=0):
    return document["duels"][duel]["turns"][0]["answers"][n]


BROKEN = {
    "newer format": (
        lambda d: d.update(version=VERSION + 1),
        "version plus récente de duels (format 2",
    ),
    "not a pack": (lambda d: d.update(format="autre-chose"), "ce n'est pas un pack duels"),
    "unknown model in a duel": (
        lambda d: d["duels"][1].update(models=["llama-3.3-70b", "modele-fantome"]),
        "duels[1].models : modèle inconnu 'modele-fantome'",
    ),
    "unknown model in an answer": (
        lambda d: d["models"].pop(_answer(d, 2, 1)["model"]),
        "duels[2].models : modèle inconnu",
    ),
    "text not its chunks": (
        lambda d: _answer(d).update(text="autre chose"),
        "duels[0].turns[0].answers[0].text : ne correspond pas",
    ),
    "time going back": (
        lambda d: _answer(d, 1)["chunks"][3].__setitem__(0, 0.0),
        "duels[1].turns[0].answers[0].chunks[3] : les instants doivent croître",
    ),
    "missing field": (
        lambda d: _answer(d, 0, 1).pop("messages"),
        "duels[0].turns[0].answers[1].messages : champ obligatoire manquant",
    ),
    "bad usage source": (
        lambda d: _answer(d)["usage"].update(source="devinette"),
        "answers[0].usage.source : valeur 'devinette' inconnue ; valeurs possibles : server, estimate",
    ),
    "done answer without timings": (lambda d: _answer(d).update(done=None), "answers[0].done"),
}


@pytest.mark.parametrize("case", BROKEN)
def test_broken_pack_is_named(case, recorded_pack, edit_pack):
    change, expected = BROKEN[case]
    edit_pack(recorded_pack, change)
    with pytest.raises(PackError) as caught:
        load_pack(recorded_pack)
    assert expected in str(caught.value)
    assert str(recorded_pack) in str(caught.value)


def _cuts(raw: bytes) -> dict[str, int]:
    """Where a copy may stop: the same places whatever the recording's timings (their digits
    move the middle of the file around: it used to land inside an « é » now and then)."""
    inside = raw.index("é".encode()) + 1  # between the two bytes of « é »
    assert raw[inside - 1] >= 0x80 and raw[inside] >= 0x80
    middle = len(raw) // 2
    return {"inside a character": inside, "middle": middle, "middle, a byte on": middle + 1,
            "closing brace only": len(raw.rstrip()) - 1}


def test_truncated_anywhere_is_said_truncated(recorded_pack, tmp_path):
    raw = recorded_pack.read_bytes()
    for where, cut in _cuts(raw).items():
        truncated = tmp_path / "tronque.json"
        truncated.write_bytes(raw[:cut])
        with pytest.raises(PackError) as caught:
            load_pack(truncated)
        assert "le fichier est tronqué" in str(caught.value), where


def test_a_byte_order_mark_is_read(recorded_pack):
    recorded_pack.write_bytes(b"\xef\xbb\xbf" + recorded_pack.read_bytes())
    assert len(load_pack(recorded_pack).duels) == 3


def test_corrupt_empty_and_missing(recorded_pack, tmp_path):
    raw = recorded_pack.read_bytes()
    corrupt = tmp_path / "corrompu.json"
    corrupt.write_bytes(raw.replace(b'"format"', b'"format" ::', 1))
    with pytest.raises(PackError, match="corrompu"):
        load_pack(corrupt)
    binary = tmp_path / "binaire.json"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\xff")
    with pytest.raises(PackError, match="pas un pack duels"):
        load_pack(binary)
    empty = tmp_path / "vide.json"
    empty.write_text("")
    with pytest.raises(PackError, match="vide"):
        load_pack(empty)
    with pytest.raises(PackError, match="introuvable"):
        load_pack(tmp_path / "absent.json")


def test_cli_refuses_a_broken_pack_with_exit_2(recorded_pack, edit_pack):
    from duels_tui.cli import app

    edit_pack(recorded_pack, lambda d: d.update(version=99))
    result = CliRunner().invoke(app, ["--pack", str(recorded_pack)])
    assert result.exit_code == 2
    assert "version plus récente" in result.output and str(recorded_pack) in result.output
    assert "Traceback" not in result.output


def test_cli_speed_must_be_positive(recorded_pack):
    from duels_tui.cli import app

    result = CliRunner().invoke(app, ["--pack", str(recorded_pack), "--speed", "0"])
    assert result.exit_code == 2 and "--speed" in result.output


def test_save_is_atomic_and_shareable(tmp_path, recorded_pack):
    import os
    import stat

    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(recorded_pack.stat().st_mode) == 0o666 & ~umask  # not mkstemp's owner-only 0600
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
