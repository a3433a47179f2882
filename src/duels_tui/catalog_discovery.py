"""Models installed in ollama become catalog cards by themselves: any pulled model can duel
without editing a TOML file.

A card's size and quantization come from ollama (`/api/show`: "4.3B", "Q4_K_M"); its
organisation, licence and openness from its family (config/families.toml, with sources, then
the catalog's own cards of that family). A family known nowhere says « inconnue ». A card is
added only when the catalog has no card for that ollama model already.

    added = discover_into(catalog)          # probes ollama (short timeout), merges, returns the new cards
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, replace

import httpx

from duels_tui.availability import PROBE_TIMEOUT_S, OllamaModel, probe_ollama
from duels_tui.catalog import ARCHITECTURES, OPENNESS, Catalog, ModelCard
from duels_tui.config.fields import tables
from duels_tui.config.locate import config_file
from duels_tui.config.toml_file import read_toml
from duels_tui.endpoints import is_ollama_route, ollama_model_name, ollama_url
from duels_tui.lang import Texts
from duels_tui.numbers import params
from duels_tui.ranges import Range

FAMILIES_FILE = "families.toml"
UNKNOWN = "inconnue"
DISCOVERED = "ollama"  # ModelCard.source of discovered cards
_FAMILY_FIELDS = ("match", "family", "organisation", "licence", "openness", "reasoning", "architecture", "source")
_SIZE = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*([KMBT])?\s*$", re.IGNORECASE)
_SCALE = {"K": 1e-6, "M": 1e-3, "B": 1.0, "T": 1e3, None: 1e-9}


@dataclass(frozen=True)
class Family:
    match: tuple[str, ...]
    family: str
    organisation: str
    licence: str
    openness: str
    reasoning: bool = False
    architecture: str | None = None
    source: str = ""


def load_families() -> list[Family]:
    """config/families.toml (or the user's, or --config's); errors name the file, line, field."""
    doc = read_toml(config_file(FAMILIES_FILE))
    families = []
    for reader in tables(doc, "families"):
        reader.unknown_keys(_FAMILY_FIELDS)
        match = reader.data.get("match")
        if not (isinstance(match, list) and match and all(isinstance(m, str) and m.strip() for m in match)):
            raise reader.error("match", "liste de préfixes de noms de modèles attendue")
        families.append(
            Family(
                match=tuple(m.strip().lower() for m in match),
                family=reader.str("family"),
                organisation=reader.str("organisation"),
                licence=reader.str("licence"),
                openness=reader.str("openness", choices=OPENNESS),
                reasoning=reader.bool("reasoning", False),
                architecture=reader.str("architecture", None, choices=ARCHITECTURES),
                source=reader.str("source", ""),
            )
        )
    return families


def parameter_billions(size: str | None) -> float | None:
    """ollama's parameter_size in billions: "4.3B" -> 4.3, "270M" -> 0.27, "1.2T" -> 1200."""
    if not size:
        return None
    found = _SIZE.match(size)
    if not found:
        return None
    value = float(found.group(1).replace(",", ".")) * _SCALE[(found.group(2) or "").upper() or None]
    return value if value > 0 else None


def base_name(ollama_name: str) -> str:
    """ "hf.co/user/SmolLM2-135M:Q4_K_M" -> "smollm2-135m"; "gemma3:4b" -> "gemma3"."""
    return ollama_name.split(":", 1)[0].rsplit("/", 1)[-1].lower()


def find_family(model: OllamaModel, families: list[Family]) -> Family | None:
    """The longest `match` prefix of the model's name (the next character not a letter, so "phi"
    is not "phind"), else a family whose `match` names ollama's `details.family`."""
    base = base_name(model.name)
    best: tuple[int, Family] | None = None
    for family in families:
        for prefix in family.match:
            fits = base == prefix or (base.startswith(prefix) and not base[len(prefix)].isalpha())
            if fits and (best is None or len(prefix) > best[0]):
                best = (len(prefix), family)
    if best is not None:
        return best[1]
    reported = (model.family or "").lower()
    return next((f for f in families if reported and reported in f.match), None)


def _catalog_family(model: OllamaModel, catalog: Catalog) -> ModelCard | None:
    """A card of the catalog in the same family (its organisation and licence apply)."""
    names = {n for n in (base_name(model.name), (model.family or "").lower()) if n}
    return next((c for c in catalog.models.values() if c.family and c.family.lower() in names), None)


def _normalized(route_name: str) -> str:
    return route_name if ":" in route_name else f"{route_name}:latest"


TEXTS = Texts(
    "catalog_discovery",
    {
        "description": (
            "Modèle installé dans ollama, découvert automatiquement : {params}, "
            "quantification {quantization}.",
            "A model installed in ollama, found automatically: {params}, {quantization} quantisation.",
        ),
        "unknown_family": (
            "Sa famille est inconnue du catalogue : organisation et licence à vérifier.",
            "Its family is unknown to the catalog: check its organisation and licence.",
        ),
    },
)


def _description(total: float, quantization: str, known_family: bool, lang: str) -> str:
    text = TEXTS("description", lang, params=params(total, lang), quantization=quantization)
    return text if known_family else f"{text} {TEXTS('unknown_family', lang)}"


def card_for(
    model: OllamaModel, families: list[Family], catalog: Catalog, api_base: str | None = None
) -> ModelCard | None:
    """The card of an ollama model; None when ollama gives no usable size (nothing to compute on)."""
    total = parameter_billions(model.parameter_size)
    if total is None:
        return None
    family = find_family(model, families)
    known = _catalog_family(model, catalog) if family is None else None
    organisation = family.organisation if family else known.organisation if known else UNKNOWN
    licence = family.licence if family else known.licence if known else UNKNOWN
    openness = family.openness if family else known.openness if known else UNKNOWN
    reasoning = "thinking" in model.capabilities or bool(family and family.reasoning)
    architecture = family.architecture if family and family.architecture else "dense"
    active = Range.exact(total)
    estimate = False
    if model.experts is not None:
        # k experts of n per token: at least k/n of the weights; shared layers (attention,
        # embeddings) add more, up to about 3k/n for the models we know (gpt-oss, Mixtral, Qwen3).
        count, used = model.experts
        architecture = "moe"
        active = Range(total * used / count, min(total, total * 3 * used / count))
        estimate = True
    elif architecture == "moe":
        active = Range(total * 0.1, total * 0.3)  # no expert counts: the range of known MoE models
        estimate = True
    family_name = family.family if family else known.family if known else (model.family or base_name(model.name))
    quantization = model.quantization or UNKNOWN
    known_family = family is not None or known is not None
    name = model.name.removesuffix(":latest")
    return ModelCard(
        id=name,
        name=name,
        organisation=organisation,
        route=f"ollama_chat/{model.name}",
        params_total=Range.exact(total),
        params_active=active,
        architecture=architecture,
        licence=licence,
        openness=openness,
        description=_description(total, quantization, known_family, "fr"),
        description_en=_description(total, quantization, known_family, "en"),
        estimate=estimate,
        quantization=quantization,
        reasoning=reasoning,
        family=family_name,
        api_base=api_base,
        source=DISCOVERED,
    )


def merge_discovered(
    catalog: Catalog, models: list[OllamaModel], url: str | None = None, families: list[Family] | None = None
) -> list[ModelCard]:
    """Add a card for each model the catalog lacks (by ollama model, whatever the card's id);
    returns the cards added. `url`: the ollama they were found on (kept when not the default)."""
    families = load_families() if families is None else families
    api_base = url if url and url.rstrip("/") != ollama_url() else None
    present = {
        _normalized(ollama_model_name(c.route))
        for c in catalog.models.values()
        if is_ollama_route(c.route) and (c.api_base or None) in (None, api_base)
    }
    added = []
    for model in models:
        if _normalized(model.name) in present:
            continue
        card = card_for(model, families, catalog, api_base)
        if card is None:
            continue
        if card.id in catalog.models:  # the id is another model's: keep both
            card = replace(card, id=f"ollama-{card.id}")
        catalog.models[card.id] = card
        present.add(_normalized(model.name))
        added.append(card)
    return added


async def probe(url: str | None = None, timeout_s: float = PROBE_TIMEOUT_S) -> list[OllamaModel]:
    """The models of the ollama at `url` (default: OLLAMA_HOST); [] when it does not answer."""
    async with httpx.AsyncClient(timeout=timeout_s, trust_env=False) as client:
        endpoint = await probe_ollama(client, (url or ollama_url()).rstrip("/"))
    return endpoint.models if endpoint.reachable else []


def discover_into(catalog: Catalog, url: str | None = None, timeout_s: float = PROBE_TIMEOUT_S) -> list[ModelCard]:
    """Probe ollama and merge its models into `catalog` (blocking; call it outside an event
    loop). Nothing happens when ollama does not answer."""
    models = asyncio.run(probe(url, timeout_s))
    return merge_discovered(catalog, models, url) if models else []
