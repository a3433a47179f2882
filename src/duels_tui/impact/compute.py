"""One answer's impact: a datacenter methodology or a local machine, then the grid's factors."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from duels_tui.impact import DEFAULT_METHODOLOGY
from duels_tui.impact.methodology import (
    SECONDS_PER_YEAR,
    Methodology,
    get_methodology,
)
from duels_tui.impact.model import HardwareProfile, Impact, ImpactInputError, Zone, ZoneFactors
from duels_tui.ranges import Range


@dataclass(frozen=True)
class _Point:
    """Figures at one end of the parameter range, in EcoLogits' units (kWh, kg, L, MJ)."""

    energy_kwh: Range
    it_energy_kwh: Range
    embodied_gwp_kg: Range
    embodied_pe_mj: Range
    embodied_adpe_kgsbeq: Range
    latency_s: Range
    latency_how: str
    gpus: int = 0


def answer_impact(
    *,
    params_total: Range | float,
    params_active: Range | float | None,
    output_tokens: int,
    methodology: str | Methodology = DEFAULT_METHODOLOGY,
    profile: HardwareProfile,
    zone: Zone,
    generation_s: float | None = None,
    tokens_per_s: float | None = None,
    measured_wh: float | None = None,
    quantization_bits: float | None = None,
    ttft_s: float | None = None,
) -> Impact:
    """The impact of one answer of `output_tokens` tokens.

    `params_total`/`params_active` are in billions (a number or a Range; active defaults to total,
    a dense model). `generation_s` is the measured generation time: on a local profile the energy
    is power x that time; on a datacenter profile it caps the methodology's estimated time, as
    EcoLogits does with a request's latency. `tokens_per_s`, when known, replaces the estimated
    speed. `measured_wh` (from an energy meter) is kept beside the estimate, not in place of it.
    From ollama's final chunk: generation_s = eval_duration / 1e9, output_tokens = eval_count.

    `quantization_bits` sets the bytes per weight: on a local profile it drives the speed
    estimate (default: the profile's); on a datacenter profile it changes the GPU count, so
    leave it None there to follow the methodology (16 bits in 2025, 4 in 2024) as compar:IA does.
    """
    method = methodology if isinstance(methodology, Methodology) else get_methodology(methodology)
    total = _params(params_total, "total")
    active = total if params_active is None else _params(params_active, "actifs")
    if active.min > total.max:
        raise ImpactInputError(f"les paramètres actifs ({_show(active)} Md) dépassent le total ({_show(total)} Md)")
    if isinstance(output_tokens, bool) or not isinstance(output_tokens, int) or output_tokens < 0:
        raise ImpactInputError(f"nombre de tokens générés invalide : {output_tokens!r} (entier positif attendu)")
    _check_positive("durée de génération", generation_s)
    _check_positive("débit (tokens/s)", tokens_per_s, strict=True)
    _check_positive("délai du premier token", ttft_s)
    _check_positive("énergie mesurée", measured_wh)
    _check_positive("bits par poids", quantization_bits, strict=True)

    factors = zone.factors(method.name)
    notes: list[str] = []
    if method.name != DEFAULT_METHODOLOGY and method.name not in zone.by_methodology:
        notes.append(f"zone {zone.code} : facteurs actuels, faute de valeurs {method.name}")
    if profile.is_local:
        ends = [
            _local_point(profile, a, output_tokens, generation_s, tokens_per_s, ttft_s, quantization_bits)
            for a in (active.min, active.max)
        ]
    else:
        if tokens_per_s is not None and method.energy_model == "linear":
            notes.append("débit mesuré ignoré : la méthodologie 2024 ne s'en servait pas")
            tokens_per_s = None
        bits = quantization_bits or method.quantization_bits
        ends = [
            _datacenter_point(method, profile, a, t, output_tokens, bits, generation_s, tokens_per_s, ttft_s)
            for a, t in ((active.min, total.min), (active.max, total.max))
        ]
    low, high = ends

    def span(attr: str) -> Range:
        a, b = getattr(low, attr), getattr(high, attr)
        return Range(min(a.min, b.min), max(a.max, b.max))

    energy = span("energy_kwh")
    it_energy = span("it_energy_kwh")
    water_l = it_energy * (profile.wue_l_per_kwh + profile.pue * factors.wue_l_per_kwh)
    gwp_usage = energy * factors.gwp_kg_per_kwh
    gwp_embodied = span("embodied_gwp_kg")
    pe = energy * factors.pe_mj_per_kwh + span("embodied_pe_mj")
    adpe = energy * factors.adpe_kgsbeq_per_kwh + span("embodied_adpe_kgsbeq")
    latency = span("latency_s")
    if method.energy_model == "linear" and not profile.is_local:
        notes.append("eau : modèle 2025 (EcoLogits 0.6.2 ne la calculait pas)")
    if profile.is_local and profile.embodied_gwp_kg is None:
        notes.append("fabrication de la machine non comptée (pas de valeur dans le profil)")

    inputs = _inputs(
        method,
        profile,
        zone,
        factors,
        total,
        active,
        output_tokens,
        latency,
        low,
        high,
        generation_s,
        tokens_per_s,
        ttft_s,
        quantization_bits,
        notes,
    )
    return Impact(
        energy_wh=energy * 1000,
        gwp_usage_g=gwp_usage * 1000,
        gwp_embodied_g=gwp_embodied * 1000,
        gwp_g=(gwp_usage + gwp_embodied) * 1000,
        water_ml=water_l * 1000,
        pe_mj=pe,
        adpe_kgsbeq=adpe,
        methodology=method.name,
        profile=profile.name,
        zone=zone.code,
        output_tokens=output_tokens,
        inputs=inputs,
        measured_wh=measured_wh,
    )


def _datacenter_point(
    m: Methodology,
    profile: HardwareProfile,
    active_b: float,
    total_b: float,
    tokens: int,
    bits: float,
    request_latency_s: float | None,
    tokens_per_s: float | None,
    ttft_s: float | None,
) -> _Point:
    gpus = m.gpu_count(total_b, bits)
    latency, how = m.generation_latency_s(
        active_b,
        tokens,
        request_latency_s=request_latency_s,
        tokens_per_s=tokens_per_s,
        ttft_s=ttft_s,
    )
    # The server (CPU, memory, fans) is shared: its share is that of the GPUs we hold, divided
    # among the requests batched together.
    server_kwh = latency * (m.server_power_kw * gpus / m.server_gpus / m.batch_size / 3600)
    it_kwh = server_kwh + m.gpu_energy_kwh(active_b, tokens) * gpus
    # Manufacturing is shared the same way, over the hardware's lifetime.
    share = latency * (1 / (m.lifetime_s * m.batch_size))
    servers = gpus / m.server_gpus
    return _Point(
        energy_kwh=it_kwh * profile.pue,
        it_energy_kwh=it_kwh,
        embodied_gwp_kg=share * (servers * m.server_embodied_gwp_kg + gpus * m.gpu_embodied_gwp_kg),
        embodied_pe_mj=share * (servers * m.server_embodied_pe_mj + gpus * m.gpu_embodied_pe_mj),
        embodied_adpe_kgsbeq=share * (servers * m.server_embodied_adpe_kgsbeq + gpus * m.gpu_embodied_adpe_kgsbeq),
        latency_s=latency,
        latency_how=how,
        gpus=gpus,
    )


def _local_point(
    profile: HardwareProfile,
    active_b: float,
    tokens: int,
    generation_s: float | None,
    tokens_per_s: float | None,
    ttft_s: float | None,
    quantization_bits: float | None,
) -> _Point:
    if profile.power_load_w is None:
        raise ImpactInputError(f"profil {profile.name!r} : puissance sous charge non renseignée")
    if generation_s is not None:
        seconds, how = Range.exact(generation_s), "mesurée"
    elif tokens_per_s is not None:
        seconds = Range.exact(tokens / tokens_per_s + (ttft_s or 0.0))
        how = "déduite du débit mesuré"
    else:
        seconds = _bandwidth_time(profile, active_b, tokens, quantization_bits)
        how = "estimée par la bande passante mémoire"
    it_kwh = seconds * profile.power_load_w * (1 / 3_600_000)
    lifetime_s = (profile.lifetime_years or 0) * SECONDS_PER_YEAR
    embodied = (
        seconds * profile.embodied_gwp_kg * (1 / lifetime_s)
        if profile.embodied_gwp_kg is not None and lifetime_s > 0
        else Range.exact(0.0)
    )
    zero = Range.exact(0.0)
    return _Point(
        energy_kwh=it_kwh * profile.pue,
        it_energy_kwh=it_kwh,
        embodied_gwp_kg=embodied,
        embodied_pe_mj=zero,
        embodied_adpe_kgsbeq=zero,
        latency_s=seconds,
        latency_how=how,
    )


def _bandwidth_time(profile: HardwareProfile, active_b: float, tokens: int, quantization_bits: float | None) -> Range:
    """Decoding reads every active weight once per token, so memory bandwidth bounds the speed."""
    bandwidth = profile.memory_bandwidth_gbs
    if bandwidth is None:
        raise ImpactInputError(
            f"profil {profile.name!r} : bande passante mémoire non renseignée, et aucune durée de génération mesurée"
        )
    bits = quantization_bits or profile.quantization_bits or 16
    efficiency = profile.bandwidth_efficiency or Range.exact(1.0)
    gb_per_token = active_b * bits / 8
    ideal_s = tokens * gb_per_token / bandwidth
    return Range(ideal_s / efficiency.max, ideal_s / efficiency.min)


def _inputs(
    m: Methodology,
    profile: HardwareProfile,
    zone: Zone,
    factors: ZoneFactors,
    total: Range,
    active: Range,
    tokens: int,
    latency: Range,
    low: _Point,
    high: _Point,
    generation_s: float | None,
    tokens_per_s: float | None,
    ttft_s: float | None,
    quantization_bits: float | None,
    notes: list[str],
) -> dict[str, Any]:
    inputs: dict[str, Any] = {
        "params_total_b": total.to_json(),
        "params_active_b": active.to_json(),
        "moe": active != total,
        "output_tokens": tokens,
        "methodology": m.name,
        "methodology_source": m.source,
        "profile": profile.name,
        "profile_kind": profile.kind,
        "profile_label": profile.label,
        "zone": zone.code,
        "zone_name": zone.name,
        "zone_factors": factors.to_json(),
        "pue": profile.pue.to_json(),
        "wue_l_per_kwh": profile.wue_l_per_kwh.to_json(),
        "generation_s": latency.to_json(),
        "generation_source": low.latency_how
        if low.latency_how == high.latency_how
        else f"{low.latency_how} / {high.latency_how}",
        "measured_generation_s": generation_s,
        "tokens_per_s": tokens_per_s,
        "ttft_s": ttft_s,
    }
    if profile.is_local:
        inputs["power_load_w"] = profile.power_load_w.to_json() if profile.power_load_w else None
        inputs["quantization_bits"] = quantization_bits or profile.quantization_bits
        inputs["sources"] = dict(profile.sources)
    else:
        inputs["quantization_bits"] = quantization_bits or m.quantization_bits
        inputs["gpu_count"] = {"min": low.gpus, "max": high.gpus}
        inputs["batch_size"] = m.batch_size
    inputs["notes"] = notes
    return inputs


def _params(value: Range | float, what: str) -> Range:
    try:
        r = Range.of(value)
    except (TypeError, ValueError):
        raise ImpactInputError(f"paramètres ({what}) invalides : {value!r}") from None
    if not (r.min > 0 and math.isfinite(r.max)):
        raise ImpactInputError(f"paramètres ({what}) invalides : {_show(r)} Md (il faut un nombre strictement positif)")
    return r


def _check_positive(what: str, value: float | None, *, strict: bool = False) -> None:
    if value is None:
        return
    bad = isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value)
    if bad or value < 0 or (strict and value == 0):
        sign = "strictement positif" if strict else "positif ou nul"
        raise ImpactInputError(f"{what} invalide : {value!r} (nombre {sign} attendu)")


def _show(r: Range) -> str:
    return f"{r.min:g}" if r.is_exact else f"{r.min:g}-{r.max:g}"
