"""Archived articles taken off the site: removed (404, 410, a redirect to the home page), never
for a transient failure, and restored when they answer again."""

from __future__ import annotations

import json
import subprocess
import sys

import feedparser
import pytest

from humas_crawler.replica.checks import DB, rows
from humas_crawler.replica.model import ReplicaSite
from humas_crawler.replica.server import ReplicaServer, Request, Response
from tests.helpers.crawling import crawl

pytestmark = pytest.mark.slow


def events(tmp) -> list[tuple[str, str]]:
    return [
        (r["url"].rsplit("/", 1)[-1], r["kind"])
        for r in rows(tmp, "select url, kind from article_events order by id")
    ]


def removed(tmp) -> dict[str, str | None]:
    return {
        r["url"].rsplit("/", 1)[-1]: r["removed_at"]
        for r in rows(tmp, "select url, removed_at from articles")
    }


def test_take_downs_are_removals_and_a_return_is_a_restoration(tmp_path) -> None:
    site = ReplicaSite(articles=40, seed=11)
    with ReplicaServer(site) as server:
        assert crawl(server, tmp_path).returncode == 0
        old = site.newest_first()[20:23]  # archived long ago: no listing will link them again
        recent = site.newest_first()[0]  # within the revisit window
        site.take_down(old[0].slug, "404")
        site.take_down(old[1].slug, "410")
        site.take_down(old[2].slug, "home")
        site.take_down(recent.slug, "404")
        # Incremental: only the recent one is looked at (the window); full: all of them.
        result = crawl(server, tmp_path)
        assert result.returncode == 0, result.stderr[-3000:]
        assert events(tmp_path) == [(recent.slug, "removed")]
        result = crawl(server, tmp_path, "--mode", "full")
        assert result.returncode == 0, result.stderr[-3000:]
        gone = {slug for slug, at in removed(tmp_path).items() if at}
        assert gone == {recent.slug, *(a.slug for a in old)}
        assert len([e for e in events(tmp_path) if e[1] == "removed"]) == 4  # once each
        # Their text and captures stay.
        kept = rows(
            tmp_path,
            "select title, body_text, capture_id from articles where url like ?",
            (f"%{old[2].slug}",),
        )[0]
        assert kept["title"] == old[2].title and kept["capture_id"]
        assert rows(tmp_path, "select * from quarantine") == []
        # The changes log, the history and the feed say so.
        listed = changes(tmp_path)
        assert sorted((r["url"].rsplit("/", 1)[-1], r["kind"]) for r in listed) == sorted(
            (a.slug, "removed") for a in (recent, *old)
        )
        assert all(r["summary"].startswith("removed from the site") for r in listed)
        assert any("answered 410" in r["summary"] for r in listed)
        assert any("redirect" in r["summary"] for r in listed)
        gone_410 = history(tmp_path, f"{server.base_url}{old[1].path}")
        assert gone_410["removed_at"] and [r["revision"] for r in gone_410["revisions"]] == [1]
        feed = feedparser.parse(str(tmp_path / "feeds" / "changed.atom"))
        assert not feed.bozo and len(feed.entries) == 4
        # Back on the site: restored, the gap kept in the events.
        site.restore(recent.slug)
        assert crawl(server, tmp_path).returncode == 0
        assert events(tmp_path)[-1] == (recent.slug, "restored")
        assert removed(tmp_path)[recent.slug] is None
        assert changes(tmp_path)[0]["kind"] == "restored"
        assert history(tmp_path, f"{server.base_url}{recent.path}")["removed_at"] is None


def changes(tmp) -> list[dict]:
    result = subprocess.run(
        [sys.executable, "-m", "humas_crawler", "changes", "--json", "--db", str(tmp / DB)],
        capture_output=True,
        text=True,
        check=True,
    )
    return [json.loads(line) for line in result.stdout.splitlines()]


def history(tmp, url: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "humas_crawler", "history", url, "--json", "--db", str(tmp / DB)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def test_a_transient_failure_is_not_a_removal(tmp_path) -> None:
    site = ReplicaSite(articles=30, seed=11)
    with ReplicaServer(site) as server:
        assert crawl(server, tmp_path, "--no-feeds").returncode == 0
        assert not (tmp_path / "feeds").exists()  # --no-feeds: none written
        recent = site.newest_first()[0]

        def unavailable(request: Request, response: Response) -> Response:
            if request.path.endswith(recent.slug):
                return Response(503, b"busy", "text/plain", (("Retry-After", "0"),))
            return response

        server.faults.after = unavailable  # type: ignore[method-assign]
        result = crawl(server, tmp_path, "-s", "HUMAS_RETRY_BACKOFF=0.05")
        assert result.returncode in (0, 3), result.stderr[-3000:]
        assert removed(tmp_path)[recent.slug] is None
        assert events(tmp_path) == []
        failures = rows(tmp_path, "select url from fetch_failures")
        assert [f["url"].rsplit("/", 1)[-1] for f in failures] == [recent.slug]
