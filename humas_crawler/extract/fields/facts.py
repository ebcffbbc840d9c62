"""What every field reads of one page and none of them decides: the tree and its metadata."""

from __future__ import annotations

from datetime import datetime
from functools import cached_property
from urllib.parse import urljoin

from lxml.html import HtmlElement
from parsel import Selector

from humas_crawler.extract import dom
from humas_crawler.extract.index import PageIndex
from humas_crawler.extract.profile import SiteProfile
from humas_crawler.normalize import Site
from humas_crawler.normalize.text import clean_text

_ARTICLE_TYPES = {
    "NewsArticle",
    "Article",
    "BlogPosting",
    "ReportageNewsArticle",
    "AnalysisNewsArticle",
}


class PageFacts:
    """One parsed page with the profile and site it is read for.

    The properties are computed once, on first use, and depend on nothing but the page.
    """

    def __init__(
        self,
        url: str,
        selector: Selector,
        profile: SiteProfile,
        site: Site,
        now: datetime | None = None,
    ) -> None:
        self.url = url
        self.selector = selector
        self.root: HtmlElement = selector.root
        self.profile = profile
        self.site = site
        self.now = now

    @cached_property
    def index(self) -> PageIndex:
        """Document order, class names and named blocks, found in one pass."""
        return PageIndex(self.root)

    @property
    def order(self) -> dict[HtmlElement, int]:
        """Each element's position in the document."""
        return self.index.order

    def position(self, el: HtmlElement | None, default: int = 0) -> int:
        return default if el is None else self.order.get(el, default)

    def select(self, css: str) -> list[HtmlElement]:
        """Elements matching a CSS selector of the site profile, in document order."""
        return self.index.select(css)

    @cached_property
    def base_href(self) -> str:
        base = dom.first_string(self.root, "//base/@href")
        return urljoin(self.url, base.strip()) if base else self.url

    @cached_property
    def paragraph_sizes(self) -> dict[HtmlElement, int]:
        """Characters of text in each `<p>`, in document order."""
        return {p: len(p.text_content().strip()) for p in self.root.iter("p")}

    @cached_property
    def json_ld(self) -> list[dict]:
        return dom.json_ld_objects(self.root)

    @cached_property
    def json_ld_article(self) -> dict:
        """The page's JSON-LD article object, or an empty dict."""
        for obj in self.json_ld:
            if dom.json_ld_types(obj) & _ARTICLE_TYPES:
                return obj
        return {}

    @cached_property
    def metas(self) -> dict[str, str]:
        """`<meta>` values by property, name or itemprop (first one wins)."""
        found: dict[str, str] = {}
        for meta in self.root.iter("meta"):
            content = clean_text(meta.get("content"))
            if not content:
                continue
            for attr in ("property", "name", "itemprop"):
                key = meta.get(attr)
                if key:
                    found.setdefault(key.strip(), content)
        return found

    def meta(self, *names: str) -> str | None:
        """The first of the named `<meta>` values the page has."""
        for name in names:
            if name in self.metas:
                return self.metas[name]
        return None

    def canonical_link(self) -> str | None:
        """The page's `<link rel=canonical>`, canonicalized."""
        href = dom.first_string(self.root, "//link[@rel='canonical']/@href")
        return self.site.canonicalize(href.strip(), base=self.base_href) if href else None
