"""Values that used to pass validation and crash later (issue 13, item 3): each is refused at
load with exit 2, a French message naming the file, the field and the plausible range, never a
traceback; the hostile files are written here."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from duels_tui.cli import app
from duels_tui.impact import _cache


@pytest.fixture(autouse=True)
def fresh_parse():
    _cache.clear()
    yield
    _cache.clear()


def card(params_total: str = "7", **extra: str) -> str:
    lines = [
        "[[models]]",
        'id = "hostile"',
        'name = "Hostile"',
        'organisation = "Test"',
        'route = "ollama_chat/hostile:7b"',
        f"params_total = {params_total}",
        'licence = "Apache 2.0"',
        'openness = "open source"',
        'description = "Un modèle pour les tests."',
        *(f"{key} = {value}" for key, value in extra.items()),
    ]
    return "\n".join(lines) + "\n"


def invoke(*args: str):
    result = CliRunner().invoke(app, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"duels {' '.join(args)} crashed") from result.exception
    return result


def config_dir(tmp_path: Path, files: dict[str, str]) -> Path:
    directory = tmp_path / "cfg"
    for relative, text in files.items():
        (directory / relative).parent.mkdir(parents=True, exist_ok=True)
        (directory / relative).write_text(text, encoding="utf-8")
    return directory


CATALOGS = {
    "params 1e308": (card("1e308"), "champ « models[1].params_total » : 1e+308 hors des valeurs plausibles"),
    "params inf": (card("inf"), "champ « models[1].params_total »"),
    "params range to 1e300": (card("[1, 1e300]"), "hors des valeurs plausibles (de 0,001 à 100\u202f000"),
    "active 1e308": (card("7", params_active="1e308"), "champ « models[1].params_active »"),
    "unknown profile": (card("7", profile='"nope"'), "champ « models[1].profile » : profil matériel inconnu 'nope'"),
    "500 nested arrays": (card("7") + "x = " + "[" * 500 + "]" * 500 + "\n", "imbriqués sur des centaines"),
    "500 nested tables": (card("7") + "x = " + "{a = " * 500 + "}" * 500 + "\n", "imbriqués sur des centaines"),
}


@pytest.mark.parametrize("case", list(CATALOGS))
def test_catalog_values_refused_at_load(case, tmp_path):
    text, expected = CATALOGS[case]
    directory = config_dir(tmp_path, {"catalog.toml": text})
    for command in (["models"], ["models", "--json"], ["programme"]):
        result = invoke("--config", str(directory), *command)
        assert result.exit_code == 2, (command, result.output)
        assert f"{directory / 'catalog.toml'}" in result.output and expected in result.output, result.output


def test_equivalent_label_with_an_unknown_placeholder(tmp_path):
    from duels_tui import paths

    shipped = (paths.shipped_config_dir() / "equivalents.toml").read_text(encoding="utf-8")
    for label in ('"{q} de {x}"', '"{q} {"', '"{quantité}"', '"{q[0]}"'):
        broken = shipped.replace('label = "{q} d\'ampoule LED"', f"label = {label}", 1)
        assert broken != shipped
        directory = config_dir(tmp_path, {"equivalents.toml": broken})
        _cache.clear()
        result = invoke("--config", str(directory), "impact", "--params", "7", "--tokens", "100")
        assert result.exit_code == 2, (label, result.output)
        assert "equivalents.toml" in result.output and "label" in result.output
        assert "aucune autre accolade" in result.output


@pytest.mark.parametrize(
    "prompt", ["../../etc/hostname", "/etc/hostname", "../catalog.toml", "sous/../../catalog.toml", "lien.md"]
)
def test_prompt_paths_stay_in_the_prompt_folders(prompt, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("ne doit pas sortir", encoding="utf-8")
    directory = config_dir(
        tmp_path,
        {
            "programmes/fuite.toml": f'[[duels]]\nmodels = ["gemma-3-4b", "mistral-small-3"]\nprompt = "{prompt}"\n',
            "prompts/ok.md": "Une question.",
        },
    )
    (directory / "prompts" / "lien.md").symlink_to(secret)
    (directory / "programmes" / "lien.md").symlink_to(secret)
    result = invoke("--config", str(directory), "programme")
    assert result.exit_code == 2, result.output
    assert "fuite.toml" in result.output and "prompt" in result.output
    assert "ne doit pas sortir" not in result.output


def test_a_prompt_inside_the_folders_still_loads(tmp_path):
    directory = config_dir(
        tmp_path,
        {
            "programmes/ok.toml": '[[duels]]\nmodels = ["gemma-3-4b", "mistral-small-3"]\nprompt = "sous/ok.md"\n',
            "prompts/sous/ok.md": "Une question.",
        },
    )
    result = invoke("--config", str(directory), "programme")
    assert result.exit_code == 0, result.output
    assert "ok : ok — 1 duel (" in result.output


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--params", "1e308"], "--params : 1e+308 hors des valeurs plausibles"),
        (["--params", "1e300"], "--params : 1e+300 hors des valeurs plausibles"),
        (["--params", "7", "--active", "1e300"], "--active"),
        (["--params", "7", "--tokens", str(10**30)], "--tokens : 1e+30 hors des valeurs plausibles"),
        (["--params", "7", "--latency", "1e308"], "--latency"),
        (["--params", "7", "--tps", "1e308"], "--tps"),
        (["--params", "7", "--bits", "1e9"], "--bits"),
        (["--params", "7", "--pue", "1e300"], "--pue"),
        (["--params", "7", "--wue", "1e300"], "--wue"),
    ],
)
def test_impact_command_bounds(args, expected):
    if "--tokens" not in args:
        args = [*args, "--tokens", "100"]
    result = invoke("impact", *args)
    assert result.exit_code == 2, result.output
    assert expected in result.output and "∞" not in result.output


def test_the_workshop_refuses_a_huge_catalog_value(tmp_path):
    """The real `duels`, as a facilitator starts it: exit 2 before the TUI, no traceback."""
    directory = config_dir(tmp_path, {"catalog.toml": card("1e308")})
    env = {**os.environ, "OLLAMA_HOST": "http://127.0.0.1:9", "TERM": "dumb"}
    result = subprocess.run(
        [sys.executable, "-m", "duels_tui", "--config", str(directory), "--new", "-p", "classique"],
        capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL, env=env,
    )
    assert result.returncode == 2, result.stderr[-2000:]
    assert "Traceback" not in result.stderr and "params_total" in result.stderr
