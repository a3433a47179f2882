"""Every error's hint says what the keys then do: « ctrl+r » exactly when ctrl+r retries the
answer (issue 12: a pack replay said « touche r » where r retried nothing; issue 13: a refused
error said r retries), and a failure replayed from a pack is said as a past one (its « 30
secondes » happened at the recording, not now)."""

from __future__ import annotations

import pytest
from test_engine_error_map import CASES, exc

from duels_tui.arena.state import AnswerError
from duels_tui.engine import errors
from duels_tui.engine.events import ErrorKind

RETRY_KEY = "ctrl+r"

# Every error the engine makes, without a server: its factories, and classify() on the exception
# chains measured with litellm (test_engine_error_map.CASES) plus the remaining shapes.
MADE = [
    errors.unreachable(), errors.cut_off(), errors.model_not_found(), errors.timed_out(None),
    errors.timed_out(30), errors.stalled(None), errors.stalled(30), errors.bad_response(), errors.other(),
    errors.ended_early(), errors.pack_not_recorded(), errors.pack_cut_short(), errors.pack_interrupted(),
    *(errors.classify(error, mid_stream=mid) for error, mid, _ in CASES),
    errors.classify(exc("UnsupportedProtocol"), mid_stream=False),
    errors.classify(exc("UnprocessableEntityError", status=422), mid_stream=False),
]  # fmt: skip


@pytest.mark.parametrize("error", MADE, ids=[e.key for e in MADE])
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_hint_names_the_retry_key_exactly_when_it_retries(error, lang):
    message, hint = errors.say(error.key, dict(error.values), lang, retryable=error.retryable)
    assert (RETRY_KEY in hint) == error.retryable, (error.key, hint)
    assert " r " not in f" {message} {hint} ".replace("(r)", " r ")  # no bare « r » key left
    if lang == "fr":
        assert (message, hint) == (error.message, error.hint)


def test_refused_errors_never_promise_a_retry():
    refused = [e for e in MADE if e.kind is ErrorKind.REFUSED and not e.retryable]
    assert {e.key for e in refused} >= {"auth", "context_window", "content_policy", "bad_request"}
    for error in refused:
        for lang in ("fr", "en"):
            text = AnswerError.of(error).text(lang)
            assert RETRY_KEY not in text and "relancez cette" not in text and "retry this" not in text


def test_a_replayed_stall_is_said_as_a_past_failure_that_cannot_be_retried():
    recorded = errors.stalled(30)  # what the recording saw: nothing for 30 s
    replayed = errors.replayed(recorded)
    assert not replayed.retryable and replayed.key == "replayed:stalled_after"
    assert replayed.message.startswith("Cette réponse a échoué pendant l'enregistrement du pack.")
    assert "30 secondes" in replayed.message and RETRY_KEY not in replayed.hint
    assert "duels record" in replayed.hint
    english = AnswerError.of(replayed).text("en")
    assert "failed while the pack was recorded" in english and "30 seconds" in english
    assert RETRY_KEY not in english
    # A pack's own errors keep their text; an error without a key (an older pack) too.
    assert errors.replayed(errors.pack_interrupted()).message == errors.pack_interrupted().message
    keyless = errors.EngineError(ErrorKind.OTHER, "Vieux message.", "relancez cette réponse (touche r)")
    assert errors.replayed(keyless).retryable is False


def test_a_stored_hint_is_said_again_for_what_the_keys_do_now():
    """An answer stored by an earlier version with « (touche r) » in its French hint, and not
    retryable (a pack replay): the pane says it without the key, in French too."""
    stored = AnswerError(ErrorKind.STALLED, "Le modèle s'est arrêté en pleine réponse : plus rien depuis 30 secondes.",
                         "Le début de la réponse est conservé. Relancez cette réponse (touche r) ; …",
                         retryable=False, key="stalled_after", values=(("seconds", 30.0),))
    for lang in ("fr", "en"):
        text = stored.text(lang)
        assert "touche r" not in text and RETRY_KEY not in text
    assert "ne peut pas être relancée" in stored.text("fr")
