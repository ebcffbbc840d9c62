"""The archive's tables as data: every table, column, index and the search index's settings.

`TABLES` is what migrations.py creates and completes, what the writer's columns are read from
and what docs/schema.md documents (its names are a contract: add columns freely, never rename
one). Also the run statuses and counts of `crawl_runs`, and `utc_timestamp`, the format of
every fetch time in the archive. No SQL here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from humas_crawler.archive.record import RECORD_FIELDS

# The site of every row stored before archives held several (schema v7): Kaltim's.
DEFAULT_SITE = "kaltimprov"
RUN_STATUSES = ("running", "ok", "degraded", "failed", "interrupted")
# What `article_events` records: a new revision, an archived article gone from the site, and one
# answering again after that.
EVENT_KINDS = ("changed", "removed", "restored")
RUN_COUNTS = (
    "requests",
    "articles_new",
    "articles_changed",
    "articles_unchanged",
    "errors",
    "quarantined",
    "robots_refused",
)


@dataclass(frozen=True)
class TableSpec:
    """One table as sqlite-utils creates it; `columns` in display order."""

    columns: dict[str, type]
    pk: str | tuple[str, ...] = "id"
    not_null: tuple[str, ...] = ()
    defaults: dict[str, Any] = field(default_factory=dict)
    foreign_keys: tuple[tuple[str, str, str], ...] = ()
    indexes: tuple[tuple[str, ...], ...] = ()
    unique: tuple[tuple[str, ...], ...] = ()


def _text(*names: str) -> dict[str, type]:
    return dict.fromkeys(names, str)


# Tables in creation order (foreign keys point backwards). docs/schema.md names are a contract:
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
            "category_sweep": int,
            # The registry name of the site crawled; several, comma-separated, for a multi-site run.
            "site": str,
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
            # Set when the record is a `revisit` (the payload equals this earlier capture's).
            "revisit_of": int,
        },
        not_null=("url", "fetched_at"),
        foreign_keys=(("run_id", "crawl_runs", "id"), ("revisit_of", "captures", "id")),
        indexes=(("url",), ("run_id",)),
    ),
    "articles": TableSpec(
        columns={
            "id": int,
            # The record's own fields (humas_crawler.archive.record), in its order.
            **{name: int if name == "category_known" else str for name in RECORD_FIELDS},
            "duplicate_of": int,
            **_text("first_seen_at", "last_fetched_at", "last_changed_at"),
            "revision": int,
            "capture_id": int,
            "removed_at": str,
        },
        not_null=("url", "first_seen_at", "last_fetched_at", "last_changed_at", "revision"),
        foreign_keys=(("duplicate_of", "articles", "id"), ("capture_id", "captures", "id")),
        indexes=(
            ("published_date",),
            ("category_slug",),
            ("content_hash",),
            ("slug",),
            ("duplicate_of",),
            ("site",),
            ("published_at_utc",),
        ),
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
            # As normalized when this version was stored (NULL for versions stored before v5).
            **_text("category", "published_at"),
        },
        not_null=("article_id", "revision", "fetched_at"),
        foreign_keys=(("article_id", "articles", "id"), ("capture_id", "captures", "id")),
        unique=(("article_id", "revision"),),
    ),
    "article_events": TableSpec(
        columns={
            "id": int,
            "article_id": int,
            **_text("url", "kind", "at"),
            "revision": int,
            "run_id": int,
            "capture_id": int,
            "trivial": int,
            **_text("summary", "detail"),
        },
        not_null=("article_id", "url", "kind", "at"),
        foreign_keys=(
            ("article_id", "articles", "id"),
            ("run_id", "crawl_runs", "id"),
            ("capture_id", "captures", "id"),
        ),
        indexes=(("at",), ("article_id",)),
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
    # Each site crawled into the archive, as its last crawl read it: reparse rebuilds the site
    # (zone, article paths) from here, whatever the registry says today.
    "sites": TableSpec(
        columns={
            **_text("name", "base_url", "timezone", "cms"),
            **_text("article_paths", "article_pattern", "listings"),
            "trailing_slash": int,
            **_text("first_crawled_at", "last_crawled_at"),
        },
        pk="name",
        not_null=("base_url", "timezone"),
        defaults={"article_paths": "[]", "listings": "[]", "trailing_slash": 0},
    ),
    # The categories each site shows, as it shows them: one archive holds many sites, each with
    # its own labels (`categories` is the taxonomy and every label seen, across sites).
    "site_categories": TableSpec(
        columns={
            **_text("site", "slug", "label", "raw"),
            "known": int,
            "first_seen_at": str,
        },
        pk=("site", "slug"),
        not_null=("site", "slug", "label"),
        defaults={"known": 0},
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

# Characters that separate words in the search index although SQLite's unicode61 tokenizer,
# whose tables predate Unicode 6.3, reads them as letters: the bidi isolates (U+2066-U+2069)
# and the Arabic letter mark (U+061C). A name wrapped in isolates, as editors of mixed
# right-to-left text insert them, was one token with them and never found.
FTS_SEPARATORS = "\u061c\u2066\u2067\u2068\u2069"
FTS_TOKENIZE = f"unicode61 separators '{FTS_SEPARATORS}'"


def utc_timestamp(moment: datetime | None = None) -> str:
    """UTC ISO 8601 to the second, as every fetch time in the archive: `2026-11-27T20:08:57Z`."""
    moment = moment or datetime.now(UTC)
    if moment.tzinfo is None:
        raise ValueError("a naive datetime has no known time zone; pass an aware one")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
