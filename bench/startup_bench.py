"""Start-up: `duels --help` wall time, and whether litellm stays out of the CLI's start."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

RUNS = 5


def _duels() -> list[str]:
    script = Path(sys.executable).parent / "duels"
    return [str(script)] if script.exists() else [sys.executable, "-m", "duels_tui"]


def run() -> dict:
    command = [*_duels(), "--help"]
    subprocess.run(command, capture_output=True, check=True)  # warm the file cache
    times = []
    for _ in range(RUNS):
        began = time.perf_counter()
        subprocess.run(command, capture_output=True, check=True)
        times.append(time.perf_counter() - began)
    bare = []
    for _ in range(RUNS):
        began = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], capture_output=True, check=True)
        bare.append(time.perf_counter() - began)
    return {
        "cli_help_median_s": statistics.median(times),
        "python_bare_start_median_s": statistics.median(bare),
        "cli_help_target_s": 0.2,
    }
