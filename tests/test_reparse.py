"""`reparse`: archived captures re-extracted from the WARC files, checked through the archive.

Every archive here comes from real crawls of the offline replica; the replica server is
stopped before any reparse, so a reparse that needed the network would fail.
"""

from __future__ import annotations

import gzip
import shutil
import socket
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from humas_crawler.archive.lock import CrawlLock
from humas_crawler.archive.record import ArticleRecord, content_hash
from humas_crawler.cli.reparse import reparse
from humas_crawler.crawl import reparse as reparse_module
from humas_crawler.replica.checks import TRUTH_FIELDS, archived, rows
from humas_crawler.replica.model import ReplicaSite
from humas_crawler.replica.server import Faults, ReplicaServer, Request, Response
from tests.helpers.crawling import crawl, is_article

ARTICLES = 30


@dataclass(frozen=True)
class Archive:
    path: Path  # holds humas.sqlite and warc/
    site: ReplicaSite
    base_url: str

    def invoke(self, *args: str, workers: int = 0) -> Result:
        argv = ["--db", str(self.path / "humas.sqlite"), "--warc-dir", str(self.path / "warc")]
        return CliRunner().invoke(reparse, [*argv, "--workers", str(workers), *args])

    def sql(self, statement: str, params: tuple = ()) -> None:
        conn = sqlite3.connect(self.path / "humas.sqlite")
        try:
            with conn:
                conn.execute("PRAGMA foreign_keys = ON")
                conn.execute(statement, params)
        finally:
            conn.close()

    def rows(self, sql: str, params: tuple = ()) -> list[dict]:
        return rows(self.path, sql, params)

    def table(self, name: str) -> list[dict]:
        return self.rows(f"select * from {name} order by id")

    def warc_files(self) -> list[Path]:
        return sorted((self.path / "warc").glob("*.warc.gz"))


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Archive:
    """A full crawl, then an incremental one (its revisits land in a second WARC file, as full
    responses: these tests lose that file and must find its captures missing; revisit records
    are tests/test_revisits.py's)."""
    path = tmp_path_factory.mktemp("template")
    site = ReplicaSite(articles=ARTICLES, seed=11, per_page=10, pinned=2)
    with ReplicaServer(site) as server:
        base_url = server.base_url
        for _ in range(2):
            result = crawl(server, path, "-s", "HUMAS_WARC_REVISITS=False")
            assert result.returncode == 0, result.stderr[-3000:]
    archive = Archive(path, site, base_url)
    assert len(archive.warc_files()) == 2
    return archive


@pytest.fixture
def archive(template, tmp_path) -> Archive:
    """A private copy of the template archive (database and WARC files)."""
    for name in ("humas.sqlite", "warc"):
        source = template.path / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name)
        else:
            shutil.copy2(source, tmp_path / name)
    return Archive(tmp_path, template.site, template.base_url)


def summary(result: Result) -> str:
    return result.stdout.strip().splitlines()[-1]


def assert_matches_truth(archive: Archive) -> None:
    truth = archive.site.truth(archive.base_url)
    got = archived(archive.path)
    assert sorted(got) == sorted(truth)
    for url, expected in truth.items():
        for name in TRUTH_FIELDS:
            assert got[url][name] == expected[name], (url, name)


def assert_consistent(archive: Archive) -> None:
    """Every article's current version is its newest revision row, with the same content."""
    for article in archive.table("articles"):
        revisions = archive.rows(
            "select * from article_revisions where article_id = ? order by revision",
            (article["id"],),
        )
        assert [r["revision"] for r in revisions] == list(range(1, article["revision"] + 1))
        current = revisions[-1]
        for name in ("content_hash", "title", "body_text", "published_raw", "category_raw"):
            assert current[name] == article[name], (article["url"], name)


# --- (1) nothing changed ----------------------------------------------------------------------


@pytest.mark.slow
def test_reparse_of_an_up_to_date_archive_changes_nothing(archive) -> None:
    before = {name: archive.table(name) for name in ("articles", "article_revisions", "captures")}
    result = archive.invoke(workers=2)  # the process pool
    assert result.exit_code == 0, result.output
    assert summary(result).startswith(
        f"reparsed {ARTICLES}: 0 new, 0 changed, {ARTICLES} unchanged, 0 quarantined; "
        "0 missing WARC in "
    )
    # Not one byte moved: no revision, no last_fetched_at, no capture pointer, no quarantine.
    for name, table in before.items():
        assert archive.table(name) == table, name
    assert archive.table("quarantine") == []
    assert result.stderr == ""


@pytest.mark.slow
def test_reparse_uses_no_network(archive, monkeypatch) -> None:
    def refuse(*args, **kwargs):
        raise AssertionError("reparse opened a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    result = archive.invoke(workers=0)  # inline: the patch covers the extraction too
    assert result.exit_code == 0, result.output
    assert f"{ARTICLES} unchanged" in summary(result)


@pytest.mark.slow
def test_base_url_defaults_to_the_latest_crawl_and_can_be_overridden(archive) -> None:
    # Under another site's base URL none of the captures is one of its articles.
    other = archive.invoke("--base-url", "https://www.kaltimprov.go.id")
    assert other.exit_code == 0, other.output
    assert summary(other).startswith("reparsed 0: ")
    assert f"reparsed {ARTICLES}: " in summary(archive.invoke())


# --- (2) an extractor change ------------------------------------------------------------------

OLD = " (ekstraktorlama)"
OLD_IN_FTS = "select rowid from articles_fts where articles_fts match 'ekstraktorlama'"


def tamper_current_versions(archive: Archive) -> None:
    """Make the archive look written by an older extractor that read every body differently:
    the article row and its current revision row hold that version (as a crawl stores it)."""
    for article in archive.table("articles"):
        body = article["body_text"] + OLD
        digest = content_hash(
            article["title"], body, article["published_raw"], article["category_raw"]
        )
        archive.sql(
            "update articles set body_text = ?, content_hash = ? where id = ?",
            (body, digest, article["id"]),
        )
        archive.sql(
            "update article_revisions set body_text = ?, content_hash = ?"
            " where article_id = ? and revision = ?",
            (body, digest, article["id"], article["revision"]),
        )


@pytest.mark.slow
def test_extractor_change_restores_articles_as_a_new_revision(archive) -> None:
    """What a content change found by reparse does (asserted below):
    - the article row gets today's extraction (all fields equal the replica's truth);
    - `revision` + 1 and one new `article_revisions` row with today's content, read from the
      article's own capture; the older version stays as the previous revision (history);
    - `last_fetched_at` and `first_seen_at` do not move (no fetch happened), and the new
      version is dated by the capture it was read from (`fetched_at` = the article's
      `last_fetched_at`, which the crawl stamps when it stores the page);
    - a second reparse changes nothing."""
    tamper_current_versions(archive)
    assert len(archive.rows(OLD_IN_FTS)) == ARTICLES
    before = {a["url"]: a for a in archive.table("articles")}
    revisions = len(archive.table("article_revisions"))
    result = archive.invoke(workers=2)
    assert result.exit_code == 0, result.output
    assert summary(result).startswith(
        f"reparsed {ARTICLES}: 0 new, {ARTICLES} changed, 0 unchanged, 0 quarantined"
    )
    assert_matches_truth(archive)
    assert_consistent(archive)
    for url, after in archived(archive.path).items():
        old = before[url]
        assert after["revision"] == old["revision"] + 1
        assert after["last_fetched_at"] == old["last_fetched_at"]
        assert after["first_seen_at"] == old["first_seen_at"]
        assert after["last_changed_at"] == old["last_fetched_at"]
        assert after["capture_id"] == old["capture_id"]
        previous, current = archive.rows(
            "select * from article_revisions where article_id = ? and revision >= ?"
            " order by revision",
            (after["id"], old["revision"]),
        )
        assert previous["body_text"].endswith(OLD)
        assert current["body_text"] == after["body_text"]
        assert current["capture_id"] == old["capture_id"]
        assert current["fetched_at"] == old["last_fetched_at"]
    assert archive.rows(OLD_IN_FTS) == []  # the search index follows the articles
    again = archive.invoke()
    assert f"0 changed, {ARTICLES} unchanged" in summary(again)
    assert len(archive.table("article_revisions")) == revisions + ARTICLES


@pytest.mark.slow
def test_fields_outside_the_content_hash_are_rewritten_without_a_revision(archive) -> None:
    # An older extractor with another timestamp reading: same version (the hash covers the
    # timestamp as shown, not its reading), so no revision; the reading is rewritten in place.
    before = {a["url"]: a["published_at"] for a in archive.table("articles")}
    archive.sql("update articles set published_at = '1999-01-01T00:00:00+08:00'")
    revisions = archive.table("article_revisions")
    result = archive.invoke()
    assert result.exit_code == 0, result.output
    assert f"{ARTICLES} unchanged" in summary(result)
    assert f"{ARTICLES} unchanged with fields re-read (no new revision)" in summary(result)
    assert archive.table("article_revisions") == revisions
    assert {a["url"]: a["published_at"] for a in archive.table("articles")} == before


@pytest.mark.slow
def test_newer_capture_of_the_same_version_moves_the_fetch_forward(archive) -> None:
    # A later fetch that an older extractor quarantined (no article written), of the same
    # page: its capture row is newer than the article's. Reparse reads it, finds the stored
    # version: unchanged, no revision, but the article was indeed fetched then.
    article = archive.table("articles")[2]
    (capture,) = archive.rows("select * from captures where id = ?", (article["capture_id"],))
    later = {**capture, "id": None, "fetched_at": "2099-01-01T00:00:00Z", "run_id": None}
    columns = ", ".join(later)
    archive.sql(
        f"insert into captures ({columns}) values ({', '.join('?' * len(later))})",
        tuple(later.values()),
    )
    (newest,) = archive.rows("select max(id) as id from captures")
    revisions = archive.table("article_revisions")
    result = archive.invoke()
    assert result.exit_code == 0, result.output
    assert f"0 changed, {ARTICLES} unchanged" in summary(result)
    after = archived(archive.path)[article["url"]]
    assert after["capture_id"] == newest["id"]
    assert after["last_fetched_at"] == "2099-01-01T00:00:00Z"
    assert after["last_changed_at"] == article["last_changed_at"]
    assert archive.table("article_revisions") == revisions


@pytest.mark.slow
def test_version_fetched_without_a_capture_is_not_overwritten(archive) -> None:
    # A crawl with WARC writing off stored a newer version with no capture: the older
    # capture in the WARC must not bring the older version back.
    article = archive.table("articles")[4]
    body = article["body_text"] + " Koreksi redaksi."
    digest = content_hash(article["title"], body, article["published_raw"], article["category_raw"])
    archive.sql(
        "update articles set body_text = ?, content_hash = ?, revision = revision + 1 where id = ?",
        (body, digest, article["id"]),
    )
    archive.sql(
        "insert into article_revisions (article_id, revision, fetched_at, content_hash,"
        " title, body_text, published_raw, category_raw, capture_id)"
        " values (?, ?, ?, ?, ?, ?, ?, ?, null)",
        (
            article["id"], article["revision"] + 1, "2099-01-01T00:00:00Z", digest,
            article["title"], body, article["published_raw"], article["category_raw"],
        ),
    )  # fmt: skip
    before = archive.table("articles")
    result = archive.invoke()
    assert result.exit_code == 0, result.output
    assert summary(result).startswith(f"reparsed {ARTICLES - 1}: 0 new, 0 changed")
    assert "1 skipped (1 fetched later, not in WARC)" in summary(result)
    assert archive.table("articles") == before


@pytest.mark.slow
def test_article_waiting_for_a_refetch_is_left_to_the_next_crawl(archive) -> None:
    # articles.save would clear its fetch_failures row: the retry would be lost.
    url = archive.table("articles")[1]["url"]
    archive.sql(
        "insert into fetch_failures (url, first_failed_at, last_failed_at, attempts, last_error)"
        " values (?, '2099-01-01T00:00:00Z', '2099-01-01T00:00:00Z', 1, 'HTTP 503')",
        (url,),
    )
    result = archive.invoke()
    assert result.exit_code == 0, result.output
    assert "1 skipped (1 pending refetch)" in summary(result)
    assert [r["url"] for r in archive.rows("select url from fetch_failures")] == [url]


# --- (3) quarantined before, an article now ---------------------------------------------------


@pytest.mark.slow
def test_quarantined_capture_that_now_extracts_becomes_a_new_article(archive) -> None:
    # As an older extractor would have left it: the page was captured (a good page), the
    # extraction came out empty, so no article row, a quarantine row pointing at the capture.
    victim = archive.table("articles")[5]
    capture = archive.rows("select * from captures where id = ?", (victim["capture_id"],))[0]
    archive.sql("delete from article_revisions where article_id = ?", (victim["id"],))
    archive.sql("delete from articles where id = ?", (victim["id"],))
    archive.sql(
        "insert into quarantine (url, reason, detail, run_id, capture_id, created_at)"
        " values (?, 'empty-extraction', 'no title found; no body_text found', 1, ?, ?)",
        (victim["url"], capture["id"], capture["fetched_at"]),
    )
    result = archive.invoke()
    assert result.exit_code == 0, result.output
    assert summary(result).startswith(
        f"reparsed {ARTICLES}: 1 new, 0 changed, {ARTICLES - 1} unchanged, 0 quarantined"
    )
    assert_matches_truth(archive)
    assert_consistent(archive)
    reborn = archived(archive.path)[victim["url"]]
    assert reborn["revision"] == 1
    assert reborn["capture_id"] == capture["id"]
    # First seen when that capture was fetched: the page has been in the archive since.
    assert reborn["first_seen_at"] == capture["fetched_at"]
    assert reborn["last_fetched_at"] == capture["fetched_at"]


class EmptyArticle(Faults):
    """One article page carries no article at all (a broken page, not a broken extractor)."""

    def __init__(self, path: str) -> None:
        self.path = path

    def after(self, request: Request, response: Response) -> Response:
        if request.path != self.path or not is_article(request, response):
            return response
        return Response(200, b"<html><body><nav><a href='/berita'>Berita</a></nav></body></html>")


@pytest.mark.slow
def test_capture_of_an_empty_page_stays_quarantined(tmp_path) -> None:
    site = ReplicaSite(articles=6, seed=12)
    victim = site.newest_first()[4]
    with ReplicaServer(site, faults=EmptyArticle(victim.path)) as server:
        base_url = server.base_url
        assert crawl(server, tmp_path).returncode == 3  # degraded: 1 of 6 pages has no article
    url = f"{base_url}{victim.path}"
    result = Archive(tmp_path, site, base_url).invoke()
    assert result.exit_code == 0, result.output
    assert summary(result).startswith("reparsed 6: 0 new, 0 changed, 5 unchanged, 1 quarantined")
    assert url not in archived(tmp_path)
    # Still quarantined, by the crawl's row: a rerun does not add the same capture again.
    kept = rows(tmp_path, "select * from quarantine where reason = 'empty-extraction'")
    assert [q["url"] for q in kept] == [url]
    assert kept[0]["capture_id"] is not None
    Archive(tmp_path, site, base_url).invoke()
    assert len(rows(tmp_path, "select * from quarantine")) == 1


# --- extraction errors --------------------------------------------------------------------------


@pytest.mark.slow
def test_extraction_error_is_quarantined_and_the_run_goes_on(archive, monkeypatch) -> None:
    victim = archive.table("articles")[3]
    real = reparse_module.extract_article

    def flaky(url, html, base_url, now):
        if url == victim["url"]:
            raise ValueError("the extractor tripped over this page")
        return real(url, html, base_url, now)

    monkeypatch.setattr(reparse_module, "extract_article", flaky)
    result = archive.invoke(workers=0)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert summary(result).startswith(
        f"reparsed {ARTICLES}: 0 new, 0 changed, {ARTICLES - 1} unchanged, 1 quarantined"
    )
    (row,) = archive.table("quarantine")
    assert row["reason"] == "extraction-error"
    assert row["url"] == victim["url"]
    assert row["capture_id"] == victim["capture_id"]
    assert "ValueError: the extractor tripped over this page" in row["detail"]
    assert archived(archive.path)[victim["url"]] == victim  # left as it was


# --- (4) missing and unreadable WARC files ------------------------------------------------------


@pytest.mark.slow
def test_missing_warc_file_is_reported_once_and_the_rest_reparsed(archive) -> None:
    second = archive.warc_files()[1]  # the incremental run's: the recent articles' captures
    in_second = len(
        archive.rows(
            "select a.id from articles a join captures c on c.id = a.capture_id"
            " where c.warc_file = ?",
            (second.name,),
        )
    )
    assert 0 < in_second < ARTICLES
    tamper_current_versions(archive)
    second.unlink()
    result = archive.invoke(workers=2)
    assert result.exit_code == 1, result.output
    assert result.stderr.count(second.name) == 1
    assert f"WARC file {second} is missing: {in_second} capture(s) in it not reparsed" in (
        result.stderr
    )
    rest = ARTICLES - in_second
    assert summary(result).startswith(
        f"reparsed {rest}: 0 new, {rest} changed, 0 unchanged, 0 quarantined; "
        f"{in_second} missing WARC"
    )
    assert_consistent(archive)


@pytest.mark.slow
def test_unreadable_warc_file_is_reported_once(archive) -> None:
    second = archive.warc_files()[1]
    second.write_bytes(b"\0garbage" * (second.stat().st_size // 8))
    result = archive.invoke()
    assert result.exit_code == 1, result.output
    assert result.stderr.count(second.name) == 1
    assert "is unreadable" in result.stderr
    assert "Traceback" not in result.output
    assert "missing WARC" in summary(result)
    assert " 0 missing WARC" not in summary(result)


@pytest.mark.slow
def test_missing_warc_directory_or_archive_is_a_clear_error(archive, tmp_path) -> None:
    result = CliRunner().invoke(
        reparse,
        ["--db", str(archive.path / "humas.sqlite"), "--warc-dir", str(tmp_path / "nowhere")],
    )
    assert result.exit_code == 1
    assert "no WARC directory at" in result.stderr
    result = CliRunner().invoke(
        reparse, ["--db", str(tmp_path / "none.sqlite"), "--warc-dir", str(archive.path / "warc")]
    )
    assert result.exit_code == 1
    assert "no archive at" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.slow
def test_a_running_crawl_keeps_reparse_out(archive) -> None:
    with CrawlLock(archive.path / "humas.sqlite"):
        result = archive.invoke()
    assert result.exit_code == 2
    assert "holds the lock" in result.stderr


# --- crash safety -------------------------------------------------------------------------------


@pytest.mark.slow
def test_interrupted_reparse_leaves_a_consistent_archive_and_a_rerun_finishes(
    archive, monkeypatch
) -> None:
    tamper_current_versions(archive)
    real = reparse_module.extract_article
    calls = []

    def interrupted(*args):
        calls.append(args[0])
        if len(calls) == reparse_module.CHUNK + 4:  # stored by chunk: one chunk is done
            raise KeyboardInterrupt
        return real(*args)

    monkeypatch.setattr(reparse_module, "extract_article", interrupted)
    result = archive.invoke(workers=0)
    assert result.exit_code == 130
    assert "run reparse again to finish" in result.stderr
    assert_consistent(archive)
    done = [a for a in archive.table("articles") if not a["body_text"].endswith(OLD)]
    assert 0 < len(done) < ARTICLES
    monkeypatch.setattr(reparse_module, "extract_article", real)
    result = archive.invoke()
    assert result.exit_code == 0, result.output
    assert summary(result).startswith(
        f"reparsed {ARTICLES}: 0 new, {ARTICLES - len(done)} changed, {len(done)} unchanged"
    )
    assert_matches_truth(archive)
    assert_consistent(archive)


# --- bodies as received -------------------------------------------------------------------------


class Gzipped(Faults):
    """The site compresses its article pages (the WARC keeps them compressed)."""

    def after(self, request: Request, response: Response) -> Response:
        if not is_article(request, response):
            return response
        headers = (*response.headers, ("Content-Encoding", "gzip"))
        return Response(200, gzip.compress(response.body), response.content_type, headers)


@pytest.mark.slow
def test_gzip_encoded_captures_are_decoded(tmp_path) -> None:
    site = ReplicaSite(articles=6, seed=13)
    with ReplicaServer(site, faults=Gzipped()) as server:
        base_url = server.base_url
        assert crawl(server, tmp_path).returncode == 0
    archive = Archive(tmp_path, site, base_url)
    assert_matches_truth(archive)
    result = archive.invoke()
    assert result.exit_code == 0, result.output
    assert summary(result).startswith("reparsed 6: 0 new, 0 changed, 6 unchanged, 0 quarantined")


def test_fields_outside_the_content_hash_are_refreshed_without_a_revision(tmp_path) -> None:
    """An archive whose categories were normalized differently is re-read in place."""
    from humas_crawler.archive.store import Store
    from tests.helpers.archive_factory import stored_article

    path = tmp_path / "a.sqlite"
    with Store.open(path) as store:
        record = ArticleRecord(
            url="https://www.kaltimprov.go.id/berita/x",
            title="Judul",
            body_text="Isi.",
            published_raw="21 Juni 2022 Jam 22:03:32",
            category_raw="Sosial",
            category="Sosial",
            content_hash="sha256:x",
        )
        store.articles.save(record, capture=None, run_id=None, fetched_at="2026-11-27T20:00:00Z")
        before = stored_article(store, record.url)
        assert store.articles.refresh(record.replace(category="Sosial Baru", dateline="Samarinda"))
        after = stored_article(store, record.url)
        assert (after["category"], after["dateline"]) == ("Sosial Baru", "Samarinda")
        assert after["revision"] == before["revision"] == 1
        assert after["last_fetched_at"] == before["last_fetched_at"]
        assert len(store.articles.revisions(after["id"])) == 1
        assert not store.articles.refresh(record.replace(content_hash="sha256:other"))
