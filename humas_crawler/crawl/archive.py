"""What the components of one crawl share: the lock, the store, the WARC writer, the run."""

from __future__ import annotations

import logging
import os
import socket
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from humas_crawler import __version__
from humas_crawler.archive.lock import CrawlLock
from humas_crawler.archive.schema import utc_timestamp
from humas_crawler.archive.store import Store
from humas_crawler.archive.warc import WarcWriter
from humas_crawler.normalize import Site, Taxonomy

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

DEFAULT_DB = "data/humas.sqlite"
DEFAULT_WARC_DIR = "data/warc"
DEFAULT_WARC_MAX_BYTES = 100 * 1024 * 1024


def default_db_path() -> str:
    return os.environ.get("HUMAS_DB") or DEFAULT_DB


@dataclass
class Archive:
    """The open archive of one run. Built once per crawler (`Archive.of(crawler)`)."""

    db_path: Path
    warc_dir: Path
    warc_max_bytes: int = DEFAULT_WARC_MAX_BYTES
    warc_fsync: bool = False
    lock: CrawlLock | None = None
    store: Store | None = None
    warc: WarcWriter | None = None
    site: Site | None = None
    run_id: int | None = None
    mode: str = "incremental"
    deep_listings: bool = False
    interrupted_runs: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    @classmethod
    def of(cls, crawler: Crawler) -> Archive:
        archive = getattr(crawler, "_humas_archive", None)
        if archive is None:
            settings = crawler.settings
            archive = cls(
                db_path=Path(settings.get("HUMAS_DB") or default_db_path()),
                warc_dir=Path(settings.get("HUMAS_WARC_DIR") or DEFAULT_WARC_DIR),
                warc_max_bytes=settings.getint("HUMAS_WARC_MAX_BYTES", DEFAULT_WARC_MAX_BYTES),
                warc_fsync=settings.getbool("HUMAS_WARC_FSYNC", False),
                lock=settings.get("HUMAS_LOCK"),
            )
            crawler._humas_archive = archive  # type: ignore[attr-defined]
        return archive

    def open(self, *, mode: str, base_url: str) -> None:
        """Take the lock, open the store, note dead runs as interrupted and start this run."""
        self.site = Site.from_base_url(base_url)
        self.mode = mode
        if self.lock is None:
            self.lock = CrawlLock(self.db_path)
        if not self.lock.held:
            self.lock.acquire(self._lock_info())
        self.store = Store.open(self.db_path)
        previous = self.store.runs.last(1)
        self.interrupted_runs = self.store.runs.mark_interrupted()
        if self.interrupted_runs:
            logger.warning(
                "%d earlier run(s) never finished (killed or crashed): marked interrupted; "
                "this run paginates every listing to the end to fill the gaps",
                self.interrupted_runs,
            )
        last_status = (
            "interrupted"
            if self.interrupted_runs
            else (previous[0]["status"] if previous else None)
        )
        self.deep_listings = last_status in ("interrupted", "failed")
        self.run_id = self.store.runs.start(mode, self.site.base_url)
        self.lock.update(run_id=self.run_id)
        self.store.categories.sync(Taxonomy.default())
        self.warc = WarcWriter(
            self.warc_dir,
            max_bytes=self.warc_max_bytes,
            fsync=self.warc_fsync,
            warcinfo={"isPartOf": f"humas-crawler run {self.run_id}", "robots": "obey"},
        )

    def _lock_info(self) -> dict[str, Any]:
        return {
            "pid": os.getpid(),
            "started_at": utc_timestamp(),
            "host": socket.gethostname(),
            "software": f"humas-crawler/{__version__}",
        }

    def close(self) -> None:
        if self.warc is not None:
            self.warc.close()
        if self.store is not None:
            self.store.close()
        if self.lock is not None and self.lock.held:
            self.lock.release()
