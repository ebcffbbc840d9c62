"""CSV for spreadsheets: the formula-injection rule and the two CSV flavours we write."""

from __future__ import annotations

import csv
from typing import Any, TextIO

# OWASP "CSV Injection": a cell starting with one of these may be read as a formula by Excel,
# LibreOffice or Google Sheets (`=HYPERLINK(...)`, `+cmd|...`, `@SUM(...)`; tab, CR and LF
# are accepted before such a cell's formula by some of them).
FORMULA_TRIGGERS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r", "\n")
# A leading apostrophe makes a spreadsheet show the rest as text (and hides the apostrophe).
ESCAPE = "'"


def neutralize(value: Any) -> Any:
    """`value` with a leading apostrophe if it is text that starts with a formula trigger.

    The reference form of the rule; `Store.export_rows` applies the same rule inside SQLite
    (much faster on large exports). Numbers and None are never changed.
    """
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return ESCAPE + value
    return value


def encoding_for(excel: bool) -> str:
    """UTF-8; with a byte order mark for Excel, which otherwise reads the file as ANSI."""
    return "utf-8-sig" if excel else "utf-8"


def writer(stream: TextIO, *, excel: bool) -> Any:
    """A csv writer (comma, `"` quoting where needed); CRLF line ends for Excel, else LF.

    Line breaks inside a value (paragraphs of `body_text`) stay LF in both: they sit inside a
    quoted cell, where every spreadsheet reads them as a line break in the cell.
    """
    return csv.writer(stream, lineterminator="\r\n" if excel else "\n")
