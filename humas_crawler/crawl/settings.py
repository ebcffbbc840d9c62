"""Scrapy settings of the project (`scrapy crawl kaltimprov` reads them through scrapy.cfg)."""

from __future__ import annotations

from humas_crawler import defaults

BOT_NAME = "humas_crawler"
SPIDER_MODULES = ["humas_crawler.crawl.spider"]
NEWSPIDER_MODULE = "humas_crawler.crawl.spider"

# Politeness defaults (docs/operations.md): robots.txt, an honest User-Agent, 1 s delay, 2 per
# domain, AutoThrottle, retries with back-off, no responses above 20 MB, no other hosts.
USER_AGENT = defaults.USER_AGENT
ROBOTSTXT_OBEY = True
DOWNLOAD_DELAY = 1.0
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
DOWNLOAD_TIMEOUT = 60
DOWNLOAD_MAXSIZE = defaults.MAX_BYTES
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
# Items in parallel per response. Scrapy starts this many tasks for every response's output; a
# page yields an article and a few requests, so the default 100 only costs CPU.
CONCURRENT_ITEMS = 8
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"

# Redirect chains longer than this are refused as loops (humas/redirect_loop).
REDIRECT_MAX_TIMES = 10

DOWNLOADER_MIDDLEWARES = {
    # robots.txt checked for every request (also those queued before it arrived); refusals are
    # decisions (humas/robots_refused), not errors.
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "humas_crawler.crawl.robots.RobotsMiddleware": 100,
    # Retries held back (exponential back-off, Retry-After) instead of sent again at once.
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "humas_crawler.crawl.retry.BackoffRetryMiddleware": 550,
    # Before RedirectMiddleware (600): off-site and looping redirects refused by name.
    "humas_crawler.crawl.redirects.RedirectGuardMiddleware": 650,
    # Nearer the downloader than the retries: sees every attempt a site that answers nothing
    # fails, and stops the crawl after a few (HUMAS_OFFLINE_*).
    "humas_crawler.crawl.reachability.ReachabilityMiddleware": 580,
    # Next to the downloader: sees raw bodies, redirects and retried responses.
    "humas_crawler.crawl.middlewares.WarcCaptureMiddleware": 950,
}
ITEM_PIPELINES = {
    "humas_crawler.crawl.pipelines.ArchivePipeline": 300,
    "humas_crawler.crawl.pipelines.CoveragePipeline": 400,
}
EXTENSIONS = {
    # The archive first: it takes the crawl lock before anything else exists.
    "humas_crawler.crawl.archive.CrawlArchive": 50,
    "humas_crawler.crawl.extensions.RunRecorder": 100,
    # After the run is recorded, before the archive closes: the Atom feeds.
    "humas_crawler.crawl.extensions.FeedWriter": 105,
    # After the CrawlArchive (its engine_stopped closes the WARC files): index.cdxj beside them.
    "humas_crawler.crawl.extensions.CdxjWriter": 120,
    # After the RunRecorder: it reads the run's status when the spider closes.
    "humas_crawler.crawl.jobdir.JobdirGuard": 110,
    "humas_crawler.crawl.extensions.Progress": 500,
    # Our Progress extension reports instead.
    "scrapy.extensions.logstats.LogStats": None,
}

# Retries (humas_crawler.crawl.retry): the first waits HUMAS_RETRY_BACKOFF s, doubling per attempt
# up to HUMAS_RETRY_BACKOFF_MAX; a Retry-After is honoured up to HUMAS_RETRY_AFTER_MAX (longer:
# the URL is left for the next run); each failure multiplies the host's delay by
# HUMAS_ERROR_SLOWDOWN, up to HUMAS_ERROR_DELAY_MAX seconds (a Retry-After sets it to what the
# server asked).
HUMAS_RETRY_BACKOFF = 1.0
HUMAS_RETRY_BACKOFF_MAX = 60.0
HUMAS_RETRY_AFTER_MAX = 300.0
HUMAS_ERROR_SLOWDOWN = 1.5
HUMAS_ERROR_DELAY_MAX = 10.0
# A site that has answered nothing stops the crawl after this many failed connection attempts
# (DNS, refused, TLS, timeouts; retries count), or this many seconds after the first (0: never).
HUMAS_OFFLINE_FAILURES = 4
HUMAS_OFFLINE_SECONDS = 15.0

# The archive (see docs/operations.md, "Settings").
HUMAS_DB = defaults.default_db_path()
# None: `warc` beside HUMAS_DB (defaults.warc_dir_for).
HUMAS_WARC_DIR = None
HUMAS_WARC_MAX_BYTES = defaults.WARC_MAX_BYTES
# fsync each WARC record: guards against power loss; a killed crawl loses nothing without it.
HUMAS_WARC_FSYNC = False
# A refetch whose payload equals the URL's last full capture is written as a WARC `revisit`
# record (identical-payload-digest): unchanged pages are not stored twice.
HUMAS_WARC_REVISITS = True
# A CDXJ index of the WARC files (index.cdxj beside them) after each run: pywb serves them in place.
HUMAS_CDXJ = True
# Atom feeds of new and changed articles after each run that stored something; None: `feeds`
# beside HUMAS_DB.
HUMAS_FEEDS = True
HUMAS_FEEDS_DIR = None
# Monitoring thresholds: below them a run is `degraded` (exit code 3).
HUMAS_MIN_COVERAGE_TITLE = 0.95
HUMAS_MIN_COVERAGE_PUBLISHED_AT = 0.90
HUMAS_MIN_COVERAGE_CATEGORY = 0.80
HUMAS_MIN_COVERAGE_BODY_TEXT = 0.95
HUMAS_MAX_ERROR_RATE = 0.10
HUMAS_MONITOR_MIN_ARTICLES = 5
HUMAS_PROGRESS_INTERVAL = 30.0
