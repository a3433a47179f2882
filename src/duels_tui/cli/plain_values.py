"""Typer reads plain option values (a word, a whole or decimal number, a path) without pydantic.

Typer 0.29 reads each option's value through a pydantic TypeAdapter, and importing pydantic for
that, with the adapters, was a fifth of `duels`' start before Home's first frame (cProfile of the
start: 1.5 of 4.5 s under the profiler, on this loaded 2-core machine). Here a value that these
few rules read plainly is read as typer would read it: a text as it is, ASCII digits as a
number within the option's bounds, a path as typer checks it (its own `coerce_cli_path`, given
the Path it would have built). Anything else (a sign, a space, "1_000", a value out of bounds, a
list, a choice, a file) goes to typer's own reading, which says what is wrong exactly as before.
tests/cli/test_plain_values.py compares both readings."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_WHOLE = re.compile(r"[0-9]{1,15}")
_DECIMAL = re.compile(r"[0-9]{1,15}(\.[0-9]{1,15})?")
_UNREAD = object()  # a value left to typer's own reading


def plain_value(annotation: Any, info: Any, value: Any) -> Any:
    """`value` as typer would read it for an option of type `annotation` (ParameterInfo `info`),
    or _UNREAD when typer's own reading should say it."""
    if annotation is Path and isinstance(value, Path):  # a default
        return value
    if type(value) is annotation and annotation in (int, float):  # a default
        number: Any = value
    elif not isinstance(value, str):
        return _UNREAD
    elif annotation is str:
        return value
    elif annotation is int and _WHOLE.fullmatch(value):
        number = int(value)
    elif annotation is float and _DECIMAL.fullmatch(value):
        number = float(value)
    elif annotation is Path and value:
        return Path(value)
    else:
        return _UNREAD
    if (info.min is not None and number < info.min) or (info.max is not None and number > info.max):
        return _UNREAD
    return number


def _plain_kind(descriptor: Any) -> bool:
    """Whether an option of this kind may be read plainly."""
    info = descriptor.parameter_info
    if info.parser is not None:
        return False
    if descriptor.annotation is Path:
        return info.path_type is None
    return descriptor.annotation in (str, int, float)


def install() -> None:
    """Typer's options read by `plain_value` first. Left as it is when typer's insides are not
    those this was written for (a newer typer): its own reading then, only slower. Idempotent."""
    try:
        import typer.core
        from typer._coercion import RuntimeParam
        from typer._param_types import coerce_cli_path
    except ImportError:
        return
    typers = getattr(typer.core, "build_runtime_param", None)
    if typers is None or getattr(typers, "plain", False):
        return
    typers_cached = functools.cache(typers)  # its adapter, built once per option, when needed

    @dataclass(frozen=True)
    class PlainRuntimeParam(RuntimeParam):
        """Typer's reading of one option, pydantic's adapter built only for a value read by it
        (typer builds it for every option it reads, None included)."""

        plain: bool = False  # values of this option may be read plainly

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            plain = plain_value(self.annotation, self.parameter_info, value) if self.plain else _UNREAD
            if plain is _UNREAD:
                return typers_cached(param.type_descriptor)._coerce_value(value, param=param, ctx=ctx)
            if isinstance(plain, Path):
                return coerce_cli_path(plain, self.parameter_info, path_type=Path, param=param, ctx=ctx)
            return plain

    def build_runtime_param(descriptor: Any) -> Any:
        try:
            if descriptor.file_annotation is None:
                return PlainRuntimeParam(
                    parameter_info=descriptor.parameter_info, annotation=descriptor.annotation,
                    plain=_plain_kind(descriptor),
                )
        except (AttributeError, TypeError):  # another typer: its own reading
            pass
        return typers(descriptor)

    build_runtime_param.plain = True  # type: ignore[attr-defined]
    typer.core.build_runtime_param = build_runtime_param  # type: ignore[attr-defined]
