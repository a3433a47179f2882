"""Recording a programme now, headless, into a pack for offline replay.

Each duel is played the way the workshop plays it (`arena.play.play_turn` on a throwaway
in-memory session, so the requests are the very ones a replay will ask for), through a source
that notes when each chunk arrived. The result is the pack document (see docs/packs.md) and the
answers that failed, if any.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import platform
import random
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

from duels_tui import __version__
from duels_tui.arena.cards import card_snapshot
from duels_tui.arena.state import Answer, AnswerStatus
from duels_tui.catalog import Catalog, ModelCard
from duels_tui.config.programme import Programme
from duels_tui.engine import errors
from duels_tui.engine.events import (
    SIDES,
    AnswerRequest,
    Done,
    EngineError,
    Loaded,
    ReasoningDelta,
    StreamEvent,
    TextDelta,
    Usage,
)
from duels_tui.engine.pack_source import RecordedAnswer, RecordedChunk
from duels_tui.engine.source import AnswerSource, close_stream
from duels_tui.numbers import count, duration, fixed
from duels_tui.packs.format import FORMAT, VERSION, answer_document
from duels_tui.store.db import Store, now_iso

Progress = Callable[[str], None]


@dataclass
class _Take:
    """One stream as it went: the request, and (seconds since it was sent, kind, text) per chunk."""

    request: AnswerRequest
    arrivals: list[tuple[float, str, str]] = field(default_factory=list)


class _TimingSource:
    """Passes another source's events through, noting when each chunk arrived."""

    def __init__(self, inner: AnswerSource, takes: list[_Take], clock: Callable[[], float]) -> None:
        self.inner = inner
        self.takes = takes
        self.clock = clock

    async def stream(self, request: AnswerRequest) -> AsyncIterator[StreamEvent]:
        take = _Take(request)
        self.takes.append(take)
        started = self.clock()
        stream = self.inner.stream(request)
        try:
            async for event in stream:
                if isinstance(event, TextDelta | ReasoningDelta) and event.text:
                    kind = "text" if isinstance(event, TextDelta) else "reasoning"
                    take.arrivals.append((self.clock() - started, kind, event.text))
                yield event
        finally:
            await close_stream(stream)


@dataclass(frozen=True)
class Failure:
    duel: str
    side: str
    model_id: str
    message: str


@dataclass
class Recording:
    document: dict[str, Any]
    failures: list[Failure]
    seconds: float


def _chunks(take: _Take, done: Done | None) -> tuple[RecordedChunk, ...]:
    """The chunks on the engine's own clock: the first at the recorded time to first token, the
    others spaced as they arrived, so that a replay's ttft and generation time are `Done`'s."""
    if not take.arrivals:
        return ()
    first = take.arrivals[0][0]
    origin = done.ttft_s if done is not None and done.ttft_s is not None else first
    return tuple(RecordedChunk(max(0.0, origin + at - first), kind, text) for at, kind, text in take.arrivals)  # type: ignore[arg-type]


def _recording(answer: Answer, take: _Take) -> RecordedAnswer:
    usage = None
    if answer.usage is not None:
        u = answer.usage
        usage = Usage(u.prompt_tokens, u.completion_tokens, u.source, u.reasoning_tokens)  # type: ignore[arg-type]
    done = None
    if answer.status is AnswerStatus.DONE:
        t = answer.timings
        done = Done(t.ttft_s, t.generation_s or 0.0, t.total_s or 0.0, t.tokens_per_s, t.finish_reason)
    error = None
    if answer.error is not None:
        e = answer.error
        # Its key too: the replay says it in the room's language.
        error = EngineError(e.kind, e.message, e.hint, retryable=False, key=e.key, values=e.values)
    elif answer.status is not AnswerStatus.DONE:
        error = errors.pack_interrupted()
    return RecordedAnswer(
        model_id=answer.model_id,
        messages=take.request.messages,
        chunks=_chunks(take, done),
        usage=usage,
        done=done,
        error=error,
        recorded_at=answer.finished_at or answer.started_at,
    )


def _range(value: Any) -> list[float] | None:
    return None if value is None else [value.min, value.max]


def _impact_inputs(workshop: Any, duel: Any, side: str, answer: Answer, card: ModelCard) -> dict[str, Any]:
    """What the answer's impact rests on, and the impact computed when it was recorded."""
    from duels_tui.arena.reveal import side_figures

    t = answer.timings
    inputs: dict[str, Any] = {
        "params_total": [card.params_total.min, card.params_total.max],
        "params_active": [card.params_active.min, card.params_active.max],
        "quantization": card.quantization,
        "output_tokens": answer.output_tokens,
        "usage_source": answer.usage_source,
        "ttft_s": t.ttft_s,
        "generation_s": t.generation_s,
        "tokens_per_s": t.tokens_per_s,
        "methodology": workshop.methodology,
    }
    figures, error = side_figures(workshop, duel, side)
    if figures.impact is not None:
        impact = figures.impact
        inputs.update(
            profile=figures.profile,
            zone=figures.zone,
            energy_wh=_range(impact.energy_wh),
            gwp_g=_range(impact.gwp_g),
            water_ml=_range(impact.water_ml),
        )
    elif error:
        inputs["impact_error"] = error
    return inputs


def _software() -> dict[str, str]:
    found = {"duels": __version__, "python": platform.python_version()}
    for dist in ("litellm", "xllamacpp"):
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            found[dist] = importlib.metadata.version(dist)
    return found


def _seconds(value: float | None) -> str:
    return "?" if value is None else fixed(value, 2) + " s"


class _Reporter:
    """Progress lines per side: first token, then the end (tokens, time, rate) or the error."""

    def __init__(self, workshop: Any, index: int, progress: Progress) -> None:
        self.workshop = workshop
        self.index = index
        self.progress = progress
        self.started: set[str] = set()

    def _who(self, side: str) -> str:
        card = self.workshop.side_card(self.index, side)
        return f"  {side} · {card.name}"

    def __call__(self, side: str, event: StreamEvent) -> None:
        answer = self.workshop.answer(self.index, side)
        if isinstance(event, Loaded) and event.load_s >= 1:
            self.progress(f"{self._who(side)} : chargé en mémoire en {duration(event.load_s)}")
        elif isinstance(event, TextDelta | ReasoningDelta) and side not in self.started:
            self.started.add(side)
            self.progress(f"{self._who(side)} : premiers jetons…")
        elif isinstance(event, Done):
            rate = f", {count(event.tokens_per_s, 'token', significant=2)}/s" if event.tokens_per_s else ""
            source = "comptés par le serveur" if answer.usage_source == "server" else "estimés"
            self.progress(
                f"{self._who(side)} : {count(answer.output_tokens, 'token')} ({source}), premier jeton à "
                f"{_seconds(event.ttft_s)}, génération {_seconds(event.generation_s)}{rate}"
            )
        elif isinstance(event, EngineError):
            self.progress(f"{self._who(side)} : ÉCHEC — {event.message} ({event.detail or event.hint})")


async def record_programme(
    programme: Programme,
    catalog: Catalog,
    source: AnswerSource,
    *,
    progress: Progress = lambda _: None,
    rng: random.Random | None = None,
    clock: Callable[[], float] = time.perf_counter,
    request_settings: dict[str, Any] | None = None,
) -> Recording:
    """Play every duel of `programme` now through `source` and return the pack document;
    `request_settings` (timeouts, config/engine.toml) go into every request."""
    from duels_tui.arena.play import play_turn
    from duels_tui.arena.workshop import Workshop

    began = time.perf_counter()
    recorded_at = now_iso()
    failures: list[Failure] = []
    duels_doc: list[dict[str, Any]] = []
    models_doc: dict[str, dict[str, Any]] = {}
    store = Store.open(":memory:")
    try:
        workshop = Workshop.start(programme, catalog, store, rng=rng or random.Random(0))
        workshop.request_settings = dict(request_settings or {})
        count = len(workshop.duels)
        for i, duel in enumerate(workshop.duels):
            names = " contre ".join(workshop.card(m).name for m in duel.spec.model_ids)
            progress(f"{duel.title} ({i + 1}/{count}) : {names}")
            takes: dict[str, list[_Take]] = {}

            def factory(card: ModelCard, takes: dict[str, list[_Take]] = takes) -> AnswerSource:
                return _TimingSource(source, takes.setdefault(card.id, []), clock)

            await play_turn(workshop, i, factory, on_event=_Reporter(workshop, i, progress))
            answers_doc = []
            for side in SIDES:
                answer = workshop.answer(i, side)
                card = workshop.card(answer.model_id)
                recording = _recording(answer, takes[answer.model_id][-1])
                inputs = _impact_inputs(workshop, duel, side, answer, card)
                if answer.model_id not in models_doc:
                    snapshot = {**card_snapshot(card), "size_class": workshop.size_class(card.id)}
                    if inputs.get("profile"):
                        snapshot["profile"] = inputs["profile"]  # the replay computes on the same one
                    models_doc[answer.model_id] = snapshot
                if answer.status is not AnswerStatus.DONE:
                    message = answer.error.message if answer.error else answer.status.value
                    failures.append(Failure(duel.title, side, answer.model_id, message))
                answers_doc.append(
                    answer_document(side=side, status=answer.status.value, recording=recording, impact_inputs=inputs)
                )
            spec = duel.spec
            duels_doc.append(
                {
                    "title": duel.title,
                    "models": list(spec.model_ids),
                    "prompt": duel.prompt,
                    "system_prompt": spec.system_prompt,
                    "max_tokens": spec.max_tokens,
                    "temperature": spec.temperature,
                    "turns": [{"user_text": duel.turns[0].user_text, "answers": answers_doc}],
                }
            )
        methodology = workshop.methodology
    finally:
        store.close()
    document = {
        "format": FORMAT,
        "version": VERSION,
        "recorded_at": recorded_at,
        "software": _software(),
        "programme": {"key": programme.key, "name": programme.name, "description": programme.description},
        "methodology": methodology,
        "models": models_doc,
        "duels": duels_doc,
    }
    return Recording(document, failures, time.perf_counter() - began)
