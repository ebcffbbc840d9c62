"""What an extraction worker runs for the crawl and reparse: one page in, a typed result out.

These functions are plain (picklable by name) so that a process pool can run them; they read
one page (URL + decoded HTML) and return everything the spider needs of it, so the crawl
process never parses HTML itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from humas_crawler.archive.record import ArticleRecord
from humas_crawler.extract import deep
from humas_crawler.extract.article import ArticlePage
from humas_crawler.extract.listing import ListingEntry, ListingPage
from humas_crawler.normalize import Site


@dataclass(frozen=True)
class ArticleExtraction:
    """An article page: its record, what it lacked, and the links it offers to discovery."""

    record: ArticleRecord
    warnings: list[str] = field(default_factory=list)
    timestamp_error: str | None = None  # published_raw was found but is no valid time
    article_urls: list[str] = field(default_factory=list)
    category_urls: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ListingExtraction:
    """A listing page: its entries, the next page, the category listings it links to."""

    listing_key: str  # the listing's URL without its page number: shared by all its pages
    entries: list[ListingEntry]
    next_page_url: str | None
    category_urls: list[str]


def _site(site: Site | str) -> Site:
    """A Site as given, or the default-configured one of a base URL."""
    return site if isinstance(site, Site) else Site.from_base_url(site)


def extract_article(url: str, html: str, site: Site | str, now: str) -> ArticleExtraction:
    """An article page's record, warnings and the links it offers; `site` is the Site (its
    name and zone go into the record) or, for the default site, its base URL."""
    site = _site(site)
    # Parsed once (whole: see extract/deep.py), read by both page objects.
    selector = deep.parse_page(html)
    page = ArticlePage(url, selector, site=site, now=datetime.fromisoformat(now))
    links = ListingPage(url, selector, site=site)
    record = page.to_item()
    return ArticleExtraction(
        record=record,
        warnings=page.warnings(record),
        timestamp_error=page.timestamp.error,
        article_urls=links.article_urls,
        category_urls=links.category_urls,
    )


def extract_listing(url: str, html: str, site: Site | str) -> ListingExtraction:
    """A listing page's entries (without the text beside them) and pagination."""
    page = ListingPage(url, html, site=_site(site))
    return ListingExtraction(
        listing_key=page.listing_key,
        entries=page.placements,
        next_page_url=page.next_page_url,
        category_urls=page.category_urls,
    )
