"""The SQLite archive: opening it, and every query (schema.py, migrations.py, errors.py beside)."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal

from sqlite_utils import Database

from humas_crawler.archive import errors
from humas_crawler.archive.errors import (
    StoreError,
    describe_sqlite_error,
    fts_errors,
    is_user_facing,
    user_errors,
)
from humas_crawler.archive.migrations import check_archive, check_version, check_writable, migrate
from humas_crawler.archive.record import ArticleRecord, content_hash
from humas_crawler.archive.schema import RUN_COUNTS, RUN_STATUSES, TABLES, utc_timestamp

if TYPE_CHECKING:
    from humas_crawler.normalize.categories import Taxonomy

Outcome = Literal["new", "changed", "unchanged"]
# bm25 weight of a match in the title against one in the body (search ranking).
SEARCH_TITLE_WEIGHT = 5.0
# Share of the articles that a search's date and category filters must let through for the
# best matches to be ranked first and checked after (else only the allowed rows are ranked).
_SEARCH_DENSE_SHARE = 0.3


@dataclass(frozen=True)
class ArticleFilter:
    """Which articles a read covers (export, search, counts); every condition must hold.

    `since`/`until` bound `published_date` (inclusive, `YYYY-MM-DD`; undated articles are left
    out once either is set); `category_slugs` match `category_slug`; `fts_query` is FTS5 MATCH
    syntax; duplicates (`duplicate_of` set) are left out unless `include_duplicates`.
    """

    since: str | None = None
    until: str | None = None
    category_slugs: tuple[str, ...] = ()
    fts_query: str | None = None
    include_duplicates: bool = False

    def indexed(self, alias: str) -> list[tuple[str, list[Any]]]:
        """The date and the category condition, each served by one index, with parameters."""
        found: list[tuple[str, list[Any]]] = []
        dates = [(op, day) for op, day in ((">=", self.since), ("<=", self.until)) if day]
        if dates:
            found.append(
                (
                    " and ".join(f"{alias}.published_date {op} ?" for op, _ in dates),
                    [day for _, day in dates],
                )
            )
        if self.category_slugs:
            marks = ", ".join("?" * len(self.category_slugs))
            found.append((f"{alias}.category_slug in ({marks})", list(self.category_slugs)))
        return found

    def narrowing(self, alias: str) -> tuple[list[str], list[Any]]:
        """The date and category conditions and their parameters."""
        conditions: list[str] = []
        params: list[Any] = []
        for condition, values in self.indexed(alias):
            conditions.append(condition)
            params.extend(values)
        return conditions, params

    def conditions(self, alias: str, *, fts: bool = True) -> tuple[str, list[Any]]:
        """Every condition (with `fts`, the full-text query too) as one SQL expression over
        the `articles` row named `alias`, and its parameters."""
        conditions, params = self.narrowing(alias)
        if not self.include_duplicates:
            conditions.append(f"{alias}.duplicate_of is null")
        if fts and self.fts_query is not None:
            conditions.append(
                f"{alias}.id in (select rowid from articles_fts where articles_fts match ?)"
            )
            params.append(self.fts_query)
        return " and ".join(conditions) or "1", params


@dataclass(frozen=True)
class SaveResult:
    outcome: Outcome
    article_id: int
    revision: int
    capture_id: int | None
    duplicate_of: int | None


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

    @user_errors
    def refresh_article(self, record: ArticleRecord) -> bool:
        """Rewrite the derived columns of an archived version (same content hash): what today's
        extractor and normalizers read from it (published_at, category, dateline, ...).

        No revision is added and no fetch time moves: the content did not change, only how it
        is read. Returns False when no article has this url and content hash.
        """
        content = _content_row(record)
        columns = [c for c in content if c != "content_hash"]
        assignments = ", ".join(f"[{c}] = ?" for c in columns)
        with self._write():
            cursor = self.db.conn.execute(
                f"update articles set {assignments} where url = ? and content_hash = ?",
                [content[c] for c in columns] + [record.url, content["content_hash"]],
            )
            return cursor.rowcount == 1

    @user_errors
    def save_article(
        self,
        record: ArticleRecord,
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
        url = record.url
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

    @user_errors
    def record_capture(self, capture: dict[str, Any], run_id: int | None) -> int:
        """Store the capture row of a response that is not an article (listing, robots, ...)."""
        with self._write():
            return self._insert_capture(
                capture, run_id, capture.get("fetched_at") or utc_timestamp()
            )

    @user_errors
    def get_article(self, url: str) -> dict[str, Any] | None:
        rows = list(self.db.table("articles").rows_where("url = ?", [url], limit=1))
        return _decode_article(rows[0]) if rows else None

    @user_errors
    def revisions(self, article_id: int) -> list[dict[str, Any]]:
        return list(
            self.db.table("article_revisions").rows_where(
                "article_id = ?", [article_id], order_by="revision"
            )
        )

    @user_errors
    def known_articles(self) -> dict[str, str | None]:
        """url -> published_date of every archived article (for incremental crawls)."""
        return dict(self.db.execute("select url, published_date from articles").fetchall())

    @user_errors
    def redirects(self) -> list[tuple[str, str]]:
        """(first requested URL, final URL) of every archived 200 response reached by redirect."""
        rows = self.db.execute(
            "select distinct request_url, url from captures"
            " where status = 200 and request_url is not null and request_url != url"
        )
        return [(a, b) for a, b in rows.fetchall()]

    @user_errors
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

    @user_errors
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

    @user_errors
    def search(self, query: str, *, limit: int = 20) -> list[dict[str, Any]]:
        """Full-text search (FTS5 query syntax), best matches first."""
        rows = self.db.table("articles").search(
            query,
            columns=["id", "url", "title", "published_at", "category"],
            limit=limit,
            include_rank=True,
        )
        return list(rows)

    @user_errors
    def article_columns(self) -> list[str]:
        """The columns of `articles` as the archive has them, in table order."""
        return [column.name for column in self.db.table("articles").columns]

    @user_errors
    def count_articles(self, where: ArticleFilter) -> int:
        conditions, params = where.conditions("a")
        with fts_errors(where.fts_query):
            return self.db.execute(
                f"select count(*) from articles a where {conditions}", params
            ).fetchone()[0]

    @user_errors
    def export_rows(
        self,
        columns: Sequence[str],
        where: ArticleFilter,
        *,
        formula_triggers: Sequence[str] = (),
    ) -> Iterator[tuple[Any, ...]]:
        """Tuples of `columns` for the articles `where` selects, oldest first (undated last),
        streamed from SQLite: memory stays flat however many rows there are.

        A text value starting with one of `formula_triggers` gets a leading `'` (CSV for
        spreadsheets, see humas_crawler.cli.csvsafe); numbers and NULLs are never touched.
        """
        known = set(self.article_columns())
        unknown = [column for column in columns if column not in known]
        if unknown or not columns:
            raise ValueError(f"not columns of articles: {unknown or 'none given'}")
        codes = ", ".join(str(ord(character)) for character in formula_triggers)
        if codes:
            cells = ", ".join(
                f"case when typeof(a.[{c}]) = 'text' and unicode(a.[{c}]) in ({codes})"
                f" then '''' || a.[{c}] else a.[{c}] end"
                for c in columns
            )
        else:
            cells = ", ".join(f"a.[{c}]" for c in columns)
        conditions, params = where.conditions("x")
        # Sort the ids alone (a co-routine, kept in order by the CROSS JOIN), then read each
        # row once: sorting whole rows would drag every body through SQLite's sorter.
        sql = (
            f"select {cells} from (select x.id as k, x.published_at as p from articles x"
            f" where {conditions} order by p is null, p, k limit -1) o"
            " cross join articles a on a.id = o.k"
        )
        with fts_errors(where.fts_query):
            # Executed here, so a bad query raises now, not mid-iteration.
            cursor = self.db.execute(sql, params)
        return self._stream(cursor)

    def _stream(self, cursor: sqlite3.Cursor) -> Iterator[tuple[Any, ...]]:
        try:
            # Not `yield from`: closing this generator would close the cursor, which fails once
            # the store is closed (a reader that stopped early, then the `with` block ended).
            for row in cursor:  # noqa: UP028
                yield row
        except sqlite3.DatabaseError as exc:
            if not is_user_facing(exc):
                raise
            raise StoreError(describe_sqlite_error(self.path, exc)) from exc

    @user_errors
    def search_articles(
        self,
        where: ArticleFilter,
        *,
        limit: int = 20,
        title_weight: float = SEARCH_TITLE_WEIGHT,
        marks: tuple[str, str] = ("[", "]"),
        snippet_tokens: int = 24,
    ) -> list[dict[str, Any]]:
        """The `limit` best matches of `where.fts_query` (FTS5 syntax) by bm25, a title match
        weighing `title_weight` body matches; each with `title_marked` (every match wrapped in
        `marks`), `snippet` (the best passage of the body, marked) and `score` (higher: better).
        """
        if not where.fts_query:
            raise ValueError("search_articles needs a full-text query")
        weights = [float(title_weight), 1.0]
        with fts_errors(where.fts_query):
            ranked = self._ranked(where, limit, weights)
            if not ranked:
                return []
            ids = [article_id for article_id, _ in ranked]
            id_list = json.dumps(ids)
            # One pass over the query's matches between the first and last id; the `+` keeps
            # the id list away from FTS5, which would run the whole query once per id.
            cursor = self.db.execute(
                "select a.id, a.url, a.title, a.published_at, a.published_date, a.category,"
                " a.category_slug, a.duplicate_of,"
                " highlight(articles_fts, 0, ?, ?) as title_marked,"
                " snippet(articles_fts, 1, ?, ?, '…', ?) as snippet"
                " from articles_fts join articles a on a.id = articles_fts.rowid"
                " where articles_fts match ? and articles_fts.rowid between ? and ?"
                " and +articles_fts.rowid in (select value from json_each(?))",
                [*marks, *marks, snippet_tokens, where.fts_query, min(ids), max(ids), id_list],
            )
            columns = [d[0] for d in cursor.description]
            hits = {row[0]: dict(zip(columns, row, strict=True)) for row in cursor}
        return [
            {**hits[article_id], "score": -bm25}
            for article_id, bm25 in ranked
            if article_id in hits
        ]

    def _ranked(
        self, where: ArticleFilter, limit: int, weights: list[float]
    ) -> list[tuple[int, float]]:
        """(id, bm25) of the best `limit` matches that pass every condition, best first.

        Ranking costs one bm25 per matching row, and joining the conditions into the ranking
        query would read every matching article's row. So the index alone ranks (over-fetching
        a little) and the few best ids are checked after. When the date and category
        conditions let most articles through, every match is ranked; when they are selective,
        only the matches among the ids they allow (read from their indexes).
        """
        narrowing, params = where.narrowing("x")
        share = 1.0
        if narrowing:
            # The share of articles passing, estimated from each condition's own index
            # (counting the conjunction would read table rows); max(id) for count(*).
            highest = self.db.execute("select max(id) from articles").fetchone()[0] or 1
            for condition, values in where.indexed("x"):
                allowed = self.db.execute(
                    f"select count(*) from articles x where {condition}", values
                ).fetchone()[0]
                if not allowed:
                    return []
                share *= min(1.0, allowed / highest)
        rank = "bm25(articles_fts, ?, ?)"
        if share >= _SEARCH_DENSE_SHARE:
            sql = (
                f"select rowid, {rank} as s from articles_fts where articles_fts match ?"
                " order by s limit ?"
            )
            args: list[Any] = [*weights, where.fts_query]
            fetch = int((limit + 5) / share * 1.5) + 1
        else:
            sql = (
                f"with allowed(id) as materialized"
                f" (select x.id from articles x where {' and '.join(narrowing)})"
                f" select f.rowid, {rank} as s from articles_fts f"
                " cross join allowed on allowed.id = f.rowid"
                " where articles_fts match ? order by s limit ?"
            )
            args = [*params, *weights, where.fts_query]
            fetch = limit + 5
        for _ in range(3):
            ranked = self.db.execute(sql, [*args, fetch]).fetchall()
            passing = self._passing([article_id for article_id, _ in ranked], where)
            kept = [(article_id, bm25) for article_id, bm25 in ranked if article_id in passing]
            if len(kept) >= limit or len(ranked) < fetch:
                return kept[:limit]
            fetch *= 8
        # Many duplicates among the best matches: rank with every condition joined in.
        conditions, params = where.conditions("x", fts=False)
        return self.db.execute(
            f"with allowed(id) as materialized (select x.id from articles x where {conditions})"
            f" select f.rowid, {rank} as s from articles_fts f"
            " cross join allowed on allowed.id = f.rowid"
            " where articles_fts match ? order by s limit ?",
            [*params, *weights, where.fts_query, limit],
        ).fetchall()

    def _passing(self, ids: list[int], where: ArticleFilter) -> set[int]:
        """Those of `ids` that pass `where`, its full-text query aside."""
        if not ids:
            return set()
        conditions, params = where.conditions("x", fts=False)
        return {
            article_id
            for (article_id,) in self.db.execute(
                "select x.id from articles x where x.id in (select value from json_each(?))"
                f" and {conditions}",
                [json.dumps(ids), *params],
            )
        }

    @user_errors
    def article_category_labels(self) -> list[dict[str, Any]]:
        """Every category the articles carry: `category`, `category_slug`, `category_known`
        (one row per slug; a full scan of `articles`)."""
        return list(
            self.db.query(
                "select max(category) as category, category_slug,"
                " max(category_known) as category_known from articles"
                " where category_slug is not null group by category_slug order by category_slug"
            )
        )

    @user_errors
    def article_breakdown(self) -> list[dict[str, Any]]:
        """Articles per (`month` `YYYY-MM`, `category_slug`), with `category`, `category_known`,
        `articles` (every row), `duplicates`, `changed` (revision > 1), `first_date` and
        `last_date`: what `stats` shows, in one scan of `articles`. `month` and `category_slug`
        are NULL for articles without a date or a category."""
        return list(
            self.db.query(
                "select substr(published_date, 1, 7) as month, category_slug,"
                " max(category) as category, max(category_known) as category_known,"
                " count(*) as articles, count(duplicate_of) as duplicates,"
                " sum(revision > 1) as changed,"
                " min(published_date) as first_date, max(published_date) as last_date"
                " from articles group by month, category_slug order by month, category_slug"
            )
        )

    @user_errors
    def quarantine_reasons(self) -> list[dict[str, Any]]:
        """Quarantine rows per `reason`: `rows`, `last_at` (newest `created_at`), `last_run_id`."""
        return list(
            self.db.query(
                "select reason, count(*) as rows, max(created_at) as last_at,"
                " max(run_id) as last_run_id from quarantine"
                " group by reason order by rows desc, reason"
            )
        )

    # --- fetch failures -------------------------------------------------------------------------

    @user_errors
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

    @user_errors
    def clear_failure(self, url: str) -> None:
        with self._write():
            self.db.execute("delete from fetch_failures where url = ?", [url])

    @user_errors
    def failed_urls(self) -> list[str]:
        rows = self.db.execute("select url from fetch_failures order by first_failed_at, url")
        return [url for (url,) in rows]

    # --- runs -----------------------------------------------------------------------------------

    @user_errors
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

    @user_errors
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

    @user_errors
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

    @user_errors
    def get_run(self, run_id: int) -> dict[str, Any] | None:
        rows = list(self.db.table("crawl_runs").rows_where("id = ?", [run_id]))
        return rows[0] if rows else None

    @user_errors
    def last_runs(self, n: int = 10) -> list[dict[str, Any]]:
        return list(self.db.table("crawl_runs").rows_where(order_by="id desc", limit=n))

    # --- quarantine, categories -----------------------------------------------------------------

    @user_errors
    def quarantine(
        self,
        url: str | None,
        reason: str,
        detail: str | None,
        run_id: int | None,
        capture_id: int | None = None,
        *,
        once: bool = False,
    ) -> int | None:
        """Record what could not become an article. With `once`, a capture already quarantined
        for the same reason is not recorded again (reparse reruns); None is returned then."""
        row = {
            "url": url,
            "reason": reason,
            "detail": detail,
            "run_id": run_id,
            "capture_id": capture_id,
            "created_at": utc_timestamp(),
        }
        with self._write():
            if once and capture_id is not None:
                seen = self.db.execute(
                    "select 1 from quarantine where capture_id = ? and reason = ?",
                    [capture_id, reason],
                ).fetchone()
                if seen:
                    return None
            return self._insert_row("quarantine", row)

    @user_errors
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

    @user_errors
    def note_category(self, label: str, slug: str, known: bool) -> None:
        """Remember a category label seen on the site (a row is never downgraded)."""
        with self._write():
            self.db.execute(
                "insert into categories (slug, label, aliases, known, first_seen_at)"
                " values (?, ?, '[]', ?, ?) on conflict(slug) do nothing",
                [slug, label, int(known), utc_timestamp()],
            )

    @user_errors
    def categories(self) -> list[dict[str, Any]]:
        rows = self.db.table("categories").rows_where(order_by="known desc, label")
        return [{**row, "aliases": json.loads(row["aliases"] or "[]")} for row in rows]

    # --- maintenance ----------------------------------------------------------------------------

    @user_errors
    def integrity_check(self) -> str:
        """`ok`, or SQLite's list of problems (one per line)."""
        rows = self.db.execute("PRAGMA integrity_check").fetchall()
        return "\n".join(str(row[0]) for row in rows)

    @user_errors
    def counts(self) -> dict[str, int]:
        return {name: self.db.table(name).count for name in TABLES}

    @user_errors
    def schema_version(self) -> int:
        return self.db.execute("PRAGMA user_version").fetchone()[0]


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _content_row(article: ArticleRecord) -> dict[str, Any]:
    """The record's values for the articles' content columns."""
    record = article.to_dict()
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
