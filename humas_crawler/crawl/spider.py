"""The `kaltimprov` spider: discovery and scheduling; extraction lives in humas_crawler.extract."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any

from scrapy import Request, Spider
from scrapy.exceptions import DownloadCancelledError
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots
from twisted.python.failure import Failure

from humas_crawler.archive.record import ArticleRecord
from humas_crawler.archive.schema import utc_timestamp
from humas_crawler.crawl.archive import CrawlArchive
from humas_crawler.crawl.frontier import CATEGORY_SWEEP_STAT, MODES, Frontier
from humas_crawler.crawl.items import (
    ArticleItem,
    FetchFailedItem,
    FetchRecoveredItem,
    QuarantineItem,
    RemovedItem,
    RobotsRefusedItem,
)
from humas_crawler.crawl.middlewares import CAPTURE, DEFER_CAPTURE
from humas_crawler.crawl.redirects import ARTICLE, RedirectedAway, RefusedRedirect
from humas_crawler.crawl.robots import RobotsRefused, robots_fetched
from humas_crawler.defaults import CATEGORY_SWEEP_DAYS, crawl_workers
from humas_crawler.extract.decode import decode_page
from humas_crawler.extract.jobs import extract_article, extract_listing
from humas_crawler.extract.workers import WorkerPool
from humas_crawler.normalize import DEFAULT_BASE_URL, Site
from humas_crawler.normalize.zones import ZONES

logger = logging.getLogger(__name__)

LISTING_PATH = "/berita"
ARTICLE_PRIORITY = 10  # articles before more listing pages: keeps the queue short
# request.meta key: the link as given, when the request asks for its current form instead.
GUESSED_FROM = "humas_guessed_from"


class KaltimprovSpider(Spider):
    """Crawl kaltimprov.go.id (or a replica at `base_url`) into the archive.

    Routes: the main listing and its pagination, category listings (every `category_sweep_days`
    in incremental mode), sitemaps that robots.txt or /sitemap.xml offer, and every article link
    on every fetched page. Which articles and listing pages are fetched is the Frontier's call
    (incremental by default).
    """

    name = "kaltimprov"

    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        mode: str = "incremental",
        revisit_days: int | str = 7,
        max_articles: int | str | None = None,
        category_sweep_days: int | str = CATEGORY_SWEEP_DAYS,
        site_name: str | None = None,
        zone: str | None = None,
        article_paths: tuple[str, ...] | None = None,
        listings: tuple[str, ...] | None = None,
        article_pattern: str | None = None,
        trailing_slash: bool | None = None,
        cms: str = "custom",
        *args: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
        self.site = Site.from_base_url(base_url).configured(
            name=site_name,
            zone=zone,
            article_path_prefixes=tuple(article_paths) if article_paths else None,
            article_pattern=article_pattern,
            trailing_slash=trailing_slash,
        )
        self.base_url = self.site.base_url
        self.mode = mode
        self.revisit_days = int(revisit_days)
        self.max_articles = int(max_articles) if max_articles not in (None, "") else None
        self.category_sweep_days = int(category_sweep_days)
        self.listings = tuple(listings) if listings else (LISTING_PATH,)
        self.cms = cms  # the registry's CMS family: custom, joomla (wordpress: WordPressSpider)
        self.allowed_domains = [self.site.hostname.removeprefix("www.")]
        self.frontier: Frontier | None = None
        self._listing_seen: dict[str, set[str]] = {}
        self._listings_requested: set[str] = set()
        self.extractor = WorkerPool(0)

    # ----- start --------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Request]:
        archive = self.crawler.get_extension(CrawlArchive)
        if archive is None or archive.memory is None:
            raise RuntimeError("the CrawlArchive extension must be enabled: it opens the archive")
        self.frontier = Frontier.for_run(
            archive.memory,
            self.site,
            mode=self.mode,
            revisit_days=self.revisit_days,
            today=datetime.now(ZONES[self.site.zone].tzinfo).date(),
            max_articles=self.max_articles,
            category_sweep_days=self.category_sweep_days,
        )
        if self.frontier.category_sweep:
            self.crawler.stats.set_value(CATEGORY_SWEEP_STAT, 1)
        else:
            logger.info(
                "category listings not read this run: their last sweep is less than %d days old",
                self.category_sweep_days,
            )
        workers = self.crawler.settings.getint("HUMAS_EXTRACT_WORKERS", -1)
        self.extractor = WorkerPool(crawl_workers() if workers < 0 else workers)
        for request in self.seeds():
            yield request

    def seeds(self) -> Iterator[Request]:
        """The run's first requests: robots.txt, sitemaps, the listings, revisits, retries."""
        assert self.frontier is not None
        base = self.base_url
        if self.crawler.settings.getbool("ROBOTSTXT_OBEY"):
            # The robots middleware fetches robots.txt before anything else and hands it over.
            self.crawler.signals.connect(self.robots_fetched, signal=robots_fetched)
        else:
            yield Request(
                f"{base}/robots.txt",
                callback=self.parse_robots,
                errback=self.optional_failed,
                meta={"dont_obey_robotstxt": True},
                priority=100,
            )
        yield Request(
            f"{base}/sitemap.xml", callback=self.parse_sitemap, errback=self.optional_failed
        )
        for path in self.listings:
            listing = self._listing_request(f"{base}{path}")
            if listing is not None:
                yield listing
        # Archived articles asked for whether or not a listing still links them: a take-down
        # takes the article off every listing too (all of them in full mode, the recent ones
        # otherwise).
        for url in self.frontier.revisits():
            request = self._article_request(url)
            if request is not None:
                yield request
        # What failed last run is asked for again: articles, and listing pages (whose articles
        # an incremental run would otherwise never reach again).
        for url in sorted(self.frontier.failed):
            if self.site.is_article_url(url):
                request = self._article_request(url)
            elif self.site.is_on_site(url):
                request = self._listing_request(url)
            else:
                request = None
            if request is not None:
                yield request

    # ----- requests -----------------------------------------------------------------------

    def _listing_request(self, url: str) -> Request | None:
        # Every page links the same menus: ask the scheduler once per listing URL, not per page.
        if url in self._listings_requested:
            return None
        self._listings_requested.add(url)
        return Request(url, callback=self.parse_listing, errback=self.listing_failed)

    def _article_request(self, url: str) -> Request | None:
        assert self.frontier is not None
        if not self.frontier.take_article(url):
            return None
        self.crawler.stats.inc_value("humas/article_requested")
        target, fallback = self.frontier.request_url(url)
        meta: dict[str, Any] = {DEFER_CAPTURE: True}
        if fallback is not None:
            meta[GUESSED_FROM] = fallback
            self.crawler.stats.inc_value("humas/current_form_guess")
        return self._fetch_article(target, meta)

    def _fetch_article(self, url: str, meta: dict[str, Any]) -> Request:
        return Request(
            url,
            callback=self.parse_article,
            errback=self.article_failed,
            meta={**meta, ARTICLE: True},
            priority=ARTICLE_PRIORITY,
        )

    def _categories_from(self, urls: list[str]) -> Iterator[Request]:
        assert self.frontier is not None
        if not self.frontier.category_sweep:
            return
        for url in urls:
            request = self._listing_request(url)
            if request is not None:
                yield request

    # ----- callbacks ----------------------------------------------------------------------

    def robots_fetched(self, response: Response) -> None:
        if response.status == 200 and self.crawler.engine is not None:
            for request in self.parse_robots(response):
                self.crawler.engine.crawl(request)

    def parse_robots(self, response: Response) -> Iterator[Request]:
        for url in sitemap_urls_from_robots(response.body, base_url=response.url):
            canonical = self.site.canonicalize(url)
            if canonical and self.site.is_on_site(canonical):
                yield Request(canonical, callback=self.parse_sitemap, errback=self.optional_failed)

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        try:
            sitemap = Sitemap(response.body)
        except ValueError as exc:  # lxml: not XML at all
            logger.info("%s is not a sitemap (%s)", response.url, exc)
            return
        for entry in sitemap:
            loc = self.site.canonicalize(entry.get("loc"))
            if not loc or not self.site.is_on_site(loc):
                continue
            if sitemap.type == "sitemapindex":
                yield Request(loc, callback=self.parse_sitemap, errback=self.optional_failed)
            elif self.site.is_article_url(loc):
                request = self._article_request(loc)
                if request is not None:
                    yield request

    # The callbacks await the extraction worker once, then produce everything at once: they
    # return lists, which Scrapy passes through its (synchronous) output chain at a fraction of
    # the cost of an async generator's.

    async def parse_listing(self, response: Response) -> list[Any]:
        return [out async for out in self._listing_output(response)]

    async def parse_article(self, response: Response) -> list[Any]:
        return [out async for out in self._article_output(response)]

    async def _listing_output(self, response: Response) -> AsyncIterator[Any]:
        assert self.frontier is not None
        self.crawler.stats.inc_value("humas/listing_pages")
        asked = _asked_url(response.request or response)
        if asked in self.frontier.failed:
            yield FetchRecoveredItem(asked)
        if not isinstance(response, TextResponse):
            return
        html = _text_of(response)
        page = await self.extractor.run(extract_listing, response.url, html, self.site)
        entries = page.entries
        for entry in entries:
            request = self._article_request(entry.url)
            if request is not None:
                yield request
        for request in self._categories_from(page.category_urls):
            yield request
        earlier = self._listing_seen.setdefault(page.listing_key, set())
        next_url = page.next_page_url
        if next_url and self.frontier.follow_next_page(entries, earlier):
            request = self._listing_request(next_url)
            if request is not None:
                yield request
        elif next_url:
            self.crawler.stats.inc_value("humas/listing_stopped_early")

    async def _article_output(self, response: Response) -> AsyncIterator[Any]:
        assert self.frontier is not None
        self.crawler.stats.inc_value("humas/article_pages")  # fetched, whatever it holds
        capture = response.meta.get(CAPTURE)
        url = self.site.canonicalize(response.url) or response.url
        if not isinstance(response, TextResponse):
            kind = response.headers.get("Content-Type")
            yield QuarantineItem(url, "not-html", f"content type {kind!r}", capture)
            return
        fetched = datetime.now(UTC)
        asked = self.site.canonicalize(_asked_url(response))
        if asked and asked != url:
            # The page the link named lives at `url`: later links in either form are known.
            self.frontier.learn_alias(asked, url)
        if not self.site.is_article_url(url):
            detail = f"{asked or response.request.url} led to {response.url}"
            archived = self.frontier.archived_url(asked) if asked else None
            if archived is not None:
                # An archived article now redirecting to the home page or a listing: taken down.
                yield RemovedItem(archived, f"redirected: {detail}", capture)
                return
            yield QuarantineItem(url, "not-an-article", detail, capture)
            return
        try:
            page = await self.extractor.run(
                extract_article,
                response.url,
                _text_of(response),
                self.site,
                fetched.isoformat(),
            )
        except Exception as exc:  # one bad page must never stop a long crawl: quarantine it
            logger.exception("extraction failed on %s", url)
            yield QuarantineItem(url, "extraction-error", f"{type(exc).__name__}: {exc}", capture)
            return
        record = self.amend(page.record, response)
        if not record.title and not record.body_text:
            # Nothing of an article came out: the page is kept (capture) and quarantined, so a
            # changed template shows up as a reason, not as an empty article row.
            yield QuarantineItem(url, "empty-extraction", "; ".join(page.warnings), capture)
            return
        yield ArticleItem(
            record=record,
            fetched_at=utc_timestamp(fetched),
            capture=capture,
            warnings=page.warnings,
            timestamp_error=page.timestamp_error,
        )
        # Sidebars, related lists and menus of article pages are routes to more articles (unless
        # a source lists every article itself).
        for link in page.article_urls if self.follow_article_links else ():
            request = self._article_request(link)
            if request is not None:
                yield request
        for request in self._categories_from(page.category_urls):
            yield request

    @property
    def follow_article_links(self) -> bool:
        """Whether links on article pages are routes to more articles."""
        return True

    def amend(self, record: ArticleRecord, response: Response) -> ArticleRecord:
        """The record as stored: what the page showed (a source with better fields amends it)."""
        return record

    # ----- errors -------------------------------------------------------------------------

    def article_failed(self, failure: Failure) -> Iterator[Any]:
        request = failure.request  # type: ignore[attr-defined]
        if failure.check(RobotsRefused):
            yield self._refused_by_robots(request)
            return
        url = self.site.canonicalize(request.url) or request.url
        if failure.check(RedirectedAway):
            archived = self.frontier.archived_url(url) if self.frontier else None
            if archived is not None:
                # An archived article now sent to the home page or a listing: taken down.
                yield RemovedItem(archived, f"redirected: {failure.value}")
                return
        refused = _refusal(failure)
        if refused is not None:
            # Permanent until the site changes: quarantined with the reason (the 3xx or the
            # oversized response's headers are in the WARC), not retried every run. Under the
            # URL that was asked for, not a hop of its redirect chain.
            first = _asked_url(request)
            yield QuarantineItem(self.site.canonicalize(first) or first, *refused)
            return
        if failure.check(HttpError):
            response = failure.value.response
            fallback = request.meta.get(GUESSED_FROM)
            if response.status in (404, 410) and fallback is not None:
                # Not in the current form after all: ask for the link as the page gave it.
                assert self.frontier is not None
                self.frontier.guess_missed()
                self.crawler.stats.inc_value("humas/current_form_missed")
                yield self._fetch_article(fallback, {DEFER_CAPTURE: True})
                return
            if response.status in (404, 410):
                archived = self.frontier.archived_url(url) if self.frontier else None
                if archived is not None:
                    # An archived article gone from the site: removed, its text kept.
                    yield RemovedItem(archived, f"{request.url} answered {response.status}")
                    return
                # Gone for good: quarantined with its reason, not retried every run.
                yield QuarantineItem(
                    url, f"http-{response.status}", f"{request.url} answered {response.status}"
                )
                return
        error = _error_text(failure)
        self.crawler.stats.inc_value("humas/fetch_error")
        logger.warning("could not fetch %s (%s); it will be retried next run", url, error)
        yield FetchFailedItem(url, error)

    def listing_failed(self, failure: Failure) -> Iterator[Any]:
        request = failure.request  # type: ignore[attr-defined]
        if failure.check(RobotsRefused):
            yield self._refused_by_robots(request)
            return
        if failure.check(HttpError) and failure.value.response.status in (404, 410):
            # A dead menu link is the site's problem, not a failed fetch: noted, not alarmed.
            self.crawler.stats.inc_value("humas/listing_missing")
            logger.info("listing %s answered %s", request.url, failure.value.response.status)
            return
        refused = _refusal(failure)
        if refused is not None:
            yield QuarantineItem(_asked_url(request), *refused)
            return
        self.crawler.stats.inc_value("humas/listing_error")
        error = _error_text(failure)
        logger.warning(
            "could not fetch listing %s (%s); it will be retried next run", request.url, error
        )
        yield FetchFailedItem(_asked_url(request), error)

    def _refused_by_robots(self, request: Request) -> RobotsRefusedItem:
        """A decision, not a failure: nothing to retry (a failure kept from before is dropped)."""
        first = _asked_url(request)
        return RobotsRefusedItem(self.site.canonicalize(first) or first)

    def closed(self, reason: str) -> None:
        self.extractor.close()

    def optional_failed(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        logger.debug("optional %s not available: %s", request.url, failure.getErrorMessage())


def _text_of(response: TextResponse) -> str:
    """The page's text, decoded by what its bytes are rather than by a wrong charset label
    (Scrapy has undone the Content-Encoding already)."""
    content_type = response.headers.get(b"Content-Type")
    return decode_page(response.body, content_type.decode("latin-1") if content_type else None)


def _asked_url(request: Request | Response) -> str:
    """The URL a request (or response) started as, before any redirect: what a failure is kept
    under, so the next run asks for it again."""
    return (request.meta.get("redirect_urls") or [request.url])[0]


def _error_text(failure: Failure) -> str:
    """What `fetch_failures.last_error` says: `HTTP 503`, `DownloadTimeoutError: ...`."""
    if failure.check(HttpError):
        return f"HTTP {failure.value.response.status}"
    return f"{failure.type.__name__}: {failure.getErrorMessage()}"


def _refusal(failure: Failure) -> tuple[str, str] | None:
    """(quarantine reason, detail) of a fetch refused for good: a bad redirect, a huge response."""
    if failure.check(RefusedRedirect):
        return failure.value.reason, str(failure.value)
    if failure.check(DownloadCancelledError):
        # Scrapy cancels a download above DOWNLOAD_MAXSIZE.
        return "too-large", failure.getErrorMessage()
    return None
