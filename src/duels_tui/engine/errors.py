"""From an exception (litellm's, the HTTP client's, ours) to an `EngineError` the room can read.

Messages and hints are French and anonymous: they are shown before the reveal, so they never name
the model, its route, size or provider. The technical text goes to `detail`.

Exceptions are recognised by class name along their chain (`original_exception`, `__cause__`,
`__context__`) rather than by importing litellm, httpx or aiohttp here: this module stays cheap to
import and testable without them. The classes were measured with litellm 1.106 (see FACTS.md).
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from duels_tui.engine.events import EngineError, ErrorKind

RETRY = "relancez cette réponse (touche r)"
KEPT = "Le début de la réponse est conservé."


def unreachable(detail: str = "") -> EngineError:
    return EngineError(
        ErrorKind.UNREACHABLE,
        "Le serveur du modèle ne répond pas.",
        "Vérifiez que le serveur de modèles tourne (ollama serve, ou le serveur local) ou que la "
        f"connexion Internet fonctionne, puis {RETRY}.",
        detail,
    )


def cut_off(detail: str = "") -> EngineError:
    return EngineError(
        ErrorKind.UNREACHABLE,
        "La connexion avec le serveur du modèle a été coupée en pleine réponse.",
        f"{KEPT} Vérifiez que le serveur tourne toujours, puis {RETRY}.",
        detail,
    )


def model_not_found(detail: str = "") -> EngineError:
    return EngineError(
        ErrorKind.MODEL_NOT_FOUND,
        "Ce modèle n'est pas disponible sur le serveur.",
        "Installez-le sur le serveur (ollama pull ; le nom exact est donné par « duels check ») "
        "ou choisissez un autre modèle pour ce duel.",
        detail,
        retryable=False,
    )


def timed_out(seconds: float | None, detail: str = "") -> EngineError:
    within = f" au bout de {_seconds(seconds)}" if seconds else " à temps"
    return EngineError(
        ErrorKind.TIMEOUT,
        f"Le modèle n'a pas commencé à répondre{within}.",
        "Le serveur charge peut-être encore le modèle : patientez quelques secondes puis "
        f"{RETRY}. Si cela se répète, allongez le délai d'attente dans la configuration.",
        detail,
    )


def stalled(seconds: float | None, detail: str = "") -> EngineError:
    since = f" : plus rien depuis {_seconds(seconds)}" if seconds else ""
    return EngineError(
        ErrorKind.STALLED,
        f"Le modèle s'est arrêté en pleine réponse{since}.",
        f"{KEPT} {RETRY.capitalize()} ; si cela se répète, le serveur est peut-être surchargé.",
        detail,
    )


def bad_response(detail: str = "") -> EngineError:
    return EngineError(
        ErrorKind.BAD_RESPONSE,
        "Le serveur du modèle a envoyé une réponse illisible.",
        f"{KEPT} {RETRY.capitalize()} ; si cela se répète, vérifiez la version du serveur.",
        detail,
    )


def other(detail: str = "") -> EngineError:
    return EngineError(
        ErrorKind.OTHER,
        "Une erreur inattendue a interrompu la réponse.",
        f"{RETRY.capitalize()} ; le détail technique est dans le journal.",
        detail,
    )


def _seconds(seconds: float) -> str:
    value = f"{seconds:.1f}".rstrip("0").rstrip(".").replace(".", ",")
    return f"{value} seconde" + ("s" if seconds >= 2 else "")


def _refused(message: str, hint: str, detail: str, retryable: bool = False) -> EngineError:
    return EngineError(ErrorKind.REFUSED, message, hint, detail, retryable)


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
        return _refused(
            "Le fournisseur a refusé l'accès : clé d'API absente ou invalide.",
            "Vérifiez que la variable d'environnement de la clé est définie (« duels check » dit "
            "lesquelles manquent, sans les afficher), puis relancez.",
            detail,
        )
    if "RateLimitError" in names or "BudgetExceededError" in names or status == 429:
        return _refused(
            "Le fournisseur refuse pour l'instant : quota atteint ou trop de demandes.",
            f"Attendez une minute puis {RETRY}, ou utilisez une réponse enregistrée.",
            detail,
            retryable=True,
        )
    if "ContentPolicyViolationError" in names:
        return _refused(
            "Le fournisseur a refusé de répondre à cette question (filtre de contenu).",
            "Reformulez la question ou passez au duel suivant.",
            detail,
        )
    if "ContextWindowExceededError" in names:
        return _refused(
            "La question est trop longue pour ce modèle.",
            "Raccourcissez la question ou la conversation, puis relancez.",
            detail,
        )
    if names & {"BadRequestError", "UnprocessableEntityError"} or status in (400, 422):
        return _refused(
            "Le serveur du modèle a refusé la demande.",
            "Vérifiez les réglages de ce modèle (« duels check ») ; le détail technique est dans le journal.",
            detail,
        )
    if "Connection error" in texts or "APIConnectionError" in names:
        return cut_off(detail) if mid_stream else unreachable(detail)
    if (status is not None and status >= 500 and status != 503) or "InternalServerError" in names:
        return EngineError(
            ErrorKind.OTHER,
            "Le serveur du modèle a rencontré une erreur interne.",
            f"{RETRY.capitalize()} ; si cela se répète, redémarrez le serveur de modèles.",
            detail,
        )
    if status == 503 or "ServiceUnavailableError" in names:
        return EngineError(
            ErrorKind.OTHER,
            "Le serveur du modèle est surchargé ou indisponible pour l'instant.",
            f"Patientez un peu, puis {RETRY}.",
            detail,
        )
    return other(detail)
