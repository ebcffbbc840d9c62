"""robots.txt obeyed on every path a request takes, its refusals counted as decisions."""

from __future__ import annotations

import logging

from scrapy import Request, signals
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http.request import NO_CALLBACK
from scrapy.robotstxt import RobotParser
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler
from twisted.internet.defer import Deferred

logger = logging.getLogger(__name__)

REFUSED_STAT = "humas/robots_refused"
# Sent with `response` when robots.txt has answered (any status): the spider reads its Sitemap
# lines from it, without asking for robots.txt a second time.
robots_fetched = object()


class RobotsRefused(IgnoreRequest):
    """A request robots.txt disallows: a decision of the site's, not a failed fetch."""


class RobotsMiddleware(RobotsTxtMiddleware):
    """Scrapy's RobotsTxtMiddleware (ROBOTSTXT_OBEY), with these changes:

    - Every request that waits for robots.txt is checked against it. Scrapy 2.19 hands the
      parser to the first waiting request only (awaiting a Deferred through a Future consumes
      its result), and lets every other request that arrived before robots.txt did through
      unchecked: the retries of past failures, queued at the start, were fetched although
      disallowed.
    - A refused request raises `RobotsRefused` (an IgnoreRequest) and counts in
      `humas/robots_refused`; the spider neither records nor retries it.
    - robots.txt's response is sent with the `robots_fetched` signal: the spider reads its
      Sitemap lines, without a second request.
    - A robots.txt that cannot be fetched is one log line, not a traceback. As in Scrapy,
      everything is then allowed.
    """

    def process_request_2(self, rp: RobotParser | None, request: Request) -> None:
        try:
            super().process_request_2(rp, request)
        except IgnoreRequest as exc:
            self._stats.inc_value(REFUSED_STAT)
            logger.info("robots.txt disallows %s: not fetched", request.url)
            raise RobotsRefused(str(exc)) from None

    async def robot_parser(self, request: Request) -> RobotParser | None:
        netloc = urlparse_cached(request).netloc
        if netloc not in self._parsers:
            return await self._fetch(request, netloc)
        parser = self._parsers[netloc]
        if isinstance(parser, Deferred):
            # A Deferred of its own per waiting request: the shared one's result is then passed
            # on, not consumed by the first waiter.
            waiter: Deferred[RobotParser | None] = Deferred()

            def relay(result: RobotParser | None) -> RobotParser | None:
                waiter.callback(result)
                return result

            parser.addCallback(relay)
            return await maybe_deferred_to_future(waiter)
        return parser

    async def _fetch(self, request: Request, netloc: str) -> RobotParser | None:
        """Download and parse robots.txt of `netloc`; the requests arriving meanwhile wait."""
        waiting: Deferred[RobotParser | None] = Deferred()
        self._parsers[netloc] = waiting
        url = urlparse_cached(request)
        robots = Request(
            f"{url.scheme}://{netloc}/robots.txt",
            priority=self.DOWNLOAD_PRIORITY,
            meta={"dont_obey_robotstxt": True},
            callback=NO_CALLBACK,
        )
        parser: RobotParser | None = None
        try:
            response = await self.crawler.engine.download_async(robots)
            self._stats.inc_value("robotstxt/response_count")
            self._stats.inc_value(f"robotstxt/response_status_count/{response.status}")
            parser = build_from_crawler(self._parserimpl, self.crawler, response.body)
            await self.crawler.signals.send_catch_log_async(
                signal=signals.robots_parsed,
                robotparser=parser,
                request=request,
            )
            await self.crawler.signals.send_catch_log_async(
                signal=robots_fetched, response=response
            )
        except Exception as exc:
            if not isinstance(exc, IgnoreRequest):
                self._stats.inc_value(f"robotstxt/exception_count/{type(exc)}")
                logger.warning(
                    "robots.txt of %s could not be fetched (%s: %s): every path is allowed",
                    netloc,
                    type(exc).__name__,
                    exc,
                )
        self._stats.inc_value("robotstxt/request_count")
        self._parsers[netloc] = parser
        waiting.callback(parser)
        return parser
