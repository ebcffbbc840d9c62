"""Tests for humas_crawler.archive.store: schema, migrations, article revisions, runs, errors."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from humas_crawler.archive import errors as errors_module
from humas_crawler.archive.errors import StoreError
from humas_crawler.archive.migrations import READABLE_SINCE, SCHEMA_VERSION, user_version
from humas_crawler.archive.queries import ArticleFilter
from humas_crawler.archive.record import ArticleRecord, content_hash
from humas_crawler.archive.schema import TABLES
from humas_crawler.archive.store import Store
from humas_crawler.archive.writer import Articles
from humas_crawler.cli.options import resolve_categories
from humas_crawler.normalize.categories import CategoryEntry, Taxonomy
from tests.helpers.archive_factory import stored_article

# docs/schema.md: these names are a public interface.
CONTRACT_COLUMNS = {
    "articles": {
        "id",
        "url",
        "slug",
        "title",
        "published_at",
        "published_date",
        "published_precision",
        "published_raw",
        "category",
        "category_slug",
        "category_raw",
        "dateline",
        "body_text",
        "photo_caption",
        "author_codes",
        "image_urls",
        "content_hash",
        "duplicate_of",
        "first_seen_at",
        "last_fetched_at",
        "last_changed_at",
        "revision",
    },
    "article_revisions": {
        "article_id",
        "revision",
        "fetched_at",
        "content_hash",
        "title",
        "body_text",
        "published_raw",
        "category_raw",
        "capture_id",
    },
    "captures": {
        "url",
        "fetched_at",
        "status",
        "content_type",
        "payload_digest",
        "warc_file",
        "warc_offset",
        "warc_length",
        "run_id",
    },
    "crawl_runs": {
        "started_at",
        "finished_at",
        "mode",
        "base_url",
        "status",
        "requests",
        "articles_new",
        "articles_changed",
        "articles_unchanged",
        "errors",
        "quarantined",
        "stats_json",
    },
    "quarantine": {"url", "reason", "detail", "run_id"},
    "categories": {"slug", "label", "aliases", "known"},
    "fetch_failures": {
        "url",
        "first_failed_at",
        "last_failed_at",
        "attempts",
        "last_error",
        "last_run_id",
    },
}

T1, T2, T3 = "2026-11-27T20:08:57Z", "2026-11-28T20:08:57Z", "2026-11-29T20:08:57Z"


def article(url: str = "https://www.kaltimprov.go.id/berita/banjir", **changes: Any) -> dict:
    record = {
        "url": url,
        "slug": url.rsplit("/", 1)[-1],
        "title": "Banjir Rendam Samarinda",
        "published_at": "2022-06-21T22:03:32+08:00",
        "published_date": "2022-06-21",
        "published_precision": "second",
        "published_raw": "21 Juni 2022 Jam 22:03:32",
        "category": "Pemerintahan",
        "category_slug": "pemerintahan",
        "category_raw": "Pemerintahan",
        "category_known": True,
        "dateline": "Samarinda",
        "body_text": "SAMARINDA – Hujan deras semalam.\n\nWarga mengungsi.",
        "photo_caption": None,
        "author_codes": "her/sul/es/hmsprov",
        "image_urls": ["https://www.kaltimprov.go.id/images/banjir.jpg"],
        "canonical_link": None,
        **changes,
    }
    record["content_hash"] = content_hash(
        record["title"], record["body_text"], record["published_raw"], record["category_raw"]
    )
    return ArticleRecord.from_dict(record)


def capture(url: str = "https://www.kaltimprov.go.id/berita/banjir", **changes: Any) -> dict:
    return {
        "url": url,
        "request_url": url,
        "status": 200,
        "content_type": "text/html; charset=utf-8",
        "payload_digest": "sha1:AAAA",
        "warc_file": "humas-20261127200857-1-00001.warc.gz",
        "warc_offset": 0,
        "warc_length": 100,
        "warc_record_id": "<urn:uuid:1>",
        **changes,
    }


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "humas.sqlite"


@pytest.fixture
def store(db_path: Path):
    with Store.open(db_path) as opened:
        yield opened


def columns(store: Store, table: str) -> list[str]:
    return [row[1] for row in store.db.execute(f"PRAGMA table_info({table})")]


def schema_sql(store: Store) -> list[tuple]:
    return store.db.execute("select type, name, sql from sqlite_master order by name").fetchall()


def search(store: Store, query: str) -> list[dict[str, Any]]:
    """Every article matching the FTS5 `query`, duplicates too, best first."""
    return store.articles.search(ArticleFilter(fts_query=query, include_duplicates=True))


def run_row(store: Store, run_id: int) -> dict[str, Any] | None:
    return next((run for run in store.runs.last(1000) if run["id"] == run_id), None)


def integrity(store: Store) -> str:
    return "\n".join(row[0] for row in store.db.execute("PRAGMA integrity_check"))


# --- opening and schema ------------------------------------------------------------------------


def test_schema_has_every_design_column(store: Store) -> None:
    for table, required in CONTRACT_COLUMNS.items():
        missing = required - set(columns(store, table))
        assert not missing, f"{table} lacks {sorted(missing)}"
    assert store.db.table("articles_fts").exists()
    assert {"articles_ai", "articles_ad", "articles_au"} <= {
        t.name for t in store.db.table("articles").triggers
    }


def test_open_creates_parent_dirs_wal_and_pragmas(store: Store, db_path: Path) -> None:
    assert db_path.exists()
    assert store.db.journal_mode == "wal"
    assert store.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert store.db.execute("PRAGMA busy_timeout").fetchone()[0] == 10_000
    assert user_version(store.db) == SCHEMA_VERSION


def test_indexes_exist(store: Store) -> None:
    indexed = {tuple(index.columns): index.unique for index in store.db.table("articles").indexes}
    for column in ("published_date", "category_slug", "content_hash", "slug"):
        assert (column,) in indexed
    assert indexed[("url",)] == 1
    revision_indexes = {tuple(i.columns): i.unique for i in store.db["article_revisions"].indexes}
    assert revision_indexes[("article_id", "revision")] == 1


def test_reopen_is_idempotent(db_path: Path) -> None:
    with Store.open(db_path) as first:
        first.articles.save(article(), capture=None, run_id=None, fetched_at=T1)
        before = schema_sql(first)
    with Store.open(db_path) as second:
        assert schema_sql(second) == before
        assert second.counts()["articles"] == 1
        assert len(search(second, "banjir")) == 1  # FTS not rebuilt into duplicates


def test_migrates_a_v0_archive_missing_columns(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    conn = sqlite3.connect(db_path)
    conn.executescript(
        """
        create table articles (id integer primary key, url text unique not null,
                               title text, body_text text, content_hash text);
        insert into articles (url, title, body_text, content_hash)
            values ('https://www.kaltimprov.go.id/berita/lama', 'Berita Lama', 'banjir', 'x');
        """
    )
    conn.close()
    with Store.open(db_path) as store:
        assert user_version(store.db) == SCHEMA_VERSION
        assert CONTRACT_COLUMNS["articles"] <= set(columns(store, "articles"))
        assert "canonical_link" in columns(store, "articles")
        assert stored_article(store, "https://www.kaltimprov.go.id/berita/lama")["title"] == (
            "Berita Lama"
        )
        assert [row["title"] for row in search(store, "banjir")] == ["Berita Lama"]
        assert integrity(store) == "ok"
        old_url = "https://www.kaltimprov.go.id/berita/lama"
        result = store.articles.save(article(old_url), capture=None, run_id=None, fetched_at=T1)
        assert (result.outcome, result.revision) == ("changed", 2)


def test_newer_schema_is_refused(db_path: Path) -> None:
    Store.open(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreError, match="newer"):
        Store.open(db_path)


def test_missing_archive_without_create_raises_and_creates_nothing(tmp_path: Path) -> None:
    path = tmp_path / "nowhere" / "humas.sqlite"
    for kwargs in ({"create": False}, {"readonly": True}):
        with pytest.raises(StoreError, match="no archive at") as caught:
            Store.open(path, **kwargs)
        assert "\n" not in str(caught.value)
    assert not path.parent.exists()


def test_not_a_database_gives_one_line_store_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_text("these are my notes, not a database\n" * 100)
    for kwargs in ({}, {"readonly": True}):
        with pytest.raises(StoreError, match="not a SQLite database") as caught:
            Store.open(path, **kwargs)
        assert "\n" not in str(caught.value)
        assert str(path) in str(caught.value)


def test_directory_is_not_an_archive(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="directory"):
        Store.open(tmp_path)


def test_readonly_reads_and_refuses_writes(db_path: Path) -> None:
    with Store.open(db_path) as store:
        store.articles.save(article(), capture=None, run_id=None, fetched_at=T1)
    with Store.open(db_path, readonly=True) as readonly:
        assert readonly.counts()["articles"] == 1
        assert readonly.articles.known() == {article().url: "2022-06-21"}
        with pytest.raises(StoreError, match="read-only"):
            readonly.quarantine.add("https://x", "test", None, None)


def test_readonly_refuses_an_empty_sqlite_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.sqlite"
    sqlite3.connect(path).close()
    with pytest.raises(StoreError, match="not a humas-crawler archive"):
        Store.open(path, readonly=True)


def test_locked_archive_gives_store_error(db_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(errors_module, "BUSY_TIMEOUT_SECONDS", 0.1)
    with Store.open(db_path) as store:
        other = sqlite3.connect(db_path)
        other.execute("BEGIN IMMEDIATE")
        try:
            with pytest.raises(StoreError, match="busy"):
                store.quarantine.add("https://x", "test", None, None)
        finally:
            other.rollback()
            other.close()


def test_integrity_check_and_counts(store: Store) -> None:
    assert integrity(store) == "ok"
    assert store.counts() == dict.fromkeys(TABLES, 0)


# --- articles ------------------------------------------------------------------------------------


def test_new_article(store: Store) -> None:
    run_id = store.runs.start("full", "https://www.kaltimprov.go.id")
    result = store.articles.save(article(), capture=capture(), run_id=run_id, fetched_at=T1)
    assert (result.outcome, result.revision, result.duplicate_of) == ("new", 1, None)
    row = stored_article(store, article().url)
    assert row["id"] == result.article_id
    assert row["image_urls"] == article().image_urls
    raw_images = store.db.execute("select image_urls from articles").fetchone()[0]
    assert json.loads(raw_images) == article().image_urls
    assert row["category_known"] == 1
    assert (row["first_seen_at"], row["last_fetched_at"], row["last_changed_at"]) == (T1, T1, T1)
    assert (row["revision"], row["capture_id"]) == (1, result.capture_id)
    stored_capture = store.db["captures"].get(result.capture_id)
    assert stored_capture["run_id"] == run_id
    assert stored_capture["fetched_at"] == T1
    assert stored_capture["warc_record_id"] == "<urn:uuid:1>"
    [revision] = store.articles.revisions(result.article_id)
    assert revision["revision"] == 1
    assert revision["capture_id"] == result.capture_id
    assert revision["content_hash"] == article().content_hash
    assert revision["published_raw"] == "21 Juni 2022 Jam 22:03:32"


def test_unchanged_article_only_moves_fetch_time_and_capture(store: Store) -> None:
    first = store.articles.save(article(), capture=capture(), run_id=None, fetched_at=T1)
    second = store.articles.save(article(), capture=capture(), run_id=None, fetched_at=T2)
    assert second.outcome == "unchanged"
    assert (second.article_id, second.revision) == (first.article_id, 1)
    assert second.capture_id != first.capture_id
    row = stored_article(store, article().url)
    assert (row["first_seen_at"], row["last_fetched_at"], row["last_changed_at"]) == (T1, T2, T1)
    assert row["capture_id"] == second.capture_id
    assert len(store.articles.revisions(first.article_id)) == 1
    # A re-parse without a new capture keeps pointing at the last capture.
    third = store.articles.save(article(), capture=None, run_id=None, fetched_at=T3)
    assert stored_article(store, article().url)["capture_id"] == second.capture_id
    assert third.capture_id is None


def test_changed_article_gets_a_new_revision(store: Store) -> None:
    first = store.articles.save(article(), capture=capture(), run_id=None, fetched_at=T1)
    edited = article(title="Banjir Surut di Samarinda", body_text="Air sudah surut.")
    second = store.articles.save(edited, capture=capture(), run_id=None, fetched_at=T2)
    assert (second.outcome, second.revision, second.article_id) == ("changed", 2, first.article_id)
    row = stored_article(store, article().url)
    assert row["title"] == "Banjir Surut di Samarinda"
    assert row["content_hash"] == edited.content_hash
    assert (row["first_seen_at"], row["last_fetched_at"], row["last_changed_at"]) == (T1, T2, T2)
    assert row["revision"] == 2
    revisions = store.articles.revisions(first.article_id)
    assert [r["revision"] for r in revisions] == [1, 2]
    assert [r["title"] for r in revisions] == [
        "Banjir Rendam Samarinda",
        "Banjir Surut di Samarinda",
    ]
    assert [r["fetched_at"] for r in revisions] == [T1, T2]
    assert [r["capture_id"] for r in revisions] == [first.capture_id, second.capture_id]


def test_missing_content_hash_is_computed(store: Store) -> None:
    record = article()
    expected = record.content_hash
    store.articles.save(record.replace(content_hash=None), capture=None, run_id=None, fetched_at=T1)
    assert stored_article(store, record.url)["content_hash"] == expected


def test_identical_content_under_another_url_is_a_duplicate(store: Store) -> None:
    original = store.articles.save(article(), capture=None, run_id=None, fetched_at=T1)
    other_url = "https://www.kaltimprov.go.id/detailberita/banjir"
    copy = store.articles.save(article(other_url), capture=None, run_id=None, fetched_at=T2)
    third = store.articles.save(article(other_url + "-"), capture=None, run_id=None, fetched_at=T3)
    assert copy.duplicate_of == original.article_id
    assert third.duplicate_of == original.article_id  # the original, never a duplicate
    assert stored_article(store, other_url)["duplicate_of"] == original.article_id
    assert stored_article(store, article().url)["duplicate_of"] is None


def test_duplicates_follow_when_the_original_changes(store: Store) -> None:
    original = store.articles.save(article(), capture=None, run_id=None, fetched_at=T1)
    url_b = "https://www.kaltimprov.go.id/berita/b"
    url_c = "https://www.kaltimprov.go.id/berita/c"
    b = store.articles.save(article(url_b), capture=None, run_id=None, fetched_at=T1)
    store.articles.save(article(url_c), capture=None, run_id=None, fetched_at=T1)
    store.articles.save(article(body_text="Diralat."), capture=None, run_id=None, fetched_at=T2)
    assert stored_article(store, article().url)["duplicate_of"] is None
    assert stored_article(store, url_b)["duplicate_of"] is None
    assert stored_article(store, url_c)["duplicate_of"] == b.article_id
    # An article edited into another one's content becomes its duplicate.
    store.articles.save(
        article(url_b, body_text="Diralat."), capture=None, run_id=None, fetched_at=T3
    )
    assert stored_article(store, url_b)["duplicate_of"] == original.article_id
    assert stored_article(store, url_c)["duplicate_of"] is None


def test_fts_follows_inserts_and_edits(store: Store) -> None:
    url = article().url
    store.articles.save(article(), capture=None, run_id=None, fetched_at=T1)
    assert [row["url"] for row in search(store, "banjir")] == [url]  # from the title
    assert [row["url"] for row in search(store, "mengungsi")] == [url]  # from the body
    edited = article(title="Hujan Deras di Samarinda", body_text="Warga kembali ke rumah.")
    store.articles.save(edited, capture=None, run_id=None, fetched_at=T2)
    assert search(store, "banjir") == []
    assert search(store, "mengungsi") == []
    assert [row["url"] for row in search(store, "kembali")] == [url]
    assert [row["url"] for row in search(store, "hujan")] == [url]
    raw = store.db.execute(
        "select a.url from articles_fts join articles a on a.id = articles_fts.rowid"
        " where articles_fts match 'rumah' order by rank"
    ).fetchall()
    assert raw == [(url,)]


def test_bad_search_query_is_a_store_error(store: Store) -> None:
    with pytest.raises(StoreError, match="is not valid"):
        search(store, 'banjir"')


def test_article_rows_filters(store: Store) -> None:
    store.articles.save(article(), capture=None, run_id=None, fetched_at=T1)
    other = article(
        "https://www.kaltimprov.go.id/berita/sekolah",
        title="Sekolah Baru",
        body_text="Gedung sekolah diresmikan.",
        published_date="2023-01-05",
        published_at="2023-01-05T09:00:00+08:00",
        category="Pendidikan",
        category_slug="pendidikan",
    )
    store.articles.save(other, capture=None, run_id=None, fetched_at=T1)

    def urls(**filters: Any) -> list[str]:
        where = ArticleFilter(include_duplicates=True, **filters)
        return [row["url"].rsplit("/", 1)[-1] for row in store.articles.rows(where)]

    every = list(store.articles.rows())  # every article, duplicates too
    assert [row["url"].rsplit("/", 1)[-1] for row in every] == ["banjir", "sekolah"]
    assert every[0]["image_urls"] == article().image_urls  # decoded from its JSON
    assert urls(since="2023-01-01") == ["sekolah"]
    assert urls(until="2022-12-31") == ["banjir"]
    assert urls(category_slugs=("pendidikan",)) == ["sekolah"]
    # A label in any case names its slug once resolved, as every command resolves it.
    assert urls(category_slugs=resolve_categories(store, ["PEMERINTAHAN"])) == ["banjir"]
    assert urls(fts_query="gedung") == ["sekolah"]


def test_save_is_atomic(store: Store, monkeypatch) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(Articles, "_insert_revision", broken)
    with pytest.raises(RuntimeError, match="disk on fire"):
        store.articles.save(article(), capture=capture(), run_id=None, fetched_at=T1)
    assert store.counts()["articles"] == 0
    assert store.counts()["captures"] == 0
    assert search(store, "banjir") == []
    monkeypatch.undo()

    store.articles.save(article(), capture=capture(), run_id=None, fetched_at=T1)
    monkeypatch.setattr(Articles, "_insert_revision", broken)
    with pytest.raises(RuntimeError):
        store.articles.save(article(title="Lain"), capture=capture(), run_id=None, fetched_at=T2)
    row = stored_article(store, article().url)
    assert (row["title"], row["revision"], row["last_fetched_at"]) == (
        "Banjir Rendam Samarinda",
        1,
        T1,
    )
    assert store.counts()["captures"] == 1
    assert not store.db.conn.in_transaction


def test_record_without_url_is_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="url"):
        store.articles.save(article().replace(url=None), capture=None, run_id=None, fetched_at=T1)


def test_known_articles(store: Store) -> None:
    store.articles.save(article(), capture=None, run_id=None, fetched_at=T1)
    undated = article("https://www.kaltimprov.go.id/berita/x", published_date=None)
    store.articles.save(undated, capture=None, run_id=None, fetched_at=T1)
    assert store.articles.known() == {
        article().url: "2022-06-21",
        "https://www.kaltimprov.go.id/berita/x": None,
    }


def test_record_capture(store: Store) -> None:
    run_id = store.runs.start("incremental", "https://www.kaltimprov.go.id")
    capture_id = store.captures.add(
        capture("https://www.kaltimprov.go.id/berita?page=2", fetched_at=T1), run_id
    )
    row = store.db["captures"].get(capture_id)
    assert (row["run_id"], row["fetched_at"], row["status"]) == (run_id, T1, 200)


def test_capture_of_an_unknown_run_violates_foreign_key(store: Store) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        store.captures.add(capture(fetched_at=T1), run_id=999)


# --- failures, runs, quarantine, categories ----------------------------------------------------


def test_fetch_failures_upsert_and_clear(store: Store) -> None:
    run_id = store.runs.start("full", "https://www.kaltimprov.go.id")
    url = "https://www.kaltimprov.go.id/berita/timeout"
    assert store.failures.record(url, "TimeoutError", run_id, at=T1) == 1
    assert store.failures.record(url, "HTTP 503", run_id, at=T2) == 2
    store.failures.record("https://www.kaltimprov.go.id/berita/z", "HTTP 500", None, at=T3)
    row = store.db["fetch_failures"].get(url)
    assert (row["first_failed_at"], row["last_failed_at"], row["attempts"]) == (T1, T2, 2)
    assert (row["last_error"], row["last_run_id"]) == ("HTTP 503", run_id)
    assert store.failures.urls() == [url, "https://www.kaltimprov.go.id/berita/z"]
    store.failures.clear(url)
    store.failures.clear(url)  # clearing twice is fine
    assert store.failures.urls() == ["https://www.kaltimprov.go.id/berita/z"]


def test_run_lifecycle(store: Store) -> None:
    run_id = store.runs.start("incremental", "https://www.kaltimprov.go.id", pid=1234)
    run = run_row(store, run_id)
    assert (run["status"], run["pid"], run["finished_at"]) == ("running", 1234, None)
    assert run["started_at"].endswith("Z")
    counts = {"requests": 10, "articles_new": 3, "articles_changed": 1, "errors": 0}
    store.runs.finish(run_id, status="ok", counts=counts, stats={"humas/x": 1, "at": Path("/p")})
    run = run_row(store, run_id)
    assert (run["status"], run["requests"], run["articles_new"]) == ("ok", 10, 3)
    assert run["articles_unchanged"] == 0
    assert json.loads(run["stats_json"]) == {"humas/x": 1, "at": "/p"}
    assert run["finished_at"] is not None
    assert run_row(store, run_id + 1) is None
    with pytest.raises(ValueError, match="unknown run counts"):
        store.runs.finish(run_id, status="ok", counts={"articels_new": 1}, stats={})
    with pytest.raises(ValueError, match="status"):
        store.runs.finish(run_id, status="done", counts={}, stats={})


def test_mark_interrupted(store: Store) -> None:
    dead = store.runs.start("full", "https://www.kaltimprov.go.id", pid=1)
    also_dead = store.runs.start("full", "https://www.kaltimprov.go.id", pid=2)
    finished = store.runs.start("full", "https://www.kaltimprov.go.id", pid=3)
    store.runs.finish(finished, status="degraded", counts={}, stats={}, message="coverage low")
    current = store.runs.start("full", "https://www.kaltimprov.go.id", pid=4)
    assert store.runs.mark_interrupted(exclude_run_id=current) == 2
    for run_id in (dead, also_dead):
        run = run_row(store, run_id)
        assert run["status"] == "interrupted"
        assert run["finished_at"] is None
        assert "without finishing" in run["message"]
    assert run_row(store, finished)["status"] == "degraded"
    assert run_row(store, current)["status"] == "running"
    assert [run["id"] for run in store.runs.last(2)] == [current, finished]
    assert store.runs.mark_interrupted() == 1


def test_quarantine(store: Store) -> None:
    run_id = store.runs.start("full", "https://www.kaltimprov.go.id")
    capture_id = store.captures.add(capture(fetched_at=T1), run_id)
    row_id = store.quarantine.add(
        article().url, "timestamp", "31 Februari 2022 Jam 10:00:00", run_id, capture_id
    )
    row = store.db["quarantine"].get(row_id)
    assert (row["reason"], row["run_id"], row["capture_id"]) == ("timestamp", run_id, capture_id)
    assert row["created_at"].endswith("Z")


def test_categories(store: Store) -> None:
    taxonomy = Taxonomy(
        [
            CategoryEntry("Pemerintahan", "pemerintahan", ("Pemerintah",)),
            CategoryEntry("Kesehatan", "kesehatan"),
        ]
    )
    store.categories.sync(taxonomy)
    store.categories.sync(taxonomy)  # idempotent
    store.categories.note("Ekonomi Kreatif", "ekonomi-kreatif", known=False)
    store.categories.note("Kesehatan", "kesehatan", known=False)  # never downgrades
    rows = {row["slug"]: row for row in store.categories.rows()}
    assert rows["pemerintahan"]["aliases"] == ["Pemerintah"]
    assert rows["kesehatan"]["known"] == 1
    assert rows["ekonomi-kreatif"]["known"] == 0
    assert rows["ekonomi-kreatif"]["label"] == "Ekonomi Kreatif"
    store.categories.sync(Taxonomy([CategoryEntry("Kesehatan", "kesehatan")]))
    rows = {row["slug"]: row for row in store.categories.rows()}
    assert rows["pemerintahan"]["known"] == 0  # dropped from the taxonomy
    assert len(rows) == 3


def test_default_taxonomy_syncs(store: Store) -> None:
    taxonomy = Taxonomy.default()
    store.categories.sync(taxonomy)
    assert store.counts()["categories"] == len(taxonomy.entries)


def test_read_only_opens_an_archive_one_index_migration_behind(tmp_path) -> None:
    path = tmp_path / "old.sqlite"
    Store.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"pragma user_version = {READABLE_SINCE}")
    conn.commit()
    conn.close()
    with Store.open(path, readonly=True) as store:
        assert store.counts()["articles"] == 0
    conn = sqlite3.connect(path)
    conn.execute(f"pragma user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="schema version"):
        Store.open(path, readonly=True)


def test_quarantine_once_records_a_capture_a_single_time(tmp_path) -> None:
    from humas_crawler.archive.store import Store

    with Store.open(tmp_path / "q.sqlite") as store:
        capture = store.captures.add(
            {"url": "https://www.kaltimprov.go.id/berita/x", "fetched_at": "2026-11-27T20:00:00Z",
             "status": 200},
            None,
        )  # fmt: skip
        first = store.quarantine.add("u", "empty-extraction", "d", None, capture, once=True)
        again = store.quarantine.add("u", "empty-extraction", "d", None, capture, once=True)
        other = store.quarantine.add("u", "extraction-error", "d", None, capture, once=True)
        plain = store.quarantine.add("u", "empty-extraction", "d", None, capture)
        assert first and other and plain and again is None
        assert store.counts()["quarantine"] == 3


def test_a_killed_run_gets_its_counts_from_what_it_stored(store: Store) -> None:
    # A crawl killed with -9 never wrote its counts; the next run marks it and fills them in.
    base = "https://www.kaltimprov.go.id/berita/"
    store.articles.save(
        article(base + "lama"), capture=capture(base + "lama"), run_id=None, fetched_at=T1
    )
    killed = store.runs.start("incremental", "https://www.kaltimprov.go.id")
    for slug in ("satu", "dua", "tiga"):
        store.articles.save(
            article(base + slug), capture=capture(base + slug), run_id=killed, fetched_at=T2
        )
    edited = article(base + "lama", body_text="Isi yang diubah.")
    store.articles.save(edited, capture=capture(base + "lama"), run_id=killed, fetched_at=T2)
    store.captures.add(capture(base + "empat"), killed)  # fetched, then killed before its row
    store.quarantine.add(base + "kosong", "empty-extraction", "no title", killed)
    assert store.runs.mark_interrupted() == 1
    row = store.db["crawl_runs"].get(killed)
    assert row["status"] == "interrupted"
    assert (row["requests"], row["articles_new"], row["articles_changed"]) == (5, 3, 1)
    assert row["quarantined"] == 1


def test_v7_gives_earlier_rows_kaltims_site_and_utc_instants(db_path: Path) -> None:
    """A v6 archive (no site, no UTC column values): every article and run becomes
    `kaltimprov`'s, `published_at` stays as it was, `published_at_utc` is computed from it."""
    with Store.open(db_path) as store:
        run = store.runs.start("full", "https://www.kaltimprov.go.id")
        store.articles.save(article(), capture=None, run_id=run, fetched_at=T1)
        undated = article("https://www.kaltimprov.go.id/berita/tanpa-tanggal").replace(
            published_at=None, published_date=None
        )
        store.articles.save(undated, capture=None, run_id=run, fetched_at=T1)
        before = list(store.db.query("select url, published_at from articles"))
    conn = sqlite3.connect(db_path)
    conn.execute("update articles set site = null, published_at_utc = null")
    conn.execute("update crawl_runs set site = null")
    conn.execute("drop table site_categories")
    conn.execute("pragma user_version = 6")
    conn.commit()
    conn.close()
    with Store.open(db_path) as store:
        assert user_version(store.db) == SCHEMA_VERSION
        rows = list(
            store.db.query(
                "select url, site, published_at, published_at_utc from articles order by id"
            )
        )
        runs = [r[0] for r in store.db.execute("select site from crawl_runs")]
        categories = list(store.db.query("select site, slug from site_categories"))
    assert categories == [{"site": "kaltimprov", "slug": article().category_slug}]
    assert [(r["url"], r["published_at"]) for r in rows] == [
        (b["url"], b["published_at"]) for b in before
    ]
    assert {r["site"] for r in rows} == {"kaltimprov"} and runs == ["kaltimprov"]
    dated, undated_row = rows
    assert dated["published_at"].endswith("+08:00")
    assert dated["published_at_utc"] == (
        datetime.fromisoformat(dated["published_at"]).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    )
    assert undated_row["published_at_utc"] is None


def test_site_categories_and_duplicates_across_sites(store: Store) -> None:
    """Each site's categories as it shows them; a release republished by another province (the
    same content) is a duplicate of the first one archived."""
    kaltim = article().replace(site="kaltimprov")
    store.articles.save(kaltim, capture=None, run_id=None, fetched_at=T1)
    copy = kaltim.replace(
        url="https://ppid.jatimprov.go.id/2022/06/21/banjir/",
        site="jatimprov-ppid",
        category="Info Jatim",
        category_slug="info-jatim",
        category_raw="Info Jatim",
        category_known=False,
    )
    # The same title, body, time and label as shown: the same content hash.
    copy = copy.replace(category_raw=kaltim.category_raw)
    result = store.articles.save(copy, capture=None, run_id=None, fetched_at=T1)
    original = stored_article(store, kaltim.url)
    assert result.duplicate_of == original["id"]
    rows = list(store.db.query("select site, slug from site_categories order by site"))
    assert [(r["site"], r["slug"]) for r in rows] == [
        ("jatimprov-ppid", "info-jatim"),
        ("kaltimprov", kaltim.category_slug),
    ]
