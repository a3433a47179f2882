"""`duels export --dataset votes|conversations|reactions`: rows with exactly the columns compar:IA
publishes under those names, so that notebooks written for its datasets run on a school's data.

The columns, in compar:IA's order, are those of its export script (betagouv/ComparIA,
utils/export_dataset.py: `votes_db_query` selects `v.*` of utils/schemas/votes.sql,
`conversations_db_query` and `reactions_db_query` list theirs; then the private ones are dropped
and, for conversations, the parameters and kWh are added). How a room's workshop fills them:

- votes: one row per raised hand, as compar:IA has one row per visitor's vote (a tie or
  « aucun » hand: `chosen_model_name` null, `both_equal` true). The room's qualifiers and comments
  are on the duel's first row only: repeated on every hand they would count once per hand in a
  tally of preferences. `selected_category`, `is_unedited_prompt` and `visitor_id` have no
  equivalent in a room: null.
- conversations: one row per duel (compar:IA's pair of conversations). `mode` is "custom" (the
  programme chose the pair, as a visitor does in compar:IA's custom mode), `custom_models_selection`
  the programme's pair; `short_summary`, `keywords`, `categories`, `languages` (computed by
  compar:IA afterwards) are null.
- reactions: from the qualifiers. Each side of a voted duel with a qualifier or a comment gives one
  reaction to its last answer: `liked` when its positive qualifiers outnumber the negative ones,
  `disliked` the other way round (compar:IA's like and dislike exclude each other), the qualifiers
  in their own columns. `msg_index` is the answer's position in `conversation_a`/`_b`, `msg_rank`
  its turn from 0, `question_id` `<conversation_pair_id>-<msg_rank>` as compar:IA writes it.

Identifiers are strings (`<session_hash>-<duel>`, with `-<hand>` for a vote): compar:IA's `id` is
a database number, meaningless outside its database.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from duels_tui.arena.votes import NEGATIVE_QUALIFIERS, POSITIVE_QUALIFIERS, QUALIFIERS

if TYPE_CHECKING:
    from duels_tui.catalog import Catalog
    from duels_tui.store.db import Store

DATASETS = ("votes", "conversations", "reactions")

_QUALIFIER_COLUMNS = [f"conv_{q}_{s}" for q in QUALIFIERS for s in ("a", "b")]
VOTES_COLUMNS = [
    "id",
    "timestamp",
    "model_a_name",
    "model_b_name",
    "model_pair_name",
    "chosen_model_name",
    "opening_msg",
    "both_equal",
    "conversation_a",
    "conversation_b",
    "conv_turns",
    "system_prompt_a",
    "system_prompt_b",
    "selected_category",
    "is_unedited_prompt",
    "conversation_pair_id",
    "session_hash",
    "visitor_id",
    "conv_comments_a",
    "conv_comments_b",
    *_QUALIFIER_COLUMNS,
]
CONVERSATIONS_COLUMNS = [
    "id",
    "timestamp",
    "model_a_name",
    "model_b_name",
    "conversation_a",
    "conversation_b",
    "conv_turns",
    "conversation_pair_id",
    "conv_a_id",
    "conv_b_id",
    "session_hash",
    "visitor_id",
    "model_pair_name",
    "opening_msg",
    "system_prompt_a",
    "system_prompt_b",
    "mode",
    "custom_models_selection",
    "short_summary",
    "keywords",
    "categories",
    "languages",
    "total_conv_a_output_tokens",
    "total_conv_b_output_tokens",
    "model_a_total_params",
    "model_b_total_params",
    "model_a_active_params",
    "model_b_active_params",
    "total_conv_a_kwh",
    "total_conv_b_kwh",
]
REACTIONS_COLUMNS = [
    "id",
    "timestamp",
    "model_a_name",
    "model_b_name",
    "refers_to_model",
    "msg_index",
    "opening_msg",
    "conversation_a",
    "conversation_b",
    "model_pos",
    "conv_turns",
    "conversation_pair_id",
    "conv_a_id",
    "conv_b_id",
    "refers_to_conv_id",
    "session_hash",
    "visitor_id",
    "response_content",
    "question_content",
    "liked",
    "disliked",
    "comment",
    # compar:IA's order here (creative before complete), not the vote's.
    "useful",
    "creative",
    "complete",
    "clear_formatting",
    "incorrect",
    "superficial",
    "instructions_not_followed",
    "model_pair_name",
    "msg_rank",
    "question_id",
    "system_prompt",
]
COLUMNS = {"votes": VOTES_COLUMNS, "conversations": CONVERSATIONS_COLUMNS, "reactions": REACTIONS_COLUMNS}


def _conv_ids(row: dict[str, Any]) -> dict[str, str]:
    pair = row["conversation_pair_id"]
    return {"conv_a_id": f"{pair}-a", "conv_b_id": f"{pair}-b"}


def _votes(row: dict[str, Any]) -> Iterator[dict[str, Any]]:
    from duels_tui.outputs.export import ballot_rows

    for number, ballot in enumerate(ballot_rows(row)):
        first = number == 0
        yield {
            **{k: ballot[k] for k in VOTES_COLUMNS if k in ballot},
            "selected_category": None,
            "is_unedited_prompt": None,
            "visitor_id": None,
            "conv_comments_a": ballot["conv_comments_a"] if first else None,
            "conv_comments_b": ballot["conv_comments_b"] if first else None,
            **{c: ballot[c] if first else None for c in _QUALIFIER_COLUMNS},
        }


def _conversation(row: dict[str, Any], programme_pair: list[str]) -> dict[str, Any]:
    return {
        **{k: row[k] for k in CONVERSATIONS_COLUMNS if k in row},
        **_conv_ids(row),
        "visitor_id": None,
        "mode": "custom",
        "custom_models_selection": programme_pair,
        "short_summary": None,
        "keywords": None,
        "categories": None,
        "languages": None,
    }


def _reactions(row: dict[str, Any]) -> Iterator[dict[str, Any]]:
    if not row["voted"]:
        return
    ids = _conv_ids(row)
    for pos in ("a", "b"):
        chosen = {q for q in QUALIFIERS if row[f"conv_{q}_{pos}"]}
        comment = row[f"conv_comments_{pos}"]
        if not chosen and not comment:
            continue
        conversation = row[f"conversation_{pos}"]
        index = len(conversation) - 1  # the side's last answer
        rank = index // 2
        positive = len(chosen & POSITIVE_QUALIFIERS.keys())
        negative = len(chosen & NEGATIVE_QUALIFIERS.keys())
        yield {
            "id": f"{row['conversation_pair_id']}-{pos}",
            "timestamp": row["timestamp"],
            "model_a_name": row["model_a_name"],
            "model_b_name": row["model_b_name"],
            "refers_to_model": row[f"model_{pos}_name"],
            "msg_index": index,
            "opening_msg": row["opening_msg"],
            "conversation_a": row["conversation_a"],
            "conversation_b": row["conversation_b"],
            "model_pos": pos,
            "conv_turns": row["conv_turns"],
            "conversation_pair_id": row["conversation_pair_id"],
            **ids,
            "refers_to_conv_id": ids[f"conv_{pos}_id"],
            "session_hash": row["session_hash"],
            "visitor_id": None,
            "response_content": conversation[index]["content"],
            "question_content": conversation[index - 1]["content"],
            "liked": positive > negative,
            "disliked": negative > positive,
            "comment": comment or "",
            **{q: q in chosen for q in QUALIFIERS},
            "model_pair_name": row["model_pair_name"],
            "msg_rank": rank,
            "question_id": f"{row['conversation_pair_id']}-{rank}",
            "system_prompt": row[f"system_prompt_{pos}"],
        }


def dataset_rows(
    store: Store, dataset: str, *, session_id: int | None = None, catalog: Catalog | None = None
) -> Iterator[dict[str, Any]]:
    """The rows of compar:IA's dataset `dataset` for every session (or one), oldest first."""
    from duels_tui.outputs.export import ExportError, export_rows

    if dataset not in DATASETS:
        raise ExportError(f"jeu de données inconnu « {dataset} » : {', '.join(DATASETS)}")
    pairs = _programme_pairs(store)
    for row in export_rows(store, session_id=session_id, catalog=catalog):
        if dataset == "votes":
            yield from _votes(row)
        elif dataset == "conversations":
            yield _conversation(row, pairs.get((row["session_id"], row["duel_index"]), row["model_pair_name"]))
        else:
            yield from _reactions(row)


def _programme_pairs(store: Store) -> dict[tuple[int, int], list[str]]:
    """(session number, duel number from 1) -> the pair the programme listed."""
    import json

    return {
        (r["session_id"], r["idx"] + 1): list(json.loads(r["listed_models"]))
        for r in store._rows("SELECT session_id, idx, listed_models FROM duels")
    }
