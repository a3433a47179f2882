"""The documents the code leans on: the files its comments cite exist, and docs/architecture.md
names every layer of the contracts in pyproject.toml."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# README.md, docs/impact.md...; not ollama's own docs/api.md, which the engine's comments cite.
CITED = re.compile(r"(?<![\w/.-])((?:docs/)?[A-Za-z][\w-]*\.md)\b")


def _sources() -> list[Path]:
    return sorted(p for folder in ("src", "tests", "bench") for p in (ROOT / folder).rglob("*.py"))


def test_every_document_a_comment_cites_is_in_the_repository():
    missing = []
    for path in _sources():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for name in CITED.findall(line):
                cited = name.startswith("docs/") or name.isupper() or name[:-3].isupper()
                if cited and "ollama" not in line and not (ROOT / name).is_file():
                    missing.append(f"{path.relative_to(ROOT)}:{number}: {name}")
    assert not missing, "\n".join(missing)


def test_the_architecture_page_names_every_layer():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contract = next(c for c in config["tool"]["importlinter"]["contracts"] if c["id"] == "layers")
    page = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    layers = [name.strip() for line in contract["layers"] for name in line.split("|")]
    assert [name for name in layers if f"`{name}`" not in page and f"`{name}/`" not in page] == []
