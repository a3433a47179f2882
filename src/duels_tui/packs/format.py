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
from duels_tui.bounds import ANY, PARAMS_B, SECONDS, TOKENS, TOKENS_PER_S, Bounds
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


class _Field:
    """A value inside the document and where it is ("duels[1].turns[0].answers[0].text")."""

    def __init__(self, path: Path, where: str, value: Any) -> None:
        self.file = path
        self.where = where
        self.value = value

    def error(self, message: str) -> PackError:
        return PackError(self.file, f"{self.where} : {message}" if self.where else message)

    def _child_where(self, key: str | int) -> str:
        if isinstance(key, int):
            return f"{self.where}[{key}]"
        return f"{self.where}.{key}" if self.where else key

    def get(self, key: str, *, required: bool = True) -> _Field:
        if not isinstance(self.value, dict):
            raise self.error("objet JSON attendu")
        if key not in self.value:
            if required:
                raise PackError(self.file, f"{self._child_where(key)} : champ manquant")
            return _Field(self.file, self._child_where(key), None)
        return _Field(self.file, self._child_where(key), self.value[key])

    def items(self) -> list[_Field]:
        if not isinstance(self.value, list):
            raise self.error("liste attendue")
        return [_Field(self.file, self._child_where(i), v) for i, v in enumerate(self.value)]

    def str(self, *, optional: bool = False) -> str | None:
        if self.value is None and optional:
            return None
        if not isinstance(self.value, str):
            raise self.error("texte attendu")
        return self.value

    def text(self) -> str:
        value = self.str()
        assert value is not None
        return value

    def number(self, bounds: Bounds, *, optional: bool = False, integer: bool = False) -> float | None:
        """A number within `bounds` (bounds.py): a pack's timings and token counts are bounded
        at load, never a crash or a thirty-year replay later."""
        value = self.value
        if value is None and optional:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or (integer and not isinstance(value, int)):
            raise self.error("nombre entier attendu" if integer else "nombre attendu")
        problem = bounds.problem(value)
        if problem is not None:
            raise self.error(problem)
        return value


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


def _usage(field: _Field) -> Usage | None:
    if field.value is None:
        return None
    source = field.get("source").text()
    if source not in ("server", "estimate"):
        raise field.get("source").error(f"« server » ou « estimate » attendu, trouvé {source!r}")
    prompt = field.get("prompt_tokens", required=False).number(TOKENS, optional=True, integer=True)
    reasoning = field.get("reasoning_tokens", required=False).number(TOKENS, optional=True, integer=True)
    return Usage(
        prompt_tokens=None if prompt is None else int(prompt),
        completion_tokens=int(field.get("completion_tokens").number(TOKENS, integer=True) or 0),
        source=source,  # type: ignore[arg-type]
        reasoning_tokens=None if reasoning is None else int(reasoning),
    )


def _done(field: _Field) -> Done | None:
    if field.value is None:
        return None
    ttft = field.get("ttft_s").number(SECONDS, optional=True)
    rate = field.get("tokens_per_s", required=False).number(TOKENS_PER_S, optional=True)
    return Done(
        ttft_s=ttft,
        generation_s=float(field.get("generation_s").number(SECONDS) or 0.0),
        total_s=float(field.get("total_s").number(SECONDS) or 0.0),
        tokens_per_s=rate,
        finish_reason=field.get("finish_reason", required=False).str(optional=True),
    )


def _error(field: _Field) -> EngineError | None:
    if field.value is None:
        return None
    raw_kind = field.get("kind").text()
    try:
        kind = ErrorKind(raw_kind)
    except ValueError:
        kind = ErrorKind.OTHER
    retryable = field.get("retryable", required=False).value
    values = field.get("values", required=False)
    if values.value is not None and not isinstance(values.value, dict):
        raise values.error("objet JSON attendu")
    return EngineError(
        kind,
        field.get("message").text(),
        field.get("hint", required=False).str(optional=True) or "",
        retryable=bool(retryable) if retryable is not None else False,
        key=field.get("key", required=False).str(optional=True) or "",
        values=tuple((name, values.get(name).number(ANY)) for name in values.value or {}),
    )


def _chunks(field: _Field) -> tuple[RecordedChunk, ...]:
    chunks = []
    previous = 0.0
    for item in field.items():
        if not isinstance(item.value, list) or len(item.value) != 3:
            raise item.error("[secondes, « text » ou « reasoning », texte] attendu")
        at = _Field(item.file, item.where, item.value[0]).number(SECONDS)
        kind, text = item.value[1], item.value[2]
        if kind not in ("text", "reasoning"):
            raise item.error(f"genre « text » ou « reasoning » attendu, trouvé {kind!r}")
        if not isinstance(text, str):
            raise item.error("texte attendu en troisième position")
        assert at is not None
        if at + 1e-9 < previous:
            raise item.error(f"les instants doivent croître ({at} après {previous})")
        previous = at
        chunks.append(RecordedChunk(float(at), kind, text))
    return tuple(chunks)


def _messages(field: _Field) -> tuple[Message, ...]:
    messages = []
    for item in field.items():
        role = item.get("role").text()
        if role not in _ROLES:
            raise item.get("role").error(f"rôle inconnu {role!r}")
        messages.append(Message(role, item.get("content").text()))  # type: ignore[arg-type]
    if not messages:
        raise field.error("la conversation est vide")
    return tuple(messages)


def _answer(field: _Field, models: dict[str, Any], duel_models: tuple[str, str]) -> PackAnswer:
    model_id = field.get("model").text()
    if model_id not in models:
        raise field.get("model").error(f"modèle inconnu {model_id!r} : il n'a pas de fiche dans « models »")
    if model_id not in duel_models:
        raise field.get("model").error(f"le modèle {model_id!r} ne joue pas ce duel")
    side = field.get("side").text()
    if side not in SIDES:
        raise field.get("side").error(f"« A » ou « B » attendu, trouvé {side!r}")
    status = field.get("status").text()
    if status not in ANSWER_STATUSES:
        raise field.get("status").error(f"statut inconnu {status!r} ; connus : {', '.join(ANSWER_STATUSES)}")
    chunks = _chunks(field.get("chunks"))
    recording = RecordedAnswer(
        model_id=model_id,
        messages=_messages(field.get("messages")),
        chunks=chunks,
        usage=_usage(field.get("usage", required=False)),
        done=_done(field.get("done", required=False)),
        error=_error(field.get("error", required=False)),
        recorded_at=field.get("recorded_at", required=False).str(optional=True) or "",
    )
    # The text is stored whole (readable) and in chunks (for the pace): they must agree.
    for name, joined in (("text", recording.text), ("reasoning", recording.reasoning)):
        stored = field.get(name, required=False).str(optional=True)
        if stored is not None and stored != joined:
            raise field.get(name).error("ne correspond pas à la suite de ses morceaux (« chunks ») : pack corrompu")
    if status == "done" and recording.done is None:
        raise field.get("done").error("une réponse terminée (« done ») doit avoir ses durées")
    if status == "error" and recording.error is None:
        raise field.get("error").error("une réponse en erreur doit dire laquelle")
    inputs = field.get("impact_inputs", required=False).value or {}
    if not isinstance(inputs, dict):
        raise field.get("impact_inputs").error("objet JSON attendu")
    return PackAnswer(side, status, recording, inputs)


def _model_card(field: _Field) -> dict[str, Any]:
    if not isinstance(field.value, dict):
        raise field.error("fiche de modèle (objet JSON) attendue")
    field.get("name").text()
    for key in ("params_total", "params_active"):
        value = field.get(key, required=key == "params_total").value
        if value is None:
            continue
        ends = value if isinstance(value, list) else [value]
        if not (
            len(ends) == (2 if isinstance(value, list) else 1)
            and all(isinstance(b, int | float) and not isinstance(b, bool) for b in ends)
            and ends[0] <= ends[-1]
        ):
            raise field.get(key).error("nombre de milliards de paramètres (ou [min, max]) attendu")
        for end in ends:
            if (problem := PARAMS_B.problem(end)) is not None:
                raise field.get(key).error(problem)
    # A profile this machine does not know is not an error: the replay falls back on the
    # route's rule (packs/replay.py), as a pack travels between machines.
    field.get("profile", required=False).str(optional=True)
    return dict(field.value)


def _duel(field: _Field, models: dict[str, Any]) -> PackDuel:
    ids = field.get("models")
    if not (isinstance(ids.value, list) and len(ids.value) == 2 and all(isinstance(m, str) for m in ids.value)):
        raise ids.error("deux identifiants de modèles attendus")
    for model_id in ids.value:
        if model_id not in models:
            raise ids.error(f"modèle inconnu {model_id!r} : il n'a pas de fiche dans « models »")
    model_ids = (ids.value[0], ids.value[1])
    turns = []
    for turn in field.get("turns").items():
        answers = tuple(_answer(a, models, model_ids) for a in turn.get("answers").items())
        turns.append(PackTurn(turn.get("user_text").text(), answers))
    max_tokens = field.get("max_tokens", required=False).number(MAX_TOKENS, optional=True, integer=True)
    return PackDuel(
        title=field.get("title").text(),
        model_ids=model_ids,
        prompt=field.get("prompt").text(),
        system_prompt=field.get("system_prompt", required=False).str(optional=True),
        max_tokens=None if max_tokens is None else int(max_tokens),
        temperature=field.get("temperature", required=False).number(TEMPERATURE, optional=True),
        turns=tuple(turns),
    )


def load_pack(path: Path | str) -> Pack:
    """Read and check a pack; raises PackError (French, naming the file and the field)."""
    path = Path(path)
    root = _Field(path, "", _read_json(path))
    if not isinstance(root.value, dict) or root.value.get("format") != FORMAT:
        raise PackError(path, f"ce n'est pas un pack duels (« format » : « {FORMAT} » attendu)")
    version = root.get("version").value
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise root.get("version").error(f"numéro de version entier attendu, trouvé {version!r}")
    if version > VERSION:
        raise PackError(
            path,
            f"ce pack vient d'une version plus récente de duels (format {version}, celle-ci lit "
            f"jusqu'au format {VERSION}) : mettez duels à jour pour le rejouer",
        )
    models_field = root.get("models")
    if not isinstance(models_field.value, dict) or not models_field.value:
        raise models_field.error("fiches des modèles (objet JSON non vide) attendues")
    models = {key: _model_card(models_field.get(key)) for key in models_field.value}
    duels = tuple(_duel(d, models) for d in root.get("duels").items())
    if not duels:
        raise root.get("duels").error("le pack ne contient aucun duel")
    software = root.get("software", required=False).value or {}
    programme = root.get("programme", required=False).value or {}
    if not isinstance(software, dict) or not isinstance(programme, dict):
        raise root.error("« software » et « programme » doivent être des objets JSON")
    return Pack(
        path=path,
        version=version,
        recorded_at=root.get("recorded_at").text(),
        software={str(k): str(v) for k, v in software.items()},
        programme={str(k): str(v) for k, v in programme.items() if v is not None},
        methodology=root.get("methodology", required=False).str(optional=True) or "",
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
