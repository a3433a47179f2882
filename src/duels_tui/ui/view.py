"""What the screens show, computed from arena state. The one place the UI reads arena objects,
so screens stay about layout and keys. Before the reveal nothing here names a model."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from duels_tui.arena.state import AnswerStatus, DuelState, Step, estimate_tokens
from duels_tui.engine.events import CAPPED, MAX_ANSWER_BYTES, MAX_ANSWER_TOKENS
from duels_tui.numbers import count, duration, fixed, integer, number, percent, range_text
from duels_tui.ui.i18n import Translator

if TYPE_CHECKING:  # the duel's and the final's widgets: imported by their screens, not for Home
    from duels_tui.ui.widgets.answer_pane import PaneState
    from duels_tui.ui.widgets.scatter import Point

# --- home -----------------------------------------------------------------------------------


def session_line(workshop, t: Translator) -> str:
    line = t("home.session", id=workshop.session_id, date=_day(workshop.created_at or "", t.lang))
    line += f" — {workshop.place}" if workshop.place else ""
    line += " — " + t("home.blind") if workshop.blind else ""
    return line + " — " + t("home.resumable")


def _pair(workshop, duel: DuelState) -> str:
    # The programme's pair is public (the slides show it); which one is A stays hidden.
    names = [workshop.catalog.get(m).name if workshop.catalog.get(m) else m for m in duel.spec.model_ids]
    return " vs ".join(names)


def home_duel_lines(workshop, index: int, t: Translator, availability, fit=None) -> tuple[str, str]:
    """The duel's line and its state; `fit` (memory.PairFit) says when its two models run one
    after the other, not fitting in memory together."""
    duel = workshop.duels[index]
    named = workshop.may_name(duel)
    line = t("home.duel_line", title=duel.title, pair=_pair(workshop, duel)) if named else duel.title
    if duel.step is Step.REVEAL and duel.vote is not None:
        status = t("home.done") + " — " + winner_label(workshop, duel, t)
    elif duel.turns or duel.step is not Step.PROMPT:
        status = t("home.current")
    else:
        status = t("home.todo")
    blocked = []
    if availability is not None and workshop.blind:
        # Which duel can run would tell where the cloud models are: Home's way-out line says
        # that something is missing, `duels check` says what, out of the room's sight.
        return line, status
    if availability is not None:
        for model_id in duel.spec.model_ids:
            model = availability.models.get(model_id)
            if model is not None and not model.runnable:
                reason, hint = model.text(t.lang)
                blocked.append(t("home.blocked", name=workshop.catalog.get(model_id).name, reason=reason,
                                 hint=hint or ""))
    if blocked and duel.step is not Step.REVEAL:
        status = "⚠ " + t("common.list").join(blocked)
    elif availability is not None and duel.step is Step.PROMPT and not duel.turns:
        status += " · " + t("home.ready")
    if fit is not None and fit.one_after_other and not blocked and duel.step is not Step.REVEAL:
        need = sum(n or 0 for n in fit.needs) / 1e9
        free = max(0.0, (fit.free or 0) / 1e9)
        status += " · ⚠ " + t("home.one_after_other", need=_gb(need, t.lang), free=_gb(free, t.lang))
    return line, status


def _gb(value: float, lang: str) -> str:
    from duels_tui.numbers import number

    return number(value, lang=lang)


def winner_label(workshop, duel: DuelState, t: Translator) -> str:
    outcome = duel.vote.outcome.value if duel.vote else None
    if outcome in ("A", "B"):
        return t("home.winner", name=workshop.catalog.get(duel.sides[outcome]).name)
    return {"tie": t("home.draw"), "none": t("home.neither")}.get(outcome or "", "")


def programme_line(workshop, t: Translator) -> str:
    return t("home.programme_line", name=workshop.programme.name, description=workshop.programme.description)


def engine_summary(availability, t: Translator) -> str:
    """Home's line on what can run, fit for the room's screen: how many models can answer and
    which server does not; addresses and versions are the facilitator's (`duels check`)."""
    runnable = sum(1 for m in availability.models.values() if m.runnable)
    parts = [count(runnable, "usable_model", t.lang)]
    # One mention per kind: two OpenAI-style servers down read « openai ne répond pas » twice.
    down = dict.fromkeys(e.kind for e in availability.endpoints if not e.reachable)
    parts += [t("home.endpoint_down", kind=kind) for kind in down]
    parts.append(t("home.details"))
    return " · ".join(parts)


def way_out(workshop, availability, t: Translator) -> str:
    """When a duel still to play cannot run: the keys missing and what can run now (availability.way_out)."""
    from duels_tui.availability import way_out as say_way_out

    to_play = [d.spec.model_ids for d in workshop.duels if d.step is not Step.REVEAL]
    said = say_way_out(workshop.catalog, availability, to_play, t.lang)
    if said and workshop.blind:  # the keys missing would tell whose models they are
        return t("home.way_out_blind")
    return said


def servers_starting(availability) -> bool:
    """Whether an embedded model's server is still starting (Home checks again until it is up)."""
    return any(status.key == "embedded.starting" for status in availability.models.values())


def engine_failure_line(failure, t: Translator) -> str:
    """Home's line for an embedded engine that did not start (local_models.EngineFailure); ""
    when it started or was not needed."""
    if failure is None:
        return ""
    return t("home.engine_failed", message=failure.message, logs=failure.log_dir)


# --- duel -----------------------------------------------------------------------------------


def duel_engine_line(workshop, index: int, failure, t: Translator) -> str:
    """The duel screen's warning when one of its models is embedded and its server did not
    start. Anonymous: it names neither the model nor its side (the pane's error does that)."""
    if failure is None:
        return ""
    from duels_tui.engine.loading import starting_problem

    cards = [workshop.catalog.get(m) for m in workshop.duels[index].spec.model_ids]
    # No server address: the engine failed at launch; one whose start failed in the background.
    if not any(card is not None and card.local_model and (not card.api_base or starting_problem(card.api_base))
               for card in cards):
        return ""
    return t("duel.engine_failed", logs=failure.log_dir)


def duel_title(workshop, index: int) -> str:
    duel = workshop.duels[index]
    return f"{duel.title} / {len(workshop.duels)} — {workshop.programme.name}"


def prompt_text(duel: DuelState) -> str:
    return duel.turns[0].user_text if duel.turns else duel.prompt


def has_started(duel: DuelState) -> bool:
    return bool(duel.turns)


def history_line(duel: DuelState, t: Translator) -> str:
    """The follow-ups asked so far (the first prompt stays in the prompt box)."""
    follow_ups = [turn.user_text for turn in duel.turns[1:]]
    if not follow_ups:
        return ""
    return t("duel.follow_ups") + " · ".join(t("common.quote", text=_clipped(text, 60)) for text in follow_ups[-2:])


def _clipped(text: str, limit: int) -> str:
    """`text` on at most `limit` characters, « … » saying where it was cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# What a pane shows of one answer (and of its reasoning), in characters: about 1,300 words, six
# screens of a pane, more than a room reads; the rest is kept and exported. Showing text costs in
# proportion to its length (Markdown blocks, wrapping, layout; measured in CPU time on 2 cores: a
# full render of 12,000 characters 45 to 90 ms, of 250 KiB 0.8 s), and a key waits for the step
# under way: an answer of 128 KiB (engine/events.py: MAX_ANSWER_BYTES) is never shown whole.
PANE_CHARS = 8_000


def _shown(text: str, t: Translator) -> str:
    """`text` as a pane shows it: cut at PANE_CHARS with a note that does not change as the
    answer grows (a changing end would render the whole text again each frame)."""
    if len(text) <= PANE_CHARS:
        return text
    return text[:PANE_CHARS] + "\n\n" + t("duel.clipped")


@dataclass(frozen=True)
class Preload:
    """A model's loading before its duel is launched (engine/loading.py's Loader, read by the screen)."""

    since: float | None = None  # monotonic time its load began, while it goes on
    seconds: float | None = None  # how long the finished load took
    after_other: bool = False  # B of a pair too big for memory: it loads once A has answered


def waiting_text(reason: str, since: float, now: float, t: Translator) -> str:
    key = "duel.queued" if reason == "turn" else "duel.loading"
    return t(key, elapsed=duration(int(max(0.0, now - since)), t.lang))


def pane_state(
    duel: DuelState, side: str, t: Translator, *, now: float | None = None, preload: Preload | None = None
) -> PaneState:
    """The conversation of one side: earlier turns as quoted blocks, then the last answer; while
    its request waits (its model loading, or the other model answering first), for how long."""
    from duels_tui.ui.widgets.answer_pane import PaneState

    now = time.monotonic() if now is None else now
    if not duel.turns:
        if preload is not None and preload.since is not None:
            return PaneState(waiting=waiting_text("load", preload.since, now, t))
        if preload is not None and preload.seconds is not None and preload.seconds >= 1:
            return PaneState(waiting=t("duel.loaded", elapsed=duration(preload.seconds, t.lang)))
        if preload is not None and preload.after_other:
            return PaneState(waiting=t("duel.loads_after"))
        return PaneState()
    last = duel.turns[-1].answers[side]
    waiting = notice = ""
    if last.status is AnswerStatus.STREAMING and last.waiting and last.waiting_since is not None:
        waiting = waiting_text(last.waiting, last.waiting_since, now, t)
        notice = t("duel.queued_why") if last.waiting == "turn" else ""
    text = (
        "".join(
            f"{_shown(turn.answers[side].text, t)}\n\n---\n\n> {duel.turns[i + 1].user_text}\n\n"
            for i, turn in enumerate(duel.turns[:-1])
        )
        + _shown(last.text, t)
    )
    reasoning = "\n\n".join(
        _shown(turn.answers[side].reasoning, t) for turn in duel.turns if turn.answers[side].reasoning
    )
    if last.status is AnswerStatus.ERROR and last.error is not None:
        notice = last.error.text(t.lang)
    elif last.status is AnswerStatus.CANCELLED:
        notice = t("duel.cancelled")
    elif last.status is AnswerStatus.INTERRUPTED:
        notice = t("duel.interrupted")
    elif last.status is AnswerStatus.DONE and not last.text.strip() and last.reasoning.strip():
        cut = last.timings.finish_reason == "length"
        notice = t("duel.only_reasoning_cut", n=duel.spec.max_tokens or "?") if cut else t("duel.only_reasoning")
    elif last.status is AnswerStatus.DONE and not last.text.strip():
        notice = t("duel.empty")
    elif last.status is AnswerStatus.DONE and last.timings.finish_reason == "length":
        notice = truncated_notice(last, duel.spec.max_tokens, t)
    elif last.status is AnswerStatus.DONE and last.timings.finish_reason == CAPPED:
        notice = t("duel.capped", kib=integer(MAX_ANSWER_BYTES // 1024, t.lang),
                   pieces=integer(MAX_ANSWER_TOKENS, t.lang))
    return PaneState(
        text=text,
        reasoning=reasoning,
        status=last.status.value,
        tokens=sum(turn.answers[side].output_tokens for turn in duel.turns),
        answers=len(duel.turns),
        tokens_estimated=any(turn.answers[side].usage_source != "server" for turn in duel.turns),
        reasoning_tokens=(last.usage.reasoning_tokens if last.usage and last.usage.reasoning_tokens
                          else estimate_tokens(reasoning)),
        tokens_per_s=last.live_tokens_per_s,
        notice=notice,
        identity_flag=last.names_itself,
        waiting=waiting,
    )


def truncated_notice(answer, limit: int | None, t: Translator) -> str:
    """The answer reached max_tokens. The limit is on the output tokens of each answer; the count
    shown beside it may be above it (an estimate from the text, or a server counting its own
    way): then the notice says which count that is."""
    if not limit:
        return t("duel.truncated.unknown")
    notice = t("duel.truncated", limit=count(limit, "output_token", t.lang))
    if answer.output_tokens > limit:
        key = "duel.truncated.server" if answer.usage_source == "server" else "duel.truncated.estimate"
        notice += " " + t(key, shown=count(answer.output_tokens, "token", t.lang))
    return notice


def retryable_sides(duel: DuelState) -> tuple[str, ...]:
    if not duel.turns:
        return ()
    last = duel.turns[-1]
    return tuple(side for side in ("A", "B") if last.answers[side].retryable)


def vote_counts(votes, t: Translator) -> str:
    """« Modèle A 12 · Modèle B 8 · les deux se valent 3 · aucun 1 »."""
    return t("vote.counts", **{name: integer(getattr(votes, name), t.lang) for name in ("a", "b", "tie", "none")})


def clock(iso: str | None) -> str:
    """A stored time (ISO 8601, UTC) as the room's clock shows it: « 10:12 » (local time)."""
    from datetime import datetime

    try:
        return datetime.fromisoformat(iso or "").astimezone().strftime("%H:%M")
    except ValueError:
        return iso or "?"


def existing_vote_line(duel: DuelState, t: Translator) -> str:
    """On the vote screen of a duel voted already: that vote, and that another one corrects it."""
    if duel.vote is None:
        return ""
    return t("vote.existing", time=clock(duel.voted_at), counts=vote_counts(duel.vote, t))


def replace_vote_question(duel: DuelState, new, t: Translator) -> str:
    return t("vote.replace.question", time=clock(duel.voted_at), old=vote_counts(duel.vote, t),
             new=vote_counts(new, t))


def viewer_vote_line(workshop, duel: DuelState, t: Translator) -> str:
    """The read-only view's vote line: the counts, and who A and B were once revealed."""
    if duel.vote is None:
        return t("viewer.not_voted")
    line = t("viewer.vote", counts=vote_counts(duel.vote, t))
    if duel.revealed:
        names = {side: workshop.card(duel.sides[side]).name for side in ("A", "B")}
        line += " — " + t("viewer.revealed", a=names["A"], b=names["B"])
    return line


# --- reveal and final are filled in below once arena's Reveal/FinalResult are read -----------


@dataclass
class RevealSideView:
    title: str
    size_class: str
    scale_labels: tuple[str, ...]
    card_lines: list[str]
    figures: list[tuple[str, str]]
    impact_lines: list[str]


@dataclass
class RevealView:
    title: str
    comparison: str
    sides: list[RevealSideView]
    footer: str


@dataclass
class FinalView:
    winner: str
    columns: tuple[str, ...]
    rows: list[tuple]
    rule: str
    points: list[Point] = field(default_factory=list)
    legend: str = ""


def _digits(value, lang: str) -> str:
    """The big figure: the central value; the range is spelled out on the line below it."""
    return number(value.mid, lang=lang)


def _day(iso: str, lang: str = "fr") -> str:
    """ "2026-11-23T10:12:35+00:00" -> "23/11/2026" ("2026-11-23" in English; the text as it is
    when it is no date)."""
    year, month, day = iso[:10].split("-") if iso[4:5] == "-" and iso[7:8] == "-" else ("", "", "")
    if not year:
        return iso
    return iso[:10] if lang == "en" else f"{day}/{month}/{year}"


def reveal_view(workshop, index: int, t: Translator) -> RevealView:
    from duels_tui.arena.cards import openness_text

    lang = t.lang
    reveal = workshop.reveal(index, lang)
    labels = workshop.catalog.scale.labels
    sides = []
    for side in ("A", "B"):
        s = reveal.sides[side]
        card = s.card
        label = t("model.a" if side == "A" else "model.b")
        card_lines = [
            t("reveal.params_line", params=s.params_text, size=s.size_class),
            s.architecture_text,
            t("reveal.licence", licence=openness_text(card.licence, lang))
            + (f" ({openness_text(card.openness, lang)})" if card.openness != card.licence else "")
            + (t("reveal.release", release=card.release) if card.release else ""),
            card.description_in(lang),
        ]
        if s.recorded_at:
            card_lines.append(t("reveal.recorded", day=_day(s.recorded_at, lang)))
        if s.load_s is not None and s.load_s >= 1:
            card_lines.append(t("reveal.load", elapsed=duration(s.load_s, lang)))
        figures: list[tuple[str, str]] = []
        impact_lines: list[str] = []
        if s.impact is not None:
            # "≈": the big figure is the middle of an estimated range, spelled out below.
            figures = [
                (t(key) + ("" if value.is_exact else " ≈"), _digits(value, lang))
                for key, value in (("reveal.energy", s.impact.energy_wh), ("reveal.co2", s.impact.gwp_g),
                                   ("reveal.water", s.impact.water_ml))
            ]
            impact_lines.append(
                " · ".join(
                    (
                        range_text(s.impact.energy_wh, "Wh", lang=lang),
                        range_text(s.impact.gwp_g, "g CO2e", lang=lang),
                        range_text(s.impact.water_ml, t("reveal.water_unit"), lang=lang),
                    )
                )
            )
            if s.equivalents:
                impact_lines.append(t("reveal.equivalents") + " · ".join(e.label for e in s.equivalents))
            if s.energy_class:
                per_million = number(s.wh_per_million_tokens or 0, 3, lang)
                impact_lines.append(t("reveal.class_line", cls=s.energy_class, wh=per_million))
            if s.impact.measured_wh is not None:
                impact_lines.append(t("reveal.measured", wh=number(s.impact.measured_wh, 3, lang)))
        source = {"server": t("reveal.source.server"), "estimate": t("reveal.source.estimate")}.get(
            s.usage_source, t("reveal.source.mixed")
        )
        tokens = count(s.output_tokens, "generated_token", lang)
        impact_lines.append(t("reveal.tokens", tokens=tokens, source=source))
        if s.votes is not None and s.share is not None:
            impact_lines.append(t("reveal.votes", votes=count(s.votes, "vote", lang), share=percent(s.share, lang)))
        if s.names_itself:
            impact_lines.append(t("reveal.named_itself"))
        sides.append(
            RevealSideView(
                title=t("reveal.side_title", label=label, organisation=card.organisation, name=card.name),
                size_class=s.size_class,
                scale_labels=tuple(labels),
                card_lines=card_lines,
                figures=figures,
                impact_lines=impact_lines,
            )
        )
    comparison = reveal.comparison.sentence if reveal.comparison is not None else (reveal.impact_error or "")
    footer_parts = [f"{t('reveal.methodology')} {reveal.methodology}"]
    for side in ("A", "B"):
        s = reveal.sides[side]
        if s.profile:
            profile = s.profile_label or s.profile
            footer_parts.append(t("reveal.profile", side=side, profile=profile, zone=s.zone))
    footer_parts.extend(reveal.notes)
    duel = workshop.duels[index]
    for earlier in duel.vote_history:
        footer_parts.append(t("reveal.corrected_detail", time=clock(earlier.replaced_at),
                              counts=vote_counts(earlier.votes, t)))
    outcome = f" — {reveal.outcome.text(lang)}" if reveal.outcome is not None else ""
    if duel.vote_corrected:
        outcome += f" ({t('reveal.corrected')})"
    return RevealView(
        title=f"{t('reveal.title')} — {reveal.title}{outcome}",
        comparison=comparison,
        sides=sides,
        footer=" · ".join(footer_parts),
    )


def dom_id(model_id: str) -> str:
    """A model id as a widget id (ids allow letters, digits, - and _ only)."""
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in model_id)


def final_candidates(workshop):
    """The rows of the final as the rule ranks them (the candidates of the final vote)."""
    return workshop.final(weights=workshop.final_weights, final_vote=workshop.final_vote).rows


# The final's columns, and their short names where the table must fit 80 columns.
# The final table's columns, keys of ui/i18n.py's table: in full, and short for 80 columns.
FINAL_COLUMNS = tuple(
    f"final.col.{c}" for c in ("rank", "model", "duels", "share", "utility", "wh", "frugality", "score")
)
FINAL_COLUMNS_SHORT = tuple(
    f"final.col.{c}"
    for c in ("rank_short", "model", "duel_short", "votes_short", "utility_short", "wh_short", "frugality_short",
              "score")
)


def final_view(workshop, t: Translator, narrow: bool = False) -> FinalView:
    from rich.text import Text

    from duels_tui.ui.widgets.scatter import Point

    result = workshop.final(weights=workshop.final_weights, final_vote=workshop.final_vote, lang=t.lang)
    if not result.rows:
        return FinalView(winner=t("final.none"), columns=(), rows=[], rule=result.rule_text)
    columns = tuple(t(c) for c in (FINAL_COLUMNS_SHORT if narrow else FINAL_COLUMNS))
    rows = []
    points = []
    winners = {row.model_id for row in result.winners}
    for row in result.rows:
        rows.append(
            (
                Text(str(row.rank)),
                Text(row.name),
                Text(", ".join(str(i + 1) for i in row.duels)),
                Text(percent(row.share, t.lang)),
                Text(fixed(row.utility, 2, t.lang)),
                Text(number(row.energy_wh, lang=t.lang) if row.energy_wh is not None else "?"),
                Text(fixed(row.frugality, 2, t.lang) if row.frugality is not None else "—"),
                Text(fixed(row.score, 2, t.lang), style="bold" if row.model_id in winners else ""),
            )
        )
        if row.energy_wh is not None:
            points.append(Point(row.name, row.energy_wh, row.share, row.model_id in winners))
    legend = "   ".join(f"{n}: {p.label}" for n, p in enumerate(points, start=1))
    return FinalView(
        winner=result.summary, columns=columns, rows=rows, rule=result.rule_text, points=points, legend=legend
    )
