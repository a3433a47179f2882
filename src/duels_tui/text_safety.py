"""Model output is untrusted: make it safe to put on a terminal, showing everything literally.

Control characters (ESC of ANSI/OSC sequences included) become their visible Unicode "control
pictures" (ESC -> ␛), so `\x1b[31m` reads as `␛[31m` and never reaches the terminal as a command.
Rich markup needs no escaping here because the UI never parses model text as markup."""

from __future__ import annotations

import html
import re

_KEEP = {"\n", "\t"}
# C0 controls, DEL, C1 controls, and bidi overrides that could reorder what the room reads.
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\x80-\x9f\u202a-\u202e\u2066-\u2069]")


def _picture(match: re.Match[str]) -> str:
    char = match.group(0)
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # ␀..␟ (␛ for ESC)
    if code == 0x7F:
        return "\u2421"  # ␡
    return f"<U+{code:04X}>"


def visible_text(text: str) -> str:
    """The text with every control character replaced by a visible stand-in; \\n and \\t kept.
    \\r is shown too: a bare carriage return could overwrite a line on screen."""
    if "\r\n" in text:
        text = text.replace("\r\n", "\n")
    return _UNSAFE.sub(_picture, text)


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~!])")


def markdown_text(text: str) -> str:
    """Plain text (a model's name, a description) safe inside Markdown: its punctuation escaped.
    Line breaks kept: the teaching cards' Markdown (Textual's) shows no raw HTML."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def markdown_line(text: str) -> str:
    """Untrusted or plain text as Markdown that shows it literally, on one line: HTML's < > & as
    entities (a Markdown viewer may render raw HTML: the reports), then Markdown punctuation
    escaped. No-break spaces are kept (French numbers: « 1 200 », « 57 % »)."""
    one_line = re.sub(r"[^\S\u00a0\u202f]+", " ", text).strip()
    return markdown_text(html.escape(one_line, quote=False))
