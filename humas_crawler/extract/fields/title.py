"""The title: the element showing the title the page declares, or the heading above the body."""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable

from lxml import etree
from lxml.html import HtmlElement

from humas_crawler.extract import dom
from humas_crawler.extract.fields.facts import PageFacts
from humas_crawler.extract.profile import SiteProfile
from humas_crawler.normalize.text import clean_text, fold

_TITLE_WORDS = {"title", "judul", "headline", "entry", "heading"}
_TITLE_TAGS = frozenset({*dom.HEADINGS, "b", "strong", "font", "td", "div", "span", "a", "p"})
_TEXT_CONTAINS = etree.XPath("//body//text()[contains(., $probe)]/..")
_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " » ")


@functools.lru_cache(maxsize=16)
def _site_names(profile: SiteProfile) -> frozenset[str]:
    return frozenset(fold(n) for n in profile.site_names)


def is_site_name(text: str | None, profile: SiteProfile) -> bool:
    """Whether `text` is one of the site's own names ("Pemprov Kaltim")."""
    return fold(text) in _site_names(profile)


def strip_site_name(value: str | None, profile: SiteProfile) -> str | None:
    """A declared title without its site-name parts ("Judul | Pemprov Kaltim" -> "Judul")."""
    text = clean_text(value)
    if not text:
        return None
    names = _site_names(profile)
    for sep in _SEPARATORS:
        if sep in text:
            parts = [p for p in text.split(sep) if fold(p) not in names]
            if not parts:
                return None
            text = sep.join(parts)
    return None if fold(text) in names else text


def declared_titles(facts: PageFacts) -> list[str]:
    """Titles the page declares in its head (JSON-LD, Open Graph, Twitter, <title>), best first."""
    found: list[str] = []
    article = facts.json_ld_article
    headline = article.get("headline") or article.get("name")
    for value in (
        headline if isinstance(headline, str) else None,
        facts.meta("og:title"),
        facts.meta("twitter:title"),
        dom.first_string(facts.root, "//title/text()"),
    ):
        cleaned = strip_site_name(value, facts.profile)
        if cleaned and cleaned not in found:
            found.append(cleaned)
    return found


def find_title_element(
    facts: PageFacts, noise: set[HtmlElement], declared: list[str], body_pos: int
) -> HtmlElement | None:
    """The element showing the title; `body_pos` is where the body text starts.

    In order: the profile's selectors; the element whose text is a declared title, nearest above
    the body; the nearest heading above the body; an element named like a title.
    """
    for css in facts.profile.title:
        for found in facts.select(css):
            if dom.text_of(found):
                return found

    def usable(el: HtmlElement) -> bool:
        text = dom.text_of(el)
        return bool(text) and not is_site_name(text, facts.profile) and not dom.is_inside(el, noise)

    nearest = _nearest_before(facts, usable, body_pos)
    found = _showing_declared(facts, declared, nearest)
    if found is not None:
        return found
    for level in dom.HEADINGS[:4]:
        found = nearest(list(facts.root.iter(level)))
        if found is not None and (level == "h1" or facts.position(found) < body_pos):
            return found
    named = [
        el
        for el in facts.root.iter()
        if isinstance(el.tag, str) and dom.class_words(el) & _TITLE_WORDS
    ]
    return nearest(named)


def _nearest_before(
    facts: PageFacts, usable: Callable[[HtmlElement], bool], body_pos: int
) -> Callable[[list[HtmlElement]], HtmlElement | None]:
    """A chooser: the usable element nearest above the body, else the first usable one after."""

    def nearest(elements: list[HtmlElement]) -> HtmlElement | None:
        before = [e for e in elements if facts.position(e) < body_pos and usable(e)]
        if before:
            return max(before, key=facts.position)
        return next((e for e in elements if usable(e)), None)

    return nearest


def _showing_declared(
    facts: PageFacts,
    declared: list[str],
    nearest: Callable[[list[HtmlElement]], HtmlElement | None],
) -> HtmlElement | None:
    """The innermost element whose text is a declared title, heading tags first."""
    folded = {fold(t) for t in declared}
    if not folded:
        return None
    longest = max(len(t) for t in folded) + 20

    def shows(el: HtmlElement) -> bool:
        return dom.tag(el) in _TITLE_TAGS and fold(dom.text_of(el, longest)) in folded

    # Headings first, on their own: a page has few, and the title is nearly always one.
    headings = [h for h in facts.root.iter(*dom.HEADINGS) if shows(h)]
    innermost = [h for h in headings if not any(shows(c) for c in h.iterdescendants())]
    found = nearest(innermost)
    if found is not None:
        return found
    # Elements whose text contains a declared title's longest word (libxml2 does this scan in C;
    # that word rarely appears in other titles), then the exact, folded comparison.
    rough: set[HtmlElement] = set()
    probes = {max(t.split(), key=len) for t in declared if t.split()}
    for probe in probes:
        for parent in _TEXT_CONTAINS(facts.root, probe=probe):
            # The title may be split by inline tags: look a few levels up too.
            rough.update([parent, *itertools.islice(dom.ancestors(parent), 3)])
    matches = sorted(
        (el for el in rough if isinstance(el, HtmlElement) and shows(el)), key=facts.position
    )
    matches = [m for m in matches if not any(c in matches for c in m.iter() if c is not m)]
    return nearest(matches)


def read_title(element: HtmlElement | None, declared: list[str]) -> str | None:
    """The title element's text, else the best declared title."""
    if element is not None:
        return dom.text_of(element) or None
    return declared[0] if declared else None
