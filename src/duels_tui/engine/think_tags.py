"""Reasoning written inline in the answer, as `<think>…</think>`, told apart as it streams.

llama.cpp and vLLM without a reasoning parser, older ollama versions and the R1 distills send a
reasoning model's thoughts inside the content: `<think>` first (after blank space at most), the
reasoning, `</think>`, then the answer. The tags may be cut anywhere between two chunks
(`<th` + `ink>`), so a piece of text that might be the start of a tag is held back until the next
chunk says what it is, and handed out at the end of the stream (`flush`) if it never completes.

Only a `<think>` that opens the answer starts reasoning, as the servers' own parsers do: an
answer that mentions the tag later (explaining HTML, say) keeps it as text.
"""

from __future__ import annotations

from enum import Enum
from typing import Literal

OPEN = "<think>"
CLOSE = "</think>"

Kind = Literal["text", "reasoning"]
Part = tuple[Kind, str]


class _Mode(Enum):
    START = "start"  # nothing but blank space yet: an opening tag may still come
    THINKING = "thinking"  # inside <think>: text is reasoning until </think>
    AFTER = "after"  # just after </think>: the blank space before the answer is dropped
    ANSWER = "answer"  # plain answer text from here on


def _held_prefix(text: str, tag: str) -> int:
    """How many characters at the end of `text` could begin `tag` (and so must wait)."""
    for size in range(min(len(text), len(tag) - 1), 0, -1):
        if tag.startswith(text[-size:]):
            return size
    return 0


class ThinkSplitter:
    """Feed the content's pieces in order (`feed`), then `flush` at the end of the stream; each
    returns the (kind, text) parts to show, in order. Text that carries no tag goes through at
    once, untouched."""

    def __init__(self) -> None:
        self._mode = _Mode.START
        self._held = ""

    @property
    def in_reasoning(self) -> bool:
        return self._mode is _Mode.THINKING

    def feed(self, text: str) -> list[Part]:
        if self._mode is _Mode.ANSWER:
            return [("text", text)] if text else []
        self._held += text
        parts: list[Part] = []
        while True:
            if self._mode is _Mode.START:
                stripped = self._held.lstrip()
                if stripped.startswith(OPEN):
                    self._mode = _Mode.THINKING
                    self._held = stripped[len(OPEN) :]
                    continue
                if not stripped or OPEN.startswith(stripped):
                    return parts  # blank space, or the start of a tag: wait for more
                self._mode = _Mode.ANSWER
                held, self._held = self._held, ""
                parts.append(("text", held))
                return parts
            if self._mode is _Mode.THINKING:
                end = self._held.find(CLOSE)
                if end >= 0:
                    if end:
                        parts.append(("reasoning", self._held[:end]))
                    self._held = self._held[end + len(CLOSE) :]
                    self._mode = _Mode.AFTER
                    continue
                keep = _held_prefix(self._held, CLOSE)
                ready = self._held[: len(self._held) - keep]
                if ready:
                    parts.append(("reasoning", ready))
                self._held = self._held[len(self._held) - keep :]
                return parts
            if self._mode is _Mode.AFTER:
                stripped = self._held.lstrip()
                if not stripped:
                    self._held = ""
                    return parts
                self._mode = _Mode.ANSWER
                self._held = ""
                parts.append(("text", stripped))
                return parts
            return parts

    def flush(self) -> list[Part]:
        """What is still held when the stream ends: an unfinished tag is text after all (or
        reasoning, inside a reasoning block that never closed)."""
        held, self._held = self._held, ""
        if not held:
            return []
        if self._mode is _Mode.THINKING:
            return [("reasoning", held)]
        if self._mode is _Mode.START:
            return [("text", held)]
        return []  # AFTER: only the blank space between </think> and an answer that never came
