"""`make bench`: runs every benchmark section, prints a table, writes bench/results.json.

A section whose module is missing or fails is reported as such; the others still run."""

from __future__ import annotations

import importlib
import json
import platform
import sys
import time
import traceback
from pathlib import Path

SECTIONS = ("startup_bench", "impact_bench", "engine_bench", "ui_bench", "local_bench", "ranking_bench", "resume_bench")


def main() -> int:
    results: dict[str, object] = {
        "machine": {"python": platform.python_version(), "cpus": __import__("os").cpu_count(),
                    "platform": platform.platform()},
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    failed = False
    only = set(sys.argv[1:])
    for name in SECTIONS:
        if only and name not in only:
            continue
        began = time.perf_counter()
        print(f"== {name} …", flush=True)
        try:
            module = importlib.import_module(f"bench.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"bench.{name}":
                results[name] = {"skipped": "pas encore de module"}
                continue
            raise
        try:
            section = module.run()
        except Exception as exc:
            traceback.print_exc()
            section = {"error": f"{type(exc).__name__}: {exc}"}
            failed = True
        section["section_wall_s"] = round(time.perf_counter() - began, 2)
        results[name] = section
        for key, value in section.items():
            shown = f"{value:.4g}" if isinstance(value, float) else value
            print(f"   {key:45} {shown}")
    out = Path(__file__).parent / "results.json"
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"Résultats écrits dans {out}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
