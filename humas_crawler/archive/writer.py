"""Every write to the archive, one transaction each: the table-like members of a Store.

Each class extends the reads of its table (queries.py) with the writes:

    Articles    save (new, changed: a new revision, unchanged), refresh
    Captures    add
    Runs        start, finish, mark_interrupted
    Failures    record, clear
    Quarantine  add
    Categories  sync, note

An article, its revision and its capture are one transaction (`Articles.save`). Rows are
added with plain INSERTs: the hot path of a crawl.
"""

from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from sqlite_utils import Database

from humas_crawler.archive.errors import user_errors
from humas_crawler.archive.queries import (
    ArticleReads,
    CaptureReads,
    CategoryReads,
    FailureReads,
    QuarantineReads,
    RunReads,
    SiteReads,
)
from humas_crawler.archive.record import ArticleRecord, content_hash
from humas_crawler.archive.schema import (
    DEFAULT_SITE,
    RUN_COUNTS,
    RUN_STATUSES,
    TABLES,
    utc_timestamp,
)
from humas_crawler.revisions.diff import diff_revisions

if TYPE_CHECKING:
    from humas_crawler.normalize.categories import Taxonomy

Outcome = Literal["new", "changed", "unchanged"]


@dataclass(frozen=True)
class SaveResult:
    outcome: Outcome
    article_id: int
    revision: int
    capture_id: int | None
    duplicate_of: int | None
    restored: bool = False  # it had been found gone from the site, and answered again


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
        "removed_at",
    }
)
_CONTENT_COLUMNS = tuple(c for c in TABLES["articles"].columns if c not in _BOOKKEEPING)
# What a change event's diff compares (humas_crawler.revisions.diff).
_DIFFED = ("title", "category", "published_at", "body_text")
_CAPTURE_COLUMNS = tuple(c for c in TABLES["captures"].columns if c not in ("id", "run_id"))


class Articles(ArticleReads):
    """`articles` and `article_revisions`: `store.articles`."""

    @user_errors
    def refresh(self, record: ArticleRecord) -> bool:
        """Rewrite the derived columns of an archived version (same content hash): what today's
        extractor and normalizers read from it (published_at, category, dateline, ...).

        No revision is added and no fetch time moves: the content did not change, only how it
        is read. Returns False when no article has this url and content hash.
        """
        content = _content_row(record)
        columns = [c for c in content if c != "content_hash"]
        assignments = ", ".join(f"[{c}] = ?" for c in columns)
        with self.store.transaction():
            cursor = self.db.conn.execute(
                f"update articles set {assignments} where url = ? and content_hash = ?",
                [content[c] for c in columns] + [record.url, content["content_hash"]],
            )
            return cursor.rowcount == 1

    @user_errors
    def save(
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
        with self.store.transaction():
            if capture is not None:
                capture_id = _insert_capture(self.db, capture, run_id, fetched_at)
            # Fetched at last: no longer a failure to retry (same transaction as the article).
            self.db.execute("delete from fetch_failures where url = ?", [url])
            found = self.db.execute(
                "select id, content_hash, revision, duplicate_of, removed_at from articles"
                " where url = ?",
                [url],
            ).fetchone()
            if found is None:
                return self._insert(url, content, fetched_at, capture_id)
            article_id, old_hash, revision, duplicate_of, removed_at = found
            restored = removed_at is not None
            if restored:
                # Answering again after it was found gone: the gap stays in its events.
                self.db.table("articles").update(article_id, {"removed_at": None})
                self._event(article_id, url, "restored", fetched_at, revision, capture_id)
            if old_hash == content["content_hash"]:
                moved = {"last_fetched_at": fetched_at}
                if capture_id is not None:
                    moved["capture_id"] = capture_id
                self.db.table("articles").update(article_id, moved)
                return SaveResult(
                    "unchanged", article_id, revision, capture_id, duplicate_of, restored
                )
            result = self._update(article_id, revision + 1, content, fetched_at, capture_id)
            return dataclasses.replace(result, restored=restored)

    def _note_site_category(self, content: dict[str, Any], fetched_at: str) -> None:
        """The site's category of this version in `site_categories` (first seen kept)."""
        site, slug = content.get("site"), content.get("category_slug")
        if not site or not slug:
            return
        self.db.execute(
            "insert into site_categories (site, slug, label, raw, known, first_seen_at)"
            " values (?, ?, ?, ?, ?, ?) on conflict(site, slug) do update set"
            " label = excluded.label, raw = excluded.raw, known = excluded.known",
            [
                site,
                slug,
                content.get("category") or slug,
                content.get("category_raw"),
                int(bool(content.get("category_known"))),
                fetched_at,
            ],
        )

    def _insert(
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
        article_id = _insert_row(self.db, "articles", row)
        self._insert_revision(article_id, 1, content, fetched_at, capture_id)
        self._note_site_category(content, fetched_at)
        return SaveResult("new", article_id, 1, capture_id, duplicate_of)

    def _update(
        self,
        article_id: int,
        revision: int,
        content: dict[str, Any],
        fetched_at: str,
        capture_id: int | None,
    ) -> SaveResult:
        duplicate_of = self._original_of(content["content_hash"], exclude_id=article_id)
        before = self.db.execute(
            "select url, title, category, published_at, body_text from articles where id = ?",
            [article_id],
        ).fetchone()
        diff = diff_revisions(
            dict(zip(("url", *_DIFFED), before, strict=True)),
            {name: content.get(name) for name in _DIFFED},
        )
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
        self._note_site_category(content, fetched_at)
        self._rehome_duplicates_of(article_id)
        self._insert_revision(article_id, revision, content, fetched_at, capture_id)
        self._event(
            article_id,
            before[0],
            "changed",
            fetched_at,
            revision,
            capture_id,
            trivial=diff.trivial,
            summary=diff.summary(),
        )
        return SaveResult("changed", article_id, revision, capture_id, duplicate_of)

    @user_errors
    def mark_removed(
        self,
        url: str,
        *,
        at: str,
        detail: str,
        run_id: int | None,
        capture_id: int | None = None,
    ) -> bool:
        """Note that the archived article at `url` is gone from the site (404, 410, a redirect to
        a page that is not an article): `removed_at` is set the first time, with a `removed`
        event; its text and captures stay. False when no article has that URL or it was already
        marked."""
        with self.store.transaction():
            found = self.db.execute(
                "select id, revision from articles where url = ? and removed_at is null", [url]
            ).fetchone()
            if found is None:
                return False
            article_id, revision = found
            self.db.table("articles").update(article_id, {"removed_at": at})
            self._event(
                article_id, url, "removed", at, revision, capture_id, run_id=run_id, detail=detail
            )
            return True

    def _event(
        self,
        article_id: int,
        url: str,
        kind: str,
        at: str,
        revision: int,
        capture_id: int | None,
        *,
        run_id: int | None = None,
        trivial: bool | None = None,
        summary: str | None = None,
        detail: str | None = None,
    ) -> None:
        if run_id is None and capture_id is not None:
            row = self.db.execute("select run_id from captures where id = ?", [capture_id])
            run_id = (row.fetchone() or (None,))[0]
        _insert_row(
            self.db,
            "article_events",
            {
                "article_id": article_id,
                "url": url,
                "kind": kind,
                "at": at,
                "revision": revision,
                "run_id": run_id,
                "capture_id": capture_id,
                "trivial": None if trivial is None else int(trivial),
                "summary": summary,
                "detail": detail,
            },
        )

    def _insert_revision(
        self,
        article_id: int,
        revision: int,
        content: dict[str, Any],
        fetched_at: str,
        capture_id: int | None,
    ) -> None:
        _insert_row(
            self.db,
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
                "category": content.get("category"),
                "published_at": content.get("published_at"),
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


class Captures(CaptureReads):
    """`captures`: `store.captures`."""

    @user_errors
    def add(self, capture: dict[str, Any], run_id: int | None) -> int:
        """Store the capture row of a response that is not an article (listing, robots, ...)."""
        with self.store.transaction():
            return _insert_capture(
                self.db, capture, run_id, capture.get("fetched_at") or utc_timestamp()
            )


class Failures(FailureReads):
    """`fetch_failures`: `store.failures`."""

    @user_errors
    def record(self, url: str, error: str, run_id: int | None, *, at: str | None = None) -> int:
        """Remember an article that could not be fetched; returns its attempt count."""
        at = at or utc_timestamp()
        with self.store.transaction():
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
    def clear(self, url: str) -> None:
        """Forget a failure (the article was fetched after all)."""
        with self.store.transaction():
            self.db.execute("delete from fetch_failures where url = ?", [url])


class Runs(RunReads):
    """`crawl_runs`: `store.runs`."""

    @user_errors
    def start(
        self, mode: str, base_url: str, pid: int | None = None, site: str = DEFAULT_SITE
    ) -> int:
        """A new `running` run of `site` (its registry name); its id."""
        row = {
            "started_at": utc_timestamp(),
            "mode": mode,
            "base_url": base_url,
            "site": site,
            "status": "running",
            "pid": os.getpid() if pid is None else pid,
        }
        with self.store.transaction():
            return self.db.table("crawl_runs").insert(row).last_pk

    @user_errors
    def finish(
        self,
        run_id: int,
        *,
        status: str,
        counts: dict[str, int],
        stats: dict[str, Any],
        message: str | None = None,
        category_sweep: bool = False,
    ) -> None:
        """End a run with its status (RUN_STATUSES), counts (RUN_COUNTS) and every statistic;
        `category_sweep`: it read the category listings (the next sweep is due from then)."""
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
            "category_sweep": int(category_sweep),
        }
        with self.store.transaction():
            self.db.table("crawl_runs").update(run_id, changes)

    @user_errors
    def mark_interrupted(self, exclude_run_id: int | None = None) -> int:
        """Mark every run still `running` (its process died) as `interrupted`; how many.

        A killed run never wrote its counts: they are filled in from what it stored (its
        captures as requests, the revisions of its captures as new and changed articles, its
        quarantine rows), so `stats` does not show a run that archived pages as empty.
        """
        message = (
            f"the crawl stopped without finishing (killed or crashed); noticed {utc_timestamp()}"
        )
        with self.store.transaction():
            dead = [
                run_id
                for (run_id,) in self.db.execute(
                    "select id from crawl_runs where status = 'running' and id is not ?",
                    [exclude_run_id],
                )
            ]
            for run_id in dead:
                self.db.execute(_FILL_COUNTS, {"run": run_id, "message": message})
            return len(dead)


# What a killed run stored, counted by its run id (the run itself never got to write it).
_FILL_COUNTS = """
update crawl_runs set
  status = 'interrupted',
  message = :message,
  requests = max(coalesce(requests, 0), (select count(*) from captures where run_id = :run)),
  articles_new = max(coalesce(articles_new, 0), (
    select count(*) from article_revisions r join captures c on c.id = r.capture_id
    where c.run_id = :run and r.revision = 1)),
  articles_changed = max(coalesce(articles_changed, 0), (
    select count(*) from article_revisions r join captures c on c.id = r.capture_id
    where c.run_id = :run and r.revision > 1)),
  quarantined = max(coalesce(quarantined, 0), (
    select count(*) from quarantine where run_id = :run))
where id = :run
"""


class Quarantine(QuarantineReads):
    """`quarantine`: `store.quarantine`."""

    @user_errors
    def add(
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
        with self.store.transaction():
            if once and capture_id is not None:
                seen = self.db.execute(
                    "select 1 from quarantine where capture_id = ? and reason = ?",
                    [capture_id, reason],
                ).fetchone()
                if seen:
                    return None
            return _insert_row(self.db, "quarantine", row)


class Categories(CategoryReads):
    """`categories`: `store.categories`."""

    @user_errors
    def sync(self, taxonomy: Taxonomy) -> None:
        """One `known = 1` row per taxonomy entry; slugs the taxonomy no longer has become
        `known = 0` (their rows stay: articles may still carry them)."""
        now = utc_timestamp()
        slugs = [entry.slug for entry in taxonomy.entries]
        with self.store.transaction():
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
    def note(self, label: str, slug: str, known: bool) -> None:
        """Remember a category label seen on the site (a row is never downgraded)."""
        with self.store.transaction():
            self.db.execute(
                "insert into categories (slug, label, aliases, known, first_seen_at)"
                " values (?, ?, '[]', ?, ?) on conflict(slug) do nothing",
                [slug, label, int(known), utc_timestamp()],
            )


def _insert_capture(
    db: Database, capture: dict[str, Any], run_id: int | None, fetched_at: str
) -> int:
    row = {column: capture.get(column) for column in _CAPTURE_COLUMNS}
    row["fetched_at"] = row["fetched_at"] or fetched_at
    row["run_id"] = run_id
    return _insert_row(db, "captures", row)


def _insert_row(db: Database, table: str, row: dict[str, Any]) -> int:
    """A plain INSERT: the hot path of a crawl (sqlite-utils' insert() re-reads the table's
    schema on every call, which costs more than the insert itself)."""
    columns = ", ".join(f"[{name}]" for name in row)
    marks = ", ".join("?" for _ in row)
    cursor = db.conn.execute(
        f"insert into [{table}] ({columns}) values ({marks})", list(row.values())
    )
    return cursor.lastrowid


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


class Sites(SiteReads):
    """`sites`: `store.sites`."""

    @user_errors
    def remember(
        self,
        name: str,
        *,
        base_url: str,
        timezone: str,
        cms: str,
        article_paths: tuple[str, ...] = (),
        article_pattern: str | None = None,
        listings: tuple[str, ...] = (),
        trailing_slash: bool = False,
    ) -> None:
        """Record how a crawl starting now reads the site `name` (the first crawl's time kept)."""
        now = utc_timestamp()
        with self.store.transaction():
            self.db.execute(
                "insert into sites (name, base_url, timezone, cms, article_paths,"
                " article_pattern, listings, trailing_slash, first_crawled_at, last_crawled_at)"
                " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict(name) do update set"
                " base_url = excluded.base_url, timezone = excluded.timezone, cms = excluded.cms,"
                " article_paths = excluded.article_paths,"
                " article_pattern = excluded.article_pattern, listings = excluded.listings,"
                " trailing_slash = excluded.trailing_slash,"
                " last_crawled_at = excluded.last_crawled_at",
                [
                    name,
                    base_url,
                    timezone,
                    cms,
                    _json(list(article_paths)),
                    article_pattern,
                    _json(list(listings)),
                    int(trailing_slash),
                    now,
                    now,
                ],
            )
