"""The body: its paragraphs, with the dateline, caption and signature taken out."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from lxml.html import HtmlElement

from humas_crawler.extract import dom
from humas_crawler.extract.fields.caption import caption_text, figcaption, split_signature
from humas_crawler.extract.fields.layout import Layout
from humas_crawler.extract.profile import KALTIM, SiteProfile
from humas_crawler.normalize.text import clean_text, fold, is_lone_punctuation


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


EMPTY_BODY = Body((), None, None, None)


def read_body(
    layout: Layout,
    meta_line: HtmlElement | None,
    furniture: Sequence[str],
    profile: SiteProfile = KALTIM,
) -> Body:
    """The body block's lines, without figures, title and meta line, split into parts.

    `furniture` holds what the page shows around the article (title, timestamp, category): a
    line equal to one of them at the start of the body is dropped.
    """
    if layout.body is None:
        return EMPTY_BODY
    skip = set(layout.excluded)
    skip.update(layout.body.iter("figure", "figcaption"))
    if layout.title is not None:
        skip.add(layout.title)
    if meta_line is not None:
        skip.add(meta_line)
    lines = dom.iter_lines(layout.body, skip=skip)
    body = split_body(lines, profile, drop=[*furniture, *profile.site_names])
    if body.photo_caption is None:
        caption = figcaption(layout, profile)
        if caption:
            body = replace(body, photo_caption=caption)
    return body


def split_body(
    lines: Iterable[str],
    profile: SiteProfile = KALTIM,
    drop: Sequence[str] = (),
) -> Body:
    """Turn the raw text lines of an article body into paragraphs, caption, signature and dateline.

    ``drop`` holds texts that are the page's own furniture when they stand alone as a line at the
    start of the body (the title repeated, the site name, the timestamp, the category label).
    """
    dropped = {fold(d) for d in drop if d}
    paragraphs: list[str] = []
    caption: str | None = None
    for raw in lines:
        line = clean_text(raw)
        if not line or is_lone_punctuation(line):
            continue
        if not paragraphs and fold(line) in dropped:
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
