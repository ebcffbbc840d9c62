"""Refuse redirects that leave the site or go round in a loop, by name, so they can be counted."""

from __future__ import annotations

import logging
from urllib.parse import urljoin, urlsplit, urlunsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from w3lib.url import safe_url_string

from humas_crawler.normalize import Site

logger = logging.getLogger(__name__)

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# request.meta key: the request asks for an article page (set by the spider).
ARTICLE = "humas_article"


class RefusedRedirect(IgnoreRequest):
    """A redirect the crawl does not follow; `reason` is its quarantine reason."""

    reason = "redirect-refused"


class RedirectedAway(RefusedRedirect):
    """An article URL redirecting to a page that is not an article (the home page, a listing):
    the article was taken down, or never was one."""

    reason = "not-an-article"


class OffsiteRedirect(RefusedRedirect):
    reason = "redirect-offsite"


class RedirectLoop(RefusedRedirect):
    reason = "redirect-loop"


def _without_fragment(url: str) -> str:
    return urlunsplit(urlsplit(url)._replace(fragment=""))


class RedirectGuardMiddleware:
    """Look at each 3xx before Scrapy's RedirectMiddleware follows it (priority above 600).

    A `Location` on another host raises OffsiteRedirect; one back to a URL already in the chain,
    or a chain longer than REDIRECT_MAX_TIMES, raises RedirectLoop; an article request sent to a
    page that is not an article raises RedirectedAway. Both reach the request's
    errback (the spider quarantines the URL with the reason) and count in `humas/redirect_*`.
    Without this, Scrapy's offsite filter would drop the first quietly and its duplicate filter
    the second.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.max_hops = crawler.settings.getint("REDIRECT_MAX_TIMES", 20)
        self._site: Site | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedirectGuardMiddleware:
        return cls(crawler)

    @property
    def site(self) -> Site:
        if self._site is None:
            spider = self.crawler.spider
            site = getattr(spider, "site", None)
            if site is None:  # another spider: the site of its first allowed domain
                domains = getattr(spider, "allowed_domains", None) or ["localhost"]
                site = Site.from_base_url(f"https://{domains[0]}")
            self._site = site
        return self._site

    def process_response(self, request: Request, response: Response) -> Response:
        if response.status not in REDIRECT_STATUSES or request.meta.get("dont_redirect"):
            return response
        location = response.headers.get(b"Location")
        if not location:
            return response
        target = _without_fragment(
            urljoin(response.url, safe_url_string(location.decode("latin-1").strip()))
        )
        chain = [*request.meta.get("redirect_urls", []), request.url]
        stats = self.crawler.stats
        if not self.site.is_on_site(target):
            stats.inc_value("humas/redirect_offsite")
            raise OffsiteRedirect(f"{chain[0]} redirects off the site to {target}")
        if target in {_without_fragment(url) for url in chain}:
            stats.inc_value("humas/redirect_loop")
            raise RedirectLoop(
                f"{chain[0]} redirects in a loop ({len(chain)} hops back to {target})"
            )
        if len(chain) > self.max_hops:
            stats.inc_value("humas/redirect_loop")
            raise RedirectLoop(f"{chain[0]} redirects more than {self.max_hops} times")
        if request.meta.get(ARTICLE) and not self.site.is_article_url(target):
            # Not followed: the page it leads to is no article, and many taken-down articles
            # lead to the same one, which the duplicate filter would drop without a word.
            stats.inc_value("humas/redirect_away")
            raise RedirectedAway(f"{chain[0]} redirects to {target}, which is not an article")
        if request.meta.get("retry_times") and request.dont_filter:
            # A retry passes the duplicate filter (it is the same URL again), and the redirect
            # would inherit that: a page already fetched under its final URL would be fetched
            # twice. The redirect is not a retry.
            request.dont_filter = False
        return response
