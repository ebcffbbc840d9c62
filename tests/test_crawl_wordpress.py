"""A WordPress site crawled with no registry entry: probed, read through its REST API (or its
feed, sitemaps and listings when the API is off), every post archived with its instant, title
and category; incremental runs cost about the new posts."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from humas_crawler.replica.wordpress import WordPressSite
from humas_crawler.replica.wp_server import WordPressServer
from tests.helpers.crawling import crawl_sites as crawl
from tests.helpers.crawling import reparse

pytestmark = pytest.mark.slow
FIELDS = ("title", "published_at", "published_precision", "category", "body_text")


def articles(tmp: Path) -> dict[str, dict]:
    conn = sqlite3.connect(tmp / "humas.sqlite")
    conn.row_factory = sqlite3.Row
    rows = {row["url"]: dict(row) for row in conn.execute("select * from articles")}
    conn.close()
    return rows


def assert_archived_as_truth(tmp: Path, site: WordPressSite, base_url: str) -> dict[str, dict]:
    truth = site.truth(base_url)
    stored = articles(tmp)
    assert set(stored) == set(truth)
    for url, want in truth.items():
        got = stored[url]
        assert {f: got[f] for f in FIELDS} == {f: want[f] for f in FIELDS}, url
        assert got["published_at"].endswith("+07:00")
    return stored


def test_an_unregistered_wordpress_site_is_probed_and_archived_from_its_api(tmp_path) -> None:
    site = WordPressSite(articles=60, seed=3)
    with WordPressServer(site) as server:
        base, port = server.base_url, server.port
        result = crawl(tmp_path, "--base-url", base, "--timezone", "WIB")
        assert result.returncode == 0, result.stdout + result.stderr
        assert "REST API /wp-json/ answers" in result.stderr  # the probe's evidence
        paths = [entry.path for entry in server.requests]
    stored = assert_archived_as_truth(tmp_path, site, base)
    row = next(iter(stored.values()))
    assert row["site"] == f"local-{port}"
    assert row["published_at_utc"].endswith("Z")
    # The API lists the posts, each post's page is fetched once (no redirect hop, no category
    # archives), and the API's answers are archived too.
    assert sum(p.startswith("/wp-json/wp/v2/posts") for p in paths) == 1
    assert not any(p.startswith("/category/") for p in paths)
    conn = sqlite3.connect(tmp_path / "humas.sqlite")
    api = conn.execute(
        "select count(*) from captures where url like '%/wp-json/wp/v2/posts%'"
    ).fetchone()[0]
    redirects = conn.execute("select count(*) from captures where status = 301").fetchone()[0]
    conn.close()
    assert api == 1 and redirects == 0
    assert_reparse_reads_the_archived_api(tmp_path, site, base, f"local-{port}")


def assert_reparse_reads_the_archived_api(
    tmp: Path, site: WordPressSite, base: str, name: str
) -> None:
    """Reparse pairs each page with the archived API answer that listed it: nothing changes
    (the pages alone would change every article: shortcodes, captions, entities), an archive
    whose rows were damaged comes back to the site's truth without the network, and a lost API
    answer leaves its posts as they are (exit 1)."""
    again = reparse(tmp, "--site", name)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "0 new, 0 changed, 60 unchanged" in again.stdout, again.stdout
    assert "re-read" not in again.stdout
    conn = sqlite3.connect(tmp / "humas.sqlite")
    conn.execute("update articles set title = 'rusak', category = null, content_hash = 'x'")
    conn.commit()
    repaired = reparse(tmp, "--site", name)
    assert repaired.returncode == 0, repaired.stdout + repaired.stderr
    assert "0 new, 60 changed, 0 unchanged" in repaired.stdout, repaired.stdout
    assert_archived_as_truth(tmp, site, base)
    conn.execute(
        "update captures set warc_offset = warc_offset + 7 where url like '%/wp-json/wp/v2/posts%'"
    )
    conn.commit()
    conn.close()
    lost = reparse(tmp, "--site", name)
    assert lost.returncode == 1, lost.stdout + lost.stderr
    assert "API answer(s)" in lost.stderr and "60 no readable API answer" in lost.stdout
    assert_archived_as_truth(tmp, site, base)


def test_incremental_runs_cost_about_the_new_posts_and_see_edits(tmp_path) -> None:
    site = WordPressSite(articles=80, seed=4)
    with WordPressServer(site) as server:
        base = server.base_url
        registry = tmp_path / "sites.toml"
        saved = subprocess.run(
            [sys.executable, "-m", "humas_crawler", "sites", "probe", server.base_url,
             "--province", "Jawa Timur", "--save", str(registry)],
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert saved.returncode == 0, saved.stderr
        name = f"local-{server.port}"
        first = crawl(tmp_path, "--sites", str(registry), "--site", name)
        assert first.returncode == 0, first.stdout + first.stderr
        added = site.add_articles(10)
        edited = site.newest_first()[20]
        site.edit_article(edited.slug, title=edited.title + " (Diperbarui)")
        server.reset_log()
        second = crawl(tmp_path, "--sites", str(registry), "--site", name)
        assert second.returncode == 0, second.stdout + second.stderr
        paths = [entry.path for entry in server.requests]
    # robots.txt, the categories, one page of posts, the 10 new ones and the edited one.
    assert len(paths) <= len(added) + 1 + 5, "\n".join(paths)
    assert "10 new, 1 changed" in second.stdout
    stored = assert_archived_as_truth(tmp_path, site, base)
    [edited_url] = [url for url in stored if f"/{edited.slug}/" in url]
    assert stored[edited_url]["revision"] == 2
    # Each page is paired with the answer its run read: the edited post's newer one.
    again = reparse(tmp_path, "--site", name)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "0 new, 0 changed, 90 unchanged" in again.stdout, again.stdout


def test_without_the_api_the_feed_sitemaps_and_listings_give_every_post(tmp_path) -> None:
    site = WordPressSite(articles=40, seed=5, api=False)
    with WordPressServer(site) as server:
        base = server.base_url
        result = crawl(tmp_path, "--base-url", base, "--timezone", "WIB")
        assert result.returncode == 0, result.stdout + result.stderr
    truth = site.truth(base)
    stored = articles(tmp_path)
    assert set(stored) == set(truth)
    for url, want in truth.items():
        got = stored[url]
        for field in ("title", "published_at", "category"):
            assert got[field] == want[field], (url, field)
