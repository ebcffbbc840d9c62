"""A Scrapy extension that keeps a JOBDIR safe to resume from, and gone once its crawl is done."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

logger = logging.getLogger(__name__)

# Scrapy saves a JOBDIR's queue of pending requests only when the crawl stops cleanly, while it
# appends every request it schedules to `requests.seen` as it goes. A crawl killed with -9 (or
# by a power cut) thus leaves the seen list without the queue, and resuming from it filters out
# every request that was queued but never fetched: the resumed run makes no request at all. A
# clean stop leaves this mark; a JOBDIR without it is discarded.
CLEAN_STOP_MARK = "humas-stopped-cleanly"
JOBDIR_FILES = ("requests.seen", "requests.queue", "spider.state")  # what Scrapy keeps there


class JobdirGuard:
    """With a JOBDIR: discard what a crawl that did not stop cleanly left there, mark a clean
    stop (interrupted: resume from it), remove the directory once a run has ended otherwise
    (a JOBDIR remembers every request as seen: kept, it would make the next run with the same
    --jobdir filter out everything).

    Built after `CrawlArchive` (a higher EXTENSIONS priority), which takes the archive's lock
    when it is built (or stops the crawl): no other crawl of the archive can use the directory
    meanwhile.
    """

    def __init__(self, crawler: Crawler, jobdir: Path) -> None:
        self.crawler = crawler
        self.jobdir = jobdir
        take_jobdir(jobdir)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> JobdirGuard:
        jobdir = crawler.settings.get("JOBDIR")
        if not jobdir:
            raise NotConfigured("no JOBDIR: nothing to resume from.")
        return cls(crawler, Path(jobdir))

    def spider_closed(self, spider: Spider, reason: str) -> None:
        # After the scheduler saved its queue and SpiderState its state; after the RunRecorder
        # gave the run its status (a lower EXTENSIONS priority connects first).
        status = self.crawler.stats.get_value("humas/status")
        if status == "interrupted":
            if self.jobdir.is_dir():
                (self.jobdir / CLEAN_STOP_MARK).touch()
        elif self.jobdir.exists():
            shutil.rmtree(self.jobdir)


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
