"""The category label as the page shows it (normalization maps it to the taxonomy later)."""

from __future__ import annotations

from lxml.html import HtmlElement

from humas_crawler.extract import dom
from humas_crawler.extract.fields.facts import PageFacts
from humas_crawler.extract.fields.layout import Layout
from humas_crawler.extract.fields.noise import in_sidebar
from humas_crawler.extract.fields.timestamp import Stamp
from humas_crawler.extract.fields.title import is_site_name
from humas_crawler.normalize import Taxonomy
from humas_crawler.normalize.text import clean_text, fold

_GENERIC_CRUMBS = {
    "home",
    "beranda",
    "berita",
    "news",
    "index",
    "indeks",
    "kategori",
    "category",
    "artikel",
    "berita terkini",
    "semua berita",
}
_HOME_CRUMBS = {"home", "beranda", "index", "depan"}
_CRUMB_SEPARATORS = ("»", "›", ">", "/", "|")


def read_category(
    facts: PageFacts,
    layout: Layout,
    stamp: Stamp | None,
    meta_line: HtmlElement | None,
    title: str | None,
    taxonomy: Taxonomy,
) -> str | None:
    """The raw category label.

    In order: the profile's selectors; a category link or known label in the meta line; a link
    the page marks `rel="category"` (WordPress themes: `rel="category tag"`, often in the entry's
    footer); the category link nearest the title; the last specific breadcrumb; the page's
    metadata.
    """
    for css in facts.profile.category:
        for found in facts.select(css):
            text = dom.text_of(found)
            if text:
                return text
    return (
        _link_in_meta_line(facts, stamp, meta_line)
        or _rel_category(facts, layout)
        or _label_in_meta_line(stamp, meta_line, taxonomy)
        or _link_near_title(facts, layout)
        or _from_breadcrumb(facts, title)
        or _declared(facts)
    )


def _link_in_meta_line(
    facts: PageFacts, stamp: Stamp | None, line: HtmlElement | None
) -> str | None:
    if line is None or stamp is None:
        return None
    for a in line.iter("a"):
        if facts.profile.category_href.search(a.get("href") or "") and dom.text_of(a):
            return dom.text_of(a)
    return None


def _label_in_meta_line(
    stamp: Stamp | None, line: HtmlElement | None, taxonomy: Taxonomy
) -> str | None:
    if line is None or stamp is None:
        return None
    rest = dom.text_of(line).replace(stamp.raw, " ")
    return taxonomy.match_in(rest)


def _rel_category(facts: PageFacts, layout: Layout) -> str | None:
    for a in layout.region.iter("a"):
        if "category" in (a.get("rel") or "").lower().split() and not in_sidebar(a, facts):
            text = dom.text_of(a)
            if text:
                return text
    return None


def _link_near_title(facts: PageFacts, layout: Layout) -> str | None:
    skip = set(layout.excluded) | set(layout.paragraphs)
    title_pos = facts.position(layout.title)
    href = facts.profile.category_href
    links = [
        a
        for a in layout.region.iter("a")
        if href.search(a.get("href") or "") and dom.text_of(a) and not dom.is_inside(a, skip)
    ]
    if not links:
        return None
    nearest = min(links, key=lambda a: abs(facts.position(a) - title_pos))
    return dom.text_of(nearest)


def _from_breadcrumb(facts: PageFacts, title: str | None) -> str | None:
    folded_title = fold(title)
    for crumbs in _breadcrumbs(facts):
        useful = [
            c
            for c in crumbs
            if fold(c) not in _GENERIC_CRUMBS
            and fold(c) != folded_title
            and not is_site_name(c, facts.profile)
        ]
        if useful:
            return useful[-1]
    return None


def _breadcrumbs(facts: PageFacts) -> list[list[str]]:
    """Breadcrumb trails: marked-up ones, plain-text ones of old layouts, then JSON-LD ones."""
    trails: list[list[str]] = []
    for el in facts.root.iter():
        if not isinstance(el.tag, str):
            continue
        words = dom.class_words(el)
        named = "breadcrumb" in words or "breadcrumbs" in words
        labelled = "breadcrumb" in (el.get("aria-label") or "").lower()
        typed = "BreadcrumbList" in (el.get("itemtype") or "")
        if not (named or labelled or typed) or in_sidebar(el, facts):
            continue
        items = [dom.text_of(li) for li in el.iter("li")] or _split_crumbs(dom.text_of(el))
        trails.append([i for i in items if i])
    # Plain-text trails of old layouts: "Home » Berita » Sosial".
    for el in facts.root.iter("td", "div", "span", "p"):
        text = dom.text_of(el, 150)
        if text and any(s in text for s in ("»", "›", ">")):
            crumbs = _split_crumbs(text)
            home = bool(crumbs) and fold(crumbs[0]) in _HOME_CRUMBS
            if home and not in_sidebar(el, facts):
                trails.append(crumbs)
    for obj in facts.json_ld:
        if "BreadcrumbList" in dom.json_ld_types(obj):
            items = obj.get("itemListElement") or []
            names = [
                i.get("name") or (i.get("item") or {}).get("name")
                for i in items
                if isinstance(i, dict)
            ]
            trails.append([clean_text(n) for n in names if isinstance(n, str)])
    return trails


def _split_crumbs(text: str) -> list[str]:
    for sep in _CRUMB_SEPARATORS:
        if sep in text:
            return [clean_text(p) for p in text.split(sep) if clean_text(p)]
    return [text] if text else []


def _declared(facts: PageFacts) -> str | None:
    section = facts.json_ld_article.get("articleSection")
    if isinstance(section, list):
        section = next((s for s in section if isinstance(s, str) and s.strip()), None)
    if isinstance(section, str) and section.strip():
        return clean_text(section)
    return facts.meta("article:section")
