"""A three-duel programme proposed from the models at hand, in compar:IA's spirit:

1. the largest against the smallest (size is not everything),
2. one family at two sizes (distillation: the small one learnt from the big one),
3. a reasoning model against one that answers at once, of similar size,

each rule only where the models allow it; the rest is filled with the most contrasted pairs
left. Written as a programme TOML file that `load_programme` reads.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import date

from duels_tui.arena.cards import params_text
from duels_tui.catalog import ModelCard

PROMPTS = ("resume-atelier.md", "data-centers-enfant.md", "enseigner-impact.md")
DUELS = 3


class ProposalError(ValueError):
    """Not enough models for a duel; the message is French."""


@dataclass(frozen=True)
class ProposedDuel:
    title: str
    models: tuple[str, str]
    why: str  # French, for the comment above the duel
    reasoning: bool  # one of the two reasons before answering: give it more tokens


def _size(card: ModelCard) -> float:
    return card.params_total.mid


def _contrast(a: ModelCard, b: ModelCard) -> float:
    return abs(math.log(_size(a) / _size(b)))


def _pair(a: ModelCard, b: ModelCard) -> frozenset[str]:
    return frozenset((a.id, b.id))


def _who(card: ModelCard) -> str:
    return f"{card.name} ({params_text(card)})"


def propose(cards: list[ModelCard]) -> list[ProposedDuel]:
    """Three duels among `cards` (at least two different models)."""
    cards = sorted({c.id: c for c in cards}.values(), key=lambda c: (_size(c), c.id))
    if len(cards) < 2:
        from duels_tui.install import install_hint

        raise ProposalError(
            "il faut au moins deux modèles installés pour un duel (`ollama pull gemma3:1b`, "
            f"ou le moteur local : {install_hint()})"
        )
    used: set[frozenset[str]] = set()
    duels: list[ProposedDuel] = []

    def add(title: str, a: ModelCard, b: ModelCard, why: str) -> None:
        used.add(_pair(a, b))
        duels.append(ProposedDuel(title, (a.id, b.id), why, a.reasoning or b.reasoning))

    largest, smallest = cards[-1], cards[0]
    add(
        "le plus grand contre le plus petit",
        largest,
        smallest,
        f"Le plus grand contre le plus petit : {_who(largest)} contre {_who(smallest)}.",
    )

    families: dict[str, list[ModelCard]] = {}
    for card in cards:
        if card.family and card.family != "inconnue":
            families.setdefault(card.family, []).append(card)
    same_family = [
        (a, b)
        for members in families.values()
        for i, a in enumerate(members)
        for b in members[i + 1 :]
        if _size(a) != _size(b)
    ]
    if same_family:
        fresh = [p for p in same_family if _pair(*p) not in used] or same_family
        small, big = max(fresh, key=lambda p: (_contrast(*p), p[1].id))
        add(
            f"même famille, deux tailles ({big.family})",
            big,
            small,
            f"Même famille à deux tailles (distillation) : {_who(big)} contre {_who(small)}.",
        )

    thinkers = [c for c in cards if c.reasoning]
    direct = [c for c in cards if not c.reasoning]
    if thinkers and direct:
        pairs = [(r, d) for r in thinkers for d in direct]
        fresh = [p for p in pairs if _pair(*p) not in used] or pairs
        thinker, other = min(fresh, key=lambda p: (_contrast(*p), p[0].id, p[1].id))
        add(
            "raisonnement contre réponse directe",
            thinker,
            other,
            f"Un modèle de raisonnement contre un modèle qui répond directement, de taille voisine : "
            f"{_who(thinker)} contre {_who(other)}.",
        )

    # The most contrasted pairs left; with too few models, the same pair on another prompt.
    others = sorted(
        ((a, b) for i, a in enumerate(cards) for b in cards[i + 1 :] if _pair(a, b) not in used),
        key=lambda p: (-_contrast(*p), p[0].id, p[1].id),
    )
    for small, big in others:
        if len(duels) >= DUELS:
            break
        add("un duel de plus", big, small, f"Deux tailles différentes : {_who(big)} contre {_who(small)}.")
    distinct = len(duels)
    while len(duels) < DUELS:
        first = duels[(len(duels) - distinct) % distinct]
        a, b = (next(c for c in cards if c.id == m) for m in first.models)
        add(first.title + ", autre question", a, b, "Peu de modèles installés : le même duel sur une autre question.")
    return duels[:DUELS]


def _toml_str(value: str) -> str:
    # JSON strings are TOML basic strings (same escapes) once kept on one line.
    return json.dumps(value, ensure_ascii=False)


def to_toml(duels: list[ProposedDuel], *, found: str, today: date | None = None) -> str:
    """The programme file; `found` says in French where the models were found (for its header)."""
    today = today or date.today()
    lines = [
        f"# Programme proposé par « duels programme --auto » le {today.isoformat()}, d'après {found}.",
        "# Modifiez-le à votre guise : les modèles sont ceux de « duels models », les prompts ceux de prompts/.",
        f"name = {_toml_str('Modèles installés')}",
        f"description = {_toml_str('Trois duels proposés à partir des modèles installés sur cet ordinateur.')}",
        "",
        "[defaults]",
        "max_tokens = 800",
        "temperature = 0.7",
    ]
    for i, duel in enumerate(duels):
        lines += [
            "",
            "[[duels]]",
            f"# {duel.why}",
            f"title = {_toml_str(f'Duel #{i + 1} : {duel.title}')}",
            f"models = [{', '.join(_toml_str(m) for m in duel.models)}]",
            f"prompt = {_toml_str(PROMPTS[i % len(PROMPTS)])}",
        ]
        if duel.reasoning:
            lines.append("max_tokens = 2000  # un modèle de raisonnement écrit d'abord sa réflexion")
    return "\n".join(lines) + "\n"
