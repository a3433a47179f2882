"""A session as the store keeps it: the rows written when a session starts, and the workshop's
objects read back from the rows (`Workshop.resume`, `Workshop.load`).

The columns are store/schema.py's. An answer's columns bear the JSON names of the fields they
hold, so a row reads with `Timings`, `AnswerUsage` and `AnswerError`'s `from_json`
(arena/state.py). Reading writes nothing: what a resume does with an answer that was streaming
when the app stopped is the workshop's (arena/workshop.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from duels_tui import __version__
from duels_tui.arena.state import (
    Answer,
    AnswerError,
    AnswerStatus,
    AnswerUsage,
    CorrectedVote,
    DuelState,
    Step,
    Timings,
    Turn,
)
from duels_tui.arena.votes import VoteCounts
from duels_tui.config.programme import DuelSpec, Programme
from duels_tui.impact import DEFAULT_METHODOLOGY
from duels_tui.store.db import SessionContents, Store

if TYPE_CHECKING:
    import sqlite3


@dataclass
class StoredSession:
    """What a `Workshop` is built from: a session as the store holds it."""

    session_id: int
    uid: str
    programme: Programme
    duels: list[DuelState]
    # Model id -> its card as the session keeps it (arena/cards.py), with its size class.
    snapshots: dict[str, dict[str, Any]]
    created_at: str
    place: str = ""
    blind: bool = False
    step: Step = Step.HOME
    current: int = 0
    methodology: str = DEFAULT_METHODOLOGY
    zone: str | None = None
    origin: str | None = None
    final_weights: tuple[float, float] = (1.0, 1.0)
    final_vote: dict[str, int] | None = None


def write_session(
    store: Store,
    programme: Programme,
    drawn: list[tuple[DuelSpec, dict[str, str]]],
    snapshots: dict[str, dict[str, Any]],
    *,
    uid: str,
    place: str,
    blind: bool,
) -> StoredSession:
    """A new session's rows, in one transaction: the session at HOME, then each duel of
    `drawn` (its spec, which model is A and which B) at PROMPT with the two models' cards."""
    with store.transaction():
        session_id = store.create_session(
            uid=uid,
            place=place,
            programme_key=programme.key,
            programme_name=programme.name,
            programme_description=programme.description,
            step=Step.HOME.value,
            methodology=DEFAULT_METHODOLOGY,
            app_version=__version__,
            programme_ref=programme.ref,
            blind=blind,
        )
        duels = []
        for index, (spec, sides) in enumerate(drawn):
            duel_id = store.add_duel(
                session_id=session_id,
                idx=index,
                title=spec.title,
                model_a=sides["A"],
                model_b=sides["B"],
                card_a=snapshots[sides["A"]],
                card_b=snapshots[sides["B"]],
                listed_models=spec.model_ids,
                prompt=spec.prompt,
                system_prompt=spec.system_prompt,
                max_tokens=spec.max_tokens,
                temperature=spec.temperature,
                step=Step.PROMPT.value,
            )
            duels.append(DuelState(index, spec, sides, spec.prompt, duel_id=duel_id))
    session = store.session(session_id)
    return StoredSession(
        session_id=session_id,
        uid=uid,
        programme=programme,
        duels=duels,
        snapshots=snapshots,
        created_at=session["created_at"] if session else "",
        place=place,
        blind=blind,
    )


def read_session(store: Store, session_id: int) -> StoredSession | None:
    """Session `session_id` with its duels, their turns, answers and votes; None if there is
    none. An answer that was streaming when the app stopped is read as stored: STREAMING."""
    row = store.session(session_id)
    if row is None:
        return None
    snapshots: dict[str, dict[str, Any]] = {}
    duels: list[DuelState] = []
    for drow in store.duels(session_id):
        duels.append(_duel_from_row(drow))
        for side in ("a", "b"):  # a card once a model: 3,000 duels are 6,000 cards to parse
            if drow[f"model_{side}"] not in snapshots:
                snapshots[drow[f"model_{side}"]] = json.loads(drow[f"card_{side}"])
    programme = Programme(
        key=row["programme_key"],
        name=row["programme_name"],
        description=row["programme_description"],
        duels=tuple(duel.spec for duel in duels),
        path=_programme_path(row["programme_key"]),
        ref=row["programme_ref"] or "",
        blind=bool(row["blind"]),
    )
    stored = StoredSession(
        session_id=session_id,
        uid=row["uid"],
        programme=programme,
        duels=duels,
        snapshots=snapshots,
        created_at=row["created_at"],
        place=row["place"],
        blind=bool(row["blind"]),
        step=Step(row["step"]),
        current=min(row["current"], max(len(duels) - 1, 0)),
        methodology=row["methodology"],
        zone=row["zone"],
        origin=row["origin"],
    )
    if row["final_weights"]:
        weights = json.loads(row["final_weights"])
        stored.final_weights = (float(weights[0]), float(weights[1]))
    if row["final_vote"]:
        stored.final_vote = {k: int(v) for k, v in json.loads(row["final_vote"]).items()}
    contents = store.session_contents(session_id)
    for duel in duels:
        _read_duel_contents(duel, contents)
    return stored


def _duel_from_row(row: sqlite3.Row) -> DuelState:
    listed = json.loads(row["listed_models"])
    spec = DuelSpec(
        title=row["title"],
        model_ids=(listed[0], listed[1]),
        prompt=row["original_prompt"],
        system_prompt=row["system_prompt"],
        max_tokens=row["max_tokens"],
        temperature=row["temperature"],
    )
    return DuelState(
        index=row["idx"],
        spec=spec,
        sides={"A": row["model_a"], "B": row["model_b"]},
        prompt=row["prompt"],
        step=Step(row["step"]),
        duel_id=row["id"],
    )


def _read_duel_contents(duel: DuelState, contents: SessionContents) -> None:
    """The duel's turns with their answers, and the room's vote with its corrections,
    qualifiers and comments."""
    for trow in contents.turns.get(duel.duel_id, []):
        answers = {answer.side: answer for answer in map(_answer_from_row, contents.answers.get(trow["id"], []))}
        duel.turns.append(Turn(trow["idx"], trow["user_text"], answers, trow["id"], trow["created_at"]))
    vrow = contents.votes.get(duel.duel_id)
    if vrow is None:
        return
    duel.vote = _vote_from_row(vrow)
    duel.voted_at = vrow["recorded_at"]
    duel.vote_history = [
        CorrectedVote(_vote_from_row(h), h["recorded_at"], h["replaced_at"])
        for h in contents.vote_history.get(duel.duel_id, [])
    ]
    stored = contents.qualifiers.get(duel.duel_id, {"A": set(), "B": set()})
    duel.qualifiers = {side: frozenset(keys) for side, keys in stored.items()}
    duel.comments = contents.comments.get(duel.duel_id, {})


def _vote_from_row(row: sqlite3.Row) -> VoteCounts:
    """A vote's row or an earlier vote's (their counts' columns are the same)."""
    return VoteCounts(row["votes_a"], row["votes_b"], row["votes_tie"], row["votes_none"], quick=bool(row["quick"]))


def _answer_from_row(row: dict[str, Any]) -> Answer:
    """An answer row: the timings' columns bear their JSON names, usage's and the error's too
    once `usage_` / `error_` is taken off; the error's values are JSON text."""
    usage = AnswerUsage.from_json({**row, "source": row["usage_source"]}) if row["completion_tokens"] is not None \
        else None
    error = None
    if row["error_kind"]:  # most answers have none: nothing to copy (a resume reads thousands)
        columns = {name.removeprefix("error_"): value for name, value in row.items() if name.startswith("error_")}
        error = AnswerError.from_json({**columns, "values": _json_object(row["error_values"])})
    return Answer(
        side=row["side"],
        model_id=row["model_id"],
        status=AnswerStatus(row["status"]),
        text=row["text"],
        reasoning=row["reasoning"],
        usage=usage,
        timings=Timings.from_json(row),
        error=error,
        names_itself=bool(row["names_itself"]),
        attempt=row["attempt"],
        started_at=row["started_at"],
        finished_at=row["finished_at"],
        answer_id=row["id"],
        load_s=row["load_s"],
    )


def _json_object(stored: str | None) -> Any:
    """A JSON column's value; None when unreadable (the stored French text is then shown)."""
    try:
        return json.loads(stored) if stored else None
    except ValueError:
        return None


def _programme_path(key: str) -> Path:
    """The programme's file if it is still installed; else a bare name (never a stored path)."""
    try:
        from duels_tui.config.programme import available_programmes

        return available_programmes().get(key) or Path(f"{key}.toml")
    except Exception:
        return Path(f"{key}.toml")
