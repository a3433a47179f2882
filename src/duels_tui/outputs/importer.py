"""`duels import`: sessions exported by `duels export` on other laptops, merged into this one's
database, so that `duels ranking` pools every room.

- JSON Lines or CSV (the export's two formats; CSV's formula escaping, outputs/csv_safe.py, is
  undone). Room rows (one per duel) and ballot rows (`--ballots`, one per hand) both work.
- A session is known by its uid (`session_hash`): importing a file twice adds nothing. A session
  of this machine is never replaced; an imported one is replaced by a later export of it that
  holds more (more duels, votes or turns), e.g. one exported in the middle of the workshop.
- Every line is checked before anything is written; one file is one transaction. A bad line
  (unreadable, a missing or wrong field, figures that do not add up: an edited or cut file)
  refuses the whole file with an `ImportFileError` naming the file, the line and the field.
- Imported sessions remember the name of the file they came from and when (`sessions.origin`,
  `imported_at`), are finished (never resumed as this machine's workshop), and keep the cards
  they were exported with: their figures are computed as on the machine that ran them.

What is rebuilt is what the export holds: a second export of an imported session gives the same
rows (its `session_id` aside, a number of this database). Derived columns (energy, size classes,
zones, token sources) are recomputed from the cards and the answers, not read.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from duels_tui.arena.state import AnswerStatus
from duels_tui.arena.votes import MAX_HANDS, QUALIFIERS, VoteCounts, VoteError
from duels_tui.engine.events import SIDES
from duels_tui.os_errors import said
from duels_tui.outputs.csv_safe import FORMULA_TRIGGERS
from duels_tui.store.db import Store, now_iso

MAX_LINE_CHARS = 64 * 1024 * 1024  # one exported duel; beyond, a file is not an export
MAX_TEXT_CHARS = 4_000_000  # one answer or question
MAX_NAME_CHARS = 300  # a model id, a title, a place
MAX_TOKENS = 10_000_000
MAX_DUELS = 1000
_UID = re.compile(r"[0-9A-Za-z._-]{1,100}")
_CARD_TEXT = ("name", "organisation", "architecture", "licence", "openness", "description", "description_en",
              "quantization", "release", "family", "profile", "size_class")
_CARD_FLAGS = ("estimate", "reasoning", "local")


class ImportFileError(ValueError):
    """A file refused; `str()` is French and names the file, the line and the field."""

    def __init__(self, file: str, reason: str, line: int | None = None, column: str | None = None) -> None:
        self.file, self.line, self.column, self.reason = file, line, column, reason
        where = file if line is None else f"{file}, ligne {line}"
        if column:
            where += f", champ « {column} »"
        super().__init__(f"{where} : {reason}")


class _Bad(ValueError):
    """A field's problem, before the file and line are known."""

    def __init__(self, column: str | None, reason: str) -> None:
        super().__init__(reason)
        self.column, self.reason = column, reason


@dataclass
class FileReport:
    """What one file brought: sessions added, updated (a fuller export of an imported one), and
    left alone (already known; or this machine's own)."""

    name: str
    rows: int = 0
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    known: list[str] = field(default_factory=list)
    own: list[str] = field(default_factory=list)
    duels: int = 0


# --- reading ----------------------------------------------------------------------------------


def _read_rows(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """(line number, row) for every row of a JSON Lines or CSV export."""
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            head = handle.read(4096)
            handle.seek(0)
            is_csv = path.suffix.lower() == ".csv" or (
                path.suffix.lower() not in (".jsonl", ".json", ".ndjson") and not head.lstrip().startswith("{")
            )
            return _read_csv(handle, path.name) if is_csv else _read_jsonl(handle, path.name)
    except UnicodeDecodeError:
        raise ImportFileError(path.name, "pas du texte UTF-8 : est-ce bien un export de duels ?") from None
    except OSError as exc:
        raise ImportFileError(path.name, f"lecture impossible ({said(exc)})") from None


def _read_jsonl(handle: io.TextIOBase, name: str) -> list[tuple[int, dict[str, Any]]]:
    rows = []
    for number, line in enumerate(_lines(handle, name), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError as exc:
            why = "la ligne est coupée" if not line.endswith("\n") else "JSON illisible"
            raise ImportFileError(name, f"{why} ({exc})", number) from None
        except RecursionError:  # json's decoder recurses: thousands of nested levels overflow it
            raise ImportFileError(name, "listes ou objets imbriqués sur des milliers de niveaux", number) from None
        if not isinstance(row, dict):
            raise ImportFileError(name, "un objet JSON (une ligne de duels export) est attendu", number)
        rows.append((number, row))
    return rows


def _lines(handle: io.TextIOBase, name: str):
    number = 0
    while True:
        line = handle.readline(MAX_LINE_CHARS + 1)
        if not line:
            return
        number += 1
        if len(line) > MAX_LINE_CHARS:
            from duels_tui.numbers import integer

            raise ImportFileError(name, f"ligne de plus de {integer(MAX_LINE_CHARS)} caractères", number)
        yield line


# Column types, for reading CSV cells back (JSON Lines carries its own types).
_CSV_BOOL = {"both_equal", "voted", "quick_vote", "model_a_params_estimate", "model_b_params_estimate",
             *(f"conv_{q}_{s}" for q in QUALIFIERS for s in "ab")}
_CSV_INT = {"conv_turns", "votes_a", "votes_b", "votes_tie", "votes_none", "votes_total", "session_id",
            "duel_index", "total_conv_a_output_tokens", "total_conv_b_output_tokens"}
_CSV_FLOAT = {"model_a_total_params", "model_a_active_params", "model_b_total_params", "model_b_active_params",
              "total_conv_a_kwh", "total_conv_b_kwh"}
_CSV_JSON = {"conversation_a", "conversation_b", "model_pair_name", "model_a_card", "model_b_card"}
# Text that is never absent: an empty cell is an empty text, not a missing value.
_CSV_TEXT_REQUIRED = {"id", "timestamp", "model_a_name", "model_b_name", "opening_msg", "conversation_pair_id",
                      "session_hash", "row_kind", "session_place", "programme", "duel_title", "methodology"}


def _csv_value(column: str, cell: str) -> Any:
    if column in _CSV_TEXT_REQUIRED:
        return _unescape(cell)
    if cell == "":
        return None
    if column in _CSV_BOOL:
        if cell not in ("true", "false"):
            raise _Bad(column, f"true ou false attendu, pas « {cell[:40]} »")
        return cell == "true"
    if column in _CSV_INT:
        if not cell.isascii() or not cell.isdigit():
            raise _Bad(column, f"nombre entier attendu, pas « {cell[:40]} »")
        return int(cell)
    if column in _CSV_FLOAT:
        try:
            return float(cell)
        except ValueError:
            raise _Bad(column, f"nombre attendu, pas « {cell[:40]} »") from None
    if column in _CSV_JSON:
        try:
            return json.loads(cell)
        except ValueError:
            raise _Bad(column, "JSON illisible (cellule coupée ou modifiée ?)") from None
    return _unescape(cell)


def _unescape(cell: str) -> str:
    """The export writes a text that a spreadsheet would run as a formula with a leading
    apostrophe (outputs/csv_safe.py): take it off."""
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_TRIGGERS) else cell


def _read_csv(handle: io.TextIOBase, name: str) -> list[tuple[int, dict[str, Any]]]:
    csv.field_size_limit(max(csv.field_size_limit(), MAX_LINE_CHARS))
    reader = csv.reader(handle)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise ImportFileError(name, f"CSV illisible ({exc})", 1) from None
    if not header:
        return []
    rows = []
    start = reader.line_num + 1
    while True:
        try:
            cells = next(reader, None)
        except csv.Error as exc:
            raise ImportFileError(name, f"CSV illisible ({exc})", start) from None
        if cells is None:
            return rows
        if cells:
            if len(cells) != len(header):
                raise ImportFileError(
                    name, f"{len(cells)} cellules pour {len(header)} colonnes (ligne coupée ou modifiée ?)", start
                )
            try:
                rows.append((start, {c: _csv_value(c, v) for c, v in zip(header, cells, strict=True)}))
            except _Bad as bad:
                raise ImportFileError(name, bad.reason, start, bad.column) from None
        start = reader.line_num + 1


# --- checking ---------------------------------------------------------------------------------


def _get(row: dict[str, Any], column: str) -> Any:
    if column not in row:
        raise _Bad(column, "colonne absente : ce n'est pas une ligne de duels export")
    return row[column]


def _text(row: dict[str, Any], column: str, *, nullable: bool = False, limit: int = MAX_TEXT_CHARS) -> Any:
    value = _get(row, column)
    return _check_text(column, value, nullable=nullable, limit=limit)


def _check_text(column: str, value: Any, *, nullable: bool = False, limit: int = MAX_TEXT_CHARS) -> Any:
    if value is None and nullable:
        return None
    if not isinstance(value, str):
        raise _Bad(column, "texte attendu" + (" ou null" if nullable else ""))
    if len(value) > limit:
        from duels_tui.numbers import integer

        raise _Bad(column, f"texte de plus de {integer(limit)} caractères")
    return value


def _name(row: dict[str, Any], column: str) -> str:
    value = _text(row, column, limit=MAX_NAME_CHARS)
    if not value.strip():
        raise _Bad(column, "vide")
    return value


def _integer(column: str, value: Any, *, nullable: bool = False, high: int = MAX_TOKENS) -> Any:
    if value is None and nullable:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Bad(column, "nombre entier attendu" + (" ou null" if nullable else ""))
    if not 0 <= value <= high:
        raise _Bad(column, f"{value} n'est pas entre 0 et {high}")
    return value


def _seconds(column: str, value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
        raise _Bad(column, "nombre positif (des secondes) ou null attendu")
    return float(value)


def _flag(column: str, value: Any, *, nullable: bool = False) -> Any:
    if value is None and nullable:
        return None
    if not isinstance(value, bool):
        raise _Bad(column, "true ou false attendu" + (" ou null" if nullable else ""))
    return value


def _stamp(column: str, value: Any, *, nullable: bool = False) -> Any:
    if value is None and nullable:
        return None
    if not isinstance(value, str):
        raise _Bad(column, "date ISO 8601 attendue")
    try:
        datetime.fromisoformat(value)
    except ValueError:
        raise _Bad(column, f"date ISO 8601 illisible « {value[:40]} »") from None
    return value


@dataclass
class _Answer:
    text: str
    reasoning: str
    output_tokens: int
    usage_source: str
    status: str
    total_s: float | None
    ttft_s: float | None
    generation_s: float | None
    tokens_per_s: float | None
    finish_reason: str | None
    names_itself: bool
    load_s: float | None = None


@dataclass
class _Duel:
    index: int  # from 0
    line: int
    title: str
    sides: dict[str, str]
    cards: dict[str, dict[str, Any]]
    system_prompt: str | None
    turns: list[tuple[str, dict[str, _Answer]]]
    timestamp: str
    vote: VoteCounts | None
    qualifiers: dict[str, list[str]]
    comments: dict[str, str]
    ballots: dict[str, int] = field(default_factory=dict)  # ballot rows seen, per choice
    from_ballots: bool = False

    def same_as(self, other: _Duel) -> bool:
        mine = {k: v for k, v in vars(self).items() if k not in ("line", "ballots", "from_ballots")}
        theirs = {k: v for k, v in vars(other).items() if k not in ("line", "ballots", "from_ballots")}
        return mine == theirs


@dataclass
class _Session:
    uid: str
    line: int
    place: str
    programme: str
    methodology: str
    started_at: str | None
    duels: dict[int, _Duel] = field(default_factory=dict)
    zones: set[str | None] = field(default_factory=set)


_STATUSES = {s.value for s in AnswerStatus}


def _conversation(column: str, value: Any) -> list[tuple[str, _Answer]]:
    if not isinstance(value, list) or not value or len(value) % 2:
        raise _Bad(column, "liste de messages attendue : une question, une réponse, par tour")
    turns = []
    for k in range(0, len(value), 2):
        question, reply = value[k], value[k + 1]
        if not isinstance(question, dict) or question.get("role") != "user":
            raise _Bad(column, f"message {k + 1} : une question (role « user ») est attendue")
        if not isinstance(reply, dict) or reply.get("role") != "assistant":
            raise _Bad(column, f"message {k + 2} : une réponse (role « assistant ») est attendue")
        meta = reply.get("metadata")
        if not isinstance(meta, dict):
            raise _Bad(column, f"message {k + 2} : « metadata » manquant")
        try:
            user_text = _check_text("content", question.get("content"))
            source = meta.get("usage_source")
            if source not in ("server", "estimate"):
                raise _Bad("usage_source", "server ou estimate attendu")
            status = meta.get("status")
            if status not in _STATUSES:
                raise _Bad("status", f"statut inconnu « {str(status)[:40]} »")
            answer = _Answer(
                text=_check_text("content", reply.get("content")),
                reasoning=_check_text("reasoning_content", reply.get("reasoning_content"), nullable=True) or "",
                output_tokens=_integer("output_tokens", meta.get("output_tokens")),
                usage_source=source,
                status=status,
                total_s=_seconds("duration", meta.get("duration")),
                ttft_s=_seconds("ttft_s", meta.get("ttft_s")),
                generation_s=_seconds("generation_s", meta.get("generation_s")),
                tokens_per_s=_seconds("tokens_per_s", meta.get("tokens_per_s")),
                finish_reason=_check_text("finish_reason", meta.get("finish_reason"), nullable=True, limit=100),
                names_itself=_flag("names_itself", meta.get("names_itself", False)),
                load_s=_seconds("load_s", meta.get("load_s")),
            )
        except _Bad as bad:
            raise _Bad(column, f"message {k + 2}, {bad.column} : {bad.reason}") from None
        turns.append((user_text, answer))
    return turns


def _card(column: str, value: Any, model_id: str, row: dict[str, Any], side: str) -> dict[str, Any]:
    """The exported card, checked (types, sizes); an export made before cards were exported
    gets the little its row says (id, size, class)."""
    if value is None:
        total = row.get(f"model_{side}_total_params")
        active = row.get(f"model_{side}_active_params")
        size = [total, total] if isinstance(total, int | float) and not isinstance(total, bool) else [0, 0]
        return {
            "id": model_id,
            "name": model_id,
            "params_total": size,
            "params_active": [active, active] if isinstance(active, int | float) and not isinstance(active, bool)
            else size,
            "estimate": bool(row.get(f"model_{side}_params_estimate")),
            "size_class": row.get(f"model_{side}_size_class"),
        }
    if not isinstance(value, dict):
        raise _Bad(column, "objet JSON attendu (la carte du modèle)")
    if value.get("id") != model_id:
        raise _Bad(column, f"la carte est celle de « {str(value.get('id'))[:60]} », pas de « {model_id} »")
    card: dict[str, Any] = {"id": model_id}
    for key in _CARD_TEXT:
        if value.get(key) is not None:
            card[key] = _check_text(f"{column}.{key}", value[key], limit=20_000)
    for key in _CARD_FLAGS:
        if key in value:
            card[key] = _flag(f"{column}.{key}", value[key])
    for key in ("params_total", "params_active"):
        bounds = value.get(key)
        if not (
            isinstance(bounds, list)
            and len(bounds) == 2
            and all(isinstance(b, int | float) and not isinstance(b, bool) and math.isfinite(b) for b in bounds)
            and 0 <= bounds[0] <= bounds[1] <= 1e7
        ):
            raise _Bad(f"{column}.{key}", "[minimum, maximum] en milliards de paramètres attendu")
        card[key] = bounds
    return card


def _room_duel(row: dict[str, Any], line: int) -> tuple[_Duel, str | None]:
    """The duel a row describes (whatever its kind), checked for consistency; and the row's
    ballot choice for a ballot row."""
    kind = _get(row, "row_kind")
    if kind not in ("room", "ballot"):
        raise _Bad("row_kind", "room ou ballot attendu")
    sides = {"A": _name(row, "model_a_name"), "B": _name(row, "model_b_name")}
    if sides["A"] == sides["B"]:
        raise _Bad("model_b_name", "le même modèle des deux côtés")
    pair = _get(row, "model_pair_name")
    if pair != sorted(sides.values()):
        raise _Bad("model_pair_name", "ne correspond pas à model_a_name et model_b_name")
    index = _integer("duel_index", _get(row, "duel_index"), high=MAX_DUELS)
    if index < 1:
        raise _Bad("duel_index", "les duels sont numérotés à partir de 1")
    uid = _get(row, "session_hash")
    pair_id = f"{uid}-{index}"
    if _get(row, "conversation_pair_id") != pair_id:
        raise _Bad("conversation_pair_id", f"{pair_id} attendu (session_hash-duel_index)")
    row_id = _get(row, "id")
    if row_id != pair_id and not (kind == "ballot" and isinstance(row_id, str) and row_id.startswith(f"{pair_id}-")):
        raise _Bad("id", f"{pair_id} attendu" + (" suivi du numéro de la main" if kind == "ballot" else ""))
    if _get(row, "system_prompt_b") != _get(row, "system_prompt_a"):
        raise _Bad("system_prompt_b", "différent de system_prompt_a (un programme a un seul prompt système)")
    conversations = {s: _conversation(f"conversation_{s.lower()}", _get(row, f"conversation_{s.lower()}"))
                     for s in SIDES}
    questions_a = [q for q, _ in conversations["A"]]
    if questions_a != [q for q, _ in conversations["B"]]:
        raise _Bad("conversation_b", "les questions ne sont pas celles de conversation_a")
    if _get(row, "opening_msg") != questions_a[0]:
        raise _Bad("opening_msg", "ce n'est pas la première question des conversations")
    if _integer("conv_turns", _get(row, "conv_turns"), high=MAX_TOKENS) != len(questions_a):
        raise _Bad("conv_turns", f"{len(questions_a)} tours dans les conversations")
    for s in SIDES:
        column = f"total_conv_{s.lower()}_output_tokens"
        total = sum(a.output_tokens for _, a in conversations[s])
        if _integer(column, _get(row, column)) != total:
            raise _Bad(column, f"ne fait pas la somme des jetons des réponses ({total})")
    voted = _flag("voted", _get(row, "voted"))
    counts = [_integer(c, _get(row, c), nullable=True, high=MAX_HANDS)
              for c in ("votes_a", "votes_b", "votes_tie", "votes_none", "votes_total")]
    quick = _flag("quick_vote", _get(row, "quick_vote"), nullable=True)
    vote = None
    qualifiers: dict[str, list[str]] = {"A": [], "B": []}
    if voted:
        if None in counts or quick is None:
            raise _Bad("votes_a", "un duel voté a ses quatre comptes, leur total et quick_vote")
        if counts[4] != sum(counts[:4]):
            raise _Bad("votes_total", f"{counts[4]} ne fait pas la somme des mains ({sum(counts[:4])})")
        try:
            vote = VoteCounts(*counts[:4], quick=quick)
        except VoteError as exc:
            raise _Bad("votes_total", exc.message) from None
        for s in SIDES:
            for q in QUALIFIERS:
                column = f"conv_{q}_{s.lower()}"
                if _flag(column, _get(row, column)):
                    qualifiers[s].append(q)
        if kind == "room":
            outcome = {"A": "a", "B": "b", "tie": "tie", "none": "none"}[vote.outcome.value]
            if _get(row, "room_outcome") != outcome:
                raise _Bad("room_outcome", f"« {outcome} » d'après les comptes")
            chosen = {"a": sides["A"], "b": sides["B"]}.get(outcome)
            if _get(row, "chosen_model_name") != chosen or _get(row, "both_equal") is not (chosen is None):
                raise _Bad("chosen_model_name", "ne suit pas les comptes (voir room_outcome)")
    elif any(c is not None for c in counts) or kind == "ballot":
        raise _Bad("voted", "des comptes sans vote" if kind == "room" else "une main levée dans un duel non voté")
    choice = None
    if kind == "ballot":
        choice = _get(row, "ballot_choice")
        if choice not in ("a", "b", "tie", "none"):
            raise _Bad("ballot_choice", "a, b, tie ou none attendu")
        chosen = {"a": sides["A"], "b": sides["B"]}.get(choice)
        if _get(row, "chosen_model_name") != chosen or _get(row, "both_equal") is not (chosen is None):
            raise _Bad("chosen_model_name", "ne suit pas ballot_choice")
    comments = {s: c for s in SIDES if (c := _text(row, f"conv_comments_{s.lower()}", nullable=True))}
    duel = _Duel(
        index=index - 1,
        line=line,
        title=_text(row, "duel_title", limit=MAX_NAME_CHARS),
        sides=sides,
        cards={s: _card(f"model_{s.lower()}_card", row.get(f"model_{s.lower()}_card"), sides[s], row, s.lower())
               for s in SIDES},
        system_prompt=_text(row, "system_prompt_a", nullable=True) or None,
        turns=[(q, {"A": conversations["A"][k][1], "B": conversations["B"][k][1]}) for k, q in enumerate(questions_a)],
        timestamp=_stamp("timestamp", _get(row, "timestamp")),
        vote=vote,
        qualifiers=qualifiers,
        comments=comments,
        from_ballots=kind == "ballot",
    )
    return duel, choice


def _sessions(name: str, rows: list[tuple[int, dict[str, Any]]]) -> list[_Session]:
    sessions: dict[str, _Session] = {}
    for line, row in rows:
        try:
            uid = _get(row, "session_hash")
            if not isinstance(uid, str) or not _UID.fullmatch(uid):
                raise _Bad("session_hash", "identifiant de session attendu (lettres, chiffres, - _ .)")
            place = _text(row, "session_place", limit=MAX_NAME_CHARS)
            programme = _name(row, "programme")
            methodology = _name(row, "methodology")
            started = _stamp("session_started_at", row.get("session_started_at"), nullable=True)
            session = sessions.setdefault(uid, _Session(uid, line, place, programme, methodology, started))
            for column, mine, value in (("session_place", session.place, place), ("programme", session.programme,
                                        programme), ("methodology", session.methodology, methodology),
                                        ("session_started_at", session.started_at, started)):
                if mine != value:
                    raise _Bad(column, f"différent de la ligne {session.line}, de la même session")
            duel, choice = _room_duel(row, line)
            known = session.duels.get(duel.index)
            if known is None:
                session.duels[duel.index] = duel
                known = duel
            elif not known.same_as(duel):
                raise _Bad("conversation_pair_id", f"ce duel, déjà lu ligne {known.line}, y est différent")
            elif known.from_ballots != duel.from_ballots:
                known.from_ballots = False  # a room row too: the counts say it all
            if choice is not None:
                known.ballots[choice] = known.ballots.get(choice, 0) + 1
            session.zones.update((row.get("zone_a"), row.get("zone_b")))
        except _Bad as bad:
            raise ImportFileError(name, bad.reason, line, bad.column) from None
    for session in sessions.values():
        for duel in session.duels.values():
            if duel.from_ballots and duel.vote is not None:
                expected = {k: v for k, v in zip(("a", "b", "tie", "none"), (duel.vote.a, duel.vote.b, duel.vote.tie,
                                                                             duel.vote.none), strict=True) if v}
                if duel.ballots != expected:
                    raise ImportFileError(name, f"les lignes par main ({duel.ballots}) ne font pas les comptes du "
                                          f"duel ({expected}) : fichier coupé ?", duel.line, "ballot_choice")
    return list(sessions.values())


# --- writing ----------------------------------------------------------------------------------


def _weight(session: _Session) -> tuple[int, int, int]:
    """How much a session holds: duels, voted duels, turns."""
    duels = session.duels.values()
    return len(duels), sum(1 for d in duels if d.vote is not None), sum(len(d.turns) for d in duels)


def _write_session(conn, session: _Session, origin: str) -> None:
    stamps = [d.timestamp for d in session.duels.values()]
    last = max(stamps)
    zones = session.zones - {None}
    conn.execute(
        "INSERT INTO sessions (uid, created_at, updated_at, finished_at, place, programme_key, programme_name,"
        " step, current, methodology, zone, origin, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'done', 0, ?, ?, ?, ?)",
        (session.uid, session.started_at or min(stamps), last, last, session.place, session.programme,
         session.programme, session.methodology,
         # One zone for every side: the session's setting (or every profile's own, which gives
         # the same figures); several: each profile's.
         zones.pop() if len(zones) == 1 else None, origin, now_iso()),
    )
    session_id = conn.execute("SELECT id FROM sessions WHERE uid = ?", (session.uid,)).fetchone()[0]
    for duel in sorted(session.duels.values(), key=lambda d: d.index):
        duel_id = conn.execute(
            "INSERT INTO duels (session_id, idx, title, model_a, model_b, card_a, card_b, listed_models, prompt,"
            " original_prompt, system_prompt, step) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (session_id, duel.index, duel.title, duel.sides["A"], duel.sides["B"], json.dumps(duel.cards["A"]),
             json.dumps(duel.cards["B"]), json.dumps(sorted(duel.sides.values())), duel.turns[0][0],
             duel.turns[0][0], duel.system_prompt, "reveal" if duel.vote else "streaming"),
        ).lastrowid
        for k, (question, answers) in enumerate(duel.turns):
            turn_id = conn.execute(
                "INSERT INTO turns (duel_id, idx, user_text, created_at) VALUES (?, ?, ?, ?)",
                (duel_id, k, question, duel.timestamp),
            ).lastrowid
            for side, a in answers.items():
                conn.execute(
                    "INSERT INTO answers (turn_id, side, model_id, status, text, reasoning, completion_tokens,"
                    " usage_source, ttft_s, generation_s, total_s, tokens_per_s, finish_reason, names_itself,"
                    " load_s, started_at, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (turn_id, side, duel.sides[side], a.status, a.text, a.reasoning, a.output_tokens, a.usage_source,
                     a.ttft_s, a.generation_s, a.total_s, a.tokens_per_s, a.finish_reason, int(a.names_itself),
                     a.load_s, duel.timestamp, None if a.status == AnswerStatus.STREAMING else duel.timestamp),
                )
        if duel.vote is not None:
            v = duel.vote
            conn.execute(
                "INSERT INTO votes (duel_id, votes_a, votes_b, votes_tie, votes_none, quick, recorded_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (duel_id, v.a, v.b, v.tie, v.none, int(v.quick), duel.timestamp),
            )
            conn.executemany(
                "INSERT INTO qualifiers (duel_id, side, qualifier) VALUES (?, ?, ?)",
                [(duel_id, s, q) for s, keys in duel.qualifiers.items() for q in keys],
            )
            conn.executemany(
                "INSERT INTO comments (duel_id, side, text) VALUES (?, ?, ?)",
                [(duel_id, s, text) for s, text in duel.comments.items()],
            )


def _stored_weight(conn, session_id: int) -> tuple[int, int, int]:
    """`_weight` of a stored session."""
    row = conn.execute(
        "SELECT COUNT(*), (SELECT COUNT(*) FROM votes v JOIN duels d ON v.duel_id = d.id WHERE d.session_id = ?),"
        " (SELECT COUNT(*) FROM turns t JOIN duels d ON t.duel_id = d.id WHERE d.session_id = ?)"
        " FROM duels WHERE session_id = ?",
        (session_id, session_id, session_id),
    ).fetchone()
    return row[0], row[1], row[2]


def import_file(store: Store, path: Path | str) -> FileReport:
    """Check every line of `path`, then merge its sessions in one transaction. Raises
    ImportFileError (nothing written) when a line is wrong."""
    path = Path(path)
    rows = _read_rows(path)
    if not rows:
        raise ImportFileError(path.name, "aucune ligne : le fichier est vide")
    sessions = _sessions(path.name, rows)
    report = FileReport(path.name, rows=len(rows))
    with store.transaction() as conn:
        for session in sessions:
            found = conn.execute("SELECT id, origin FROM sessions WHERE uid = ?", (session.uid,)).fetchone()
            if found is not None and found["origin"] is None:
                report.own.append(session.uid)
                continue
            if found is not None:
                stored, incoming = _stored_weight(conn, found["id"]), _weight(session)
                if incoming == stored or not all(i >= s for i, s in zip(incoming, stored, strict=True)):
                    report.known.append(session.uid)
                    continue
                conn.execute("DELETE FROM sessions WHERE id = ?", (found["id"],))
                report.updated.append(session.uid)
            else:
                report.added.append(session.uid)
            _write_session(conn, session, path.name)
            report.duels += len(session.duels)
    return report
