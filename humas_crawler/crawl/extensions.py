"""Scrapy extensions: the run record (status, monitoring) and progress reporting.

The archive itself (lock, store, WARC) is crawl/archive.CrawlArchive.
"""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from humas_crawler.archive.cdxj import write_index
from humas_crawler.archive.errors import StoreError
from humas_crawler.crawl.archive import ARCHIVE_ERROR, CrawlArchive
from humas_crawler.crawl.frontier import CATEGORY_SWEEP_STAT
from humas_crawler.crawl.monitor import (
    DEFAULT_THRESHOLDS,
    MONITORED_FIELDS,
    Coverage,
    evaluate,
    settle,
)
from humas_crawler.crawl.pipelines import CoveragePipeline
from humas_crawler.crawl.reachability import CAUSE_STAT
from humas_crawler.crawl.robots import REFUSED_STAT as ROBOTS_REFUSED
from humas_crawler.defaults import feeds_dir_for
from humas_crawler.revisions.feeds import write_feeds

logger = logging.getLogger(__name__)


class RunRecorder:
    """Judge how the run went and record it: status, counts and Scrapy's stats in `crawl_runs`.

    At `spider_closed` it judges coverage and error rate (`humas_crawler.crawl.monitor`) and
    gives the run its status (`ok`, `degraded`, `failed`, `interrupted`; `failed` too when the
    archive could not be opened or written), in the stats (`humas/status`, `humas/problems`) and,
    through the `CrawlArchive`, in the run's row.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunRecorder:
        return cls(crawler)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        archive = self.crawler.get_extension(CrawlArchive)
        if archive is None:
            logger.error("no CrawlArchive extension: the run is not recorded")
            return
        stats = self.crawler.stats
        settings = self.crawler.settings
        pipeline = self.crawler.get_item_pipeline(CoveragePipeline)
        coverage = pipeline.coverage if pipeline is not None else Coverage()
        values = stats.get_stats()
        requests = int(values.get("downloader/request_count", 0))
        responses = int(values.get("downloader/response_count", 0))
        errors = int(values.get("humas/fetch_error", 0)) + int(values.get("humas/listing_error", 0))
        verdict = evaluate(
            coverage,
            # Article pages that answered, not those queued.
            article_pages=int(values.get("humas/article_pages", 0)),
            requests=requests,
            errors=errors,
            thresholds={
                name: settings.getfloat(
                    f"HUMAS_MIN_COVERAGE_{name.upper()}", DEFAULT_THRESHOLDS[name]
                )
                for name in MONITORED_FIELDS
            },
            max_error_rate=settings.getfloat("HUMAS_MAX_ERROR_RATE", 0.10),
            min_sample=settings.getint("HUMAS_MONITOR_MIN_ARTICLES", 5),
        )
        problems = list(verdict.problems)
        if reason == ARCHIVE_ERROR and archive.open_error is not None:
            status = "failed"
            problems.insert(0, archive.open_error)
        elif reason == ARCHIVE_ERROR:
            status = "failed"
            problems.insert(
                0, f"the archive could not be written: {values.get('humas/archive_error')}"
            )
        else:
            where = archive.site.base_url if archive.site else "the site"
            status, problems = settle(
                reason, verdict, responses=responses, where=where, cause=values.get(CAUSE_STAT)
            )
        for name in MONITORED_FIELDS:
            stats.set_value(f"humas/coverage/{name}", round(coverage.ratio(name), 4))
        stats.set_value("humas/status", status)
        stats.set_value("humas/problems", problems)
        counts = {
            "requests": requests,
            "articles_new": int(values.get("humas/article_new", 0)),
            "articles_changed": int(values.get("humas/article_changed", 0)),
            "articles_unchanged": int(values.get("humas/article_unchanged", 0)),
            "errors": errors,
            "quarantined": int(values.get("humas/quarantined", 0)),
            "robots_refused": int(values.get(ROBOTS_REFUSED, 0)),
        }
        archive.finish_run(
            status=status,
            counts=counts,
            stats=stats.get_stats(),
            message="; ".join(problems) or None,
            category_sweep=bool(values.get(CATEGORY_SWEEP_STAT)),
        )
        for problem in problems:
            logger.error("run %s %s: %s", archive.run_id, status, problem)


class FeedWriter:
    """After a run that stored something (new, changed, removed or restored articles), rewrite
    the archive's Atom feeds (`new.atom`, `changed.atom`) in HUMAS_FEEDS_DIR (default `feeds`
    beside the database). HUMAS_FEEDS = False (`crawl --no-feeds`) turns it off. A feed that
    cannot be written is an error in the log, not a failed run: the archive itself is whole.
    """

    def __init__(self, crawler: Crawler, out_dir: Path | None) -> None:
        self.crawler = crawler
        self.out_dir = out_dir
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FeedWriter:
        settings = crawler.settings
        if not settings.getbool("HUMAS_FEEDS", True):
            raise NotConfigured("HUMAS_FEEDS is off.")
        out_dir = settings.get("HUMAS_FEEDS_DIR")
        return cls(crawler, Path(out_dir) if out_dir else None)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        archive = self.crawler.get_extension(CrawlArchive)
        values = self.crawler.stats.get_stats()
        stored = sum(int(values.get(f"humas/article_{k}", 0)) for k in _STORED)
        if archive is None or archive.store is None or archive.site is None or not stored:
            return
        out_dir = self.out_dir or feeds_dir_for(archive.db_path)
        try:
            write_feeds(archive.store, out_dir, site_url=archive.site.base_url)
        except (OSError, StoreError) as exc:
            logger.error("the feeds could not be written to %s: %s", out_dir, exc)
            return
        logger.info("feeds written to %s", out_dir)


class CdxjWriter:
    """When the engine stops (the WARC files closed), rewrite `index.cdxj` beside them, so
    that pywb serves the WARC directory in place (HUMAS_CDXJ = False turns it off). An index
    that cannot be written is an error in the log, not a failed run."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        crawler.signals.connect(self.engine_stopped, signal=signals.engine_stopped)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CdxjWriter:
        if not crawler.settings.getbool("HUMAS_CDXJ", True):
            raise NotConfigured("HUMAS_CDXJ is off.")
        return cls(crawler)

    def engine_stopped(self) -> None:
        archive = self.crawler.get_extension(CrawlArchive)
        if archive is None or not archive.warc_dir.is_dir():
            return
        if archive.shared.users > 0:
            # Other sites of this process still write the shared WARC file: the last crawl to
            # stop indexes every file once, all of them closed.
            return
        try:
            path, lines = write_index(archive.warc_dir)
        except (OSError, ValueError) as exc:
            logger.error("the CDXJ index of %s could not be written: %s", archive.warc_dir, exc)
            return
        logger.info("CDXJ index written: %s (%d records)", path, lines)


# What makes a run worth new feeds: humas/article_<outcome> counts.
_STORED = ("new", "changed", "removed", "restored")


class Progress:
    """A live status line on a terminal, periodic log lines otherwise, and a final summary."""

    def __init__(self, crawler: Crawler, interval: float, live: bool) -> None:
        self.crawler = crawler
        self.interval = interval
        self.live = live
        self.started = time.monotonic()
        self.loop: task.LoopingCall | None = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Progress:
        settings = crawler.settings
        if not settings.getbool("HUMAS_PROGRESS_ENABLED", True):
            raise NotConfigured("HUMAS_PROGRESS_ENABLED is off.")
        live = sys.stderr.isatty() and settings.getbool("HUMAS_PROGRESS_LIVE", True)
        interval = 1.0 if live else settings.getfloat("HUMAS_PROGRESS_INTERVAL", 30.0)
        return cls(crawler, interval, live)

    def line(self) -> str:
        values: dict[str, Any] = self.crawler.stats.get_stats()
        pages = int(values.get("downloader/response_count", 0))
        elapsed = max(time.monotonic() - self.started, 1e-6)
        return (
            f"pages {pages} | new {values.get('humas/article_new', 0)}"
            f" changed {values.get('humas/article_changed', 0)}"
            f" unchanged {values.get('humas/article_unchanged', 0)}"
            f" | errors {values.get('humas/fetch_error', 0) + values.get('humas/listing_error', 0)}"
            f" | failed attempts {values.get('downloader/exception_count', 0)}"
            f" | {pages / elapsed:.1f} pages/s"
        )

    def spider_opened(self, spider: Spider) -> None:
        self.started = time.monotonic()
        self.loop = task.LoopingCall(self.report)
        self.loop.start(self.interval, now=False)

    def report(self) -> None:
        if self.live:
            sys.stderr.write("\r\033[K" + self.line())
            sys.stderr.flush()
        else:
            logger.info("progress: %s", self.line())

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        if self.live:
            sys.stderr.write("\r\033[K")
        logger.info("finished (%s): %s", reason, self.line())
