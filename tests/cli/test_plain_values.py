"""Options read without pydantic (cli/plain_values.py) read as typer reads them: the same value,
or typer's own message for a value it refuses (tests/test_layers.py checks that `duels`' start
does not import pydantic)."""

from pathlib import Path
from typing import Annotated

import pytest
import typer
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from duels_tui.cli import french, plain_values

french.install()
plain_values.install()


def _app(annotation, default=None, **option) -> typer.Typer:
    app = typer.Typer()

    @app.command()
    def show(value: Annotated[annotation, typer.Option("--value", **option)] = default) -> None:  # type: ignore[valid-type]
        typer.echo(repr(value))

    return app


KINDS = [
    (str, {}),
    (str, {"default": "fr"}),
    (int, {}),
    (int, {"min": 1}),
    (int, {"default": 3, "min": 1, "max": 9, "clamp": True}),
    (int, {"default": 0, "min": 1}),
    (float, {}),
    (float, {"default": 1.0, "min": 0.5, "max": 1000}),
    (float, {"default": 1}),
    (Path, {}),
    (Path, {"default": Path("/tmp")}),
    (Path, {"exists": True}),
    (Path, {"dir_okay": False}),
]


def _read(app: typer.Typer, value: str | None) -> tuple[int, str]:
    result = CliRunner().invoke(app, [] if value is None else ["--value", value])
    return result.exit_code, result.output


def _typers_reading(app: typer.Typer, value: str | None) -> tuple[int, str]:
    import typer._coercion
    import typer.core

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(typer.core, "build_runtime_param", typer._coercion.build_runtime_param)
        return _read(app, value)


VALUES = ["3", "0", "007", "12", "-3", "+4", " 5", "5 ", "1_000", "١٢", "1.5", "1.", ".5", "2e3", "inf", "nan",
          "abc", "", "10", "999999999999999999999", "0.25", "1500.0", "/tmp", "/nonexistent/x", "~", "é"]


@pytest.mark.parametrize(("annotation", "option"), KINDS)
def test_the_same_reading_as_typers_own(annotation, option):
    app = _app(annotation, **option)
    for value in [None, *VALUES]:
        assert _read(app, value) == _typers_reading(app, value), (annotation, option, value)


@settings(max_examples=60, deadline=None)
@given(value=st.text(alphabet="0123456789.-+_ eE١x", max_size=8))
def test_numbers_the_same_as_typer_reads_them(value):
    for annotation, option in ((int, {"min": 1}), (float, {})):
        app = _app(annotation, **option)
        assert _read(app, value) == _typers_reading(app, value), (annotation, value)
