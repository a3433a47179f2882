"""Each lesson's figures (a teaching card, « fiche » on screen; a model's card is
catalog.ModelCard), computed from the session and the shipped data, put into its template.

A lesson never writes a figure of its own: every number comes from the catalog, the equivalents,
lessons/facts.toml or what the session recorded, and the lesson cites where. Model names appear only
for the programme's models (public, like the slides' pairs) and for revealed duels.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from duels_tui.arena.cards import params_text
from duels_tui.catalog import Catalog, ModelCard
from duels_tui.explain import session as ses
from duels_tui.explain.facts import fact
from duels_tui.explain.phrases import LESSON_TEXTS
from duels_tui.explain.templates import LessonTemplate, load_templates
from duels_tui.lang import DEFAULT, check_lang
from duels_tui.numbers import count, integer, number, params, percent
from duels_tui.text_safety import markdown_text as md

if TYPE_CHECKING:
    from duels_tui.arena.workshop import Workshop


@dataclass(frozen=True)
class Figure:
    """The lesson's big number (drawn with Textual's Digits: digits, « , » or « . », « % », « x »)
    and what it means."""

    value: str
    caption: str


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str  # the value as written beside the bar
    highlight: bool = False


@dataclass(frozen=True)
class Chart:
    title: str
    bars: tuple[Bar, ...]
    log: bool = True


@dataclass(frozen=True)
class LessonView:
    key: str
    order: int
    title: str
    markdown: str
    sources: tuple[str, ...]  # numbered as cited in the text: sources[0] is [1]
    figure: Figure | None = None
    chart: Chart | None = None
    live_tokens: bool = False  # the lesson shows the token view above its text


@dataclass
class Context:
    workshop: Workshop
    catalog: Catalog
    lang: str = DEFAULT

    @cached_property
    def figures(self) -> ses.SessionFigures:
        return ses.session_figures(self.workshop)

    @cached_property
    def models(self) -> list[ModelCard]:
        return ses.programme_models(self.workshop)

    def in_session(self, card: ModelCard) -> bool:
        return any(m.id == card.id for m in self.models)

    def say(self, key: str, **values: object) -> str:
        return LESSON_TEXTS(key, self.lang, **values)

    def number(self, value: float, significant: int = 2) -> str:
        return number(value, significant, self.lang)

    def percent(self, value: float) -> str:
        """A value already in percent (57.1) as "57 %"."""
        return percent(value / 100, self.lang)

    def searches(self, value: float) -> str:
        return count(value, "search", self.lang, significant=2)

    def params(self, card: ModelCard) -> str:
        return params_text(card, self.lang)

    def here(self, card: ModelCard) -> str:
        return self.say("in_session") if self.in_session(card) else ""

    def approx(self, *cards: ModelCard) -> str:
        return self.say("approx") if any(c.estimate for c in cards) else ""


@dataclass
class Parts:
    values: dict[str, str] = field(default_factory=dict)
    figure: Figure | None = None
    chart: Chart | None = None


# --- one function per lesson -------------------------------------------------------------------


def _size(ctx: Context) -> Parts:
    scale = ctx.catalog.scale
    bounds = [ctx.number(b, 3) for b in scale.bounds]
    steps = [ctx.say("taille.scale_first", label=scale.labels[0], bound=bounds[0])]
    steps += [ctx.say("taille.scale_step", label=label, low=low, high=high)
              for label, low, high in zip(scale.labels[1:-1], bounds, bounds[1:], strict=False)]
    steps.append(ctx.say("taille.scale_last", label=scale.labels[-1], bound=bounds[-1]))
    models = sorted(ctx.models, key=lambda c: c.params_total.mid, reverse=True)
    lines = [ctx.say("taille.model", name=md(c.name), params=ctx.params(c), size_class=ctx.workshop.size_class(c.id))
             for c in models]
    parts = Parts({"scale": "\n".join(steps), "session_models": "\n".join(lines) or ctx.say("taille.no_model"),
                   "notation": _notation(ctx, models or list(ctx.catalog.models.values()))})
    if len(models) >= 2 and models[-1].params_total.mid > 0:
        big, small = models[0], models[-1]
        ratio = big.params_total.mid / small.params_total.mid
        parts.figure = Figure(ctx.number(ratio), ctx.say("taille.figure", approx=ctx.approx(big, small),
                                                         big=big.name, small=small.name))
    if models:
        parts.chart = Chart(
            ctx.say("taille.chart"),
            tuple(Bar(f"{c.name} ({ctx.workshop.size_class(c.id)})", c.params_total.mid,
                      ("≈ " if c.estimate else "") + ctx.number(c.params_total.mid, 3)) for c in models),
        )
    return parts


def _notation(ctx: Context, cards: list[ModelCard]) -> str:
    """« Llama 3.3 70B » : « 70B » se lit 70 milliards de paramètres (from a model's own name)."""
    for card in cards:
        size = card.params_total.mid
        tag = f"{number(size, 3)}B".replace(",", ".")  # a name writes « 3.8B », whatever the language
        if card.params_total.is_exact and re.search(rf"(?<![\d.]){re.escape(tag)}\b", card.name):
            return ctx.say("taille.notation", name=md(card.name), tag=tag, size=ctx.number(size, 3))
    return ctx.say("taille.notation_default")


def _tokens(ctx: Context) -> Parts:
    return Parts()


def _experts(ctx: Context) -> Parts:
    moe = sorted((c for c in ctx.catalog.models.values() if c.is_moe), key=lambda c: c.params_total.mid,
                 reverse=True)
    if not moe:
        return Parts({"moe_models": ctx.say("experts.none")})
    lines = []
    for card in moe:
        share = 100 * card.params_active.mid / card.params_total.mid
        lines.append(ctx.say("experts.model", name=md(card.name),
                             active=params(card.params_active.mid, ctx.lang, with_noun=False),
                             total=params(card.params_total.mid, ctx.lang, with_noun=False),
                             share=ctx.percent(share),
                             here=ctx.here(card)))
    shown = next((c for c in moe if ctx.in_session(c)), None) or min(
        moe, key=lambda c: c.params_active.mid / c.params_total.mid)
    share = 100 * shown.params_active.mid / shown.params_total.mid
    return Parts(
        {"moe_models": "\n".join(lines)},
        Figure(ctx.percent(share), ctx.say("experts.figure", name=shown.name)),
        Chart(ctx.say("experts.chart"),
              tuple(b for c in moe for b in (
                  Bar(ctx.say("experts.bar_total", name=c.name), c.params_total.mid,
                      ctx.number(c.params_total.mid, 3)),
                  Bar(ctx.say("experts.bar_active", name=c.name), c.params_active.mid,
                      ctx.number(c.params_active.mid, 3), True)))),
    )


def _distillation(ctx: Context) -> Parts:
    blocks = []
    figure = None
    for family in fact("distillation")["families"]:
        members = sorted((c for c in ctx.catalog.models.values() if c.family == family["family"]),
                         key=lambda c: c.params_total.mid, reverse=True)
        if len(members) < 2:
            continue
        lines = [f"**{md(family['label'])}**", ""]
        lines += [ctx.say("distillation.model", name=md(card.name), params=ctx.params(card), here=ctx.here(card))
                  for card in members]
        blocks.append("\n".join(lines))
        big, small = members[0], members[-1]
        if figure is None and small.params_total.mid > 0:
            figure = Figure(ctx.number(big.params_total.mid / small.params_total.mid),
                            ctx.say("distillation.figure", approx=ctx.approx(big, small), small=small.name,
                                    big=big.name))
    text = "\n\n".join(blocks) or ctx.say("distillation.none")
    return Parts({"families": text}, figure)


def _reasoning(ctx: Context) -> Parts:
    duel = ses.last_reasoning_duel(ctx.workshop)
    if duel is None:
        planned = [c for c in ctx.models if c.reasoning]
        text = ctx.say("raisonnement.none")
        if planned:
            text += "\n\n" + ctx.say("raisonnement.planned", names=", ".join(md(c.name) for c in planned))
        return Parts({"reasoning": text})
    sides = ses.reasoning_sides(duel)
    revealed = duel in ctx.figures.revealed
    reveals = ses.side_reveals(ctx.workshop, duel) if revealed else {}
    lines = [f"**{md(duel.title)}**", ""]
    bars = []
    proportional = False
    for side, figures in sides.items():
        name = reveals[side].card.name if revealed else ctx.say("model_side", side=side)
        if not figures.output_tokens:
            lines.append(ctx.say("raisonnement.silent", name=md(name)))
            continue
        share = 100 * figures.reasoning_tokens / figures.output_tokens
        lines.append(ctx.say("raisonnement.side", name=md(name),
                             output=count(figures.output_tokens, "written_token", ctx.lang),
                             reasoning=integer(figures.reasoning_tokens, ctx.lang), share=ctx.percent(share),
                             estimated=ctx.say("raisonnement.estimated") if figures.estimated else ""))
        impact = reveals[side].impact if revealed else None
        if impact is not None and figures.reasoning_tokens:
            energy = impact.energy_wh.mid
            without = energy * figures.answer_tokens / figures.output_tokens
            lines.append(ctx.say("raisonnement.energy", energy=ctx.number(energy), without=ctx.number(without)))
            proportional = True
        bars.append(Bar(ctx.say("raisonnement.bar_reasoning", name=name), figures.reasoning_tokens,
                        ctx.number(figures.reasoning_tokens, 4), True))
        bars.append(Bar(ctx.say("raisonnement.bar_answer", name=name), figures.answer_tokens,
                        ctx.number(figures.answer_tokens, 4)))
    if proportional:
        lines += ["", ctx.say("raisonnement.proportional")]
    if not revealed:
        lines += ["", ctx.say("raisonnement.later")]
    total = sum(s.output_tokens for s in sides.values())
    reasoning = sum(s.reasoning_tokens for s in sides.values())
    figure = None
    if total:
        figure = Figure(ctx.percent(100 * reasoning / total), ctx.say("raisonnement.figure", duel=duel.title))
    chart = Chart(ctx.say("raisonnement.chart"), tuple(bars), log=False) if bars else None
    return Parts({"reasoning": "\n".join(lines)}, figure, chart)


def _cycle(ctx: Context) -> Parts:
    f = fact("inference_vs_training")
    ratio, day = float(f["ratio"]), int(f["day"])
    per_day = ratio / day
    lines = []
    bars = [Bar(ctx.say("cycle.training"), 1.0, ctx.say("cycle.reference", value=ctx.number(1.0)))]
    for d in f["days"]:
        value = ctx.number(per_day * d)
        lines.append(ctx.say("cycle.day_cited" if d == day else "cycle.day", day=d, value=value))
        bars.append(Bar(ctx.say("cycle.bar_day", day=d), per_day * d, ctx.say("cycle.bar_value", value=value),
                        d == day))
    lines += ["", ctx.say("cycle.note", day=day)]
    energy = ctx.figures.total_energy_wh
    if energy is None:
        use = ctx.say("cycle.none")
    else:
        use = ctx.say("cycle.use", answers=count(len(ctx.figures.answers), "answer", ctx.lang),
                      energy=ctx.number(energy.mid))
    return Parts(
        {"days": "\n".join(lines), "session_use": use},
        Figure(ctx.number(ratio), ctx.say("cycle.figure", day=day)),
        Chart(ctx.say("cycle.chart"), tuple(bars), log=False),
    )


def _search(ctx: Context) -> Parts:
    per = _web_search().per
    answers = ctx.figures.answers
    values = {"search_wh": ctx.number(per), "ai_ratio": ctx.number(float(fact("ai_vs_search")["ratio"]))}
    if not answers:
        values["answers"] = ctx.say("recherche.none")
        return Parts(values)
    last = answers[-1].duel_index
    title = ctx.workshop.duels[last].title
    lines = [f"**{md(title)}**", ""]
    for a in (a for a in answers if a.duel_index == last):
        turn = ctx.say("recherche.turn", n=a.turn + 1) if a.turn else ""
        lines.append(ctx.say("recherche.answer", name=md(a.model_name), turn=turn, wh=ctx.number(a.energy_wh.mid),
                             searches=ctx.searches(a.energy_wh.mid / per)))
    total = sum(a.energy_wh.mid for a in answers)
    mean = total / len(answers)
    lines += ["", ctx.say("recherche.mean", searches=ctx.searches(mean / per))]
    values["answers"] = "\n".join(lines)
    return Parts(values, Figure(ctx.number(total / per),
                                ctx.say("recherche.figure", answers=count(len(answers), "answer", ctx.lang))))


def _web_search():
    from duels_tui.impact.equivalents import load_equivalents

    return load_equivalents().get("web-search")


def _french(ctx: Context) -> Parts:
    f = fact("french_share")
    share = float(f["value"])
    per = 10 ** max(2, math.ceil(math.log10(1000 / share)))  # a whole count of at least 10
    in_french = share / 100 * per
    lines = []
    models = fact("french_models")
    for model_id in models["models"]:
        card = ctx.catalog.get(model_id)
        if card is not None:
            lines.append(ctx.say("francais.model", name=md(card.name), organisation=md(card.organisation),
                                 params=ctx.params(card), description=md(_description(ctx, card))))
    return Parts(
        {"share": ctx.percent(share), "per": ctx.number(per, 6), "count": ctx.number(in_french, 3),
         "model": md(f["model"]), "models": "\n".join(lines) or ctx.say("francais.none")},
        Figure(ctx.percent(share), ctx.say("francais.figure", model=f["model"])),
    )


def _description(ctx: Context, card: ModelCard) -> str:
    return card.description_in(ctx.lang)


def _hallucinations(ctx: Context) -> Parts:
    return Parts()


def _small(ctx: Context) -> Parts:
    ratio = float(fact("small_vs_large")["ratio"])
    values = {"ratio": ctx.number(ratio)}
    known = [m for m in ctx.figures.models if m.energy_per_answer is not None and m.energy_per_answer.mid > 0]
    figure = Figure(ctx.number(ratio), ctx.say("petits.figure"))
    if len(known) >= 2:
        big = max(known, key=lambda m: m.energy_per_answer.mid)  # type: ignore[union-attr]
        small = min(known, key=lambda m: m.energy_per_answer.mid)  # type: ignore[union-attr]
        from duels_tui.impact.compare import compare_values

        comparison = compare_values(big.energy_per_answer, small.energy_per_answer,  # type: ignore[arg-type]
                                    big.card.name, small.card.name, lang=ctx.lang)
        values["session_ratio"] = ctx.say("petits.session", comparison=md(comparison.sentence.rstrip(".")),
                                          small=md(small.card.name), small_class=small.size_class,
                                          big=md(big.card.name), big_class=big.size_class)
        figure = Figure(ctx.number(big.energy_per_answer.mid / small.energy_per_answer.mid),  # type: ignore[union-attr]
                        ctx.say("petits.session_figure", small=small.card.name, big=big.card.name))
    else:
        values["session_ratio"] = ctx.say("petits.later")
    return Parts(values, figure)


BUILDERS: dict[str, Callable[[Context], Parts]] = {
    "taille": _size,
    "jetons": _tokens,
    "experts": _experts,
    "distillation": _distillation,
    "raisonnement": _reasoning,
    "cycle": _cycle,
    "recherche": _search,
    "francais": _french,
    "hallucinations": _hallucinations,
    "petits": _small,
}
LESSON_KEYS: tuple[str, ...] = tuple(load_templates())


# --- sources -----------------------------------------------------------------------------------


def source_text(ref: str, ctx: Context) -> str:
    """A template's source entry, « @… » references resolved to the data's own source."""
    if not ref.startswith("@"):
        return ref
    kind, _, key = ref[1:].partition(":")
    if kind == "facts":
        return fact(key).citation(ctx.lang)
    if kind == "equivalents":
        from duels_tui.impact.equivalents import load_equivalents

        d = load_equivalents().get(key)
        return _cite(d.source, d.year)
    if kind == "catalog":
        return ctx.say("source.catalog")
    if kind == "scale":
        return ctx.say("source.scale", name=ctx.catalog.scale.name)
    if kind == "session":
        return ctx.say("source.session", methodology=_methodology_label(ctx.workshop.methodology))
    if kind == "methodology":
        return ctx.say("source.methodology", methodology=_methodology_label(ctx.workshop.methodology))
    if kind == "tokenizer":
        from duels_tui.tokens import ENCODING_LABEL

        return ctx.say("source.tokenizer", label=ENCODING_LABEL)
    raise KeyError(ref)


def _cite(source: str, year: int) -> str:
    return source if str(year) in source else f"{source} ({year})"


def _methodology_label(name: str) -> str:
    try:
        from duels_tui.impact.methodology import get_methodology

        m = get_methodology(name)
        return f"{m.label} ({m.source})"
    except Exception:
        return name


def build_lesson(key: str, workshop: Workshop, catalog: Catalog | None = None, lang: str = DEFAULT) -> LessonView:
    """Lesson `key` (one of LESSON_KEYS) with the figures of `workshop` as it stands now, in `lang`."""
    template: LessonTemplate = load_templates(lang)[key]
    if catalog is None:
        catalog = workshop.catalog
    if catalog is None:
        from duels_tui.catalog import load_catalog

        catalog = load_catalog()
    ctx = Context(workshop, catalog, check_lang(lang))
    parts = BUILDERS[key](ctx)
    return LessonView(
        key=key,
        order=template.order,
        title=template.title,
        markdown=template.fill(parts.values),
        sources=tuple(source_text(s, ctx) for s in template.sources),
        figure=parts.figure,
        chart=parts.chart,
        live_tokens=key == "jetons",
    )


def lesson_titles(lang: str = DEFAULT) -> list[tuple[str, str]]:
    """(key, title) of every lesson, in order (no session needed)."""
    return [(t.key, t.title) for t in load_templates(lang).values()]
