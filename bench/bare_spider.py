"""A bare Scrapy spider: fetch a list of URLs with the crawler's network settings, do nothing else.

The baseline of bench/crawl_speed.py: `python bench/bare_spider.py URLS_FILE --concurrency 8`.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from scrapy import Request, Spider
from scrapy.crawler import CrawlerProcess


class BareSpider(Spider):
    name = "bare"

    def __init__(self, urls: list[str], **kwargs) -> None:
        super().__init__(**kwargs)
        self.urls = urls

    async def start(self):
        for url in self.urls:
            yield Request(url, callback=self.parse, errback=self.ignore)

    def parse(self, response):
        return None

    def ignore(self, failure):
        return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("urls_file", type=Path)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    urls = args.urls_file.read_text(encoding="utf-8").split()
    process = CrawlerProcess(
        {
            "LOG_LEVEL": "WARNING",
            "ROBOTSTXT_OBEY": True,
            "DOWNLOAD_DELAY": 0,
            "CONCURRENT_REQUESTS": 16,
            "CONCURRENT_REQUESTS_PER_DOMAIN": args.concurrency,
            "AUTOTHROTTLE_ENABLED": True,
            "AUTOTHROTTLE_START_DELAY": 0,
            "AUTOTHROTTLE_TARGET_CONCURRENCY": float(args.concurrency),
            "COOKIES_ENABLED": False,
            "TELNETCONSOLE_ENABLED": False,
        }
    )
    process.crawl(BareSpider, urls=urls)
    process.start()


if __name__ == "__main__":
    main()
