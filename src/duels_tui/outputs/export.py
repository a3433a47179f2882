"""`duels export`: votes and conversations with compar:IA's dataset columns, plus the room's counts.

The format is documented in docs/export.md; `COLUMNS` is its order. Two kinds of rows:
- "room" (default): one row per duel (the pair of conversations, all turns), with the room's
  counts (`votes_a`, `votes_b`, `votes_tie`, `votes_none`) and, in compar:IA's columns, the
  majority (`chosen_model_name`, `both_equal`).
- "ballot" (`ballots=True`): one row per raised hand, so that a tool built for compar:IA's
  one-vote-per-row datasets (a Bradley-Terry ranking, for instance) weighs the room's hands.

Nothing exported names a file, a server or a key: model ids, texts, counts, timings, figures.
"""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from duels_tui.arena.votes import QUALIFIERS, Outcome
from duels_tui.engine.events import SIDES
from duels_tui.outputs.csv_safe import SafeCsvWriter

if TYPE_CHECKING:
    from duels_tui.arena.reveal import SideReveal
    from duels_tui.arena.state import Answer, DuelState
    from duels_tui.arena.workshop import Workshop
    from duels_tui.catalog import Catalog
    from duels_tui.store.db import Store

FORMATS = ("jsonl", "csv")

COMPARIA_COLUMNS = [
    "id",
    "timestamp",
    "model_a_name",
    "model_b_name",
    "model_pair_name",
    "chosen_model_name",
    "both_equal",
    "opening_msg",
    "conversation_a",
    "conversation_b",
    "conv_turns",
    "system_prompt_a",
    "system_prompt_b",
    "conversation_pair_id",
    "session_hash",
    "conv_comments_a",
    "conv_comments_b",
    *(f"conv_{q}_{s}" for s in ("a", "b") for q in QUALIFIERS),
    "total_conv_a_output_tokens",
    "total_conv_b_output_tokens",
    "model_a_total_params",
    "model_a_active_params",
    "model_b_total_params",
    "model_b_active_params",
    "total_conv_a_kwh",
    "total_conv_b_kwh",
]
ROOM_COLUMNS = [
    "row_kind",
    "ballot_choice",
    "votes_a",
    "votes_b",
    "votes_tie",
    "votes_none",
    "votes_total",
    "quick_vote",
    "vote_corrections",
    "room_outcome",
    "voted",
    "session_id",
    "session_place",
    "programme",
    "duel_index",
    "duel_title",
    "model_a_size_class",
    "model_b_size_class",
    "model_a_params_estimate",
    "model_b_params_estimate",
    "usage_source_a",
    "usage_source_b",
    "methodology",
    "zone_a",
    "zone_b",
    # What `duels import` needs to rebuild the session on another machine (docs/export.md).
    "session_started_at",
    "model_a_card",
    "model_b_card",
]
COLUMNS = COMPARIA_COLUMNS + ROOM_COLUMNS

_OUTCOME_CODES = {Outcome.A: "a", Outcome.B: "b", Outcome.TIE: "tie", Outcome.NONE: "none"}


class ExportError(ValueError):
    """French message for the command line."""


def _message(role: str, content: str, answer: Answer | None = None) -> dict[str, Any]:
    if answer is None:
        return {"role": role, "content": content, "reasoning_content": None, "metadata": {}}
    t = answer.timings
    return {
        "role": role,
        "content": content,
        "reasoning_content": answer.reasoning or None,
        "metadata": {
            "output_tokens": answer.output_tokens,
            "duration": t.total_s if t.total_s is not None else t.generation_s,
            "usage_source": answer.usage_source,
            "status": answer.status.value,
            # What the impact of a local answer rests on, and whether it named itself (the
            # ranking leaves such duels out): `duels import` rebuilds the answer from them.
            "ttft_s": t.ttft_s,
            "generation_s": t.generation_s,
            "tokens_per_s": t.tokens_per_s,
            "finish_reason": t.finish_reason,
            "load_s": answer.load_s,  # its model's loading before it, not in `duration`
            "names_itself": answer.names_itself,
        },
    }


def _conversation(duel: DuelState, side: str) -> list[dict[str, Any]]:
    """compar:IA's messages for one side: each question, then this model's answer (kept even
    when empty, after an error, so both conversations have the same turns)."""
    messages = []
    for turn in duel.turns:
        messages.append(_message("user", turn.user_text))
        answer = turn.answers.get(side)
        if answer is not None:
            messages.append(_message("assistant", answer.text, answer))
    return messages


def _timestamp(duel: DuelState) -> str:
    if duel.voted_at:
        return duel.voted_at
    stamps = [a.finished_at or a.started_at for t in duel.turns for a in t.answers.values()]
    return max((s for s in stamps if s), default=duel.turns[-1].created_at)


def _duel_row(workshop: Workshop, duel: DuelState) -> dict[str, Any]:
    from duels_tui.arena.reveal import side_figures

    figures = {}
    for side in SIDES:
        reveal, _error = side_figures(workshop, duel, side)
        figures[side] = reveal
    a_id, b_id = duel.sides["A"], duel.sides["B"]
    pair_id = f"{workshop.uid}-{duel.index + 1}"
    vote = duel.vote
    outcome = vote.outcome if vote else None
    row: dict[str, Any] = {
        "id": pair_id,
        "timestamp": _timestamp(duel),
        "model_a_name": a_id,
        "model_b_name": b_id,
        "model_pair_name": sorted([a_id, b_id]),
        "chosen_model_name": {Outcome.A: a_id, Outcome.B: b_id}.get(outcome),  # type: ignore[arg-type]
        # « aucun des deux » has no compar:IA equivalent: like FastChat's "tie (bothbad)" it is
        # exported as a tie, so a tool never reads it as a win; `room_outcome` keeps it apart.
        "both_equal": None if outcome is None else outcome in (Outcome.TIE, Outcome.NONE),
        "opening_msg": duel.turns[0].user_text,
        "conversation_a": _conversation(duel, "A"),
        "conversation_b": _conversation(duel, "B"),
        "conv_turns": len(duel.turns),
        "system_prompt_a": duel.spec.system_prompt,
        "system_prompt_b": duel.spec.system_prompt,
        "conversation_pair_id": pair_id,
        "session_hash": workshop.uid,
        "conv_comments_a": duel.comments.get("A"),
        "conv_comments_b": duel.comments.get("B"),
    }
    for side, suffix in (("A", "a"), ("B", "b")):
        chosen = duel.qualifiers.get(side, frozenset())
        for q in QUALIFIERS:
            row[f"conv_{q}_{suffix}"] = (q in chosen) if vote else None
    for side, suffix in (("A", "a"), ("B", "b")):
        fig = figures[side]
        row[f"total_conv_{suffix}_output_tokens"] = fig.output_tokens
        row[f"model_{suffix}_total_params"] = fig.card.params_total.mid
        row[f"model_{suffix}_active_params"] = fig.card.params_active.mid
        row[f"total_conv_{suffix}_kwh"] = fig.impact.energy_wh.mid / 1000 if fig.impact is not None else None
    row.update(
        {
            "row_kind": "room",
            "ballot_choice": None,
            "votes_a": vote.a if vote else None,
            "votes_b": vote.b if vote else None,
            "votes_tie": vote.tie if vote else None,
            "votes_none": vote.none if vote else None,
            "votes_total": vote.total if vote else None,
            "quick_vote": vote.quick if vote else None,
            "vote_corrections": [
                {**earlier.votes.to_json(), "recorded_at": earlier.recorded_at, "replaced_at": earlier.replaced_at}
                for earlier in duel.vote_history
            ],
            "room_outcome": _OUTCOME_CODES.get(outcome) if outcome else None,  # type: ignore[arg-type]
            "voted": vote is not None,
            "session_id": workshop.session_id,
            "session_place": workshop.place,
            "programme": workshop.programme.key,
            "duel_index": duel.index + 1,
            "duel_title": duel.title,
            "model_a_size_class": figures["A"].size_class,
            "model_b_size_class": figures["B"].size_class,
            "model_a_params_estimate": figures["A"].card.estimate,
            "model_b_params_estimate": figures["B"].card.estimate,
            "usage_source_a": figures["A"].usage_source,
            "usage_source_b": figures["B"].usage_source,
            "methodology": workshop.methodology,
            "zone_a": figures["A"].zone,
            "zone_b": figures["B"].zone,
            "session_started_at": workshop.created_at,
            "model_a_card": exported_card(figures["A"]),
            "model_b_card": exported_card(figures["B"]),
        }
    )
    if not workshop.may_name(duel):
        row.update(dict.fromkeys(HIDDEN_UNTIL_REVEAL))
    return row


# A blind session's duel not revealed yet: what would name its models, or hint at them (sizes,
# energy, electricity zone), is exported empty; the conversations and the votes are there.
HIDDEN_UNTIL_REVEAL = (
    "model_a_name", "model_b_name", "model_pair_name", "chosen_model_name",
    *(f"model_{s}_{what}" for s in "ab" for what in ("total_params", "active_params", "size_class",
                                                      "params_estimate", "card")),
    "total_conv_a_kwh", "total_conv_b_kwh", "zone_a", "zone_b",
)


def exported_card(figures: SideReveal) -> dict[str, Any]:
    """The card the figures were computed on, as a session keeps it (arena/cards.py), with
    its size class and the hardware profile it ran on instead of its litellm route (never
    exported): enough for another machine to compute the same figures."""
    from duels_tui.arena.cards import card_snapshot
    from duels_tui.config.errors import ConfigError

    try:
        card = card_snapshot(figures.card)
    except ConfigError:
        # A broken hardware.toml: where the model ran is unknown (its figures are too); the
        # rest of the card is still worth exporting (a local_model skips the hardware lookup).
        card = card_snapshot(replace(figures.card, local_model="?"))
        del card["local"]
    del card["route"]
    card["profile"] = figures.profile or figures.card.profile
    card["size_class"] = figures.size_class
    for key in ("params_total", "params_active"):  # 24 and 24.0 alike, whatever the catalog wrote
        card[key] = [float(bound) for bound in card[key]]
    return card


def ballot_rows(row: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """One row per hand: A and B hands choose a model; « les deux se valent » and « aucun »
    hands are ties (`both_equal`), told apart by `ballot_choice`."""
    if not row["voted"]:
        return
    number = 0
    for choice, count in (
        ("a", row["votes_a"]),
        ("b", row["votes_b"]),
        ("tie", row["votes_tie"]),
        ("none", row["votes_none"]),
    ):
        for _ in range(count):
            number += 1
            chosen = {"a": row["model_a_name"], "b": row["model_b_name"]}.get(choice)
            yield {
                **row,
                "id": f"{row['conversation_pair_id']}-{number}",
                "chosen_model_name": chosen,
                "both_equal": chosen is None,
                "row_kind": "ballot",
                "ballot_choice": choice,
            }


def export_rows(
    store: Store,
    *,
    session_id: int | None = None,
    ballots: bool = False,
    catalog: Catalog | None = None,
) -> Iterator[dict[str, Any]]:
    """Rows for every session (oldest first) or one; duels never launched are left out."""
    from duels_tui.arena.workshop import Workshop

    if session_id is not None:
        if store.session(session_id) is None:
            raise ExportError(f"session {session_id} introuvable")
        ids = [session_id]
    else:
        ids = sorted(s.id for s in store.sessions())
    for sid in ids:
        workshop = Workshop.load(store, catalog, sid)
        if workshop is None:
            continue
        for duel in workshop.duels:
            if not duel.turns:
                continue
            row = _duel_row(workshop, duel)
            if ballots:
                yield from ballot_rows(row)
            else:
                yield row


def write_rows(rows: Iterator[dict[str, Any]], fmt: str, out: TextIO, columns: list[str] = COLUMNS) -> int:
    if fmt not in FORMATS:
        raise ExportError(f"format inconnu « {fmt} » : jsonl ou csv")
    count = 0
    if fmt == "jsonl":
        for row in rows:
            out.write(json.dumps({k: row[k] for k in columns}, ensure_ascii=False) + "\n")
            count += 1
        return count
    writer = SafeCsvWriter(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow(row[k] for k in columns)
        count += 1
    return count


def export_session_csv(workshop: Workshop, path: Path) -> int:
    """The session on screen's votes and conversations written to `path` as CSV (the final
    screen's key, ui/app.py), as `duels export --session N --format csv` writes them; returns the
    number of rows. Raises ExportError (a ValueError) or OSError with a French message."""
    return export(workshop.store, "csv", path, session_id=workshop.session_id, catalog=workshop.catalog)


def export(
    store: Store,
    fmt: str = "jsonl",
    out: TextIO | Path | str | None = None,
    *,
    session_id: int | None = None,
    ballots: bool = False,
    catalog: Catalog | None = None,
) -> int:
    """Write the export to `out` (a path, an open text file, or stdout when None); returns the
    number of rows. compar:IA's datasets: outputs/datasets.py's `dataset_rows`, written the same way
    (`write_export`, as `duels export --dataset` does)."""
    return write_export(export_rows(store, session_id=session_id, ballots=ballots, catalog=catalog), fmt, out, COLUMNS)


def write_export(rows: Iterator[dict[str, Any]], fmt: str, out: TextIO | Path | str | None, columns: list[str]) -> int:
    """Rows written to `out` (a path, an open text file, or stdout when None); returns how many. A
    path is written whole or not at all, missing folders created (`output_file.write_output`)."""
    if out is None:  # write_rows refuses an unknown format before it reads a row
        return write_rows(rows, fmt, sys.stdout, columns)
    if not isinstance(out, (str, Path)):
        return write_rows(rows, fmt, out, columns)
    from duels_tui.output_file import OutputFileError, write_output

    buffer = io.StringIO()
    count = write_rows(rows, fmt, buffer, columns)
    try:
        write_output(out, buffer.getvalue())
    except OutputFileError as exc:
        raise ExportError(str(exc)) from None
    return count
