"""Downloader middleware that writes every response, raw, to WARC and indexes it in `captures`."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response

from humas_crawler.archive.schema import utc_timestamp
from humas_crawler.archive.warc import EarlierCapture
from humas_crawler.crawl.archive import CrawlArchive

logger = logging.getLogger(__name__)

# request.meta keys shared with the spider.
DEFER_CAPTURE = "humas_defer_capture"  # the spider stores this capture with its article
CAPTURE = "humas_capture"  # the capture row of the response, when deferred


def _headers(headers: Any) -> list[tuple[str, str]]:
    pairs = []
    for name, values in headers.items():
        for value in values:
            pairs.append((name.decode("latin-1"), value.decode("latin-1")))
    return pairs


class WarcCaptureMiddleware:
    """Archive each response as it comes off the wire (before decompression and redirects).

    Sitting next to the downloader (priority 950) it sees 3xx, 5xx and retried responses too,
    and bodies still in their transfer Content-Encoding. The capture row of an article page is
    left in `request.meta` so the pipeline stores it in the article's own transaction; every
    other capture row is stored at once.
    """

    def __init__(self, crawler: Crawler, archive: CrawlArchive) -> None:
        self.crawler = crawler
        self.archive = archive
        # An unchanged refetch is written as a `revisit` record (HUMAS_WARC_REVISITS).
        self.revisits = crawler.settings.getbool("HUMAS_WARC_REVISITS", True)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcCaptureMiddleware:
        if not crawler.settings.getbool("HUMAS_WARC_ENABLED", True):
            raise NotConfigured("HUMAS_WARC_ENABLED is off: responses are not archived to WARC.")
        archive = crawler.get_extension(CrawlArchive)
        if archive is None:
            raise NotConfigured("WarcCaptureMiddleware needs the CrawlArchive extension.")
        return cls(crawler, archive)

    def _earlier(self, response: Response) -> tuple[int, EarlierCapture] | None:
        """The last full capture of this URL, when the response may be a revisit of it."""
        store = self.archive.store
        if response.status != 200 or store is None:
            return None
        row = store.captures.last_full(response.url)
        if row is None or not row["payload_digest"] or not row["warc_record_id"]:
            return None
        return row["id"], _earlier_capture(row)

    def process_response(self, request: Request, response: Response) -> Response:
        archive = self.archive
        if archive.warc is None or archive.store is None:
            return response
        fetched_at = datetime.now(UTC)
        earlier = self._earlier(response) if self.revisits else None
        location = archive.warc.write_exchange(
            url=response.url,
            method=request.method,
            request_headers=_headers(request.headers),
            request_body=request.body or b"",
            status=response.status,
            reason=_reason(response.status),
            response_headers=_headers(response.headers),
            body=response.body,
            protocol=response.protocol or "HTTP/1.1",
            fetched_at=fetched_at,
            ip_address=str(response.ip_address) if response.ip_address else None,
            earlier=earlier[1] if earlier else None,
        )
        redirects = request.meta.get("redirect_urls") or []
        capture = {
            "url": response.url,
            "request_url": redirects[0] if redirects else request.url,
            "fetched_at": utc_timestamp(fetched_at),
            "status": response.status,
            "content_type": _content_type(response),
            "payload_digest": location.payload_digest,
            "warc_file": location.warc_file,
            "warc_offset": location.warc_offset,
            "warc_length": location.warc_length,
            "warc_record_id": location.record_id,
            "revisit_of": earlier[0] if earlier and location.revisit else None,
        }
        if location.revisit:
            self.crawler.stats.inc_value("humas/warc_revisits")
        self.crawler.stats.inc_value("humas/warc_records")
        if request.meta.get(DEFER_CAPTURE) and response.status == 200:
            request.meta[CAPTURE] = capture
        else:
            archive.store.captures.add(capture, archive.run_id)
        return response


def _earlier_capture(row: dict[str, Any]) -> EarlierCapture:
    return EarlierCapture(
        url=row["url"],
        payload_digest=row["payload_digest"],
        record_id=row["warc_record_id"],
        fetched_at=datetime.fromisoformat(row["fetched_at"].replace("Z", "+00:00")),
    )


def _content_type(response: Response) -> str | None:
    value = response.headers.get(b"Content-Type")
    return value.decode("latin-1") if value else None


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""
