"""The archive: the SQLite store (the only SQL), the WARC files and the crawl lock.

store.py opens an archive (`Store.open`) and gives it one table-like member per table: their
reads are in queries.py (with `ArticleFilter`, the one filter of export, search and stats;
fulltext.py ranks searches), their writes in writer.py. schema.py describes the tables,
migrations.py brings an archive up to date, errors.py words what goes wrong. record.py is the
record extraction fills, warc.py the WARC files, lock.py the crawl lock, ftsquery.py what a
user types as an FTS5 query.
"""
