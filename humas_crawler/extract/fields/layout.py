"""Where the article's parts sit: the body block, the title element, the region around both."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree
from lxml.html import HtmlElement

from humas_crawler.extract import dom
from humas_crawler.extract.fields.facts import PageFacts
from humas_crawler.extract.fields.title import find_title_element
from humas_crawler.normalize.text import clean_text

# A meta line ("Selasa, 21 Juni 2022 Jam 22:03:32 | Sosial") is short; a paragraph that merely
# mentions a date is not.
META_LINE_MAX = 200
# Schema.org microdata's article body (`[itemprop=articleBody]`; testing the attribute nodes
# alone is twice as fast in libxml2 as testing every element's attribute).
_ARTICLE_BODY = etree.XPath("//@itemprop[. = 'articleBody']/..")
# A profile's body selector must find at least this much text to count.
_PROFILE_BODY_MIN = 200
# Paragraphs whose text is mostly link text are link lists, not article text.
_LINK_DENSITY = 0.6


@dataclass(frozen=True)
class Layout:
    """The article's parts in the tree."""

    body: HtmlElement | None
    title: HtmlElement | None
    region: HtmlElement  # the smallest block holding title and body
    paragraphs: list[HtmlElement]  # the body's paragraphs, from the first that is article text
    excluded: set[HtmlElement]  # noise and link lists that are not title or body
    body_start: int  # document position where the body text starts

    @property
    def title_chain(self) -> set[HtmlElement]:
        """The title element and its ancestors."""
        return {self.title, *dom.ancestors(self.title)} if self.title is not None else set()


def find_layout(facts: PageFacts, noise: set[HtmlElement], declared: list[str]) -> Layout:
    """Find the body first, then the title nearest above it, then what to leave out."""
    body = find_body(facts, noise)
    paragraphs = body_paragraphs(body, facts) if body is not None else []
    if paragraphs:
        body_start = facts.position(paragraphs[0])
    elif body is not None:
        body_start = facts.position(body)
    else:
        body_start = len(facts.order)
    title = find_title_element(facts, noise, declared, body_start)
    if title is not None and body is not None:
        region = _common_ancestor(title, body, facts.root)
    elif body is not None:
        article = next((a for a in dom.ancestors(body) if dom.tag(a) == "article"), None)
        parent = body.getparent()
        region = article if article is not None else (parent if parent is not None else body)
    else:
        region = facts.root
    keep = set()
    for el in (body, title):
        if el is not None:
            keep.add(el)
            keep.update(dom.ancestors(el))
    excluded = {el for el in noise if el not in keep}
    excluded.update(_link_lists(facts, region, keep))
    return Layout(body, title, region, paragraphs, excluded, body_start)


def find_body(facts: PageFacts, noise: set[HtmlElement]) -> HtmlElement | None:
    """The profile's body, the `articleBody` block, or the block with the most paragraph text."""
    for css in facts.profile.body:
        for found in facts.select(css):
            if len(dom.text_of(found)) >= _PROFILE_BODY_MIN:
                return found
    for found in _ARTICLE_BODY(facts.root):
        if dom.text_of(found):
            return found
    best = _best_text_block(facts, noise)
    if best is None:
        # Everything sat inside blocks with noise-like names; score them too.
        best = _best_text_block(facts, set())
    return best


def _best_text_block(facts: PageFacts, noise: set[HtmlElement]) -> HtmlElement | None:
    """The element holding the longest run of paragraph text."""
    scores: dict[HtmlElement, int] = {}
    for p, size in facts.paragraph_sizes.items():
        if size and not _link_dense(p, size) and not dom.is_inside(p, noise):
            parent = p.getparent()
            if parent is not None:
                scores[parent] = scores.get(parent, 0) + size
    for br in facts.root.iter("br"):
        # Old layouts: paragraphs as text separated by <br><br> inside one cell.
        el = br.getparent()
        if el is None or el in scores or dom.tag(el) == "p" or dom.is_inside(el, noise):
            continue
        own = len(_own_text(el))
        if own and not _link_dense(el, own):
            scores[el] = own
    if not scores:
        return None
    return max(scores, key=lambda e: (scores[e], -facts.position(e)))


def _own_text(el: HtmlElement) -> str:
    """`el`'s text outside its block children."""
    return clean_text(
        (el.text or "")
        + " ".join(
            (c.text_content() if dom.tag(c) not in dom.BLOCK_TAGS else "") + (c.tail or "")
            for c in el
            if isinstance(c.tag, str)
        )
    )


def _link_dense(el: HtmlElement, size: int) -> bool:
    linked = sum(len(a.text_content().strip()) for a in el.iter("a"))
    return size > 0 and linked / size > _LINK_DENSITY


def body_paragraphs(body: HtmlElement, facts: PageFacts) -> list[HtmlElement]:
    """The body's paragraph elements from the first one that is article text on.

    A short paragraph holding a timestamp before them is the meta line, not text.
    """
    children = [
        c for c in body if isinstance(c.tag, str) and dom.tag(c) in ("p", "div", "blockquote")
    ]
    stamp = facts.profile.timestamp_in_text
    for i, child in enumerate(children):
        text = dom.text_of(child)
        if not text:
            continue
        if len(text) <= META_LINE_MAX and stamp.search(text):
            continue
        return children[i:]
    return []


def _common_ancestor(a: HtmlElement, b: HtmlElement, root: HtmlElement) -> HtmlElement:
    members = {a, *dom.ancestors(a)}
    for el in [b, *dom.ancestors(b)]:
        if el in members:
            return el
    return root


def _link_lists(facts: PageFacts, region: HtmlElement, keep: set[HtmlElement]) -> set[HtmlElement]:
    """Blocks inside the article region that list other articles (related, latest, ...)."""
    site = facts.site
    own = site.canonicalize(facts.url)
    counts: dict[HtmlElement, set[str]] = {}
    for a in region.iter("a"):
        href = a.get("href")
        if not href:
            continue
        url = site.canonicalize(href, base=facts.base_href)
        if not url or not site.is_article_url(url) or url == own:
            continue
        for anc in dom.ancestors(a):
            if anc is region or anc in keep:
                break
            counts.setdefault(anc, set()).add(url)
    lists = {el for el, urls in counts.items() if len(urls) >= 2}
    return {el for el in lists if el.getparent() not in lists}
