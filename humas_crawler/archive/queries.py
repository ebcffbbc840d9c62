"""Every read of the archive, and the one filter they share: `ArticleFilter`.

`ArticleFilter` says which articles a read covers (dates, categories, a full-text query,
duplicates or not) and renders that as SQL; export, search, counts, the stats breakdown and
reparse's plan all read through it (tests/test_datasette.py checks the shipped Datasette
queries against it). The reads are grouped by table, one class each; writer.py's classes
extend them with the writes, and a Store offers one of each (`store.articles`, ...):

    ArticleReads     columns, count, rows, export, search (fulltext.py ranks), known,
                     by_id, by_url, by_slug, newest, revisions, category_labels, breakdown
    EventReads       of_article, window, revision_pair
    CaptureReads     latest, redirects
    RunReads         last
    FailureReads     urls
    QuarantineReads  reasons
    CategoryReads    rows
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from humas_crawler.archive import fulltext
from humas_crawler.archive.errors import (
    StoreError,
    describe_sqlite_error,
    fts_errors,
    is_user_facing,
    user_errors,
)

if TYPE_CHECKING:
    from humas_crawler.archive.store import Store


@dataclass(frozen=True)
class ArticleFilter:
    """Which articles a read covers (export, search, counts); every condition must hold.

    `since`/`until` bound `published_date` (inclusive, `YYYY-MM-DD`; undated articles are left
    out once either is set); `category_slugs` match `category_slug` (resolve labels and
    aliases to slugs first: cli.options.resolve_categories); `sites` match `site` (registry
    names); `fts_query` is FTS5 MATCH syntax; duplicates (`duplicate_of` set) are left out
    unless `include_duplicates`.
    """

    since: str | None = None
    until: str | None = None
    category_slugs: tuple[str, ...] = ()
    fts_query: str | None = None
    include_duplicates: bool = False
    sites: tuple[str, ...] = ()

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
        if self.sites:
            marks = ", ".join("?" * len(self.sites))
            found.append((f"{alias}.site in ({marks})", list(self.sites)))
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


# Every archived article, duplicates included.
EVERY_ARTICLE = ArticleFilter(include_duplicates=True)


class Table:
    """What a table-like member of a Store shares: the store's Database, path and store."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.db = store.db
        self.path = store.path


class ArticleReads(Table):
    """Reads of `articles` (and of `article_revisions`)."""

    @user_errors
    def columns(self) -> list[str]:
        """The columns of `articles` as the archive has them, in table order."""
        return [column.name for column in self.db.table("articles").columns]

    @user_errors
    def count(self, where: ArticleFilter) -> int:
        """How many articles `where` selects."""
        conditions, params = where.conditions("a")
        with fts_errors(where.fts_query):
            return self.db.execute(
                f"select count(*) from articles a where {conditions}", params
            ).fetchone()[0]

    @user_errors
    def rows(self, where: ArticleFilter = EVERY_ARTICLE) -> Iterator[dict[str, Any]]:
        """Every column of the articles `where` selects (by default every article, duplicates
        too), as dicts in export's order; `image_urls` decoded from its JSON."""
        columns = self.columns()
        return (
            _decoded(dict(zip(columns, row, strict=True))) for row in self.export(columns, where)
        )

    @user_errors
    def export(
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
        known = set(self.columns())
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
    def search(
        self,
        where: ArticleFilter,
        *,
        limit: int = 20,
        title_weight: float = fulltext.TITLE_WEIGHT,
        marks: tuple[str, str] = ("[", "]"),
        snippet_tokens: int = 24,
    ) -> list[dict[str, Any]]:
        """The `limit` best matches of `where.fts_query` (FTS5 syntax) by bm25, a title match
        weighing `title_weight` body matches; each with `title_marked` (every match wrapped in
        `marks`), `snippet` (the best passage of the body, marked) and `score` (higher: better).
        """
        return fulltext.best_matches(
            self.db,
            where,
            limit=limit,
            title_weight=title_weight,
            marks=marks,
            snippet_tokens=snippet_tokens,
        )

    @user_errors
    def known(self) -> dict[str, str | None]:
        """url -> published_date of every archived article (for incremental crawls)."""
        return dict(self.db.execute("select url, published_date from articles").fetchall())

    def sites(self) -> dict[str, int]:
        """site -> articles, for every site the archive holds (none before schema v7)."""
        if "site" not in self.db.table("articles").columns_dict:
            return {}
        return dict(
            self.db.execute(
                "select site, count(*) from articles group by site order by count(*) desc, site"
            ).fetchall()
        )

    def fetch_times(self, site: str) -> dict[str, str]:
        """url -> last_fetched_at of every article of `site` (an API's modification times are
        compared with them)."""
        return dict(
            self.db.execute(
                "select url, last_fetched_at from articles where site = ?", [site]
            ).fetchall()
        )

    @user_errors
    def by_id(self, article_id: int) -> dict[str, Any] | None:
        """The `articles` row with this id, or None."""
        rows = list(self.db.table("articles").rows_where("id = ?", [article_id], limit=1))
        return rows[0] if rows else None

    @user_errors
    def by_url(self, url: str) -> dict[str, Any] | None:
        """The `articles` row at exactly `url` (canonical), or None."""
        rows = list(self.db.table("articles").rows_where("url = ?", [url], limit=1))
        return rows[0] if rows else None

    @user_errors
    def newest(self, n: int) -> list[dict[str, Any]]:
        """The `n` articles archived last, duplicates left out (row ids grow in the order
        articles are first archived: no sort of the table)."""
        return list(
            self.db.query(
                "select url, title, category, published_at, first_seen_at, body_text"
                " from articles where duplicate_of is null order by id desc limit ?",
                [n],
            )
        )

    @user_errors
    def by_slug(self, slug: str) -> list[dict[str, Any]]:
        """The `articles` rows whose slug is `slug` (one article in either URL form)."""
        return list(self.db.table("articles").rows_where("slug = ?", [slug], order_by="id"))

    @user_errors
    def revisions(self, article_id: int) -> list[dict[str, Any]]:
        """The `article_revisions` rows of an article, first version first."""
        return list(
            self.db.table("article_revisions").rows_where(
                "article_id = ?", [article_id], order_by="revision"
            )
        )

    @user_errors
    def category_labels(self) -> list[dict[str, Any]]:
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
    def breakdown(self, where: ArticleFilter = EVERY_ARTICLE) -> list[dict[str, Any]]:
        """Articles per (`month` `YYYY-MM`, `category_slug`), with `category`, `category_known`,
        `articles` (every row), `duplicates`, `changed` (revision > 1), `first_date` and
        `last_date`: what `stats` shows, in one scan of `articles`. `month` and `category_slug`
        are NULL for articles without a date or a category."""
        conditions, params = where.conditions("a")
        with fts_errors(where.fts_query):
            return list(
                self.db.query(
                    "select substr(published_date, 1, 7) as month, category_slug,"
                    " max(category) as category, max(category_known) as category_known,"
                    " count(*) as articles, count(duplicate_of) as duplicates,"
                    " sum(revision > 1) as changed,"
                    " min(published_date) as first_date, max(published_date) as last_date"
                    f" from articles a where {conditions}"
                    " group by month, category_slug order by month, category_slug",
                    params,
                )
            )

    @user_errors
    def pages(self, where: ArticleFilter) -> Iterator[tuple[str, str, str | None, str]]:
        """(url, time of its newest capture, title, that capture's WARC file) of every article
        `where` selects that has a capture, streamed in url order: a WACZ's page list, one row
        at a time."""
        conditions, params = where.conditions("a")
        cursor = self.db.execute(
            "select a.url, c.fetched_at, a.title, c.warc_file from articles a join captures c"
            f" on c.id = a.capture_id where {conditions} order by a.url",
            params,
        )
        return iter(cursor)

    @user_errors
    def per_site(self) -> list[dict[str, Any]]:
        """Per site: `articles`, `duplicates`, `first_date`, `last_date`, `removed`, and its
        last run's `last_run_status` and `last_run_at`; most articles first (empty before
        schema v7)."""
        if "site" not in self.db.table("articles").columns_dict:
            return []
        return list(
            self.db.query(
                "select a.site, count(*) as articles, count(a.duplicate_of) as duplicates,"
                " min(a.published_date) as first_date, max(a.published_date) as last_date,"
                " count(a.removed_at) as removed, r.status as last_run_status,"
                " r.started_at as last_run_at"
                " from articles a left join crawl_runs r on r.id ="
                " (select max(id) from crawl_runs where site = a.site)"
                " group by a.site order by articles desc, a.site"
            )
        )


class CaptureReads(Table):
    """Reads of `captures`."""

    @user_errors
    def latest(self, *, status: int = 200) -> Iterator[dict[str, Any]]:
        """The newest capture of every URL that answered `status`, oldest URL first (reparse);
        for a revisit, with the location of the record it refers to (the payload is there)."""
        # A revisit's payload is its original's: the location returned is the original's.
        cursor = self.db.execute(
            "select c.*, coalesce(o.warc_file, c.warc_file) as warc_file,"
            " coalesce(o.warc_offset, c.warc_offset) as warc_offset,"
            " coalesce(o.warc_length, c.warc_length) as warc_length"
            " from captures c join ("
            "  select url, max(id) as id from captures where status = ? group by url"
            ") latest on latest.id = c.id left join captures o on o.id = c.revisit_of"
            " order by c.id",
            [status],
        )
        columns = [d[0] for d in cursor.description]
        return (dict(zip(columns, row, strict=True)) for row in cursor.fetchall())

    @user_errors
    def under(self, prefix: str, *, status: int = 200) -> Iterator[dict[str, Any]]:
        """Every capture that answered `status` at a URL starting with `prefix`, oldest first,
        each at the location of its payload (a revisit's original): an API's archived answers."""
        cursor = self.db.execute(
            "select c.id, c.url, c.fetched_at, coalesce(o.warc_file, c.warc_file) as warc_file,"
            " coalesce(o.warc_offset, c.warc_offset) as warc_offset"
            " from captures c left join captures o on o.id = c.revisit_of"
            " where c.status = ? and substr(c.url, 1, ?) = ? order by c.id",
            [status, len(prefix), prefix],
        )
        columns = [d[0] for d in cursor.description]
        return (dict(zip(columns, row, strict=True)) for row in cursor)

    @user_errors
    def last_full(self, url: str) -> dict[str, Any] | None:
        """The newest capture of `url` that answered 200 with its payload written in full (not a
        revisit): what an identical refetch is a revisit of."""
        rows = list(
            self.db.query(
                "select id, url, payload_digest, warc_record_id, fetched_at from captures"
                " where url = ? and status = 200 and revisit_of is null order by id desc limit 1",
                [url],
            )
        )
        return rows[0] if rows else None

    @user_errors
    def of_articles(self, where: ArticleFilter) -> Iterator[dict[str, Any]]:
        """Every capture of the articles `where` selects, in every revision (and their latest
        fetch), with the redirects that led to them, in capture order (a WACZ's records)."""
        conditions, params = where.conditions("a")
        chosen = (
            f"select r.capture_id as id from article_revisions r join articles a"
            f" on a.id = r.article_id where {conditions} and r.capture_id is not null"
            f" union select a.capture_id from articles a where {conditions}"
            " and a.capture_id is not null"
        )
        cursor = self.db.execute(
            f"with chosen(id) as ({chosen}),"
            " hops(url) as (select c.request_url from captures c join chosen on chosen.id = c.id"
            "  where c.request_url is not null and c.request_url != c.url)"
            " select * from captures where id in (select id from chosen)"
            " or (status between 300 and 399 and url in (select url from hops))"
            # The records revisits refer to: the payload is theirs.
            " or id in (select c.revisit_of from captures c join chosen on chosen.id = c.id)"
            " order by id",
            [*params, *params],
        )
        columns = [d[0] for d in cursor.description]
        return (dict(zip(columns, row, strict=True)) for row in cursor)

    @user_errors
    def newest_warc_file(self) -> str | None:
        """The WARC file (name, no directory) of the newest capture, or None."""
        row = self.db.execute("select warc_file from captures order by id desc limit 1").fetchone()
        return row[0] if row else None

    @user_errors
    def redirects(self) -> list[tuple[str, str]]:
        """(first requested URL, final URL) of every archived 200 response reached by redirect."""
        rows = self.db.execute(
            "select distinct request_url, url from captures"
            " where status = 200 and request_url is not null and request_url != url"
        )
        return [(a, b) for a, b in rows.fetchall()]


class RunReads(Table):
    """Reads of `crawl_runs`."""

    @user_errors
    def last(self, n: int = 10) -> list[dict[str, Any]]:
        """The `n` latest runs, newest first."""
        return list(self.db.table("crawl_runs").rows_where(order_by="id desc", limit=n))

    @user_errors
    def last_of(self, base_url: str) -> dict[str, Any] | None:
        """The latest run of the site at `base_url`, or None."""
        rows = self.db.table("crawl_runs").rows_where(
            "base_url = ?", [base_url], order_by="id desc", limit=1
        )
        return next(iter(rows), None)

    @user_errors
    def get(self, run_id: int) -> dict[str, Any] | None:
        """The run with this id, or None."""
        rows = self.db.table("crawl_runs").rows_where("id = ?", [run_id], limit=1)
        return next(iter(rows), None)

    @user_errors
    def last_finished(self, base_url: str) -> str | None:
        """When the newest run of `base_url` that finished (`ok` or `degraded`) started."""
        row = self.db.execute(
            "select max(started_at) from crawl_runs where status in ('ok', 'degraded')"
            " and base_url = ?",
            [base_url],
        ).fetchone()
        return row[0] if row else None

    def last_category_sweep(self, base_url: str) -> str | None:
        """When the newest run of `base_url` that read its category listings to the end started
        (a run that finished, `ok` or `degraded`); None if none did."""
        row = self.db.execute(
            "select max(started_at) from crawl_runs where category_sweep = 1"
            " and status in ('ok', 'degraded') and base_url = ?",
            [base_url],
        ).fetchone()
        return row[0] if row else None


class EventReads(Table):
    """Reads of `article_events`: what changed, and when (the `changes` log, history, feeds)."""

    @user_errors
    def of_article(self, article_id: int) -> list[dict[str, Any]]:
        """An article's events, oldest first."""
        return list(
            self.db.table("article_events").rows_where(
                "article_id = ?", [article_id], order_by="at, id"
            )
        )

    @user_errors
    def window(
        self,
        *,
        since: str | None = None,
        until: str | None = None,
        category_slugs: Sequence[str] = (),
        include_trivial: bool = False,
        kinds: Sequence[str] = (),
        limit: int | None = None,
        sites: Sequence[str] = (),
    ) -> Iterator[dict[str, Any]]:
        """Events newest first, with the article's `title` and `category`: those at or after
        `since` and on or before `until` (UTC dates, `YYYY-MM-DD`), of the articles in
        `category_slugs`, of `kinds`; trivial changes left out unless `include_trivial`."""
        conditions, params = [], []
        if since:
            conditions.append("e.at >= ?")
            params.append(since)
        if until:
            conditions.append("e.at < date(?, '+1 day')")
            params.append(until)
        if category_slugs:
            conditions.append(f"a.category_slug in ({', '.join('?' * len(category_slugs))})")
            params.extend(category_slugs)
        if kinds:
            conditions.append(f"e.kind in ({', '.join('?' * len(kinds))})")
            params.extend(kinds)
        if sites:
            conditions.append(f"a.site in ({', '.join('?' * len(sites))})")
            params.extend(sites)
        if not include_trivial:
            conditions.append("coalesce(e.trivial, 0) = 0")
        where = " and ".join(conditions) or "1"
        cursor = self.db.execute(
            "select e.id, e.article_id, e.url, e.revision, e.at, e.kind, e.trivial, e.summary,"
            " e.detail, e.capture_id, a.title, a.category, a.category_slug"
            f" from article_events e join articles a on a.id = e.article_id where {where}"
            " order by e.at desc, e.id desc" + (f" limit {int(limit)}" if limit else ""),
            params,
        )
        names = [d[0] for d in cursor.description]
        return (dict(zip(names, row, strict=True)) for row in cursor)

    @user_errors
    def revision_pair(self, article_id: int, revision: int) -> tuple[dict | None, dict | None]:
        """The revisions `revision - 1` and `revision` of an article (what a change compares)."""
        rows = {
            row["revision"]: row
            for row in self.db.table("article_revisions").rows_where(
                "article_id = ? and revision in (?, ?)", [article_id, revision - 1, revision]
            )
        }
        return rows.get(revision - 1), rows.get(revision)


class FailureReads(Table):
    """Reads of `fetch_failures`."""

    @user_errors
    def urls(self) -> list[str]:
        """The URLs waiting for a retry, first failed first."""
        rows = self.db.execute("select url from fetch_failures order by first_failed_at, url")
        return [url for (url,) in rows]


class QuarantineReads(Table):
    """Reads of `quarantine`."""

    @user_errors
    def reasons(self) -> list[dict[str, Any]]:
        """Quarantine rows per `reason`: `rows`, `last_at` (newest `created_at`), `last_run_id`."""
        return list(
            self.db.query(
                "select reason, count(*) as rows, max(created_at) as last_at,"
                " max(run_id) as last_run_id from quarantine"
                " group by reason order by rows desc, reason"
            )
        )


class SiteReads(Table):
    """Reads of `sites`: each site as its last crawl read it."""

    @user_errors
    def get(self, name: str) -> dict[str, Any] | None:
        """The site called `name` (lists decoded), or None (or an archive before v7)."""
        if not self.db.table("sites").exists():
            return None
        rows = list(self.db.table("sites").rows_where("name = ?", [name], limit=1))
        if not rows:
            return None
        row = rows[0]
        return {**row, **{k: json.loads(row[k] or "[]") for k in ("article_paths", "listings")}}


class CategoryReads(Table):
    """Reads of `categories`."""

    @user_errors
    def rows(self) -> list[dict[str, Any]]:
        """Every category row, known ones first, `aliases` decoded from its JSON."""
        rows = self.db.table("categories").rows_where(order_by="known desc, label")
        return [{**row, "aliases": json.loads(row["aliases"] or "[]")} for row in rows]


def _decoded(row: dict[str, Any]) -> dict[str, Any]:
    if row.get("image_urls") is not None:
        row["image_urls"] = json.loads(row["image_urls"])
    return row
