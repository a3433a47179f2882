"""« L'IA gagnante » : the duels' winners ranked by utility and frugality.

The rule, as the screen says it (`rule_text` writes it with the weights in use):
- Candidates: the winner of each duel. A drawn duel (« match nul ») sends both models; a duel
  where « aucun des deux » won sends none. A model that won two duels is one candidate.
- Utility: the candidate's vote share in its duel (« les deux se valent » counting half),
  divided by the best share among the candidates (so the most liked scores 1).
- Frugality: the energy per answer of the most frugal candidate divided by the candidate's own
  (the most frugal scores 1, one that used twice as much scores 0.5). An answer of zero energy
  (no token) counts as the most frugal. If a candidate's energy is unknown, frugality is left
  out for everyone and only utility counts (the text says so).
- Score: the weighted geometric mean (utility^wu × frugality^wf)^(1/(wu+wf)). Geometric, so a
  model cannot win on one quality alone: a zero on either side gives zero.
- Ties on the score go to utility, then frugality; still equal, the candidates are ex aequo.
- A final vote among the candidates, when given, overrides the rule: most hands wins; a tie in
  the final vote is settled by the rule among the tied candidates.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from duels_tui.arena.votes import VoteError, parse_count
from duels_tui.lang import DEFAULT, Texts, join_names
from duels_tui.numbers import count, fixed, number

_EPS = 1e-12

TEXTS = Texts(
    "arena.final",
    {
        "weights.two": (
            "deux poids sont attendus : utilité et frugalité",
            "two weights are expected: utility and frugality",
        ),
        "weights.utility": (
            "le poids de l'utilité doit être un nombre positif ou nul",
            "the weight of utility must be a number, zero or more",
        ),
        "weights.frugality": (
            "le poids de la frugalité doit être un nombre positif ou nul",
            "the weight of frugality must be a number, zero or more",
        ),
        "weights.zero": (
            "au moins un des deux poids doit être supérieur à zéro",
            "at least one of the two weights must be above zero",
        ),
        "rule.candidates": (
            "Candidats : le gagnant de chaque duel ; un match nul qualifie les deux modèles, "
            "« aucun des deux » n'en qualifie aucun.",
            "Candidates: the winner of each duel; a draw qualifies both models, “neither” qualifies none.",
        ),
        "rule.utility": (
            "Utilité : la part des voix du modèle dans son duel (« les deux se valent » compte pour "
            "moitié), rapportée à la meilleure part parmi les candidats.",
            "Utility: the model's share of the votes in its duel (“both are equal” counting half), "
            "relative to the best share among the candidates.",
        ),
        "rule.frugality": (
            "Frugalité : l'énergie par réponse du candidat le plus sobre divisée par celle du "
            "modèle (1 pour le plus sobre, 0,5 pour un modèle qui consomme deux fois plus).",
            "Frugality: the energy per answer of the most frugal candidate divided by the model's own "
            "(1 for the most frugal, 0.5 for a model that uses twice as much).",
        ),
        "rule.unknown_energy": (
            "Énergie inconnue pour au moins un candidat : la frugalité n'est pas comptée, seule l'utilité départage.",
            "Energy unknown for at least one candidate: frugality is not counted, utility alone decides.",
        ),
        "rule.utility_only": (
            "Poids de la frugalité : 0. Seule l'utilité compte.",
            "Weight of frugality: 0. Only utility counts.",
        ),
        "rule.frugality_only": (
            "Poids de l'utilité : 0. Seule la frugalité compte.",
            "Weight of utility: 0. Only frugality counts.",
        ),
        "rule.equal": (
            "Score : moyenne géométrique de l'utilité et de la frugalité, à poids égaux "
            "(racine carrée de utilité × frugalité) : un modèle ne gagne pas sur une seule "
            "qualité.",
            "Score: geometric mean of utility and frugality, with equal weights (square root of "
            "utility × frugality): a model does not win on one quality alone.",
        ),
        "rule.weighted": (
            "Score : moyenne géométrique pondérée, utilité poids {wu}, frugalité poids "
            "{wf} : (utilité^{wu} × frugalité^{wf})^(1/{sum}).",
            "Score: weighted geometric mean, utility weight {wu}, frugality weight {wf}: "
            "(utility^{wu} × frugality^{wf})^(1/{sum}).",
        ),
        "summary.nobody": (
            "Pas d'IA gagnante : aucun duel n'a été voté, ou la salle n'a retenu aucun modèle.",
            "No winning AI: no duel was voted, or the room kept no model.",
        ),
        "summary.tied_vote": (
            "Ex aequo au vote final et selon la règle : {names}.",
            "Tied in the final vote and by the rule: {names}.",
        ),
        "summary.voted": (
            "L'IA gagnante, choisie par le vote final ({hands}) : {name}.",
            "The winning AI, chosen by the final vote ({hands}): {name}.",
        ),
        "summary.overridden": (" La règle aurait désigné {names}.", " The rule would have chosen {names}."),
        "summary.tied_rule": ("Ex aequo selon la règle : {names}.", "Tied by the rule: {names}."),
        "summary.winner": ("L'IA gagnante : {name} (score {score}).", "The winning AI: {name} (score {score})."),
    },
)


class RuleError(ValueError):
    """Weights the rule cannot use; the message is French, `text(lang)` in either language."""

    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(self.text())

    def text(self, lang: str = DEFAULT) -> str:
        return TEXTS(self.key, lang)


@dataclass(frozen=True)
class Candidate:
    """Input of the final: one model that won (or drew) at least one duel."""

    model_id: str
    name: str
    duels: tuple[int, ...]  # duel indices (0-based)
    share: float  # vote share in its duel(s), 0..1
    energy_wh: float | None  # mean energy per answer (Wh); None when unknown


@dataclass(frozen=True)
class FinalRow:
    model_id: str
    name: str
    duels: tuple[int, ...]
    share: float  # raw vote share
    utility: float  # normalised, 0..1
    energy_wh: float | None
    frugality: float | None  # normalised, 0..1; None when frugality is left out
    score: float  # 0..1
    rank: int  # 1 = best by the rule; ex aequo share a rank
    final_votes: int | None = None


@dataclass(frozen=True)
class FinalResult:
    rows: tuple[FinalRow, ...]  # best first, by the rule
    weights: tuple[float, float]  # (utility, frugality)
    rule_text: str  # the rule in plain words (French unless asked otherwise), with these weights
    rule_winners: tuple[FinalRow, ...]  # several when ex aequo; empty without candidates
    winners: tuple[FinalRow, ...]  # after the final vote when there is one
    final_vote: dict[str, int] | None
    overridden: bool  # the final vote chose another winner than the rule
    frugality_counted: bool
    summary: str  # one sentence for the screen, in the language asked for

    @property
    def winner(self) -> FinalRow | None:
        """The winning AI; None without candidates or when several are ex aequo."""
        return self.winners[0] if len(self.winners) == 1 else None


def check_weights(weights: tuple[float, float]) -> tuple[float, float]:
    try:
        wu, wf = (float(w) for w in weights)
    except (TypeError, ValueError):
        raise RuleError("weights.two") from None
    for name, w in (("utility", wu), ("frugality", wf)):
        if not math.isfinite(w) or w < 0:
            raise RuleError(f"weights.{name}")
    if wu + wf <= 0:
        raise RuleError("weights.zero")
    return wu, wf


def rule_text(weights: tuple[float, float], frugality_counted: bool = True, lang: str = DEFAULT) -> str:
    wu, wf = check_weights(weights)
    candidates, utility = TEXTS("rule.candidates", lang), TEXTS("rule.utility", lang)
    if not frugality_counted:
        return " ".join((candidates, utility, TEXTS("rule.unknown_energy", lang)))
    if wf == 0:
        score = TEXTS("rule.utility_only", lang)
    elif wu == 0:
        score = TEXTS("rule.frugality_only", lang)
    elif wu == wf:
        score = TEXTS("rule.equal", lang)
    else:
        score = TEXTS("rule.weighted", lang, wu=number(wu, 3, lang), wf=number(wf, 3, lang),
                      sum=number(wu + wf, 3, lang))
    return " ".join((candidates, utility, TEXTS("rule.frugality", lang), score))


def _score(utility: float, frugality: float | None, wu: float, wf: float) -> float:
    if frugality is None:
        return utility
    if (utility == 0 and wu > 0) or (frugality == 0 and wf > 0):
        return 0.0
    return (utility**wu * frugality**wf) ** (1 / (wu + wf))


def _check_final_vote(final_vote: dict[str, int] | None, candidates: list[Candidate]) -> dict[str, int] | None:
    if not final_vote:
        return None
    known = {c.model_id for c in candidates}
    counts = {}
    for model_id, value in final_vote.items():
        if model_id not in known:
            raise VoteError("final", "final.not_candidate", model_id=model_id)
        counts[model_id] = parse_count("final", value)
    # A vote box left at zero everywhere means "no final vote", not a vote for nobody.
    return counts if sum(counts.values()) > 0 else None


def compute_final(
    candidates: list[Candidate],
    weights: tuple[float, float] = (1.0, 1.0),
    final_vote: dict[str, int] | None = None,
    lang: str = DEFAULT,
) -> FinalResult:
    """The rule of this module's docstring, applied to `candidates`; its texts in `lang`."""
    wu, wf = check_weights(weights)
    votes = _check_final_vote(final_vote, candidates)
    frugality_counted = all(c.energy_wh is not None for c in candidates)
    best_share = max((c.share for c in candidates), default=0.0)
    positive = [c.energy_wh for c in candidates if c.energy_wh is not None and c.energy_wh > 0]
    least = min(positive, default=0.0)
    scored = []
    for c in candidates:
        utility = c.share / best_share if best_share > 0 else 0.0
        frugality: float | None = None
        if frugality_counted:
            energy = c.energy_wh or 0.0
            frugality = 1.0 if energy <= 0 else min(1.0, least / energy)
        score = _score(utility, frugality, wu, wf)
        scored.append((c, utility, frugality, score))

    def key(item: tuple[Candidate, float, float | None, float]) -> tuple[float, float, float]:
        _, utility, frugality, score = item
        return (round(score, 12), round(utility, 12), round(frugality or 0.0, 12))

    scored.sort(key=lambda item: (tuple(-k for k in key(item)), item[0].name))
    rows: list[FinalRow] = []
    rank = 0
    previous = None
    for position, item in enumerate(scored, start=1):
        c, utility, frugality, score = item
        if key(item) != previous:
            rank, previous = position, key(item)
        rows.append(
            FinalRow(
                c.model_id,
                c.name,
                c.duels,
                c.share,
                utility,
                c.energy_wh,
                frugality,
                score,
                rank,
                votes.get(c.model_id, 0) if votes else None,
            )
        )
    rule_winners = tuple(r for r in rows if r.rank == 1)
    winners = rule_winners
    if votes:
        most = max(votes.values())
        voted = [r for r in rows if votes.get(r.model_id, 0) == most]
        best_rank = min(r.rank for r in voted)
        winners = tuple(r for r in voted if r.rank == best_rank)
    overridden = votes is not None and {r.model_id for r in winners} != {r.model_id for r in rule_winners}
    return FinalResult(
        rows=tuple(rows),
        weights=(wu, wf),
        rule_text=rule_text((wu, wf), frugality_counted, lang),
        rule_winners=rule_winners,
        winners=winners,
        final_vote=votes,
        overridden=overridden,
        frugality_counted=frugality_counted,
        summary=_summary(rows, rule_winners, winners, votes, overridden, lang),
    )


def _summary(
    rows: list[FinalRow],
    rule_winners: tuple[FinalRow, ...],
    winners: tuple[FinalRow, ...],
    votes: dict[str, int] | None,
    overridden: bool,
    lang: str,
) -> str:
    def names(chosen: tuple[FinalRow, ...]) -> str:
        return join_names([r.name for r in chosen], lang)

    if not rows:
        return TEXTS("summary.nobody", lang)
    if votes:
        if len(winners) > 1:
            return TEXTS("summary.tied_vote", lang, names=names(winners))
        hands = count(votes.get(winners[0].model_id, 0), "hand", lang)
        text = TEXTS("summary.voted", lang, hands=hands, name=winners[0].name)
        if overridden:
            text += TEXTS("summary.overridden", lang, names=names(rule_winners))
        return text
    if len(winners) > 1:
        return TEXTS("summary.tied_rule", lang, names=names(winners))
    return TEXTS("summary.winner", lang, name=winners[0].name, score=fixed(winners[0].score, 2, lang))
