"""The crawl: the Scrapy spider, its components and settings, and the runs that fill the archive."""
