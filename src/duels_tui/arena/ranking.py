"""A Bradley-Terry ranking over pooled workshops, as compar:IA ranks its models.

compar:IA (like LMSYS' arena) fits Bradley-Terry by maximum likelihood on its votes, a tie
counting half a win for each side (its A = 2, tie = 1, B = 0), and shows ratings on the Elo-like
scale: 1000 + 400 x log10(strength), with bootstrap confidence intervals. Here each raised hand
is one vote; « aucun des deux » counts as a tie, as in the export (docs/export.md).

Energy is not mixed into this score: it stays beside it, as on compar:IA.
The fit is Hunter's MM algorithm (pure Python: a few models, a few thousand hands). A small prior
(`prior` virtual ties against an average model) keeps a model that never won finite.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable
from dataclasses import dataclass

SCALE = 400.0
BASE = 10.0
INIT = 1000.0


@dataclass(frozen=True)
class Battle:
    """`hands` votes between two models: `wins_a` for A, `wins_b` for B, `ties` for neither."""

    model_a: str
    model_b: str
    wins_a: int = 0
    wins_b: int = 0
    ties: int = 0


@dataclass(frozen=True)
class Rating:
    model_id: str
    rating: float
    low: float | None  # bootstrap interval (2.5 % - 97.5 %), None without bootstrap
    high: float | None
    votes: int  # hands involving this model


def battles_from_export(rows: Iterable[dict]) -> list[Battle]:
    """Battles from `duels export` rows (room rows: their counts; ballot rows: one hand each)."""
    battles = []
    for row in rows:
        if row.get("row_kind") == "ballot":
            choice = row.get("ballot_choice")
            battles.append(
                Battle(
                    row["model_a_name"],
                    row["model_b_name"],
                    int(choice == "a"),
                    int(choice == "b"),
                    int(choice in ("tie", "none")),
                )
            )
        elif row.get("voted"):
            battles.append(
                Battle(
                    row["model_a_name"],
                    row["model_b_name"],
                    row["votes_a"],
                    row["votes_b"],
                    row["votes_tie"] + row["votes_none"],
                )
            )
    return battles


def _fit(battles: list[Battle], models: list[str], prior: float, iterations: int, tolerance: float) -> dict[str, float]:
    index = {m: k for k, m in enumerate(models)}
    n = len(models)
    wins = [prior / 2] * n  # the prior: `prior` ties against a virtual model of strength 1
    games: dict[tuple[int, int], float] = {}
    for b in battles:
        i, j = index[b.model_a], index[b.model_b]
        wins[i] += b.wins_a + b.ties / 2
        wins[j] += b.wins_b + b.ties / 2
        total = b.wins_a + b.wins_b + b.ties
        if total:
            games[(i, j)] = games.get((i, j), 0.0) + total
    strength = [1.0] * n
    for _ in range(iterations):
        denominators = [prior / (s + 1.0) for s in strength]
        for (i, j), count in games.items():
            shared = count / (strength[i] + strength[j])
            denominators[i] += shared
            denominators[j] += shared
        updated = [wins[k] / denominators[k] if denominators[k] > 0 else strength[k] for k in range(n)]
        change = max(abs(math.log(u / s)) for u, s in zip(updated, strength, strict=True))
        strength = updated
        if change < tolerance:
            break
    # Only ratios matter: centre the ratings on INIT (the geometric mean of the strengths).
    centre = sum(math.log(s, BASE) for s in strength) / n
    return {m: INIT + SCALE * (math.log(strength[k], BASE) - centre) for m, k in index.items()}


def bradley_terry(
    battles: Iterable[Battle],
    *,
    bootstrap: int = 0,
    rng: random.Random | None = None,
    prior: float = 1.0,
    iterations: int = 1000,
    tolerance: float = 1e-10,
) -> list[Rating]:
    """Ratings, best first. `bootstrap` > 0 resamples the hands that many times for a 95 %
    interval (seed `rng` for reproducible intervals)."""
    battles = [b for b in battles if b.model_a != b.model_b]
    models = sorted({m for b in battles for m in (b.model_a, b.model_b)})
    if not models:
        return []
    ratings = _fit(battles, models, prior, iterations, tolerance)
    votes = dict.fromkeys(models, 0)
    for b in battles:
        for m in (b.model_a, b.model_b):
            votes[m] += b.wins_a + b.wins_b + b.ties
    intervals: dict[str, tuple[float, float]] = {}
    if bootstrap > 0:
        rng = rng or random.Random()
        hands = [
            (b.model_a, b.model_b, outcome)
            for b in battles
            for outcome, count in (("a", b.wins_a), ("b", b.wins_b), ("t", b.ties))
            for _ in range(count)
        ]
        samples: dict[str, list[float]] = {m: [] for m in models}
        for _ in range(bootstrap):
            drawn = [rng.choice(hands) for _ in hands]
            fitted = _fit(
                [Battle(a, b, int(o == "a"), int(o == "b"), int(o == "t")) for a, b, o in drawn],
                models,
                prior,
                iterations,
                1e-6,
            )
            for m in models:
                samples[m].append(fitted[m])
        for m, values in samples.items():
            values.sort()
            intervals[m] = (values[int(0.025 * (len(values) - 1))], values[math.ceil(0.975 * (len(values) - 1))])
    result = [Rating(m, ratings[m], *(intervals.get(m) or (None, None)), votes[m]) for m in models]
    return sorted(result, key=lambda r: (-r.rating, r.model_id))
