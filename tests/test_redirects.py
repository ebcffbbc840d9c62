"""Redirects off the site or round in a loop are refused by name (and counted)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from humas_crawler.crawl.redirects import OffsiteRedirect, RedirectGuardMiddleware, RedirectLoop
from humas_crawler.normalize import Site

BASE = "https://www.kaltimprov.go.id"


def guard(**settings) -> RedirectGuardMiddleware:
    crawler = get_crawler(settings_dict=settings)
    crawler.stats.open_spider()
    crawler.spider = SimpleNamespace(site=Site.from_base_url(BASE))
    return RedirectGuardMiddleware.from_crawler(crawler)


def moved(url: str, location: str, status: int = 301) -> HtmlResponse:
    return HtmlResponse(url, status=status, headers={"Location": location}, body=b"")


def test_offsite_redirect_is_refused_and_counted() -> None:
    mw = guard()
    url = f"{BASE}/berita/a"
    with pytest.raises(OffsiteRedirect, match=r"evil\.example"):
        mw.process_response(Request(url), moved(url, "http://evil.example/berita/a"))
    assert mw.crawler.stats.get_value("humas/redirect_offsite") == 1


@pytest.mark.parametrize(
    "location",
    [
        "/detailberita/a",  # relative
        "http://kaltimprov.go.id/detailberita/a",  # http, no www
        f"{BASE}/detailberita/a#top",
    ],
)
def test_onsite_redirects_pass(location: str) -> None:
    url = f"{BASE}/berita/a"
    response = moved(url, location)
    assert guard().process_response(Request(url), response) is response


def test_a_redirect_back_into_its_own_chain_is_a_loop() -> None:
    mw = guard()
    first, second = f"{BASE}/berita/a", f"{BASE}/berita/b"
    hop = Request(second, meta={"redirect_urls": [first]})
    with pytest.raises(RedirectLoop, match="loop"):
        mw.process_response(hop, moved(second, "/berita/a", 302))
    assert mw.crawler.stats.get_value("humas/redirect_loop") == 1


def test_a_chain_longer_than_the_limit_is_a_loop() -> None:
    mw = guard(REDIRECT_MAX_TIMES=3)
    chain = [f"{BASE}/berita/hop{i}" for i in range(3)]
    hop = Request(f"{BASE}/berita/hop3", meta={"redirect_urls": chain})
    with pytest.raises(RedirectLoop, match="more than 3"):
        mw.process_response(hop, moved(hop.url, "/berita/hop4"))


def test_a_trailing_slash_redirect_is_not_a_loop() -> None:
    url = f"{BASE}/berita/a"
    response = moved(url, "/berita/a/")
    assert guard().process_response(Request(url), response) is response


def test_the_redirect_of_a_retried_request_goes_through_the_duplicate_filter() -> None:
    url = f"{BASE}/berita/a"
    retried = Request(url, dont_filter=True, meta={"retry_times": 1})
    guard().process_response(retried, moved(url, "/detailberita/a"))
    assert retried.dont_filter is False
    # A request the spider itself marked dont_filter keeps it.
    own = Request(url, dont_filter=True)
    guard().process_response(own, moved(url, "/detailberita/a"))
    assert own.dont_filter is True
