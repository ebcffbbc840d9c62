"""The SQLite archive: schema, migrations and every query (the only module holding SQL)."""

from __future__ import annotations

import functools
import json
import logging
import os
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal, ParamSpec, TypeVar

from sqlite_utils import Database

from humas_crawler.record import RECORD_FIELDS, content_hash

if TYPE_CHECKING:
    from humas_crawler.normalize.categories import Taxonomy

logger = logging.getLogger(__name__)

BUSY_TIMEOUT_SECONDS = 10
RUN_STATUSES = ("running", "ok", "degraded", "failed", "interrupted")
RUN_COUNTS = (
    "requests",
    "articles_new",
    "articles_changed",
    "articles_unchanged",
    "errors",
    "quarantined",
)
Outcome = Literal["new", "changed", "unchanged"]


class StoreError(Exception):
    """A problem with the archive file that the user has to fix (one-line message)."""


@dataclass(frozen=True)
class SaveResult:
    outcome: Outcome
    article_id: int
    revision: int
    capture_id: int | None
    duplicate_of: int | None


@dataclass(frozen=True)
class TableSpec:
    """One table as sqlite-utils creates it; `columns` in display order."""

    columns: dict[str, type]
    pk: str = "id"
    not_null: tuple[str, ...] = ()
    defaults: dict[str, Any] = field(default_factory=dict)
    foreign_keys: tuple[tuple[str, str, str], ...] = ()
    indexes: tuple[tuple[str, ...], ...] = ()
    unique: tuple[tuple[str, ...], ...] = ()


def _text(*names: str) -> dict[str, type]:
    return dict.fromkeys(names, str)


# Tables in creation order (foreign keys point backwards). design.md names are a contract:
# add columns freely, never rename one.
TABLES: dict[str, TableSpec] = {
    "crawl_runs": TableSpec(
        columns={
            "id": int,
            **_text("started_at", "finished_at", "mode", "base_url", "status"),
            **dict.fromkeys(RUN_COUNTS, int),
            "stats_json": str,
            "pid": int,
            "message": str,
        },
        not_null=("started_at", "status"),
        defaults=dict.fromkeys(RUN_COUNTS, 0),
    ),
    "captures": TableSpec(
        columns={
            "id": int,
            **_text("url", "fetched_at"),
            "status": int,
            **_text("content_type", "payload_digest", "warc_file"),
            "warc_offset": int,
            "warc_length": int,
            "run_id": int,
            "warc_record_id": str,
            "request_url": str,
        },
        not_null=("url", "fetched_at"),
        foreign_keys=(("run_id", "crawl_runs", "id"),),
        indexes=(("url",), ("run_id",)),
    ),
    "articles": TableSpec(
        columns={
            "id": int,
            # The record's own fields (humas_crawler.record), in its order.
            **{name: int if name == "category_known" else str for name in RECORD_FIELDS},
            "duplicate_of": int,
            **_text("first_seen_at", "last_fetched_at", "last_changed_at"),
            "revision": int,
            "capture_id": int,
        },
        not_null=("url", "first_seen_at", "last_fetched_at", "last_changed_at", "revision"),
        foreign_keys=(("duplicate_of", "articles", "id"), ("capture_id", "captures", "id")),
        indexes=(("published_date",), ("category_slug",), ("content_hash",), ("slug",)),
        unique=(("url",),),
    ),
    "article_revisions": TableSpec(
        columns={
            "id": int,
            "article_id": int,
            "revision": int,
            **_text(
                "fetched_at", "content_hash", "title", "body_text", "published_raw", "category_raw"
            ),
            "capture_id": int,
        },
        not_null=("article_id", "revision", "fetched_at"),
        foreign_keys=(("article_id", "articles", "id"), ("capture_id", "captures", "id")),
        unique=(("article_id", "revision"),),
    ),
    "quarantine": TableSpec(
        columns={
            "id": int,
            **_text("url", "reason", "detail"),
            "run_id": int,
            "capture_id": int,
            "created_at": str,
        },
        not_null=("reason", "created_at"),
        foreign_keys=(("run_id", "crawl_runs", "id"), ("capture_id", "captures", "id")),
        indexes=(("run_id",),),
    ),
    "categories": TableSpec(
        columns={**_text("slug", "label", "aliases"), "known": int, "first_seen_at": str},
        pk="slug",
        not_null=("label",),
        defaults={"aliases": "[]", "known": 0},
    ),
    "fetch_failures": TableSpec(
        columns={
            **_text("url", "first_failed_at", "last_failed_at"),
            "attempts": int,
            "last_error": str,
            "last_run_id": int,
        },
        pk="url",
        not_null=("first_failed_at", "last_failed_at", "attempts"),
        foreign_keys=(("last_run_id", "crawl_runs", "id"),),
    ),
}
FTS_COLUMNS = ("title", "body_text")

# Article columns that the store itself maintains: a record never sets them.
_BOOKKEEPING = frozenset(
    {
        "id",
        "url",
        "duplicate_of",
        "first_seen_at",
        "last_fetched_at",
        "last_changed_at",
        "revision",
        "capture_id",
    }
)
_CONTENT_COLUMNS = tuple(c for c in TABLES["articles"].columns if c not in _BOOKKEEPING)
_CAPTURE_COLUMNS = tuple(c for c in TABLES["captures"].columns if c not in ("id", "run_id"))


def utc_timestamp(moment: datetime | None = None) -> str:
    """UTC ISO 8601 to the second, as every fetch time in the archive: `2026-11-27T20:08:57Z`."""
    moment = moment or datetime.now(UTC)
    if moment.tzinfo is None:
        raise ValueError("a naive datetime has no known time zone; pass an aware one")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- schema migrations --------------------------------------------------------------------
# PRAGMA user_version counts the migrations applied. Append, never edit or reorder: an
# archive at version N runs MIGRATIONS[N:] on its next writable open.


def _create_or_complete_tables(db: Database) -> None:
    """Create missing tables, add missing columns, indexes and the FTS index.

    Also what brings a pre-versioning (user_version 0) archive up to date: its rows stay.
    """
    for name, spec in TABLES.items():
        table = db.table(name)
        if not table.exists():
            db.create_table(
                name,
                spec.columns,
                pk=spec.pk,
                not_null=spec.not_null,
                defaults=spec.defaults,
                foreign_keys=list(spec.foreign_keys),
            )
        else:
            existing = table.columns_dict
            for column, column_type in spec.columns.items():
                if column not in existing:
                    # ALTER TABLE cannot add NOT NULL or REFERENCES without a default.
                    table.add_column(column, column_type)
                    logger.info("added column %s.%s", name, column)
        for columns in spec.unique:
            table.create_index(columns, unique=True, if_not_exists=True)
        for columns in spec.indexes:
            table.create_index(columns, if_not_exists=True)
    # Rows of a pre-versioning archive count as their first revision.
    db.execute("update articles set revision = 1 where revision is null")
    articles = db.table("articles")
    if not articles.detect_fts():
        articles.enable_fts(list(FTS_COLUMNS), fts_version="FTS5", create_triggers=True)


MIGRATIONS: tuple[Callable[[Database], None], ...] = (_create_or_complete_tables,)
SCHEMA_VERSION = len(MIGRATIONS)


# --- errors -------------------------------------------------------------------------------

P = ParamSpec("P")
R = TypeVar("R")


def _describe_sqlite_error(path: Path, exc: sqlite3.Error) -> str:
    message = " ".join(str(exc).split())
    lowered = message.lower()
    if "locked" in lowered or "busy" in lowered:
        hint = f"the archive is busy: another process kept it locked for {BUSY_TIMEOUT_SECONDS} s"
    elif "readonly" in lowered or "read-only" in lowered:
        hint = "the archive is read-only here (file or directory permissions?)"
    elif "not a database" in lowered or "malformed" in lowered:
        hint = "not a SQLite database, or a corrupt one"
    elif "unable to open" in lowered:
        hint = "cannot open the archive file"
    else:
        hint = "database error"
    return f"{path}: {hint} ({message})"


def _is_user_facing(exc: sqlite3.Error) -> bool:
    # Operational errors (locked, read-only, disk full, I/O) and the bare DatabaseError of a
    # file that is not a database are the user's to fix; constraint violations are bugs.
    return isinstance(exc, sqlite3.OperationalError) or type(exc) is sqlite3.DatabaseError


def _user_errors(method: Callable[P, R]) -> Callable[P, R]:
    """Turn the sqlite3 errors a user can fix into a one-line `StoreError`."""

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(*args, **kwargs)
        except sqlite3.DatabaseError as exc:
            if not _is_user_facing(exc):
                raise
            store = args[0]
            assert isinstance(store, Store)
            raise StoreError(_describe_sqlite_error(store.path, exc)) from exc

    return wrapper


# --- the store ----------------------------------------------------------------------------


class Store:
    """The archive database. Open with `Store.open(path)`; use as a context manager."""

    def __init__(self, db: Database, path: Path, *, readonly: bool = False) -> None:
        self.db = db
        self.path = path
        self.readonly = readonly

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
                conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_SECONDS)
            else:
                conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS)
            db = Database(conn)
            db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
            db.execute("PRAGMA foreign_keys = ON")
            if readonly:
                _check_version(db, path)
            else:
                db.enable_wal()
                # In WAL mode NORMAL is safe against crashes of the process (the archive's risk);
                # only a power cut can lose the last commits, never corrupt the file.
                db.execute("PRAGMA synchronous = NORMAL")
                _migrate(db, path)
        except sqlite3.DatabaseError as exc:
            if conn is not None:
                conn.close()
            if not _is_user_facing(exc):
                raise
            raise StoreError(_describe_sqlite_error(path, exc)) from exc
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
    def _write(self) -> Iterator[Database]:
        """One transaction. BEGIN IMMEDIATE takes the write lock up front, so a concurrent
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

    # --- articles ---------------------------------------------------------------------------

    @_user_errors
    def save_article(
        self,
        record: dict[str, Any],
        *,
        capture: dict[str, Any] | None,
        run_id: int | None,
        fetched_at: str,
        capture_id: int | None = None,
    ) -> SaveResult:
        """Store one extracted article as `new`, `changed` (a new revision) or `unchanged`.

        `capture` (the response's row for `captures`) is inserted in the same transaction;
        or pass the `capture_id` of a capture already stored (re-parsing an archived one).
        """
        url = record.get("url")
        if not url:
            raise ValueError("an article record needs a url")
        content = _content_row(record)
        with self._write():
            if capture is not None:
                capture_id = self._insert_capture(capture, run_id, fetched_at)
            # Fetched at last: no longer a failure to retry (same transaction as the article).
            self.db.execute("delete from fetch_failures where url = ?", [url])
            found = self.db.execute(
                "select id, content_hash, revision, duplicate_of from articles where url = ?",
                [url],
            ).fetchone()
            if found is None:
                return self._insert_article(url, content, fetched_at, capture_id)
            article_id, old_hash, revision, duplicate_of = found
            if old_hash == content["content_hash"]:
                moved = {"last_fetched_at": fetched_at}
                if capture_id is not None:
                    moved["capture_id"] = capture_id
                self.db.table("articles").update(article_id, moved)
                return SaveResult("unchanged", article_id, revision, capture_id, duplicate_of)
            return self._update_article(article_id, revision + 1, content, fetched_at, capture_id)

    def _insert_article(
        self, url: str, content: dict[str, Any], fetched_at: str, capture_id: int | None
    ) -> SaveResult:
        duplicate_of = self._original_of(content["content_hash"], exclude_url=url)
        row = {
            "url": url,
            **content,
            "duplicate_of": duplicate_of,
            "first_seen_at": fetched_at,
            "last_fetched_at": fetched_at,
            "last_changed_at": fetched_at,
            "revision": 1,
            "capture_id": capture_id,
        }
        article_id = self._insert_row("articles", row)
        self._insert_revision(article_id, 1, content, fetched_at, capture_id)
        return SaveResult("new", article_id, 1, capture_id, duplicate_of)

    def _update_article(
        self,
        article_id: int,
        revision: int,
        content: dict[str, Any],
        fetched_at: str,
        capture_id: int | None,
    ) -> SaveResult:
        duplicate_of = self._original_of(content["content_hash"], exclude_id=article_id)
        changes = {
            **content,
            "duplicate_of": duplicate_of,
            "last_fetched_at": fetched_at,
            "last_changed_at": fetched_at,
            "revision": revision,
        }
        if capture_id is not None:
            changes["capture_id"] = capture_id
        self.db.table("articles").update(article_id, changes)
        self._rehome_duplicates_of(article_id)
        self._insert_revision(article_id, revision, content, fetched_at, capture_id)
        return SaveResult("changed", article_id, revision, capture_id, duplicate_of)

    def _insert_revision(
        self,
        article_id: int,
        revision: int,
        content: dict[str, Any],
        fetched_at: str,
        capture_id: int | None,
    ) -> None:
        self._insert_row(
            "article_revisions",
            {
                "article_id": article_id,
                "revision": revision,
                "fetched_at": fetched_at,
                "content_hash": content["content_hash"],
                "title": content.get("title"),
                "body_text": content.get("body_text"),
                "published_raw": content.get("published_raw"),
                "category_raw": content.get("category_raw"),
                "capture_id": capture_id,
            },
        )

    def _original_of(
        self, digest: str, *, exclude_url: str | None = None, exclude_id: int | None = None
    ) -> int | None:
        """The oldest other article with this content that is not itself a duplicate."""
        row = self.db.execute(
            "select id from articles where content_hash = ? and duplicate_of is null"
            " and url is not ? and id is not ? order by id limit 1",
            [digest, exclude_url, exclude_id],
        ).fetchone()
        return row[0] if row else None

    def _rehome_duplicates_of(self, article_id: int) -> None:
        # The article these pointed at no longer has their content: in id order, the first
        # becomes the original again and the others point at it.
        orphans = self.db.execute(
            "select id, content_hash from articles where duplicate_of = ? order by id",
            [article_id],
        ).fetchall()
        articles = self.db.table("articles")
        for orphan_id, digest in orphans:
            original = self._original_of(digest, exclude_id=orphan_id)
            articles.update(orphan_id, {"duplicate_of": original})

    def _insert_capture(self, capture: dict[str, Any], run_id: int | None, fetched_at: str) -> int:
        row = {column: capture.get(column) for column in _CAPTURE_COLUMNS}
        row["fetched_at"] = row["fetched_at"] or fetched_at
        row["run_id"] = run_id
        return self._insert_row("captures", row)

    def _insert_row(self, table: str, row: dict[str, Any]) -> int:
        """A plain INSERT: the hot path of a crawl (sqlite-utils' insert() re-reads the table's
        schema on every call, which costs more than the insert itself)."""
        columns = ", ".join(f"[{name}]" for name in row)
        marks = ", ".join("?" for _ in row)
        cursor = self.db.conn.execute(
            f"insert into [{table}] ({columns}) values ({marks})", list(row.values())
        )
        return cursor.lastrowid

    @_user_errors
    def record_capture(self, capture: dict[str, Any], run_id: int | None) -> int:
        """Store the capture row of a response that is not an article (listing, robots, ...)."""
        with self._write():
            return self._insert_capture(
                capture, run_id, capture.get("fetched_at") or utc_timestamp()
            )

    @_user_errors
    def get_article(self, url: str) -> dict[str, Any] | None:
        rows = list(self.db.table("articles").rows_where("url = ?", [url], limit=1))
        return _decode_article(rows[0]) if rows else None

    @_user_errors
    def revisions(self, article_id: int) -> list[dict[str, Any]]:
        return list(
            self.db.table("article_revisions").rows_where(
                "article_id = ?", [article_id], order_by="revision"
            )
        )

    @_user_errors
    def known_articles(self) -> dict[str, str | None]:
        """url -> published_date of every archived article (for incremental crawls)."""
        return dict(self.db.execute("select url, published_date from articles").fetchall())

    @_user_errors
    def redirects(self) -> list[tuple[str, str]]:
        """(first requested URL, final URL) of every archived 200 response reached by redirect."""
        rows = self.db.execute(
            "select distinct request_url, url from captures"
            " where status = 200 and request_url is not null and request_url != url"
        )
        return [(a, b) for a, b in rows.fetchall()]

    @_user_errors
    def iter_articles(
        self,
        *,
        since: str | None = None,
        until: str | None = None,
        categories: Sequence[str] = (),
        search: str | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Articles oldest first, filtered by published_date (inclusive `YYYY-MM-DD` bounds),
        category (label or slug, case-insensitive) and an FTS5 query."""
        where, params = ["1 = 1"], []
        if since:
            where.append("a.published_date >= ?")
            params.append(since)
        if until:
            where.append("a.published_date <= ?")
            params.append(until)
        if categories:
            marks = ", ".join("?" * len(categories))
            where.append(f"(lower(a.category) in ({marks}) or a.category_slug in ({marks}))")
            lowered = [c.lower() for c in categories]
            params += lowered + lowered
        if search:
            where.append("a.id in (select rowid from articles_fts where articles_fts match ?)")
            params.append(search)
        # Executed here, so a bad query raises now (as StoreError), not mid-iteration.
        cursor = self.db.execute(
            f"select a.* from articles a where {' and '.join(where)}"
            " order by a.published_at is null, a.published_at, a.id",
            params,
        )
        columns = [d[0] for d in cursor.description]
        return (_decode_article(dict(zip(columns, row, strict=True))) for row in cursor)

    @_user_errors
    def latest_captures(self, *, status: int = 200) -> Iterator[dict[str, Any]]:
        """The newest capture of every URL that answered `status`, oldest URL first (reparse)."""
        cursor = self.db.execute(
            "select c.* from captures c join ("
            "  select url, max(id) as id from captures where status = ? group by url"
            ") latest on latest.id = c.id order by c.id",
            [status],
        )
        columns = [d[0] for d in cursor.description]
        return (dict(zip(columns, row, strict=True)) for row in cursor.fetchall())

    @_user_errors
    def search(self, query: str, *, limit: int = 20) -> list[dict[str, Any]]:
        """Full-text search (FTS5 query syntax), best matches first."""
        rows = self.db.table("articles").search(
            query,
            columns=["id", "url", "title", "published_at", "category"],
            limit=limit,
            include_rank=True,
        )
        return list(rows)

    @_user_errors
    def category_counts(self) -> list[dict[str, Any]]:
        return list(
            self.db.query(
                "select category, category_slug, category_known, count(*) as articles"
                " from articles group by category_slug order by articles desc, category"
            )
        )

    @_user_errors
    def month_counts(self) -> list[dict[str, Any]]:
        return list(
            self.db.query(
                "select substr(published_date, 1, 7) as month, count(*) as articles"
                " from articles group by month order by month"
            )
        )

    # --- fetch failures -------------------------------------------------------------------------

    @_user_errors
    def record_failure(
        self, url: str, error: str, run_id: int | None, *, at: str | None = None
    ) -> int:
        """Remember an article that could not be fetched; returns its attempt count."""
        at = at or utc_timestamp()
        with self._write():
            self.db.execute(
                "insert into fetch_failures"
                " (url, first_failed_at, last_failed_at, attempts, last_error, last_run_id)"
                " values (?, ?, ?, 1, ?, ?)"
                " on conflict(url) do update set last_failed_at = excluded.last_failed_at,"
                " attempts = attempts + 1, last_error = excluded.last_error,"
                " last_run_id = excluded.last_run_id",
                [url, at, at, error, run_id],
            )
            return self.db.execute(
                "select attempts from fetch_failures where url = ?", [url]
            ).fetchone()[0]

    @_user_errors
    def clear_failure(self, url: str) -> None:
        with self._write():
            self.db.execute("delete from fetch_failures where url = ?", [url])

    @_user_errors
    def failed_urls(self) -> list[str]:
        rows = self.db.execute("select url from fetch_failures order by first_failed_at, url")
        return [url for (url,) in rows]

    # --- runs -----------------------------------------------------------------------------------

    @_user_errors
    def start_run(self, mode: str, base_url: str, pid: int | None = None) -> int:
        row = {
            "started_at": utc_timestamp(),
            "mode": mode,
            "base_url": base_url,
            "status": "running",
            "pid": os.getpid() if pid is None else pid,
        }
        with self._write():
            return self.db.table("crawl_runs").insert(row).last_pk

    @_user_errors
    def finish_run(
        self,
        run_id: int,
        *,
        status: str,
        counts: dict[str, int],
        stats: dict[str, Any],
        message: str | None = None,
    ) -> None:
        if status not in RUN_STATUSES or status == "running":
            raise ValueError(
                f"a finished run's status is one of {RUN_STATUSES[1:]}, not {status!r}"
            )
        unknown = sorted(set(counts) - set(RUN_COUNTS))
        if unknown:
            raise ValueError(f"unknown run counts {unknown} (known: {list(RUN_COUNTS)})")
        changes = {
            **counts,
            "finished_at": utc_timestamp(),
            "status": status,
            "stats_json": json.dumps(stats, default=str, sort_keys=True),
            "message": message,
        }
        with self._write():
            self.db.table("crawl_runs").update(run_id, changes)

    @_user_errors
    def mark_interrupted(self, exclude_run_id: int | None = None) -> int:
        """Mark every run still `running` (its process died) as `interrupted`; how many."""
        message = (
            f"the crawl stopped without finishing (killed or crashed); noticed {utc_timestamp()}"
        )
        with self._write():
            cursor = self.db.execute(
                "update crawl_runs set status = 'interrupted', message = ?"
                " where status = 'running' and id is not ?",
                [message, exclude_run_id],
            )
            return cursor.rowcount

    @_user_errors
    def get_run(self, run_id: int) -> dict[str, Any] | None:
        rows = list(self.db.table("crawl_runs").rows_where("id = ?", [run_id]))
        return rows[0] if rows else None

    @_user_errors
    def last_runs(self, n: int = 10) -> list[dict[str, Any]]:
        return list(self.db.table("crawl_runs").rows_where(order_by="id desc", limit=n))

    # --- quarantine, categories -----------------------------------------------------------------

    @_user_errors
    def quarantine(
        self,
        url: str | None,
        reason: str,
        detail: str | None,
        run_id: int | None,
        capture_id: int | None = None,
    ) -> int:
        row = {
            "url": url,
            "reason": reason,
            "detail": detail,
            "run_id": run_id,
            "capture_id": capture_id,
            "created_at": utc_timestamp(),
        }
        with self._write():
            return self.db.table("quarantine").insert(row).last_pk

    @_user_errors
    def sync_categories(self, taxonomy: Taxonomy) -> None:
        """One `known = 1` row per taxonomy entry; slugs the taxonomy no longer has become
        `known = 0` (their rows stay: articles may still carry them)."""
        now = utc_timestamp()
        slugs = [entry.slug for entry in taxonomy.entries]
        with self._write():
            for entry in taxonomy.entries:
                self.db.execute(
                    "insert into categories (slug, label, aliases, known, first_seen_at)"
                    " values (?, ?, ?, 1, ?) on conflict(slug) do update set"
                    " label = excluded.label, aliases = excluded.aliases, known = 1",
                    [entry.slug, entry.label, _json(list(entry.aliases)), now],
                )
            marks = ", ".join("?" * len(slugs))
            self.db.execute(
                f"update categories set known = 0 where known = 1 and slug not in ({marks})", slugs
            )

    @_user_errors
    def note_category(self, label: str, slug: str, known: bool) -> None:
        """Remember a category label seen on the site (a row is never downgraded)."""
        with self._write():
            self.db.execute(
                "insert into categories (slug, label, aliases, known, first_seen_at)"
                " values (?, ?, '[]', ?, ?) on conflict(slug) do nothing",
                [slug, label, int(known), utc_timestamp()],
            )

    @_user_errors
    def categories(self) -> list[dict[str, Any]]:
        rows = self.db.table("categories").rows_where(order_by="known desc, label")
        return [{**row, "aliases": json.loads(row["aliases"] or "[]")} for row in rows]

    # --- maintenance ----------------------------------------------------------------------------

    @_user_errors
    def integrity_check(self) -> str:
        """`ok`, or SQLite's list of problems (one per line)."""
        rows = self.db.execute("PRAGMA integrity_check").fetchall()
        return "\n".join(str(row[0]) for row in rows)

    @_user_errors
    def counts(self) -> dict[str, int]:
        return {name: self.db.table(name).count for name in TABLES}

    @_user_errors
    def schema_version(self) -> int:
        return self.db.execute("PRAGMA user_version").fetchone()[0]


def _migrate(db: Database, path: Path) -> None:
    if _user_version(db) == SCHEMA_VERSION:
        return
    conn = db.conn
    # IMMEDIATE: two processes opening an old archive at once must not both migrate it.
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = _user_version(db)
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{path}: archive schema version {version} is newer than this humas-crawler "
                f"understands ({SCHEMA_VERSION}); upgrade humas-crawler"
            )
        for number, migration in enumerate(MIGRATIONS[version:], start=version + 1):
            logger.info("%s: migrating the schema to version %d", path, number)
            migration(db)
            db.execute(f"PRAGMA user_version = {number}")
    except BaseException:
        conn.rollback()
        raise
    conn.commit()


def _check_version(db: Database, path: Path) -> None:
    version = _user_version(db)
    if version == 0 and not db.table("articles").exists():
        raise StoreError(f"{path}: not a humas-crawler archive (no articles table)")
    if version != SCHEMA_VERSION:
        raise StoreError(
            f"{path}: archive schema version {version}, this humas-crawler uses "
            f"{SCHEMA_VERSION}; open it once for writing (e.g. run a crawl) to migrate it"
        )


def _user_version(db: Database) -> int:
    return db.execute("PRAGMA user_version").fetchone()[0]


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _content_row(record: dict[str, Any]) -> dict[str, Any]:
    """The record's values for the articles' content columns; other keys are ignored."""
    row = {column: record[column] for column in _CONTENT_COLUMNS if column in record}
    if isinstance(row.get("image_urls"), (list, tuple)):
        row["image_urls"] = _json(list(row["image_urls"]))
    if "category_known" in row and row["category_known"] is not None:
        row["category_known"] = int(row["category_known"])
    if not row.get("content_hash"):
        row["content_hash"] = content_hash(
            record.get("title"),
            record.get("body_text"),
            record.get("published_raw"),
            record.get("category_raw"),
        )
    return row


def _decode_article(row: dict[str, Any]) -> dict[str, Any]:
    if row.get("image_urls") is not None:
        row["image_urls"] = json.loads(row["image_urls"])
    return row
