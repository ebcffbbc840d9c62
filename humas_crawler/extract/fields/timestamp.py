"""The publication timestamp as the page shows it, and the short meta line around it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml.html import HtmlElement

from humas_crawler.extract import dom
from humas_crawler.extract.fields.facts import PageFacts
from humas_crawler.extract.fields.layout import META_LINE_MAX, Layout
from humas_crawler.normalize import normalize_timestamp
from humas_crawler.normalize.text import clean_text

# A time of day in a timestamp: `14:20`, `11.45`, `T12:07`.
_SHOWS_TIME = re.compile(r"\d{1,2}[:.]\d{2}")

_MACHINE_METAS = (
    "article:published_time",
    "datePublished",
    "pubdate",
    "publishdate",
    "DC.date.issued",
    "date",
)


@dataclass(frozen=True)
class Stamp:
    """A timestamp's raw text and the element showing it (None when read from metadata)."""

    raw: str
    element: HtmlElement | None


def find_stamp(facts: PageFacts, layout: Layout) -> Stamp | None:
    """The article's own timestamp.

    In order: the profile's selectors; the first one shown between title and body; the last one
    above the body; the page's metadata; the first one below the body.
    """
    for css in facts.profile.published:
        for found in facts.select(css):
            stamp = _stamp_in(found, facts)
            if stamp:
                return stamp
    shown = _shown_stamps(facts, layout)
    title_pos = facts.position(layout.title, -1)
    body_start = layout.body_start
    between = [(p, s) for p, s in shown if title_pos < p < body_start]
    if between:
        return min(between, key=lambda ps: ps[0])[1]
    before = [(p, s) for p, s in shown if p < body_start]
    if before:
        return max(before, key=lambda ps: ps[0])[1]
    machine = _machine_published(facts)
    if machine:
        return Stamp(machine, None)
    after = [(p, s) for p, s in shown if p >= body_start]
    if after:
        return min(after, key=lambda ps: ps[0])[1]
    return None


def _shown_stamps(facts: PageFacts, layout: Layout) -> list[tuple[int, Stamp]]:
    """Timestamps shown in the article region outside the body text, with their positions."""
    skip = set(layout.excluded)
    if layout.body is not None:
        skip.update(layout.paragraphs)
        if not layout.paragraphs:
            skip.add(layout.body)
    pattern = facts.profile.timestamp_in_text
    found: list[tuple[int, Stamp]] = []
    for el in dom.iter_pruned(layout.region, skip):
        if dom.tag(el) in dom.SKIP_TAGS:
            continue
        if dom.tag(el) == "time" or el.get("itemprop") == "datePublished":
            stamp = _stamp_in(el, facts)
            if stamp:
                found.append((facts.position(el), stamp))
                continue
        for text in [el.text, *(c.tail for c in el if isinstance(c.tag, str))]:
            if not text or not any(ch.isdigit() for ch in text):
                continue
            match = pattern.search(text)
            if match and dom.text_of(el, META_LINE_MAX):
                found.append((facts.position(el), Stamp(clean_text(match.group(0)), el)))
                break
    return found


def _stamp_in(el: HtmlElement, facts: PageFacts) -> Stamp | None:
    """The timestamp an element shows: its text, else its `datetime` or `content` attribute."""
    text = dom.text_of(el)
    match = facts.profile.timestamp_in_text.search(text) if text else None
    zone = facts.site.zone
    if dom.tag(el) == "time" and text and normalize_timestamp(text, now=facts.now, zone=zone).iso:
        attribute = clean_text(el.get("datetime") or "")
        if not _SHOWS_TIME.search(text) and _SHOWS_TIME.search(attribute):
            # `<time datetime="2026-12-03T12:07:39+07:00">Kamis, 3 Desember 2026</time>`: the
            # attribute holds what the text leaves out.
            return Stamp(attribute, el)
        return Stamp(text, el)
    if match:
        return Stamp(clean_text(match.group(0)), el)
    for attr in ("datetime", "content"):
        value = el.get(attr)
        if value and value.strip():
            return Stamp(clean_text(value), el)
    return None


def _machine_published(facts: PageFacts) -> str | None:
    value = facts.json_ld_article.get("datePublished")
    if isinstance(value, str) and value.strip():
        return clean_text(value)
    return facts.meta(*_MACHINE_METAS)


def find_meta_line(stamp: Stamp | None, layout: Layout) -> HtmlElement | None:
    """The short block around the timestamp ("21 Juni 2022 Jam 22:03:32 | Sosial")."""
    if stamp is None or stamp.element is None:
        return None
    title_chain = layout.title_chain
    line = stamp.element
    for anc in dom.ancestors(stamp.element):
        if anc is layout.region or anc is layout.body or not dom.text_of(anc, META_LINE_MAX):
            break
        if anc in title_chain:
            break
        line = anc
    return line
