"""The pooled ranking: 100 sessions x 3 duels x 30 hands (9,000 hands), 1,000 bootstrap resamples.

- `fit_s`: Bradley-Terry with its 1,000 resamples alone (arena/ranking.py), median of 3;
- `pooled_s`: the whole `duels ranking`, from the database (100 sessions read, every answer's
  energy computed) to the table, median of 3; target: under 2 s;
- memory: resident size after each of 5 rankings in a row, which must stay flat (no growth from
  one to the next beyond noise).
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

SESSIONS, DUELS, HANDS, RESAMPLES = 100, 3, 30, 1000
TARGET_S = 2.0


def _rss_mb() -> float:
    """Resident memory now (not the peak), from /proc (Linux)."""
    import os

    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _median_s(fn, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        fn()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def run() -> dict:
    from duels_tui.arena.pooled import pool_ranking
    from duels_tui.arena.ranking import Battle, bradley_terry
    from duels_tui.arena.testing import demo_catalog, pooled_workshops
    from duels_tui.store import Store

    catalog = demo_catalog()
    with tempfile.TemporaryDirectory() as folder, Store.open(Path(folder) / "duels.sqlite3") as store:
        began = time.perf_counter()
        pooled_workshops(store, catalog, sessions=SESSIONS, duels=DUELS, hands=HANDS, seed=1)
        setup_s = time.perf_counter() - began
        ranking = pool_ranking(store, catalog, bootstrap=RESAMPLES)  # warm: imports, caches
        rows = store._rows(
            "SELECT d.model_a, d.model_b, v.votes_a, v.votes_b, v.votes_tie + v.votes_none AS ties"
            " FROM votes v JOIN duels d ON v.duel_id = d.id"
        )
        battles = [Battle(r["model_a"], r["model_b"], r["votes_a"], r["votes_b"], r["ties"]) for r in rows]
        fit_s = _median_s(lambda: bradley_terry(battles, bootstrap=RESAMPLES))
        pooled_s = _median_s(lambda: pool_ranking(store, catalog, bootstrap=RESAMPLES))
        memory = []
        for _ in range(5):
            pool_ranking(store, catalog, bootstrap=RESAMPLES)
            memory.append(round(_rss_mb(), 1))
    return {
        "hands": ranking.hands,
        "duels": ranking.duels,
        "models": len(ranking.models),
        "resamples": RESAMPLES,
        "setup_s": round(setup_s, 2),
        "fit_s": round(fit_s, 3),
        "pooled_s": round(pooled_s, 3),
        "pooled_under_2_s": pooled_s < TARGET_S,
        "rss_mb_after_each_of_5": memory,
        "rss_growth_mb": round(memory[-1] - memory[0], 1),
    }
