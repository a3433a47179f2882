"""The pack file: recorded answers for offline replay, one JSON document (see docs/packs.md).

`load_pack(path)` reads and checks a pack, `save_pack(document, path)` writes one atomically.
Every problem is a `PackError` whose French message names the file and the field (and so the
duel): a corrupt or truncated file, a pack from a newer duels, a model named nowhere, a text
that does not match its chunks. Nothing here imports litellm or Textual.
"""

from __future__ import annotations

import codecs
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from duels_tui.arena.state import AnswerError, AnswerUsage, Timings
from duels_tui.bounds import PARAMS_B, SECONDS, TOKENS, TOKENS_PER_S, Bounds
from duels_tui.config.fields import TableReader, field_name, number_problem, shown
from duels_tui.config.programme import DuelSpec
from duels_tui.engine.events import SIDES, Done, EngineError, ErrorKind, Message, Usage
from duels_tui.engine.pack_source import RecordedAnswer, RecordedChunk
from duels_tui.os_errors import said

FORMAT = "duels-pack"
VERSION = 1  # the newest format this duels reads and writes
ANSWER_STATUSES = ("done", "error", "cancelled", "interrupted")
MAX_TOKENS = Bounds(1, 1_000_000, "tokens")  # as a programme's max_tokens (config/programme.py)
TEMPERATURE = Bounds(0, 2)
_ROLES = ("system", "user", "assistant")


class PackError(ValueError):
    """A pack that cannot be replayed; `str()` is French and names the file."""

    def __init__(self, path: Path | str, message: str) -> None:
        self.path = Path(path)
        self.message = message
        super().__init__(f"pack {self.path} : {message}")


@dataclass(frozen=True)
class PackAnswer:
    side: str  # "A" or "B" as drawn when recorded (the replay draws again)
    status: str
    recording: RecordedAnswer
    impact_inputs: dict[str, Any]

    @property
    def model_id(self) -> str:
        return self.recording.model_id


@dataclass(frozen=True)
class PackTurn:
    user_text: str
    answers: tuple[PackAnswer, ...]


@dataclass(frozen=True)
class PackDuel(DuelSpec):
    """A recorded duel: what the programme asked, and the turns that answered it."""

    turns: tuple[PackTurn, ...] = ()


@dataclass(frozen=True)
class Pack:
    path: Path
    version: int
    recorded_at: str
    software: dict[str, str]
    programme: dict[str, str]  # key, name, description
    methodology: str
    models: dict[str, dict[str, Any]]  # model id -> card as stored (arena.cards.card_snapshot)
    duels: tuple[PackDuel, ...]

    def answers(self) -> list[PackAnswer]:
        return [a for d in self.duels for t in d.turns for a in t.answers]

    def recordings_for(self, model_id: str) -> list[RecordedAnswer]:
        return [a.recording for a in self.answers() if a.model_id == model_id]

    def model_ids(self) -> list[str]:
        """Every model the duels name, in order of appearance."""
        seen: dict[str, None] = {}
        for duel in self.duels:
            seen.update(dict.fromkeys(duel.model_ids))
        return list(seen)


# --- reading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _PackFile:
    """A pack as config/fields.TableReader reads it: its errors are PackErrors that name the
    field by its JSON path, counted from 0 ("duels[1].turns[0].answers[0].text")."""

    path: Path
    table_expected = "objet JSON attendu"

    def field_name(self, table: str | None, index: int | None, key: str | None) -> str | None:
        return field_name(table, index, key, first=0)

    def error(
        self, message: str, *, table: str | None = None, index: int | None = None, key: str | None = None
    ) -> PackError:
        where = self.field_name(table, index, key)
        return PackError(self.path, f"{where} : {message}" if where else message)


def _read_json(path: Path) -> Any:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise PackError(path, "fichier introuvable") from None
    except OSError as exc:
        raise PackError(path, f"lecture impossible ({said(exc)})") from None
    if not raw.strip():
        raise PackError(path, "le fichier est vide")
    try:
        # Not `final`: a file cut in the middle of a multi-byte character (é is two bytes) decodes
        # up to the cut, and is then said truncated like any other cut, not binary. A byte-order
        # mark (a pack saved by Windows' Notepad) is skipped.
        text = codecs.getincrementaldecoder("utf-8-sig")().decode(raw, final=False)
    except UnicodeDecodeError:
        raise PackError(path, "ce n'est pas un pack duels (fichier binaire ou mal encodé, UTF-8 attendu)") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        # A pack is one JSON object: one that does not end with its closing brace was cut short
        # (a copy interrupted, a full disk), rather than altered.
        why = "le fichier est corrompu" if raw.rstrip().endswith(b"}") else "le fichier est tronqué"
        raise PackError(path, f"{why} (JSON invalide ligne {exc.lineno}, colonne {exc.colno} : {exc.msg})") from None
    except RecursionError:
        raise PackError(path, "le fichier est corrompu (listes ou objets imbriqués sur des milliers de niveaux)") \
            from None


def _usage(r: TableReader | None) -> Usage | None:
    if r is None:
        return None
    prompt = r.number("prompt_tokens", None, bounds=TOKENS, integer=True)
    reasoning = r.number("reasoning_tokens", None, bounds=TOKENS, integer=True)
    return Usage(
        prompt_tokens=None if prompt is None else int(prompt),
        completion_tokens=int(r.number("completion_tokens", bounds=TOKENS, integer=True)),
        source=r.str("source", choices=("server", "estimate")),
        reasoning_tokens=None if reasoning is None else int(reasoning),
    )


def _done(r: TableReader | None) -> Done | None:
    if r is None:
        return None
    return Done(
        ttft_s=r.number("ttft_s", bounds=SECONDS, null=True),
        generation_s=float(r.number("generation_s", bounds=SECONDS)),
        total_s=float(r.number("total_s", bounds=SECONDS)),
        tokens_per_s=r.number("tokens_per_s", None, bounds=TOKENS_PER_S),
        finish_reason=r.text("finish_reason", None),
    )


def _error(r: TableReader | None) -> EngineError | None:
    if r is None:
        return None
    try:
        kind = ErrorKind(r.text("kind"))
    except ValueError:
        kind = ErrorKind.OTHER
    values = r.table("values", None)
    return EngineError(
        kind,
        r.text("message"),
        r.text("hint", None) or "",
        retryable=bool(r.value("retryable", False)),
        key=r.text("key", None) or "",
        values=() if values is None else tuple((name, values.number(name)) for name in values.data),
    )


def _chunks(r: TableReader) -> tuple[RecordedChunk, ...]:
    chunks = []
    previous = 0.0
    for i, item in enumerate(r.list("chunks")):
        where = f"chunks[{i}]"  # a chunk is a list, not a table: named by its place
        if not isinstance(item, list) or len(item) != 3:
            raise r.error(where, "[secondes, « text » ou « reasoning », texte] attendu")
        at, kind, text = item
        problem = number_problem(at) or SECONDS.problem(at)
        if problem is not None:
            raise r.error(where, problem)
        if kind not in ("text", "reasoning"):
            raise r.error(where, f"genre « text » ou « reasoning » attendu, trouvé {shown(kind)}")
        if not isinstance(text, str):
            raise r.error(where, "texte attendu en troisième position")
        if at + 1e-9 < previous:
            raise r.error(where, f"les instants doivent croître ({at} après {previous})")
        previous = at
        chunks.append(RecordedChunk(float(at), kind, text))
    return tuple(chunks)


def _messages(r: TableReader) -> tuple[Message, ...]:
    messages = []
    for item in r.tables("messages"):
        messages.append(Message(item.str("role", choices=_ROLES), item.text("content")))  # type: ignore[arg-type]
    if not messages:
        raise r.error("messages", "la conversation est vide")
    return tuple(messages)


def _answer(r: TableReader, models: dict[str, Any], duel_models: tuple[str, str]) -> PackAnswer:
    model_id = r.text("model")
    if model_id not in models:
        raise r.error("model", f"modèle inconnu {shown(model_id)} : il n'a pas de fiche dans « models »")
    if model_id not in duel_models:
        raise r.error("model", f"le modèle {shown(model_id)} ne joue pas ce duel")
    side = r.str("side", choices=SIDES)
    status = r.str("status", choices=ANSWER_STATUSES)
    chunks = _chunks(r)
    recording = RecordedAnswer(
        model_id=model_id,
        messages=_messages(r),
        chunks=chunks,
        usage=_usage(r.table("usage", None)),
        done=_done(r.table("done", None)),
        error=_error(r.table("error", None)),
        recorded_at=r.text("recorded_at", None) or "",
    )
    # The text is stored whole (readable) and in chunks (for the pace): they must agree.
    for name, joined in (("text", recording.text), ("reasoning", recording.reasoning)):
        stored = r.text(name, None)
        if stored is not None and stored != joined:
            raise r.error(name, "ne correspond pas à la suite de ses morceaux (« chunks ») : pack corrompu")
    if status == "done" and recording.done is None:
        raise r.error("done", "une réponse terminée (« done ») doit avoir ses durées")
    if status == "error" and recording.error is None:
        raise r.error("error", "une réponse en erreur doit dire laquelle")
    inputs = r.table("impact_inputs", None)
    return PackAnswer(side, status, recording, {} if inputs is None else inputs.data)


def _model_card(r: TableReader) -> dict[str, Any]:
    r.text("name")
    for key in ("params_total", "params_active"):
        value = r.value(key) if key == "params_total" else r.value(key, None)
        if value is None:
            continue
        ends = value if isinstance(value, list) else [value]
        if not (
            len(ends) == (2 if isinstance(value, list) else 1)
            and all(isinstance(b, int | float) and not isinstance(b, bool) for b in ends)
            and ends[0] <= ends[-1]
        ):
            raise r.error(key, "nombre de milliards de paramètres (ou [min, max]) attendu")
        for end in ends:
            if (problem := PARAMS_B.problem(end)) is not None:
                raise r.error(key, problem)
    # A profile this machine does not know is not an error: the replay falls back on the
    # route's rule (packs/replay.py), as a pack travels between machines.
    r.text("profile", None)
    return dict(r.data)


def _duel(r: TableReader, models: dict[str, Any]) -> PackDuel:
    ids = r.value("models")
    if not (isinstance(ids, list) and len(ids) == 2 and all(isinstance(m, str) for m in ids)):
        raise r.error("models", "deux identifiants de modèles attendus")
    for model_id in ids:
        if model_id not in models:
            raise r.error("models", f"modèle inconnu {shown(model_id)} : il n'a pas de fiche dans « models »")
    model_ids = (ids[0], ids[1])
    turns = []
    for turn in r.tables("turns"):
        answers = tuple(_answer(a, models, model_ids) for a in turn.tables("answers"))
        turns.append(PackTurn(turn.text("user_text"), answers))
    max_tokens = r.number("max_tokens", None, bounds=MAX_TOKENS, integer=True)
    return PackDuel(
        title=r.text("title"),
        model_ids=model_ids,
        prompt=r.text("prompt"),
        system_prompt=r.text("system_prompt", None),
        max_tokens=None if max_tokens is None else int(max_tokens),
        temperature=r.number("temperature", None, bounds=TEMPERATURE),
        turns=tuple(turns),
    )


def load_pack(path: Path | str) -> Pack:
    """Read and check a pack; raises PackError (French, naming the file and the field)."""
    path = Path(path)
    document = _read_json(path)
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise PackError(path, f"ce n'est pas un pack duels (« format » : « {FORMAT} » attendu)")
    root = TableReader(_PackFile(path), document, None, None)
    version = root.value("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise root.error("version", f"numéro de version entier attendu, trouvé {shown(version)}")
    if version > VERSION:
        raise PackError(
            path,
            f"ce pack vient d'une version plus récente de duels (format {version}, celle-ci lit "
            f"jusqu'au format {VERSION}) : mettez duels à jour pour le rejouer",
        )
    cards = root.table("models")
    if not cards.data:
        raise root.error("models", "fiches des modèles (objet JSON non vide) attendues")
    models = {key: _model_card(cards.table(key)) for key in cards.data}
    duels = tuple(_duel(d, models) for d in root.tables("duels"))
    if not duels:
        raise root.error("duels", "le pack ne contient aucun duel")
    software, programme = root.table("software", None), root.table("programme", None)
    return Pack(
        path=path,
        version=version,
        recorded_at=root.text("recorded_at"),
        software={} if software is None else {str(k): str(v) for k, v in software.data.items()},
        programme={} if programme is None else {str(k): str(v) for k, v in programme.data.items() if v is not None},
        methodology=root.text("methodology", None) or "",
        models=models,
        duels=duels,
    )


# --- writing ---------------------------------------------------------------------------------


def save_pack(document: dict[str, Any], path: Path | str) -> Path:
    """Write `document` to `path` whole or not at all (`output_file.write_output`: missing
    folders created, a crash leaves the old file or the new one, never half a pack); raises
    `OutputFileError` (French, naming the file)."""
    from duels_tui.output_file import write_output

    return write_output(path, json.dumps(document, ensure_ascii=False, indent=1) + "\n")


def answer_document(
    *,
    side: str,
    status: str,
    recording: RecordedAnswer,
    impact_inputs: dict[str, Any],
) -> dict[str, Any]:
    """One answer as the pack stores it (the inverse of `_answer`)."""
    usage, done, error = recording.usage, recording.done, recording.error
    return {
        "side": side,
        "model": recording.model_id,
        "status": status,
        "recorded_at": recording.recorded_at,
        "messages": [{"role": m.role, "content": m.content} for m in recording.messages],
        "text": recording.text,
        "reasoning": recording.reasoning,
        "chunks": [[round(c.at_s, 4), c.kind, c.text] for c in recording.chunks],
        "usage": None if usage is None else AnswerUsage.of(usage).to_json(),
        "done": None if done is None else Timings.of(done).to_json(),
        "error": None if error is None else AnswerError.of(error).to_json(),
        "impact_inputs": impact_inputs,
    }
