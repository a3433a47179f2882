"""The layers' contract, over the whole package: the domain never imports Textual, nothing
imports litellm when it is imported (it costs ~2 s), and the UI never names litellm."""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import duels_tui

PACKAGE_DIR = Path(duels_tui.__file__).parent
NOT_DOMAIN = ("duels_tui.ui", "duels_tui.cli", "duels_tui.__main__")


def _modules() -> list[str]:
    return [m.name for m in pkgutil.walk_packages([str(PACKAGE_DIR)], "duels_tui.")]


def _loaded_after_importing(modules: list[str]) -> list[str]:
    """Which of textual and litellm a fresh interpreter holds after importing `modules`."""
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules} & {'textual', 'litellm'})))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout.split()


def test_domain_modules_load_without_textual_or_litellm():
    domain = [m for m in _modules() if not m.startswith(NOT_DOMAIN)]
    assert len(domain) > 30  # the walk found the package
    assert _loaded_after_importing(domain) == []


def test_ui_and_cli_load_without_litellm():
    others = [m for m in _modules() if m.startswith(NOT_DOMAIN) and m != "duels_tui.__main__"]
    assert "litellm" not in _loaded_after_importing(others)


def test_only_the_engine_names_litellm():
    offenders = []
    for path in PACKAGE_DIR.rglob("*.py"):
        if "engine" in path.relative_to(PACKAGE_DIR).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            if any(n == "litellm" or n.startswith("litellm.") for n in names):
                offenders.append(str(path.relative_to(PACKAGE_DIR)))
    assert offenders == []
