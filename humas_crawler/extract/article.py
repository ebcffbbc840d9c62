"""Article page object: one saved article page (URL + HTML) -> one clean record, no Scrapy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from parsel import Selector

from humas_crawler.archive.record import REQUIRED_FIELDS, ArticleRecord, content_hash
from humas_crawler.extract import deep
from humas_crawler.extract.fields.body import Body, read_body
from humas_crawler.extract.fields.category import read_category
from humas_crawler.extract.fields.facts import PageFacts
from humas_crawler.extract.fields.images import image_urls
from humas_crawler.extract.fields.layout import find_layout
from humas_crawler.extract.fields.noise import find_noise
from humas_crawler.extract.fields.timestamp import find_meta_line, find_stamp
from humas_crawler.extract.fields.title import declared_titles, read_title
from humas_crawler.extract.profile import KALTIM, SiteProfile
from humas_crawler.normalize import (
    Category,
    Site,
    Taxonomy,
    Timestamp,
    normalize_category,
    normalize_timestamp,
)
from humas_crawler.normalize.zones import to_utc


@dataclass(frozen=True)
class ArticleFields:
    """What one article page shows, as read (`published_raw`, `category_raw`) and normalized."""

    title: str | None
    published_raw: str | None
    timestamp: Timestamp
    category_raw: str | None
    category: Category
    body: Body
    image_urls: list[str]
    canonical_link: str | None


def read_article(facts: PageFacts, taxonomy: Taxonomy) -> ArticleFields:
    """Every field of the page, each from the ones it depends on."""
    noise = find_noise(facts)
    declared = declared_titles(facts)
    layout = find_layout(facts, noise, declared)
    title = read_title(layout.title, declared)
    stamp = find_stamp(facts, layout)
    published_raw = stamp.raw if stamp else None
    meta_line = find_meta_line(stamp, layout)
    category_raw = read_category(facts, layout, stamp, meta_line, title, taxonomy)
    body = read_body(
        layout, meta_line, [title or "", published_raw or "", category_raw or ""], facts.profile
    )
    return ArticleFields(
        title=title,
        published_raw=published_raw,
        timestamp=normalize_timestamp(published_raw, now=facts.now, zone=facts.site.zone),
        category_raw=category_raw,
        category=normalize_category(category_raw, taxonomy),
        body=body,
        image_urls=image_urls(facts, layout),
        canonical_link=facts.canonical_link(),
    )


class ArticlePage:
    """Extract an article's own fields from one page, whatever the template.

    Each field tries the site profile's selectors first, then semantic rules: the element holding
    the longest run of paragraph text is the body; the title is the heading matching the page's
    declared title (or the nearest heading above the body); the timestamp and category are the
    ones nearest that heading inside the article, never those of sidebars, related lists or
    comments. The rules live in `extract/fields/`, one module per field.
    """

    def __init__(
        self,
        url: str,
        html: str | bytes | Selector,
        *,
        profile: SiteProfile = KALTIM,
        site: Site | None = None,
        taxonomy: Taxonomy | None = None,
        now: datetime | None = None,
    ) -> None:
        self.url = url
        self.profile = profile
        self.site = site or Site.from_base_url(profile.base_url)
        self.taxonomy = taxonomy or Taxonomy.default()
        self.facts = PageFacts(url, deep.parse_page(html), profile, self.site, now)

    @cached_property
    def fields(self) -> ArticleFields:
        return read_article(self.facts, self.taxonomy)

    @property
    def title(self) -> str | None:
        return self.fields.title

    @property
    def published_raw(self) -> str | None:
        return self.fields.published_raw

    @property
    def timestamp(self) -> Timestamp:
        return self.fields.timestamp

    @property
    def category_raw(self) -> str | None:
        return self.fields.category_raw

    @property
    def category(self) -> Category:
        return self.fields.category

    @property
    def body(self) -> Body:
        return self.fields.body

    @cached_property
    def canonical_url(self) -> str | None:
        return self.site.canonicalize(self.url)

    @cached_property
    def slug(self) -> str | None:
        return self.site.article_slug(self.canonical_url) if self.canonical_url else None

    def to_item(self) -> ArticleRecord:
        """The record: the `articles` columns this page fills (see docs/extraction.md)."""
        f = self.fields
        stamp = f.timestamp
        body_text = f.body.text or None
        return ArticleRecord(
            url=self.canonical_url,
            site=self.site.name,
            slug=self.slug,
            title=f.title,
            published_at=stamp.iso,
            published_at_utc=to_utc(stamp.iso),
            published_date=stamp.iso[:10] if stamp.iso else None,
            published_precision=stamp.precision,
            published_raw=f.published_raw,
            category=f.category.label,
            category_slug=f.category.slug,
            category_raw=f.category_raw,
            category_known=f.category.known,
            dateline=f.body.dateline,
            body_text=body_text,
            photo_caption=f.body.photo_caption,
            author_codes=f.body.author_codes,
            image_urls=f.image_urls,
            canonical_link=f.canonical_link,
            content_hash=content_hash(f.title, body_text, f.published_raw, f.category_raw),
        )

    def warnings(self, item: ArticleRecord | None = None) -> list[str]:
        """One message per field the page did not yield (or yielded unusable).

        `item` is this page's record when the caller has it already.
        """
        item = item or self.to_item()
        f = self.fields
        messages = [f"no {name} found" for name in REQUIRED_FIELDS if not getattr(item, name)]
        if f.published_raw and not f.timestamp.iso:
            messages.append(
                f"published_raw {f.published_raw!r} is not a valid time: {f.timestamp.error}"
            )
        if f.timestamp.warning:
            messages.append(f"published_raw {f.published_raw!r}: {f.timestamp.warning}")
        if f.category_raw and not f.category.known:
            messages.append(f"category {f.category_raw!r} is not in the taxonomy")
        if not item.slug:
            messages.append(f"{self.url} is not an article URL of the site")
        return messages
