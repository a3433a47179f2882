"""The ranking of every workshop in the database (this machine's sessions and the imported ones):
which duels are pooled, the Bradley-Terry fit (arena/ranking.py), and beside each model what its
answers cost, never mixed into its score.

- One ballot per raised hand, as `duels export --ballots`: a duel voted 7 A, 3 B, 2 « les deux se
  valent », 1 « aucun » is 7 wins for A, 3 for B and 3 ties.
- A duel where an answer named its model (« je suis Claude ») is left out, as FastChat drops such
  battles (lm-sys/FastChat, fastchat/serve/monitor/clean_battle_data.py): the room was not voting
  blind. `include_self_named` keeps them; either way the ranking says how many.
- In the workshop itself, a model of a duel of the current session that is not yet revealed is
  never shown: its duels (from any session) are left out of the fit and it is only counted.
- Energy per answer and per 1,000 output tokens come from the same duels, each answer computed
  under its session's methodology, exactly as its reveal showed it; a pool that mixes
  methodologies shows the most used one and counts the answers left aside.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from duels_tui.arena.ranking import (
    BASE,
    DEFAULT_BOOTSTRAP,
    DEFAULT_MIN_VOTES,
    DEFAULT_PRIOR,
    DEFAULT_SEED,
    INIT,
    SCALE,
    Battle,
    Rating,
    bradley_terry,
)
from duels_tui.arena.state import Step
from duels_tui.engine.events import SIDES

if TYPE_CHECKING:
    from duels_tui.arena.workshop import Workshop
    from duels_tui.catalog import Catalog
    from duels_tui.store.db import Store


class PoolError(ValueError):
    """A filter that selects nothing sensible; the message is French."""


@dataclass(frozen=True)
class PoolFilter:
    """Which sessions are pooled: all by default."""

    sessions: tuple[int, ...] = ()  # their numbers (`duels sessions`)
    place: str | None = None  # a session's place contains this (case ignored)
    since: date | None = None  # sessions started that day or later
    include_self_named: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "sessions": list(self.sessions),
            "place": self.place,
            "since": self.since.isoformat() if self.since else None,
            "include_self_named": self.include_self_named,
        }


@dataclass(frozen=True)
class ModelLine:
    """One model: its rating (score, interval, rank (UB), tier) and, beside it, its figures."""

    model_id: str
    name: str
    organisation: str
    size_class: str
    rating: Rating
    duels: int  # pooled duels it played
    hands: int  # raised in those duels
    score_share: float  # hands won, a tie counting half (the fit's own count)
    answers: int  # its answers with at least one token, in those duels
    output_tokens: int
    energy_wh: float | None  # all those answers, under `PooledRanking.methodology`; None: unknown

    @property
    def energy_wh_per_answer(self) -> float | None:
        return self.energy_wh / self.answers if self.energy_wh is not None and self.answers else None

    @property
    def energy_wh_per_1000_tokens(self) -> float | None:
        if self.energy_wh is None or self.output_tokens <= 0:
            return None
        return self.energy_wh / self.output_tokens * 1000

    def to_json(self) -> dict[str, Any]:
        r = self.rating
        known = r.ranked
        return {
            "model_id": self.model_id,
            "name": self.name,
            "organisation": self.organisation,
            "size_class": self.size_class,
            "ranked": known,
            "score": r.rating if known else None,
            "low": r.low if known else None,
            "high": r.high if known else None,
            "rank_ub": r.rank_ub,
            "tier": r.tier,
            "duels": self.duels,
            "hands": self.hands,
            "win_rate": self.score_share,
            "answers": self.answers,
            "output_tokens": self.output_tokens,
            "energy_wh_per_answer": self.energy_wh_per_answer,
            "energy_wh_per_1000_tokens": self.energy_wh_per_1000_tokens,
        }


@dataclass(frozen=True)
class PooledRanking:
    models: list[ModelLine]  # the ranked ones best first, then those with too few hands
    sessions: int
    duels: int  # voted duels pooled
    hands: int
    self_named_duels: int  # duels where an answer named its model (left out unless included)
    self_named_hands: int
    hidden_models: int  # models of the current session's unrevealed duels that the pool holds
    methodology: str | None  # of the energy figures
    other_methodology_answers: int  # answers of sessions under another methodology, left aside
    filters: PoolFilter = field(default_factory=PoolFilter)
    bootstrap: int = DEFAULT_BOOTSTRAP
    seed: int = DEFAULT_SEED
    prior: float = DEFAULT_PRIOR
    min_votes: int = DEFAULT_MIN_VOTES

    @property
    def ranked(self) -> list[ModelLine]:
        return [m for m in self.models if m.rating.ranked]

    @property
    def too_few(self) -> list[ModelLine]:
        return [m for m in self.models if not m.rating.ranked]

    def to_json(self) -> dict[str, Any]:
        return {
            "method": {
                "model": "bradley-terry",
                "fit": "maximum likelihood, ties half a win, prior of virtual ties against an average model",
                "init": INIT,
                "scale": SCALE,
                "base": BASE,
                "prior": self.prior,
                "bootstrap": self.bootstrap,
                "seed": self.seed,
                "interval": 0.95,
                "min_votes": self.min_votes,
            },
            "pool": {
                "filters": self.filters.to_json(),
                "sessions": self.sessions,
                "duels": self.duels,
                "hands": self.hands,
                "self_named_duels": self.self_named_duels,
                "self_named_hands": self.self_named_hands,
                "hidden_models": self.hidden_models,
            },
            "energy": {
                "methodology": self.methodology,
                "other_methodology_answers": self.other_methodology_answers,
            },
            "models": [m.to_json() for m in self.models],
        }


@dataclass
class _Tally:
    name: str = ""
    organisation: str = ""
    size_class: str = "?"
    duels: int = 0
    hands: int = 0
    won: float = 0.0
    # Per methodology: answers with a token, their tokens, their energy (Wh); where an impact failed.
    answers: Counter = field(default_factory=Counter)
    tokens: Counter = field(default_factory=Counter)
    energy: dict[str, float] = field(default_factory=dict)
    unknown: set[str] = field(default_factory=set)


def _session_ids(store: Store, filters: PoolFilter) -> list[int]:
    from duels_tui.store.overview import session_lines

    lines = session_lines(store)
    known = {line.id for line in lines}
    missing = [n for n in filters.sessions if n not in known]
    if missing:
        raise PoolError(f"séance {missing[0]} introuvable (duels sessions les liste)")
    chosen = []
    for line in lines:
        if filters.sessions and line.id not in filters.sessions:
            continue
        if filters.place and filters.place.casefold() not in line.place.casefold():
            continue
        if filters.since and line.created_at[:10] < filters.since.isoformat():
            continue
        chosen.append(line.id)
    return chosen


def hidden_models(current: Workshop | None) -> set[str]:
    """The models of the current session's duels not yet revealed (their pairs stay off)."""
    if current is None:
        return set()
    return {
        model
        for duel in current.duels
        if duel.step is not Step.REVEAL
        for model in (*duel.spec.model_ids, *duel.sides.values())
    }


def pool_ranking(
    store: Store,
    catalog: Catalog | None = None,
    filters: PoolFilter | None = None,
    *,
    current: Workshop | None = None,
    bootstrap: int = DEFAULT_BOOTSTRAP,
    seed: int = DEFAULT_SEED,
    min_votes: int = DEFAULT_MIN_VOTES,
) -> PooledRanking:
    """Every voted duel of the chosen sessions, ranked. `current` is the workshop on screen:
    its in-memory state is used, and its unrevealed duels' models are kept off."""
    from duels_tui.arena.reveal import side_figures
    from duels_tui.arena.workshop import Workshop

    filters = filters or PoolFilter()
    hidden = hidden_models(current)
    battles: list[Battle] = []
    tallies: dict[str, _Tally] = {}
    sessions = duels = hands = self_named_duels = self_named_hands = 0
    kept_off: set[str] = set()
    methods: Counter = Counter()
    for session_id in _session_ids(store, filters):
        if current is not None and session_id == current.session_id:
            workshop = current
        else:
            workshop = Workshop.load(store, catalog, session_id)
            if workshop is None:
                continue
        pooled = False
        for duel in workshop.duels:
            if duel.vote is None:
                continue
            if hidden & set(duel.sides.values()):
                kept_off |= hidden & set(duel.sides.values())  # it would have shown
                continue
            vote = duel.vote
            if any(a.names_itself for side in SIDES for a in duel.answers(side)):
                self_named_duels += 1
                self_named_hands += vote.total
                if not filters.include_self_named:
                    continue
            pooled = True
            duels += 1
            hands += vote.total
            battles.append(Battle(duel.sides["A"], duel.sides["B"], vote.a, vote.b, vote.tie + vote.none))
            for side in SIDES:
                figures, _error = side_figures(workshop, duel, side, with_equivalents=False)
                tally = tallies.setdefault(figures.model_id, _Tally())
                tally.name, tally.organisation = figures.card.name, figures.card.organisation
                tally.size_class = figures.size_class
                tally.duels += 1
                tally.hands += vote.total
                tally.won += vote.for_side(side) + (vote.tie + vote.none) / 2
                method = workshop.methodology
                tally.answers[method] += figures.answers
                tally.tokens[method] += figures.output_tokens
                methods[method] += figures.answers
                if figures.impact is None:
                    tally.unknown.add(method)
                else:
                    tally.energy[method] = tally.energy.get(method, 0.0) + figures.impact.energy_wh.mid
        sessions += pooled
    methodology = methods.most_common(1)[0][0] if methods else None
    ratings = bradley_terry(battles, bootstrap=bootstrap, seed=seed, min_votes=min_votes)
    models = []
    for rating in ratings:
        tally = tallies[rating.model_id]
        models.append(
            ModelLine(
                model_id=rating.model_id,
                name=tally.name,
                organisation=tally.organisation,
                size_class=tally.size_class,
                rating=rating,
                duels=tally.duels,
                hands=tally.hands,
                score_share=tally.won / tally.hands if tally.hands else 0.0,
                answers=tally.answers[methodology],
                output_tokens=tally.tokens[methodology],
                energy_wh=None if methodology in tally.unknown else tally.energy.get(methodology, 0.0),
            )
        )
    return PooledRanking(
        models=models,
        sessions=sessions,
        duels=duels,
        hands=hands,
        self_named_duels=self_named_duels,
        self_named_hands=self_named_hands,
        hidden_models=len(kept_off),
        methodology=methodology,
        other_methodology_answers=sum(n for m, n in methods.items() if m != methodology),
        filters=filters,
        bootstrap=bootstrap,
        seed=seed,
        min_votes=min_votes,
    )

