"""What a session has shown so far, as the lessons and charts need it.

Read only: nothing here moves the workshop's steps or writes to the store (the reveal's figures
come from `arena.reveal.side_figures`, which computes without changing the duel). Models are
named only once their duel is revealed; the programme's pairs are public (the slides show them),
so the models the session will use can be listed from the start.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from duels_tui.arena.state import DuelState, Step, estimate_tokens
from duels_tui.catalog import ModelCard
from duels_tui.engine.events import SIDES
from duels_tui.explain.phrases import TOKEN_TEXTS
from duels_tui.lang import DEFAULT
from duels_tui.ranges import Range

if TYPE_CHECKING:
    from duels_tui.arena.reveal import SideReveal
    from duels_tui.arena.workshop import Workshop


def programme_models(workshop: Workshop) -> list[ModelCard]:
    """The cards of the models the programme's duels use, each once, in programme order; in a
    blind session, those of the revealed duels only."""
    seen: dict[str, ModelCard] = {}
    for duel in workshop.duels:
        if not workshop.may_name(duel):
            continue
        for model_id in duel.spec.model_ids:
            if model_id not in seen:
                seen[model_id] = workshop.card(model_id)
    return list(seen.values())


def revealed_duels(workshop: Workshop) -> list[DuelState]:
    """Duels whose identities the room has seen: voted and at the reveal."""
    return [d for d in workshop.duels if d.step is Step.REVEAL and d.vote is not None and d.turns]


def side_reveals(workshop: Workshop, duel: DuelState) -> dict[str, SideReveal]:
    from duels_tui.arena.reveal import side_figures

    # The session's charts and lessons read energies, never the equivalents (half the cost: the
    # reveal screen of a 3,000-duel session computes them for every duel).
    return {side: side_figures(workshop, duel, side, with_equivalents=False)[0] for side in SIDES}


@dataclass(frozen=True)
class RevealedModel:
    card: ModelCard
    size_class: str
    duels: tuple[int, ...]  # indices of the revealed duels it played
    answers: int  # answers with at least one token
    energy_wh: Range | None  # all its answers in revealed duels; None when not computable

    @property
    def energy_per_answer(self) -> Range | None:
        if self.energy_wh is None or not self.answers:
            return None
        return self.energy_wh * (1 / self.answers)


@dataclass(frozen=True)
class AnswerEnergy:
    """One answer of a revealed duel and its estimated energy."""

    duel_index: int
    side: str
    turn: int  # 0-based index among the side's answers that produced tokens
    model_name: str
    output_tokens: int
    energy_wh: Range


@dataclass(frozen=True)
class SessionFigures:
    revealed: list[DuelState]
    models: list[RevealedModel]  # revealed models, each once
    answers: list[AnswerEnergy]  # every answer of the revealed duels, in order
    methodology: str

    @property
    def total_energy_wh(self) -> Range | None:
        if not self.answers:
            return None
        return sum((a.energy_wh for a in self.answers), Range.exact(0.0))


def session_figures(workshop: Workshop) -> SessionFigures:
    revealed = revealed_duels(workshop)
    merged: dict[str, dict] = {}
    answers: list[AnswerEnergy] = []
    for duel in revealed:
        for side, figures in side_reveals(workshop, duel).items():
            entry = merged.setdefault(
                figures.model_id,
                {"card": figures.card, "size_class": figures.size_class, "duels": [], "answers": 0,
                 "energy": Range.exact(0.0), "known": True},
            )
            entry["duels"].append(duel.index)
            entry["answers"] += figures.answers
            if figures.impact is None:
                entry["known"] = False
                continue
            entry["energy"] = entry["energy"] + figures.impact.energy_wh
            for turn, impact in enumerate(figures.impacts):
                answers.append(AnswerEnergy(duel.index, side, turn, figures.card.name, impact.output_tokens,
                                            impact.energy_wh))
    models = [
        RevealedModel(e["card"], e["size_class"], tuple(e["duels"]), e["answers"],
                      e["energy"] if e["known"] else None)
        for e in merged.values()
    ]
    return SessionFigures(revealed, models, answers, workshop.methodology)


@dataclass(frozen=True)
class ReasoningSide:
    side: str
    output_tokens: int  # everything it generated, reasoning included
    reasoning_tokens: int
    estimated: bool  # the reasoning count is an estimate from its text

    @property
    def answer_tokens(self) -> int:
        return max(0, self.output_tokens - self.reasoning_tokens)


def reasoning_sides(duel: DuelState) -> dict[str, ReasoningSide]:
    """Per side, how much of what it generated was reasoning (the server's count when it gave
    one, else an estimate from the reasoning text, never more than the whole)."""
    result = {}
    for side in SIDES:
        total = reasoning = 0
        estimated = False
        for answer in duel.answers(side):
            total += answer.output_tokens
            if answer.usage is not None and answer.usage.reasoning_tokens:
                part = answer.usage.reasoning_tokens
            else:
                part = estimate_tokens(answer.reasoning) if answer.reasoning else 0
                estimated = estimated or part > 0
            reasoning += min(part, answer.output_tokens)
        result[side] = ReasoningSide(side, total, reasoning, estimated)
    return result


def last_reasoning_duel(workshop: Workshop) -> DuelState | None:
    """The duel played most recently (the one on screen first) where a side reasoned."""
    order = [workshop.current, *reversed(range(len(workshop.duels)))]
    for index in dict.fromkeys(order):
        if not 0 <= index < len(workshop.duels):
            continue
        duel = workshop.duels[index]
        if duel.turns and any(s.reasoning_tokens > 0 for s in reasoning_sides(duel).values()):
            return duel
    return None


@dataclass(frozen=True)
class TextSource:
    """A text of the duel on screen the token view can split."""

    key: str  # "prompt", "A" or "B"
    label: str
    text: str
    server_tokens: int | None = None  # the answering model's own count, when its server gave one


def token_sources(workshop: Workshop, lang: str = DEFAULT) -> list[TextSource]:
    """The question of the duel on screen (its last follow-up once sent) and the two answers of
    its last turn, anonymous: « Réponse A », « Réponse B »."""
    question = TOKEN_TEXTS("question", lang)

    def answer(side: str, text: str, counted: int | None = None) -> TextSource:
        return TextSource(side, TOKEN_TEXTS("answer", lang, side=side), text, counted)

    if not workshop.duels:
        return [TextSource("prompt", question, "")]
    duel = workshop.duels[min(max(workshop.current, 0), len(workshop.duels) - 1)]
    if not duel.turns:
        return [TextSource("prompt", question, duel.prompt), answer("A", ""), answer("B", "")]
    turn = duel.turns[-1]
    sources = [TextSource("prompt", question, turn.user_text)]
    for side in SIDES:
        reply = turn.answers[side]
        counted = reply.usage.completion_tokens if reply.usage and reply.usage.source == "server" else None
        sources.append(answer(side, reply.text, counted))
    return sources
