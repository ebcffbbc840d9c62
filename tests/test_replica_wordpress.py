"""The WordPress replica: its REST API, feed, sitemaps and theme pages, and its truth."""

from __future__ import annotations

import http.client
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.message import Message
from html import unescape
from urllib.parse import urlsplit

import feedparser
import pytest
from click.testing import CliRunner
from parsel import Selector

from humas_crawler.cli import main
from humas_crawler.normalize.zones import WIB, WITA
from humas_crawler.replica.faults import FaultPlan
from humas_crawler.replica.server import Faults, Request, Response
from humas_crawler.replica.wordpress import (
    AUTHORS,
    CATEGORIES,
    WordPressSite,
    texturize,
    wp_slug,
)
from humas_crawler.replica.wp_server import WordPressServer, wordpress_faults
from tests.helpers.fetching import fetch

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=WIB.tzinfo)
RECORD_FIELDS = {
    "url",
    "slug",
    "title",
    "published_at",
    "published_precision",
    "category",
    "body_text",
    "photo_caption",
    "modified_at",
}


def local_path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


@pytest.fixture(scope="module")
def site() -> WordPressSite:
    return WordPressSite(45, seed=3, now=NOW, sitemap_size=20)


@pytest.fixture(scope="module")
def server(site: WordPressSite) -> Iterator[WordPressServer]:
    with WordPressServer(site) as running:
        yield running


@pytest.fixture
def fresh() -> Iterator[WordPressServer]:
    """A small site of its own, for tests that change it."""
    with WordPressServer(WordPressSite(14, seed=5, now=NOW, per_page=5)) as running:
        yield running


# ----- robots, head, discovery -----------------------------------------------------------------


def test_robots_txt(server: WordPressServer) -> None:
    got = fetch(server, "/robots.txt")
    assert got.status == 200
    assert got.text == (
        "User-agent: *\nDisallow: /wp-admin/\nAllow: /wp-admin/admin-ajax.php\n\n"
        f"Sitemap: {server.base_url}/wp-sitemap.xml\n"
    )


def test_every_page_head_announces_wordpress_its_feed_and_api(
    server: WordPressServer, site: WordPressSite
) -> None:
    base = server.base_url
    post = site.newest_first()[7]
    for path in ("/", "/page/2/", "/category/pemerintahan/", post.path, "/nowhere/"):
        got = fetch(server, path)
        head = got.page().css("head")
        assert head.css('meta[name="generator"]::attr(content)').get() == "WordPress 6.4.3"
        assert head.css('link[rel="https://api.w.org/"]::attr(href)').get() == f"{base}/wp-json/"
        feed = head.css('link[type="application/rss+xml"]')[0]
        assert (feed.attrib["href"], feed.attrib["title"]) == (
            f"{base}/feed/",
            "Jatim Newsroom » Feed",
        )
        assert got.headers["Link"] == f'<{base}/wp-json/>; rel="https://api.w.org/"'
    head = fetch(server, post.path).page().css("head")
    json_link = head.css('link[rel="alternate"][type="application/json"]::attr(href)').get()
    assert json_link == f"{base}/wp-json/wp/v2/posts/{post.id}"
    assert head.css('link[rel="canonical"]::attr(href)').get() == base + post.path


def test_api_switched_off(site: WordPressSite) -> None:
    off = WordPressSite(12, seed=3, now=NOW, api=False)
    with WordPressServer(off) as running:
        for path in ("/wp-json/", "/wp-json", "/wp-json/wp/v2/posts", "/?rest_route=/wp/v2/posts"):
            got = fetch(running, path)
            assert got.status == 404, path
            assert got.headers["Content-Type"] == "text/html; charset=UTF-8"
            assert "error404" in got.text
        for path in ("/", off.newest_first()[0].path, "/category/pemerintahan/"):
            got = fetch(running, path)
            assert got.status == 200
            assert "api.w.org" not in got.text and "application/json" not in got.text
            assert got.headers["Link"] is None
        assert fetch(running, "/feed/").status == 200
        assert fetch(running, "/wp-sitemap.xml").status == 200


def test_unknown_paths_are_themed_404s(server: WordPressServer) -> None:
    for path in ("/nowhere/", "/2020/01/01/no-such-post/", "/category/nope/", "/wp-admin/"):
        got = fetch(server, path)
        assert got.status == 404, path
        page = got.page()
        assert page.css("body.error404")
        assert page.css("#recent-posts-2 a")  # the theme's sidebar, as WordPress's 404 has


# ----- the REST API ----------------------------------------------------------------------------


def test_index_describes_the_site(server: WordPressServer) -> None:
    got = fetch(server, "/wp-json/")
    assert got.status == 200
    assert got.headers["Content-Type"] == "application/json; charset=UTF-8"
    index = got.json()
    assert index["name"] == "Jatim Newsroom"
    assert (index["url"], index["home"]) == (server.base_url, server.base_url)
    assert (index["gmt_offset"], index["timezone_string"]) == (7, "Asia/Jakarta")
    assert index["namespaces"] == ["oembed/1.0", "wp/v2"]
    assert "/wp/v2/posts" in index["routes"]
    assert b"\\/" in got.body  # PHP's json_encode escapes slashes
    assert fetch(server, "/wp-json").json() == index


def test_posts_paging_headers_and_the_page_past_the_end(
    server: WordPressServer, site: WordPressSite
) -> None:
    base = server.base_url
    first = fetch(server, "/wp-json/wp/v2/posts")
    assert first.status == 200
    assert (first.headers["X-WP-Total"], first.headers["X-WP-TotalPages"]) == ("45", "5")
    assert [p["id"] for p in first.json()] == [p.id for p in site.newest_first()[:10]]
    assert first.headers.get_all("Link")[0] == (f'<{base}/wp-json/wp/v2/posts?page=2>; rel="next"')
    middle = fetch(server, "/wp-json/wp/v2/posts?page=3&per_page=10")
    assert middle.headers.get_all("Link")[0] == (
        f'<{base}/wp-json/wp/v2/posts?page=2&per_page=10>; rel="prev", '
        f'<{base}/wp-json/wp/v2/posts?page=4&per_page=10>; rel="next"'
    )
    last = fetch(server, "/wp-json/wp/v2/posts?page=5")
    assert len(last.json()) == 5
    assert 'rel="next"' not in ", ".join(last.headers.get_all("Link"))
    ids = []
    for page in range(1, 6):
        ids += [p["id"] for p in fetch(server, f"/wp-json/wp/v2/posts?page={page}").json()]
    assert sorted(ids) == sorted(p.id for p in site.posts)
    past = fetch(server, "/wp-json/wp/v2/posts?page=6")
    assert past.status == 400
    assert past.json() == {
        "code": "rest_post_invalid_page_number",
        "message": "The page number requested is larger than the number of pages available.",
        "data": {"status": 400},
    }


def test_per_page_is_capped_at_100(server: WordPressServer) -> None:
    got = fetch(server, "/wp-json/wp/v2/posts?per_page=100")
    assert (got.status, len(got.json()), got.headers["X-WP-TotalPages"]) == (200, 45, "1")
    for bad in ("101", "0", "ten"):
        got = fetch(server, f"/wp-json/wp/v2/posts?per_page={bad}")
        assert got.status == 400
        error = got.json()
        assert error["code"] == "rest_invalid_param"
        assert error["message"] == "Invalid parameter(s): per_page"
        assert list(error["data"]["params"]) == ["per_page"]
    message = fetch(server, "/wp-json/wp/v2/posts?per_page=101").json()["data"]["params"]
    assert message == {"per_page": "per_page must be between 1 (inclusive) and 100 (inclusive)"}
    assert fetch(server, "/wp-json/wp/v2/posts?page=0").status == 400
    assert fetch(server, "/wp-json/wp/v2/posts?order=up").json()["data"]["params"] == {
        "order": "order is not one of desc and asc."
    }
    assert fetch(server, "/wp-json/wp/v2/posts?orderby=colour").status == 400


def test_modified_after_and_after_are_strict(server: WordPressServer, site: WordPressSite) -> None:
    posts = sorted(site.posts, key=lambda p: p.modified)
    bound = posts[30].modified
    expected = {p.id for p in posts if p.modified > bound}
    assert 0 < len(expected) < 15
    forms = (
        bound.replace(tzinfo=None).isoformat(),  # naive: the site's clock
        bound.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        bound.isoformat().replace("+", "%2B"),
    )
    for form in forms:
        got = fetch(server, f"/wp-json/wp/v2/posts?modified_after={form}&per_page=100")
        assert got.status == 200, form
        assert {p["id"] for p in got.json()} == expected, form
        assert got.headers["X-WP-Total"] == str(len(expected))
    published = sorted(p.published for p in site.posts)[40]
    got = fetch(server, f"/wp-json/wp/v2/posts?after={published.replace(tzinfo=None).isoformat()}")
    assert {p["id"] for p in got.json()} == {p.id for p in site.posts if p.published > published}
    bad = fetch(server, "/wp-json/wp/v2/posts?modified_after=2024-01-01")
    assert (bad.status, bad.json()["data"]["params"]) == (400, {"modified_after": "Invalid date."})


def test_orderby_modified_and_id(server: WordPressServer, site: WordPressSite) -> None:
    got = fetch(server, "/wp-json/wp/v2/posts?orderby=modified&order=asc&per_page=100")
    modified = [p["modified_gmt"] for p in got.json()]
    assert modified == sorted(modified) and len(modified) == 45
    got = fetch(server, "/wp-json/wp/v2/posts?orderby=id&per_page=100")
    assert [p["id"] for p in got.json()] == sorted((p.id for p in site.posts), reverse=True)


def test_fields_picks_a_subset(server: WordPressServer) -> None:
    got = fetch(server, "/wp-json/wp/v2/posts?_fields=id,link,title.rendered,modified_gmt")
    for post in got.json():
        assert list(post) == ["id", "modified_gmt", "link", "title"]
        assert list(post["title"]) == ["rendered"]
    assert got.headers["X-WP-Total"] == "45"


def test_single_post_matches_the_truth(server: WordPressServer, site: WordPressSite) -> None:
    base = server.base_url
    truth = site.truth(base)
    for post in site.posts[::4]:
        got = fetch(server, f"/wp-json/wp/v2/posts/{post.id}")
        assert got.status == 200
        item = got.json()
        record = truth[item["link"]]
        assert item["slug"] == record["slug"] == post.slug
        assert (item["status"], item["type"], item["tags"]) == ("publish", "post", [])
        assert item["guid"] == {"rendered": f"{base}/?p={post.id}"}
        assert unescape(item["title"]["rendered"]) == record["title"]
        local = datetime.fromisoformat(item["date"])
        assert local.tzinfo is None
        assert local.replace(tzinfo=WIB.tzinfo).isoformat() == record["published_at"]
        assert datetime.fromisoformat(item["date_gmt"]) == local - timedelta(hours=7)
        modified = datetime.fromisoformat(item["modified"]).replace(tzinfo=WIB.tzinfo)
        assert modified.isoformat() == record["modified_at"]
        assert item["categories"][0] == post.categories[0]
        assert site.category(item["categories"][0]).name == record["category"]
        assert item["content"]["protected"] is False and item["excerpt"]["protected"] is False
        assert item["featured_media"] == post.featured_media
    missing = fetch(server, "/wp-json/wp/v2/posts/999999")
    assert missing.status == 404
    assert missing.json() == {
        "code": "rest_post_invalid_id",
        "message": "Invalid post ID.",
        "data": {"status": 404},
    }
    no_route = fetch(server, "/wp-json/wp/v2/widgets")
    assert (no_route.status, no_route.json()["code"]) == (404, "rest_no_route")


def test_rest_route_query_form(server: WordPressServer) -> None:
    plain = fetch(server, "/wp-json/wp/v2/posts?per_page=3&page=2")
    query = fetch(server, "/?rest_route=/wp/v2/posts&per_page=3&page=2")
    assert query.status == 200 and query.json() == plain.json()


def test_categories_endpoint(server: WordPressServer, site: WordPressSite) -> None:
    got = fetch(server, "/wp-json/wp/v2/categories")
    assert got.status == 200
    assert (got.headers["X-WP-Total"], got.headers["X-WP-TotalPages"]) == ("9", "1")
    items = got.json()
    names = [c["name"] for c in items]
    assert names == sorted(names, key=str.lower)  # by name, like WordPress
    assert "Ekonomi &amp; Pembangunan" in names
    for item in items:
        category = site.category(item["id"])
        assert item["taxonomy"] == "category" and item["parent"] == 0
        assert unescape(item["name"]) == category.name
        assert item["link"] == f"{server.base_url}/category/{category.slug}/"
        assert item["count"] == sum(category.id in p.categories for p in site.posts)
    paged = fetch(server, "/wp-json/wp/v2/categories?per_page=4&page=2&_fields=id,slug")
    assert paged.headers["X-WP-TotalPages"] == "3"
    assert all(list(c) == ["id", "slug"] for c in paged.json())
    assert 'rel="prev"' in paged.headers.get_all("Link")[0]
    empty = fetch(server, "/wp-json/wp/v2/categories?hide_empty=true").json()
    assert "tak-berkategori" not in [c["slug"] for c in empty]
    post = next(p for p in site.posts if p.categories[0] == 7)
    of_post = fetch(server, f"/wp-json/wp/v2/categories?post={post.id}").json()
    assert {c["id"] for c in of_post} == set(post.categories)
    one = fetch(server, "/wp-json/wp/v2/categories/7").json()
    assert (one["slug"], one["name"]) == ("ekonomi-pembangunan", "Ekonomi &amp; Pembangunan")
    assert fetch(server, "/wp-json/wp/v2/categories/2").status == 404
    by_category = fetch(server, "/wp-json/wp/v2/posts?categories=7&per_page=100").json()
    assert {p["id"] for p in by_category} == {p.id for p in site.posts if 7 in p.categories}


def test_content_keeps_captions_and_shortcodes_out_of_the_truth() -> None:
    site = WordPressSite(160, seed=11, now=NOW)
    truth = site.truth("http://x")
    captioned = [p for p in site.posts if p.raw_caption]
    shortcoded = [p for p in site.posts if p.shortcode]
    assert len(captioned) > 20 and len(shortcoded) > 3
    with WordPressServer(site) as running:
        for post in captioned[:6] + shortcoded[:6]:
            record = truth["http://x" + post.path]
            item = fetch(running, f"/wp-json/wp/v2/posts/{post.id}").json()
            content = Selector(text=item["content"]["rendered"])
            if post.raw_caption:
                caption = content.css("figure figcaption::text").get()
                assert unescape(caption) == record["photo_caption"]
                assert content.css("figure.wp-caption, figure.wp-block-image")
                assert record["photo_caption"] not in record["body_text"]
            if post.shortcode:
                assert "[" in item["content"]["rendered"]
            paragraphs = content.css("p")
            body = [
                "".join(p.css("::text").getall())
                for p in paragraphs
                if not p.css("::text").get("").startswith("[")
            ]
            assert "\n\n".join(unescape(" ".join(t.split())) for t in body) == (record["body_text"])
    for record in truth.values():
        assert "[" not in record["body_text"]
        assert (
            record["photo_caption"] is None or record["photo_caption"] not in (record["body_text"])
        )


# ----- feed and sitemaps -----------------------------------------------------------------------


def test_feed_is_rss_of_the_newest_ten(server: WordPressServer, site: WordPressSite) -> None:
    got = fetch(server, "/feed/")
    assert got.status == 200
    assert got.headers["Content-Type"] == "application/rss+xml; charset=UTF-8"
    assert "<generator>https://wordpress.org/?v=6.4.3</generator>" in got.text
    parsed = feedparser.parse(got.body)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "rss20"
    truth = site.truth(server.base_url)
    newest = site.newest_first()[:10]
    assert len(parsed.entries) == 10
    for entry, post in zip(parsed.entries, newest, strict=True):
        record = truth[entry.link]
        assert entry.link == server.base_url + post.path
        assert entry.title == record["title"]
        assert entry.id == f"{server.base_url}/?p={post.id}"
        assert entry.guidislink is False
        assert datetime(*entry.published_parsed[:6], tzinfo=UTC) == post.published
        assert entry.tags[0].term == record["category"]
        assert entry.author == AUTHORS[post.author]
        assert "<p>" in entry.content[0].value
    assert re.search(
        r"<pubDate>\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} \+0000</pubDate>", got.text
    )
    assert fetch(server, "/feed").status == 301
    category_feed = feedparser.parse(fetch(server, "/category/pemerintahan/feed/").body)
    assert {e.link for e in category_feed.entries} <= {
        server.base_url + p.path for p in site.in_category(3)
    }


def test_sitemaps_list_every_post(server: WordPressServer, site: WordPressSite) -> None:
    base = server.base_url
    index = Selector(text=fetch(server, "/wp-sitemap.xml").text, type="xml")
    index.remove_namespaces()
    locs = index.css("sitemap > loc::text").getall()
    assert locs == [
        f"{base}/wp-sitemap-posts-post-1.xml",
        f"{base}/wp-sitemap-posts-post-2.xml",
        f"{base}/wp-sitemap-posts-post-3.xml",  # 45 posts, 20 a sitemap here (2,000 by default)
        f"{base}/wp-sitemap-taxonomies-category-1.xml",
    ]
    listed: dict[str, str] = {}
    for loc in locs[:3]:
        got = fetch(server, local_path(loc))
        assert (got.status, got.headers["Content-Type"]) == (200, "application/xml; charset=UTF-8")
        urlset = Selector(text=got.text, type="xml")
        urlset.remove_namespaces()
        for url in urlset.css("url"):
            listed[url.css("loc::text").get()] = url.css("lastmod::text").get()
    assert len(listed) == 45
    for post in site.posts:
        lastmod = datetime.fromisoformat(listed[base + post.path])
        assert lastmod.utcoffset() == timedelta(0) and lastmod == post.modified
    assert fetch(server, "/wp-sitemap-posts-post-4.xml").status == 404
    categories = fetch(server, "/wp-sitemap-taxonomies-category-1.xml").text
    assert f"<loc>{base}/category/pemerintahan/</loc>" in categories
    assert "tak-berkategori" not in categories
    moved = fetch(server, "/sitemap.xml")
    assert (moved.status, moved.headers["Location"]) == (301, f"{base}/wp-sitemap.xml")
    assert WordPressSite(5, now=NOW).sitemap_size == 2000


# ----- theme pages -----------------------------------------------------------------------------


def test_permalinks_serve_the_post(server: WordPressServer, site: WordPressSite) -> None:
    base = server.base_url
    truth = site.truth(base)
    for post in site.posts[::3]:
        record = truth[base + post.path]
        got = fetch(server, post.path)
        assert got.status == 200
        page = got.page()
        article = page.css(f"article.post-{post.id}.post.type-post")
        assert article
        assert unescape("".join(article.css("h1.entry-title::text").getall())) == record["title"]
        published = article.css("time.entry-date.published::attr(datetime)").get()
        assert published == record["published_at"] and published.endswith("+07:00")
        assert article.css("time.updated::attr(datetime)").get() == record["modified_at"]
        cat_link = article.css('.cat-links a[rel="category tag"]')[0]
        assert unescape(cat_link.css("::text").get()) == record["category"]
        assert cat_link.attrib["href"] == f"{base}{site.category(post.categories[0]).path}"
        paragraphs = article.css(".entry-content > p")
        assert len(paragraphs) == len(post.paragraphs) + (post.shortcode is not None)
        assert page.css("#recent-posts-2 h2::text").get() == "Berita Terbaru"
        assert page.css("#primary-menu a[href$='/category/ekonomi-pembangunan/']")


def test_permalinks_without_slash_or_under_a_wrong_date_redirect(
    server: WordPressServer, site: WordPressSite
) -> None:
    base = server.base_url
    post = site.newest_first()[4]
    moved = fetch(server, post.path.rstrip("/"))
    assert (moved.status, moved.headers["Location"]) == (301, base + post.path)
    assert moved.headers["X-Redirect-By"] == "WordPress"
    tracked = fetch(server, post.path.rstrip("/") + "?utm_source=x")
    assert tracked.headers["Location"] == base + post.path + "?utm_source=x"
    wrong = fetch(server, f"/1999/01/01/{post.slug}/")
    assert (wrong.status, wrong.headers["Location"]) == (301, base + post.path)
    by_id = fetch(server, f"/?p={post.id}")
    assert (by_id.status, by_id.headers["Location"]) == (301, base + post.path)
    assert fetch(server, "/?p=999999").status == 404
    assert fetch(server, post.path, method="HEAD").status == 200


def test_home_lists_ten_newest_and_paginates(server: WordPressServer, site: WordPressSite) -> None:
    base = server.base_url
    seen = []
    path = "/"
    for number in range(1, 6):
        page = fetch(server, path).page()
        links = page.css("main article h2.entry-title a::attr(href)").getall()
        assert links == [base + p.path for p in site.listing(number)]
        seen += links
        following = page.css(".nav-links a.next::attr(href)").get()
        assert page.css('link[rel="next"]::attr(href)').get() == following
        if number < 5:
            assert following == f"{base}/page/{number + 1}/"
            path = local_path(following)
        else:
            assert following is None
    assert seen == [base + p.path for p in site.newest_first()]
    assert fetch(server, "/page/6/").status == 404
    assert fetch(server, "/page/2").headers["Location"] == f"{base}/page/2/"
    assert fetch(server, "/page/1/").headers["Location"] == f"{base}/"


def test_category_archives_page_and_end_in_404(
    server: WordPressServer, site: WordPressSite
) -> None:
    base = server.base_url
    for category in site.categories:
        expected = [base + p.path for p in site.in_category(category.id)]
        pages = site.page_count(category.id)
        seen = []
        for number in range(1, pages + 1):
            path = category.path + (f"page/{number}/" if number > 1 else "")
            got = fetch(server, path)
            assert got.status == 200, path
            seen += got.page().css("main article h2 a::attr(href)").getall()
        assert seen == expected
        assert fetch(server, f"{category.path}page/{pages + 1}/").status == 404
    assert fetch(server, "/category/pemerintahan").status == 301
    assert fetch(server, "/category/pemerintahan/page/1/").status == 301


def test_titles_are_entity_encoded_and_decode_to_the_truth() -> None:
    site = WordPressSite(200, seed=7, now=NOW)
    titles = [texturize(p.raw_title) for p in site.posts]
    share = sum("&#" in t for t in titles) / len(titles)
    assert share > 0.4
    for entity in ("&#8220;", "&#8221;", "&#8211;", "&#8217;", "&#038;", "&#8216;"):
        assert any(entity in t for t in titles), entity
    for post, html_title in zip(site.posts, titles, strict=True):
        assert unescape(html_title) == post.title
        assert '"' not in html_title and "'" not in html_title
    assert texturize('Gubernur: "Jatim Cettar" & Ma\'ruf - Hari Ini...') == (
        "Gubernur: &#8220;Jatim Cettar&#8221; &#038; Ma&#8217;ruf &#8211; Hari Ini&#8230;"
    )
    assert texturize("[envira-gallery id=\"12\"] [x id='3']") == (
        "[envira-gallery id=&#8221;12&#8243;] [x id=&#8217;3&#8242;]"
    )
    assert wp_slug("Pemprov & DPRD Gelar Salat Jum'at - “Jatim Cettar”") == (
        "pemprov-dprd-gelar-salat-jumat-jatim-cettar"
    )


def test_served_pages_fit_windows_1252() -> None:
    """Charset faults re-encode pages as windows-1252: every character must exist there."""
    site = WordPressSite(60, seed=2, now=NOW)
    with WordPressServer(site) as running:
        for post in site.posts:
            fetch(running, post.path).body.decode("utf-8").encode("cp1252")


# ----- the generated site ----------------------------------------------------------------------


def test_truth_records(site: WordPressSite) -> None:
    truth = site.truth("http://127.0.0.1:9/")
    assert len(truth) == len(site) == 45
    names = {c.name for c in CATEGORIES}
    for url, record in truth.items():
        assert set(record) == RECORD_FIELDS
        assert url == record["url"] and url.endswith(f"/{record['slug']}/")
        assert url.startswith("http://127.0.0.1:9/20")
        assert record["published_at"].endswith("+07:00")
        assert record["modified_at"] >= record["published_at"]
        assert record["published_precision"] == "second"
        assert record["category"] in names
        assert record["title"] == " ".join(record["title"].split())
        assert record["body_text"].count("\n\n") >= 3


def test_generation_is_deterministic_and_spans_years_and_categories() -> None:
    first = WordPressSite(300, seed=4, now=NOW)
    again = WordPressSite(300, seed=4, now=NOW)
    assert first.truth("http://x") == again.truth("http://x")
    assert first.posts == again.posts
    assert WordPressSite(300, seed=5, now=NOW).truth("http://x") != first.truth("http://x")
    years = {p.published.year for p in first.posts}
    assert min(years) <= 2014 and max(years) == 2026
    assert all(p.published.utcoffset() == timedelta(hours=7) for p in first.posts)
    primary = {p.categories[0] for p in first.posts}
    assert 6 <= len(primary) <= 10
    assert sum(len(p.categories) == 2 for p in first.posts) >= 5
    assert len({p.slug for p in first.posts}) == 300
    assert first.posts == sorted(first.posts, key=lambda p: (p.published, p.id))
    assert first.newest_first()[0].published < NOW
    leads = [p.paragraphs[0] for p in first.posts]
    dated = [lead for lead in leads if re.match(r"[A-Z][a-z ]+ \(\w+, \d+/\d+/\d{4}\) - ", lead)]
    assert len(dated) > 0.8 * len(leads)
    assert not any("Kaltim" in p.body_text for p in first.posts)


def test_other_zones() -> None:
    site = WordPressSite(10, seed=1, now=NOW, timezone="WITA")
    assert all(p.published.utcoffset() == timedelta(hours=8) for p in site.posts)
    with WordPressServer(site) as running:
        assert fetch(running, "/wp-json/").json()["gmt_offset"] == 8
        item = fetch(running, "/wp-json/wp/v2/posts?per_page=1").json()[0]
        local, gmt = datetime.fromisoformat(item["date"]), datetime.fromisoformat(item["date_gmt"])
        assert local - gmt == timedelta(hours=8)
    assert site.truth("http://x").popitem()[1]["published_at"].endswith("+08:00")
    assert WITA.label == "WITA"


# ----- changes ---------------------------------------------------------------------------------


def test_added_posts_top_every_list(fresh: WordPressServer) -> None:
    site = fresh.site
    before = fetch(fresh, "/wp-json/wp/v2/posts").headers["X-WP-Total"]
    fetch(fresh, "/")  # cached at this revision
    revision = site.revision
    added = site.add_articles(2)
    assert site.revision > revision
    assert all(a.published > p.published for a in added for p in site.posts if p not in added)
    assert site.newest_first()[:2] == added[::-1]
    assert int(fetch(fresh, "/wp-json/wp/v2/posts").headers["X-WP-Total"]) == int(before) + 2
    home = fetch(fresh, "/").text
    assert all(fresh.base_url + a.path in home for a in added)
    feed = feedparser.parse(fetch(fresh, "/feed/").body)
    assert feed.entries[0].link == fresh.base_url + added[-1].path
    assert fetch(fresh, added[0].path).status == 200
    assert added[0].id > max(p.id for p in site.posts if p not in added)


def test_edits_move_modified_and_show(fresh: WordPressServer) -> None:
    site = fresh.site
    post = site.newest_first()[3]
    fetch(fresh, post.path)
    since = max(p.modified for p in site.posts)
    edited = site.edit_article(
        post.slug,
        title='Judul Baru: "Revisi" & Ralat',
        paragraphs=["Paragraf baru - satu.", "Dua."],
    )
    assert edited.modified > post.modified and edited.modified > since - timedelta(seconds=1)
    assert edited.slug == post.slug and edited.published == post.published
    got = fetch(fresh, post.path).page()
    assert unescape(got.css("h1.entry-title::text").get()) == "Judul Baru: “Revisi” & Ralat"
    record = site.truth(fresh.base_url)[fresh.base_url + post.path]
    assert record["body_text"] == "Paragraf baru – satu.\n\nDua."
    assert record["modified_at"] == edited.modified.isoformat()
    bound = since.replace(tzinfo=None).isoformat()
    changed = fetch(fresh, f"/wp-json/wp/v2/posts?modified_after={bound}").json()
    assert [p["id"] for p in changed] == [post.id]
    assert changed[0]["title"]["rendered"] == "Judul Baru: &#8220;Revisi&#8221; &#038; Ralat"
    again = site.edit_article(post.slug, title="Lagi")
    assert again.modified > edited.modified


def test_taken_down_posts_answer_404(fresh: WordPressServer) -> None:
    site = fresh.site
    post = site.newest_first()[1]
    assert fetch(fresh, post.path).status == 200
    assert fetch(fresh, f"/wp-json/wp/v2/posts/{post.id}").status == 200
    site.take_down(post.slug)
    assert site.taken_down(post.slug)
    assert fetch(fresh, post.path).status == 404
    assert fetch(fresh, f"/wp-json/wp/v2/posts/{post.id}").status == 404
    listed = fetch(fresh, "/wp-json/wp/v2/posts?per_page=100").json()
    assert post.id not in {p["id"] for p in listed}
    assert fresh.base_url + post.path not in fetch(fresh, "/").text
    assert fresh.base_url + post.path not in site.truth(fresh.base_url)
    site.restore(post.slug)
    assert fetch(fresh, post.path).status == 200


# ----- the fault hook, the request log ---------------------------------------------------------


def test_a_faults_subclass_answers_instead_of_the_site(fresh: WordPressServer) -> None:
    class Busy(Faults):
        def before(self, request: Request) -> Response | None:
            if request.path.startswith("/wp-json/wp/v2/posts?"):
                return Response(503, b"sibuk", "text/plain", (("Retry-After", "1"),))
            return None

    fresh.faults = Busy()
    try:
        got = fetch(fresh, "/wp-json/wp/v2/posts?page=2")
        assert (got.status, got.headers["Retry-After"], got.body) == (503, "1", b"sibuk")
        assert fetch(fresh, "/wp-json/wp/v2/posts").status == 200
    finally:
        fresh.faults = Faults()
    assert fresh.count("/wp-json/") == 2
    assert [r.status for r in fresh.requests] == [503, 200]


def test_fault_injector_picks_permalinks() -> None:
    site = WordPressSite(20, seed=1, now=NOW)
    plan = FaultPlan(paths={"persistent": 2, "garbled": 1}, persistent_attempts=2)
    injector = wordpress_faults(plan, site)
    with WordPressServer(site, faults=injector) as running:
        persistent = injector.paths["persistent"]
        assert all(site.by_slug(p.rsplit("/", 1)[1]) for p in persistent)
        path = persistent[0] + "/"  # as pages link it
        assert [fetch(running, path).status for _ in range(3)] == [500, 500, 200]
        garbled = fetch(running, injector.paths["garbled"][0] + "/")
        assert garbled.status == 200 and not garbled.body.rstrip().endswith(b"</html>")
        assert fetch(running, "/robots.txt").body.startswith(
            b"User-agent: *\nDisallow: /__faults__\n"
        )
        assert injector.counts() == {"persistent": 2, "garbled": 1}


def test_cache_serves_the_same_bytes_until_the_site_changes(fresh: WordPressServer) -> None:
    request = Request("GET", "/wp-json/wp/v2/posts?per_page=3", Message())
    first = fresh.respond(request)
    assert fresh.respond(request) is first
    fresh.site.add_articles(1)
    assert fresh.respond(request) is not first


# ----- the command -----------------------------------------------------------------------------


def test_replica_command_dispatches_on_cms(monkeypatch) -> None:
    calls: list[tuple[str, dict]] = []
    monkeypatch.setattr(
        "humas_crawler.replica.wp_server.serve_wordpress",
        lambda *a, **kw: calls.append(("wordpress", {"args": a, **kw})),
    )
    monkeypatch.setattr(
        "humas_crawler.replica.serve.serve_forever",
        lambda *a, **kw: calls.append(("kaltim", {"args": a, **kw})),
    )
    runner = CliRunner()
    args = ["replica", "--cms", "wordpress", "--port", "0", "--articles", "40", "--no-wp-api"]
    args += ["--fault-503", "0.1", "--fault-garbled", "2", "--disallow", "/category/kesehatan/"]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    kind, call = calls[-1]
    assert kind == "wordpress" and call["args"] == (0, 40)
    assert call["api"] is False and call["seed"] == 0
    assert call["disallow"] == ("/category/kesehatan/",)
    assert call["faults"].rates == {"503": 0.1} and call["faults"].paths == {"garbled": 2}
    assert runner.invoke(main, ["replica", "--cms", "wordpress"]).exit_code == 0
    assert calls[-1][1]["api"] is True and calls[-1][1]["faults"] is None
    assert runner.invoke(main, ["replica", "--articles", "9"]).exit_code == 0
    assert calls[-1][0] == "kaltim" and "api" not in calls[-1][1]
    refused = runner.invoke(main, ["replica", "--cms", "wordpress", "--sitemap"])
    assert refused.exit_code == 2 and "--cms kaltim" in refused.output
    assert runner.invoke(main, ["replica", "--cms", "drupal"]).exit_code == 2
    assert "--cms [kaltim|wordpress|joomla]" in runner.invoke(main, ["replica", "--help"]).output


@pytest.mark.slow
def test_replica_command_serves_wordpress_until_ctrl_c() -> None:
    command = [sys.executable, "-m", "humas_crawler", "replica", "--cms", "wordpress"]
    command += ["--port", "0", "--articles", "9", "--fault-500", "1"]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        match = re.fullmatch(
            r"replica of a WordPress newsroom with 9 posts at http://127\.0\.0\.1:(\d+)/\n", line
        )
        assert match, line
        assert proc.stdout.readline().startswith("faults: 500 1, seed 0; ledger at ")
        conn = http.client.HTTPConnection("127.0.0.1", int(match[1]), timeout=10)
        for expected in (500, 200):
            conn.request("GET", "/wp-json/wp/v2/posts")
            response = conn.getresponse()
            response.read()
            assert response.status == expected
        conn.close()
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=10)
        assert proc.returncode == 0
        assert out == "faults injected: 500 1\n"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@pytest.mark.slow
def test_ten_thousand_posts_build() -> None:
    # No timed assertion (a shared machine makes those fail for nothing): bench/multisite.py
    # builds its newsrooms in the same run it measures.
    site = WordPressSite(10_000, seed=0, now=NOW)
    assert len(site) == 10_000
