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

    The reference form of the rule; `store.articles.export` applies the same rule inside SQLite
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
    quoted cell, where every spreadsheet reads them as a line break in the cell. A value
    holding a CR or an LF is always quoted: Python's csv quotes only the characters of its
    line terminator, so with LF alone a bare CR went out unquoted, and every reader (Excel,
    LibreOffice, pandas, Python's csv) broke the row there.
    """
    if excel:
        return csv.writer(stream, lineterminator="\r\n")
    return csv.writer(_LineFeedEnds(stream), lineterminator="\r\n")


class _LineFeedEnds:
    """A stream that ends each row the csv writer gives it with LF instead of CRLF (rows come
    one per write() call, their terminator last; CRs inside quoted values stay)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, row: str) -> int:
        if row.endswith("\r\n"):
            row = row[:-2] + "\n"
        return self.stream.write(row)
