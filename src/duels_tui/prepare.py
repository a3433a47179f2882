"""The night before the workshop: every model of a programme reached, fetched, loaded and timed.

For each model, in the programme's order:
- embedded (the local llama.cpp engine): installed and started; its start is its load time.
- ollama: the server answers; a model it lacks is pulled when the facilitator agrees (`pull`);
  then it is loaded into memory (engine/loading.py), which is timed.
- a key (a cloud API, or any server the card names a key for): the key is set, then a tiny
  request checks that it is accepted.
- a server of its own (`api_base`: LM Studio, vLLM, llama.cpp): it answers.
Every model that can answer is then asked a short question: its time to first token and its
tokens per second on this machine. Each duel's pair is checked against the free memory (one
after the other when it does not fit). With `record_to`, the programme's answers are recorded
into a pack (packs/record.py), which can stand in for the models that cannot answer tomorrow.

`Preparation.ready`: the workshop would run, every duel live or from the pack.
"""

from __future__ import annotations

import asyncio
import os
import shlex
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from duels_tui.availability import TEXTS as availability_texts
from duels_tui.availability import Availability, check
from duels_tui.catalog import Catalog, ModelCard
from duels_tui.config.engine_settings import EngineSettings
from duels_tui.config.programme import Programme
from duels_tui.endpoints import api_base_for, is_ollama_route, ollama_model_name
from duels_tui.engine.events import AnswerRequest, Message
from duels_tui.lang import Texts
from duels_tui.numbers import count, duration

Say = Callable[[str], None]
AskPull = Callable[[str], bool]  # (ollama's model name) -> whether to pull it now
OnPullProgress = Callable[[str, int, int], None]  # (name, bytes received, bytes in all)

QUESTION = "Bonjour ! Présente en une phrase ce que tu sais faire."
MAX_TOKENS = 48  # enough for a rate, little enough to be quick on a 70B model
KEY_MAX_TOKENS = 8  # a key's check: as cheap as a request can be
LOAD_TICK_S = 15.0  # how often a long load says that it goes on
T = TypeVar("T")

TEXTS = Texts(
    "prepare",
    {
        "pull_declined": ("absent d'ollama, non téléchargé", "not in ollama, not downloaded"),
        "pull_declined.hint": (
            "« duels prepare --yes » le télécharge, ou « ollama pull {name} »",
            "“duels prepare --yes” downloads it, or “ollama pull {name}”",
        ),
        "pull_failed": ("téléchargement impossible : {error}", "download failed: {error}"),
        "pull_failed.hint": (
            "vérifiez la connexion à internet et le nom du modèle, puis recommencez",
            "check the Internet connection and the model's name, then try again",
        ),
        "load_failed": ("chargement en mémoire impossible : {error}", "loading into memory failed: {error}"),
        "answer_failed": ("ne répond pas : {error}", "does not answer: {error}"),
    },
)


@dataclass
class ModelCheck:
    model_id: str
    name: str
    kind: str  # "embedded" | "ollama" | "key" | "server" | "none"
    ok: bool = False
    problem: str = ""  # French: what is wrong (empty when ok)
    hint: str = ""  # French: what to do
    pulled: bool = False  # fetched into ollama by this preparation
    in_memory: bool = False  # ollama held it in memory already (its /api/ps)
    load_s: float | None = None
    ttft_s: float | None = None
    tokens_per_s: float | None = None

    def fail(self, problem: str, hint: str | None = "") -> ModelCheck:
        self.ok, self.problem, self.hint = False, problem, hint or ""
        return self


@dataclass
class DuelCheck:
    title: str
    model_ids: tuple[str, str]
    live: bool  # both models answered tonight
    recorded: bool = False  # both answers are in the pack, without failure
    one_after_other: bool = False  # the two models do not fit in memory together
    need_gb: float | None = None
    free_gb: float | None = None

    @property
    def ready(self) -> bool:
        return self.live or self.recorded


@dataclass
class Preparation:
    programme: Programme
    models: list[ModelCheck]
    duels: list[DuelCheck]
    pack: Path | None = None
    pack_failures: list[str] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return all(d.ready for d in self.duels)

    def to_json(self) -> dict[str, Any]:
        return {
            "programme": {"key": self.programme.key, "name": self.programme.name},
            "ready": self.ready,
            "models": [asdict(m) for m in self.models],
            "duels": [{**asdict(d), "model_ids": list(d.model_ids), "ready": d.ready} for d in self.duels],
            "pack": None if self.pack is None else {"path": str(self.pack), "failures": self.pack_failures},
        }


def kind_of(card: ModelCard) -> str:
    if card.local_model:
        return "embedded"
    if is_ollama_route(card.route):
        return "ollama"
    if card.api_key_env:
        return "key"
    return "server" if card.api_base else "none"


async def prepare(
    programme: Programme,
    catalog: Catalog,
    settings: EngineSettings,
    *,
    ask_pull: AskPull,
    on_pull_progress: OnPullProgress = lambda *_: None,
    say: Say = lambda _: None,
    started_s: dict[str, float] | None = None,
    record_to: Path | None = None,
) -> Preparation:
    """Check, fetch, load and time each model of `programme`; `started_s` gives the embedded
    engine's start time per bundled model (its load); `record_to` records a pack there."""
    availability = await check(catalog)
    models: dict[str, ModelCheck] = {}
    for model_id in dict.fromkeys(m for d in programme.duels for m in d.model_ids):
        card = catalog.get(model_id)
        assert card is not None  # the programme was loaded against this catalog
        say(f"{card.name}…")
        checked = await _check_model(card, availability, settings, ask_pull, on_pull_progress, started_s or {}, say)
        if checked.ok:
            say("  une courte question pour le chronométrer…")
            await _time_answer(card, checked, settings)
        models[model_id] = checked
    if any(m.pulled for m in models.values()):
        availability = await check(catalog)  # the sizes of what was just pulled, for the memory
    duels = _duels(programme, catalog, availability, settings, models)
    preparation = Preparation(programme, list(models.values()), duels)
    if record_to is not None:
        await _record(preparation, catalog, settings, record_to, say)
    return preparation


async def _check_model(
    card: ModelCard,
    availability: Availability,
    settings: EngineSettings,
    ask_pull: AskPull,
    on_pull_progress: OnPullProgress,
    started_s: dict[str, float],
    say: Say,
) -> ModelCheck:
    checked = ModelCheck(card.id, card.name, kind_of(card))
    status = availability.models[card.id]
    reason, hint = status.text()
    if checked.kind == "ollama" and status.key == "ollama.missing":
        name = ollama_model_name(card.route)
        if not ask_pull(name):
            return checked.fail(TEXTS("pull_declined"), TEXTS("pull_declined.hint", name=name))
        say(f"  téléchargement de {name} par ollama…")
        if (error := await _pull(card, on_pull_progress)) is not None:
            return checked.fail(TEXTS("pull_failed", error=error), TEXTS("pull_failed.hint"))
        checked.pulled = True
    elif checked.kind == "key" and not os.environ.get(card.api_key_env or ""):
        return checked.fail(*availability_texts.with_hint("key.missing", env=card.api_key_env))
    elif not status.runnable:
        return checked.fail(reason, hint)
    checked.ok = True
    if checked.kind == "embedded":
        checked.load_s = started_s.get(card.local_model or "")
    elif checked.kind == "ollama":
        from duels_tui.engine.loading import load
        from duels_tui.memory import ollama_listing

        listed = ollama_listing(card, availability)
        checked.in_memory = bool(listed and listed.loaded_bytes)
        base = api_base_for(card.route, card.api_base)
        say("  chargement en mémoire…")
        loading = load(card.route, base, timeout_s=settings.load_timeout_s, keep_alive=settings.keep_alive)
        outcome = await _saying_the_wait(loading, say)
        if outcome.error is not None:
            return checked.fail(TEXTS("load_failed", error=outcome.error.message), outcome.error.hint)
        checked.load_s = outcome.seconds
    return checked


async def _saying_the_wait(work: Awaitable[T], say: Say) -> T:
    """`work`'s result; while it runs, a line every LOAD_TICK_S says for how long (a 70B model read
    from a laptop's disk loads for minutes: silence would look like a hang)."""
    task = asyncio.ensure_future(work)
    began = time.monotonic()
    while not (await asyncio.wait({task}, timeout=LOAD_TICK_S))[0]:
        say(f"  toujours en chargement… {duration(int(time.monotonic() - began))}")
    return task.result()


async def _pull(card: ModelCard, on_progress: OnPullProgress) -> str | None:
    from duels_tui.engine.pulling import pull

    name = ollama_model_name(card.route)
    outcome = await pull(card.route, card.api_base, lambda done, total, _status: on_progress(name, done, total))
    return None if outcome.ok else outcome.error


async def _time_answer(card: ModelCard, checked: ModelCheck, settings: EngineSettings) -> None:
    """A short question: the model answers (and a key is accepted), and how fast."""
    from duels_tui.engine.routing import RoutedSource
    from duels_tui.engine.source import collect

    request = AnswerRequest(
        route=card.route,
        messages=(Message("user", QUESTION),),
        api_base=api_base_for(card.route, card.api_base),
        api_key_env=card.api_key_env,
        max_tokens=KEY_MAX_TOKENS if checked.kind == "key" else MAX_TOKENS,
        think=card.reasoning and is_ollama_route(card.route),
        **settings.request_settings(),
    )
    answer = await collect(RoutedSource(), request)
    if answer.error is not None:
        checked.fail(TEXTS("answer_failed", error=answer.error.message), answer.error.hint)
    elif answer.done is not None:
        checked.ttft_s, checked.tokens_per_s = answer.done.ttft_s, answer.done.tokens_per_s


def _duels(
    programme: Programme,
    catalog: Catalog,
    availability: Availability,
    settings: EngineSettings,
    models: dict[str, ModelCheck],
) -> list[DuelCheck]:
    from duels_tui.memory import GB, available_bytes, pair_fit

    free = available_bytes()
    duels = []
    for spec in programme.duels:
        a, b = (catalog.models[m] for m in spec.model_ids)
        fit = pair_fit(a, b, availability, free=free, reserve_gb=settings.memory_reserve_gb,
                       overhead=settings.memory_overhead)
        need = sum(n for n in fit.needs if n) / GB if any(fit.needs) else None
        duels.append(
            DuelCheck(
                spec.title,
                spec.model_ids,
                live=all(models[m].ok for m in spec.model_ids),
                one_after_other=fit.one_after_other,
                need_gb=need,
                free_gb=None if fit.free is None else max(0.0, fit.free / GB),
            )
        )
    return duels


async def _record(preparation: Preparation, catalog: Catalog, settings: EngineSettings, path: Path, say: Say) -> None:
    from duels_tui.engine.loading import Loader, LoadingSource
    from duels_tui.engine.routing import RoutedSource
    from duels_tui.packs.format import save_pack
    from duels_tui.packs.record import record_programme

    say(f"Enregistrement des réponses dans {path}…")
    loader = Loader(timeout_s=settings.load_timeout_s, keep_alive=settings.keep_alive)
    recording = await record_programme(
        preparation.programme,
        catalog,
        LoadingSource(RoutedSource(), loader),
        progress=say,
        request_settings=settings.request_settings(),
    )
    save_pack(recording.document, path)
    preparation.pack = path
    failed = {f.duel for f in recording.failures}
    preparation.pack_failures = [f"{f.duel}, {f.side} ({f.model_id}) : {f.message}" for f in recording.failures]
    for duel in preparation.duels:
        duel.recorded = duel.title not in failed


def _seconds(value: float | None) -> str:
    return "?" if value is None else duration(value)


def _line(checked: ModelCheck) -> str:
    """One model's line of the checklist (French)."""
    kinds = {"embedded": "embarqué", "ollama": "ollama", "key": "avec clé", "server": "serveur", "none": "?"}
    head = f"{checked.name} ({kinds[checked.kind]}{', téléchargé' if checked.pulled else ''})"
    if not checked.ok:
        return f"✗ {head} : {checked.problem}" + (f" → {checked.hint}" if checked.hint else "")
    figures = []
    if checked.in_memory:
        figures.append("déjà en mémoire")
    elif checked.load_s is not None:
        figures.append(f"chargé en {_seconds(checked.load_s)}")
    if checked.ttft_s is not None:
        figures.append(f"premier jeton en {_seconds(checked.ttft_s)}")
    if checked.tokens_per_s:
        figures.append(f"{checked.tokens_per_s:.0f} jetons/s")
    return f"✓ {head}" + (" : " + " · ".join(figures) if figures else "")


def _programme_argument(programme: Programme) -> str:
    """How `duels -p` names it: its key when it is an installed programme, else its file."""
    from duels_tui.config.programme import available_programmes

    if available_programmes().get(programme.key) == programme.path:
        return programme.key
    return shlex.quote(str(programme.path))


def checklist(preparation: Preparation) -> list[str]:
    """The checklist, French, line by line: models, duels, verdict and what to run tomorrow."""
    from duels_tui.numbers import number

    p = preparation
    sizes = f"{count(len(p.duels), 'duel')}, {count(len(p.models), 'model')}"
    lines = [f"Préparation de « {p.programme.name} » : {sizes}", "", "Modèles"]
    lines += [f"  {_line(m)}" for m in p.models]
    lines += ["", "Duels"]
    names = {m.model_id: m.name for m in p.models}
    for d in p.duels:
        pair = " contre ".join(names[m] for m in d.model_ids)
        if d.live:
            state = "prêt"
        elif d.recorded:
            state = f"rejoué depuis le pack {p.pack}"
        else:
            state = "ne peut pas être joué"
        mark = "✓" if d.ready else "✗"
        line = f"  {mark} {d.title} : {pair} — {state}"
        if d.live and d.one_after_other and d.need_gb is not None:
            line += (
                f" ; ⚠ l'un après l'autre : ensemble {number(d.need_gb)} Go de mémoire, "
                f"{number(d.free_gb or 0)} Go libres"
            )
        lines.append(line)
    if p.pack_failures:
        lines += ["", f"Réponses en échec dans le pack {p.pack} :"] + [f"  {f}" for f in p.pack_failures]
    lines.append("")
    if p.ready:
        live = all(d.live for d in p.duels)
        if live or p.pack is None:
            lines.append(f"Prêt pour l'atelier : duels -p {_programme_argument(p.programme)}")
        else:
            lines.append(f"Prêt pour l'atelier, sans réseau : duels --pack {p.pack}")
        if any(m.kind == "key" for m in p.models) and live:
            lines.append("  Les modèles avec clé passent par internet : sans réseau demain, enregistrez un pack "
                         "(duels prepare --record PACK).")
    else:
        todo = count(sum(1 for m in p.models if not m.ok), "model")
        lines.append(f"Pas prêt : {todo} à régler (✗ ci-dessus), ou enregistrez un pack (--record) là où tout répond.")
    return lines

