"""CSV that a spreadsheet opens as data, never as formulas: every CSV duels writes goes through
`SafeCsvWriter`.

A teacher opens an export in a spreadsheet; its cells hold what the room and the models wrote (the
opening message, the place, the duel's title, the answers). A spreadsheet runs a cell that begins
with `=`, `+`, `-` or `@` as a formula (and some after a tab, a carriage return or a line feed).
OWASP's guidance (owasp.org/www-community/attacks/CSV_Injection), followed here:
- a text cell that begins with one of those characters gets a leading apostrophe, which the
  spreadsheet reads as "this is text" (`=1+2` is written `'=1+2`);
- every cell is quoted and its quotes doubled, so that no separator inside a text (a `,`, or the
  `;` a French spreadsheet splits on) can start a new cell that would begin with one of them.
Numbers, booleans and JSON cells are written as they are: they cannot begin a formula, and a
negative number stays a number. docs/export.md says so for the people who read the files.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from typing import Any, TextIO

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")


def csv_text(value: Any) -> str:
    """One cell's text: empty for None, `true`/`false`, JSON for lists and objects, the number
    as Python writes it, and any other text escaped when a spreadsheet would run it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


class SafeCsvWriter:
    """`csv.writer` with every cell through `csv_text`, all cells quoted, `\\n` line ends."""

    def __init__(self, out: TextIO) -> None:
        self._writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)

    def writerow(self, values: Iterable[Any]) -> None:
        self._writer.writerow([csv_text(v) for v in values])
