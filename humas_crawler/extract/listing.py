"""Listing page object: the article links of a listing or category page, and its pagination."""

from __future__ import annotations

import functools
import re
from dataclasses import asdict, dataclass
from functools import cached_property
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from lxml.html import HtmlElement
from parsel import Selector

from humas_crawler.extract import deep, dom
from humas_crawler.extract.profile import KALTIM, SiteProfile
from humas_crawler.normalize import Site, Taxonomy
from humas_crawler.normalize.text import clean_text

_PAGE_PARAMS = ("page", "halaman", "hal", "p", "paged")
# Joomla pages a list by the offset of its first item (`?start=20`), not by a page number.
_OFFSET_PARAMS = ("start", "limitstart")
_PAGE_PATH = re.compile(r"/(?:page|halaman|hal)/(\d+)/?$", re.I)
_NEXT_TEXT = re.compile(
    r"^(?:selanjutnya|berikutnya|lanjut|next|older|sesudahnya)\b|^[»›>]+$|[»›]$", re.I
)
_LABEL_WORDS = {"label", "badge", "kategori", "category", "cat", "tag", "rubrik", "kanal"}


@dataclass(frozen=True)
class ListingEntry:
    """One article link on a listing page, with what is shown beside it."""

    url: str
    title: str | None
    published_raw: str | None
    category_raw: str | None
    pinned: bool
    region: str  # "main", "featured" or "sidebar"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class ListingPage:
    """Extract article links and pagination from a listing page, whatever the template."""

    def __init__(
        self,
        url: str,
        html: str | bytes | Selector,
        *,
        profile: SiteProfile = KALTIM,
        site: Site | None = None,
        taxonomy: Taxonomy | None = None,
    ) -> None:
        self.url = url
        # Links past thousands of nested levels count too (libxml2 alone would cut them off).
        self.selector = deep.parse_page(html)
        self.root: HtmlElement = self.selector.root
        self.profile = profile
        self.site = site or Site.from_base_url(profile.base_url)
        self.taxonomy = taxonomy

    @cached_property
    def _classes(self) -> frozenset[str]:
        return dom.page_classes(self.root)

    @cached_property
    def _base_href(self) -> str:
        base = dom.first_string(self.root, "//base/@href")
        return urljoin(self.url, base.strip()) if base else self.url

    def _canonical(self, href: str | None) -> str | None:
        if not href or not href.strip():
            return None
        return self.site.canonicalize(href.strip(), base=self._base_href)

    @cached_property
    def _marked(self) -> tuple[set[HtmlElement], set[HtmlElement]]:
        featured: set[HtmlElement] = set()
        sidebar: set[HtmlElement] = set()
        for css in self.profile.featured:
            featured.update(dom.select(self.root, css, self._classes))
        for css in self.profile.sidebar:
            sidebar.update(dom.select(self.root, css, self._classes))
        for el in self.root.iter():
            if not isinstance(el.tag, str):
                continue
            words = dom.class_words(el)
            if words & self.profile.featured_words:
                featured.add(el)
            if dom.tag(el) == "aside" or words & self.profile.sidebar_words:
                sidebar.add(el)
        featured.difference_update(self.root.iter("html", "body"))
        sidebar.difference_update(self.root.iter("html", "body"))
        return featured, sidebar

    @cached_property
    def article_urls(self) -> list[str]:
        """Canonical URLs of every article linked from the page, in page order (no context)."""
        return self._links[0]

    @cached_property
    def _links(self) -> tuple[list[str], list[str]]:
        """(article URLs, category listing URLs) the page links to, each once, in page order.

        One pass over the page's links serves both (article pages offer both to discovery).
        """
        articles: dict[str, None] = {}
        categories: dict[str, None] = {}
        own_origin = self.site.base_url + "/"
        category_href = self.profile.category_href
        for a in self.root.iter("a"):
            href = a.get("href")
            url = self._canonical(href)
            if not url:
                continue
            if self.site.is_article_url(url):
                articles.setdefault(url)
            # First pages only: a category's further pages are reached through its own
            # pagination, where an incremental crawl's stop rule applies. A canonical on-site
            # URL starts with the site's own origin (cheaper than is_on_site).
            if category_href.search(href) and url.startswith(own_origin):
                page = self.page_number(url)
                if page == 1:
                    url = self.listing_base(url)  # "?page=1" is the category's first page
                if page in (None, 1):
                    categories.setdefault(url)
        return list(articles), list(categories)

    @cached_property
    def _placed(self) -> list[tuple[str, HtmlElement, list[HtmlElement], str]]:
        """(url, item, anchors, region) of every article link, once per region, in page order."""
        links: dict[str, list[HtmlElement]] = {}
        for a in self.root.iter("a"):
            url = self._canonical(a.get("href"))
            if url and self.site.is_article_url(url):
                links.setdefault(url, []).append(a)
        # An item is the largest block around a link that holds no other article (a card, a
        # list row); a thumbnail link and a title link to the same article share one item.
        owner: dict[HtmlElement, str] = {}
        for url, anchors in links.items():
            for a in anchors:
                for anc in dom.ancestors(a):
                    owner[anc] = url if owner.get(anc, url) == url else ""
        items: dict[HtmlElement, tuple[str, list[HtmlElement]]] = {}
        for url, anchors in links.items():
            for a in anchors:
                item = a
                for anc in dom.ancestors(a):
                    if owner.get(anc) != url:
                        break
                    item = anc
                items.setdefault(item, (url, []))[1].append(a)
        order = {el: i for i, el in enumerate(self.root.iter())}
        featured, sidebar = self._marked
        main_parent = self._main_list_parent(list(items), featured, sidebar)
        placed = []
        seen: set[tuple[str, str]] = set()
        for item in sorted(items, key=order.__getitem__):
            url, anchors = items[item]
            region = self._region(item, featured, sidebar, main_parent)
            if (url, region) not in seen:
                seen.add((url, region))
                placed.append((url, item, anchors, region))
        return placed

    @cached_property
    def entries(self) -> list[ListingEntry]:
        """Every article link on the page, once per region it appears in, in page order."""
        return [
            ListingEntry(
                url=url,
                title=self._title(anchors),
                published_raw=self._published(item),
                category_raw=self._category(item, anchors),
                pinned=region == "featured",
                region=region,
            )
            for url, item, anchors, region in self._placed
        ]

    @cached_property
    def placements(self) -> list[ListingEntry]:
        """`entries` without the text beside each link: all a crawl's decisions need."""
        return [
            ListingEntry(url, None, None, None, region == "featured", region)
            for url, _, _, region in self._placed
        ]

    @staticmethod
    def _region(
        item: HtmlElement,
        featured: set[HtmlElement],
        sidebar: set[HtmlElement],
        main_parent: HtmlElement | None,
    ) -> str:
        if dom.is_inside(item, featured):
            return "featured"
        if dom.is_inside(item, sidebar):
            return "sidebar"
        parent = item.getparent()
        if main_parent is None or parent is main_parent:
            return "main"
        if parent is not None and parent.getparent() is main_parent:
            return "main"
        return "sidebar"

    @staticmethod
    def _main_list_parent(
        items: list[HtmlElement], featured: set[HtmlElement], sidebar: set[HtmlElement]
    ) -> HtmlElement | None:
        """The block holding the largest group of unmarked items: the page's own list.

        Items are grouped by parent; rows of a card grid (sibling parents of the same kind) count
        as one group under their common parent.
        """
        groups: dict[HtmlElement, int] = {}
        for item in items:
            if dom.is_inside(item, featured) or dom.is_inside(item, sidebar):
                continue
            parent = item.getparent()
            if parent is not None:
                groups[parent] = groups.get(parent, 0) + 1
        if not groups:
            return None
        merged: dict[HtmlElement, int] = {}
        for parent, count in groups.items():
            grand = parent.getparent()
            kind = (parent.tag, parent.get("class"))
            twins = grand is not None and any(
                other is not parent
                and other.getparent() is grand
                and (other.tag, other.get("class")) == kind
                for other in groups
            )
            key = grand if twins else parent
            merged[key] = merged.get(key, 0) + count
        return max(merged, key=merged.__getitem__)

    @staticmethod
    def _title(anchors: list[HtmlElement]) -> str | None:
        texts = [dom.text_of(a) or clean_text(a.get("title")) for a in anchors]
        texts += [clean_text(img.get("alt")) for a in anchors for img in a.iter("img")]
        texts = [t for t in texts if t]
        return max(texts, key=len) if texts else None

    def _published(self, item: HtmlElement) -> str | None:
        for el in item.iter("time"):
            text = dom.text_of(el)
            if text:
                return text
            if el.get("datetime"):
                return clean_text(el.get("datetime"))
        match = self.profile.timestamp_in_text.search(dom.text_of(item))
        return clean_text(match.group(0)) if match else None

    def _category(self, item: HtmlElement, anchors: list[HtmlElement]) -> str | None:
        for a in item.iter("a"):
            if self.profile.category_href.search(a.get("href") or "") and dom.text_of(a):
                return dom.text_of(a)
        for el in item.iter():
            if isinstance(el.tag, str) and dom.class_words(el) & _LABEL_WORDS and el not in anchors:
                text = dom.text_of(el)
                if text and not self.profile.timestamp_in_text.fullmatch(text):
                    return text
        # A bare label beside the link: what is left of the item's text once the title and the
        # timestamp are taken out, when the taxonomy knows it.
        rest = dom.text_of(item)
        for a in anchors:
            rest = rest.replace(dom.text_of(a), " ")
        rest = self.profile.timestamp_in_text.sub(" ", rest)
        taxonomy = self.taxonomy or Taxonomy.default()
        return taxonomy.match_in(rest)

    # ----- pagination -------------------------------------------------------------------------

    @staticmethod
    @functools.lru_cache(maxsize=4096)
    def page_number(url: str) -> int | None:
        """The page number a listing URL asks for (``?page=3``, ``/page/3``), None if none."""
        parts = urlsplit(url)
        for key, value in parse_qsl(parts.query):
            if key.lower() in _PAGE_PARAMS and value.isdigit():
                return int(value)
        match = _PAGE_PATH.search(parts.path)
        return int(match.group(1)) if match else None

    @staticmethod
    @functools.lru_cache(maxsize=4096)
    def listing_base(url: str) -> str:
        """The URL with its page number taken out: the key that pages of one listing share."""
        parts = urlsplit(url)
        query = [
            (k, v)
            for k, v in parse_qsl(parts.query)
            if k.lower() not in _PAGE_PARAMS and k.lower() not in _OFFSET_PARAMS
        ]
        path = _PAGE_PATH.sub("", parts.path).rstrip("/")
        return urlunsplit((parts.scheme, parts.netloc, path, urlencode(sorted(query)), ""))

    @cached_property
    def current_url(self) -> str:
        return self._canonical(self.url) or self.url

    @property
    def listing_key(self) -> str:
        """This listing's URL without its page number: what every page of it shares."""
        return self.listing_base(self.current_url)

    @cached_property
    def page_urls(self) -> list[str]:
        """Other pages of this listing linked from its pagination widget (numbers, prev/next)."""
        base = self.listing_base(self.current_url)
        numbered: list[tuple[HtmlElement, str]] = []
        plain: list[tuple[HtmlElement, str]] = []
        for a in self.root.iter("a", "link"):
            url = self._canonical(a.get("href"))
            if not url or url == self.current_url or self.listing_base(url) != base:
                continue
            paged = self.page_number(url) is not None or _offset(url) is not None
            (numbered if paged else plain).append((a, url))
        found = {url for _, url in numbered}
        if numbered:
            # The first page often links to the bare listing URL ("/berita"): count it only when
            # it sits inside the pagination widget, not in a menu.
            widget = self._common_ancestor([a for a, _ in numbered])
            found.update(
                url for a, url in plain if widget is not None and dom.is_inside(a, {widget})
            )
        return sorted(found)

    @staticmethod
    def _common_ancestor(elements: list[HtmlElement]) -> HtmlElement | None:
        chains = [[el, *dom.ancestors(el)] for el in elements if dom.tag(el) == "a"]
        if not chains:
            return None
        shared = set(chains[0])
        for chain in chains[1:]:
            shared &= set(chain)
        return next((el for el in chains[0] if el in shared), None)

    @cached_property
    def next_page_url(self) -> str | None:
        for css in self.profile.next_page:
            for found in dom.select(self.root, css, self._classes):
                url = self._canonical(found.get("href"))
                if url and url != self.current_url:
                    return url
        for a in self.root.iter("a"):
            text = dom.text_of(a) or clean_text(a.get("title") or a.get("aria-label"))
            if text and _NEXT_TEXT.search(text):
                url = self._canonical(a.get("href"))
                if url and url != self.current_url and not self.site.is_article_url(url):
                    return url
        current = self.page_number(self.current_url) or 1
        for url in self.page_urls:
            if self.page_number(url) == current + 1:
                return url
        return None

    @property
    def category_urls(self) -> list[str]:
        """Category listing pages linked from this page (menus too): more routes to articles."""
        return self._links[1]

    def to_item(self) -> dict[str, Any]:
        return {
            "entries": [e.to_dict() for e in self.entries],
            "next_page_url": self.next_page_url,
            "page_urls": self.page_urls,
        }


def _offset(url: str) -> int | None:
    """The item offset a Joomla listing URL asks for (`?start=20`), None if none."""
    for key, value in parse_qsl(urlsplit(url).query):
        if key.lower() in _OFFSET_PARAMS and value.isdigit():
            return int(value)
    return None
