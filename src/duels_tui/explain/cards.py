"""Each card's figures, computed from the session and the shipped data, put into its template.

A card never writes a figure of its own: every number comes from the catalog, the equivalents,
cards/facts.toml or what the session recorded, and the card cites where. Model names appear only
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
from duels_tui.explain.templates import CardTemplate, load_templates
from duels_tui.impact.numbers import number

if TYPE_CHECKING:
    from duels_tui.arena.workshop import Workshop


@dataclass(frozen=True)
class Figure:
    """The card's big number (drawn with Textual's Digits: digits, « , », « % », « x ») and
    what it means."""

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
class CardView:
    key: str
    order: int
    title: str
    markdown: str
    sources: tuple[str, ...]  # numbered as cited in the text: sources[0] is [1]
    figure: Figure | None = None
    chart: Chart | None = None
    live_tokens: bool = False  # the card shows the token view above its text


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~!])")


def md(text: str) -> str:
    """Plain text (a model's name, a description) safe inside Markdown."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def _ratio_text(value: float) -> str:
    return number(value)


@dataclass
class Context:
    workshop: Workshop
    catalog: Catalog

    @cached_property
    def figures(self) -> ses.SessionFigures:
        return ses.session_figures(self.workshop)

    @cached_property
    def models(self) -> list[ModelCard]:
        return ses.programme_models(self.workshop)

    def size_class(self, card: ModelCard) -> str:
        return self.workshop.size_class(card.id)

    def in_session(self, card: ModelCard) -> bool:
        return any(m.id == card.id for m in self.models)


@dataclass
class Parts:
    values: dict[str, str] = field(default_factory=dict)
    figure: Figure | None = None
    chart: Chart | None = None


# --- one function per card ---------------------------------------------------------------------


def _size(ctx: Context) -> Parts:
    scale = ctx.catalog.scale
    bounds = [number(b, 3) for b in scale.bounds]
    steps = [f"- **{scale.labels[0]}** : moins de {bounds[0]} milliards"]
    steps += [f"- **{label}** : de {low} à {high} milliards"
              for label, low, high in zip(scale.labels[1:-1], bounds, bounds[1:], strict=False)]
    steps.append(f"- **{scale.labels[-1]}** : {bounds[-1]} milliards et plus")
    models = sorted(ctx.models, key=lambda c: c.params_total.mid, reverse=True)
    lines = [f"- **{md(c.name)}** : {params_text(c)} → **{ctx.size_class(c)}**" for c in models]
    parts = Parts({"scale": "\n".join(steps), "session_models": "\n".join(lines) or "Aucun modèle au programme.",
                   "notation": _notation(models or list(ctx.catalog.models.values()))})
    if len(models) >= 2 and models[-1].params_total.mid > 0:
        big, small = models[0], models[-1]
        ratio = big.params_total.mid / small.params_total.mid
        approx = " environ" if big.estimate or small.estimate else ""
        parts.figure = Figure(_ratio_text(ratio),
                              f"fois plus de paramètres{approx} pour {big.name} que pour {small.name}")
    if models:
        parts.chart = Chart(
            "Paramètres des modèles de la séance (milliards)",
            tuple(Bar(f"{c.name} ({ctx.size_class(c)})", c.params_total.mid,
                      ("≈ " if c.estimate else "") + number(c.params_total.mid, 3)) for c in models),
        )
    return parts


def _notation(cards: list[ModelCard]) -> str:
    """« Llama 3.3 70B » : « 70B » se lit 70 milliards de paramètres (from a model's own name)."""
    for card in cards:
        size = card.params_total.mid
        tag = f"{number(size, 3)}B".replace(",", ".")
        if card.params_total.is_exact and re.search(rf"(?<![\d.]){re.escape(tag)}\b", card.name):
            return f"Dans « {md(card.name)} », « {tag} » se lit : {number(size, 3)} milliards de paramètres."
    return "« B » se lit « milliards » (billions en anglais) : 70B, c'est 70 milliards de paramètres."


def _tokens(ctx: Context) -> Parts:
    return Parts()


def _experts(ctx: Context) -> Parts:
    moe = sorted((c for c in ctx.catalog.models.values() if c.is_moe), key=lambda c: c.params_total.mid,
                 reverse=True)
    if not moe:
        return Parts({"moe_models": "Le catalogue ne contient aucun modèle à mélange d'experts."})
    lines = []
    for card in moe:
        share = 100 * card.params_active.mid / card.params_total.mid
        here = " · *dans cette séance*" if ctx.in_session(card) else ""
        lines.append(f"- **{md(card.name)}** : {number(card.params_active.mid, 3)} milliards actifs "
                     f"sur {number(card.params_total.mid, 3)}, soit {number(share)} %{here}")
    shown = next((c for c in moe if ctx.in_session(c)), None) or min(
        moe, key=lambda c: c.params_active.mid / c.params_total.mid)
    share = 100 * shown.params_active.mid / shown.params_total.mid
    return Parts(
        {"moe_models": "\n".join(lines)},
        Figure(f"{number(share)}%", f"des paramètres de {shown.name} travaillent pour chaque jeton"),
        Chart("Paramètres actifs pour chaque jeton (milliards)",
              tuple(b for c in moe for b in (
                  Bar(f"{c.name} : total", c.params_total.mid, number(c.params_total.mid, 3)),
                  Bar(f"{c.name} : actifs", c.params_active.mid, number(c.params_active.mid, 3), True)))),
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
        for card in members:
            here = " · *dans cette séance*" if ctx.in_session(card) else ""
            lines.append(f"- {md(card.name)} : {params_text(card)}{here}")
        blocks.append("\n".join(lines))
        big, small = members[0], members[-1]
        if figure is None and small.params_total.mid > 0:
            approx = " environ" if big.estimate or small.estimate else ""
            figure = Figure(_ratio_text(big.params_total.mid / small.params_total.mid),
                            f"fois moins de paramètres{approx} pour {small.name} que pour {big.name}")
    text = "\n\n".join(blocks) or "Le catalogue ne contient pas ces familles de modèles."
    return Parts({"families": text}, figure)


def _reasoning(ctx: Context) -> Parts:
    duel = ses.last_reasoning_duel(ctx.workshop)
    if duel is None:
        planned = [c for c in ctx.models if c.reasoning]
        text = "Aucun modèle n'a encore raisonné pendant cette séance."
        if planned:
            text += "\n\nAu programme : " + ", ".join(md(c.name) for c in planned) + "."
        return Parts({"reasoning": text})
    sides = ses.reasoning_sides(duel)
    revealed = duel in ctx.figures.revealed
    reveals = ses.side_reveals(ctx.workshop, duel) if revealed else {}
    lines = [f"**{md(duel.title)}**", ""]
    bars = []
    proportional = False
    for side, figures in sides.items():
        name = reveals[side].card.name if revealed else f"Modèle {side}"
        if not figures.output_tokens:
            lines.append(f"- **{md(name)}** : aucun jeton écrit.")
            continue
        share = 100 * figures.reasoning_tokens / figures.output_tokens
        estimated = ", estimation" if figures.estimated else ""
        lines.append(f"- **{md(name)}** : {number(figures.output_tokens, 4)} jetons écrits, dont "
                     f"{number(figures.reasoning_tokens, 4)} de raisonnement ({number(share)} %{estimated})")
        impact = reveals[side].impact if revealed else None
        if impact is not None and figures.reasoning_tokens:
            energy = impact.energy_wh.mid
            without = energy * figures.answer_tokens / figures.output_tokens
            lines.append(f"  - énergie : environ {number(energy)} Wh ; sans le raisonnement : environ "
                         f"{number(without)} Wh")
            proportional = True
        bars.append(Bar(f"{name} : raisonnement", figures.reasoning_tokens, number(figures.reasoning_tokens, 4), True))
        bars.append(Bar(f"{name} : réponse", figures.answer_tokens, number(figures.answer_tokens, 4)))
    if proportional:
        lines += ["", "L'énergie estimée suit le nombre de jetons écrits."]
    if not revealed:
        lines += ["", "L'énergie de chaque modèle sera montrée à la révélation."]
    total = sum(s.output_tokens for s in sides.values())
    reasoning = sum(s.reasoning_tokens for s in sides.values())
    figure = None
    if total:
        figure = Figure(f"{number(100 * reasoning / total)}%",
                        f"des jetons écrits pendant le {duel.title} étaient du raisonnement")
    chart = Chart("Jetons écrits : raisonnement et réponse", tuple(bars), log=False) if bars else None
    return Parts({"reasoning": "\n".join(lines)}, figure, chart)


def _cycle(ctx: Context) -> Parts:
    f = fact("inference_vs_training")
    ratio, day = float(f["ratio"]), int(f["day"])
    per_day = ratio / day
    lines = []
    bars = [Bar("Entraînement", 1.0, "1 (référence)")]
    for d in f["days"]:
        value = per_day * d
        if d == day:
            lines.append(f"- **Jour {d}** : **{number(value)} fois** l'énergie de l'entraînement [1]")
        else:
            lines.append(f"- **Jour {d}** : {number(value)} fois \\*")
        bars.append(Bar(f"Utilisation, jour {d}", value, f"{number(value)} fois", d == day))
    lines += ["", f"\\* notre calcul : autant de questions chaque jour, jusqu'au jour {day}."]
    energy = ctx.figures.total_energy_wh
    n = len(ctx.figures.answers)
    if energy is None:
        use = "Aucune réponse révélée pour l'instant : elles s'ajouteront ici."
    else:
        use = (f"Les {n} réponses révélées de cette séance : environ {number(energy.mid)} Wh. "
               "Chaque question posée s'ajoute à l'énergie de l'utilisation.")
    return Parts(
        {"days": "\n".join(lines), "session_use": use},
        Figure(number(ratio), f"fois l'énergie de l'entraînement : l'utilisation au jour {day}"),
        Chart("Énergie de l'utilisation, en fois l'entraînement", tuple(bars), log=False),
    )


def _search(ctx: Context) -> Parts:
    per = _web_search().per
    answers = ctx.figures.answers
    values = {"search_wh": number(per), "ai_ratio": number(float(fact("ai_vs_search")["ratio"]))}
    if not answers:
        values["answers"] = "Révélez un duel : ses réponses seront comptées ici en recherches web."
        return Parts(values)
    last = answers[-1].duel_index
    title = ctx.workshop.duels[last].title
    lines = [f"**{md(title)}**", ""]
    for a in (a for a in answers if a.duel_index == last):
        turn = f" (réponse {a.turn + 1})" if a.turn else ""
        lines.append(f"- {md(a.model_name)}{turn} : {number(a.energy_wh.mid)} Wh, "
                     f"soit **{number(a.energy_wh.mid / per)}** recherches web")
    total = sum(a.energy_wh.mid for a in answers)
    mean = total / len(answers)
    lines += ["", f"En moyenne, une réponse révélée de cette séance vaut {number(mean / per)} recherches web."]
    values["answers"] = "\n".join(lines)
    return Parts(values, Figure(number(total / per),
                                f"recherches web : l'énergie des {len(answers)} réponses révélées"))


def _web_search():
    from duels_tui.impact.equivalents import load_equivalents

    return load_equivalents().get("web-search")


def _french(ctx: Context) -> Parts:
    f = fact("french_share")
    share = float(f["value"])
    per = 10 ** max(2, math.ceil(math.log10(1000 / share)))  # a whole count of at least 10
    count = share / 100 * per
    lines = []
    for model_id in fact("french_models")["models"]:
        card = ctx.catalog.get(model_id)
        if card is not None:
            lines.append(f"- **{md(card.name)}** ({md(card.organisation)}, {params_text(card)}) : "
                         f"{md(card.description)}")
    return Parts(
        {"share": number(share), "per": number(per, 6), "count": number(count, 3), "model": md(f["model"]),
         "models": "\n".join(lines) or "Le catalogue n'en contient aucun."},
        Figure(f"{number(share)}%", f"du texte d'entraînement de {f['model']} était en français"),
    )


def _hallucinations(ctx: Context) -> Parts:
    return Parts()


def _small(ctx: Context) -> Parts:
    ratio = float(fact("small_vs_large")["ratio"])
    values = {"ratio": number(ratio)}
    known = [m for m in ctx.figures.models if m.energy_per_answer is not None and m.energy_per_answer.mid > 0]
    figure = Figure(number(ratio), "fois moins d'énergie pour un petit ou moyen modèle (atelier)")
    if len(known) >= 2:
        big = max(known, key=lambda m: m.energy_per_answer.mid)  # type: ignore[union-attr]
        small = min(known, key=lambda m: m.energy_per_answer.mid)  # type: ignore[union-attr]
        from duels_tui.impact.compare import compare_values

        comparison = compare_values(big.energy_per_answer, small.energy_per_answer,  # type: ignore[arg-type]
                                    big.card.name, small.card.name)
        values["session_ratio"] = (f"Dans cette séance, par réponse : {md(comparison.sentence.rstrip('.'))} "
                                   f"({md(small.card.name)} : classe {small.size_class}, "
                                   f"{md(big.card.name)} : classe {big.size_class}). [2]")
        figure = Figure(number(big.energy_per_answer.mid / small.energy_per_answer.mid),  # type: ignore[union-attr]
                        f"fois moins d'énergie par réponse pour {small.card.name} que pour {big.card.name}")
    else:
        values["session_ratio"] = "Après deux révélations, cette séance donnera son propre écart. [2]"
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
CARD_KEYS: tuple[str, ...] = tuple(load_templates())


# --- sources -----------------------------------------------------------------------------------


def source_text(ref: str, ctx: Context) -> str:
    """A template's source entry, « @… » references resolved to the data's own source."""
    if not ref.startswith("@"):
        return ref
    kind, _, key = ref[1:].partition(":")
    if kind == "facts":
        return fact(key).citation
    if kind == "equivalents":
        from duels_tui.impact.equivalents import load_equivalents

        d = load_equivalents().get(key)
        return _cite(d.source, d.year)
    if kind == "catalog":
        return ("Catalogue des modèles de duels (catalog.toml) : tailles publiées par les éditeurs, "
                "ou estimées par compar:IA quand elles ne le sont pas")
    if kind == "scale":
        return f"Échelle de taille du catalogue : « {ctx.catalog.scale.name} »"
    if kind == "session":
        return ("Cette séance : réponses, jetons et votes enregistrés ; énergie estimée avec la méthodologie "
                f"{_methodology_label(ctx.workshop.methodology)}")
    if kind == "methodology":
        return f"Méthodologie {_methodology_label(ctx.workshop.methodology)}"
    if kind == "tokenizer":
        from duels_tui.explain.tokens import ENCODING_LABEL

        return f"tiktoken (OpenAI), découpage de {ENCODING_LABEL}, lu sur cet ordinateur sans réseau"
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


def build_card(key: str, workshop: Workshop, catalog: Catalog | None = None) -> CardView:
    """Card `key` (one of CARD_KEYS) with the figures of `workshop` as it stands now."""
    template: CardTemplate = load_templates()[key]
    if catalog is None:
        catalog = workshop.catalog
    if catalog is None:
        from duels_tui.catalog import load_catalog

        catalog = load_catalog()
    ctx = Context(workshop, catalog)
    parts = BUILDERS[key](ctx)
    return CardView(
        key=key,
        order=template.order,
        title=template.title,
        markdown=template.fill(parts.values),
        sources=tuple(source_text(s, ctx) for s in template.sources),
        figure=parts.figure,
        chart=parts.chart,
        live_tokens=key == "jetons",
    )


def card_titles() -> list[tuple[str, str]]:
    """(key, title) of every card, in order (no session needed)."""
    return [(t.key, t.title) for t in load_templates().values()]

