"""Schema versions: bringing an archive's tables up to date, and checking an archive before use.

PRAGMA user_version counts the migrations applied. Append to `MIGRATIONS`, never edit or
reorder: an archive at version N runs MIGRATIONS[N:] on its next writable open (`migrate`, in
one transaction). `check_archive`, `check_writable` and `check_version` are what `Store.open`
refuses an archive with. docs/schema.md lists the versions.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from sqlite_utils import Database

from humas_crawler.archive.errors import StoreError
from humas_crawler.archive.schema import DEFAULT_SITE, FTS_COLUMNS, FTS_TOKENIZE, TABLES

logger = logging.getLogger(__name__)


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


def _fts_with_separators(db: Database) -> None:
    """Recreate the search index with FTS_TOKENIZE and fill it again from `articles`.

    Plain statements (sqlite-utils' enable_fts runs an executescript, which commits), so the
    migration stays one transaction; the triggers that keep the index in sync name the table
    and go on working.
    """
    row = db.execute("select sql from sqlite_master where name = 'articles_fts'").fetchone()
    if row and "separators" in row[0]:
        return
    columns = ", ".join(f"[{column}]" for column in FTS_COLUMNS)
    db.execute("drop table if exists articles_fts")
    db.execute(
        f"create virtual table articles_fts using FTS5 ({columns},"
        f" tokenize={db.quote(FTS_TOKENIZE)}, content=[articles])"
    )
    db.execute("insert into articles_fts (articles_fts) values ('rebuild')")


def _events(db: Database) -> None:
    """Tables and columns of v5; the changes already archived become `changed` events (their
    summaries are left NULL: `changes` describes them when it shows them), and the current
    revision's normalized category and time are copied to its revision row."""
    _create_or_complete_tables(db)
    db.execute(
        "insert into article_events (article_id, url, kind, at, revision, capture_id)"
        " select r.article_id, a.url, 'changed', r.fetched_at, r.revision, r.capture_id"
        " from article_revisions r join articles a on a.id = r.article_id"
        " where r.revision > 1 order by r.fetched_at, r.id"
    )
    db.execute(
        "update article_revisions set"
        " category = (select category from articles a where a.id = article_revisions.article_id),"
        " published_at = (select published_at from articles a"
        " where a.id = article_revisions.article_id)"
        " where revision = (select revision from articles a"
        " where a.id = article_revisions.article_id)"
    )


def _sites(db: Database) -> None:
    """Columns of v7: every article and run so far is Kaltim's (the only site until then), and
    each dated article gets its instant in UTC (SQLite's strftime reads the `+08:00` suffix)."""
    _create_or_complete_tables(db)
    db.execute(f"update articles set site = '{DEFAULT_SITE}' where site is null")
    db.execute(f"update crawl_runs set site = '{DEFAULT_SITE}' where site is null")
    db.execute(
        "update articles set published_at_utc = strftime('%Y-%m-%dT%H:%M:%SZ', published_at)"
        " where published_at is not null and published_at_utc is null"
    )
    db.execute(
        "insert or ignore into site_categories (site, slug, label, raw, known, first_seen_at)"
        " select site, category_slug, max(category), max(category_raw), max(category_known),"
        " min(first_seen_at) from articles where category_slug is not null"
        " group by site, category_slug"
    )


# v2: index on articles.duplicate_of (finding an article's duplicates scanned the table).
# v3: the search index separates words at bidi isolates and the Arabic letter mark.
# v4: crawl_runs.robots_refused and crawl_runs.category_sweep.
# v5: articles.removed_at, article_revisions.category and .published_at, article_events (with
#     a `changed` event for every earlier revision after the first).
# v6: captures.revisit_of (refetches of unchanged pages written as WARC revisit records).
# v7: articles.site and .published_at_utc, crawl_runs.site, the sites and site_categories
#     tables (one archive for many sites); the rows before it are all `kaltimprov`'s.
MIGRATIONS: tuple[Callable[[Database], None], ...] = (
    _create_or_complete_tables,
    _create_or_complete_tables,
    _fts_with_separators,
    _create_or_complete_tables,
    _events,
    _create_or_complete_tables,
    _sites,
)
SCHEMA_VERSION = len(MIGRATIONS)
# The oldest schema version that read-only commands (export, search, stats) can read as it is
# (v2 added an index, v3 changed how the search index splits words, v4 and v5 added columns and
# a table: all read as before, the new columns and table as absent).
READABLE_SINCE = 1


def migrate(db: Database, path: Path) -> None:
    """Run the migrations the archive at `path` lacks, in one transaction."""
    if user_version(db) == SCHEMA_VERSION:
        return
    conn = db.conn
    # IMMEDIATE: two processes opening an old archive at once must not both migrate it.
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = user_version(db)
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


def check_archive(db: Database, path: Path, *, create: bool) -> None:
    """Refuse to write into a database that is not an archive (a wrong --db).

    An empty database becomes an archive only when `create` is asked for; one holding other
    tables never does (adding ours would mix two databases).
    """
    if user_version(db) or db.table("articles").exists():
        return
    tables = db.table_names()
    if tables:
        shown = ", ".join(tables[:5]) + (", ..." if len(tables) > 5 else "")
        raise StoreError(
            f"{path}: not a humas-crawler archive (it holds other tables: {shown}); check --db"
        )
    if not create:
        raise StoreError(f"{path}: not a humas-crawler archive (an empty database); check --db")


def check_writable(db: Database) -> None:
    """Fail now, not at the first write, on an archive that cannot be written (a read-only
    file or directory, or another process holding the write lock past the busy timeout)."""
    conn = db.conn
    conn.execute("BEGIN IMMEDIATE")
    try:
        # A write SQLite refuses on a read-only file (BEGIN IMMEDIATE alone does not), undone.
        conn.execute(f"PRAGMA user_version = {user_version(db)}")
    finally:
        conn.rollback()


def check_version(db: Database, path: Path) -> None:
    """Refuse to read what is not an archive, or an archive of a version it cannot read."""
    version = user_version(db)
    if version == 0 and not db.table("articles").exists():
        raise StoreError(f"{path}: not a humas-crawler archive (no articles table)")
    # Versions from READABLE_SINCE on differ only in indexes: reading them works, just slower.
    if version < READABLE_SINCE or version > SCHEMA_VERSION:
        raise StoreError(
            f"{path}: archive schema version {version}, this humas-crawler uses "
            f"{SCHEMA_VERSION}; open it once for writing (e.g. run a crawl) to migrate it"
        )


def user_version(db: Database) -> int:
    """The archive's schema version: how many of `MIGRATIONS` it has had."""
    return db.execute("PRAGMA user_version").fetchone()[0]
