"""A small catalog, programme and scripted answers for tests and demos (UI snapshots too).

Independent of the shipped config files, so a test does not break when the catalog changes.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from duels_tui.catalog import Catalog, ModelCard, SizeScale
from duels_tui.config.programme import DuelSpec, Programme
from duels_tui.engine.events import Done, ReasoningDelta, StreamEvent, TextDelta, Usage
from duels_tui.ranges import Range

if TYPE_CHECKING:
    from duels_tui.arena.workshop import Workshop
    from duels_tui.engine.events import AnswerRequest
    from duels_tui.store.db import Store

SLIDES_SCALE = SizeScale("diapositives de l'atelier", (7, 20, 70, 150), ("XS", "S", "M", "L", "XL"))


def _card(
    model_id: str,
    name: str,
    organisation: str,
    route: str,
    total: Range,
    active: Range,
    architecture: str,
    **extra: object,
) -> ModelCard:
    return ModelCard(
        id=model_id,
        name=name,
        organisation=organisation,
        route=route,
        params_total=total,
        params_active=active,
        architecture=architecture,
        licence=str(extra.pop("licence", "Apache 2.0")),
        openness=str(extra.pop("openness", "open source")),
        description=f"{name}, modèle de démonstration.",
        description_en=f"{name}, a demonstration model.",
        **extra,  # type: ignore[arg-type]
    )


def demo_catalog() -> Catalog:
    cards = [
        _card(
            "claude-3.5-sonnet",
            "Claude 3.5 Sonnet",
            "Anthropic",
            "anthropic/claude-3-5-sonnet-20241022",
            Range(300, 440),
            Range(137.5, 300),
            "inconnue",
            estimate=True,
            licence="propriétaire",
            openness="propriétaire",
            family="claude",
            api_key_env="ANTHROPIC_API_KEY",
        ),
        _card(
            "mistral-small-3",
            "Mistral Small 3",
            "Mistral AI",
            "mistral/mistral-small-latest",
            Range.exact(24),
            Range.exact(24),
            "dense",
            family="mistral-small",
            quantization="bf16",
            api_key_env="MISTRAL_API_KEY",
        ),
        _card(
            "llama-3.3-70b",
            "Llama 3.3 70B",
            "Meta",
            "ollama_chat/llama3.3:70b",
            Range.exact(70),
            Range.exact(70),
            "dense",
            family="llama3",
            quantization="Q4_K_M",
            licence="Llama 3.3 Community",
            openness="semi-ouvert",
        ),
        _card(
            "gemma-3-4b",
            "Gemma 3 4B",
            "Google",
            "ollama_chat/gemma3:4b",
            Range.exact(4),
            Range.exact(4),
            "dense",
            family="gemma3",
            quantization="Q4_K_M",
            licence="Gemma",
            openness="semi-ouvert",
        ),
        _card(
            "qwq-32b",
            "QwQ-32B",
            "Alibaba",
            "ollama_chat/qwq:32b",
            Range.exact(32),
            Range.exact(32),
            "dense",
            family="qwen",
            reasoning=True,
            quantization="Q4_K_M",
        ),
        _card(
            "deepseek-r1",
            "DeepSeek R1",
            "DeepSeek",
            "deepseek/deepseek-reasoner",
            Range.exact(671),
            Range.exact(37),
            "moe",
            family="deepseek",
            reasoning=True,
            licence="MIT",
            api_key_env="DEEPSEEK_API_KEY",
        ),
    ]
    return Catalog(SLIDES_SCALE, {card.id: card for card in cards})


DEMO_PROMPTS = (
    "Résume en une phrase ce qu'est un atelier sur l'IA.",
    "Explique à un enfant de 10 ans ce qu'est un centre de données.",
    "Comment enseigner l'impact environnemental du numérique ?",
)


def demo_programme(n: int = 3, *, system_prompt: str | None = None) -> Programme:
    """The classic pairs (big vs medium, big vs small, two reasoning models), `n` duels."""
    pairs = (
        ("claude-3.5-sonnet", "mistral-small-3"),
        ("llama-3.3-70b", "gemma-3-4b"),
        ("qwq-32b", "deepseek-r1"),
    )
    duels = tuple(
        DuelSpec(
            title=f"Duel #{i + 1}",
            model_ids=pairs[i % 3],
            prompt=DEMO_PROMPTS[i % 3],
            system_prompt=system_prompt,
            max_tokens=400,
            temperature=0.7,
        )
        for i in range(n)
    )
    return Programme("demo", "Démonstration", "Trois duels de démonstration.", duels, Path("demo.toml"))


def answer_events(
    text: str,
    *,
    reasoning: str = "",
    pieces: int = 5,
    tokens: int | None = None,
    source: str = "server",
    generation_s: float = 2.0,
) -> list[StreamEvent]:
    """A whole answer as an engine would stream it: reasoning deltas, text deltas, usage, done."""

    def split(s: str) -> list[str]:
        if not s:
            return []
        size = max(1, -(-len(s) // pieces))
        return [s[i : i + size] for i in range(0, len(s), size)]

    events: list[StreamEvent] = [ReasoningDelta(p) for p in split(reasoning)]
    events += [TextDelta(p) for p in split(text)]
    count = tokens if tokens is not None else max(1, (len(text) + len(reasoning)) // 4)
    events.append(Usage(prompt_tokens=20, completion_tokens=count, source=source))  # type: ignore[arg-type]
    events.append(
        Done(
            ttft_s=0.2,
            generation_s=generation_s,
            total_s=generation_s + 0.2,
            tokens_per_s=count / generation_s,
            finish_reason="stop",
        )
    )
    return events


def stream_turn(
    workshop: Workshop,
    i: int,
    texts: dict[str, str] | None = None,
    follow_up: str | None = None,
) -> dict[str, AnswerRequest]:
    """Send a turn of duel i and stream a whole scripted answer on each side (no engine)."""
    texts = texts or {"A": "Réponse du modèle A.", "B": "Réponse du modèle B, plus longue."}
    requests = workshop.begin_turn(i, follow_up)
    for side, text in texts.items():
        for event in answer_events(text):
            workshop.apply(i, side, event)
    return requests


def pooled_workshops(
    store: Store,
    catalog: Catalog,
    *,
    sessions: int,
    duels: int = 3,
    hands: int = 30,
    seed: int = 0,
    places: tuple[str, ...] = ("Lycée Hugo, Lyon", "Médiathèque de Brest", "Collège Jaurès, Lille"),
) -> dict[str, float]:
    """`sessions` finished workshops in `store`, each of `duels` duels between models of
    `catalog` drawn at random, every duel voted by `hands` hands drawn from hidden strengths
    (Bradley-Terry, about one hand in seven a tie or « aucun »). Returns the strengths (natural
    log) the votes were drawn from. For the pooled ranking's tests and bench."""
    import math
    import random

    from duels_tui.arena.votes import VoteCounts
    from duels_tui.arena.workshop import Workshop

    rng = random.Random(seed)
    ids = sorted(catalog.models)
    strengths = {m: rng.gauss(0, 0.7) for m in ids}
    for number in range(sessions):
        specs = tuple(
            DuelSpec(title=f"Duel #{i + 1}", model_ids=tuple(rng.sample(ids, 2)),  # type: ignore[arg-type]
                     prompt=DEMO_PROMPTS[i % 3], system_prompt=None, max_tokens=400, temperature=0.7)
            for i in range(duels)
        )
        programme = Programme("melange", "Mélange", "Des paires tirées au sort.", specs, Path("melange.toml"))
        workshop = Workshop.start(programme, catalog, store, place=places[number % len(places)], rng=rng)
        workshop.advance()
        for i, duel in enumerate(workshop.duels):
            a, b = duel.sides["A"], duel.sides["B"]
            texts = {"A": "Une réponse. " * rng.randint(3, 12), "B": "Une autre. " * rng.randint(3, 12)}
            stream_turn(workshop, i, texts)
            p_a = 1 / (1 + math.exp(strengths[b] - strengths[a]))
            counts = [0, 0, 0, 0]
            for _ in range(hands):
                draw = rng.random()
                counts[2 if draw < 0.1 else 3 if draw < 0.14 else 0 if rng.random() < p_a else 1] += 1
            workshop.record_vote(i, VoteCounts(*counts))
            workshop.advance()  # the reveal
            workshop.advance()  # the next duel, or the final
        workshop.advance()  # done
    return strengths


def big_session(store: Store, catalog: Catalog, duels: int, *, voted: int | None = None, seed: int = 0) -> int:
    """A session of `duels` duels between models of `catalog`, the first `voted` of them (all
    but the last by default) answered, voted and revealed, and the next one current, at its
    prompt: the rows the workshop writes, written through the store in one transaction (a few
    seconds for thousands). Returns its session id. For lazy resume's tests and bench."""
    import random

    from duels_tui.arena.workshop import Workshop

    rng = random.Random(seed)
    voted = duels - 1 if voted is None else voted
    ids = sorted(catalog.models)
    specs = tuple(
        DuelSpec(title=f"Duel #{i + 1}", model_ids=tuple(rng.sample(ids, 2)),  # type: ignore[arg-type]
                 prompt=DEMO_PROMPTS[i % 3], system_prompt=None, max_tokens=400, temperature=0.7)
        for i in range(duels)
    )
    programme = Programme("grand", "Grand programme", f"{duels} duels.", specs, Path("grand.toml"))
    with store.transaction():
        workshop = Workshop.start(programme, catalog, store, rng=rng)
        for duel in workshop.duels[:voted]:
            turn_id, stamp = store.add_turn(duel.duel_id, 0, duel.prompt)
            for side, text in (("A", "Une réponse. " * rng.randint(3, 12)), ("B", "Une autre. " * 5)):
                answer_id = store.add_answer(turn_id, side, duel.sides[side], stamp)
                store.set_usage(answer_id, 20, len(text) // 4, None, "server")
                store.finish_answer(answer_id, status="done", text=text, reasoning="", names_itself=False,
                                    timings={"ttft_s": 0.2, "generation_s": 2.0, "total_s": 2.2,
                                             "tokens_per_s": len(text) / 8, "finish_reason": "stop"})
            store.save_vote(duel.duel_id, (rng.randint(0, 20), rng.randint(0, 20), 1, 0), False, {}, {})
            store.set_duel_step(duel.duel_id, "reveal")
        store.set_position(workshop.session_id, "prompt", min(voted, duels - 1))
    return workshop.session_id
