"""Retries held back: exponential back-off, Retry-After honoured, the host's slot slowed down."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from types import SimpleNamespace

import pytest
from scrapy import Request
from scrapy.exceptions import DownloadTimeoutError
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from humas_crawler.crawl.retry import RETRY_AT, BackoffRetryMiddleware, retry_after_seconds

URL = "https://www.kaltimprov.go.id/berita/x"


def middleware(**settings) -> BackoffRetryMiddleware:
    crawler = get_crawler(settings_dict={"RETRY_TIMES": 3, **settings})
    crawler.stats.open_spider()
    mw = BackoffRetryMiddleware.from_crawler(crawler)
    slot = SimpleNamespace(delay=0.0)
    crawler.engine = SimpleNamespace(downloader=SimpleNamespace(slots={"site": slot}))
    crawler.spider = SimpleNamespace(name="test", crawler=crawler)
    mw.slot = slot  # for the assertions
    return mw


def request() -> Request:
    return Request(URL, meta={"download_slot": "site"})


def answer(status: int, **headers: str) -> HtmlResponse:
    return HtmlResponse(URL, status=status, headers=headers, body=b"<html></html>")


def test_retry_after_in_seconds_and_as_a_date() -> None:
    now = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
    assert retry_after_seconds(b"120") == 120.0
    assert retry_after_seconds(format_datetime(now + timedelta(seconds=30), usegmt=True), now) == 30
    assert retry_after_seconds(format_datetime(now - timedelta(hours=1), usegmt=True), now) == 0
    assert retry_after_seconds(b"soon") is None
    assert retry_after_seconds(None) is None


def test_a_503_with_retry_after_is_retried_no_sooner_than_asked() -> None:
    mw = middleware()
    before = time.time()
    retry = mw.process_response(request(), answer(503, **{"Retry-After": "7"}))
    assert isinstance(retry, Request)
    assert retry.meta["retry_times"] == 1
    assert retry.meta[RETRY_AT] >= before + 7
    # The whole host slows down to the pace it asked for.
    assert mw.slot.delay == 7
    assert mw.crawler.stats.get_value("humas/retry_after") == 1


def test_back_off_doubles_per_attempt_and_slows_the_slot() -> None:
    mw = middleware(HUMAS_RETRY_BACKOFF=2.0)
    waits = []
    current = request()
    for _ in range(3):
        start = time.time()
        current = mw.process_response(current, answer(500))
        assert isinstance(current, Request)
        waits.append(current.meta[RETRY_AT] - start)
    # 2, 4, 8 s with +-25% jitter.
    for wait, base in zip(waits, (2, 4, 8), strict=True):
        assert 0.75 * base - 0.01 <= wait <= 1.25 * base + 0.01
    assert mw.slot.delay == pytest.approx(0.5 * 1.5 * 1.5)  # backoff/4, then x1.5 per failure
    # Retries used up: the response goes on to the spider's errback (a fetch failure).
    final = mw.process_response(current, answer(500))
    assert isinstance(final, HtmlResponse) and final.status == 500


def test_network_errors_are_retried_with_back_off() -> None:
    mw = middleware(HUMAS_RETRY_BACKOFF=1.0)
    start = time.time()
    retry = mw.process_exception(request(), DownloadTimeoutError("took too long"))
    assert isinstance(retry, Request)
    assert retry.meta[RETRY_AT] >= start + 0.75
    assert mw.slot.delay > 0


def test_a_retry_after_beyond_the_cap_is_left_for_the_next_run() -> None:
    mw = middleware(HUMAS_RETRY_AFTER_MAX=60)
    response = answer(429, **{"Retry-After": "3600"})
    assert mw.process_response(request(), response) is response
    assert mw.slot.delay == 60  # still slowed down, as far as the cap


def test_healthy_responses_pass_untouched() -> None:
    mw = middleware()
    response = answer(200)
    assert mw.process_response(request(), response) is response
    assert mw.slot.delay == 0


def test_process_request_waits_until_the_retry_is_due() -> None:
    mw = middleware()
    held = request()
    held.meta[RETRY_AT] = time.time() + 0.2
    start = time.perf_counter()
    assert asyncio.run(mw.process_request(held)) is None
    assert time.perf_counter() - start >= 0.19
    start = time.perf_counter()
    asyncio.run(mw.process_request(request()))
    assert time.perf_counter() - start < 0.1


@pytest.mark.parametrize("status", [404, 301, 200])
def test_statuses_not_retried(status: int) -> None:
    mw = middleware()
    response = answer(status)
    assert mw.process_response(request(), response) is response


def test_failures_alone_slow_the_host_down_only_so_far() -> None:
    mw = middleware(HUMAS_ERROR_DELAY_MAX=4.0, RETRY_TIMES=100)
    current = request()
    for _ in range(30):
        current = mw.process_response(current, answer(500))
    assert mw.slot.delay == 4.0
    # A server that names its pace is followed, beyond that cap.
    mw.process_response(request(), answer(503, **{"Retry-After": "20"}))
    assert mw.slot.delay == 20
