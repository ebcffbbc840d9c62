"""robots.txt refusals: decisions, not failures, and never requested by any path.

Each scenario checks the server's request log. `test_the_check_sees_a_crawl_that_ignores_robots`
runs the first scenario with ROBOTSTXT_OBEY=False and shows the same check failing: the replica's
pages do link the disallowed paths, so obedience is what keeps them out of the log.
"""

from __future__ import annotations

import json
import signal
import sqlite3
import time
from pathlib import Path

import pytest

from humas_crawler.replica.checks import rows
from humas_crawler.replica.model import ReplicaSite
from humas_crawler.replica.server import ReplicaServer
from tests.helpers.crawling import crawl

pytestmark = pytest.mark.slow


def disallowed_categories(site: ReplicaSite, n: int = 2) -> tuple[str, ...]:
    """The first `n` categories' listings: every page's menu links them."""
    return tuple(f"/kategori/{slug}" for slug in list(site.categories().values())[:n])


def requested(server: ReplicaServer, prefixes: tuple[str, ...]) -> list[str]:
    return [r.path for r in server.requests if r.path.startswith(prefixes)]


def last_run(tmp: Path) -> dict:
    return rows(tmp, "select * from crawl_runs order by id desc limit 1")[0]


@pytest.fixture
def replica():
    site = ReplicaSite(articles=40, seed=7, per_page=10, pinned=3)
    site.set_disallow(disallowed_categories(site))
    with ReplicaServer(site) as server:
        yield site, server


def test_a_disallowed_listing_is_refused_and_the_run_stays_ok(replica, tmp_path) -> None:
    site, server = replica
    forbidden = site.disallow
    result = crawl(server, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert requested(server, forbidden) == []
    run = last_run(tmp_path)
    assert (run["status"], run["errors"]) == ("ok", 0)
    assert run["robots_refused"] >= len(forbidden)
    assert json.loads(run["stats_json"])["humas/robots_refused"] == run["robots_refused"]
    assert rows(tmp_path, "select * from fetch_failures") == []  # nothing to retry
    assert "refused by robots.txt" in result.stdout
    # Later runs neither retry nor request them.
    server.reset_log()
    for _ in range(2):
        again = crawl(server, tmp_path, "--category-sweep-days", "0")
        assert again.returncode == 0, again.stderr[-3000:]
    assert requested(server, forbidden) == []
    assert rows(tmp_path, "select * from fetch_failures") == []


def test_the_check_sees_a_crawl_that_ignores_robots(replica, tmp_path) -> None:
    site, server = replica
    result = crawl(server, tmp_path, "-s", "ROBOTSTXT_OBEY=False")
    assert result.returncode == 0, result.stderr[-3000:]
    assert requested(server, site.disallow)  # what the other tests assert empty


def test_past_failures_of_a_disallowed_url_are_not_retried(replica, tmp_path) -> None:
    site, server = replica
    assert crawl(server, tmp_path).returncode == 0
    # As an earlier version left them: the refusals stored as failures, to retry.
    with sqlite3.connect(tmp_path / "humas.sqlite") as db:
        for path in site.disallow:
            db.execute(
                "insert into fetch_failures (url, first_failed_at, last_failed_at, attempts,"
                " last_error) values (?, '2026-12-01T00:00:00Z', '2026-12-01T00:00:00Z', 1,"
                " 'IgnoreRequest: Forbidden by robots.txt')",
                [server.base_url + path],
            )
    server.reset_log()
    result = crawl(server, tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert requested(server, site.disallow) == []
    assert rows(tmp_path, "select * from fetch_failures") == []
    assert last_run(tmp_path)["errors"] == 0


def test_a_disallowed_revisit_is_not_requested(replica, tmp_path) -> None:
    site, server = replica
    assert crawl(server, tmp_path).returncode == 0
    recent = site.newest_first()[0]  # published within 2 days: revisited by default
    site.set_disallow([*site.disallow, recent.path])
    server.reset_log()
    result = crawl(server, tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert requested(server, (recent.path,)) == []
    assert last_run(tmp_path)["robots_refused"] >= 1


def test_a_redirect_to_a_disallowed_url_is_not_followed(tmp_path) -> None:
    site = ReplicaSite(articles=40, seed=7, link_forms="shifting")
    site.set_disallow(["/detailberita/"])
    with ReplicaServer(site) as server:
        result = crawl(server, tmp_path)
        assert result.returncode == 0, result.stderr[-3000:]
        hops = [r for r in server.requests if r.path.startswith("/berita/") and r.status == 301]
        assert hops, "old-form links of current articles should have been followed"
        assert requested(server, ("/detailberita/",)) == []
    assert rows(tmp_path, "select * from fetch_failures") == []


def test_a_resumed_queue_is_checked_against_robots_txt(tmp_path) -> None:
    site = ReplicaSite(articles=20, seed=7, per_page=10, pinned=3)
    with ReplicaServer(site) as server:
        jobdir = tmp_path / "job"
        first = crawl(server, tmp_path, "--jobdir", str(jobdir), wait=False, delay="0.2")
        deadline = time.monotonic() + 60
        while not requested(server, ("/berita?", "/kategori/")) and time.monotonic() < deadline:
            time.sleep(0.05)  # the first listing has answered: its menu's categories are queued
        first.send_signal(signal.SIGINT)
        first.wait(timeout=60)
        assert jobdir.exists()
        forbidden = disallowed_categories(site, 17)
        fetched = set(requested(server, forbidden))
        assert len(fetched) < len(forbidden), "the first run should stop before the categories"
        site.set_disallow(forbidden)
        server.reset_log()
        result = crawl(server, tmp_path, "--jobdir", str(jobdir))
        assert result.returncode == 0, result.stderr[-3000:]
        assert requested(server, forbidden) == []
