"""Can a stored session be shown again? Checked before `duels` resumes it.

`duels` resumes the last unfinished session: one that cannot be shown would crash the workshop
at every start, and the facilitator could never get past it. A session written by an older duels
(before numbers were bounded at load, see bounds.py) or a database edited by hand may hold a
model of 1e308 billion parameters or an answer of 1e30 tokens. `why_unrenderable` says what
stops it, in French (the caller then starts a new session and says how to reach the old one);
None when its reveals and its final compute. Cheap for thousands of duels: no reveal is
built twice for the same pair of models.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from duels_tui.bounds import PARAMS_B, SECONDS, TOKENS, TOKENS_PER_S, Bounds

if TYPE_CHECKING:
    from duels_tui.arena.state import DuelState
    from duels_tui.arena.workshop import Workshop


def why_unrenderable(workshop: Workshop) -> str | None:
    problem = _stored_numbers(workshop)
    if problem is not None:
        return problem
    from duels_tui.arena.reveal import build_reveal, final_candidates
    from duels_tui.arena.state import Step

    try:
        for duel in _one_voted_duel_per_pair(workshop):
            build_reveal(workshop, duel)
        if workshop.step in (Step.FINAL, Step.DONE):  # the screen the session opens on
            final_candidates(workshop)
    except Exception as exc:  # whatever stops a reveal stops the workshop: the caller starts anew
        return f"sa révélation ne peut pas être calculée ({exc})"
    return None


def _one_voted_duel_per_pair(workshop: Workshop) -> list[DuelState]:
    """A reveal is computed from the two models' cards, the session's methodology and zone, and
    the answers' numbers, which `_stored_numbers` bounds one by one (votes are checked when they
    are read): one voted duel per pair of cards stands for them all. Building every reveal took
    8 s for a session of 3,000 duels (bench/resume_bench.py), the current duel waiting behind it."""
    chosen: dict[frozenset[str], DuelState] = {}
    for duel in workshop.duels:
        if duel.vote is not None:
            chosen.setdefault(frozenset(duel.sides.values()), duel)
    return list(chosen.values())


def _stored_numbers(workshop: Workshop) -> str | None:
    for duel in workshop.duels:
        for model_id in duel.sides.values():
            card = workshop.card(model_id)
            for end in (card.params_total.max, card.params_active.max):
                # No size at all (0) is said at the reveal; only what cannot be computed stops it.
                if end and (problem := PARAMS_B.problem(end)) is not None:
                    return f"la fiche du modèle {model_id} : {problem}"
        for turn in duel.turns:
            for answer in turn.answers.values():
                usage, t = answer.usage, answer.timings
                checks: list[tuple[str, float | None, Bounds]] = [
                    ("tokens", usage.completion_tokens if usage else None, TOKENS),
                    ("tokens de raisonnement", usage.reasoning_tokens if usage else None, TOKENS),
                    ("durée de génération", t.generation_s, SECONDS),
                    ("durée totale", t.total_s, SECONDS),
                    ("délai du premier token", t.ttft_s, SECONDS),
                    ("débit", t.tokens_per_s, TOKENS_PER_S),
                ]
                for what, value, bounds in checks:
                    if value is not None and (problem := bounds.problem(value)) is not None:
                        return f"{duel.title}, {what} d'une réponse : {problem}"
    return None
