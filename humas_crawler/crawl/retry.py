"""Retries spaced out: exponential back-off, `Retry-After` honoured, the host's slot slowed down."""

from __future__ import annotations

import asyncio
import logging
import random
import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.settings import BaseSettings
from scrapy.utils.response import response_status_message

logger = logging.getLogger(__name__)

# Sent when the crawl stops early on purpose (crawl/reachability.py): retries held back are
# dropped at once instead of keeping the closing engine waiting for their back-off.
stop_waiting = object()

# request.meta key: wall-clock time (time.time()) before which a retry is not sent. Wall clock,
# not monotonic, so that a retry kept in a --jobdir queue still means something after a restart.
RETRY_AT = "humas_retry_at"


def retry_after_seconds(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """Seconds a `Retry-After` header asks for (delta-seconds or an HTTP date); None if unusable."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's RetryMiddleware, with each retry held back before it is sent again.

    The wait is the response's `Retry-After` when it has one (429, 503; capped by
    HUMAS_RETRY_AFTER_MAX), else HUMAS_RETRY_BACKOFF seconds doubled per attempt (capped by
    HUMAS_RETRY_BACKOFF_MAX, with jitter). A held retry does not occupy the host's download slot;
    the slot itself is slowed down (its delay multiplied by HUMAS_ERROR_SLOWDOWN up to
    HUMAS_ERROR_DELAY_MAX, or raised to the `Retry-After`), and AutoThrottle brings the delay back
    down as healthy responses come in.
    A `Retry-After` above the cap is not waited for: the URL is recorded as failed and the next
    run tries it again.
    """

    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        self.backoff = settings.getfloat("HUMAS_RETRY_BACKOFF", 1.0)
        self.backoff_max = settings.getfloat("HUMAS_RETRY_BACKOFF_MAX", 60.0)
        self.retry_after_max = settings.getfloat("HUMAS_RETRY_AFTER_MAX", 300.0)
        self.slowdown = settings.getfloat("HUMAS_ERROR_SLOWDOWN", 1.5)
        self._stopping = asyncio.Event()
        # Failures alone never space requests further apart than this (or than --delay).
        self.error_delay_max = max(
            settings.getfloat("HUMAS_ERROR_DELAY_MAX", 10.0), settings.getfloat("DOWNLOAD_DELAY")
        )

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BackoffRetryMiddleware:
        middleware = cls(crawler.settings)
        middleware.crawler = crawler
        crawler.signals.connect(middleware.stop_holding, signal=stop_waiting)
        return middleware

    def stop_holding(self) -> None:
        self._stopping.set()

    async def process_request(self, request: Request) -> None:
        due = request.meta.get(RETRY_AT)
        if due is not None:
            wait = due - time.time()
            if wait > 0:
                try:
                    await asyncio.wait_for(self._stopping.wait(), wait)
                except TimeoutError:
                    return None
            if self._stopping.is_set():
                raise IgnoreRequest(f"the crawl is stopping: retry of {request.url} dropped")
        return None

    def process_response(self, request: Request, response: Response) -> Request | Response:
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        asked = retry_after_seconds(response.headers.get(b"Retry-After"))
        if asked is not None:
            self.crawler.stats.inc_value("humas/retry_after")
            if asked > self.retry_after_max:
                logger.warning(
                    "%s asks to retry after %.0f s (more than HUMAS_RETRY_AFTER_MAX %.0f s): "
                    "left for the next run",
                    request.url,
                    asked,
                    self.retry_after_max,
                )
                self._slow_down(request, self.retry_after_max)
                return response
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        return self._hold(retry, request, asked)

    def process_exception(self, request: Request, exception: Exception) -> Request | None:
        retry = super().process_exception(request, exception)
        if isinstance(retry, Request):
            return self._hold(retry, request, None)
        return retry

    def _hold(self, retry: Request, request: Request, asked: float | None) -> Request:
        attempt = int(retry.meta.get("retry_times", 1))
        if asked is not None:
            wait = asked
        else:
            wait = min(self.backoff * 2 ** (attempt - 1), self.backoff_max)
            wait *= random.uniform(0.75, 1.25)  # jitter: retries of many URLs spread out
        retry.meta[RETRY_AT] = time.time() + wait
        self._slow_down(request, asked)
        self.crawler.stats.inc_value("humas/retry_wait_seconds", round(wait, 3))
        return retry

    def _slow_down(self, request: Request, asked: float | None) -> None:
        """Space out the host's next requests: failures mean a struggling server."""
        engine = self.crawler.engine
        key = request.meta.get("download_slot")
        slot = engine.downloader.slots.get(key) if engine is not None and key else None
        if slot is None:
            return
        if asked is not None:
            # The server said how long: that pace until healthy answers bring it down again.
            slot.delay = max(slot.delay, asked)
        else:
            slowed = max(slot.delay * self.slowdown, self.backoff / 4)
            slot.delay = max(slot.delay, min(slowed, self.error_delay_max))
