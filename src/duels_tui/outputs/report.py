"""The session report: one page the facilitator can share after the workshop, in Markdown and in
HTML, in French or in English (`lang`). Duels, the room's votes, who A and B were, what each answer
cost and its equivalents, the winning AI, then how the figures were made.

Read only: built from a Workshop (`Workshop.load` for a stored session) without moving its steps
or writing to the store, with the same functions as the reveal and the final screens, so the
report says what the room saw. Texts typed in the room (the prompts) are untrusted: escaped for
HTML, and for Markdown too (a Markdown viewer may render raw HTML).
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from duels_tui.engine.events import SIDES
from duels_tui.lang import DEFAULT, Texts, check_lang
from duels_tui.numbers import count, fixed, integer, number, percent, range_text
from duels_tui.ranges import Range
from duels_tui.text_safety import markdown_line as md

if TYPE_CHECKING:
    from duels_tui.arena.reveal import Reveal
    from duels_tui.arena.state import DuelState
    from duels_tui.arena.workshop import Workshop
    from duels_tui.store.db import Store

FORMATS = ("md", "html")

TEXTS = Texts(
    "report",
    {
        "title": ("Les duels de l'IA : rapport de séance", "AI duels: session report"),
        "subtitle": ("Séance n°{id}{place} · {day} · programme « {programme} »",
                     "Session #{id}{place} · {day} · programme “{programme}”"),
        "side": ("Modèle {side}", "Model {side}"),
        "vote.tie": ("les deux se valent {n}", "both are equal {n}"),
        "vote.none": ("aucun des deux {n}", "neither {n}"),
        "vote.total": (" (total {n})", " (total {n})"),
        "vote.corrected": (" · vote corrigé (avant : {before})", " · vote corrected (before: {before})"),
        "tokens": ("{n} ({source})", "{n} ({source})"),
        "tokens.server": ("comptés par le serveur", "counted by the server"),
        "tokens.estimate": ("estimés", "estimated"),
        "tokens.mixed": ("en partie estimés", "partly estimated"),
        "size": ("{params} · classe {size_class} · {architecture}", "{params} · class {size_class} · {architecture}"),
        "not_computed.f": ("non calculée", "not computed"),  # l'énergie, l'eau
        "not_computed.m": ("non calculé", "not computed"),  # le CO2e
        "hardware": ("{profile}, électricité {zone}", "{profile}, {zone} electricity"),
        "not_voted": ("pas encore voté", "not voted yet"),
        "not_played": ("pas joué", "not played"),
        "not_revealed": ("pas encore révélé (séance à l'aveugle)", "not revealed yet (blind session)"),
        "labelled": ("{label} : {text}", "{label}: {text}"),
        "method.impact": ("Énergie, CO2e et eau : estimations de la méthodologie {label}{description} "
                          "Source : {source} ({year}). Les fourchettes viennent des tailles estimées et des "
                          "incertitudes de la méthode.",
                          "Energy, CO2e and water: estimates of the {label} methodology{description} "
                          "Source: {source} ({year}). The ranges come from the estimated sizes and the "
                          "method's uncertainties."),
        "method.unknown": ("Énergie, CO2e et eau : méthodologie {name}.",
                           "Energy, CO2e and water: methodology {name}."),
        "method.hardware": ("Matériel et électricité retenus : {profiles}.",
                            "Hardware and electricity assumed: {profiles}."),
        "method.tokens": ("Jetons : le compte du serveur du modèle quand il le donne, sinon une estimation d'après "
                          "le texte (environ 4 caractères par jeton) ; le raisonnement compte.",
                          "Tokens: the count of the model's server when it gives one, otherwise an estimate from "
                          "the text (about 4 characters per token); reasoning counts."),
        "method.equivalents": ("Équivalents : {sources}.", "Equivalents: {sources}."),
        "method.vote": ("Vote : {rules}", "Vote: {rules}"),
        "method.final": ("L'IA gagnante : {rule}", "The winning AI: {rule}"),
        "list": (" ; ", "; "),
        "totals.none": ("Aucun duel voté.", "No duel voted."),
        "totals": ("{voted}, {tokens}, {energy} au total", "{voted}, {tokens}, {energy} in all"),
        "totals.searches": (", soit environ {searches} ({source}).", ", that is about {searches} ({source})."),
        "footer": ("Rapport produit par duels {version} le {day}. Les chiffres d'impact sont des estimations, "
                   "pas des mesures.",
                   "Report made by duels {version} on {day}. The impact figures are estimates, not measurements."),
        "h.winner": ("L'IA gagnante", "The winning AI"),
        "h.duels": ("Les duels", "The duels"),
        "h.total": ("Au total", "In all"),
        "h.method": ("Méthodologie", "Methodology"),
        "col.rank": ("rang", "rank"),
        "col.model": ("modèle", "model"),
        "col.duels": ("duel(s)", "duel(s)"),
        "col.share": ("part des voix", "vote share"),
        "col.energy": ("Wh par réponse", "Wh per answer"),
        "col.score": ("score", "score"),
        "versus": (" contre ", " versus "),
        "room_vote": ("Vote de la salle : ", "The room's vote: "),
        "model_column": ("Modèle {side} : {name} ({organisation})", "Model {side}: {name} ({organisation})"),
        "row.size": ("taille", "size"),
        "row.votes": ("voix", "votes"),
        "row.tokens": ("jetons", "tokens"),
        "row.energy": ("énergie", "energy"),
        "row.gwp": ("CO2e", "CO2e"),
        "row.water": ("eau", "water"),
        "row.equivalents": ("soit", "that is"),
    },
)


class ReportError(ValueError):
    """French message for the command line or the screen."""


@dataclass(frozen=True)
class SideLine:
    side: str
    name: str
    organisation: str
    size: str  # « 24 milliards · classe M · dense »
    votes: str  # « 14 (57 %) »
    tokens: str  # « 312 (comptés par le serveur) »
    energy: str
    gwp: str
    water: str
    equivalents: str
    energy_wh: Range | None  # for the totals and the tests
    output_tokens: int
    vote_count: int | None
    equivalent_sources: tuple[str, ...] = ()
    hardware: str = ""  # « Centre de données (GPU H100…), électricité WOR »


@dataclass(frozen=True)
class DuelLine:
    title: str
    prompt: str
    played: bool
    voted: bool
    vote: str  # « A 14 · B 9 · les deux se valent 3 · aucun 1 »
    outcome: str  # « Modèle A gagne : Claude 3.5 Sonnet »
    sides: tuple[SideLine, ...] = ()
    comparison: str = ""
    turns: int = 0


@dataclass(frozen=True)
class WinnerRow:
    rank: int
    name: str
    duels: str
    share: str
    energy: str
    score: str


@dataclass(frozen=True)
class SessionReport:
    title: str
    subtitle: str
    duels: tuple[DuelLine, ...]
    winner: str
    winners: tuple[WinnerRow, ...]
    totals: str
    methodology: tuple[str, ...]
    footer: str
    figures: dict[str, Any] = field(default_factory=dict)  # raw values, for tests and scripts
    lang: str = DEFAULT

    def say(self, key: str, **values: object) -> str:
        return TEXTS(key, self.lang, **values)


def _day(iso: str, lang: str) -> str:
    """ "23/11/2026" in French; English keeps the ISO date (2026-11-23), read alike everywhere."""
    if len(iso) >= 10 and iso[4] == "-" and iso[7] == "-":
        return iso[:10] if lang == "en" else f"{iso[8:10]}/{iso[5:7]}/{iso[:4]}"
    return iso


def _vote_text(duel: DuelState, lang: str) -> str:
    v = duel.vote
    if v is None:
        return ""
    parts = [f"{TEXTS('side', lang, side=side)} {integer(n, lang)}" for side, n in (("A", v.a), ("B", v.b))]
    if v.tie:
        parts.append(TEXTS("vote.tie", lang, n=integer(v.tie, lang)))
    if v.none:
        parts.append(TEXTS("vote.none", lang, n=integer(v.none, lang)))
    text = " · ".join(parts) + TEXTS("vote.total", lang, n=count(v.total, "vote", lang))
    if duel.vote_history:
        before = duel.vote_history[-1].votes
        text += TEXTS("vote.corrected", lang, before="/".join(
            integer(n, lang) for n in (before.a, before.b, before.tie, before.none)))
    return text


def _side_line(reveal: Reveal, side: str, size_class: str, lang: str) -> SideLine:
    from duels_tui.arena.cards import architecture_text, params_text

    s = reveal.sides[side]
    card = s.card
    source = TEXTS(f"tokens.{s.usage_source if s.usage_source in ('server', 'estimate') else 'mixed'}", lang)
    impact = s.impact
    votes = "" if s.votes is None or s.share is None else f"{integer(s.votes, lang)} ({percent(s.share, lang)})"
    equivalents = s.equivalents
    profile = s.profile_label or s.profile
    return SideLine(
        side=side,
        name=card.name,
        organisation=card.organisation,
        size=TEXTS("size", lang, params=params_text(card, lang), size_class=size_class,
                   architecture=architecture_text(card, lang)),
        votes=votes,
        tokens=TEXTS("tokens", lang, n=integer(s.output_tokens, lang), source=source),
        energy=range_text(impact.energy_wh, "Wh", lang=lang) if impact else TEXTS("not_computed.f", lang),
        gwp=range_text(impact.gwp_g, "g CO2e", lang=lang) if impact else TEXTS("not_computed.m", lang),
        water=range_text(impact.water_ml, "mL", lang=lang) if impact else TEXTS("not_computed.f", lang),
        equivalents=" · ".join(e.label for e in equivalents),
        energy_wh=impact.energy_wh if impact else None,
        output_tokens=s.output_tokens,
        vote_count=s.votes,
        equivalent_sources=tuple(f"{eq.source} ({eq.year})" for eq in equivalents),
        hardware=TEXTS("hardware", lang, profile=profile, zone=s.zone) if s.profile else "",
    )


def _duel_line(workshop: Workshop, duel: DuelState, lang: str) -> DuelLine:
    from duels_tui.arena.reveal import build_reveal
    from duels_tui.arena.votes import Outcome

    prompt = duel.turns[0].user_text if duel.turns else duel.prompt
    if not duel.turns or duel.vote is None or not workshop.may_name(duel):
        status = TEXTS("not_voted" if duel.turns and duel.vote is None else
                       "not_revealed" if duel.turns else "not_played", lang)
        return DuelLine(duel.title, prompt, bool(duel.turns), False, "", status, turns=len(duel.turns))
    reveal = build_reveal(workshop, duel, lang)  # its words (equivalents, profile) in `lang`
    sides = tuple(_side_line(reveal, side, workshop.size_class(duel.sides[side]), lang) for side in SIDES)
    outcome = duel.vote.outcome
    label = outcome.text(lang)
    if outcome in (Outcome.A, Outcome.B):
        label = TEXTS("labelled", lang, label=label, text=reveal.sides[outcome.value].card.name)
    a, b = reveal.sides["A"], reveal.sides["B"]
    comparison = reveal.impact_error or ""
    if a.impact is not None and b.impact is not None:
        from duels_tui.impact.compare import compare_energy

        comparison = compare_energy(a.impact, b.impact, a.card.name, b.card.name, lang=lang).sentence
    return DuelLine(duel.title, prompt, True, True, _vote_text(duel, lang), label, sides, comparison,
                    len(duel.turns))


def _methodology(workshop: Workshop, duels: list[DuelLine], final_rule: str, lang: str) -> tuple[str, ...]:
    from duels_tui.arena.votes import TEXTS as VOTE_TEXTS

    def say(key: str, **values: object) -> str:
        return TEXTS(key, lang, **values)

    lines = []
    try:
        from duels_tui.impact.methodology import get_methodology

        m = get_methodology(workshop.methodology)
        # methodologies.toml describes each methodology in French only: English leaves it out.
        description = f" — {m.description}" if lang == "fr" else "."
        lines.append(say("method.impact", label=m.label, description=description, source=m.source, year=m.year))
    except Exception:
        lines.append(say("method.unknown", name=workshop.methodology))
    profiles = [say("labelled", label=s.name, text=s.hardware) for d in duels for s in d.sides if s.hardware]
    if profiles:
        lines.append(say("method.hardware", profiles=say("list").join(dict.fromkeys(profiles))))
    lines.append(say("method.tokens"))
    sources = dict.fromkeys(source for d in duels for s in d.sides for source in s.equivalent_sources)
    if sources:
        lines.append(say("method.equivalents", sources=say("list").join(sources)))
    lines.append(say("method.vote", rules=VOTE_TEXTS("rule.winner", lang) + " " + VOTE_TEXTS("rule.share", lang)))
    lines.append(say("method.final", rule=final_rule))
    return tuple(lines)


def build_report(workshop: Workshop, lang: str = DEFAULT) -> SessionReport:
    """The report of `workshop` as it stands, in `lang` (programme titles and prompts stay as
    written: they are the room's own texts)."""
    from duels_tui import __version__
    from duels_tui.store.db import now_iso

    lang = check_lang(lang)

    def say(key: str, **values: object) -> str:
        return TEXTS(key, lang, **values)

    duels = [_duel_line(workshop, d, lang) for d in workshop.duels]
    final = workshop.final(workshop.final_weights, workshop.final_vote, lang)
    winners = tuple(
        WinnerRow(
            rank=row.rank,
            name=row.name,
            duels=", ".join(str(i + 1) for i in row.duels),
            share=percent(row.share, lang),
            energy=number(row.energy_wh, lang=lang) + " Wh" if row.energy_wh is not None else "?",
            score=fixed(row.score, 2, lang),
        )
        for row in final.rows
    )
    sides = [s for d in duels for s in d.sides]
    energies = [s.energy_wh for s in sides if s.energy_wh is not None]
    totals = say("totals.none")
    total_energy = sum(energies, Range.exact(0.0)) if energies else None
    if total_energy is not None:
        voted = len([d for d in duels if d.voted])
        tokens = count(sum(s.output_tokens for s in sides), "generated_token", lang)
        totals = say("totals", voted=count(voted, "voted_duel", lang), tokens=tokens,
                     energy=range_text(total_energy, "Wh", lang=lang))
        from duels_tui.impact.equivalents import load_equivalents

        search = load_equivalents().get("web-search")
        searches = count(total_energy.mid / search.per, "search", lang, significant=2)
        totals += say("totals.searches", searches=searches, source=search.source)
    place = f" · {workshop.place}" if workshop.place else ""
    subtitle = say("subtitle", id=workshop.session_id, place=place, day=_day(workshop.created_at or "", lang),
                   programme=workshop.programme.name)
    return SessionReport(
        title=say("title"),
        subtitle=subtitle,
        duels=tuple(duels),
        winner=final.summary,
        winners=winners,
        totals=totals,
        methodology=_methodology(workshop, duels, final.rule_text, lang),
        footer=say("footer", version=__version__, day=_day(now_iso(), lang)),
        figures={"total_energy_wh": total_energy, "winners": [w.name for w in final.winners]},
        lang=lang,
    )


# --- Markdown ----------------------------------------------------------------------------------

# The winners' table, and each duel's rows: (label key, SideLine field, escaped in Markdown). The
# figures' rows are not escaped: they hold no text typed by anyone.
_WINNER_COLUMNS = ("col.rank", "col.model", "col.duels", "col.share", "col.energy", "col.score")
_SIDE_ROWS = (("row.size", "size", True), ("row.votes", "votes", False), ("row.tokens", "tokens", True),
              ("row.energy", "energy", False), ("row.gwp", "gwp", False), ("row.water", "water", False),
              ("row.equivalents", "equivalents", True))


def _model_column(report: SessionReport, side: SideLine, escape: Callable[[str], str]) -> str:
    return report.say("model_column", side=side.side, name=escape(side.name), organisation=escape(side.organisation))


def to_markdown(report: SessionReport) -> str:
    say = report.say
    out = [f"# {md(report.title)}", "", md(report.subtitle), "", f"## {say('h.winner')}", "",
           f"**{md(report.winner)}**", ""]
    if report.winners:
        out += ["| " + " | ".join(say(c) for c in _WINNER_COLUMNS) + " |", "|---|---|---|---|---|---|"]
        out += [f"| {w.rank} | {md(w.name)} | {w.duels} | {w.share} | {w.energy} | {w.score} |"
                for w in report.winners]
        out.append("")
    out += [f"## {say('h.duels')}", ""]
    for duel in report.duels:
        names = say("versus").join(md(s.name) for s in duel.sides)
        heading = say("labelled", label=md(duel.title), text=names) if names else md(duel.title)
        out += [f"### {heading}", "", f"> {md(duel.prompt)}", ""]
        if not duel.voted:
            out += [f"*{md(duel.outcome)}*", ""]
            continue
        out += [f"{say('room_vote')}{md(duel.vote)} → **{md(duel.outcome)}**", ""]
        a, b = duel.sides
        out.append(f"|  | {_model_column(report, a, md)} | {_model_column(report, b, md)} |")
        out.append("|---|---|---|")
        for label, name, escaped in _SIDE_ROWS:
            x, y = getattr(a, name), getattr(b, name)
            if escaped:
                x, y = md(x), md(y)
            out.append(f"| {say(label)} | {x} | {y} |")
        out.append("")
        if duel.comparison:
            out += [md(duel.comparison), ""]
    out += [f"## {say('h.total')}", "", md(report.totals), "", f"## {say('h.method')}", ""]
    out += [f"- {md(line)}" for line in report.methodology]
    out += ["", f"*{md(report.footer)}*", ""]
    return "\n".join(out)


# --- HTML --------------------------------------------------------------------------------------

CSS = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 1.5rem auto; padding: 0 1rem;
       color: #111; font-size: 11pt; line-height: 1.35; }
h1 { font-size: 1.6rem; margin: 0; } h2 { font-size: 1.2rem; margin: 1.2rem 0 .4rem; border-bottom: 2px solid #0033A0; }
h3 { font-size: 1rem; margin: .9rem 0 .3rem; }
table { border-collapse: collapse; width: 100%; margin: .3rem 0; }
th, td { border: 1px solid #999; padding: .2rem .4rem; text-align: left; vertical-align: top; }
th { background: #E0E0E0; }
blockquote { margin: .3rem 0; padding: .2rem .6rem; border-left: 4px solid #0033A0; background: #F2F2F2; }
.winner { font-size: 1.15rem; font-weight: bold; color: #006B3F; }
.muted, footer { color: #444; font-size: .9rem; }
@page { size: A4; margin: 12mm; }
@media print { body { margin: 0; max-width: none; font-size: 9.5pt; } }
"""


def e(text: str) -> str:
    return html.escape(text, quote=True)


def to_html(report: SessionReport) -> str:
    say = report.say
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{report.lang}">',
        '<head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(report.title)}</title>",
        f"<style>{CSS}</style></head>",
        "<body>",
        f"<h1>{e(report.title)}</h1>",
        f'<p class="muted">{e(report.subtitle)}</p>',
        f"<h2>{say('h.winner')}</h2>",  # our own words, no markup in them
        f'<p class="winner">{e(report.winner)}</p>',
    ]
    if report.winners:
        out.append("<table><tr>" + "".join(f"<th>{say(c)}</th>" for c in _WINNER_COLUMNS) + "</tr>")
        out += [f"<tr><td>{w.rank}</td><td>{e(w.name)}</td><td>{e(w.duels)}</td><td>{e(w.share)}</td>"
                f"<td>{e(w.energy)}</td><td>{e(w.score)}</td></tr>" for w in report.winners]
        out.append("</table>")
    out.append(f"<h2>{say('h.duels')}</h2>")
    for duel in report.duels:
        names = say("versus").join(s.name for s in duel.sides)
        out.append(f"<h3>{e(say('labelled', label=duel.title, text=names) if names else duel.title)}</h3>")
        out.append(f"<blockquote>{e(duel.prompt)}</blockquote>")
        if not duel.voted:
            out.append(f'<p class="muted">{e(duel.outcome)}</p>')
            continue
        out.append(f"<p>{say('room_vote')}{e(duel.vote)} → <strong>{e(duel.outcome)}</strong></p>")
        a, b = duel.sides
        out.append(f"<table><tr><th></th><th>{_model_column(report, a, e)}</th>"
                   f"<th>{_model_column(report, b, e)}</th></tr>")
        for label, name, _ in _SIDE_ROWS:
            out.append(f"<tr><th>{e(say(label))}</th><td>{e(getattr(a, name))}</td><td>{e(getattr(b, name))}</td></tr>")
        out.append("</table>")
        if duel.comparison:
            out.append(f"<p>{e(duel.comparison)}</p>")
    out += [f"<h2>{say('h.total')}</h2>", f"<p>{e(report.totals)}</p>", f"<h2>{say('h.method')}</h2>", "<ul>"]
    out += [f"<li>{e(line)}</li>" for line in report.methodology]
    out += ["</ul>", f"<footer>{e(report.footer)}</footer>", "</body>", "</html>", ""]
    return "\n".join(out)


# --- files -------------------------------------------------------------------------------------


def render(report: SessionReport, fmt: str) -> str:
    if fmt == "md":
        return to_markdown(report)
    if fmt == "html":
        return to_html(report)
    raise ReportError(f"format inconnu « {fmt} » : md ou html")


def format_for(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in (".md", ".markdown"):
        return "md"
    if suffix in (".html", ".htm"):
        return "html"
    raise ReportError(f"{path.name} : extension .md ou .html attendue")


def write(text: str, path: Path) -> None:
    """Whole or not at all, missing folders created (`output_file.write_output`)."""
    from duels_tui.output_file import OutputFileError, write_output

    try:
        write_output(path, text)
    except OutputFileError as exc:
        raise ReportError(str(exc)) from None


def write_both(workshop: Workshop, folder: Path, lang: str = DEFAULT) -> tuple[Path, Path]:
    """`seance-N.md` and `seance-N.html` in `folder`, in `lang`; returns their paths."""
    report = build_report(workshop, lang)
    stem = folder / f"seance-{workshop.session_id}"
    paths = (stem.with_suffix(".md"), stem.with_suffix(".html"))
    for path in paths:
        write(render(report, format_for(path)), path)
    return paths


def reports_dir() -> Path:
    from duels_tui.paths import user_data_dir

    return user_data_dir() / "rapports"


def load_session(store: Store, session_id: int | None, catalog: Any = None) -> Workshop:
    """Session `session_id` (the most recent one when None), read only."""
    from duels_tui.arena.workshop import Workshop

    if session_id is None:
        sessions = store.sessions()
        if not sessions:
            raise ReportError("aucune séance enregistrée")
        session_id = sessions[0].id
    workshop = Workshop.load(store, catalog, session_id)
    if workshop is None:
        raise ReportError(f"séance {session_id} introuvable")
    return workshop
