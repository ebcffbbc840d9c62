"""Item pipelines: one job each."""

from __future__ import annotations

import logging
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.utils.defer import deferred_from_coro

from humas_crawler.archive.errors import StoreError
from humas_crawler.archive.schema import utc_timestamp
from humas_crawler.crawl.archive import ARCHIVE_ERROR, CrawlArchive
from humas_crawler.crawl.items import (
    ArticleItem,
    FetchFailedItem,
    FetchRecoveredItem,
    QuarantineItem,
    RemovedItem,
    RobotsRefusedItem,
)
from humas_crawler.crawl.monitor import Coverage

logger = logging.getLogger(__name__)

# Quarantine reasons that mean an article page was fetched but yielded no article.
EXTRACTION_FAILURES = frozenset({"extraction-error", "empty-extraction"})


class ArchivePipeline:
    """Store articles (with their capture, in one transaction), quarantines and fetch failures."""

    def __init__(self, crawler: Crawler, archive: CrawlArchive) -> None:
        self.crawler = crawler
        self.archive = archive

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchivePipeline:
        archive = crawler.get_extension(CrawlArchive)
        if archive is None:
            raise NotConfigured("ArchivePipeline needs the CrawlArchive extension.")
        return cls(crawler, archive)

    def process_item(self, item: Any) -> Any:
        try:
            self._archive(item)
        except StoreError as exc:
            # The archive itself fails (disk full, file made read-only, corrupted): pages fetched
            # from now on could not be kept, so the crawl stops and the run is marked failed.
            logger.error("the archive cannot be written, stopping the crawl: %s", exc)
            self.crawler.stats.set_value("humas/archive_error", str(exc))
            engine = self.crawler.engine
            if engine is not None and engine.spider is not None:
                deferred_from_coro(engine.close_spider_async(reason=ARCHIVE_ERROR))
            raise DropItem(f"not archived: {exc}") from exc
        except Exception as exc:  # one bad item must never stop a long crawl: quarantine it
            if not isinstance(item, ArticleItem):
                raise
            url = item.record.url or "?"
            logger.exception("could not store the article %s", url)
            self._archive(
                QuarantineItem(url, "store-error", f"{type(exc).__name__}: {exc}", item.capture)
            )
            raise DropItem(f"quarantined: {exc}") from exc
        return item

    def _archive(self, item: Any) -> None:
        store = self.archive.store
        run_id = self.archive.run_id
        stats = self.crawler.stats
        if store is None:
            raise RuntimeError("the archive is not open")
        if isinstance(item, ArticleItem):
            result = store.articles.save(
                item.record, capture=item.capture, run_id=run_id, fetched_at=item.fetched_at
            )
            stats.inc_value(f"humas/article_{result.outcome}")
            if result.restored:
                stats.inc_value("humas/article_restored")
            if result.duplicate_of is not None and result.outcome == "new":
                stats.inc_value("humas/article_duplicate")
            if item.timestamp_error:
                # An impossible timestamp is quarantined, the article still kept (docs/schema.md).
                store.quarantine.add(
                    item.record.url,
                    "bad-timestamp",
                    f"{item.record.published_raw!r}: {item.timestamp_error}",
                    run_id,
                    result.capture_id,
                )
                stats.inc_value("humas/quarantined")
            record = item.record
            if record.category and record.category_slug and not record.category_known:
                store.categories.note(record.category, record.category_slug, False)
                stats.inc_value("humas/category_unknown")
        elif isinstance(item, QuarantineItem):
            capture_id = store.captures.add(item.capture, run_id) if item.capture else None
            store.quarantine.add(item.url, item.reason, item.detail, run_id, capture_id)
            stats.inc_value("humas/quarantined")
        elif isinstance(item, RemovedItem):
            capture_id = store.captures.add(item.capture, run_id) if item.capture else None
            if store.articles.mark_removed(
                item.url,
                at=utc_timestamp(),
                detail=item.detail,
                run_id=run_id,
                capture_id=capture_id,
            ):
                stats.inc_value("humas/article_removed")
        elif isinstance(item, FetchFailedItem):
            store.failures.record(item.url, item.error, run_id)
            stats.inc_value("humas/fetch_failed")
        elif isinstance(item, (FetchRecoveredItem, RobotsRefusedItem)):
            store.failures.clear(item.url)


class CoveragePipeline:
    """Count how many extracted articles have each monitored field (for the degraded alarm)."""

    def __init__(self) -> None:
        self.coverage = Coverage()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CoveragePipeline:
        return cls()

    def process_item(self, item: Any) -> Any:
        if isinstance(item, ArticleItem):
            self.coverage.add(item.record)
        elif isinstance(item, QuarantineItem) and item.reason in EXTRACTION_FAILURES:
            self.coverage.add(None)
        return item
