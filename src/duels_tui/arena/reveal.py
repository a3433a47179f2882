"""The reveal: who A and B were, what their answers cost, and the room's vote beside it.

Every call into `duels_tui.impact` is in this file (`_ImpactApi`), so a renamed function there
is one edit here. When the impact layer cannot compute (missing profile, broken data file), the
reveal still shows the cards, the tokens and the vote, with `impact_error` saying why.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from duels_tui.arena.cards import architecture_text, params_text
from duels_tui.arena.final import Candidate
from duels_tui.arena.state import SIDES, Answer, DuelState
from duels_tui.arena.votes import Outcome, VoteCounts
from duels_tui.catalog import ModelCard
from duels_tui.lang import DEFAULT, Texts
from duels_tui.ranges import Range

if TYPE_CHECKING:
    from duels_tui.arena.workshop import Workshop


TEXTS = Texts(
    "arena.reveal",
    {
        "impact_error": ("impact non calculé : {why}", "impact not computed: {why}"),
        "compare_error": ("comparaison impossible : {why}", "comparison impossible: {why}"),
    },
)


@dataclass(frozen=True)
class SideReveal:
    """One side of the reveal. `impact` is summed over the side's answers in the duel (every
    turn, partial answers included: they were computed); `impacts` has one per answer."""

    side: str
    model_id: str
    card: ModelCard
    size_class: str  # "XS".."XL", or "S-M" when an estimated size straddles two classes
    params_text: str  # « 300 à 440 milliards (estimation) », in the reveal's language
    architecture_text: str  # « dense », « mélange d'experts (MoE) : 37 milliards actifs… »
    output_tokens: int
    usage_source: str  # "server" (counted by the server), "estimate", or "mixed"
    answers: int  # answers with at least one token
    votes: int | None
    share: float | None  # vote share, « les deux se valent » counting half
    qualifiers: frozenset[str]
    names_itself: bool
    impact: Any | None = None  # duels_tui.impact.model.Impact
    impacts: tuple[Any, ...] = ()
    equivalents: tuple[Any, ...] = ()
    energy_class: str | None = None
    wh_per_million_tokens: float | None = None
    profile: str | None = None
    profile_label: str | None = None
    zone: str | None = None
    recorded_at: str | None = None  # ISO 8601, when the answers were recorded (a replayed pack)

    @property
    def energy_wh_per_answer(self) -> float | None:
        if self.impact is None:
            return None
        return self.impact.energy_wh.mid / self.answers if self.answers else 0.0


@dataclass(frozen=True)
class Reveal:
    duel_index: int
    title: str
    sides: dict[str, SideReveal]
    vote: VoteCounts | None
    outcome: Outcome | None
    methodology: str
    comparison: Any | None = None  # impact's Comparison(sentence, ratio): A against B
    impact_error: str | None = None  # when the impact could not be computed (the reason as raised: French)
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def a(self) -> SideReveal:
        return self.sides["A"]

    @property
    def b(self) -> SideReveal:
        return self.sides["B"]

    @property
    def ratio(self) -> float | None:
        """Energy of A divided by energy of B (mid values)."""
        if self.a.impact is None or self.b.impact is None:
            return None
        b = self.b.impact.energy_wh.mid
        return self.a.impact.energy_wh.mid / b if b > 0 else None


class ImpactUnavailable(RuntimeError):
    """The impact layer could not compute; the message is French."""


class _ImpactApi:
    """The one place that knows the impact package's names (imported on first use: the reveal
    is the first screen that needs it)."""

    @cached_property
    def _impact(self) -> Any:
        return importlib.import_module("duels_tui.impact")

    @cached_property
    def hardware(self) -> Any:
        return self._impact.load_hardware()

    @cached_property
    def _equivalents(self) -> Any:
        return self._impact.load_equivalents()

    def profile_and_zone(self, card: ModelCard, zone_code: str | None) -> tuple[Any, Any]:
        profile = card.impact_profile(self.hardware)
        zone = self.hardware.zone(zone_code or profile.zone)
        return profile, zone

    def answer_impact(self, card: ModelCard, answer: Answer, methodology: str, profile: Any, zone: Any) -> Any:
        t = answer.timings
        return self._impact.answer_impact(
            params_total=card.params_total,
            params_active=card.params_active,
            output_tokens=answer.output_tokens,
            methodology=methodology,
            profile=profile,
            zone=zone,
            generation_s=t.generation_s if t.generation_s and t.generation_s > 0 else None,
            tokens_per_s=t.tokens_per_s if t.tokens_per_s and t.tokens_per_s > 0 else None,
            ttft_s=t.ttft_s if t.ttft_s is not None and t.ttft_s >= 0 else None,
            quantization_bits=self.hardware.bits_for(card.quantization),
        )

    def zero_impact(self, methodology: str, profile: Any, zone: Any) -> Any:
        zero = Range.exact(0.0)
        return self._impact.Impact(
            energy_wh=zero,
            gwp_usage_g=zero,
            gwp_embodied_g=zero,
            gwp_g=zero,
            water_ml=zero,
            pe_mj=zero,
            adpe_kgsbeq=zero,
            methodology=methodology,
            profile=profile.name,
            zone=zone.code,
            output_tokens=0,
        )

    def equivalents(self, impact: Any, lang: str) -> tuple[Any, ...]:
        if impact.output_tokens <= 0:
            return ()
        return tuple(self._impact.pick_equivalents(impact, self._equivalents, n=3, lang=lang))

    def energy_class(self, wh_per_million_tokens: float | None) -> str | None:
        if wh_per_million_tokens is None:
            return None
        return self._impact.energy_class(wh_per_million_tokens, self._equivalents.classes)

    def compare(self, a: Any, b: Any, lang: str) -> Any:
        return self._impact.compare_energy(a, b, lang=lang)


_API = _ImpactApi()


def sum_impacts(impacts: list[Any]) -> Any | None:
    """Answers of one model in one duel, added up: Range fields add, tokens add."""
    if not impacts:
        return None
    from dataclasses import replace

    total = impacts[0]
    for other in impacts[1:]:
        measured = (
            None if total.measured_wh is None or other.measured_wh is None else total.measured_wh + other.measured_wh
        )
        total = replace(
            total,
            energy_wh=total.energy_wh + other.energy_wh,
            gwp_usage_g=total.gwp_usage_g + other.gwp_usage_g,
            gwp_embodied_g=total.gwp_embodied_g + other.gwp_embodied_g,
            gwp_g=total.gwp_g + other.gwp_g,
            water_ml=total.water_ml + other.water_ml,
            pe_mj=total.pe_mj + other.pe_mj,
            adpe_kgsbeq=total.adpe_kgsbeq + other.adpe_kgsbeq,
            output_tokens=total.output_tokens + other.output_tokens,
            measured_wh=measured,
        )
    if len(impacts) > 1:
        total = replace(total, inputs={**dict(total.inputs), "answers": len(impacts)})
    return total


def _usage_source(answers: list[Answer]) -> str:
    sources = {a.usage_source for a in answers}
    if not sources:
        return "estimate"
    return sources.pop() if len(sources) == 1 else "mixed"


def side_figures(
    workshop: Workshop,
    duel: DuelState,
    side: str,
    *,
    with_impact: bool = True,
    with_equivalents: bool = True,
    lang: str = DEFAULT,
) -> tuple[SideReveal, str | None]:
    """The side's reveal (its words in `lang`), and the reason when its impact could not be
    computed. `with_equivalents=False` skips the equivalents (the pooled ranking needs only
    the energy, for hundreds of duels)."""
    card = workshop.card(duel.sides[side])
    counted = [a for a in duel.answers(side) if a.output_tokens > 0]
    vote = duel.vote
    figures: dict[str, Any] = {}
    error: str | None = None
    if with_impact:
        try:
            profile, zone = _API.profile_and_zone(card, workshop.zone)
            impacts = [_API.answer_impact(card, a, workshop.methodology, profile, zone) for a in counted]
            total = sum_impacts(impacts)
            if total is None:  # no token at all: a zero impact, not an unknown one
                total = _API.zero_impact(workshop.methodology, profile, zone)
            per_million = total.wh_per_million_tokens
            figures = {
                "impact": total,
                "impacts": tuple(impacts),
                "equivalents": _API.equivalents(total, lang) if with_equivalents else (),
                "energy_class": _API.energy_class(per_million),
                "wh_per_million_tokens": per_million,
                "profile": profile.name,
                "profile_label": profile.label_in(lang),
                "zone": zone.code,
            }
        except Exception as exc:
            error = TEXTS("impact_error", lang, why=exc)
    reveal = SideReveal(
        side=side,
        model_id=card.id,
        card=card,
        size_class=workshop.size_class(card.id),
        params_text=params_text(card, lang),
        architecture_text=architecture_text(card, lang),
        output_tokens=sum(a.output_tokens for a in duel.answers(side)),
        usage_source=_usage_source(counted),
        answers=len(counted),
        votes=vote.for_side(side) if vote else None,
        share=vote.share(side) if vote else None,
        qualifiers=duel.qualifiers.get(side, frozenset()),
        names_itself=any(a.names_itself for a in duel.answers(side)),
        recorded_at=workshop.recorded_on.get(card.id),
        **figures,
    )
    return reveal, error


def build_reveal(workshop: Workshop, duel: DuelState, lang: str = DEFAULT) -> Reveal:
    sides: dict[str, SideReveal] = {}
    errors: list[str] = []
    for side in SIDES:
        sides[side], error = side_figures(workshop, duel, side, lang=lang)
        if error:
            errors.append(error)
    comparison = None
    if sides["A"].impact is not None and sides["B"].impact is not None:
        try:
            comparison = _API.compare(sides["A"].impact, sides["B"].impact, lang)
        except Exception as exc:
            errors.append(TEXTS("compare_error", lang, why=exc))
    return Reveal(
        duel_index=duel.index,
        title=duel.title,
        sides=sides,
        vote=duel.vote,
        outcome=duel.vote.outcome if duel.vote else None,
        methodology=workshop.methodology,
        comparison=comparison,
        impact_error="; ".join(dict.fromkeys(errors)) or None,
    )


def final_candidates(workshop: Workshop) -> list[Candidate]:
    """Each voted duel's winner (a tie: both models; « aucun des deux »: none), with its vote
    share and its energy per answer. A model that wins several duels is one candidate: mean
    share, energy per answer over all its answers."""
    merged: dict[str, dict[str, Any]] = {}
    for duel in workshop.duels:
        if duel.vote is None or not workshop.may_name(duel):
            continue
        outcome = duel.vote.outcome
        winners = {Outcome.A: ["A"], Outcome.B: ["B"], Outcome.TIE: ["A", "B"]}.get(outcome, [])
        for side in winners:
            figures, _ = side_figures(workshop, duel, side)
            entry = merged.setdefault(
                figures.model_id,
                {
                    "name": figures.card.name,
                    "duels": [],
                    "shares": [],
                    "wh": 0.0,
                    "answers": 0,
                    "known": True,
                },
            )
            entry["duels"].append(duel.index)
            entry["shares"].append(duel.vote.share(side))
            if figures.impact is None:
                entry["known"] = False
            else:
                entry["wh"] += figures.impact.energy_wh.mid
                entry["answers"] += figures.answers
    return [
        Candidate(
            model_id=model_id,
            name=e["name"],
            duels=tuple(e["duels"]),
            share=sum(e["shares"]) / len(e["shares"]),
            energy_wh=(e["wh"] / e["answers"] if e["answers"] else 0.0) if e["known"] else None,
        )
        for model_id, e in merged.items()
    ]
