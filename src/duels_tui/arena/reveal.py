"""The reveal: who A and B were, what their answers cost, and the room's vote beside it.

The impact package is imported on first use (the reveal is the first screen that needs it, and
importing it costs about as much as the rest of the arena). When it cannot compute (missing
profile, broken data file), the reveal still shows the cards, the tokens and the vote, with
`impact_error` saying why.

The reveal reads a session through `Session` (`arena.workshop.Workshop` is one): the workshop
calls down into this module, never the other way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from duels_tui.arena.cards import architecture_text, params_text
from duels_tui.arena.final import Candidate
from duels_tui.arena.state import Answer, DuelState
from duels_tui.arena.votes import Outcome, VoteCounts
from duels_tui.catalog import ModelCard
from duels_tui.engine.events import SIDES
from duels_tui.lang import DEFAULT, Texts

if TYPE_CHECKING:
    from duels_tui.impact import Comparison, Equivalent, HardwareConfig, HardwareProfile, Impact, Zone


TEXTS = Texts(
    "arena.reveal",
    {
        "impact_error": ("impact non calculé : {why}", "impact not computed: {why}"),
        "compare_error": ("comparaison impossible : {why}", "comparison impossible: {why}"),
    },
)


class Session(Protocol):
    """What the reveal and the final read of a session."""

    duels: list[DuelState]
    methodology: str
    zone: str | None  # None: each hardware profile's own zone
    recorded_on: dict[str, str]  # model id -> when its answers were recorded (a replayed pack)

    def card(self, model_id: str) -> ModelCard: ...

    def size_class(self, model_id: str) -> str: ...

    def may_name(self, duel: DuelState) -> bool: ...


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
    impact: Impact | None = None
    impacts: tuple[Impact, ...] = ()
    equivalents: tuple[Equivalent, ...] = ()
    energy_class: str | None = None
    wh_per_million_tokens: float | None = None
    profile: str | None = None
    profile_label: str | None = None
    zone: str | None = None
    recorded_at: str | None = None  # ISO 8601, when the answers were recorded (a replayed pack)
    load_s: float | None = None  # loading its model into memory took this long, before its answers

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
    comparison: Comparison | None = None  # A against B
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


def _answer_impact(
    card: ModelCard, answer: Answer, methodology: str, hardware: HardwareConfig, profile: HardwareProfile, zone: Zone
) -> Impact:
    from duels_tui.impact import answer_impact

    t = answer.timings
    return answer_impact(
        params_total=card.params_total,
        params_active=card.params_active,
        output_tokens=answer.output_tokens,
        methodology=methodology,
        profile=profile,
        zone=zone,
        generation_s=t.generation_s if t.generation_s and t.generation_s > 0 else None,
        tokens_per_s=t.tokens_per_s if t.tokens_per_s and t.tokens_per_s > 0 else None,
        ttft_s=t.ttft_s if t.ttft_s is not None and t.ttft_s >= 0 else None,
        quantization_bits=hardware.bits_for(card.quantization),
    )


def sum_impacts(impacts: list[Impact]) -> Impact | None:
    """Answers of one model in one duel, added up (`Impact.__add__`), with how many they were."""
    if not impacts:
        return None
    total = sum(impacts[1:], impacts[0])
    return total.counting_answers(len(impacts)) if len(impacts) > 1 else total


def _usage_source(answers: list[Answer]) -> str:
    sources = {a.usage_source for a in answers}
    if not sources:
        return "estimate"
    return sources.pop() if len(sources) == 1 else "mixed"


def side_figures(
    session: Session,
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
    card = session.card(duel.sides[side])
    counted = [a for a in duel.answers(side) if a.output_tokens > 0]
    vote = duel.vote
    figures: dict[str, Any] = {}
    error: str | None = None
    if with_impact:
        try:
            from duels_tui.impact import Impact, energy_class, load_equivalents, load_hardware, pick_equivalents

            hardware = load_hardware()
            profile = card.impact_profile(hardware)
            zone = hardware.zone(session.zone or profile.zone)
            impacts = [_answer_impact(card, a, session.methodology, hardware, profile, zone) for a in counted]
            # No token at all: a zero impact, not an unknown one.
            total = sum_impacts(impacts) or Impact.zero(session.methodology, profile.name, zone.code)
            per_million = total.wh_per_million_tokens  # None without tokens: no equivalent, no class
            shown = with_equivalents and per_million is not None
            figures = {
                "impact": total,
                "impacts": tuple(impacts),
                "equivalents": tuple(pick_equivalents(total, load_equivalents(), n=3, lang=lang)) if shown else (),
                "energy_class": None if per_million is None else energy_class(per_million, load_equivalents().classes),
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
        size_class=session.size_class(card.id),
        params_text=params_text(card, lang),
        architecture_text=architecture_text(card, lang),
        output_tokens=sum(a.output_tokens for a in duel.answers(side)),
        usage_source=_usage_source(counted),
        answers=len(counted),
        votes=vote.for_side(side) if vote else None,
        share=vote.share(side) if vote else None,
        qualifiers=duel.qualifiers.get(side, frozenset()),
        names_itself=any(a.names_itself for a in duel.answers(side)),
        recorded_at=session.recorded_on.get(card.id),
        load_s=_load_s(duel.answers(side)),
        **figures,
    )
    return reveal, error


def _load_s(answers: list[Answer]) -> float | None:
    """The time its model spent loading into memory for this duel's answers; None when it had
    no loading step."""
    loads = [a.load_s for a in answers if a.load_s is not None]
    return sum(loads) if loads else None


def build_reveal(session: Session, duel: DuelState, lang: str = DEFAULT) -> Reveal:
    sides: dict[str, SideReveal] = {}
    errors: list[str] = []
    for side in SIDES:
        sides[side], error = side_figures(session, duel, side, lang=lang)
        if error:
            errors.append(error)
    comparison = None
    if sides["A"].impact is not None and sides["B"].impact is not None:
        try:
            from duels_tui.impact import compare_energy

            comparison = compare_energy(sides["A"].impact, sides["B"].impact, lang=lang)
        except Exception as exc:
            errors.append(TEXTS("compare_error", lang, why=exc))
    return Reveal(
        duel_index=duel.index,
        title=duel.title,
        sides=sides,
        vote=duel.vote,
        outcome=duel.vote.outcome if duel.vote else None,
        methodology=session.methodology,
        comparison=comparison,
        impact_error="; ".join(dict.fromkeys(errors)) or None,
    )


def final_candidates(session: Session) -> list[Candidate]:
    """Each voted duel's winner (a tie: both models; « aucun des deux »: none), with its vote
    share and its energy per answer. A model that wins several duels is one candidate: mean
    share, energy per answer over all its answers."""
    merged: dict[str, dict[str, Any]] = {}
    for duel in session.duels:
        if duel.vote is None or not session.may_name(duel):
            continue
        outcome = duel.vote.outcome
        winners = {Outcome.A: ["A"], Outcome.B: ["B"], Outcome.TIE: ["A", "B"]}.get(outcome, [])
        for side in winners:
            figures, _ = side_figures(session, duel, side, with_equivalents=False)  # the energy only
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
