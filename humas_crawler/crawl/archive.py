"""The archive of one crawl, as a Scrapy extension: the lock, the store, the run row, the WARC.

Every other component of the crawl finds it with `crawler.get_extension(CrawlArchive)`.
"""

from __future__ import annotations

import logging
import os
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy import Spider, signals
from scrapy.exceptions import CloseSpider

from humas_crawler import __version__
from humas_crawler.archive.errors import StoreError
from humas_crawler.archive.lock import CrawlLock, LockError
from humas_crawler.archive.schema import utc_timestamp
from humas_crawler.archive.store import Store
from humas_crawler.archive.warc import WarcWriter
from humas_crawler.crawl.frontier import Memory
from humas_crawler.defaults import WARC_MAX_BYTES, default_db_path, warc_dir_for
from humas_crawler.normalize import Site, Taxonomy

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

# Why a crawl stopped before it began (the spider's close reason; the run's status).
LOCKED = "locked"
ARCHIVE_ERROR = "archive-error"


@dataclass
class _Shared:
    """What the crawls of one process share of one archive: several sites crawled at once
    (one crawler each) hold one lock, one store and one WARC writer."""

    lock: CrawlLock
    store: Store | None = None
    warc: WarcWriter | None = None
    users: int = 0
    interrupted_runs: int = 0


_SHARED: dict[Path, _Shared] = {}


def _shared(db_path: Path) -> _Shared:
    """The process's share of the archive at `db_path`, its lock taken by the first user."""
    key = db_path.resolve()
    shared = _SHARED.get(key)
    if shared is None:
        shared = _Shared(CrawlLock(db_path))
        _SHARED[key] = shared
    return shared


class CrawlArchive:
    """The archive a crawl writes into, opened once and closed once.

    - When the crawler is built (`from_crawler`), the crawl lock is taken: before any other
      component exists, so a second crawl of the same archive stops before it touches anything
      (not even a JOBDIR the first one is using). A held lock raises `LockHeld`.
    - When the spider opens, the store is opened (created, migrated), runs that never finished
      are marked `interrupted`, this run's row is started, the taxonomy synced and the WARC
      writer opened; what the frontier needs to know of the archive is read once (`memory`).
      An archive that cannot be opened closes the spider (reason `archive-error`).
    - When the engine stops, after every `spider_closed` handler (the run recorder writes the
      run's end then), the WARC writer, the store and the lock are closed.
    """

    def __init__(
        self,
        db_path: Path,
        warc_dir: Path,
        *,
        warc_max_bytes: int = WARC_MAX_BYTES,
        warc_fsync: bool = False,
    ) -> None:
        self.db_path = db_path
        self.warc_dir = warc_dir
        self.warc_max_bytes = warc_max_bytes
        self.warc_fsync = warc_fsync
        self.shared = _shared(db_path)
        self.lock = self.shared.lock
        self.shared.users += 1
        self.store: Store | None = None
        self.warc: WarcWriter | None = None
        self.site: Site | None = None
        self.run_id: int | None = None
        self.memory: Memory | None = None
        self.interrupted_runs = 0
        self.open_error: str | None = None  # why the archive could not be opened
        self.finished_run: dict[str, Any] | None = None  # the run row as the run ended

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlArchive:
        settings = crawler.settings
        db_path = Path(settings.get("HUMAS_DB") or default_db_path())
        archive = cls(
            db_path=db_path,
            warc_dir=Path(settings.get("HUMAS_WARC_DIR") or warc_dir_for(db_path)),
            warc_max_bytes=settings.getint("HUMAS_WARC_MAX_BYTES", WARC_MAX_BYTES),
            warc_fsync=settings.getbool("HUMAS_WARC_FSYNC", False),
        )
        spider = crawler.spider
        if not archive.lock.held:
            try:
                archive.lock.acquire(
                    {
                        **_process_info(),
                        "base_url": getattr(spider, "base_url", None),
                        "mode": getattr(spider, "mode", None),
                    }
                )
            except BaseException:
                archive.close()
                raise
        crawler.signals.connect(archive.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(archive.engine_stopped, signal=signals.engine_stopped)
        return archive

    @staticmethod
    def check(db_path: Path) -> None:
        """Fail now, before any crawl machinery starts, if the crawl could not open the archive:
        `LockHeld` when another crawl or reparse holds it, `StoreError` when the file is corrupt,
        foreign, newer or read-only. Creates (and migrates) the archive as the crawl would, and
        keeps nothing open or locked: the crawl itself then opens it once (a lock taken by
        someone else in between still stops it, with the same error, from `from_crawler`)."""
        lock = CrawlLock(db_path)
        lock.acquire(_process_info())
        try:
            Store.open(db_path).close()
        finally:
            lock.release()

    @property
    def is_open(self) -> bool:
        return self.store is not None

    def spider_opened(self, spider: Spider) -> None:
        try:
            self.open(
                mode=getattr(spider, "mode", "incremental"),
                base_url=spider.base_url,
                site=getattr(spider, "site", None),
                spider=spider,
            )
        except (StoreError, LockError, OSError) as exc:
            self.open_error = " ".join(str(exc).split())
            logger.error("the archive cannot be opened: %s", self.open_error)
            self.close()
            raise CloseSpider(ARCHIVE_ERROR) from exc

    def open(
        self, *, mode: str, base_url: str, site: Site | None = None, spider: Spider | None = None
    ) -> None:
        """Open the store, note dead runs as interrupted, start this run, open the WARC writer."""
        self.site = site or Site.from_base_url(base_url)
        shared = self.shared
        first = shared.store is None
        if first:
            shared.store = Store.open(self.db_path)
        self.store = shared.store
        assert self.store is not None
        if first:
            newest = self.store.captures.newest_warc_file()
            if newest and not (self.warc_dir / newest).exists():
                logger.warning(
                    "the archive's newest capture is in %s, which is not in %s: earlier runs"
                    " wrote their WARC files elsewhere (give that directory with --warc-dir)",
                    newest,
                    self.warc_dir,
                )
        previous = self.store.runs.last_of(self.site.base_url)
        if first:
            # Only the first crawl of the process: the others' runs are its siblings, alive.
            shared.interrupted_runs = self.store.runs.mark_interrupted()
            if shared.interrupted_runs:
                logger.warning(
                    "%d earlier run(s) never finished (killed or crashed): marked interrupted;"
                    " this run paginates every listing to the end to fill the gaps",
                    shared.interrupted_runs,
                )
        self.interrupted_runs = shared.interrupted_runs
        last_status = (
            "interrupted" if self.interrupted_runs else (previous["status"] if previous else None)
        )
        self.memory = Memory(
            known=self.store.articles.known(),
            failed=set(self.store.failures.urls()),
            redirects=self.store.captures.redirects(),
            resume=last_status in ("interrupted", "failed"),
            last_category_sweep=self.store.runs.last_category_sweep(self.site.base_url),
        )
        self.run_id = self.store.runs.start(mode, self.site.base_url, site=self.site.name)
        self.store.sites.remember(
            self.site.name,
            base_url=self.site.base_url,
            timezone=self.site.zone,
            cms=getattr(spider, "cms", "custom") if spider is not None else "custom",
            article_paths=self.site.article_path_prefixes,
            article_pattern=self.site.article_pattern,
            listings=tuple(getattr(spider, "listings", ())),
            trailing_slash=self.site.trailing_slash,
        )
        self.lock.update(run_id=self.run_id)
        if first:
            self.store.categories.sync(Taxonomy.default())
            shared.warc = WarcWriter(
                self.warc_dir,
                max_bytes=self.warc_max_bytes,
                fsync=self.warc_fsync,
                warcinfo={"isPartOf": f"humas-crawler run {self.run_id}", "robots": "obey"},
            )
        self.warc = shared.warc

    def finish_run(
        self,
        *,
        status: str,
        counts: dict[str, int],
        stats: dict[str, Any],
        message: str | None,
        category_sweep: bool = False,
    ) -> None:
        """Record how the run ended (its row keeps `running` if the process dies first)."""
        if self.store is None or self.run_id is None:
            return
        self.store.runs.finish(
            self.run_id,
            status=status,
            counts=counts,
            stats=stats,
            message=message,
            category_sweep=category_sweep,
        )
        self.finished_run = self.store.runs.get(self.run_id)

    def engine_stopped(self) -> None:
        self.close()

    def close(self) -> None:
        """Let go of the archive; the last of the process's crawls to do so closes the WARC
        writer, the store and the lock (each once; safe to call again)."""
        self.warc = None
        self.store = None
        shared = self.shared
        if shared.users == 0:
            return
        shared.users -= 1
        if shared.users > 0:
            return
        if shared.warc is not None:
            shared.warc.close()
            shared.warc = None
        if shared.store is not None:
            shared.store.close()
            shared.store = None
        if shared.lock.held:
            shared.lock.release()
        _SHARED.pop(self.db_path.resolve(), None)


def _process_info() -> dict[str, Any]:
    return {
        "pid": os.getpid(),
        "started_at": utc_timestamp(),
        "host": socket.gethostname(),
        "software": f"humas-crawler/{__version__}",
    }
