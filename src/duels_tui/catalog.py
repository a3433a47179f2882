"""The model catalog: what each model is, and what its impact figures rest on."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field, replace
from pathlib import Path

from duels_tui.bounds import PARAMS_B
from duels_tui.config.fields import TableReader, table, tables
from duels_tui.config.locate import search_dirs
from duels_tui.config.toml_file import read_toml
from duels_tui.ranges import Range

ARCHITECTURES = ("dense", "moe", "inconnue")
OPENNESS = ("open source", "semi-ouvert", "propriétaire")
_FIELDS = (
    "id",
    "name",
    "organisation",
    "route",
    "api_base",
    "api_key_env",
    "params_total",
    "params_active",
    "estimate",
    "architecture",
    "quantization",
    "licence",
    "openness",
    "release",
    "reasoning",
    "family",
    "description",
    "description_en",
    "profile",
    "local_model",
)


@dataclass(frozen=True)
class SizeScale:
    """Size classes by total parameters (billions): label i covers [bounds[i-1], bounds[i])."""

    name: str
    bounds: tuple[float, ...]
    labels: tuple[str, ...]

    def classify(self, params_total_b: float) -> str:
        return self.labels[bisect_right(self.bounds, params_total_b)]

    def classify_range(self, params: Range) -> str:
        low, high = self.classify(params.min), self.classify(params.max)
        return low if low == high else f"{low}-{high}"


@dataclass(frozen=True)
class ModelCard:
    id: str
    name: str
    organisation: str
    route: str
    params_total: Range
    params_active: Range
    architecture: str
    licence: str
    openness: str
    description: str
    estimate: bool = False
    quantization: str = "inconnue"
    release: str = ""
    reasoning: bool = False
    family: str = ""
    api_base: str | None = None
    api_key_env: str | None = None
    profile: str | None = None  # hardware profile name; None: decided by the route
    local_model: str | None = None  # a model the embedded llama.cpp engine serves (api_base set at start)
    source: str = ""  # the file this card came from, or "ollama" when discovered
    description_en: str | None = None  # the description in English; None: only the French one exists

    def description_in(self, lang: str) -> str:
        """The description in `lang`: in English, `description_en` when the catalog gives one,
        else the French `description`."""
        if lang == "en" and self.description_en:
            return self.description_en
        return self.description

    @property
    def is_moe(self) -> bool:
        return self.architecture == "moe"

    def impact_profile(self, hardware):  # an impact.hardware HardwareConfig -> HardwareProfile
        """The hardware profile this model's impact is computed on (see hardware.toml)."""
        return hardware.profile_for_route(self.route, self.api_base, override=self.profile,
                                          local=self.local_model is not None)

    @property
    def is_local(self) -> bool:
        """Served on this machine or the room's network: the embedded engine, or what
        hardware.toml calls local (ollama routes, servers on loopback)."""
        if self.local_model:
            return True
        from duels_tui.impact.local_routes import load_local_routes

        return load_local_routes().is_local_route(self.route, self.api_base)

    def trusted_hosts(self) -> tuple[str, ...]:
        """The hosts other than this machine that this model may be sent to when it is local
        (engine/streaming.py refuses any other): those the user named, that is OLLAMA_HOST's for
        an ollama route and the card's api_base unless it comes from the shipped catalog. None
        for an embedded model: its server is on this machine or nowhere."""
        from duels_tui import paths
        from duels_tui.endpoints import configured_ollama_host, host_of, is_ollama_route

        if self.local_model:
            return ()
        hosts = []
        if is_ollama_route(self.route) and (ollama := configured_ollama_host()):
            hosts.append(ollama)
        if self.api_base and not Path(self.source).is_relative_to(paths.shipped_config_dir()):
            hosts.append(host_of(self.api_base))
        return tuple(dict.fromkeys(hosts))


@dataclass
class Catalog:
    scale: SizeScale
    models: dict[str, ModelCard] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)

    def get(self, model_id: str) -> ModelCard | None:
        return self.models.get(model_id)

    def size_class(self, card: ModelCard) -> str:
        return self.scale.classify_range(card.params_total)

    def bind_local_servers(self, api_bases: dict[str, str]) -> None:
        """Point the cards served by the embedded engine at their servers' URLs."""
        for model_id, card in list(self.models.items()):
            if card.local_model in api_bases:
                self.models[model_id] = replace(card, api_base=api_bases[card.local_model])


def _read_scale(reader: TableReader) -> SizeScale:
    bounds = reader.data.get("bounds")
    labels = reader.data.get("labels")
    if not isinstance(bounds, list) or not all(
        isinstance(b, (int, float)) and not isinstance(b, bool) and PARAMS_B.problem(b) is None for b in bounds
    ):
        raise reader.error("bounds", f"liste de nombres de paramètres attendue ({PARAMS_B.text()})")
    if sorted(bounds) != bounds or len(set(bounds)) != len(bounds):
        raise reader.error("bounds", "les seuils doivent être strictement croissants")
    if not isinstance(labels, list) or not all(isinstance(x, str) and x for x in labels):
        raise reader.error("labels", "liste de noms de classes attendue")
    if len(labels) != len(bounds) + 1:
        raise reader.error("labels", f"il faut {len(bounds) + 1} classes pour {len(bounds)} seuils")
    return SizeScale(reader.str("name", "échelle"), tuple(float(b) for b in bounds), tuple(labels))


def _read_card(reader: TableReader, source: str) -> ModelCard:
    reader.unknown_keys(_FIELDS)
    total = reader.range("params_total", bounds=PARAMS_B)
    active = reader.range("params_active", total, bounds=PARAMS_B)
    if active.min > total.max:
        raise reader.error("params_active", "les paramètres actifs dépassent le total")
    architecture = reader.str("architecture", "dense", choices=ARCHITECTURES)
    route = reader.str("route")
    if "/" not in route:
        raise reader.error("route", f"route litellm attendue (fournisseur/modèle), trouvé {route!r}")
    return ModelCard(
        id=reader.str("id"),
        name=reader.str("name"),
        organisation=reader.str("organisation"),
        route=route,
        api_base=reader.str("api_base", None),
        api_key_env=reader.str("api_key_env", None),
        params_total=total,
        params_active=active,
        estimate=reader.bool("estimate", not total.is_exact),
        architecture=architecture,
        quantization=reader.str("quantization", "inconnue"),
        licence=reader.str("licence"),
        openness=reader.str("openness", choices=OPENNESS),
        release=reader.str("release", ""),
        reasoning=reader.bool("reasoning", False),
        family=reader.str("family", ""),
        description=reader.str("description"),
        description_en=reader.str("description_en", None),
        profile=_read_profile(reader),
        local_model=reader.str("local_model", None),
        source=source,
    )


def _read_profile(reader: TableReader) -> str | None:
    """A hardware profile of hardware.toml, checked now rather than at the first reveal."""
    name = reader.str("profile", None)
    if name is not None:
        from duels_tui.impact.hardware import load_hardware

        known = load_hardware().profiles
        if name not in known:
            raise reader.error("profile", f"profil matériel inconnu {name!r} ; profils de hardware.toml : "
                               f"{', '.join(sorted(known))}")
    return name


def load_catalog() -> Catalog:
    """The shipped catalog, then the user's and `--config`'s, each overriding cards by id."""
    catalog: Catalog | None = None
    for directory in reversed(search_dirs()):
        path = directory / "catalog.toml"
        if not path.is_file():
            continue
        doc = read_toml(path)
        scale_reader = table(doc, "size_scale", required=catalog is None)
        scale = _read_scale(scale_reader) if scale_reader else catalog.scale  # type: ignore[union-attr]
        if catalog is None:
            catalog = Catalog(scale)
        catalog.scale = scale
        catalog.files.append(path)
        seen: set[str] = set()
        for reader in tables(doc, "models"):
            card = _read_card(reader, str(path))
            if card.id in seen:
                raise reader.error("id", f"identifiant {card.id!r} déjà utilisé dans ce fichier")
            seen.add(card.id)
            catalog.models[card.id] = card
    if catalog is None:
        from duels_tui.config.errors import ConfigError

        raise ConfigError("catalog.toml", "aucun catalogue trouvé")
    from duels_tui.log import also_secret

    also_secret({c.api_key_env for c in catalog.models.values() if c.api_key_env})  # their values: never in the log
    return catalog
