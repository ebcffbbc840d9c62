"""Run one crawl in this process (what `humas-crawler crawl` does) and report how it ended."""

from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings
from twisted.python.failure import Failure

from humas_crawler.archive.errors import StoreError
from humas_crawler.archive.lock import CrawlLock, LockHeld
from humas_crawler.archive.store import Store
from humas_crawler.crawl.extensions import EXIT_CODES
from humas_crawler.crawl.spider import KaltimprovSpider

logger = logging.getLogger(__name__)

# Scrapy saves a JOBDIR's queue of pending requests only when the crawl stops cleanly, while it
# appends every request it schedules to `requests.seen` as it goes. A crawl killed with -9 (or
# by a power cut) thus leaves the seen list without the queue, and resuming from it filters out
# every request that was queued but never fetched: the resumed run makes no request at all. A
# clean stop leaves this mark; a JOBDIR without it is discarded.
CLEAN_STOP_MARK = "humas-stopped-cleanly"
JOBDIR_FILES = ("requests.seen", "requests.queue", "spider.state")  # what Scrapy keeps there


@dataclass
class CrawlOptions:
    db: Path
    base_url: str
    mode: str = "incremental"
    revisit_days: int = 7
    max_articles: int | None = None
    delay: float = 1.0
    concurrency: int = 2
    jobdir: Path | None = None
    warc_dir: Path = Path("data/warc")
    log_level: str = "INFO"
    extra_settings: dict[str, Any] = field(default_factory=dict)


@dataclass
class CrawlOutcome:
    exit_code: int
    status: str
    run: dict[str, Any] | None = None
    problems: list[str] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)


def build_settings(options: CrawlOptions, lock: CrawlLock | None = None) -> Settings:
    settings = Settings()
    settings.setmodule("humas_crawler.crawl.settings", priority="project")
    values: dict[str, Any] = {
        "HUMAS_DB": str(options.db),
        "HUMAS_WARC_DIR": str(options.warc_dir),
        "DOWNLOAD_DELAY": options.delay,
        "CONCURRENT_REQUESTS_PER_DOMAIN": options.concurrency,
        "CONCURRENT_REQUESTS": max(16, options.concurrency),
        # AutoThrottle aims at the concurrency asked for, never faster than --delay.
        "AUTOTHROTTLE_START_DELAY": max(options.delay, 0.0),
        "AUTOTHROTTLE_TARGET_CONCURRENCY": float(options.concurrency),
        "LOG_LEVEL": options.log_level,
        "HUMAS_LOCK": lock,
    }
    if options.jobdir is not None:
        values["JOBDIR"] = str(options.jobdir)
    values.update(options.extra_settings)
    settings.setdict(values, priority="cmdline")
    return settings


def run_crawl(options: CrawlOptions) -> CrawlOutcome:
    """Crawl once; the outcome's exit code is 0 ok, 1 failed, 2 locked, 3 degraded."""
    lock = CrawlLock(options.db)
    try:
        lock.acquire({"base_url": options.base_url, "mode": options.mode})
    except LockHeld as exc:
        return CrawlOutcome(EXIT_CODES["locked"], "locked", problems=[str(exc)])
    try:
        # Open once up front: a corrupt or unwritable archive is a clear error, not a traceback.
        Store.open(options.db).close()
        process = CrawlerProcess(build_settings(options, lock))
        if options.jobdir is not None:
            take_jobdir(options.jobdir)  # after CrawlerProcess: its log handler shows the warning
        crawler = process.create_crawler(KaltimprovSpider)
        errors: list[str] = []

        def failed(failure: Failure) -> None:
            errors.append(failure.getErrorMessage() or failure.type.__name__)

        deferred = process.crawl(
            crawler,
            base_url=options.base_url,
            mode=options.mode,
            revisit_days=options.revisit_days,
            max_articles=options.max_articles,
        )
        deferred.addErrback(failed)
        process.start()
        stopped = crawler.stats.get_value("humas/status") if crawler.stats else None
        if stopped == "interrupted" and not errors and options.jobdir and options.jobdir.is_dir():
            # Still under the lock: no other crawl can take the directory meanwhile.
            (options.jobdir / CLEAN_STOP_MARK).touch()
    except StoreError as exc:
        return CrawlOutcome(EXIT_CODES["failed"], "failed", problems=[str(exc)])
    finally:
        if lock.held:
            lock.release()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    if errors:
        return CrawlOutcome(EXIT_CODES["failed"], "failed", problems=errors, stats=stats)
    status = stats.get("humas/status", "failed")
    if options.jobdir is not None and status != "interrupted" and options.jobdir.exists():
        # A JOBDIR remembers every request as seen: once its crawl has finished, keeping it would
        # make the next scheduled run with the same --jobdir filter out everything.
        shutil.rmtree(options.jobdir)
    run = None
    with Store.open(options.db) as store:
        runs = store.runs.last(1)
        run = runs[0] if runs else None
    return CrawlOutcome(
        EXIT_CODES.get(status, 1),
        status,
        run=run,
        problems=list(stats.get("humas/problems", [])),
        stats=stats,
    )


def take_jobdir(jobdir: Path) -> None:
    """Make `jobdir` this run's: what a crawl that did not stop cleanly left there is discarded.

    Without its queue, a rerun starts from the listings again; as after any interrupted run it
    paginates every listing to the end, so the archive is completed all the same.
    """
    mark = jobdir / CLEAN_STOP_MARK
    left = [jobdir / name for name in JOBDIR_FILES if (jobdir / name).exists()]
    if left and not mark.exists():
        logger.warning(
            "%s was left by a crawl that did not stop cleanly (killed?): its saved queue is "
            "incomplete, so it is discarded and this crawl starts afresh",
            jobdir,
        )
        for path in left:
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()
    # A crawl killed from now on must leave no mark behind.
    mark.unlink(missing_ok=True)
