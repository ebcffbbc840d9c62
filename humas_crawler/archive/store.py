"""The archive database: opening it (checked, migrated), closing it, and its transactions.

    with Store.open("data/humas.sqlite") as store:              # create=True, readonly=False
        result = store.articles.save(record, capture=None, run_id=None, fetched_at=now)
    with Store.open(path, readonly=True) as store:               # export, search, stats, browse
        rows = store.articles.export(["url", "title"], ArticleFilter(since="2024-01-01"))

Like sqlite-utils' Database and its Tables, a Store holds one table-like member per table,
each with that table's reads (queries.py) and writes (writer.py):

    store.articles    save, refresh; columns, count, rows, export, search, known, revisions,
                      category_labels, breakdown (`article_revisions` too)
    store.captures    add; latest, redirects
    store.runs        start, finish, mark_interrupted; last
    store.failures    record, clear; urls
    store.quarantine  add; reasons
    store.categories  sync, note; rows

and itself: `Store.open`, `close`, `counts` (rows per table), `transaction` (what every write
runs in), `db` (the sqlite-utils Database: for checks in tests, never for the commands),
`path`, `readonly`. Errors a user can fix are `StoreError`s (errors.py).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType

from sqlite_utils import Database

from humas_crawler.archive import errors
from humas_crawler.archive.errors import (
    StoreError,
    describe_sqlite_error,
    is_user_facing,
    user_errors,
)
from humas_crawler.archive.migrations import check_archive, check_version, check_writable, migrate
from humas_crawler.archive.queries import EventReads
from humas_crawler.archive.schema import TABLES
from humas_crawler.archive.writer import (
    Articles,
    Captures,
    Categories,
    Failures,
    Quarantine,
    Runs,
    Sites,
)


class Store:
    """The archive database. Open with `Store.open(path)`; use as a context manager."""

    def __init__(self, db: Database, path: Path, *, readonly: bool = False) -> None:
        self.db = db
        self.path = path
        self.readonly = readonly
        self.articles = Articles(self)
        self.captures = Captures(self)
        self.runs = Runs(self)
        self.failures = Failures(self)
        self.quarantine = Quarantine(self)
        self.categories = Categories(self)
        self.events = EventReads(self)
        self.sites = Sites(self)

    @classmethod
    def open(
        cls, path: str | os.PathLike[str], *, create: bool = True, readonly: bool = False
    ) -> Store:
        """Open (and with `create`, make) the archive at `path`, migrating its schema.

        `readonly` opens through a `mode=ro` URI: nothing is created, written or migrated.
        """
        path = Path(path)
        if path.is_dir():
            raise StoreError(f"{path} is a directory, not an archive file")
        if not path.exists():
            if readonly or not create:
                raise StoreError(f"no archive at {path} (run a crawl first, or check --db)")
            path.parent.mkdir(parents=True, exist_ok=True)
        conn: sqlite3.Connection | None = None
        try:
            if readonly:
                uri = path.absolute().as_uri() + "?mode=ro"
                conn = sqlite3.connect(uri, uri=True, timeout=errors.BUSY_TIMEOUT_SECONDS)
            else:
                conn = sqlite3.connect(path, timeout=errors.BUSY_TIMEOUT_SECONDS)
            db = Database(conn)
            db.execute(f"PRAGMA busy_timeout = {int(errors.BUSY_TIMEOUT_SECONDS * 1000)}")
            db.execute("PRAGMA foreign_keys = ON")
            if readonly:
                check_version(db, path)
            else:
                check_archive(db, path, create=create)
                db.enable_wal()
                # In WAL mode NORMAL is safe against crashes of the process (the archive's risk);
                # only a power cut can lose the last commits, never corrupt the file.
                db.execute("PRAGMA synchronous = NORMAL")
                migrate(db, path)
                check_writable(db)
        except sqlite3.DatabaseError as exc:
            if conn is not None:
                conn.close()
            if not is_user_facing(exc):
                raise
            raise StoreError(describe_sqlite_error(path, exc)) from exc
        except BaseException:
            if conn is not None:
                conn.close()
            raise
        return cls(db, path, readonly=readonly)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        """One write transaction. BEGIN IMMEDIATE takes the write lock up front, so a concurrent
        writer makes us wait (busy_timeout) instead of failing on a stale read snapshot."""
        conn = self.db.conn
        if conn.in_transaction:
            raise RuntimeError("a store transaction is already open")
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            conn.rollback()
            raise
        conn.commit()

    @user_errors
    def counts(self) -> dict[str, int]:
        """Rows per table."""
        return {name: self.db.table(name).count for name in TABLES}
