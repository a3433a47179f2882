"""What can run now: ollama and its models, local OpenAI-compatible servers, API keys.

Network probes use httpx with short timeouts, concurrently; no litellm here (it is slow to import).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import httpx

from duels_tui import paths
from duels_tui.catalog import Catalog, ModelCard
from duels_tui.endpoints import is_ollama_route, ollama_model_name, ollama_url
from duels_tui.lang import DEFAULT, Texts

PROBE_TIMEOUT_S = 1.5

# Why a model can run or not ("<key>") and what to do ("<key>.hint"), shown on Home and by
# `duels check`; endpoints' errors ("endpoint.<key>") too.
TEXTS = Texts(
    "availability",
    {
        "embedded.unknown": ("modèle embarqué inconnu {name!r}", "unknown bundled model {name!r}"),
        "embedded.missing": (
            "moteur local ou modèle embarqué non installé",
            "local engine or bundled model not installed",
        ),
        "embedded.missing.hint": ("installez-le : {install}", "install it: {install}"),
        "embedded.failed": ("le moteur local n'a pas démarré", "the local engine did not start"),
        "embedded.failed.hint": (
            "voir son journal dans {logs}, réglez puis relancez duels",
            "see its log in {logs}, fix, then restart duels",
        ),
        "embedded.stopped": ("serveur local {url} arrêté", "local server {url} stopped"),
        "embedded.stopped.hint": (
            "relancez duels : il redémarre le moteur local",
            "restart duels: it restarts the local engine",
        ),
        "embedded.starting": (
            "modèle embarqué, son serveur démarre (moteur llama.cpp local)",
            "bundled model, its server is starting (local llama.cpp engine)",
        ),
        "embedded.ok": ("modèle embarqué (moteur llama.cpp local)", "bundled model (local llama.cpp engine)"),
        "pack": ("réponses enregistrées (pack), rejouées sans réseau", "recorded answers (pack), replayed offline"),
        "ollama.down": ("ollama ne répond pas sur {url}", "ollama does not answer at {url}"),
        "ollama.down.hint": (
            "lancez ollama (`ollama serve`), ou utilisez un pack enregistré",
            "start ollama (`ollama serve`), or use a recorded pack",
        ),
        "ollama.missing": ("modèle {name} absent d'ollama", "model {name} not in ollama"),
        "ollama.missing.hint": (
            "`ollama pull {name}`, ou utilisez un pack enregistré",
            "`ollama pull {name}`, or use a recorded pack",
        ),
        "ollama.ok": ("installé dans ollama ({url})", "installed in ollama ({url})"),
        "server.down": ("serveur {url} injoignable", "server {url} unreachable"),
        "server.down.hint": (
            "démarrez le serveur local (llama.cpp, LM Studio, vLLM)",
            "start the local server (llama.cpp, LM Studio, vLLM)",
        ),
        "server.ok": ("serveur {url} joignable", "server {url} reachable"),
        "key.ok": ("clé {env} présente (réseau non vérifié)", "key {env} present (network not checked)"),
        "key.missing": ("clé {env} absente", "key {env} missing"),
        "key.missing.hint": (
            "définissez {env}, ou utilisez un pack enregistré",
            "set {env}, or use a recorded pack",
        ),
        "nothing": ("aucun serveur ni clé configuré", "no server or key configured"),
        "nothing.hint": ("utilisez un pack enregistré", "use a recorded pack"),
        "endpoint.refused": ("connexion refusée", "connection refused"),
        "endpoint.no_answer": ("pas de réponse", "no answer"),
        "endpoint.http": ("erreur HTTP {status}", "HTTP error {status}"),
        "endpoint.other": ("{name}", "{name}"),
        # The way out, when the programme cannot run (Home, `duels check`)
        "way.keys": ("Clés d'API absentes : {keys}.", "API keys missing: {keys}."),
        "way.runnable": ("Jouable maintenant : {programmes}.", "Playable now: {programmes}."),
        "way.programme": ("{name} ({command})", "{name} ({command})"),
        "way.none": (
            "Pour un duel tout de suite : installez le moteur local ({install}), ou lancez ollama avec "
            "deux modèles (`ollama pull gemma3:1b` et `ollama pull qwen3:0.6b`), ou rejouez un pack "
            "enregistré ({pack}).",
            "For a duel right now: install the local engine ({install}), or start ollama with two "
            "models (`ollama pull gemma3:1b` and `ollama pull qwen3:0.6b`), or replay a recorded pack ({pack}).",
        ),
        "way.auto": (
            "Trois duels avec les modèles d'ollama : `duels programme --auto -o atelier.toml`, puis {command}.",
            "Three duels with ollama's models: `duels programme --auto -o atelier.toml`, then {command}.",
        ),
    },
)


@dataclass
class OllamaModel:
    name: str
    parameter_size: str | None = None  # "4.3B", as ollama reports it
    quantization: str | None = None  # "Q4_K_M"
    family: str | None = None
    capabilities: tuple[str, ...] = ()  # /api/show's, e.g. ("completion", "thinking")
    experts: tuple[int, int] | None = None  # (experts, experts used per token) of a mixture of experts
    size_bytes: int | None = None  # its file (/api/tags `size`)
    loaded_bytes: int | None = None  # its memory while loaded (/api/ps `size`); None: not loaded


@dataclass
class Endpoint:
    url: str
    kind: str  # "ollama" | "openai"
    reachable: bool
    error: str | None = None  # French
    models: list[OllamaModel] = field(default_factory=list)
    error_key: str = ""  # to say `error` in another language
    error_values: dict[str, object] = field(default_factory=dict)

    def error_text(self, lang: str = DEFAULT) -> str:
        return TEXTS(self.error_key, lang, **self.error_values) if self.error_key else (self.error or "")


@dataclass
class ModelStatus:
    model_id: str
    runnable: bool
    reason: str  # French, one line
    hint: str | None = None  # what to do, French
    key: str = ""  # to say `reason` and `hint` in another language
    values: dict[str, object] = field(default_factory=dict)

    def text(self, lang: str = DEFAULT) -> tuple[str, str | None]:
        """(reason, hint) in `lang`."""
        if not self.key:
            return self.reason, self.hint
        return TEXTS.with_hint(self.key, lang, **self.values)


def _status(card: ModelCard, runnable: bool, key: str, **values: object) -> ModelStatus:
    reason, hint = TEXTS.with_hint(key, DEFAULT, **values)
    return ModelStatus(card.id, runnable, reason, hint, key, values)


@dataclass
class Availability:
    endpoints: list[Endpoint]
    keys: dict[str, bool]  # env var name -> set; values are never read beyond presence
    models: dict[str, ModelStatus]

    def to_json(self) -> dict[str, Any]:
        return {
            "endpoints": [
                {
                    "url": e.url,
                    "kind": e.kind,
                    "reachable": e.reachable,
                    "error": e.error,
                    "models": [m.__dict__ for m in e.models],
                }
                for e in self.endpoints
            ],
            "keys": self.keys,
            "models": {
                k: {"model_id": v.model_id, "runnable": v.runnable, "reason": v.reason, "hint": v.hint}
                for k, v in self.models.items()
            },
        }


def _installed_names(name: str) -> set[str]:
    # ollama names "gemma3" and "gemma3:latest" the same model
    return {name, name + ":latest"} if ":" not in name else {name}


async def probe_ollama(client: httpx.AsyncClient, url: str) -> Endpoint:
    try:
        tags = (await client.get(f"{url}/api/tags")).raise_for_status().json()
    except (httpx.HTTPError, ValueError) as exc:
        return _unreachable(url, "ollama", exc)
    listed = [m for m in tags.get("models", []) if isinstance(m, dict)]
    names = [m.get("name") or m.get("model") for m in listed]
    sizes = [_bytes(m.get("size")) for m in listed]
    shows, running = await asyncio.gather(
        asyncio.gather(*(client.post(f"{url}/api/show", json={"model": n}) for n in names), return_exceptions=True),
        _running(client, url),
    )
    models = []
    for name, size, show in zip(names, sizes, shows, strict=True):
        body: dict[str, Any] = {}
        if isinstance(show, httpx.Response) and show.status_code == 200:
            try:
                body = show.json()
            except ValueError:
                body = {}
        details = body.get("details") if isinstance(body, dict) else None
        details = details if isinstance(details, dict) else {}
        capabilities = body.get("capabilities") if isinstance(body, dict) else None
        models.append(
            OllamaModel(
                name,
                details.get("parameter_size"),
                details.get("quantization_level"),
                details.get("family"),
                tuple(c for c in capabilities if isinstance(c, str)) if isinstance(capabilities, list) else (),
                _experts(body.get("model_info") if isinstance(body, dict) else None),
                size,
                running.get(name),
            )
        )
    return Endpoint(url, "ollama", True, models=models)


def _bytes(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


async def _running(client: httpx.AsyncClient, url: str) -> dict[str, int]:
    """The models ollama holds in memory now, and how much each takes (/api/ps)."""
    try:
        listed = (await client.get(f"{url}/api/ps")).raise_for_status().json().get("models", [])
    except (httpx.HTTPError, ValueError, AttributeError):
        return {}
    running = {}
    for model in listed if isinstance(listed, list) else []:
        if isinstance(model, dict) and (size := _bytes(model.get("size"))) is not None:
            running[str(model.get("name") or model.get("model"))] = size
    return running


def _experts(model_info: Any) -> tuple[int, int] | None:
    """(expert_count, expert_used_count) from /api/show's model_info ("qwen3moe.expert_count")."""
    if not isinstance(model_info, dict):
        return None
    count = used = None
    for key, value in model_info.items():
        if isinstance(value, int) and not isinstance(value, bool):
            if key.endswith(".expert_count"):
                count = value
            elif key.endswith(".expert_used_count"):
                used = value
    return (count, used) if count and used and count > 1 else None


async def probe_openai(client: httpx.AsyncClient, url: str) -> Endpoint:
    try:
        listing = (await client.get(f"{url.rstrip('/')}/models")).raise_for_status().json()
    except (httpx.HTTPError, ValueError) as exc:
        return _unreachable(url, "openai", exc)
    names = [m.get("id", "?") for m in listing.get("data", []) if isinstance(m, dict)]
    return Endpoint(url, "openai", True, models=[OllamaModel(n) for n in names])


def _unreachable(url: str, kind: str, exc: Exception) -> Endpoint:
    key, values = _describe(exc)
    return Endpoint(url, kind, False, TEXTS(key, **values), error_key=key, error_values=values)


def _describe(exc: Exception) -> tuple[str, dict[str, object]]:
    if isinstance(exc, httpx.ConnectError):
        return "endpoint.refused", {}
    if isinstance(exc, httpx.TimeoutException):
        return "endpoint.no_answer", {}
    if isinstance(exc, httpx.HTTPStatusError):
        return "endpoint.http", {"status": exc.response.status_code}
    return "endpoint.other", {"name": type(exc).__name__}


def _embedded_status(card: ModelCard, endpoints: dict[str, Endpoint], engine_failure) -> ModelStatus:
    import importlib.util

    from duels_tui.engine.local_models import BUNDLED, engine_installed

    bundled = BUNDLED.get(card.local_model or "")
    if bundled is None:
        return _status(card, False, "embedded.unknown", name=card.local_model)
    if not engine_installed() or importlib.util.find_spec(bundled.module) is None:
        from duels_tui.install import install_hint

        return _status(card, False, "embedded.missing", install=install_hint())
    if engine_failure is not None and not card.api_base:
        return _status(card, False, "embedded.failed", logs=engine_failure.log_dir)
    if card.api_base and not endpoints.get(card.api_base, Endpoint("", "", False)).reachable:
        from duels_tui.engine.loading import starting_problem

        problem = starting_problem(card.api_base)
        if problem == "":  # started in the background, not up yet
            return _status(card, True, "embedded.starting")
        if problem:  # started in the background, and never came up
            return _status(card, False, "embedded.failed", logs=str(paths.user_log_dir()))
        return _status(card, False, "embedded.stopped", url=card.api_base)
    return _status(card, True, "embedded.ok")


def _replayed(card: ModelCard) -> bool:
    return card.source.startswith("pack:")  # packs.replay's cards: nothing to reach


def model_status(card: ModelCard, endpoints: dict[str, Endpoint], engine_failure=None) -> ModelStatus:
    """Whether `card` can run now; `engine_failure` (a local_models.EngineFailure): the embedded
    engine was started and failed (the app says so; `duels check` starts no engine)."""
    if _replayed(card):
        return _status(card, True, "pack")
    if card.local_model:
        return _embedded_status(card, endpoints, engine_failure)
    if is_ollama_route(card.route):
        url = card.api_base or ollama_url()
        endpoint = endpoints.get(url)
        name = ollama_model_name(card.route)
        if endpoint is None or not endpoint.reachable:
            return _status(card, False, "ollama.down", url=url)
        if not _installed_names(name) & {m.name for m in endpoint.models}:
            return _status(card, False, "ollama.missing", name=name)
        return _status(card, True, "ollama.ok", url=url)
    if card.api_base:
        endpoint = endpoints.get(card.api_base)
        if endpoint is None or not endpoint.reachable:
            return _status(card, False, "server.down", url=card.api_base)
        return _status(card, True, "server.ok", url=card.api_base)
    if card.api_key_env:
        if os.environ.get(card.api_key_env):
            return _status(card, True, "key.ok", env=card.api_key_env)
        return _status(card, False, "key.missing", env=card.api_key_env)
    return _status(card, False, "nothing")


async def check(catalog: Catalog, timeout_s: float = PROBE_TIMEOUT_S, engine_failure=None) -> Availability:
    ollama_urls = {card.api_base or ollama_url() for card in catalog.models.values() if is_ollama_route(card.route)} | {
        ollama_url()
    }
    openai_urls = {
        card.api_base
        for card in catalog.models.values()
        if card.api_base and not is_ollama_route(card.route) and not _replayed(card)
    }
    async with httpx.AsyncClient(timeout=timeout_s, trust_env=False) as client:
        probed = await asyncio.gather(
            *(probe_ollama(client, u) for u in sorted(ollama_urls)),
            *(probe_openai(client, u) for u in sorted(openai_urls)),
        )
    endpoints = {e.url: e for e in probed}
    keys = {
        name: bool(os.environ.get(name))
        for name in sorted({c.api_key_env for c in catalog.models.values() if c.api_key_env})
    }
    models = {card.id: model_status(card, endpoints, engine_failure) for card in catalog.models.values()}
    return Availability(list(endpoints.values()), keys, models)


def blocked_models(result: Availability, model_ids: Iterable[str]) -> list[str]:
    """Those of `model_ids` that cannot run now (unknown ones included)."""
    return [m for m in dict.fromkeys(model_ids) if not (m in result.models and result.models[m].runnable)]


def runnable_programmes(catalog: Catalog, result: Availability) -> list[str]:
    """The shipped and user programmes whose every model can run now."""
    from duels_tui.config.errors import ConfigError
    from duels_tui.config.programme import available_programmes, load_programme

    names = []
    for key, path in sorted(available_programmes().items()):
        try:
            programme = load_programme(str(path), catalog)
        except ConfigError:
            continue
        if not blocked_models(result, (m for d in programme.duels for m in d.model_ids)):
            names.append(key)
    return names


def way_out(
    catalog: Catalog, result: Availability, duels: Iterable[tuple[str, ...]], lang: str = DEFAULT
) -> str:
    """What to do when some of these duels (their model ids) cannot run: the API keys they lack,
    the programmes that can run now (with the command that opens them here), and, when no duel
    can run at all, how to get one at once. Empty when every duel can run."""
    from duels_tui.install import duels_command, install_hint

    duels = [tuple(d) for d in duels]
    blocked = blocked_models(result, (m for d in duels for m in d))
    if not blocked:
        return ""
    keys = sorted(
        {card.api_key_env for m in blocked if (card := catalog.get(m)) and card.api_key_env}
        - {name for name, present in result.keys.items() if present}
    )
    parts = [TEXTS("way.keys", lang, keys=", ".join(keys))] if keys else []
    runnable = runnable_programmes(catalog, result)
    if runnable:
        listed = [TEXTS("way.programme", lang, name=n, command=f"`{duels_command(f'-p {n}')}`") for n in runnable]
        parts.append(TEXTS("way.runnable", lang, programmes=", ".join(listed)))
    elif all(blocked_models(result, d) for d in duels):
        ollama_models = sum(len(e.models) for e in result.endpoints if e.kind == "ollama" and e.reachable)
        if ollama_models >= 2:
            parts.append(TEXTS("way.auto", lang, command=f"`{duels_command('-p atelier.toml')}`"))
        else:
            pack = duels_command("--pack " + ("FICHIER" if lang == "fr" else "FILE"))
            parts.append(TEXTS("way.none", lang, install=install_hint(), pack=f"`{pack}`"))
    return " ".join(parts)
