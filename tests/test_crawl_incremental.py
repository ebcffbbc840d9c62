"""What an incremental run costs: it follows what changed, whatever form links take."""

from __future__ import annotations

import sqlite3
from urllib.parse import urlsplit

import pytest

from humas_crawler.replica.checks import archived, rows
from humas_crawler.replica.model import ReplicaArticle, ReplicaSite
from humas_crawler.replica.server import ReplicaServer
from tests.helpers.crawling import crawl

pytestmark = pytest.mark.slow


def article_requests(server: ReplicaServer) -> list[tuple[str, int]]:
    out = []
    for r in server.requests:
        head, _, slug = urlsplit(r.path).path.strip("/").partition("/")
        if head in ("berita", "detailberita") and slug and "/" not in slug:
            out.append((slug, r.status))
    return out


def test_an_archived_article_linked_in_its_other_form_costs_no_request(tmp_path) -> None:
    site = ReplicaSite(articles=300, seed=3)
    with ReplicaServer(site) as server:
        assert crawl(server, tmp_path).returncode == 0  # stores /detailberita/<slug>
        # Listings now link some current articles as /berita/<slug> (which redirects), by
        # position: as new articles push items down, the forms change.
        site.set_link_forms("shifting")
        added = site.add_articles(7)
        server.reset_log()
        result = crawl(server, tmp_path)
        assert result.returncode == 0, result.stderr[-3000:]
        fresh = {a.slug for a in added} | {a.slug for a in site.newest_first()[:10]}
        refetched = [(s, status) for s, status in article_requests(server) if s not in fresh]
        assert refetched == []  # no archived article, no redirect hop of one
        pages = [r.path for r in server.requests if urlsplit(r.path).path == "/berita"]
        assert len(pages) <= 2  # page 1 has the 7 new ones; page 2 nothing unknown: stop
        assert all(f"{server.base_url}{a.path}" in archived(tmp_path) for a in added)
        # A new article linked in the old form is asked for in the current one (the archive's
        # redirects show the site moved): no hop. The new ones, 3 revisits, robots.txt, sitemap.
        assert [s for s, status in article_requests(server) if status == 301] == []
        assert len(server.requests) == len(added) + 3 + len(pages) + 2


def test_a_new_article_of_the_old_form_is_found_when_the_current_form_misses(tmp_path) -> None:
    site = ReplicaSite(articles=60, seed=3)
    with ReplicaServer(site) as server:
        assert crawl(server, tmp_path).returncode == 0
        (late,) = site.add_articles(1, form="old")  # served at /berita/<slug> only
        server.reset_log()
        result = crawl(server, tmp_path)
        assert result.returncode == 0, result.stderr[-3000:]
        asked = [(s, status) for s, status in article_requests(server) if s == late.slug]
        assert asked == [(late.slug, 404), (late.slug, 200)]  # the guess, then the link
        assert f"{server.base_url}/berita/{late.slug}" in archived(tmp_path)
        assert rows(tmp_path, "select * from quarantine") == []


def only_in_its_category(site: ReplicaSite, article: ReplicaArticle) -> None:
    """Take `article` off the main listing and the "latest" lists: its category lists it only."""
    listing_items, latest = site._listing_items, site.latest

    def items(category_slug: str | None) -> list[ReplicaArticle]:
        found = listing_items(category_slug)
        return found if category_slug else [a for a in found if a.id != article.id]

    site._listing_items = items  # type: ignore[method-assign]
    site.latest = lambda count=5: [a for a in latest(count + 1) if a.id != article.id][:count]  # type: ignore[method-assign]


def test_categories_are_read_on_their_sweep_schedule(tmp_path) -> None:
    site = ReplicaSite(articles=60, seed=5)
    with ReplicaServer(site) as server:
        assert crawl(server, tmp_path).returncode == 0  # first run: sweeps the categories
        assert rows(tmp_path, "select category_sweep from crawl_runs")[0]["category_sweep"] == 1
        (hidden,) = site.add_articles(1)
        only_in_its_category(site, hidden)
        site.revision += 1
        server.reset_log()
        assert crawl(server, tmp_path).returncode == 0
        assert [r.path for r in server.requests if r.path.startswith("/kategori/")] == []
        url = f"{server.base_url}{hidden.path}"
        assert url not in archived(tmp_path)  # between sweeps, only the main listing is read
        runs = rows(tmp_path, "select category_sweep from crawl_runs order by id")
        assert [r["category_sweep"] for r in runs] == [1, 0]
        # A week later the sweep is due: the article only its category lists is archived.
        with sqlite3.connect(tmp_path / "humas.sqlite") as db:
            db.execute("update crawl_runs set started_at = '2026-01-01T00:00:00Z'")
        server.reset_log()
        assert crawl(server, tmp_path).returncode == 0
        assert [r for r in server.requests if r.path.startswith("/kategori/")]
        assert url in archived(tmp_path)


@pytest.mark.parametrize("args", [("--mode", "full"), ("--category-sweep-days", "0")])
def test_full_mode_and_a_zero_schedule_read_every_category(tmp_path, args) -> None:
    site = ReplicaSite(articles=30, seed=5)
    with ReplicaServer(site) as server:
        assert crawl(server, tmp_path).returncode == 0
        server.reset_log()
        assert crawl(server, tmp_path, *args).returncode == 0
        categories = {r.path for r in server.requests if r.path.startswith("/kategori/")}
        assert len(categories) == len(site.categories())
