"""`duels impact`: one answer's impact and its equivalents, no model needed.

Kept light (no Rich table, no litellm, no Textual) so that it answers in well under 0.3 s.
"""

from __future__ import annotations

import math
import re
from typing import Annotated, Any

import typer

from duels_tui.bounds import ANY, PARAMS_B, SECONDS, TOKENS, TOKENS_PER_S, Bounds
from duels_tui.cli.common import config_errors_exit, fail, print_json
from duels_tui.impact import DEFAULT_METHODOLOGY

PUE = Bounds(0, 10)  # below 1: said by its own check
WUE = Bounds(0, 100, "L/kWh")
BITS = Bounds(1, 64, "bits par poids")
_NUMBER = r"\d+(?:[.,]\d*)?|[.,]\d+"
_RANGE = re.compile(rf"^\s*({_NUMBER})\s*(?:-|–|\.\.)\s*({_NUMBER})\s*$")


def parse_amount(text: str, what: str, *, allow_zero: bool = False, bounds: Bounds = ANY) -> Any:
    """A number ("70", "0,5") or a range ("300-500", "300..500") as a Range, within `bounds`;
    French errors."""
    from duels_tui.ranges import Range

    ranged = _RANGE.match(text)
    try:
        if ranged:
            low, high = (float(g.replace(",", ".")) for g in ranged.groups())
        else:
            low = high = float(text.strip().replace(",", "."))
    except ValueError:
        raise fail(f"{what} : {text!r} n'est pas un nombre (ni une fourchette comme 300-500)") from None
    if not (math.isfinite(low) and math.isfinite(high)):
        raise fail(f"{what} : {text!r} doit être un nombre fini")
    if low < 0 or (low == 0 and not allow_zero):
        sign = "positif ou nul" if allow_zero else "strictement positif"
        raise fail(f"{what} : {text!r} doit être {sign}")
    if low > high:
        raise fail(f"{what} : fourchette {text!r} à l'envers (le minimum dépasse le maximum)")
    for end in (low, high):
        if end and (problem := bounds.problem(end)) is not None:
            raise fail(f"{what} : {problem}")
    return Range(low, high)


def _positive_int(text: str, what: str, bounds: Bounds) -> int:
    try:
        value = int(text.strip())
    except ValueError:
        raise fail(f"{what} : {text!r} n'est pas un nombre entier") from None
    if value <= 0:
        raise fail(f"{what} : {text!r} doit être un entier strictement positif")
    if (problem := bounds.problem(value)) is not None:
        raise fail(f"{what} : {problem}")
    return value


def _positive_float(text: str | None, what: str, *, allow_zero: bool = False, bounds: Bounds = ANY) -> float | None:
    if text is None:
        return None
    amount = parse_amount(text, what, allow_zero=allow_zero, bounds=bounds)
    if not amount.is_exact:
        raise fail(f"{what} : une seule valeur attendue, pas une fourchette")
    return amount.min


_HELP = {
    "params": "Paramètres du modèle, en milliards : 70, ou une fourchette 300-500.",
    "tokens": "Nombre de tokens générés par la réponse.",
    "active": "Paramètres actifs (mélange d'experts), en milliards ; par défaut, tous.",
    "methodology": "ecologits-2025 (actuelle) ou ecologits-2024 (diapositives de compar:IA).",
    "profile": "Profil matériel de hardware.toml ; par défaut, le centre de données.",
    "zone": "Zone électrique (FRA, WOR, USA…) ou intensité carbone en gCO2e/kWh ; par défaut, celle du profil.",
    "pue": "PUE du centre de données (nombre ou fourchette), à la place de celui du profil.",
    "wue": "Eau consommée sur place, en L/kWh, à la place de celle du profil.",
    "latency": "Durée mesurée de la génération, en secondes.",
    "tps": "Débit mesuré, en tokens par seconde.",
    "bits": "Bits par poids (quantification), à la place de la valeur par défaut.",
}


def register(app: typer.Typer) -> None:
    @app.command("impact")
    def impact(
        params: Annotated[str, typer.Option("--params", help=_HELP["params"], metavar="P")],
        tokens: Annotated[str, typer.Option("--tokens", help=_HELP["tokens"], metavar="N")],
        active: Annotated[str | None, typer.Option("--active", help=_HELP["active"], metavar="A")] = None,
        methodology: Annotated[
            str, typer.Option("--methodology", help=_HELP["methodology"], metavar="M")
        ] = DEFAULT_METHODOLOGY,
        profile: Annotated[str | None, typer.Option("--profile", help=_HELP["profile"], metavar="X")] = None,
        zone: Annotated[str | None, typer.Option("--zone", help=_HELP["zone"], metavar="Z")] = None,
        pue: Annotated[str | None, typer.Option("--pue", help=_HELP["pue"], metavar="PUE")] = None,
        wue: Annotated[str | None, typer.Option("--wue", help=_HELP["wue"], metavar="L/KWH")] = None,
        latency: Annotated[str | None, typer.Option("--latency", help=_HELP["latency"], metavar="S")] = None,
        tps: Annotated[str | None, typer.Option("--tps", help=_HELP["tps"], metavar="T/S")] = None,
        bits: Annotated[str | None, typer.Option("--bits", help=_HELP["bits"], metavar="BITS")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON stable.")] = False,
    ) -> None:
        """L'impact d'une réponse (énergie, CO2e, eau) et ses équivalents, sans appeler de modèle."""
        from duels_tui.impact import (
            ImpactInputError,
            answer_impact,
            energy_class,
            load_equivalents,
            load_hardware,
            pick_equivalents,
        )

        total = parse_amount(params, "--params", bounds=PARAMS_B)
        active_b = parse_amount(active, "--active", bounds=PARAMS_B) if active is not None else None
        output_tokens = _positive_int(tokens, "--tokens", TOKENS)
        pue_value = parse_amount(pue, "--pue", bounds=PUE) if pue is not None else None
        if pue_value is not None and pue_value.min < 1:
            raise fail(f"--pue : {pue!r} : un PUE vaut au moins 1")
        wue_value = parse_amount(wue, "--wue", allow_zero=True, bounds=WUE) if wue is not None else None
        generation_s = _positive_float(latency, "--latency", bounds=SECONDS)
        tokens_per_s = _positive_float(tps, "--tps", bounds=TOKENS_PER_S)
        quantization_bits = _positive_float(bits, "--bits", bounds=BITS)
        with config_errors_exit():
            hardware = load_hardware()
            equivalents = load_equivalents()
        try:
            chosen = hardware.profile(profile or hardware.cloud_profile)
            chosen = chosen.with_overrides(pue=pue_value, wue=wue_value)
            where = hardware.zone(zone or chosen.zone)
            result = answer_impact(
                params_total=total,
                params_active=active_b,
                output_tokens=output_tokens,
                methodology=methodology,
                profile=chosen,
                zone=where,
                generation_s=generation_s,
                tokens_per_s=tokens_per_s,
                quantization_bits=quantization_bits,
            )
        except ImpactInputError as exc:
            raise fail(str(exc)) from None
        picked = pick_equivalents(result, equivalents)
        per_million = result.wh_per_million_tokens
        energy_label = energy_class(per_million, equivalents.classes) if per_million else None
        if as_json:
            data = result.to_json()
            data["equivalents"] = [e.to_json() for e in picked]
            data["energy_class"] = energy_label
            data["wh_per_million_tokens"] = per_million
            print_json(data)
            return
        typer.echo(_text(result, where.name, picked, energy_label, per_million))


def _text(result: Any, zone_name: str, picked: list[Any], energy_label: str | None, per_million: float | None) -> str:
    from duels_tui.numbers import count, number, params, range_text

    inputs = result.inputs
    total, active = _range(inputs["params_total_b"]), _range(inputs["params_active_b"])
    model = params(total)
    if inputs["moe"]:
        model += f" (dont {params(active, with_noun=False)} actifs)"
    lines = [
        f"Impact d'une réponse — méthodologie {result.methodology}, profil {result.profile}, "
        f"zone {result.zone} ({zone_name})",
        f"  {model}, {count(result.output_tokens, 'generated_token')}",
        f"  Énergie           {range_text(result.energy_wh, 'Wh')}",
        f"  CO2e              {range_text(result.gwp_g, 'g')}"
        f" (usage {range_text(result.gwp_usage_g, 'g')},"
        f" fabrication {range_text(result.gwp_embodied_g, 'g')})",
        f"  Eau               {range_text(result.water_ml, 'mL')}",
        f"  Énergie primaire  {range_text(result.pe_mj, 'MJ')}",
        f"  Durée de calcul   {range_text(_range(inputs['generation_s']), 's')} ({inputs['generation_source']})",
    ]
    if energy_label and per_million is not None:
        lines.append(f"  Classe énergétique {energy_label} ({number(per_million)} Wh par million de jetons)")
    if picked:
        lines.append("  Soit : " + " · ".join(e.label for e in picked))
    lines.extend(f"  Note : {note}" for note in inputs["notes"])
    if picked:
        lines.append("  Sources des équivalents :")
        lines.extend(f"    - {e.source} ({e.year})" for e in picked)
    return "\n".join(lines)


def _range(data: dict[str, float]) -> Any:
    from duels_tui.ranges import Range

    return Range(data["min"], data["max"])
