"""The exception-to-EngineError table, on exception chains shaped like the ones litellm 1.106 was
measured to raise (class names matter, not the classes themselves)."""

from __future__ import annotations

import json

import pytest

from duels_tui.engine import errors
from duels_tui.engine.events import ErrorKind


def exc(name: str, message: str = "", *, status: int | None = None, cause: BaseException | None = None,
        original: BaseException | None = None) -> Exception:  # fmt: skip
    """An exception whose class is called `name` (and, for litellm's, derives from the like)."""
    error = type(name, (Exception,), {})(message)
    if status is not None:
        error.status_code = status  # type: ignore[attr-defined]
    if original is not None:
        error.original_exception = original  # type: ignore[attr-defined]
    error.__cause__ = cause
    return error


def mid_stream(inner: BaseException) -> Exception:
    return exc("MidStreamFallbackError", "litellm.MidStreamFallbackError", status=503, original=inner)


CASES = [
    # (exception, mid_stream, kind)
    (exc("NotFoundError", "model 'x' not found", status=404), False, ErrorKind.MODEL_NOT_FOUND),
    (exc("APIConnectionError", "Cannot connect", cause=exc("ClientConnectorError", cause=ConnectionRefusedError())),
     False, ErrorKind.UNREACHABLE),
    # openai route, server down: an InternalServerError("Connection error.") over a ConnectError
    (exc("InternalServerError", "Connection error.", status=500, cause=exc("ConnectError")), False,
     ErrorKind.UNREACHABLE),
    (exc("Timeout", "Connection timed out", status=408), False, ErrorKind.TIMEOUT),
    (mid_stream(exc("APIConnectionError", cause=exc("ReadTimeout", cause=exc("SocketTimeoutError")))), True,
     ErrorKind.STALLED),
    (mid_stream(exc("APIConnectionError", "Response payload is not completed", cause=exc("ReadError"))), True,
     ErrorKind.UNREACHABLE),
    (mid_stream(exc("APIConnectionError", cause=json.JSONDecodeError("Expecting value", "{", 1))), True,
     ErrorKind.BAD_RESPONSE),
    (mid_stream(exc("OllamaError", "KeyError: 'message', Got unexpected response from Ollama", status=400)), True,
     ErrorKind.BAD_RESPONSE),
    (exc("AuthenticationError", status=401), False, ErrorKind.REFUSED),
    (exc("PermissionDeniedError", status=403), False, ErrorKind.REFUSED),
    (exc("RateLimitError", status=429), False, ErrorKind.REFUSED),
    (exc("ContentPolicyViolationError", status=400), False, ErrorKind.REFUSED),
    (exc("ContextWindowExceededError", status=400), False, ErrorKind.REFUSED),
    (exc("BadRequestError", status=400), False, ErrorKind.REFUSED),
    (exc("InternalServerError", "boom", status=500), False, ErrorKind.OTHER),
    (exc("ServiceUnavailableError", status=503), False, ErrorKind.OTHER),
    (ValueError("what?"), False, ErrorKind.OTHER),
]  # fmt: skip


@pytest.mark.parametrize(("error", "mid", "kind"), CASES, ids=[f"{type(c[0]).__name__}-{c[2].value}" for c in CASES])
def test_classify(error, mid, kind):
    result = errors.classify(error, mid_stream=mid)
    assert result.kind is kind
    assert result.message.endswith(".") and result.hint.endswith(".")
    assert type(error).__name__ in result.detail


def test_refusals_that_may_pass_later_are_retryable():
    assert errors.classify(exc("RateLimitError", status=429), mid_stream=False).retryable
    assert not errors.classify(exc("AuthenticationError", status=401), mid_stream=False).retryable
    assert not errors.classify(exc("NotFoundError", status=404), mid_stream=False).retryable


def test_the_same_cut_reads_differently_before_and_during_the_answer():
    error = exc("APIConnectionError", cause=exc("ServerDisconnectedError"))
    assert errors.classify(error, mid_stream=False).message == "Le serveur du modèle ne répond pas."
    assert "en pleine réponse" in errors.classify(error, mid_stream=True).message


def test_the_api_key_never_reaches_the_detail():
    error = exc("AuthenticationError", "Incorrect API key provided: sk-abc123", status=401)
    detail = errors.classify(error, mid_stream=False, secret="sk-abc123").detail
    assert "sk-abc123" not in detail and "***" in detail


def test_timeouts_say_how_long_in_french():
    assert errors.timed_out(10).message == "Le modèle n'a pas commencé à répondre au bout de 10 secondes."
    assert errors.stalled(0.5).message == "Le modèle s'est arrêté en pleine réponse : plus rien depuis 0,5 seconde."


def test_a_cycle_in_the_chain_ends():
    a, b = exc("APIError"), exc("APIError")
    a.__cause__, b.__cause__ = b, a
    assert errors.classify(a, mid_stream=False).kind is ErrorKind.OTHER


# Each error in the interface's language: a key (and values) from which the UI says it.
CONSTRUCTED = [
    errors.unreachable(), errors.cut_off(), errors.model_not_found(), errors.timed_out(None),
    errors.timed_out(12.5), errors.stalled(None), errors.stalled(30), errors.bad_response(), errors.other(),
    errors.ended_early(), *(errors.classify(e, mid_stream=m) for e, m, _ in CASES),
]  # fmt: skip


@pytest.mark.parametrize("error", CONSTRUCTED, ids=[f"{e.key}-{i}" for i, e in enumerate(CONSTRUCTED)])
def test_every_error_has_a_key_said_in_both_languages(error):
    from french_markers import french_left

    assert error.key
    assert errors.say(error.key, dict(error.values), "fr") == (error.message, error.hint)
    message, hint = errors.say(error.key, dict(error.values), "en")
    assert message and hint and french_left(f"{message} {hint}") == []


def test_seconds_are_written_per_language():
    error = errors.timed_out(12.5)
    assert "12,5 secondes" in error.message
    assert "12.5 seconds" in errors.say(error.key, dict(error.values), "en")[0]
    assert "1 second." in errors.say("stalled_after", {"seconds": 1}, "en")[0]


def test_an_unknown_key_or_values_that_do_not_fit_say_nothing():
    # an answer stored by another version: the UI then shows the stored French text
    assert errors.say("", {}, "en") is None
    assert errors.say("no_such_error", {}, "en") is None
    assert errors.say("stalled_after", {}, "en") is None
    assert errors.say("stalled_after", {"seconds": "soon"}, "en") is None
