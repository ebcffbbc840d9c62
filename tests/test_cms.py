"""Which CMS a page comes from (extract/cms.py): WordPress, Joomla or the site's own."""

from __future__ import annotations

import pytest

from humas_crawler.extract.cms import article_prefix, detect_cms, guess_article_paths
from humas_crawler.extract.fixtures import discover
from tests.helpers.paths import FIXTURES

URL = "https://dinas.example.go.id/"

WORDPRESS_HOME = """<!doctype html>
<html lang="id"><head>
<meta charset="utf-8">
<title>Dinas Contoh &#8211; Provinsi Contoh</title>
<meta name="generator" content="WordPress 6.4.3">
<link rel="https://api.w.org/" href="https://dinas.example.go.id/wp-json/">
<link rel="alternate" type="application/rss+xml" title="Feed" href="https://dinas.example.go.id/feed/">
<link rel="alternate" type="application/rss+xml" title="Komentar"
      href="https://dinas.example.go.id/comments/feed/">
<link rel="stylesheet" href="https://dinas.example.go.id/wp-content/themes/contoh/style.css">
</head><body class="home blog">
<nav><a href="/category/berita/">Berita</a> <a href="/category/pengumuman/">Pengumuman</a></nav>
<article><a href="/2024/05/17/gubernur-buka-pameran-pembangunan/">Pameran</a></article>
<article><a href="/2024/05/16/rapat-koordinasi-bidang-ekonomi/">Rapat koordinasi</a>
  <a href="/category/berita/">Berita</a></article>
<a class="next page-numbers" href="/page/2/">Berikutnya</a>
</body></html>"""

# WordPress with the generator removed and no wp-content path: only the API link tells.
WORDPRESS_API_LINK_ONLY = """<html><head><title>Portal</title>
<link rel='https://api.w.org/' href='/wp-json/' />
</head><body><a href="/berita/satu-dua-tiga">x</a></body></html>"""

PLAIN = """<html><head><title>Portal</title></head>
<body><a href="/berita/satu-dua-tiga">x</a></body></html>"""

JOOMLA_K2_HOME = """<!DOCTYPE html>
<html><head>
<meta name="generator" content="Joomla! - Open Source Content Management">
<title>Berita Contoh</title>
<link href="/index.php/agenda?format=feed&amp;type=rss" rel="alternate" type="application/rss+xml">
<script src="/media/jui/js/jquery.min.js"></script>
<link href="/components/com_k2/css/k2.css" rel="stylesheet">
</head><body>
<div id="k2Container" class="itemListView">
  <div class="catItemView">
    <h3><a href="/index.php/agenda/item/1203-gubernur-tinjau-jalan-provinsi">Tinjau</a></h3>
  </div>
  <div class="catItemView">
    <h3><a href="/index.php/agenda/item/1202-rapat-paripurna-dprd-provinsi">Rapat paripurna</a></h3>
  </div>
  <a href="/index.php/agenda/itemlist/user/42-humas?start=10">2</a>
</div>
</body></html>"""


def test_wordpress_by_generator_api_link_feed_and_wp_content() -> None:
    found = detect_cms(WORDPRESS_HOME, {}, URL)
    assert found.cms == "wordpress"
    assert found.evidence[:3] == [
        "generator meta: WordPress 6.4.3",
        "link rel=https://api.w.org/ -> /wp-json/",
        "wp-content paths",
    ]
    assert "feed link /feed/" in found.evidence
    assert found.generator == "WordPress 6.4.3"
    assert found.api_url == "https://dinas.example.go.id/wp-json/"
    # The comments feed is no news feed.
    assert found.feed_urls == ["https://dinas.example.go.id/feed/"]
    assert found.listing_paths == ["/category/berita/", "/category/pengumuman/", "/"]
    assert found.title == "Dinas Contoh – Provinsi Contoh"


def test_wordpress_with_the_generator_hidden_by_its_api_link() -> None:
    found = detect_cms(WORDPRESS_API_LINK_ONLY, {}, URL)
    assert found.cms == "wordpress"
    assert found.evidence == ["link rel=https://api.w.org/ -> /wp-json/"]
    assert found.api_url == "https://dinas.example.go.id/wp-json/"


def test_wordpress_with_the_generator_hidden_by_its_link_header() -> None:
    headers = {
        "Content-Type": "text/html; charset=UTF-8",
        "link": '<https://dinas.example.go.id/wp-json/>; rel="https://api.w.org/", '
        "<https://dinas.example.go.id/?p=12>; rel=shortlink",
    }
    found = detect_cms(PLAIN, headers, URL)
    assert found.cms == "wordpress"
    assert found.evidence == ["Link header rel=https://api.w.org/"]
    assert found.api_url == "https://dinas.example.go.id/wp-json/"


def test_a_link_header_without_the_api_rel_is_no_evidence() -> None:
    found = detect_cms(PLAIN, {"Link": '<https://x.example/style.css>; rel="preload"'}, URL)
    assert found.cms == "custom"
    assert found.api_url is None


def test_joomla_with_k2() -> None:
    found = detect_cms(JOOMLA_K2_HOME, {}, "https://berita.example.go.id/")
    assert found.cms == "joomla"
    assert found.evidence == [
        "generator meta: Joomla! - Open Source Content Management",
        "K2 markup (itemView/catItemView)",
        "com_k2/com_content links",
        "Joomla media paths (/media/jui, /media/system)",
        "?start= pagination",
        "feed link /index.php/agenda?format=feed&type=rss",
    ]
    assert found.api_url is None
    # The menu item the items sit under lists them all, newest first: it goes first.
    assert found.listing_paths == ["/index.php/agenda", "/index.php/agenda/itemlist/user/42-humas"]
    assert found.article_paths == ["/index.php/agenda/item/"]


def test_k2_markup_alone_is_joomla() -> None:
    html = '<html><body><div class="itemView">x</div></body></html>'
    assert detect_cms(html, {}, URL).cms == "joomla"


@pytest.mark.parametrize(
    "html",
    [
        # Weak signs only: a /feed/ link, ?start= paging.
        '<html><head><link rel="alternate" type="application/rss+xml" href="/feed/"></head></html>',
        '<html><body><a href="/berita?start=20">2</a></body></html>',
        # wp-content on another host (an embedded widget) is not this site's.
        '<html><body><img src="https://other.example.com/wp-content/uploads/a.png"></body></html>',
        "",
    ],
)
def test_weak_or_no_signs_are_custom(html: str) -> None:
    found = detect_cms(html, {}, URL)
    assert found.cms == "custom"
    assert found.evidence[-1] in (
        "no WordPress or Joomla markers: custom",
        "only weak signs of a CMS: custom",
    )
    assert found.api_url is None


KALTIM_CASES = [
    case for case in discover(FIXTURES) if case.meta.get("template") != "wordpress-2022"
]


@pytest.mark.parametrize("case", KALTIM_CASES, ids=lambda case: f"{case.kind}/{case.name}")
def test_the_kaltim_fixtures_are_custom(case) -> None:
    found = detect_cms(case.html, {}, case.meta["url"])
    assert found.cms == "custom", found.evidence
    assert found.evidence == ["no WordPress or Joomla markers: custom"]
    assert found.article_paths[0] in ("/berita/", "/detailberita/")


def test_the_kaltim_listings_suggest_the_berita_route() -> None:
    case = next(c for c in discover(FIXTURES) if c.name == "page-query-pinned")
    found = detect_cms(case.html, {}, case.meta["url"])
    assert found.listing_paths == ["/berita"]
    assert found.article_paths == ["/berita/"]


def test_the_wordpress_like_kaltim_fixture_is_wordpress() -> None:
    # One fixture renders the site in a WordPress theme (template wordpress-2022): the page
    # itself is WordPress's, whatever serves the real site today.
    case = next(c for c in discover(FIXTURES) if c.meta.get("template") == "wordpress-2022")
    found = detect_cms(case.html, {}, case.meta["url"])
    assert found.cms == "wordpress"
    assert found.api_url == "https://www.kaltimprov.go.id/wp-json/"


@pytest.mark.parametrize(
    ("path", "prefix"),
    [
        ("/berita/gubernur-resmikan-rs-pratama", "/berita/"),
        ("/detailberita/sekdaprov-minta-opd-kebut/", "/detailberita/"),
        ("/index.php/berita/pameran-pembangunan-dibuka-gubernur", "/index.php/berita/"),
        ("/view-detail-news-1234/gubernur-terima-tamu-negara.html", "/view-detail-news-"),
        ("/berita/2023/gubernur-terima-tamu-negara", "/berita/"),
        # Root and date permalinks tell nothing of a prefix.
        ("/gubernur-terima-tamu-negara/", None),
        ("/2020/08/27/gubernur-terima-tamu-negara/", None),
        # Not articles: short slugs, listings, files.
        ("/berita/sosial", None),
        ("/category/berita/berita-jabar-terkini", None),
        ("/wp-content/uploads/foto-gubernur-besar.jpg", None),
    ],
)
def test_article_prefix(path: str, prefix: str | None) -> None:
    assert article_prefix(path) == prefix


def test_article_paths_the_most_common_prefixes() -> None:
    links = [f"https://x.example/berita/kabar-nomor-{n}-hari-ini" for n in range(8)]
    links += [f"https://x.example/index.php/berita/kabar-lama-{n}-hari" for n in range(3)]
    links += ["https://x.example/opini/satu-opini-saja"]
    assert guess_article_paths(links) == ["/berita/", "/index.php/berita/"]
