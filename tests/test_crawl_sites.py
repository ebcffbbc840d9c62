"""Sites other than Kaltim, and several sites in one crawl: a Joomla/K2 portal probed and crawled
by its `?start=` listing; three replicas (Kaltim's custom CMS, WordPress, Joomla) crawled at once
into one archive, each with its own run; a degraded site named while the others are stored."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from humas_crawler.replica.joomla import JoomlaSite
from humas_crawler.replica.joomla_server import JoomlaServer
from humas_crawler.replica.model import ReplicaSite
from humas_crawler.replica.server import Faults, ReplicaServer, Request, Response
from humas_crawler.replica.wordpress import WordPressSite
from humas_crawler.replica.wp_server import WordPressServer
from tests.helpers.crawling import crawl_sites as crawl
from tests.helpers.crawling import reparse

pytestmark = pytest.mark.slow
FIELDS = ("title", "published_at", "published_precision", "category", "body_text")


def query(tmp: Path, sql: str, *params: object) -> list[dict]:
    conn = sqlite3.connect(tmp / "humas.sqlite")
    conn.row_factory = sqlite3.Row
    rows = [dict(row) for row in conn.execute(sql, params)]
    conn.close()
    return rows


def assert_site_archived(tmp: Path, truth: dict[str, dict], site: str, offset: str) -> None:
    stored = {r["url"]: r for r in query(tmp, "select * from articles where site = ?", site)}
    assert set(stored) == set(truth), site
    for url, want in truth.items():
        got = stored[url]
        assert {f: got[f] for f in FIELDS} == {f: want[f] for f in FIELDS}, url
        assert got["published_at"].endswith(offset), url


def test_a_joomla_portal_is_probed_and_crawled_by_its_start_listing(tmp_path) -> None:
    site = JoomlaSite(articles=45, seed=6)
    with JoomlaServer(site) as server:
        base, name = server.base_url, f"local-{server.port}"
        first = crawl(tmp_path, "--base-url", base, "--timezone", "WITA")
        assert first.returncode == 0, first.stdout + first.stderr
        assert "K2 markup" in first.stderr
        assert_site_archived(tmp_path, site.truth(base), name, "+08:00")
        added = site.add_articles(10)
        server.reset_log()
        second = crawl(tmp_path, "--base-url", base, "--timezone", "WITA")
        assert second.returncode == 0, second.stdout + second.stderr
        paths = [entry.path for entry in server.requests]
    assert "10 new" in second.stdout
    assert_site_archived(tmp_path, site.truth(base), name, "+08:00")
    # The probe (home page, robots.txt), robots.txt, /sitemap.xml, two listing pages (the
    # listing stops at the first page that adds nothing), the new items, and the archived ones
    # published within --revisit-days (7: the replica's three newest).
    listing = [p for p in paths if p.startswith("/index.php/berita?") or p == "/index.php/berita"]
    assert len(listing) <= 3, listing
    assert len(paths) <= len(added) + 2 + 2 + 3 + 3, "\n".join(paths)


REGISTRY = """
[[site]]
name = "kaltim-replica"
province = "Kalimantan Timur"
base_url = "{kaltim}"
cms = "custom"
listings = ["/berita"]
article_paths = ["/berita/", "/detailberita/"]

[[site]]
name = "jatim-replica"
province = "Jawa Timur"
base_url = "{wordpress}"
cms = "wordpress"

[[site]]
name = "sulbar-replica"
province = "Sulawesi Barat"
base_url = "{joomla}"
cms = "joomla"
listings = ["/index.php/berita"]
article_paths = ["/index.php/berita/item/"]
"""


class DownForMaintenance(Faults):
    """Every article page answers 200 with a maintenance notice: nothing to extract."""

    def after(self, request: Request, response: Response) -> Response:
        if "/item/" in request.path:
            return Response(200, b"<html><body><p>Sedang dalam perbaikan.</p></body></html>")
        return response


@pytest.mark.parametrize("broken", [False, True], ids=["all-ok", "joomla-degraded"])
def test_three_sites_in_one_process_into_one_archive(tmp_path, broken: bool) -> None:
    kaltim, wordpress = ReplicaSite(articles=30, seed=2), WordPressSite(articles=30, seed=2)
    joomla = JoomlaSite(articles=30, seed=2)
    faults = DownForMaintenance() if broken else None
    with (
        ReplicaServer(kaltim) as k,
        WordPressServer(wordpress) as w,
        JoomlaServer(joomla, faults=faults) as j,
    ):
        bases = {"kaltim": k.base_url, "wordpress": w.base_url, "joomla": j.base_url}
        registry = tmp_path / "sites.toml"
        registry.write_text(REGISTRY.format(**bases))
        result = crawl(
            tmp_path,
            *("--sites", str(registry)),
            *("--site", "kaltim-replica", "--site", "jatim-replica", "--site", "sulbar-replica"),
        )
    runs = query(tmp_path, "select site, status, articles_new from crawl_runs order by site")
    assert [r["site"] for r in runs] == ["jatim-replica", "kaltim-replica", "sulbar-replica"]
    assert_site_archived(tmp_path, kaltim.truth(bases["kaltim"]), "kaltim-replica", "+08:00")
    assert_site_archived(tmp_path, wordpress.truth(bases["wordpress"]), "jatim-replica", "+07:00")
    if not broken:
        assert result.returncode == 0, result.stdout + result.stderr
        assert_site_archived(tmp_path, joomla.truth(bases["joomla"]), "sulbar-replica", "+08:00")
        assert {r["status"] for r in runs} == {"ok"}
        # One index of the shared WARC files, written once by the last crawl to stop: every
        # site's captures are in it.
        index = (tmp_path / "warc" / "index.cdxj").read_text()
        captures = query(tmp_path, "select count(*) as n from captures")[0]["n"]
        assert len(index.splitlines()) >= captures
        for name in ("kaltim", "wordpress", "joomla"):
            port = bases[name].rsplit(":", 1)[1]
            assert f"1,0,0,127:{port})" in index, name  # SURT keys
        assert_reparse_reads_each_site_as_crawled(tmp_path, joomla.truth(bases["joomla"]))
        return
    # The broken site is named, the run exits 3, the other sites' articles are stored.
    assert result.returncode == 3, result.stdout + result.stderr
    assert [r["status"] for r in runs] == ["ok", "ok", "degraded"]
    assert "sulbar-replica: run" in result.stdout and "sulbar-replica: degraded:" in result.stdout
    assert "kaltim-replica: run" in result.stdout
    # Sorting the whole archive by instant works across the zones.
    rows = query(
        tmp_path,
        "select published_at, published_at_utc from articles where published_at is not null"
        " order by published_at_utc",
    )
    assert rows and all(r["published_at_utc"].endswith("Z") for r in rows)
    assert [r["published_at_utc"] for r in rows] == sorted(r["published_at_utc"] for r in rows)


def assert_reparse_reads_each_site_as_crawled(tmp: Path, joomla_truth: dict[str, dict]) -> None:
    """Reparse rebuilds each site from the archive's `sites` row (zone, article paths): a
    Joomla site in WITA, a Kaltim one and a WordPress one read through its API (the archived
    API answers read back) come back unchanged."""
    for name in ("sulbar-replica", "kaltim-replica", "jatim-replica"):
        result = reparse(tmp, "--site", name)
        assert result.returncode == 0, result.stdout + result.stderr
        assert " 0 changed" in result.stdout or "0 changed" in result.stdout, result.stdout
    assert_site_archived(tmp, joomla_truth, "sulbar-replica", "+08:00")
    unknown = reparse(tmp, "--site", "atlantis")
    assert unknown.returncode == 1 and "no site called 'atlantis'" in unknown.stderr
