"""The XS-XL size scale with the model's class lit up, readable from the back of a room."""

from __future__ import annotations

from rich.text import Text


def scale_text(labels: tuple[str, ...], lit: str) -> Text:
    """`lit` may be one label ("L") or a span for a range estimate ("S-M")."""
    first, _, last = lit.partition("-")
    last = last or first
    inside = False
    text = Text()
    for label in labels:
        if label == first:
            inside = True
        style = "bold reverse" if inside else "dim"
        text.append(f" {label} ", style=style)
        text.append(" ")
        if label == last:
            inside = False
    return text
