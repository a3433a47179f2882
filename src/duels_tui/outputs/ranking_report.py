"""`duels report --ranking`: the pooled ranking of every session on one page, in Markdown or in
HTML, French or English. The HTML holds the frugality map as inline SVG: no script, no font or
image fetched, nothing that needs a network; it prints on A4 like the session report.

Model names come from session cards, imported ones too: untrusted text, escaped everywhere.
"""

from __future__ import annotations

import html
import math

from duels_tui.arena.pooled import PooledRanking
from duels_tui.numbers import number
from duels_tui.outputs.report import CSS
from duels_tui.ranking_view import MapAxes, MapPoint, map_axes, map_points, say, score, table
from duels_tui.text_safety import markdown_line as md

# The map's frame, in SVG units (pixels at 100 %): room for the score labels on the left and the
# energy ticks and caption below.
WIDTH, HEIGHT = 760, 440
LEFT, RIGHT, TOP, BOTTOM = 64, 24, 28, 56
TIER_COLOURS = {1: "#006B3F", 2: "#0033A0", 3: "#8A5A00"}  # the light theme's success, primary, warning
OTHER_COLOUR = "#555555"
LINE = 14  # a label's height


def e(text: str) -> str:
    return html.escape(text, quote=True)


def svg_map(points: list[MapPoint], axes: MapAxes, lang: str) -> str:
    """The map: each model a dot at (energy per 1,000 tokens, score), its 95 % interval a
    vertical bar, its name beside it; axes with their ticks and captions."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def px(energy: float) -> float:
        return LEFT + axes.x(energy) * plot_w

    def py(score: float) -> float:
        return TOP + (1 - axes.y(score)) * plot_h

    out = [f'<svg class="map" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" '
           f'aria-label="{e(say("map.title", lang))}">',
           f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="#FFFFFF" stroke="#999999"/>']
    for tick in axes.y_ticks():
        y = py(tick)
        out.append(f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#E0E0E0"/>')
        out.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="12">{e(score(tick, lang))}'
                   "</text>")
    for tick in axes.x_ticks():
        x = px(tick)
        out.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{TOP}" y2="{TOP + plot_h}" stroke="#E0E0E0"/>')
        out.append(f'<text x="{x:.1f}" y="{TOP + plot_h + 16}" text-anchor="middle" font-size="12">'
                   f"{e(number(tick, 1, lang))}</text>")
    out.append(f'<text x="{LEFT + plot_w / 2:.1f}" y="{HEIGHT - 12}" text-anchor="middle" font-size="13">'
               f'{e(say("map.x", lang))}</text>')
    out.append(f'<text x="{LEFT - 6}" y="{TOP - 10}" text-anchor="end" font-size="13">{e(say("map.y", lang))}</text>')
    placed: list[tuple[float, float, float, float]] = []  # the labels' boxes, to keep them apart
    for p in sorted(points, key=lambda p: -p.score):
        x, y = px(p.energy), py(p.score)
        colour = TIER_COLOURS.get(p.tier or 0, OTHER_COLOUR)
        if p.low is not None and p.high is not None:
            out.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{py(p.high):.1f}" y2="{py(p.low):.1f}" '
                       f'stroke="{colour}" stroke-width="2" opacity="0.45"/>')
        out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="6" fill="{colour}"/>')
        width = 7.2 * len(p.label)
        right = x + 10 + width <= WIDTH - 4
        box_x = x + 10 if right else x - 10 - width
        box_y = _free_row(placed, box_x, y + 4, width)
        placed.append((box_x, box_y - LINE + 3, width, LINE))
        anchor = "start" if right else "end"
        out.append(f'<text x="{x + 10 if right else x - 10:.1f}" y="{box_y:.1f}" text-anchor="{anchor}" '
                   f'font-size="13" font-weight="bold" fill="{colour}">{e(p.label)}</text>')
    out.append("</svg>")
    return "\n".join(out)


def _free_row(placed, x: float, baseline: float, width: float) -> float:
    """The baseline nearest `baseline` (below first, then above) where a label of `width`
    overlaps none already placed."""
    for step in range(12):
        for sign in (1, -1):
            candidate = baseline + sign * math.ceil(step / 2) * LINE if step else baseline
            top = candidate - LINE + 3
            if not any(x < px + pw and px < x + width and top < py + ph and py < top + LINE
                       for px, py, pw, ph in placed):
                return candidate
    return baseline


def to_html(ranking: PooledRanking, lang: str) -> str:
    view = table(ranking, lang)
    points, left_out = map_points(ranking)
    axes = map_axes(points)
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{lang}">',
        '<head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(say('title', lang))}</title>",
        f"<style>{CSS} svg.map {{ max-width: 48rem; display: block; margin: .5rem 0; }}</style></head>",
        "<body>",
        f"<h1>{e(say('title', lang))}</h1>",
        f'<p class="muted">{e(view.summary)}</p>',
    ]
    if view.rows:
        out.append("<table><tr>" + "".join(f"<th>{e(c)}</th>" for c in view.columns) + "</tr>")
        out += ["<tr>" + "".join(f"<td>{e(cell)}</td>" for cell in row) + "</tr>" for row in view.rows]
        out.append("</table>")
        out.append(f"<h2>{e(say('map.title', lang))}</h2>")
        if axes is None:
            out.append(f"<p>{e(say('map.none', lang))}</p>")
        else:
            out.append(svg_map(points, axes, lang))
            if left_out:
                names = ", ".join(m.name for m in left_out)
                out.append(f'<p class="muted">{e(say("map.left_out", lang, models=names))}</p>')
    out.append("<ul>" + "".join(f"<li>{e(note)}</li>" for note in [*view.notes, view.method]) + "</ul>")
    out += ["</body>", "</html>", ""]
    return "\n".join(out)


def to_markdown(ranking: PooledRanking, lang: str) -> str:
    view = table(ranking, lang)
    out = [f"# {md(say('title', lang))}", "", md(view.summary), ""]
    if view.rows:
        out.append("| " + " | ".join(md(c) for c in view.columns) + " |")
        out.append("|" + "---|" * len(view.columns))
        # Only the names are escaped: an escape would also turn the figures' thin spaces into spaces.
        out += ["| " + " | ".join(md(cell) if k == 2 else cell for k, cell in enumerate(row)) + " |"
                for row in view.rows]
        out.append("")
    out += [f"- {md(note)}" for note in [*view.notes, view.method]]
    out.append("")
    return "\n".join(out)


def render(ranking: PooledRanking, fmt: str, lang: str) -> str:
    return to_html(ranking, lang) if fmt == "html" else to_markdown(ranking, lang)
