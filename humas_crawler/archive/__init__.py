"""The archive: the SQLite store (the only SQL), the WARC files and the crawl lock."""
