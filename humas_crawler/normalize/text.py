"""Cleaning of text as pages show it: whitespace, lone punctuation, comparison folding."""

from __future__ import annotations

import re
import unicodedata

# Every kind of whitespace the site's editors leave, nbsp included; zero-width characters are
# content (issue: stored faithfully) and stay.
_SPACE = re.compile(r"[\s\u00a0\u2000-\u200a\u202f\u205f\u3000]+")


def clean_text(text: str | None) -> str:
    """Collapse runs of whitespace to one space and strip the ends."""
    if not text:
        return ""
    return _SPACE.sub(" ", text).strip()


def is_lone_punctuation(text: str) -> bool:
    """True for paragraphs with no letter or digit at all (".", "-", "***", "…")."""
    return not any(ch.isalnum() for ch in text)


def fold(text: str | None) -> str:
    """`text` cleaned, NFC-normalized and case-folded: for comparing what two places show."""
    return unicodedata.normalize("NFC", clean_text(text)).casefold()
