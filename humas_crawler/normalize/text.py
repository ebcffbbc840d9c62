"""Cleaning of article text: whitespace, lone punctuation, captions, signatures, datelines."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from humas_crawler.extract.profile import KALTIM, SiteProfile

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


@dataclass(frozen=True)
class Body:
    """An article body split into its parts."""

    paragraphs: tuple[str, ...]
    dateline: str | None
    photo_caption: str | None
    author_codes: str | None

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


def caption_text(paragraph: str, profile: SiteProfile = KALTIM) -> str | None:
    """The caption after a "/////FOTO :" marker, or None when the paragraph is not a caption."""
    match = profile.caption.match(paragraph)
    return clean_text(match.group("text")) if match else None


def split_signature(paragraph: str, profile: SiteProfile = KALTIM) -> tuple[str, str | None]:
    """Cut a closing reporter signature: ("... Ulu. (her/sul/hmsprov).") -> ("... Ulu.", codes)."""
    match = profile.signature.search(paragraph)
    if not match:
        return paragraph, None
    codes = "/".join(clean_text(part) for part in match.group("codes").split("/"))
    return paragraph[: match.start()].rstrip(), codes


def dateline_place(paragraph: str, profile: SiteProfile = KALTIM) -> str | None:
    """The place that opens a body ("SAMARINDA –" -> "Samarinda"), or None."""
    match = profile.dateline_dash.match(paragraph)
    if match:
        return _title_case(match.group("place"))
    match = profile.dateline_comma.match(paragraph)
    if match:
        place = clean_text(match.group("place"))
        known = {p.casefold() for p in profile.places}
        if place.isupper() or place.casefold() in known:
            return _title_case(place)
    return None


def _title_case(place: str) -> str:
    return " ".join(word.capitalize() for word in clean_text(place).split(" "))


def split_body(
    lines: Iterable[str],
    profile: SiteProfile = KALTIM,
    drop: Sequence[str] = (),
) -> Body:
    """Turn the raw text lines of an article body into paragraphs, caption, signature and dateline.

    ``drop`` holds texts that are the page's own furniture when they stand alone as a line at the
    start of the body (the title repeated, the site name, the timestamp, the category label).
    """
    dropped = {unicodedata.normalize("NFC", clean_text(d)).casefold() for d in drop if d}
    paragraphs: list[str] = []
    caption: str | None = None
    for raw in lines:
        line = clean_text(raw)
        if not line or is_lone_punctuation(line):
            continue
        if not paragraphs and unicodedata.normalize("NFC", line).casefold() in dropped:
            continue
        if profile.read_also.match(line):
            continue
        found = caption_text(line, profile)
        if found is not None:
            if caption is None:
                caption = found
            continue
        paragraphs.append(line)

    codes: str | None = None
    if paragraphs:
        rest, codes = split_signature(paragraphs[-1], profile)
        if codes is not None:
            if rest and not is_lone_punctuation(rest):
                paragraphs[-1] = rest
            else:
                paragraphs.pop()
    dateline = dateline_place(paragraphs[0], profile) if paragraphs else None
    return Body(tuple(paragraphs), dateline, caption, codes)
