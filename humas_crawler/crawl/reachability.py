"""A site that answers nothing at all stops the crawl within seconds, with the cause named."""

from __future__ import annotations

import logging
import time
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    NotConfigured,
)
from scrapy.http import Response
from scrapy.utils.defer import deferred_from_coro
from twisted.internet import error as net
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived

from humas_crawler.crawl.monitor import UNREACHABLE
from humas_crawler.crawl.retry import stop_waiting

logger = logging.getLogger(__name__)

# The stat holding the cause (`cannot resolve www.example.org`).
CAUSE_STAT = "humas/unreachable"

# What a site that cannot be reached fails with: Scrapy's wrappings of Twisted's errors (2.19
# wraps DNS, refused, timeout and failed-response errors) and Twisted's own.
_CONNECTION_ERRORS = (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    DownloadFailedError,
    net.DNSLookupError,
    net.ConnectionRefusedError,
    net.ConnectError,
    net.TimeoutError,
    net.ConnectionLost,
    ResponseNeverReceived,
    ResponseFailed,
)


def _chain(exception: BaseException) -> list[BaseException]:
    """`exception` and what it was raised from, outermost first."""
    chain = [exception]
    while chain[-1].__cause__ is not None and len(chain) < 10:
        chain.append(chain[-1].__cause__)
    return chain


def _is_tls(exception: BaseException) -> bool:
    reasons = getattr(exception, "reasons", None) or []
    values = [getattr(r, "value", r) for r in reasons] + [exception]
    return any(type(v).__module__.startswith(("OpenSSL", "ssl")) for v in values)


def describe(exception: BaseException, url: str) -> str:
    """What stopped a request to `url` from being answered, as a user reads it."""
    parts = urlsplit(url)
    host = parts.hostname or url
    port = parts.port or (443 if parts.scheme == "https" else 80)
    chain = _chain(exception)
    kinds = tuple(chain)

    def seen(*types: type[BaseException]) -> bool:
        return any(isinstance(e, types) for e in kinds)

    if seen(CannotResolveHostError, net.DNSLookupError):
        return f"cannot resolve {host}"
    if seen(DownloadConnectionRefusedError, net.ConnectionRefusedError):
        return f"connection refused by {host}:{port}"
    if any(_is_tls(e) for e in chain):
        return f"the TLS handshake with {host}:{port} failed"
    if seen(DownloadTimeoutError, net.TimeoutError):
        return f"no answer from {host}:{port} (timed out)"
    if seen(ResponseNeverReceived, ResponseFailed, net.ConnectionLost):
        return f"{host}:{port} closed the connection before answering"
    text = str(exception).strip() or type(exception).__name__
    return f"{type(exception).__name__} from {host}:{port}: {text}"


class ReachabilityMiddleware:
    """Stop a crawl whose site has answered nothing (no DNS, connection refused, TLS failing).

    Until the first response arrives, connection-level failures are counted (every attempt,
    retries included: it sits nearer the downloader than the retry middleware). After
    HUMAS_OFFLINE_FAILURES of them, or HUMAS_OFFLINE_SECONDS after the first, the spider closes
    with reason `unreachable`; the cause (`cannot resolve www.kaltimprov.go.id`) is the stat
    `humas/unreachable`, and the run fails with it. One response of any status turns it off: a
    site that answers at all is left to the retries and the error-rate alarm.
    """

    def __init__(self, crawler: Crawler, failures: int, seconds: float) -> None:
        self.crawler = crawler
        self.max_failures = failures
        self.max_seconds = seconds
        self.answered = False
        self.failures = 0
        self.first_failure: float | None = None
        self.stopping = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ReachabilityMiddleware:
        settings = crawler.settings
        failures = settings.getint("HUMAS_OFFLINE_FAILURES", 4)
        if failures <= 0:
            raise NotConfigured("HUMAS_OFFLINE_FAILURES is 0")
        return cls(crawler, failures, settings.getfloat("HUMAS_OFFLINE_SECONDS", 15.0))

    def process_response(self, request: Request, response: Response) -> Response:
        self.answered = True
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        if self.answered or self.stopping or not isinstance(exception, _CONNECTION_ERRORS):
            return
        now = time.monotonic()
        self.failures += 1
        if self.first_failure is None:
            self.first_failure = now
        cause = describe(exception, request.url)
        logger.info("no answer (%d): %s", self.failures, cause)
        if self.failures >= self.max_failures or now - self.first_failure >= self.max_seconds:
            self._stop(cause)

    def _stop(self, cause: str) -> None:
        self.stopping = True
        self.crawler.stats.set_value(CAUSE_STAT, cause)
        logger.error("stopping: the site has answered nothing (%s)", cause)
        self.crawler.signals.send_catch_log(signal=stop_waiting)
        engine = self.crawler.engine
        if engine is None or engine.spider is None:
            return
        # Requests queued for the host wait out its delay (raised by every failure) before the
        # engine can close: nothing is to be gained by waiting.
        for slot in engine.downloader.slots.values():
            slot.delay = 0.0
        deferred_from_coro(engine.close_spider_async(reason=UNREACHABLE))

    def process_request(self, request: Request) -> None:
        if self.stopping:
            raise IgnoreRequest(f"the crawl is stopping: {request.url} not requested")
