"""Run one crawl in this process (what `humas-crawler crawl` does) and report how it ended."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings
from twisted.python.failure import Failure

from humas_crawler.archive.errors import StoreError
from humas_crawler.archive.lock import LockError, LockHeld
from humas_crawler.crawl.archive import LOCKED, CrawlArchive
from humas_crawler.crawl.spider import KaltimprovSpider
from humas_crawler.crawl.wordpress import WordPressSpider
from humas_crawler.defaults import CATEGORY_SWEEP_DAYS, EXIT_ERROR, RUN_EXIT_CODES, warc_dir_for
from humas_crawler.normalize.urls import WORDPRESS_ARTICLE_PATTERN

logger = logging.getLogger(__name__)


@dataclass
class CrawlOptions:
    db: Path
    base_url: str
    mode: str = "incremental"
    revisit_days: int = 7
    category_sweep_days: int = CATEGORY_SWEEP_DAYS
    max_articles: int | None = None
    delay: float = 1.0
    concurrency: int = 2
    jobdir: Path | None = None
    warc_dir: Path | None = None  # None: `warc` beside the database
    log_level: str = "INFO"
    extra_settings: dict[str, Any] = field(default_factory=dict)
    # The site as its registry entry (or a probe) describes it; None: Kaltim's defaults.
    site_name: str | None = None
    zone: str | None = None
    cms: str = "custom"
    api: bool = True  # WordPress: the REST API answers
    article_paths: tuple[str, ...] = ()
    listings: tuple[str, ...] = ()

    def spider(self) -> tuple[type[KaltimprovSpider], dict[str, Any]]:
        """The spider class of the site's CMS family and its arguments."""
        kwargs: dict[str, Any] = {
            "base_url": self.base_url,
            "mode": self.mode,
            "revisit_days": self.revisit_days,
            "category_sweep_days": self.category_sweep_days,
            "max_articles": self.max_articles,
            "site_name": self.site_name,
            "zone": self.zone,
            "article_paths": self.article_paths or None,
            "listings": self.listings or None,
            "cms": self.cms,
        }
        if self.cms == "wordpress":
            kwargs.update(
                api=self.api,
                article_pattern=WORDPRESS_ARTICLE_PATTERN,
                trailing_slash=True,
                listings=self.listings or ("/",),
            )
            return WordPressSpider, kwargs
        return KaltimprovSpider, kwargs


@dataclass
class CrawlOutcome:
    exit_code: int
    status: str  # the run's status, or `locked` when another crawl held the archive
    run: dict[str, Any] | None = None  # the run's row as it ended; None when no run started
    problems: list[str] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)


def build_settings(options: CrawlOptions) -> Settings:
    settings = Settings()
    settings.setmodule("humas_crawler.crawl.settings", priority="project")
    values: dict[str, Any] = {
        "HUMAS_DB": str(options.db),
        "HUMAS_WARC_DIR": str(options.warc_dir or warc_dir_for(options.db)),
        "DOWNLOAD_DELAY": options.delay,
        "CONCURRENT_REQUESTS_PER_DOMAIN": options.concurrency,
        "CONCURRENT_REQUESTS": max(16, options.concurrency),
        # AutoThrottle aims at the concurrency asked for, never faster than --delay.
        "AUTOTHROTTLE_START_DELAY": max(options.delay, 0.0),
        "AUTOTHROTTLE_TARGET_CONCURRENCY": float(options.concurrency),
        "LOG_LEVEL": options.log_level,
    }
    if options.jobdir is not None:
        values["JOBDIR"] = str(options.jobdir)
    values.update(options.extra_settings)
    settings.setdict(values, priority="cmdline")
    return settings


def run_crawl(options: CrawlOptions) -> CrawlOutcome:
    """Crawl once; the outcome's exit code is 0 ok, 1 failed, 2 locked, 3 degraded."""
    return run_crawls([options])[0]


def preflight(db: Path) -> CrawlOutcome | None:
    """Why a crawl of the archive `db` cannot start (a held lock, a broken, foreign or read-only
    archive) as one clear error before Scrapy starts and logs; None when it can."""
    try:
        CrawlArchive.check(db)
    except LockHeld as exc:
        return CrawlOutcome(RUN_EXIT_CODES[LOCKED], LOCKED, problems=[str(exc)])
    except (StoreError, LockError) as exc:
        return CrawlOutcome(EXIT_ERROR, "failed", problems=[str(exc)])
    return None


def run_crawls(sites: list[CrawlOptions], *, checked: bool = False) -> list[CrawlOutcome]:
    """Crawl several sites into one archive in one Scrapy process, one crawler (and one run row,
    one politeness slot, one monitor) per site; an outcome per site, in order. `checked`: the
    caller ran `preflight` already."""
    db = sites[0].db
    if any(options.db != db for options in sites):
        raise ValueError("the sites of one crawl share one archive")
    refused = None if checked else preflight(db)
    if refused is not None:
        return [refused for _ in sites]
    process = CrawlerProcess(build_settings(sites[0]))
    crawlers: list[tuple[Crawler, list[Failure]]] = []
    for number, options in enumerate(sites):
        spider, arguments = options.spider()
        # Each crawler has its own settings (a JOBDIR per site); the first installs the reactor,
        # as the process's own would.
        crawler = Crawler(spider, build_settings(options), init_reactor=number == 0)
        errors: list[Failure] = []
        process.crawl(crawler, **arguments).addErrback(errors.append)
        crawlers.append((crawler, errors))
    process.start()
    return [_outcome(crawler, errors) for crawler, errors in crawlers]


def _outcome(crawler: Crawler, errors: list[Failure]) -> CrawlOutcome:
    archive = _archive_of(crawler)
    stats = crawler.stats.get_stats() if crawler.stats else {}
    if errors:
        failure = errors[0]
        if archive is not None:
            archive.close()  # a crawl that failed to start never stopped its engine
        message = failure.getErrorMessage() or failure.type.__name__
        if failure.check(LockHeld):
            return CrawlOutcome(RUN_EXIT_CODES[LOCKED], LOCKED, problems=[message])
        if failure.check(StoreError, LockError):
            return CrawlOutcome(EXIT_ERROR, "failed", problems=[message])
        return CrawlOutcome(
            EXIT_ERROR, "failed", problems=[f.getErrorMessage() for f in errors], stats=stats
        )
    status = stats.get("humas/status", "failed")
    return CrawlOutcome(
        RUN_EXIT_CODES.get(status, EXIT_ERROR),
        status,
        run=archive.finished_run if archive is not None else None,
        problems=list(stats.get("humas/problems", [])),
        stats=stats,
    )


def _archive_of(crawler: Crawler) -> CrawlArchive | None:
    """The crawl's archive component; None when the crawl stopped before it was built."""
    try:
        return crawler.get_extension(CrawlArchive)
    except RuntimeError:  # the extension manager was never built
        return None
