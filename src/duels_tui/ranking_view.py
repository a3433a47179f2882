"""The pooled ranking (arena/pooled.py) as people read it, in French or English: the table's
cells, the sentences around it (what was pooled, what was left out, how it was computed), and the
frugality map's geometry, shared by the screen (ui/widgets/frugality_map.py), the command line
and the report (an SVG, outputs/ranking_report.py).

The map is compar:IA's (betagouv/ComparIA, frontend/src/routes/(pages)/ranking/components/
EnergyGraph.svelte): each model a labelled point, its score up, its energy across. Energy here is
per 1,000 output tokens, on a log scale (models differ a hundredfold), as the issue asks.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from duels_tui.arena.pooled import ModelLine, PooledRanking
from duels_tui.lang import DEFAULT, Texts, join_names
from duels_tui.numbers import integer, number, percent

TEXTS = Texts(
    "ranking",
    {
        "title": ("Classement", "Ranking"),
        "palette.help": ("Toutes les séances, de cette machine et importées",
                         "Every session, this machine's and imported"),
        "computing": ("Calcul du classement de toutes les séances…", "Ranking every session…"),
        "col.rank": ("rang (UB)", "rank (UB)"),
        "col.tier": ("niveau", "tier"),
        "col.model": ("modèle", "model"),
        "col.score": ("score", "score"),
        "col.interval": ("IC 95 %", "95% CI"),
        "col.hands": ("mains", "hands"),
        "col.wins": ("gagnées", "won"),
        "col.wh_answer": ("Wh / réponse", "Wh / answer"),
        "col.wh_tokens": ("Wh / 1 000 jetons", "Wh / 1,000 tokens"),
        "sessions.one": ("1 séance", "1 session"),
        "sessions.many": ("{n} séances", "{n} sessions"),
        "duels.one": ("1 duel voté", "1 duel voted"),
        "duels.many": ("{n} duels votés", "{n} duels voted"),
        "hands.one": ("1 main levée", "1 hand raised"),
        "hands.many": ("{n} mains levées", "{n} hands raised"),
        "empty": ("Aucun duel voté à classer pour l'instant.", "No voted duel to rank yet."),
        "self_named.out": (
            "{duels} où une réponse disait quel modèle elle était ({hands}) : écartés, comme FastChat le fait "
            "(--include-self-named pour les garder).",
            "{duels} where an answer said which model it was ({hands}): left out, as FastChat does "
            "(--include-self-named keeps them).",
        ),
        "self_named.in": (
            "{duels} où une réponse disait quel modèle elle était ({hands}) : gardés (--include-self-named).",
            "{duels} where an answer said which model it was ({hands}): kept (--include-self-named).",
        ),
        "hidden.one": (
            "Un modèle d'un duel pas encore révélé de cette séance est masqué jusqu'à sa révélation.",
            "One model of a duel of this session not yet revealed is hidden until its reveal.",
        ),
        "hidden.many": (
            "{n} modèles des duels pas encore révélés de cette séance sont masqués jusqu'à leur révélation.",
            "{n} models of this session's duels not yet revealed are hidden until their reveal.",
        ),
        "too_few": (
            "Trop peu de votes pour être classés (moins de {min} mains) : {models}.",
            "Too few votes to be ranked (fewer than {min} hands): {models}.",
        ),
        "too_few.model": ("{name} ({hands})", "{name} ({hands})"),
        "method": (
            "Score : Bradley-Terry par maximum de vraisemblance, chaque main levée comptant pour un vote, une "
            "égalité (ou « aucun des deux ») pour une demi-victoire de chaque côté, sur l'échelle de compar:IA "
            "(1000 + 400 × log10) ; une égalité virtuelle par modèle contre un modèle moyen garde finis ceux "
            "qui n'ont rien gagné. Intervalle à 95 % par bootstrap ({bootstrap} tirages, graine {seed}). "
            "Rang (UB) : 1 + le nombre de modèles sûrement meilleurs (FastChat). Niveau : les modèles qu'on ne "
            "peut pas distinguer du premier de leur niveau (compar:IA).",
            "Score: Bradley-Terry by maximum likelihood, each raised hand one vote, a tie (or “neither”) half a "
            "win for each side, on compar:IA's scale (1000 + 400 × log10); one virtual tie per model against "
            "an average model keeps those that won nothing finite. 95% interval by bootstrap ({bootstrap} "
            "resamples, seed {seed}). Rank (UB): 1 + the number of models surely better (FastChat). Tier: the "
            "models that cannot be told apart from the first of their tier (compar:IA).",
        ),
        "energy": (
            "Énergie, à côté du score et jamais mêlée à lui : méthodologie {methodology}, sur les réponses des "
            "duels classés.",
            "Energy, beside the score and never mixed into it: {methodology} methodology, over the answers of "
            "the ranked duels.",
        ),
        "energy.other": (
            " {n} réponse(s) de séances calculées selon une autre méthodologie n'y sont pas.",
            " {n} answer(s) of sessions computed under another methodology are not in it.",
        ),
        "map.title": ("Score et frugalité", "Score and frugality"),
        "map.x": ("énergie pour 1 000 jetons (Wh, échelle log) →", "energy per 1,000 tokens (Wh, log scale) →"),
        "map.y": ("↑ score", "↑ score"),
        "map.none": ("Aucun modèle classé avec une énergie connue : pas de carte.",
                     "No ranked model with a known energy: no map."),
        "map.left_out": ("Pas sur la carte : {models}.", "Not on the map: {models}."),
        "unknown": ("?", "?"),
    },
)


def say(key: str, lang: str = DEFAULT, **values: object) -> str:
    return TEXTS(key, lang, **values)


def _count(n: int, key: str, lang: str) -> str:
    return say(f"{key}.one", lang) if n == 1 else say(f"{key}.many", lang, n=integer(n, lang))


def score(value: float, lang: str = DEFAULT) -> str:
    """A rating, whole: « 1 043 »."""
    return integer(round(value), lang)


def energy(value: float | None, lang: str = DEFAULT) -> str:
    return "—" if value is None else number(value, 2, lang)


@dataclass(frozen=True)
class RankingTable:
    columns: tuple[str, ...]
    rows: list[tuple[str, ...]]  # the ranked models, best first
    summary: str  # what was pooled, or that nothing was
    notes: list[str]  # left out, hidden, too few votes, energy's methodology
    method: str  # how the score is computed


def model_label(model: ModelLine) -> str:
    return model.name or model.model_id


def table(ranking: PooledRanking, lang: str = DEFAULT) -> RankingTable:
    columns = tuple(say(f"col.{c}", lang) for c in ("rank", "tier", "model", "score", "interval", "hands", "wins",
                                                      "wh_answer", "wh_tokens"))
    rows = []
    for m in ranking.ranked:
        r = m.rating
        rows.append((
            "—" if r.rank_ub is None else str(r.rank_ub),
            "—" if r.tier is None else str(r.tier),
            model_label(m),
            score(r.rating, lang),
            "—" if r.low is None or r.high is None else f"{score(r.low, lang)}–{score(r.high, lang)}",
            integer(m.hands, lang),
            percent(m.score_share, lang),
            energy(m.energy_wh_per_answer, lang),
            energy(m.energy_wh_per_1000_tokens, lang),
        ))
    counts = ((ranking.sessions, "sessions"), (ranking.duels, "duels"), (ranking.hands, "hands"))
    summary = " · ".join(_count(n, key, lang) for n, key in counts) if ranking.duels else say("empty", lang)
    notes = []
    if ranking.too_few:
        models = join_names([say("too_few.model", lang, name=model_label(m), hands=_count(m.hands, "hands", lang))
                             for m in ranking.too_few], lang)
        notes.append(say("too_few", lang, min=integer(ranking.min_votes, lang), models=models))
    if ranking.self_named_duels:
        key = "self_named.in" if ranking.filters.include_self_named else "self_named.out"
        notes.append(say(key, lang, duels=_count(ranking.self_named_duels, "duels", lang),
                         hands=_count(ranking.self_named_hands, "hands", lang)))
    if ranking.hidden_models:
        notes.append(_count(ranking.hidden_models, "hidden", lang))
    if ranking.methodology:
        text = say("energy", lang, methodology=ranking.methodology)
        if ranking.other_methodology_answers:
            text += say("energy.other", lang, n=integer(ranking.other_methodology_answers, lang))
        notes.append(text)
    method = say("method", lang, bootstrap=integer(ranking.bootstrap, lang), seed=ranking.seed)
    return RankingTable(columns, rows, summary, notes, method)


# --- the frugality map ------------------------------------------------------------------------


@dataclass(frozen=True)
class MapPoint:
    label: str
    energy: float  # Wh per 1,000 tokens, > 0
    score: float
    low: float | None
    high: float | None
    tier: int | None


@dataclass(frozen=True)
class MapAxes:
    """x: log10 of the energy between two powers of ten; y: the score, linear, between round
    hundreds (with the intervals inside)."""

    x_low: float
    x_high: float
    y_low: float
    y_high: float

    def x(self, energy: float) -> float:
        """0 to 1 across."""
        return (math.log10(energy) - math.log10(self.x_low)) / (math.log10(self.x_high) - math.log10(self.x_low))

    def y(self, score: float) -> float:
        """0 (bottom) to 1 (top)."""
        return (score - self.y_low) / (self.y_high - self.y_low)

    def x_ticks(self) -> list[float]:
        first, last = round(math.log10(self.x_low)), round(math.log10(self.x_high))
        return [10.0**k for k in range(first, last + 1)]

    def y_ticks(self) -> list[float]:
        span = self.y_high - self.y_low
        step = 50.0 if span <= 300 else 100.0 if span <= 800 else 200.0
        first = math.ceil(self.y_low / step) * step
        return [first + k * step for k in range(int((self.y_high - first) // step) + 1)]


def map_points(ranking: PooledRanking) -> tuple[list[MapPoint], list[ModelLine]]:
    """The ranked models with an energy (the map's points), and the ranked ones without."""
    points, left_out = [], []
    for m in ranking.ranked:
        wh = m.energy_wh_per_1000_tokens
        if wh is None or wh <= 0:
            left_out.append(m)
            continue
        r = m.rating
        points.append(MapPoint(model_label(m), wh, r.rating, r.low, r.high, r.tier))
    return points, left_out


def map_axes(points: list[MapPoint]) -> MapAxes | None:
    if not points:
        return None
    energies = [p.energy for p in points]
    x_low = 10 ** math.floor(math.log10(min(energies)))
    x_high = max(10 ** math.ceil(math.log10(max(energies))), x_low * 10)
    scores = [v for p in points for v in (p.score, p.low, p.high) if v is not None]
    y_low = math.floor(min(scores) / 50) * 50
    y_high = max(math.ceil(max(scores) / 50) * 50, y_low + 100)
    return MapAxes(x_low, x_high, y_low, y_high)
