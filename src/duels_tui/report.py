"""The session report: one page the facilitator can share after the workshop, in Markdown and in
HTML. Duels, the room's votes, who A and B were, what each answer cost and its equivalents, the
winning AI, then how the figures were made.

Read only: built from a Workshop (`Workshop.load` for a stored session) without moving its steps
or writing to the store, with the same functions as the reveal and the final screens, so the
report says what the room saw. Texts typed in the room (the prompts) are untrusted: escaped for
HTML, and for Markdown too (a Markdown viewer may render raw HTML).
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from duels_tui.impact.numbers import number, range_text
from duels_tui.ranges import Range

if TYPE_CHECKING:
    from duels_tui.arena.final import FinalResult
    from duels_tui.arena.reveal import Reveal
    from duels_tui.arena.state import DuelState
    from duels_tui.arena.workshop import Workshop
    from duels_tui.store.db import Store

FORMATS = ("md", "html")


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


def _day(iso: str) -> str:
    if len(iso) >= 10 and iso[4] == "-" and iso[7] == "-":
        return f"{iso[8:10]}/{iso[5:7]}/{iso[:4]}"
    return iso


def _vote_text(duel: DuelState) -> str:
    v = duel.vote
    if v is None:
        return ""
    parts = [f"Modèle A {v.a}", f"Modèle B {v.b}"]
    if v.tie:
        parts.append(f"les deux se valent {v.tie}")
    if v.none:
        parts.append(f"aucun des deux {v.none}")
    return " · ".join(parts) + f" (total {v.total})"


def _side_line(reveal: Reveal, side: str, size_class: str) -> SideLine:
    s = reveal.sides[side]
    card = s.card
    source = {"server": "comptés par le serveur", "estimate": "estimés"}.get(s.usage_source, "en partie estimés")
    impact = s.impact
    votes = "" if s.votes is None or s.share is None else f"{s.votes} ({s.share:.0%})".replace("%", " %")
    return SideLine(
        side=side,
        name=card.name,
        organisation=card.organisation,
        size=f"{s.params_text} · classe {size_class} · {s.architecture_text}",
        votes=votes,
        tokens=f"{number(s.output_tokens, 6)} ({source})",
        energy=range_text(impact.energy_wh, "Wh") if impact else "non calculée",
        gwp=range_text(impact.gwp_g, "g CO2e") if impact else "non calculé",
        water=range_text(impact.water_ml, "mL") if impact else "non calculée",
        equivalents=" · ".join(e.label for e in s.equivalents),
        energy_wh=impact.energy_wh if impact else None,
        output_tokens=s.output_tokens,
        vote_count=s.votes,
        equivalent_sources=tuple(f"{eq.source} ({eq.year})" for eq in s.equivalents),
        hardware=f"{s.profile_label or s.profile}, électricité {s.zone}" if s.profile else "",
    )


def _duel_line(workshop: Workshop, duel: DuelState) -> DuelLine:
    from duels_tui.arena.reveal import build_reveal
    from duels_tui.arena.votes import Outcome

    prompt = duel.turns[0].user_text if duel.turns else duel.prompt
    if not duel.turns or duel.vote is None:
        status = "pas encore voté" if duel.turns else "pas joué"
        return DuelLine(duel.title, prompt, bool(duel.turns), False, "", status, turns=len(duel.turns))
    reveal = build_reveal(workshop, duel)
    sides = tuple(_side_line(reveal, side, workshop.size_class(duel.sides[side])) for side in ("A", "B"))
    outcome = duel.vote.outcome
    label = outcome.label
    if outcome in (Outcome.A, Outcome.B):
        label += f" : {reveal.sides[outcome.value].card.name}"
    a, b = reveal.sides["A"], reveal.sides["B"]
    comparison = reveal.impact_error or ""
    if a.impact is not None and b.impact is not None:
        from duels_tui.impact.compare import compare_energy

        comparison = compare_energy(a.impact, b.impact, a.card.name, b.card.name).sentence
    return DuelLine(duel.title, prompt, True, True, _vote_text(duel), label, sides, comparison, len(duel.turns))


def _final(workshop: Workshop) -> FinalResult:
    """The final as the screen shows it, computed without storing anything."""
    from duels_tui.arena.final import compute_final
    from duels_tui.arena.reveal import final_candidates

    return compute_final(final_candidates(workshop), workshop.final_weights, workshop.final_vote)


def _methodology(workshop: Workshop, duels: list[DuelLine], final_rule: str) -> tuple[str, ...]:
    from duels_tui.arena.votes import SHARE_RULE_TEXT, WINNER_RULE_TEXT

    lines = []
    try:
        from duels_tui.impact.methodology import get_methodology

        m = get_methodology(workshop.methodology)
        lines.append(f"Énergie, CO2e et eau : estimations de la méthodologie {m.label} — {m.description} "
                     f"Source : {m.source} ({m.year}). Les fourchettes viennent des tailles estimées et des "
                     "incertitudes de la méthode.")
    except Exception:
        lines.append(f"Énergie, CO2e et eau : méthodologie {workshop.methodology}.")
    profiles = [f"{s.name} : {s.hardware}" for d in duels for s in d.sides if s.hardware]
    if profiles:
        lines.append("Matériel et électricité retenus : " + " ; ".join(dict.fromkeys(profiles)) + ".")
    lines.append("Jetons : le compte du serveur du modèle quand il le donne, sinon une estimation d'après le texte "
                 "(environ 4 caractères par jeton) ; le raisonnement compte.")
    sources = dict.fromkeys(source for d in duels for s in d.sides for source in s.equivalent_sources)
    if sources:
        lines.append("Équivalents : " + " ; ".join(sources) + ".")
    lines.append("Vote : " + WINNER_RULE_TEXT + " " + SHARE_RULE_TEXT)
    lines.append("L'IA gagnante : " + final_rule)
    return tuple(lines)


def build_report(workshop: Workshop) -> SessionReport:
    from duels_tui import __version__
    from duels_tui.store.db import now_iso

    duels = [_duel_line(workshop, d) for d in workshop.duels]
    final = _final(workshop)
    winners = tuple(
        WinnerRow(
            rank=row.rank,
            name=row.name,
            duels=", ".join(str(i + 1) for i in row.duels),
            share=f"{row.share:.0%}".replace("%", " %"),
            energy=number(row.energy_wh) + " Wh" if row.energy_wh is not None else "?",
            score=f"{row.score:.2f}".replace(".", ","),
        )
        for row in final.rows
    )
    sides = [s for d in duels for s in d.sides]
    energies = [s.energy_wh for s in sides if s.energy_wh is not None]
    totals = "Aucun duel voté."
    total_energy = sum(energies, Range.exact(0.0)) if energies else None
    if total_energy is not None:
        voted = len([d for d in duels if d.voted])
        tokens = number(sum(s.output_tokens for s in sides), 6)
        totals = f"{voted} duel(s) voté(s), {tokens} jetons générés, {range_text(total_energy, 'Wh')} au total"
        from duels_tui.impact.equivalents import load_equivalents

        search = load_equivalents().get("web-search")
        totals += f", soit environ {number(total_energy.mid / search.per)} recherches web ({search.source})."
    place = f" · {workshop.place}" if workshop.place else ""
    subtitle = (f"Séance n°{workshop.session_id}{place} · {_day(workshop.created_at or '')} · "
                f"programme « {workshop.programme.name} »")
    return SessionReport(
        title="Les duels de l'IA : rapport de séance",
        subtitle=subtitle,
        duels=tuple(duels),
        winner=final.summary,
        winners=winners,
        totals=totals,
        methodology=_methodology(workshop, duels, final.rule_text),
        footer=f"Rapport produit par duels {__version__} le {_day(now_iso())}. Les chiffres d'impact sont des "
               "estimations, pas des mesures.",
        figures={"total_energy_wh": total_energy, "winners": [w.name for w in final.winners]},
    )


# --- Markdown ----------------------------------------------------------------------------------

def md(text: str) -> str:
    """Untrusted or plain text as Markdown that shows it literally, on one line: HTML's < > & as
    entities (a Markdown viewer may render raw HTML), then Markdown punctuation escaped."""
    from duels_tui.explain.cards import md as markdown_text

    return markdown_text(html.escape(" ".join(text.split()), quote=False))


def to_markdown(report: SessionReport) -> str:
    out = [f"# {md(report.title)}", "", md(report.subtitle), "", "## L'IA gagnante", "", f"**{md(report.winner)}**", ""]
    if report.winners:
        out += ["| rang | modèle | duel(s) | part des voix | Wh par réponse | score |", "|---|---|---|---|---|---|"]
        out += [f"| {w.rank} | {md(w.name)} | {w.duels} | {w.share} | {w.energy} | {w.score} |"
                for w in report.winners]
        out.append("")
    out += ["## Les duels", ""]
    for duel in report.duels:
        names = " contre ".join(md(s.name) for s in duel.sides)
        out += [f"### {md(duel.title)}" + (f" : {names}" if names else ""), "", f"> {md(duel.prompt)}", ""]
        if not duel.voted:
            out += [f"*{md(duel.outcome)}*", ""]
            continue
        out += [f"Vote de la salle : {md(duel.vote)} → **{md(duel.outcome)}**", ""]
        a, b = duel.sides
        rows = [
            ("", f"Modèle A : {md(a.name)} ({md(a.organisation)})", f"Modèle B : {md(b.name)} ({md(b.organisation)})"),
            ("taille", md(a.size), md(b.size)),
            ("voix", a.votes, b.votes),
            ("jetons", md(a.tokens), md(b.tokens)),
            ("énergie", a.energy, b.energy),
            ("CO2e", a.gwp, b.gwp),
            ("eau", a.water, b.water),
            ("soit", md(a.equivalents), md(b.equivalents)),
        ]
        out.append(f"| {' | '.join(rows[0])} |")
        out.append("|---|---|---|")
        out += [f"| {' | '.join(row)} |" for row in rows[1:]]
        out.append("")
        if duel.comparison:
            out += [md(duel.comparison), ""]
    out += ["## Au total", "", md(report.totals), "", "## Méthodologie", ""]
    out += [f"- {md(line)}" for line in report.methodology]
    out += ["", f"*{md(report.footer)}*", ""]
    return "\n".join(out)


# --- HTML --------------------------------------------------------------------------------------

_CSS = """
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
    out = [
        "<!DOCTYPE html>",
        '<html lang="fr">',
        '<head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(report.title)}</title>",
        f"<style>{_CSS}</style></head>",
        "<body>",
        f"<h1>{e(report.title)}</h1>",
        f'<p class="muted">{e(report.subtitle)}</p>',
        "<h2>L'IA gagnante</h2>",
        f'<p class="winner">{e(report.winner)}</p>',
    ]
    if report.winners:
        out.append("<table><tr><th>rang</th><th>modèle</th><th>duel(s)</th><th>part des voix</th>"
                   "<th>Wh par réponse</th><th>score</th></tr>")
        out += [f"<tr><td>{w.rank}</td><td>{e(w.name)}</td><td>{e(w.duels)}</td><td>{e(w.share)}</td>"
                f"<td>{e(w.energy)}</td><td>{e(w.score)}</td></tr>" for w in report.winners]
        out.append("</table>")
    out.append("<h2>Les duels</h2>")
    for duel in report.duels:
        names = " contre ".join(s.name for s in duel.sides)
        out.append(f"<h3>{e(duel.title)}" + (f" : {e(names)}" if names else "") + "</h3>")
        out.append(f"<blockquote>{e(duel.prompt)}</blockquote>")
        if not duel.voted:
            out.append(f'<p class="muted">{e(duel.outcome)}</p>')
            continue
        out.append(f"<p>Vote de la salle : {e(duel.vote)} → <strong>{e(duel.outcome)}</strong></p>")
        a, b = duel.sides
        out.append(f"<table><tr><th></th><th>Modèle A : {e(a.name)} ({e(a.organisation)})</th>"
                   f"<th>Modèle B : {e(b.name)} ({e(b.organisation)})</th></tr>")
        for label, x, y in (("taille", a.size, b.size), ("voix", a.votes, b.votes), ("jetons", a.tokens, b.tokens),
                            ("énergie", a.energy, b.energy), ("CO2e", a.gwp, b.gwp), ("eau", a.water, b.water),
                            ("soit", a.equivalents, b.equivalents)):
            out.append(f"<tr><th>{e(label)}</th><td>{e(x)}</td><td>{e(y)}</td></tr>")
        out.append("</table>")
        if duel.comparison:
            out.append(f"<p>{e(duel.comparison)}</p>")
    out += ["<h2>Au total</h2>", f"<p>{e(report.totals)}</p>", "<h2>Méthodologie</h2>", "<ul>"]
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
    """Whole or not at all: a temporary file, then renamed."""
    temporary = path.with_name(f".{path.name}.partiel")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise ReportError(f"écriture de {path} impossible : {exc.strerror}") from None


def write_both(workshop: Workshop, folder: Path) -> tuple[Path, Path]:
    """`seance-N.md` and `seance-N.html` in `folder`; returns their paths."""
    report = build_report(workshop)
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
