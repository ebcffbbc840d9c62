"""Turn what a user types into an FTS5 query that searches it literally and never fails."""

from __future__ import annotations

import re

_PHRASE_RE = re.compile(r'"([^"]*)"(\*?)')


class EmptyQueryError(ValueError):
    """The text holds no word that the full-text index could match."""


def literal_query(text: str) -> str:
    """An FTS5 query matching every word of `text` (in any order), as typed.

    Words are quoted, so operators (`AND`, `OR`, `NOT`, `NEAR`), `-`, `:`, `^`, parentheses
    and stray quotes are plain text. Two conveniences stay: `"ibu kota"` (balanced double
    quotes) is a phrase, and a trailing `*` is a prefix search (`banjir*` finds `banjirnya`).
    Raises `EmptyQueryError` when nothing searchable is left.
    """
    parts: list[str] = []
    text = text.replace("\x00", " ")  # SQLite would end the query string there
    if text.count('"') % 2 == 0:
        start = 0
        for match in _PHRASE_RE.finditer(text):
            parts.extend(_words(text[start : match.start()]))
            phrase = " ".join(match[1].split())
            if _searchable(phrase):
                parts.append(_quote(phrase) + match[2])
            start = match.end()
        parts.extend(_words(text[start:]))
    else:
        parts.extend(_words(text.replace('"', " ")))
    if not parts:
        raise EmptyQueryError(f"{text!r} holds no word to search for (letters or digits)")
    return " ".join(parts)


def _words(text: str) -> list[str]:
    words = []
    for word in text.split():
        prefix = word.endswith("*")
        word = word.rstrip("*")
        if _searchable(word):
            words.append(_quote(word) + ("*" if prefix else ""))
    return words


def _searchable(text: str) -> bool:
    # The index's unicode61 tokenizer keeps letters and digits and splits on everything else.
    return any(character.isalnum() for character in text)


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'
