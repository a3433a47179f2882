"""From an exception (litellm's, the HTTP client's, ours) to an `EngineError` the room can read.

Messages and hints are anonymous: they are shown before the reveal, so they never name the model,
its route, size or provider. The technical text goes to `detail`. Each error carries a key (and
values such as seconds) from which `say` writes it in the interface's language; its `message` and
`hint` are the French text, stored with the answer.

Exceptions are recognised by class name along their chain (`original_exception`, `__cause__`,
`__context__`) rather than by importing litellm, httpx or aiohttp here: this module stays cheap to
import and testable without them. The classes were measured with litellm 1.106
(tests/engine/test_engine_error_map.py holds them, case by case).
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from duels_tui.engine.events import EngineError, ErrorKind
from duels_tui.lang import DEFAULT, LANGS, Texts
from duels_tui.numbers import seconds as seconds_text

# Pieces several hints share, per language. The key is the duel screen's retry binding
# (ui/screens/duel.py): a hint names it only for an error that key retries (`say`).
_RETRY = ("relancez cette réponse (ctrl+r)", "retry this answer (ctrl+r)")
_KEPT = ("Le début de la réponse est conservé.", "The beginning of the answer is kept.")
_SAME_HINTS = {"timed_out_after": "timed_out", "stalled_after": "stalled"}
REPLAYED = "replayed:"  # the key of an error replayed from a pack: REPLAYED + the recorded key
_RETRY_HINTS: set[str] = set()  # the hints that tell to retry (filled by _hints)


def _hints(french: str, english: str) -> tuple[str, str]:
    """A hint in both languages; {retry}, {Retry} and {kept} stand for the shared pieces."""
    pair = tuple(
        text.replace("{retry}", retry).replace("{Retry}", retry.capitalize()).replace("{kept}", kept)
        for text, retry, kept in zip((french, english), _RETRY, _KEPT, strict=True)
    )
    if "{retry}" in french.lower():
        _RETRY_HINTS.update(pair)
    return pair  # type: ignore[return-value]


# An error's key names its message ("<key>") and its hint ("<key>.hint"); {seconds} is filled in
# when the message is said.
TEXTS = Texts(
    "engine.errors",
    {
        "unreachable": ("Le serveur du modèle ne répond pas.", "The model's server does not answer."),
        "unreachable.hint": _hints(
            "Vérifiez que le serveur de modèles tourne (ollama serve, ou le serveur local) ou que la "
            "connexion Internet fonctionne, puis {retry}.",
            "Check that the model server is running (ollama serve, or the local server) or that the "
            "Internet connection works, then {retry}.",
        ),
        "cut_off": (
            "La connexion avec le serveur du modèle a été coupée en pleine réponse.",
            "The connection with the model's server was cut in the middle of the answer.",
        ),
        "cut_off.hint": _hints(
            "{kept} Vérifiez que le serveur tourne toujours, puis {retry}.",
            "{kept} Check that the server is still running, then {retry}.",
        ),
        "model_not_found": (
            "Ce modèle n'est pas disponible sur le serveur.",
            "This model is not available on the server.",
        ),
        "model_not_found.hint": (
            "Installez-le sur le serveur (ollama pull ; le nom exact est donné par « duels check ») "
            "ou choisissez un autre modèle pour ce duel.",
            "Install it on the server (ollama pull; “duels check” gives the exact name) or choose "
            "another model for this duel.",
        ),
        "timed_out": (
            "Le modèle n'a pas commencé à répondre à temps.",
            "The model did not start answering in time.",
        ),
        "timed_out_after": (
            "Le modèle n'a pas commencé à répondre au bout de {seconds}.",
            "The model had not started answering after {seconds}.",
        ),
        "timed_out.hint": _hints(
            "Le serveur charge peut-être encore le modèle : patientez quelques secondes puis "
            "{retry}. Si cela se répète, allongez le délai d'attente dans la configuration.",
            "The server may still be loading the model: wait a few seconds, then {retry}. If it "
            "happens again, lengthen the timeout in the configuration.",
        ),
        "stalled": ("Le modèle s'est arrêté en pleine réponse.", "The model stopped in the middle of its answer."),
        "stalled_after": (
            "Le modèle s'est arrêté en pleine réponse : plus rien depuis {seconds}.",
            "The model stopped in the middle of its answer: nothing more for {seconds}.",
        ),
        "stalled.hint": _hints(
            "{kept} {Retry} ; si cela se répète, le serveur est peut-être surchargé.",
            "{kept} {Retry}; if it happens again, the server may be overloaded.",
        ),
        "bad_response": (
            "Le serveur du modèle a envoyé une réponse illisible.",
            "The model's server sent an unreadable answer.",
        ),
        "bad_response.hint": _hints(
            "{kept} {Retry} ; si cela se répète, vérifiez la version du serveur.",
            "{kept} {Retry}; if it happens again, check the server's version.",
        ),
        "other": ("Une erreur inattendue a interrompu la réponse.", "An unexpected error interrupted the answer."),
        "other.hint": _hints(
            "{Retry} ; le détail technique est dans le journal.",
            "{Retry}; the technical detail is in the log.",
        ),
        "auth": (
            "Le fournisseur a refusé l'accès : clé d'API absente ou invalide.",
            "The provider refused access: API key missing or invalid.",
        ),
        "auth.hint": (
            "Une clé se lit au lancement : quittez (ctrl+q), définissez sa variable d'environnement "
            "(« duels check » dit lesquelles manquent, sans les afficher), puis relancez duels : la "
            "séance reprend où elle en était.",
            "A key is read at start: quit (ctrl+q), set its environment variable (“duels check” "
            "says which are missing, without showing them), then start duels again: the session "
            "resumes where it was.",
        ),
        "rate_limit": (
            "Le fournisseur refuse pour l'instant : quota atteint ou trop de demandes.",
            "The provider refuses for now: quota reached or too many requests.",
        ),
        "rate_limit.hint": _hints(
            "Attendez une minute puis {retry}, ou utilisez une réponse enregistrée.",
            "Wait a minute, then {retry}, or use a recorded answer.",
        ),
        "content_policy": (
            "Le fournisseur a refusé de répondre à cette question (filtre de contenu).",
            "The provider refused to answer this question (content filter).",
        ),
        "content_policy.hint": (
            "Reformulez la question ou passez au duel suivant.",
            "Rephrase the question or move on to the next duel.",
        ),
        "context_window": ("La question est trop longue pour ce modèle.", "The question is too long for this model."),
        "context_window.hint": (
            "Elle ne peut pas être relancée telle quelle : passez au vote ou au duel suivant, ou "
            "posez une question plus courte dans un autre duel.",
            "It cannot be retried as it is: go on to the vote or the next duel, or ask a shorter "
            "question in another duel.",
        ),
        "bad_request": ("Le serveur du modèle a refusé la demande.", "The model's server refused the request."),
        "bad_request.hint": (
            "Vérifiez les réglages de ce modèle (« duels check ») ; le détail technique est dans le journal.",
            "Check this model's settings (“duels check”); the technical detail is in the log.",
        ),
        "bad_address": (
            "L'adresse du serveur de ce modèle n'est pas une adresse web valide.",
            "The address of this model's server is not a valid web address.",
        ),
        "bad_address.hint": (
            "Corrigez api_base dans le catalogue (elle commence par http:// ou https://, par exemple "
            "http://127.0.0.1:11434) ; « duels check » vérifie chaque adresse.",
            "Fix api_base in the catalog (it starts with http:// or https://, for example "
            "http://127.0.0.1:11434); “duels check” checks every address.",
        ),
        "server_error": (
            "Le serveur du modèle a rencontré une erreur interne.",
            "The model's server hit an internal error.",
        ),
        "server_error.hint": _hints(
            "{Retry} ; si cela se répète, redémarrez le serveur de modèles.",
            "{Retry}; if it happens again, restart the model server.",
        ),
        "unavailable": (
            "Le serveur du modèle est surchargé ou indisponible pour l'instant.",
            "The model's server is overloaded or unavailable for now.",
        ),
        "unavailable.hint": _hints("Patientez un peu, puis {retry}.", "Wait a little, then {retry}."),
        # A local model's request refused before anything was sent (engine/streaming.py).
        "local_not_started": (
            "Le serveur local de ce modèle n'a pas démarré : la question n'a été envoyée nulle part.",
            "This model's local server did not start: the prompt was sent nowhere.",
        ),
        "local_not_started.hint": (
            "L'accueil (Échap) dit ce qui a échoué et où est le journal du moteur local ; réglez-le, "
            "puis relancez duels.",
            "Home (Esc) says what failed and where the local engine's log is; fix it, then restart duels.",
        ),
        "local_elsewhere": (
            "Ce modèle local devait répondre sur cet ordinateur, mais son adresse mène ailleurs : "
            "la question n'a pas été envoyée.",
            "This local model was to answer on this computer, but its address leads elsewhere: the "
            "prompt was not sent.",
        ),
        "local_elsewhere.hint": (
            "Corrigez api_base dans le catalogue, ou nommez ce serveur vous-même (OLLAMA_HOST, ou "
            "votre propre catalogue) ; « duels check » montre chaque adresse.",
            "Fix api_base in the catalog, or name that server yourself (OLLAMA_HOST, or your own "
            "catalog); “duels check” shows every address.",
        ),
        "load_timed_out": (
            "Le modèle n'a pas fini de se charger en mémoire au bout de {seconds}.",
            "The model had not finished loading into memory after {seconds}.",
        ),
        "load_timed_out.hint": _hints(
            "Un grand modèle lu sur un disque lent peut prendre plusieurs minutes : patientez puis "
            "{retry}, ou allongez timeouts.load_s dans engine.toml. La veille, « duels prepare » "
            "mesure ce temps.",
            "A large model read from a slow disk may take minutes: wait, then {retry}, or lengthen "
            "timeouts.load_s in engine.toml. The day before, “duels prepare” measures this time.",
        ),
        "out_of_memory": (
            "Pas assez de mémoire sur cet ordinateur pour charger ce modèle.",
            "Not enough memory on this computer to load this model.",
        ),
        "out_of_memory.hint": (
            "Fermez d'autres programmes puis relancez (touche r), ou choisissez un modèle plus petit "
            "pour ce duel.",
            "Close other programs, then retry (r key), or choose a smaller model for this duel.",
        ),
        "ended_early": ("La réponse s'est arrêtée sans se terminer.", "The answer stopped without finishing."),
        "ended_early.hint": _hints("{Retry}.", "{Retry}."),
        # A recorded pack replayed (engine/pack_source.py, packs/record.py).
        "pack_not_recorded": (
            "Aucune réponse enregistrée pour cette question.",
            "No recorded answer for this prompt.",
        ),
        "pack_not_recorded.hint": (
            "Ce pack ne rejoue que les questions enregistrées : gardez le prompt d'origine, sans relance.",
            "This pack replays only the recorded prompts: keep the original prompt, with no retry.",
        ),
        "pack_cut_short": (
            "La réponse enregistrée s'arrêtait avant sa fin.",
            "The recorded answer stopped before its end.",
        ),
        "pack_cut_short.hint": (
            "Réenregistrez ce pack (« duels record »).",
            "Record this pack again (“duels record”).",
        ),
        "pack_interrupted": (
            "La réponse a été interrompue pendant l'enregistrement.",
            "The answer was interrupted while it was recorded.",
        ),
        "pack_interrupted.hint": ("Réenregistrez ce pack.", "Record this pack again."),
        # A failure recorded in a pack, replayed: it happened then, not now, and replaying it
        # again gives the same (its timings, « 30 secondes », are the recording's).
        "replayed": (
            "Cette réponse a échoué pendant l'enregistrement du pack. {message}",
            "This answer failed while the pack was recorded. {message}",
        ),
        "replayed.hint": (
            "Un pack rejoue ce qui a été enregistré : réenregistrez-le (« duels record ») pour une "
            "réponse complète.",
            "A pack replays what was recorded: record it again (“duels record”) for a complete answer.",
        ),
        # Any other error that cannot be retried now, whatever its usual hint said.
        "not_retryable.hint": (
            "Cette réponse ne peut pas être relancée ici.",
            "This answer cannot be retried here.",
        ),
    },
)


def say(
    key: str, values: dict[str, object] | None = None, lang: str = DEFAULT, *, retryable: bool = True
) -> tuple[str, str] | None:
    """(message, hint) of the error `key` in `lang`; None for a key this version does not know
    (an answer stored by another version: its stored French text is then what is shown). A hint
    that tells to retry is replaced when the error cannot be (`retryable` False): ctrl+r would
    do nothing."""
    if key.startswith(REPLAYED):
        said = say(key.removeprefix(REPLAYED), values, lang)
        if said is None:
            return None
        return TEXTS("replayed", lang, message=said[0]), TEXTS("replayed.hint", lang)
    said = _say(key, values, lang)
    if said is not None and not retryable and said[1] in _RETRY_HINTS:
        return said[0], TEXTS("not_retryable.hint", lang)
    return said


def _say(key: str, values: dict[str, object] | None, lang: str) -> tuple[str, str] | None:
    hint_key = f"{_SAME_HINTS.get(key, key)}.hint"
    if not key or key not in TEXTS or hint_key not in TEXTS or lang not in LANGS:
        return None
    values = dict(values or {})
    if "seconds" in values:
        try:
            values["seconds"] = seconds_text(float(values["seconds"]), lang)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return None
    try:
        message, hint = TEXTS.with_hint(key, lang, hint_key, **values)
    except (KeyError, IndexError, ValueError):  # stored values that do not fit the template
        return None
    return message, hint or ""


def _error(kind: ErrorKind, key: str, detail: str = "", retryable: bool = True, **values: float) -> EngineError:
    message, hint = say(key, values, retryable=retryable) or ("", "")
    return EngineError(kind, message, hint, detail, retryable, key=key, values=tuple(values.items()))


def unreachable(detail: str = "") -> EngineError:
    return _error(ErrorKind.UNREACHABLE, "unreachable", detail)


def cut_off(detail: str = "") -> EngineError:
    return _error(ErrorKind.UNREACHABLE, "cut_off", detail)


def model_not_found(detail: str = "") -> EngineError:
    return _error(ErrorKind.MODEL_NOT_FOUND, "model_not_found", detail, retryable=False)


def timed_out(seconds: float | None, detail: str = "") -> EngineError:
    if seconds:
        return _error(ErrorKind.TIMEOUT, "timed_out_after", detail, seconds=seconds)
    return _error(ErrorKind.TIMEOUT, "timed_out", detail)


def stalled(seconds: float | None, detail: str = "") -> EngineError:
    if seconds:
        return _error(ErrorKind.STALLED, "stalled_after", detail, seconds=seconds)
    return _error(ErrorKind.STALLED, "stalled", detail)


def load_timed_out(seconds: float, detail: str = "") -> EngineError:
    return _error(ErrorKind.TIMEOUT, "load_timed_out", detail, seconds=seconds)


def out_of_memory(detail: str = "") -> EngineError:
    return _error(ErrorKind.REFUSED, "out_of_memory", detail)


def says_out_of_memory(exc: BaseException) -> bool:
    """ollama's refusal to load a model too big for the memory left ("model requires more system
    memory (41.5 GiB) than is available (15.3 GiB)"), or a server's out-of-memory."""
    text = " ".join(str(e) for e in chain(exc)).lower()
    return "requires more system memory" in text or "out of memory" in text


def bad_response(detail: str = "") -> EngineError:
    return _error(ErrorKind.BAD_RESPONSE, "bad_response", detail)


def other(detail: str = "") -> EngineError:
    return _error(ErrorKind.OTHER, "other", detail)


def local_not_started(detail: str = "") -> EngineError:
    return _error(ErrorKind.UNREACHABLE, "local_not_started", detail, retryable=False)


def local_elsewhere(detail: str = "") -> EngineError:
    return _refused("local_elsewhere", detail)


def ended_early() -> EngineError:
    """A stream that ended without its end (neither done nor an error)."""
    return _error(ErrorKind.BAD_RESPONSE, "ended_early")


def pack_not_recorded() -> EngineError:
    return _error(ErrorKind.OTHER, "pack_not_recorded", "pack: no recording for these messages", retryable=False)


def pack_cut_short() -> EngineError:
    return _error(ErrorKind.BAD_RESPONSE, "pack_cut_short", "pack: answer without done nor error", retryable=False)


def pack_interrupted() -> EngineError:
    return _error(ErrorKind.OTHER, "pack_interrupted", retryable=False)


def replayed(recorded: EngineError) -> EngineError:
    """A failure recorded in a pack, as its replay shows it: said as a past failure, never
    retryable (a replay gives the same). A pack's own errors (pack_...) and errors without a key
    (an older pack's: their French text is all there is) keep their text."""
    if not recorded.key or recorded.key.startswith(("pack_", REPLAYED)):
        return EngineError(recorded.kind, recorded.message, recorded.hint, recorded.detail, False,
                           recorded.key, recorded.values)
    said = say(REPLAYED + recorded.key, dict(recorded.values))
    message, hint = said or (recorded.message, recorded.hint)
    return EngineError(recorded.kind, message, hint, recorded.detail, False, REPLAYED + recorded.key,
                       recorded.values)


def _refused(key: str, detail: str, retryable: bool = False) -> EngineError:
    return _error(ErrorKind.REFUSED, key, detail, retryable)


def chain(exc: BaseException) -> list[BaseException]:
    """The exception and what it wraps, outermost first."""
    out: list[BaseException] = []
    seen: set[int] = set()
    todo: list[BaseException] = [exc]
    while todo:
        current = todo.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        out.append(current)
        for nxt in (getattr(current, "original_exception", None), current.__cause__, current.__context__):
            if isinstance(nxt, BaseException):
                todo.append(nxt)
    return out


def _names(excs: Iterable[BaseException]) -> set[str]:
    return {cls.__name__ for exc in excs for cls in type(exc).__mro__}


def _status(excs: Iterable[BaseException]) -> int | None:
    for exc in excs:
        if type(exc).__name__ == "MidStreamFallbackError":
            continue  # it carries the wrapped error's status, or an invented 503
        status = getattr(exc, "status_code", None)
        if isinstance(status, int):
            return status
    return None


TIMEOUTS = {"Timeout", "APITimeoutError", "TimeoutException", "SocketTimeoutError",
            "ServerTimeoutError", "TimeoutError"}  # fmt: skip
CUT = {"ReadError", "RemoteProtocolError", "ClientPayloadError", "ServerDisconnectedError",
       "TransferEncodingError", "ContentLengthError", "IncompleteRead", "ConnectionResetError",
       "BrokenPipeError"}  # fmt: skip
# httpx, when api_base has no scheme or cannot be parsed: no request was sent.
BAD_ADDRESS = {"UnsupportedProtocol", "InvalidURL"}
CONNECT = {"ConnectError", "ClientConnectorError", "ConnectionRefusedError", "ClientConnectorDNSError",
           "gaierror"}  # fmt: skip


def classify(exc: BaseException, *, mid_stream: bool, secret: str | None = None) -> EngineError:
    """The EngineError for `exc`. `mid_stream`: some of the answer had already arrived."""
    excs = chain(exc)
    names = _names(excs)
    texts = " | ".join(str(e) for e in excs)
    detail = f"{type(exc).__name__}: {exc}"
    if type(exc).__name__ == "MidStreamFallbackError" and len(excs) > 1:
        inner = excs[1]
        detail += f" <- {type(inner).__name__}: {inner}"
    if secret:
        detail = detail.replace(secret, "***")
    detail = detail[:2000]
    status = _status(excs)

    if names & BAD_ADDRESS:
        return _refused("bad_address", detail)
    if names & TIMEOUTS or "timed out" in texts.lower():
        return stalled(None, detail) if mid_stream else timed_out(None, detail)
    if names & CUT or "payload is not completed" in texts or "peer closed connection" in texts:
        return cut_off(detail) if mid_stream else unreachable(detail)
    if names & CONNECT:
        return cut_off(detail) if mid_stream else unreachable(detail)
    if any(isinstance(e, json.JSONDecodeError) for e in excs) or "Got unexpected response" in texts:
        return bad_response(detail)
    if "NotFoundError" in names or status == 404:
        return model_not_found(detail)
    if names & {"AuthenticationError", "PermissionDeniedError"} or status in (401, 403) or (
        "Missing credentials" in texts  # the OpenAI SDK, before sending anything
    ):
        return _refused("auth", detail)
    if "RateLimitError" in names or "BudgetExceededError" in names or status == 429:
        return _refused("rate_limit", detail, retryable=True)
    if "ContentPolicyViolationError" in names:
        return _refused("content_policy", detail)
    if "ContextWindowExceededError" in names:
        return _refused("context_window", detail)
    if names & {"BadRequestError", "UnprocessableEntityError"} or status in (400, 422):
        return _refused("bad_request", detail)
    if "Connection error" in texts or "APIConnectionError" in names:
        return cut_off(detail) if mid_stream else unreachable(detail)
    if says_out_of_memory(exc):  # ollama loading a model within a chat request
        return out_of_memory(detail)
    if (status is not None and status >= 500 and status != 503) or "InternalServerError" in names:
        return _error(ErrorKind.OTHER, "server_error", detail)
    if status == 503 or "ServiceUnavailableError" in names:
        return _error(ErrorKind.OTHER, "unavailable", detail)
    return other(detail)
