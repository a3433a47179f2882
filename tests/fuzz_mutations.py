"""Hypothesis strategies that break a valid document: one leaf changed to a value of another
kind, a key removed or added, or the text itself cut, doubled or sprinkled with bytes."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import strategies as st

# Numbers that pass as "a number" and used to break what came after (issue 13): overflowing
# products, thirty-year timings, integers SQLite cannot store.
HOSTILE_NUMBERS = st.one_of(
    st.sampled_from([1e308, -1e308, 1e300, 10**30, -(10**30), 2**63, 2**64, 1e-308, 5e-324, -0.0, 1e9]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(2**80), max_value=2**80),
)
ODD_VALUES = st.one_of(
    HOSTILE_NUMBERS,
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.booleans(),
    st.lists(st.integers(min_value=-5, max_value=5), max_size=3),
    st.just({}),
    st.just([]),
)


def leaf_paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path to a value inside nested dicts and lists (containers included)."""
    paths = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            paths += leaf_paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            paths += leaf_paths(item, (*prefix, index))
    return paths


def _parent(document: Any, path: tuple) -> Any:
    for step in path[:-1]:
        document = document[step]
    return document


@st.composite
def mutated(draw, document: dict) -> dict:
    """A deep copy of `document` with one structural change."""
    result = copy.deepcopy(document)
    path = draw(st.sampled_from(leaf_paths(result)))
    parent, last = _parent(result, path), path[-1]
    action = draw(st.sampled_from(["replace", "delete", "add"]))
    if action == "replace" or (action == "delete" and isinstance(parent, list) and len(parent) < 2):
        parent[last] = draw(ODD_VALUES)
    elif action == "delete":
        del parent[last]
    else:
        target = parent if isinstance(parent, dict) else result
        target[draw(st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=8))] = draw(ODD_VALUES)
    return result


@st.composite
def damaged_text(draw, text: str) -> str:
    """`text` with a slice removed, a slice repeated, or a few characters inserted."""
    start = draw(st.integers(min_value=0, max_value=len(text)))
    end = draw(st.integers(min_value=start, max_value=min(len(text), start + 200)))
    action = draw(st.sampled_from(["cut", "repeat", "insert", "truncate"]))
    if action == "cut":
        return text[:start] + text[end:]
    if action == "repeat":
        return text[:end] + text[start:end] + text[end:]
    if action == "truncate":
        return text[:start]
    noise = draw(st.text(alphabet=st.sampled_from([*list('[]{}=",.\n#\\\'\x00é'), "\ud7ff"]), min_size=1, max_size=6))
    return text[:start] + noise + text[start:]
