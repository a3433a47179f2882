"""Programmes: an ordered list of duels, each two catalog models and a prompt."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Protocol

from duels_tui.config.errors import ConfigError
from duels_tui.config.fields import TableReader, table, tables
from duels_tui.config.locate import config_files, prompt_file
from duels_tui.config.toml_file import read_toml

_DUEL_FIELDS = ("title", "models", "prompt", "prompt_text", "system_prompt", "max_tokens", "temperature")
_TOP_FIELDS = ("name", "description", "blind", "defaults", "duels")


class KnownModels(Protocol):
    """What a programme's models are checked against: `catalog.Catalog` is one. config/ sits
    below the catalog (which reads its files through config/), so it names only what it asks."""

    def get(self, model_id: str) -> object | None: ...


@dataclass(frozen=True)
class DuelSpec:
    title: str
    model_ids: tuple[str, str]
    prompt: str
    system_prompt: str | None
    max_tokens: int | None
    temperature: float | None


@dataclass(frozen=True)
class Programme:
    key: str  # file stem, how the CLI names it
    name: str
    description: str
    duels: tuple[DuelSpec, ...]
    path: Path
    # Which file this is, whatever form the argument took (see `file_ref`); "" when it is no
    # file of the user's (a recorded pack's programme).
    ref: str = ""
    # No model named anywhere before its duel's reveal (the room is kept blind).
    blind: bool = False


def file_ref(path: Path) -> str:
    """A programme file's identity for resuming its session: the same for `classique`,
    `config/programmes/classique.toml` and its absolute path. A digest of the resolved path, not
    the path itself: nothing stored names a file (store/schema.py)."""
    return hashlib.sha256(str(path.resolve()).encode("utf-8", "surrogateescape")).hexdigest()[:20]


def _settings(reader: TableReader, fallback: dict) -> dict:
    return {
        "system_prompt": reader.str("system_prompt", fallback.get("system_prompt")),
        "max_tokens": reader.number(
            "max_tokens", fallback.get("max_tokens"), integer=True, positive=True, maximum=1_000_000
        ),
        "temperature": reader.number("temperature", fallback.get("temperature"), minimum=0, maximum=2),
    }


def _read_prompt(reader: TableReader, path: Path) -> str:
    inline = reader.str("prompt_text", None)
    name = reader.str("prompt", None)
    if (inline is None) == (name is None):
        raise reader.error("prompt", "indiquez soit « prompt » (un fichier de prompts/), soit « prompt_text »")
    if inline is not None:
        return inline.strip()
    if PurePath(name).is_absolute() or ".." in PurePath(name).parts:
        raise reader.error("prompt", f"{name!r} : un nom de fichier de prompts/ (ou du dossier du programme) est "
                                     "attendu, sans « .. » ni chemin absolu")
    found = prompt_file(name, path)
    if found is None:
        raise reader.error("prompt", f"fichier de prompt {name!r} introuvable dans prompts/")
    try:
        text = found.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise reader.error("prompt", f"lecture de {found} impossible : {exc}") from None
    if not text:
        raise reader.error("prompt", f"le fichier de prompt {found} est vide")
    return text


def load_programme_file(path: Path, catalog: KnownModels) -> Programme:
    doc = read_toml(path)
    for key in doc.data:
        if key not in _TOP_FIELDS:
            raise doc.error(f"champ inconnu ; champs possibles : {', '.join(_TOP_FIELDS)}", key=key)
    top = TableReader(doc, doc.data, None, None)
    defaults_reader = table(doc, "defaults", required=False)
    defaults = _settings(defaults_reader, {}) if defaults_reader else {}
    duels = []
    readers = tables(doc, "duels")
    if not readers:
        raise doc.error("le programme ne contient aucun duel [[duels]]", key="duels")
    for reader in readers:
        reader.unknown_keys(_DUEL_FIELDS)
        models = reader.data.get("models")
        if not (isinstance(models, list) and len(models) == 2 and all(isinstance(m, str) for m in models)):
            raise reader.error(
                "models", 'deux identifiants de modèles attendus, par exemple ["gemma-3-4b", "mistral-small-3"]'
            )
        for model_id in models:
            if catalog.get(model_id) is None:
                raise reader.error("models", f"modèle inconnu {model_id!r} ; `duels models` liste le catalogue")
        if models[0] == models[1]:
            raise reader.error("models", "un duel oppose deux modèles différents")
        settings = _settings(reader, defaults)
        duels.append(
            DuelSpec(
                title=reader.str("title", f"Duel #{len(duels) + 1}"),
                model_ids=(models[0], models[1]),
                prompt=_read_prompt(reader, path),
                **settings,
            )
        )
    return Programme(
        key=path.stem,
        name=top.str("name", path.stem),
        description=top.str("description", ""),
        duels=tuple(duels),
        path=path,
        ref=file_ref(path),
        blind=top.bool("blind", False),

    )


def available_programmes() -> dict[str, Path]:
    return config_files("programmes")


def programme_file(name_or_path: str) -> Path:
    """The file a programme argument names: a path to a TOML file, or a name (a file stem among
    the programmes). ConfigError for an unknown name."""
    candidate = Path(name_or_path)
    if candidate.suffix == ".toml" or candidate.is_file():
        return candidate
    known = available_programmes()
    if name_or_path not in known:
        names = ", ".join(sorted(known)) or "aucun"
        raise ConfigError(name_or_path, f"programme inconnu ; programmes disponibles : {names}")
    return known[name_or_path]


def load_programme(name_or_path: str, catalog: KnownModels) -> Programme:
    """By name (a file stem among the programmes) or by path to a TOML file."""
    return load_programme_file(programme_file(name_or_path), catalog)
