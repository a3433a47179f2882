"""The workshop session: three duels (or however many the programme has), then the final.

`Workshop` is the one object the UI drives. Every method that changes something writes it to
the store before returning, so the screen never shows what the database does not hold:
a `kill -9` loses nothing already shown, and `Workshop.resume` lands on the same step.

Steps, for the session (`Workshop.step`):

    HOME -> [duel 1: PROMPT -> STREAMING -> VOTE -> REVEAL] -> [duel 2 ...] -> FINAL -> DONE

- `advance()` moves one step forward, refusing (WorkshopError, in French) when the current step
  is not finished: PROMPT waits for `begin_turn`, STREAMING for the answers to end, VOTE for
  `record_vote`. REVEAL goes to the next duel, or to FINAL after the last one.
- `go_to(i)` jumps to duel i at its own step (to replay or skip a duel), `go_to_final()` to the
  final.
- `begin_turn` sends the prompt (PROMPT -> STREAMING) or a follow-up (stays STREAMING); the
  duel keeps STREAMING until `advance()`, so the facilitator can send follow-ups or retry.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from duels_tui.arena import anonymity
from duels_tui.arena.cards import card_from_snapshot, card_snapshot
from duels_tui.arena.rows import StoredSession, read_session, write_session
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
from duels_tui.arena.votes import VoteCounts, check_qualifiers
from duels_tui.catalog import Catalog, ModelCard
from duels_tui.config.programme import DuelSpec, Programme
from duels_tui.endpoints import api_base_for, is_ollama_route
from duels_tui.engine.events import (
    SIDES,
    AnswerRequest,
    Done,
    EngineError,
    Loaded,
    Message,
    ReasoningDelta,
    StreamEvent,
    TextDelta,
    Usage,
    Waiting,
)
from duels_tui.store.db import Store, now_iso

if TYPE_CHECKING:  # imported when a reveal or the final is asked for: not for Home's first frame
    from duels_tui.arena.final import FinalResult
    from duels_tui.arena.reveal import Reveal

_SESSION_STEPS = (Step.HOME, Step.FINAL, Step.DONE)
STREAM_WRITE_S = 0.1  # streamed text waits in memory at most this long (see Workshop.commit_stream)


class WorkshopError(RuntimeError):
    """An action that does not fit the current step; the message is French, for the screen,
    and never names a model."""


class Workshop:
    """A running (or resumed) session. Build with `Workshop.start` or `Workshop.resume`.

    Public state, read by the UI: `session_id`, `programme`, `duels` (list of `DuelState`),
    `current` (index of the duel on screen), `step`, `place`, `methodology`, `zone`.
    `request_settings` (connect_timeout_s, stall_timeout_s, retries) is applied to every
    `AnswerRequest` this session builds.
    """

    def __init__(self, store: Store, catalog: Catalog | None, stored: StoredSession) -> None:
        self.store = store
        self.catalog = catalog
        self.programme = stored.programme
        self.session_id = stored.session_id
        self.uid = stored.uid
        self.duels = stored.duels
        self.current = stored.current
        # HOME, FINAL or DONE; None while in a duel (the duel's own step then decides).
        self._phase: Step | None = stored.step if stored.step in _SESSION_STEPS else None
        self.place = stored.place
        self.methodology = stored.methodology
        self.zone = stored.zone
        self.created_at = stored.created_at
        # Blind session: no model named, nor any hint of a pair, before its duel's reveal.
        self.blind = stored.blind
        self.request_settings: dict[str, Any] = {}
        self.final_weights: tuple[float, float] = stored.final_weights
        self.final_vote: dict[str, int] | None = stored.final_vote
        # Model id -> when its answers were recorded (ISO 8601), for a session replaying a pack.
        self.recorded_on: dict[str, str] = {}
        # The file an imported session came from (`duels import`); None for this machine's.
        # An imported session's figures rest on the cards it was exported with, not this
        # machine's catalog: they stay the ones its room saw.
        self.origin: str | None = stored.origin
        self._snapshots = stored.snapshots
        # Monotonic clock for the live tokens/s; tests replace it.
        self.clock: Callable[[], float] = time.monotonic
        # Streamed text in memory, not yet written (`commit_stream`): answer, kind, text.
        self._stream_unwritten: list[tuple[Answer, str, str]] = []
        self._stream_written_at = self._stream_clock = float("-inf")

    # -- building ---------------------------------------------------------------------------

    @classmethod
    def start(
        cls,
        programme: Programme,
        catalog: Catalog,
        store: Store,
        *,
        place: str = "",
        rng: random.Random | None = None,
        blind: bool = False,
    ) -> Workshop:
        """A new session on `programme`: draws which model is A for each duel (seed `rng` in
        tests) and stores the session, its duels and their cards at once. Starts at HOME.
        Blind when the programme says so or `blind`."""
        blind = blind or programme.blind
        rng = rng or random.Random()
        snapshots: dict[str, dict[str, Any]] = {}
        drawn: list[tuple[DuelSpec, dict[str, str]]] = []
        for spec in programme.duels:
            for model_id in spec.model_ids:
                card = catalog.get(model_id)
                if card is None:
                    raise WorkshopError(f"modèle inconnu du catalogue : {model_id}")
                if model_id not in snapshots:  # once a model: a snapshot reads hardware.toml (1 ms)
                    snapshots[model_id] = {**card_snapshot(card), "size_class": catalog.size_class(card)}
            drawn.append((spec, anonymity.draw_sides(spec.model_ids, rng)))
        stored = write_session(store, programme, drawn, snapshots, uid=uuid.uuid4().hex, place=place, blind=blind)
        return cls(store, catalog, stored)

    @classmethod
    def resume(cls, store: Store, catalog: Catalog | None, session_id: int | None = None) -> Workshop | None:
        """The last unfinished session (or `session_id`, finished or not), restored with its
        step. Answers that were streaming when the app stopped become INTERRUPTED, with all
        the text committed so far, and can be re-run with `retry`. None if there is none.
        `catalog=None` uses the cards remembered by the session."""
        return cls._restore(store, catalog, session_id, write=True)

    @classmethod
    def load(cls, store: Store, catalog: Catalog | None, session_id: int) -> Workshop | None:
        """Session `session_id` as stored, read only (for the export, possibly while the
        workshop runs in another process): a streaming answer stays STREAMING, with the text
        committed so far. Do not drive a loaded workshop; `resume` it."""
        return cls._restore(store, catalog, session_id, write=False)

    @classmethod
    def _restore(cls, store: Store, catalog: Catalog | None, session_id: int | None, *, write: bool) -> Workshop | None:
        if session_id is None:
            session_id = store.last_unfinished_session()
            if session_id is None:
                return None
        stored = read_session(store, session_id)
        if stored is None:
            return None
        workshop = cls(store, catalog, stored)
        if write:
            workshop._interrupt_streaming()
        return workshop

    def _interrupt_streaming(self) -> None:
        """The app stopped while these answers streamed: each becomes INTERRUPTED, keeping what
        was committed."""
        for duel in self.duels:
            for turn in duel.turns:
                for answer in turn.answers.values():
                    if answer.status is not AnswerStatus.STREAMING:
                        continue
                    answer.status = AnswerStatus.INTERRUPTED
                    answer.names_itself = anonymity.names_itself(answer.text, self.card(answer.model_id))
                    answer.finished_at = now_iso()
                    self._save(partial(
                        self.store.finish_answer,
                        answer.answer_id,
                        status=answer.status.value,
                        text=answer.text,
                        reasoning=answer.reasoning,
                        names_itself=answer.names_itself,
                        finished_at=answer.finished_at,
                    ))

    # -- reading ----------------------------------------------------------------------------

    @property
    def step(self) -> Step:
        """HOME, FINAL or DONE for the session; otherwise the current duel's step."""
        if self._phase is not None:
            return self._phase
        if not self.duels:
            return Step.FINAL
        return self.duels[self.current].step

    @property
    def duel(self) -> DuelState:
        """The duel on screen."""
        return self.duels[self.current]

    @property
    def finished(self) -> bool:
        return self._phase is Step.DONE

    def _catalog_card(self, model_id: str) -> ModelCard | None:
        if self.catalog is None or self.origin is not None:
            return None
        return self.catalog.get(model_id)

    def may_name(self, duel: DuelState) -> bool:
        """Whether the models of `duel` may be named (or hinted at: their sizes, their costs):
        always, the slides announcing the pairs, except in a blind session before the reveal."""
        return not self.blind or duel.revealed

    def card(self, model_id: str) -> ModelCard:
        """The catalog's card when it still has the model, else the one the session kept."""
        return self._catalog_card(model_id) or card_from_snapshot(self._snapshots[model_id])

    def size_class(self, model_id: str) -> str:
        """ "XS".."XL" on the catalog's scale; the class remembered by the session without one."""
        card = self._catalog_card(model_id)
        if card is not None and self.catalog is not None:
            return self.catalog.size_class(card)
        return str(self._snapshots.get(model_id, {}).get("size_class") or "?")

    def side_card(self, i: int, side: str) -> ModelCard:
        return self.card(self.duels[i].sides[side])

    def answer(self, i: int, side: str) -> Answer:
        """The side's answer in the duel's last turn."""
        duel = self._duel(i)
        if not duel.turns:
            raise WorkshopError(f"{duel.title} n'a pas encore commencé")
        return duel.turns[-1].answers[_side(side)]

    # -- moving between steps ---------------------------------------------------------------

    def _save(self, change: Callable[[], object], what: str = "") -> None:
        """Write a change now, or keep it until the database takes it (locked, full, read-only:
        `Store.save`); the session goes on from memory either way, and the screen never waits.
        A change that needs a row id not written yet reads it when it runs: changes run in
        order, so the row is there by then."""
        self.store.save(change, what)

    def _save_position(self) -> None:
        self._save(partial(self.store.set_position, self.session_id, self.step.value, self.current))

    def _set_duel_step(self, duel: DuelState, step: Step) -> None:
        duel.step = step
        self._save(partial(self.store.set_duel_step, duel.duel_id, step.value))

    def advance(self) -> None:
        """One step forward (see the module docstring); WorkshopError says what is missing."""
        step = self.step
        if step is Step.HOME:
            if not self.duels:
                self._phase = Step.FINAL
            else:
                self._phase = None
                self.current = 0
        elif step is Step.PROMPT:
            raise WorkshopError("Lancez le duel avant de passer au vote.")
        elif step is Step.STREAMING:
            duel = self.duel
            if duel.streaming:
                raise WorkshopError("Les réponses arrivent encore : attendez-les ou annulez.")
            self._set_duel_step(duel, Step.VOTE)
        elif step is Step.VOTE:
            duel = self.duel
            if duel.vote is None:
                raise WorkshopError("Saisissez le vote de la salle avant la révélation.")
            self._set_duel_step(duel, Step.REVEAL)
        elif step is Step.REVEAL:
            if self.current + 1 < len(self.duels):
                self.current += 1
            else:
                self._phase = Step.FINAL
        elif step is Step.FINAL:
            self._phase = Step.DONE
        else:
            raise WorkshopError("La séance est terminée.")
        self._save_position()

    def go_to(self, i: int) -> None:
        """Show duel i at its own step (to come back to a duel or skip one)."""
        self._duel(i)
        self.current = i
        self._phase = None
        self._save_position()

    def go_to_final(self) -> None:
        self._phase = Step.FINAL
        self._save_position()

    # -- the prompt and the turns -----------------------------------------------------------

    def set_prompt(self, i: int, text: str) -> None:
        """Replace duel i's prompt (a question from the room) before it is sent."""
        duel = self._duel(i)
        if duel.turns:
            raise WorkshopError("Le prompt a déjà été envoyé : envoyez plutôt une relance.")
        text = text.strip()
        if not text:
            raise WorkshopError("Le prompt est vide.")
        duel.prompt = text
        self._save(partial(self.store.set_prompt, duel.duel_id, text), f"{duel.title} : question « {text} »")

    def begin_turn(self, i: int, follow_up: str | None = None) -> dict[str, AnswerRequest]:
        """Send duel i's prompt (first turn, `follow_up=None`) or a follow-up to both models.
        Returns the request per side ("A", "B"), each with that model's own history.
        Creates the turn and its two answers (STREAMING) in the store."""
        duel = self._duel(i)
        if duel.step not in (Step.PROMPT, Step.STREAMING):
            raise WorkshopError("Le vote a commencé : on ne peut plus relancer ce duel.")
        if duel.streaming:
            raise WorkshopError("Les réponses arrivent encore : attendez-les ou annulez.")
        if follow_up is None:
            if duel.turns:
                raise WorkshopError("Le prompt a déjà été envoyé : écrivez une relance.")
            text = duel.prompt
        else:
            if not duel.turns:
                raise WorkshopError("Envoyez d'abord le prompt du duel.")
            text = follow_up.strip()
            if not text:
                raise WorkshopError("La relance est vide.")
        for side in SIDES:  # before anything is written: a turn no model can answer is useless
            self._live_card(duel, side)
        stamp = now_iso()
        turn = Turn(len(duel.turns), text, {side: Answer(side, duel.sides[side], started_at=stamp) for side in SIDES},
                    created_at=stamp)
        duel.turns.append(turn)
        duel.step = Step.STREAMING
        self.current = i
        self._phase = None

        def write() -> None:
            with self.store.transaction():
                turn.turn_id, _ = self.store.add_turn(duel.duel_id, turn.index, text, stamp)
                for side in SIDES:
                    # The side's answer as it is when this runs (a retry may have replaced it).
                    turn.answers[side].answer_id = self.store.add_answer(turn.turn_id, side, duel.sides[side], stamp)
                self.store.set_duel_step(duel.duel_id, Step.STREAMING.value)
                self.store.set_position(self.session_id, Step.STREAMING.value, i)

        self._save(write, f"{duel.title} : question « {text} »" if turn.index else "")
        return {side: self._request(duel, side, turn.index) for side in SIDES}

    def _live_card(self, duel: DuelState, side: str) -> ModelCard:
        """The catalog's card, needed to reach the model (the stored one has no address)."""
        card = self.catalog.get(duel.sides[side]) if self.catalog is not None else None
        if card is None:
            raise WorkshopError(f"Le modèle {side} n'est plus dans le catalogue : impossible de l'interroger.")
        return card

    def _request(self, duel: DuelState, side: str, turn_index: int) -> AnswerRequest:
        """The side's own conversation up to `turn_index`: system prompt, then each earlier
        turn's question and this model's answer (never the other model's; reasoning is not
        sent back). A turn this model did not answer is merged into the next question, as
        chat APIs refuse two user messages in a row or an empty assistant message."""
        card = self._live_card(duel, side)
        messages: list[Message] = []
        if duel.spec.system_prompt:
            messages.append(Message("system", duel.spec.system_prompt))
        pending: list[str] = []
        for turn in duel.turns[:turn_index]:
            pending.append(turn.user_text)
            reply = turn.answers[side].text
            if reply.strip():
                messages.append(Message("user", "\n\n".join(pending)))
                messages.append(Message("assistant", reply))
                pending = []
        pending.append(duel.turns[turn_index].user_text)
        messages.append(Message("user", "\n\n".join(pending)))
        return AnswerRequest(
            route=card.route,
            messages=tuple(messages),
            api_base=api_base_for(card.route, card.api_base),
            api_key_env=card.api_key_env,
            max_tokens=duel.spec.max_tokens,
            temperature=duel.spec.temperature,
            local=card.is_local,
            trusted_hosts=card.trusted_hosts(),
            think=card.reasoning and is_ollama_route(card.route),
            **self.request_settings,
        )

    def apply(self, i: int, side: str, event: StreamEvent) -> None:
        """One engine event for the side's answer in duel i's last turn: the in-memory answer
        changes and the change is committed before returning, except streamed text, committed
        with the text after it within STREAM_WRITE_S and before it is shown (`commit_stream`).
        Events for an answer that has already ended (a late delta after a cancel) are ignored."""
        duel = self._duel(i)
        answer = self.answer(i, side)
        if answer.status is not AnswerStatus.STREAMING:
            return
        if isinstance(event, Waiting):
            answer.waiting, answer.waiting_since = event.reason, event.since or self.clock()
        elif isinstance(event, Loaded):
            answer.waiting = answer.waiting_since = None
            answer.load_s = event.load_s
            turn = duel.turns[-1]
            self._save(lambda: self.store.set_load(turn.answers[side].answer_id, event.load_s))
        elif isinstance(event, TextDelta | ReasoningDelta):
            if not event.text:
                return
            kind = "text" if isinstance(event, TextDelta) else "reasoning"
            if kind == "text":
                answer.text += event.text
            else:
                answer.reasoning += event.text
            now = self.clock()
            if answer.first_delta_at is None:
                answer.first_delta_at = now
            answer.last_delta_at = self._stream_clock = now
            self._stream_unwritten.append((answer, kind, event.text))
            if now - self._stream_written_at >= STREAM_WRITE_S:
                self.commit_stream()
        elif isinstance(event, Usage):
            turn = duel.turns[-1]
            self._save(lambda: self.store.set_usage(
                turn.answers[side].answer_id,
                event.prompt_tokens,
                event.completion_tokens,
                event.reasoning_tokens,
                event.source,
            ))
            answer.usage = AnswerUsage.of(event)
        elif isinstance(event, Done):
            answer.timings = Timings.of(event)
            self._finish(duel, answer, AnswerStatus.DONE)
        elif isinstance(event, EngineError):
            cards = [self.card(duel.sides[s]) for s in SIDES]
            answer.error = AnswerError.of(anonymity.anonymize_error(event, cards))
            self._finish(duel, answer, AnswerStatus.ERROR)

    def commit_stream(self) -> None:
        """Write the streamed text not written yet, in one transaction. A commit per token was
        a twelfth of the app's CPU while two answers streamed at 25 tokens/s (bench/ui_bench.py,
        cProfile): the text is now written at least every STREAM_WRITE_S, and before anything
        shows it (the duel screen calls this before each frame; `play_turn` before each
        `on_event`), so the screen never shows what the database does not hold."""
        self._stream_written_at = self._stream_clock  # the clock read at the last delta
        if not self._stream_unwritten:
            return
        chunks, self._stream_unwritten = self._stream_unwritten, []
        # Row ids are read when the change runs: an answer's row may still be waiting to be written.
        self._save(lambda: self.store.append_chunks([(answer.answer_id, kind, text) for answer, kind, text in chunks]))

    def _finish(self, duel: DuelState, answer: Answer, status: AnswerStatus) -> None:
        self.commit_stream()  # in order: the chunks, then the answer's text that replaces them
        answer.status = status
        answer.waiting = answer.waiting_since = None
        answer.names_itself = anonymity.names_itself(answer.text + "\n" + answer.reasoning, self.card(answer.model_id))
        error = answer.error
        answer.finished_at = now_iso()
        turn = next(turn for turn in reversed(duel.turns) if turn.answers.get(answer.side) is answer)
        finish = partial(
            self.store.finish_answer,
            status=status.value,
            text=answer.text,
            reasoning=answer.reasoning,
            names_itself=answer.names_itself,
            timings=answer.timings.to_json(),
            error=None if error is None else error.to_json(),
            finished_at=answer.finished_at,
        )
        self._save(lambda: finish(turn.answers[answer.side].answer_id))

    def cancel_turn(self, i: int) -> None:
        """Esc: every answer still streaming in duel i's last turn becomes CANCELLED, keeping
        the text received so far."""
        duel = self._duel(i)
        if not duel.turns:
            return
        for side in SIDES:
            self.cancel_answer(i, side)

    def cancel_answer(self, i: int, side: str) -> None:
        """Cancel one side's answer in duel i's last turn if it is still streaming (its retry
        was stopped); the other side goes on."""
        duel = self._duel(i)
        if not duel.turns:
            return
        answer = duel.turns[-1].answers[_side(side)]
        if answer.status is AnswerStatus.STREAMING:
            self._finish(duel, answer, AnswerStatus.CANCELLED)

    def retry(self, i: int, side: str) -> AnswerRequest:
        """Re-run the side's answer in duel i's last turn (after an error, a cancel or a crash,
        or a truncated answer): its text is cleared, its attempt counter grows, and the same
        conversation is sent again. Only before the vote."""
        duel = self._duel(i)
        side = _side(side)
        if duel.step is not Step.STREAMING:
            raise WorkshopError("On ne peut relancer une réponse qu'avant le vote.")
        answer = self.answer(i, side)
        if answer.status is AnswerStatus.STREAMING:
            raise WorkshopError(f"La réponse du modèle {side} arrive encore.")
        request = self._request(duel, side, len(duel.turns) - 1)
        stamp = now_iso()
        attempt = answer.attempt + 1
        turn = duel.turns[-1]
        turn.answers[side] = Answer(
            side, answer.model_id, attempt=attempt, started_at=stamp, answer_id=answer.answer_id
        )
        self._save(lambda: self.store.reset_answer(turn.answers[side].answer_id, stamp, attempt))
        return request

    # -- vote, reveal, final ----------------------------------------------------------------

    def record_vote(
        self,
        i: int,
        votes: VoteCounts,
        qualifiers: dict[str, set[str]] | None = None,
        comments: dict[str, str] | None = None,
    ) -> None:
        """The room's hands for duel i (and compar:IA's qualifiers per side, optional; a
        comment per side, optional). Moves a duel still in STREAMING to VOTE. Raises VoteError
        for unknown qualifiers. Voting again corrects the vote: the counts it replaces are kept
        in `duel.vote_history` (and the store), with their times; the UI asks before."""
        duel = self._duel(i)
        if not duel.turns:
            raise WorkshopError("Le duel n'a pas encore eu lieu : rien à voter.")
        if duel.streaming:
            raise WorkshopError("Les réponses arrivent encore : attendez-les ou annulez.")
        checked = check_qualifiers(qualifiers)
        clean_comments = {s: c.strip() for s, c in (comments or {}).items() if c and c.strip()}
        for s in clean_comments:
            _side(s)
        previous, previous_at = duel.vote, duel.voted_at
        duel.voted_at = now_iso()
        self._save(
            partial(
                self.store.save_vote,
                duel.duel_id,
                (votes.a, votes.b, votes.tie, votes.none),
                votes.quick,
                checked,
                clean_comments,
                duel.voted_at,
            ),
            f"{duel.title} : vote A {votes.a}, B {votes.b}, les deux se valent {votes.tie}, aucun {votes.none}"
            + "".join(f" ; commentaire {s} « {c} »" for s, c in clean_comments.items()),
        )
        if previous is not None and previous != votes:  # the store's rule too (Store.save_vote)
            duel.vote_history.append(CorrectedVote(previous, previous_at or "", duel.voted_at))
        duel.vote = votes
        duel.qualifiers = checked
        duel.comments = clean_comments
        if duel.step is Step.STREAMING:
            self._set_duel_step(duel, Step.VOTE)
            if i == self.current and self._phase is None:
                self._save_position()

    def make_blind(self) -> None:
        """From now on, no model named before its duel's reveal (`duels --aveugle` on a resumed
        session; a blind session never stops being blind)."""
        if not self.blind:
            self.blind = True
            self._save(partial(self.store.set_blind, self.session_id))

    def set_impact_settings(self, methodology: str | None = None, zone: str | None = None) -> None:
        """Switch the methodology ("ecologits-2025" | "ecologits-2024") or the electricity zone
        used by the reveal and the final; `zone=None` keeps each hardware profile's zone."""
        self.methodology = methodology or self.methodology
        self.zone = zone
        self._save(partial(self.store.set_impact_settings, self.session_id, self.methodology, self.zone))

    def show_reveal(self, i: int) -> None:
        """The room is shown duel i's reveal: a duel at VOTE moves to REVEAL, stored. Needs the
        room's vote."""
        duel = self._voted(i)
        if duel.step is Step.VOTE:
            self._set_duel_step(duel, Step.REVEAL)
            if i == self.current and self._phase is None:
                self._save_position()

    def reveal(self, i: int, lang: str = "fr") -> Reveal:
        """Duel i's reveal (see `arena.reveal.Reveal`), its words in `lang`; changes nothing
        (`show_reveal` is the action). Needs the room's vote."""
        from duels_tui.arena.reveal import build_reveal

        return build_reveal(self, self._voted(i), lang)

    def _voted(self, i: int) -> DuelState:
        duel = self._duel(i)
        if duel.step not in (Step.VOTE, Step.REVEAL) or duel.vote is None:
            raise WorkshopError("Saisissez le vote de la salle avant la révélation.")
        return duel

    def final(
        self,
        weights: tuple[float, float] = (1.0, 1.0),
        final_vote: dict[str, int] | None = None,
        lang: str = "fr",
    ) -> FinalResult:
        """« L'IA gagnante » (see `arena.final`): the candidates, their utility and frugality,
        the rule in `lang` with these weights (utility, frugality), and the winner; a final
        vote (model id -> hands) among the candidates overrides the rule. Changes nothing:
        `set_final` is the action that keeps them."""
        from duels_tui.arena.final import compute_final
        from duels_tui.arena.reveal import final_candidates

        return compute_final(final_candidates(self), weights, final_vote, lang)

    def set_final(self, weights: tuple[float, float], final_vote: dict[str, int] | None = None) -> FinalResult:
        """The facilitator's weights and the room's final vote, checked (RuleError, VoteError)
        and stored; the final they give."""
        result = self.final(weights, final_vote)
        self.final_weights = result.weights
        self.final_vote = dict(final_vote) if final_vote else None
        self._save(partial(self.store.save_final, self.session_id, result.weights, self.final_vote),
                   f"l'IA gagnante : vote final {self.final_vote}" if self.final_vote else "")
        return result

    # -- helpers ----------------------------------------------------------------------------

    def _duel(self, i: int) -> DuelState:
        if not 0 <= i < len(self.duels):
            raise WorkshopError(f"Ce programme n'a pas de duel n° {i + 1}.")
        return self.duels[i]


def _side(side: str) -> str:
    if side not in SIDES:
        raise WorkshopError(f"côté inconnu « {side} » : A ou B")
    return side


__all__ = ["Step", "Workshop", "WorkshopError"]
