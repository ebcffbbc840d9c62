"""Scrapy extensions: the run record (lock, status, monitoring) and progress reporting."""

from __future__ import annotations

import logging
import sys
import time
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from humas_crawler.crawl.archive import Archive
from humas_crawler.crawl.monitor import DEFAULT_THRESHOLDS, MONITORED_FIELDS, Coverage, evaluate

logger = logging.getLogger(__name__)

EXIT_CODES = {"ok": 0, "failed": 1, "locked": 2, "degraded": 3, "interrupted": 1}


class RunRecorder:
    """Open the archive for the run (lock, store, WARC) and record how the run ended.

    At the end it judges coverage and error rate (`humas_crawler.crawl.monitor`) and stores the
    status (`ok`, `degraded`, `failed`, `interrupted`), the counts and Scrapy's stats in
    `crawl_runs`.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.archive = Archive.of(crawler)
        self.coverage = Coverage.of(crawler)
        spider = crawler.spider
        self.archive.open(
            mode=getattr(spider, "mode", "incremental"),
            base_url=getattr(spider, "base_url", None) or crawler.settings.get("HUMAS_BASE_URL"),
        )
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunRecorder:
        if crawler.spider is None or not hasattr(crawler.spider, "frontier"):
            raise NotConfigured("RunRecorder only records humas-crawler spiders.")
        return cls(crawler)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        stats = self.crawler.stats
        settings = self.crawler.settings
        values = stats.get_stats()
        requests = int(values.get("downloader/request_count", 0))
        responses = int(values.get("downloader/response_count", 0))
        errors = int(values.get("humas/fetch_error", 0)) + int(values.get("humas/listing_error", 0))
        verdict = evaluate(
            self.coverage,
            article_pages=int(values.get("humas/article_requested", 0))
            - int(values.get("humas/fetch_error", 0)),
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
        if reason == "archive-error":
            status = "failed"
            problems.insert(
                0, f"the archive could not be written: {values.get('humas/archive_error')}"
            )
        elif reason != "finished":
            status = "interrupted"
            problems.insert(0, f"the crawl was stopped before it finished ({reason})")
        elif responses == 0:
            status = "failed"
            where = self.archive.site.base_url if self.archive.site else "the site"
            problems.insert(0, f"no response from {where}")
        else:
            status = verdict.status
        for name in MONITORED_FIELDS:
            stats.set_value(f"humas/coverage/{name}", round(self.coverage.ratio(name), 4))
        stats.set_value("humas/status", status)
        stats.set_value("humas/problems", problems)
        counts = {
            "requests": requests,
            "articles_new": int(values.get("humas/article_new", 0)),
            "articles_changed": int(values.get("humas/article_changed", 0)),
            "articles_unchanged": int(values.get("humas/article_unchanged", 0)),
            "errors": errors,
            "quarantined": int(values.get("humas/quarantined", 0)),
        }
        store = self.archive.store
        if store is not None and self.archive.run_id is not None:
            store.runs.finish(
                self.archive.run_id,
                status=status,
                counts=counts,
                stats=stats.get_stats(),
                message="; ".join(problems) or None,
            )
        for problem in problems:
            logger.error("run %s %s: %s", self.archive.run_id, status, problem)
        self.archive.close()


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
