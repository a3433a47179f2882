"""A Bradley-Terry ranking over pooled workshops, as compar:IA ranks its models.

compar:IA (like LMSYS' arena) fits Bradley-Terry by maximum likelihood on its votes, a tie
counting half a win for each side (its A = 2, tie = 1, B = 0: betagouv/ranking_methods,
src/rank_comparia/ranker.py and maximum_likelihood.py), and shows ratings on the Elo-like scale
1000 + 400 x log10(strength), with bootstrap confidence intervals. Here each raised hand is one
vote; « aucun des deux » counts as a tie, as in the export (docs/export.md).

What is read from the intervals, the way the two arenas do it:
- FastChat's "rank (UB)" (lm-sys/FastChat, fastchat/serve/monitor/monitor.py,
  `recompute_final_ranking`): 1 + the number of models whose lower bound is above this model's
  upper bound, i.e. the best rank the data cannot rule out. compar:IA's `rank_p2.5` is the same
  count (betagouv/ComparIA, utils/ranking/compute_rankings.py, `compute_rank_bounds`).
- compar:IA's tiers (« classes », betagouv/ComparIA pull request #639, closing issue #483): walk
  the models from strongest to weakest; the first opens tier 1 and its lower bound becomes the
  tier's anchor; a model joins the open tier while its upper bound still reaches that anchor,
  otherwise it opens the next tier with its own lower bound as anchor. The anchor never moves
  (letting it follow each member chains everyone into one tier); tiers stop at 8, the rest share
  the last.
- The bounds are the 2.5 % and 97.5 % bootstrap quantiles taken at the nearest sample, as
  compar:IA's ranker does (`quantile(0.025, interpolation="nearest")`).

A workshop's pool is small and often disconnected (one session plays three separate pairs), so
the maximum likelihood does not always exist: a model that lost every hand would sit at minus
infinity, and pairs never compared have no common scale. `prior` virtual games (half won) against
an average model of strength 1 keep every rating finite and pull the unconnected ones towards
1000; with `prior=0` the fit is the plain maximum likelihood (it then needs every model to have
won and lost something within one connected set of battles). Energy is never mixed into the
score: it stays beside it (arena/pooled.py), as on compar:IA.

The fit is Newton's method on the log-likelihood (concave), run for all bootstrap resamples at
once with numpy; a resample draws the hands again from their observed frequencies (a multinomial
over the distinct (pair, outcome) cells, which is the same as drawing the hands one by one).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

SCALE = 400.0
BASE = 10.0
INIT = 1000.0
MAX_TIERS = 8  # compar:IA's cap (pull request #639)
DEFAULT_PRIOR = 1.0
DEFAULT_BOOTSTRAP = 1000
DEFAULT_MIN_VOTES = 20  # hands: with fewer, a model's interval spans most of the scale
DEFAULT_SEED = 42  # any fixed number: a ranking read twice gives the same intervals
_CHUNK_CELLS = 1_000_000  # resamples per numpy batch x models^2
_STEP_CAP = 1.0  # largest Newton step, in natural-log strength (174 rating points)


@dataclass(frozen=True)
class Battle:
    """Hands between two models: `wins_a` for A, `wins_b` for B, `ties` for neither."""

    model_a: str
    model_b: str
    wins_a: int = 0
    wins_b: int = 0
    ties: int = 0

    @property
    def hands(self) -> int:
        return self.wins_a + self.wins_b + self.ties


@dataclass(frozen=True)
class Rating:
    model_id: str
    rating: float
    low: float | None  # bootstrap interval (2.5 % - 97.5 %), None without bootstrap
    high: float | None
    votes: int  # hands involving this model
    rank_ub: int | None = None  # FastChat's rank (UB); None without bootstrap or when not ranked
    tier: int | None = None  # compar:IA's tier (1 = the leaders); None likewise
    ranked: bool = True  # False: too few hands to be ranked (min_votes)


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


@dataclass(frozen=True)
class _Pool:
    """The battles folded into pairs (i < j) and outcome cells: counts[k, 0] hands for i,
    counts[k, 1] for j, counts[k, 2] ties."""

    models: list[str]
    first: np.ndarray  # (K,) index of i
    second: np.ndarray  # (K,) index of j
    counts: np.ndarray  # (K, 3)


def _pool(battles: list[Battle]) -> _Pool:
    import numpy as np

    models = sorted({m for b in battles for m in (b.model_a, b.model_b)})
    index = {m: k for k, m in enumerate(models)}
    cells: dict[tuple[int, int], list[int]] = {}
    for b in battles:
        i, j = index[b.model_a], index[b.model_b]
        wins_i, wins_j = b.wins_a, b.wins_b
        if i > j:
            i, j, wins_i, wins_j = j, i, wins_j, wins_i
        cell = cells.setdefault((i, j), [0, 0, 0])
        cell[0] += wins_i
        cell[1] += wins_j
        cell[2] += b.ties
    pairs = sorted(cells)
    return _Pool(
        models,
        np.array([p[0] for p in pairs], dtype=np.intp),
        np.array([p[1] for p in pairs], dtype=np.intp),
        np.array([cells[p] for p in pairs], dtype=float).reshape(len(pairs), 3),
    )


def _sigmoid(x: np.ndarray) -> np.ndarray:
    import numpy as np

    return 0.5 * (1.0 + np.tanh(x / 2))  # 1 / (1 + e^-x) without overflow


def _fit(
    pool: _Pool, counts: np.ndarray, prior: float, *, iterations: int = 200, tolerance: float = 1e-12
) -> np.ndarray:
    """Natural-log strengths, centred, for each set of cell counts: `counts` is (B, K, 3) and
    the result (B, M). Newton's method on the log-likelihood plus the prior, every set at once."""
    import numpy as np

    batch, n_models = counts.shape[0], len(pool.models)
    incidence = np.zeros((len(pool.first), n_models))
    incidence[np.arange(len(pool.first)), pool.first] = 1.0
    incidence[np.arange(len(pool.first)), pool.second] = -1.0
    score_i = counts[:, :, 0] + counts[:, :, 2] / 2  # (B, K): i's wins, ties counting half
    games = counts.sum(axis=2)  # (B, K)
    # Pair k's outer product e_k e_k^T, flattened: the Hessian is a weighted sum of them.
    outer = np.einsum("km,kl->kml", incidence, incidence).reshape(len(pool.first), n_models * n_models)
    theta = np.zeros((batch, n_models))
    eye = np.eye(n_models)
    centring = np.full((n_models, n_models), 1.0 / n_models) if prior == 0 else 0.0
    for _ in range(iterations):
        p = _sigmoid(theta @ incidence.T)  # (B, K): P(i beats j)
        gradient = (score_i - games * p) @ incidence  # (B, M)
        weight = games * p * (1.0 - p)  # (B, K)
        information = (weight @ outer).reshape(batch, n_models, n_models)  # minus the Hessian
        if prior > 0:
            s = _sigmoid(theta)  # against the virtual model of strength 1
            gradient += prior * (0.5 - s)
            information += eye * (prior * s * (1.0 - s))[:, :, None]
        else:
            # Ratings are defined up to a constant: the gradient sums to zero and the
            # information matrix is singular along (1, ..., 1). Adding that direction solves
            # for the step orthogonal to it (the centred one).
            information = information + centring
        step = np.linalg.solve(information, gradient[:, :, None])[:, :, 0]
        largest = np.abs(step).max(axis=1, keepdims=True)
        step *= np.minimum(1.0, _STEP_CAP / np.maximum(largest, 1e-300))
        theta += step
        if largest.max() < tolerance:
            break
    return theta - theta.mean(axis=1, keepdims=True)


def _to_rating(theta: np.ndarray) -> np.ndarray:
    return INIT + SCALE * theta / math.log(BASE)


def fit_ratings(battles: Iterable[Battle], prior: float = DEFAULT_PRIOR) -> dict[str, float]:
    """The ratings (centred on 1000), without intervals."""
    battles = [b for b in battles if b.model_a != b.model_b and b.hands]
    if not battles:
        return {}
    pool = _pool(battles)
    theta = _fit(pool, pool.counts[None, :, :], prior)[0]
    return dict(zip(pool.models, _to_rating(theta).tolist(), strict=True))


def bootstrap_ratings(
    battles: list[Battle], resamples: int, seed: int, prior: float = DEFAULT_PRIOR
) -> tuple[list[str], np.ndarray]:
    """The models and a (resamples, M) array of their ratings, each row a fit on the hands
    drawn again with replacement (seeded: the same seed gives the same rows)."""
    import numpy as np

    pool = _pool(battles)
    flat = pool.counts.reshape(-1)
    hands = int(flat.sum())
    rng = np.random.default_rng(seed)
    # Chunks bound the memory (each resample holds an M x M matrix): flat for any pool size.
    chunk = max(1, _CHUNK_CELLS // (len(pool.models) ** 2))
    parts = []
    for start in range(0, resamples, chunk):
        size = min(chunk, resamples - start)
        drawn = rng.multinomial(hands, flat / hands, size=size).astype(float)
        parts.append(_to_rating(_fit(pool, drawn.reshape(size, len(pool.first), 3), prior)))
    return pool.models, np.concatenate(parts)


def rank_upper_bounds(ratings: list[Rating]) -> dict[str, int]:
    """FastChat's rank (UB): 1 + the models whose lower bound is above this one's upper bound."""
    bounded = [r for r in ratings if r.low is not None and r.high is not None]
    return {r.model_id: 1 + sum(1 for o in bounded if o.low > r.high) for r in bounded}  # type: ignore[operator]


def tiers(ratings: list[Rating], max_tiers: int = MAX_TIERS) -> dict[str, int]:
    """compar:IA's tiers (pull request #639), over `ratings` sorted best first: a fixed anchor
    per tier (its leader's lower bound); a model whose upper bound reaches it joins."""
    result: dict[str, int] = {}
    tier, anchor = 0, None
    for r in ratings:
        if r.low is None or r.high is None:
            continue
        if anchor is None or (r.high < anchor and tier < max_tiers):
            tier += 1
            anchor = r.low
        result[r.model_id] = tier
    return result


def bradley_terry(
    battles: Iterable[Battle],
    *,
    bootstrap: int = 0,
    seed: int = DEFAULT_SEED,
    prior: float = DEFAULT_PRIOR,
    min_votes: int = 0,
) -> list[Rating]:
    """Ratings, best first: the ranked models (at least `min_votes` hands), then the others.
    `bootstrap` > 0 resamples the hands that many times for 95 % intervals, rank (UB) and tiers
    (computed among the ranked models only)."""
    battles = [b for b in battles if b.model_a != b.model_b and b.hands]
    if not battles:
        return []
    ratings = fit_ratings(battles, prior)
    votes = dict.fromkeys(ratings, 0)
    for b in battles:
        votes[b.model_a] += b.hands
        votes[b.model_b] += b.hands
    intervals: dict[str, tuple[float, float]] = {}
    if bootstrap > 0:
        import numpy as np

        models, samples = bootstrap_ratings(battles, bootstrap, seed, prior)
        low, high = np.quantile(samples, [0.025, 0.975], axis=0, method="nearest")
        intervals = {m: (float(low[k]), float(high[k])) for k, m in enumerate(models)}
    result = [
        Rating(m, ratings[m], *(intervals.get(m) or (None, None)), votes[m], ranked=votes[m] >= min_votes)
        for m in ratings
    ]
    ranked = sorted((r for r in result if r.ranked), key=lambda r: (-r.rating, r.model_id))
    others = sorted((r for r in result if not r.ranked), key=lambda r: (-r.votes, r.model_id))
    if bootstrap > 0:
        upper, tier = rank_upper_bounds(ranked), tiers(ranked)
        ranked = [replace(r, rank_ub=upper[r.model_id], tier=tier[r.model_id]) for r in ranked]
    return ranked + others
