"""The `wordpress` spider: a WordPress site through its REST API, else its feed, sitemaps and
category listings.

With the API: `/wp-json/wp/v2/categories` once, then `/wp-json/wp/v2/posts` newest change first
(`orderby=modified`), 100 a page, paged by `page` up to `X-WP-TotalPages`. An incremental run asks
only for posts modified after its last finished run (`modified_after`, with a day's margin) and
stops at the first page that holds nothing to fetch. A post is fetched when it is new, or when its
`modified_gmt` is later than the article's last fetch. Each post's HTML page is fetched and
archived (the WARC and replay need the page as published); the API's fields then win over the
page's (extract/wordpress.py).

Without the API (404, not JSON, refused): `/feed/`, the core sitemaps (`/wp-sitemap.xml`, from
robots.txt) and the HTML listings, read by the template-independent extraction.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from parsel import Selector
from scrapy import Request
from scrapy.http import Response
from twisted.python.failure import Failure

from humas_crawler.archive.record import ArticleRecord
from humas_crawler.crawl.archive import CrawlArchive
from humas_crawler.crawl.spider import KaltimprovSpider
from humas_crawler.extract.wordpress import (
    API_ROOT,
    WordPressError,
    WpPost,
    apply_post,
    parse_categories,
    parse_posts,
)
from humas_crawler.normalize import Taxonomy

logger = logging.getLogger(__name__)

PER_PAGE = 100
FEED_PATH = "/feed/"
SITEMAP_PATH = "/wp-sitemap.xml"
# modified_after is compared with the site's own clock, in its own zone on some versions: a day's
# margin; posts already fetched since their change are skipped anyway.
MODIFIED_MARGIN = timedelta(days=1)
WP_POST = "humas_wp_post"  # request.meta: the API's post, applied to the page's record


class WordPressSpider(KaltimprovSpider):
    """Crawl a WordPress site into the archive (a registry entry, or a probe, names it)."""

    name = "wordpress"

    def __init__(self, *args: Any, api: bool | str = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.api = api not in (False, "false", "0", "")
        self.wp_categories: dict[int, str] = {}
        self.fetched: dict[str, str] = {}  # url -> last_fetched_at of the site's articles
        self.modified_after: str | None = None
        self.fallen_back = False
        self.taxonomy = Taxonomy.default()

    def seeds(self) -> Iterator[Request]:
        archive = self.crawler.get_extension(CrawlArchive)
        if archive is not None and archive.store is not None:
            self.fetched = archive.store.articles.fetch_times(self.site.name)
            if self.mode == "incremental" and self.fetched:
                last = archive.store.runs.last_finished(self.site.base_url)
                if last:
                    since = datetime.fromisoformat(last.replace("Z", "+00:00"))
                    self.modified_after = (since - MODIFIED_MARGIN).isoformat()
        if not self.api:
            yield from self.fallback_seeds()
            return
        # robots.txt is still checked for every request; its sitemaps are not needed with the API.
        yield self._api_request("categories", {"per_page": PER_PAGE}, self.parse_categories)
        for url in sorted(self.frontier.failed if self.frontier else ()):
            if self.site.is_article_url(url):
                request = self._article_request(url)
                if request is not None:
                    yield request

    # ----- the REST API -------------------------------------------------------------------

    def _api_request(self, route: str, params: dict[str, Any], callback: Any) -> Request:
        url = f"{self.base_url}{API_ROOT}/{route}?{urlencode(params)}"
        return Request(url, callback=callback, errback=self.api_failed, meta={"params": params})

    def _posts_request(self, page: int) -> Request:
        params: dict[str, Any] = {
            "per_page": PER_PAGE,
            "page": page,
            "orderby": "modified",
            "order": "desc",
        }
        if self.modified_after:
            params["modified_after"] = self.modified_after
        return self._api_request("posts", params, self.parse_posts)

    def parse_categories(self, response: Response) -> Iterator[Any]:
        try:
            self.wp_categories.update(parse_categories(response.body))
        except WordPressError as exc:
            yield from self._fall_back(f"{response.url}: {exc}")
            return
        page = response.meta["params"].get("page", 1)
        if page < _total_pages(response):
            params = {**response.meta["params"], "page": page + 1}
            yield self._api_request("categories", params, self.parse_categories)
            return
        yield self._posts_request(1)

    def parse_posts(self, response: Response) -> Iterator[Any]:
        assert self.frontier is not None
        try:
            posts = parse_posts(response.body, self.wp_categories, self.site.zone)
        except WordPressError as exc:
            yield from self._fall_back(f"{response.url}: {exc}")
            return
        self.crawler.stats.inc_value("humas/api_pages")
        wanted = 0
        for post in posts:
            request = self._post_request(post)
            if request is not None:
                wanted += 1
                yield request
        page = response.meta["params"]["page"]
        if page >= _total_pages(response):
            return
        if wanted == 0 and self.mode == "incremental" and not self.frontier.deep_listings:
            # Newest change first: a page with nothing to fetch means the rest is archived.
            self.crawler.stats.inc_value("humas/listing_stopped_early")
            return
        yield self._posts_request(page + 1)

    def _post_request(self, post: WpPost) -> Request | None:
        assert self.frontier is not None
        url = self.site.canonicalize(post.link)
        if url is None or not self.site.is_on_site(url):
            logger.info("post %d links off the site (%s): skipped", post.id, post.link)
            return None
        archived = self.frontier.archived_url(url)
        if archived is not None and self.mode == "incremental":
            fetched = self.fetched.get(archived)
            if fetched and post.modified_utc and post.modified_utc <= fetched:
                self.frontier.decisions["skip-known"] += 1
                return None
            if not self.frontier.take_changed(url):
                return None
            self.crawler.stats.inc_value("humas/article_requested")
            request = self._fetch_article(archived, {})
        else:
            request = self._article_request(url)
        if request is None:
            return None
        return request.replace(meta={**request.meta, WP_POST: post})

    @property
    def follow_article_links(self) -> bool:
        # With the API every post is listed by it: a sidebar's links are posts it listed.
        return not self.api

    def _categories_from(self, urls: list[str]) -> Iterator[Request]:
        # With the API every post is listed by it: category archives add nothing but requests.
        if self.api:
            return iter(())
        return super()._categories_from(urls)

    def amend(self, record: ArticleRecord, response: Response) -> ArticleRecord:
        post = response.meta.get(WP_POST)
        if post is None:
            return record
        return apply_post(record, post, self.taxonomy)

    def api_failed(self, failure: Failure) -> Iterator[Any]:
        request = failure.request  # type: ignore[attr-defined]
        status = getattr(getattr(failure.value, "response", None), "status", None)
        if status in (401, 403, 404, 410) or (status == 400 and "posts" not in request.url):
            yield from self._fall_back(f"{request.url} answered {status}")
            return
        if status == 400:
            return  # a page past the last one: the total changed while paging
        # Failed after its retries (5xx, timeouts): kept to retry, and the run goes on without.
        yield from self.listing_failed(failure)
        yield from self._fall_back(f"{request.url} failed: {failure.getErrorMessage()}")

    # ----- without the API ----------------------------------------------------------------

    def _fall_back(self, why: str) -> Iterator[Request]:
        if self.fallen_back:
            return
        logger.warning("the REST API is not usable (%s): reading the feed, sitemaps, listings", why)
        self.crawler.stats.set_value("humas/wordpress_api", "unusable")
        self.api = False
        yield from self.fallback_seeds()

    def fallback_seeds(self) -> Iterator[Request]:
        self.fallen_back = True
        base = self.base_url
        yield Request(f"{base}{FEED_PATH}", callback=self.parse_feed, errback=self.optional_failed)
        yield Request(
            f"{base}{SITEMAP_PATH}", callback=self.parse_sitemap, errback=self.optional_failed
        )
        for path in self.listings:
            listing = self._listing_request(f"{base}{path}")
            if listing is not None:
                yield listing
        assert self.frontier is not None
        for url in self.frontier.revisits():
            request = self._article_request(url)
            if request is not None:
                yield request

    def parse_feed(self, response: Response) -> Iterator[Request]:
        feed = Selector(text=response.text, type="xml")
        for link in feed.xpath("//item/link/text()").getall():
            url = self.site.canonicalize(link.strip())
            if url and self.site.is_article_url(url):
                request = self._article_request(url)
                if request is not None:
                    yield request


def _total_pages(response: Response) -> int:
    value = response.headers.get(b"X-WP-TotalPages")
    try:
        return int(value) if value else 1
    except ValueError:
        return 1
