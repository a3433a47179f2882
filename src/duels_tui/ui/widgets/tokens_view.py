"""A text shown cut into its tokens, one colour per token, for the room to see how a model reads.

The text may be a model's answer: untrusted. It is made visible-safe (text_safety) and put into
`rich.text.Text` pieces, never parsed as markup."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.widgets import Static

from duels_tui.text_safety import visible_text
from duels_tui.tokens import TokenSplit

# Black text on bright backgrounds: readable on a projector in both themes; neighbours differ.
TOKEN_COLOURS = ("#FFD400", "#4FC3F7", "#00E676", "#FF8A80", "#EA80FC", "#FFAB40")


def tokens_text(split: TokenSplit) -> Text:
    text = Text()
    colour = 0
    for piece in split.pieces:
        if not piece:  # the second half of a character cut in two: shown with the first
            continue
        style = Style(color="#000000", bgcolor=TOKEN_COLOURS[colour % len(TOKEN_COLOURS)])
        colour += 1
        lines = visible_text(piece).replace("\t", "⇥").split("\n")
        for number, line in enumerate(lines):
            if number:
                text.append("↵", style)
                text.append("\n")
            if line:
                text.append(line, style)
    return text


class TokensView(Static):
    """Shows a `TokenSplit`, or a plain message (loading, nothing to split)."""

    def __init__(self, **kwargs) -> None:
        super().__init__("", markup=False, **kwargs)
        self.split: TokenSplit | None = None

    def show_split(self, split: TokenSplit) -> None:
        self.split = split
        self.update(tokens_text(split))

    def show_message(self, message: str) -> None:
        self.split = None
        self.update(Text(message, style="italic"))
