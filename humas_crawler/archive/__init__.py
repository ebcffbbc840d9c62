"""The archive: the SQLite store (the only SQL), the WARC files and the crawl lock.

store.py opens an archive (`Store.open`) and gives it one table-like member per table: their
reads are in queries.py (with `ArticleFilter`, the one filter of export, search and stats;
fulltext.py ranks searches), their writes in writer.py. schema.py describes the tables,
migrations.py brings an archive up to date, errors.py words what goes wrong. record.py is the
record extraction fills, warc.py the WARC files, lock.py the crawl lock, ftsquery.py what a
user types as an FTS5 query.
"""

import sys


def _load_sqlite_utils() -> None:
    """Import sqlite-utils with pandas and numpy hidden, unless they are already loaded.

    sqlite-utils imports both when they are installed, only to map their types on insert, which
    the archive never does; in a researcher's environment that cost every command about 0.8 s
    and 80 MB. They import normally once sqlite-utils is loaded.
    """
    hidden = [name for name in ("pandas", "numpy") if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # makes `import name` fail
    try:
        import sqlite_utils.db  # noqa: F401
    finally:
        for name in hidden:
            if sys.modules.get(name, 0) is None:
                del sys.modules[name]


_load_sqlite_utils()
