"""How crawl runs end: degraded alarms, failures retried next run, the Scrapy way of running."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from humas_crawler.archive.lock import CrawlLock
from humas_crawler.replica.checks import archived, rows
from humas_crawler.replica.model import ReplicaSite
from humas_crawler.replica.server import Faults, ReplicaServer, Request, Response
from tests.helpers.crawling import crawl, is_article
from tests.helpers.paths import ROOT

MONTHS = (
    rb"(?:Januari|Februari|Maret|April|Mei|Juni|Juli|Agustus|September|Oktober|November|Desember)"
)

# End-to-end: every test runs crawls (or the crawl command) in subprocesses.
pytestmark = pytest.mark.slow


class DatesGone(Faults):
    """The site changed: article pages no longer show when they were published."""

    def after(self, request: Request, response: Response) -> Response:
        if not is_article(request, response):
            return response
        body = re.sub(rb"(?:\w+, )?\d{1,2} " + MONTHS + rb" \d{4}[^<]*", b"", response.body)
        body = re.sub(rb'(datetime|content)="\d{4}-\d\d-\d\d[^"]*"', b"", body)
        body = re.sub(rb'"datePublished": *"[^"]*",?', b"", body)
        return Response(response.status, body, response.content_type, response.headers)


class NothingLeft(Faults):
    """The site changed beyond recognition: article pages carry no article at all."""

    def after(self, request: Request, response: Response) -> Response:
        if not is_article(request, response):
            return response
        return Response(200, b"<html><body><nav><a href='/berita'>Berita</a></nav></body></html>")


class BrokenPage(Faults):
    """One page answers `status` every time, while `active`."""

    def __init__(self, path: str, status: int = 500) -> None:
        self.path = path
        self.status = status
        self.active = True

    def before(self, request: Request) -> Response | None:
        if self.active and request.path == self.path:
            return Response(self.status, f"<html><body>HTTP {self.status}</body></html>".encode())
        return None


def test_missing_field_makes_a_degraded_run_with_exit_3(tmp_path) -> None:
    site = ReplicaSite(articles=20, seed=3)
    with ReplicaServer(site, faults=DatesGone()) as server:
        result = crawl(server, tmp_path)
    assert result.returncode == 3, result.stdout + result.stderr[-2000:]
    assert "published_at found in 0 of 20 articles (0%), below the 90% threshold" in result.stderr
    run = rows(tmp_path, "select status, message from crawl_runs")[0]
    assert run["status"] == "degraded"
    assert "published_at" in run["message"]
    # The articles are archived all the same, with what could be extracted.
    assert len(archived(tmp_path)) == 20


def test_no_article_from_fetched_pages_is_degraded(tmp_path) -> None:
    site = ReplicaSite(articles=12, seed=4)
    with ReplicaServer(site, faults=NothingLeft()) as server:
        result = crawl(server, tmp_path)
    assert result.returncode == 3
    assert "no article extracted from 12 fetched article pages" in result.stderr
    quarantined = rows(tmp_path, "select reason, capture_id from quarantine")
    assert len(quarantined) == 12
    assert {q["reason"] for q in quarantined} == {"empty-extraction"}
    assert all(q["capture_id"] for q in quarantined)
    assert archived(tmp_path) == {}


def test_an_article_that_fails_is_recorded_and_fetched_next_run(tmp_path) -> None:
    site = ReplicaSite(articles=15, seed=5)
    victim = site.newest_first()[5]
    faults = BrokenPage(victim.path)
    with ReplicaServer(site, faults=faults) as server:
        first = crawl(server, tmp_path)
        assert first.returncode == 0, first.stderr[-2000:]
        url = f"{server.base_url}{victim.path}"
        assert url not in archived(tmp_path)
        failures = rows(tmp_path, "select url, attempts, last_error from fetch_failures")
        assert failures == [{"url": url, "attempts": 1, "last_error": "HTTP 500"}]
        faults.active = False
        second = crawl(server, tmp_path)
        assert second.returncode == 0, second.stderr[-2000:]
    assert url in archived(tmp_path)
    assert rows(tmp_path, "select * from fetch_failures") == []
    assert len(archived(tmp_path)) == 15


def test_a_listing_page_that_fails_is_recorded_and_fetched_next_run(tmp_path) -> None:
    site = ReplicaSite(articles=35, seed=8)
    faults = BrokenPage("/berita?page=3", 503)
    with ReplicaServer(site, faults=faults) as server:
        first = crawl(server, tmp_path)
        assert first.returncode == 0, first.stderr[-2000:]
        url = f"{server.base_url}/berita?page=3"
        failures = rows(tmp_path, "select url, last_error from fetch_failures")
        assert failures == [{"url": url, "last_error": "HTTP 503"}]
        faults.active = False
        server.reset_log()
        second = crawl(server, tmp_path)
        assert second.returncode == 0, second.stderr[-2000:]
        # The incremental run stops at page 1 (nothing new there), yet asks for the page that
        # failed, and the pages after it if they hold anything unknown.
        assert "/berita?page=3" in [r.path for r in server.requests]
    assert rows(tmp_path, "select * from fetch_failures") == []
    assert len(archived(tmp_path)) == 35


def test_scrapy_crawl_runs_the_same_spider(tmp_path) -> None:
    site = ReplicaSite(articles=8, seed=6)
    with ReplicaServer(site) as server:
        settings = {
            "HUMAS_DB": tmp_path / "humas.sqlite",
            "HUMAS_WARC_DIR": tmp_path / "warc",
            "DOWNLOAD_DELAY": 0,
            "AUTOTHROTTLE_ENABLED": 0,
            "LOG_LEVEL": "WARNING",
        }
        args = [f"-s{name}={value}" for name, value in settings.items()]
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "scrapy",
                "crawl",
                "kaltimprov",
                f"-abase_url={server.base_url}",
                *args,
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=180,
        )
    assert result.returncode == 0, result.stderr[-2000:]
    assert len(archived(tmp_path)) == 8
    assert rows(tmp_path, "select status from crawl_runs")[0]["status"] == "ok"


@pytest.mark.parametrize(
    "bad", [["--mode", "fast"], ["--revisit-days", "-1"], ["--base-url", "ftp://x"]]
)
def test_bad_crawl_arguments_are_clear_errors(tmp_path, bad) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "humas_crawler", "crawl", "--db", str(tmp_path / "x.sqlite"), *bad],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "Error" in result.stderr
    assert not (tmp_path / "x.sqlite").exists()


class ListingsDown(Faults):
    """Every listing page fails: only the sitemap is left as a route to the articles."""

    def before(self, request: Request) -> Response | None:
        path = request.path.split("?")[0]
        if path in ("/", "/berita") or path.startswith("/kategori/"):
            return Response(404, b"<html><body>Tidak ditemukan</body></html>")
        return None


def test_sitemap_from_robots_is_a_route_to_every_article(tmp_path) -> None:
    site = ReplicaSite(articles=15, seed=8, sitemap=True)
    with ReplicaServer(site, faults=ListingsDown()) as server:
        result = crawl(server, tmp_path)
        paths = [r.path for r in server.requests]
    assert result.returncode == 0, result.stderr[-2000:]
    assert "/sitemap.xml" in paths
    assert len(archived(tmp_path)) == 15


# What the crawl does when the archive is taken or broken between the runner's check and the
# crawl itself: the CrawlArchive component stops it with the same exit code and message.
SKIP_CHECK = (
    "import sys; from humas_crawler.crawl.archive import CrawlArchive;"
    " CrawlArchive.check = staticmethod(lambda db: None);"
    " from humas_crawler.cli import main; main(sys.argv[1:])"
)


def test_a_lock_taken_after_the_check_stops_the_crawl_with_exit_2(tmp_path) -> None:
    db = tmp_path / "humas.sqlite"
    with CrawlLock(db) as lock:
        lock.update(command="reparse")
        result = subprocess.run(
            [sys.executable, "-c", SKIP_CHECK, "crawl", "--db", str(db),
             "--warc-dir", str(tmp_path / "warc"), "--base-url", "http://127.0.0.1:9"],
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
    assert result.returncode == 2, result.stderr[-2000:]
    assert "reparse" in result.stderr.splitlines()[-1]
    assert not (tmp_path / "warc").exists()


def test_an_archive_that_cannot_be_opened_fails_the_crawl_with_exit_1(tmp_path) -> None:
    db = tmp_path / "humas.sqlite"
    db.write_bytes(b"this is not a database" * 100)
    result = subprocess.run(
        [sys.executable, "-c", SKIP_CHECK, "crawl", "--db", str(db),
         "--warc-dir", str(tmp_path / "warc"), "--base-url", "http://127.0.0.1:9"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr[-2000:]
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("Error: ") and "not a SQLite database" in last, last
    assert "Traceback" not in result.stderr


def test_warc_files_sit_beside_the_database_by_default(tmp_path) -> None:
    # `--db elsewhere/x.sqlite` keeps the whole archive in `elsewhere`, not in ./data/warc.
    elsewhere = tmp_path / "elsewhere"
    workdir = tmp_path / "cwd"
    elsewhere.mkdir()
    workdir.mkdir()
    with ReplicaServer(ReplicaSite(articles=10, seed=3)) as server:

        def crawl_from_workdir(*extra: str) -> subprocess.CompletedProcess[str]:
            command = [sys.executable, "-m", "humas_crawler", "crawl", "--db"]
            command += [str(elsewhere / "x.sqlite"), "--base-url", server.base_url]
            command += ["--delay", "0", "--concurrency", "8", *extra]
            return subprocess.run(command, cwd=workdir, capture_output=True, text=True, timeout=180)

        first = crawl_from_workdir()
        assert first.returncode == 0, first.stderr[-2000:]
        assert list((elsewhere / "warc").glob("*.warc.gz"))
        assert not (workdir / "data").exists()
        # A later run given another WARC directory says where the archive's captures are not.
        other = tmp_path / "other-warc"
        second = crawl_from_workdir("--warc-dir", str(other))
        assert second.returncode == 0, second.stderr[-2000:]
        assert f"which is not in {other}" in second.stderr
