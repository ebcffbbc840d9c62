"""Cleaning of text as pages show it: whitespace, lone punctuation, comparison folding."""

from __future__ import annotations

import unicodedata


def clean_text(text: str | None) -> str:
    """Collapse runs of whitespace to one space and strip the ends.

    Whitespace is what `str.split()` splits on: every Unicode space, nbsp and the typographic
    spaces (U+2000-U+200A, U+202F, U+205F, U+3000) included. Zero-width characters are not
    spaces: they are content, stored faithfully.
    """
    if not text:
        return ""
    return " ".join(text.split())


def is_lone_punctuation(text: str) -> bool:
    """True for paragraphs with no letter or digit at all (".", "-", "***", "…")."""
    return not any(ch.isalnum() for ch in text)


def fold(text: str | None) -> str:
    """`text` cleaned, NFC-normalized and case-folded: for comparing what two places show."""
    return unicodedata.normalize("NFC", clean_text(text)).casefold()
