"""Crawls of the offline replica, in subprocesses, checked through the archive."""

from __future__ import annotations

import json
import signal
import sqlite3
import time
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from humas_crawler.replica.checks import archived, rows
from humas_crawler.replica.model import ReplicaSite
from humas_crawler.replica.server import ReplicaServer
from tests.helpers.crawling import assert_matches_truth, crawl, warcio_check

# End-to-end: every test crawls the replica in a subprocess.
pytestmark = pytest.mark.slow


@pytest.fixture
def replica():
    site = ReplicaSite(articles=40, seed=7, per_page=10, pinned=3)
    with ReplicaServer(site) as server:
        yield site, server


def test_full_crawl_archives_every_article_once_with_every_field_right(replica, tmp_path) -> None:
    site, server = replica
    result = crawl(server, tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "run 1 ok" in result.stdout
    assert_matches_truth(tmp_path, site, server.base_url)
    # One row per article although pages link them as http://, with utm_*, #fragments,
    # trailing slashes and the old /berita/ form of new articles (redirected).
    assert len(archived(tmp_path)) == len(site.articles)
    new_form = [a for a in site.articles if a.form == "new"]
    assert new_form, "the replica should have current-site articles"
    assert all(f"{server.base_url}/detailberita/{a.slug}" in archived(tmp_path) for a in new_form)
    run = rows(tmp_path, "select * from crawl_runs")[0]
    assert run["status"] == "ok"
    assert run["articles_new"] == len(site.articles)
    stats = json.loads(run["stats_json"])
    assert stats["humas/coverage/title"] == 1.0
    # The replica's footer links https://example.org/mitra: every request the crawl made
    # reached the replica, none went to another host.
    assert stats["downloader/request_count"] == len(server.requests)
    # robots.txt obeyed, never another host.
    paths = [r.path for r in server.requests]
    assert not [p for p in paths if p.startswith(("/admin", "/cari"))]


def test_warc_files_read_back_fully_and_index_matches(replica, tmp_path) -> None:
    site, server = replica
    assert crawl(server, tmp_path).returncode == 0
    files = sorted((tmp_path / "warc").glob("*.warc.gz"))
    assert files
    responses = 0
    for path in files:
        with path.open("rb") as fh:
            for record in ArchiveIterator(fh):
                if record.rec_type == "response":
                    record.content_stream().read()
                    responses += 1
        check = warcio_check(path)
        assert check.returncode == 0, check.stdout + check.stderr
    captures = rows(tmp_path, "select * from captures")
    assert len(captures) == responses
    # Every article points at the capture of its own page.
    joined = rows(
        tmp_path,
        "select a.url, c.status from articles a join captures c on c.id = a.capture_id",
    )
    assert len(joined) == len(site.articles)
    assert all(r["status"] == 200 for r in joined)


def test_incremental_run_fetches_little_and_archives_new_articles(replica, tmp_path) -> None:
    site, server = replica
    assert crawl(server, tmp_path).returncode == 0
    added = site.add_articles(3)
    server.reset_log()
    result = crawl(server, tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    got = archived(tmp_path)
    assert len(got) == len(site.articles)
    assert all(f"{server.base_url}{a.path}" in got for a in added)
    requests = [r.path for r in server.requests]
    article_requests = [p for p in requests if p.startswith(("/berita/", "/detailberita/"))]
    listing_requests = [
        p for p in requests if p.startswith(("/berita?", "/kategori/")) or p == "/berita"
    ]
    recent = 3 + len(added)  # the replica dates its 3 newest within 2 days: revisited
    assert len(article_requests) <= len(added) + recent + 3  # + old-form redirect hops
    assert len(requests) <= len(article_requests) + len(listing_requests) + 3  # robots x2, sitemap
    assert len([p for p in requests if p.startswith("/berita?page=")]) <= 1
    # A category's further pages only when its first page had something new.
    deeper = [p for p in requests if p.startswith("/kategori/") and "page=" in p]
    assert len(deeper) <= len(added)


def test_edits_become_revisions(replica, tmp_path) -> None:
    site, server = replica
    assert crawl(server, tmp_path).returncode == 0
    recent = site.newest_first()[0]
    old = site.newest_first()[-1]
    site.edit_article(recent.slug, title=recent.title + " (Diperbarui)")
    site.edit_article(
        old.slug, paragraphs=[*old.paragraphs, "Tambahan paragraf koreksi dari redaksi."]
    )
    assert crawl(server, tmp_path).returncode == 0
    got = archived(tmp_path)
    assert got[f"{server.base_url}{recent.path}"]["revision"] == 2
    assert got[f"{server.base_url}{old.path}"]["revision"] == 1  # too old for incremental revisits
    assert crawl(server, tmp_path, "--mode", "full").returncode == 0
    got = archived(tmp_path)
    assert got[f"{server.base_url}{old.path}"]["revision"] == 2
    assert got[f"{server.base_url}{old.path}"]["body_text"].endswith(
        "Tambahan paragraf koreksi dari redaksi."
    )
    revisions = rows(
        tmp_path,
        "select * from article_revisions where article_id = ?",
        (got[f"{server.base_url}{old.path}"]["id"],),
    )
    assert [r["revision"] for r in revisions] == [1, 2]
    assert_matches_truth(tmp_path, site, server.base_url)


def test_second_concurrent_crawl_exits_2_naming_the_first(replica, tmp_path) -> None:
    _site, server = replica
    first = crawl(server, tmp_path, wait=False, delay="0.3")
    try:
        deadline = time.monotonic() + 60
        while not (tmp_path / "humas.sqlite.lock").exists() or not rows_ready(tmp_path):
            assert time.monotonic() < deadline, "first crawl never started"
            time.sleep(0.2)
        second = crawl(server, tmp_path)
        assert second.returncode == 2
        assert f"pid {first.pid}" in second.stderr
    finally:
        first.terminate()
        first.wait(timeout=60)


def rows_ready(tmp: Path) -> bool:
    try:
        return bool(rows(tmp, "select id from crawl_runs"))
    except sqlite3.Error:
        return False


def wait_for_articles(tmp: Path, n: int) -> None:
    """Wait until a running crawl has stored `n` articles."""
    deadline = time.monotonic() + 60
    while True:
        assert time.monotonic() < deadline, "the crawl never stored enough articles"
        try:
            if len(rows(tmp, "select id from articles")) >= n:
                return
        except sqlite3.Error:
            pass  # the archive is still being created
        time.sleep(0.1)


def test_kill_9_then_rerun_completes_the_archive(replica, tmp_path) -> None:
    site, server = replica
    victim = crawl(server, tmp_path, wait=False, delay="0.05")
    wait_for_articles(tmp_path, 8)
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=30)
    result = crawl(server, tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert_matches_truth(tmp_path, site, server.base_url)
    runs = rows(tmp_path, "select status from crawl_runs order by id")
    assert [r["status"] for r in runs] == ["interrupted", "ok"]
    assert rows(tmp_path, "pragma integrity_check")[0]["integrity_check"] == "ok"


def test_jobdir_resumes_an_interrupted_crawl(replica, tmp_path) -> None:
    site, server = replica
    jobdir = tmp_path / "job"
    first = crawl(server, tmp_path, "--jobdir", str(jobdir), wait=False, delay="0.05")
    wait_for_articles(tmp_path, 8)
    first.send_signal(signal.SIGINT)
    first.wait(timeout=60)
    done = set(archived(tmp_path))
    assert 0 < len(done) < len(site.articles)
    assert rows(tmp_path, "select status from crawl_runs")[0]["status"] == "interrupted"
    assert jobdir.exists()
    server.reset_log()
    result = crawl(server, tmp_path, "--jobdir", str(jobdir))
    assert result.returncode == 0, result.stderr[-3000:]
    assert_matches_truth(tmp_path, site, server.base_url)
    # Resumed from the saved queue: pages archived before the interruption are not fetched again.
    refetched = [r.path for r in server.requests if f"{server.base_url}{r.path}" in done]
    assert refetched == []
    assert not jobdir.exists()  # finished: the next scheduled run starts afresh
