"""Timings, usage and errors as the store and the packs write them, and read back."""

from __future__ import annotations

from duels_tui.arena.state import AnswerError, AnswerUsage, Timings
from duels_tui.engine.events import Done, EngineError, ErrorKind, Usage


def test_each_answer_part_reads_back_what_it_wrote():
    timings = Timings.of(Done(0.4, 2.5, 3.0, 41.2, "stop"))
    assert Timings.from_json(timings.to_json()) == timings
    assert Timings.from_json({}) == Timings()  # nothing stored yet: every figure unknown
    usage = AnswerUsage.of(Usage(12, 340, "server", 80))
    assert AnswerUsage.from_json(usage.to_json()) == usage
    assert AnswerUsage.from_json({"completion_tokens": None}) is None
    error = AnswerError.of(EngineError(ErrorKind.TIMEOUT, "Trop long.", "Réessayez.", key="timeout",
                                       values=(("seconds", 30.0),)))
    assert AnswerError.from_json(error.to_json()) == error
    assert AnswerError.from_json({"kind": None}) is None


def test_an_error_without_a_key_is_written_as_older_packs_have_it():
    error = AnswerError(ErrorKind.OTHER, "Erreur.", "", retryable=False)
    assert error.to_json() == {"kind": "other", "message": "Erreur.", "hint": "", "retryable": False}
    assert AnswerError.from_json(error.to_json()) == error


def test_a_damaged_error_is_read_leniently():
    read = AnswerError.from_json({"kind": "from a newer duels", "message": "Texte.", "retryable": None,
                                  "values": {"n": 3, "bad": "x", "flag": True}})
    assert read == AnswerError(ErrorKind.OTHER, "Texte.", "", True, "", (("n", 3),))
    assert AnswerError.from_json({"kind": "timeout", "values": ["not", "an", "object"]}).values == ()
