"""Scrapy settings of the project (`scrapy crawl kaltimprov` reads them through scrapy.cfg)."""

from __future__ import annotations

from humas_crawler.sources import USER_AGENT

BOT_NAME = "humas_crawler"
SPIDER_MODULES = ["humas_crawler.spiders"]
NEWSPIDER_MODULE = "humas_crawler.spiders"

# Politeness defaults (design.md): robots.txt, an honest User-Agent, 1 s delay, 2 per domain.
USER_AGENT = USER_AGENT
ROBOTSTXT_OBEY = True
DOWNLOAD_DELAY = 1.0
CONCURRENT_REQUESTS_PER_DOMAIN = 2
AUTOTHROTTLE_ENABLED = True
DOWNLOAD_MAXSIZE = 20 * 1024 * 1024
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
