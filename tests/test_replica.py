"""The offline replica: its routes, its generated site, and that our extractor reads it exactly."""

from __future__ import annotations

import http.client
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from email.message import Message
from urllib.parse import urlsplit

import pytest

from humas_crawler.extract.article import ArticlePage
from humas_crawler.extract.listing import ListingPage
from humas_crawler.normalize import Site
from humas_crawler.replica import (
    WITA,
    Faults,
    ReplicaServer,
    ReplicaSite,
    Request,
    Response,
)
from humas_crawler.replica.model import slug_from_title
from tests.helpers.fetching import fetch

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=WITA)
TRUTH_FIELDS = (
    "title",
    "published_at",
    "published_precision",
    "category",
    "dateline",
    "body_text",
    "photo_caption",
    "author_codes",
    "slug",
    "url",
)


@pytest.fixture(scope="module")
def site() -> ReplicaSite:
    return ReplicaSite(60, seed=0, now=NOW)


@pytest.fixture(scope="module")
def server(site: ReplicaSite) -> Iterator[ReplicaServer]:
    with ReplicaServer(site) as running:
        yield running


@pytest.fixture
def fresh() -> Iterator[ReplicaServer]:
    """A small site of its own, for tests that change it."""
    with ReplicaServer(ReplicaSite(30, seed=5, now=NOW, per_page=5)) as running:
        yield running


# ----- routes ----------------------------------------------------------------------------------


def test_robots_txt_disallows_admin_and_search(server: ReplicaServer) -> None:
    got = fetch(server, "/robots.txt")
    assert got.status == 200
    assert got.headers["Content-Type"].startswith("text/plain")
    assert got.text == "User-agent: *\nDisallow: /admin\nDisallow: /cari\n"


def test_sitemap_only_when_enabled(server: ReplicaServer) -> None:
    assert fetch(server, "/sitemap.xml").status == 404
    with ReplicaServer(ReplicaSite(12, seed=1, now=NOW, sitemap=True)) as mapped:
        robots = fetch(mapped, "/robots.txt").text
        assert robots.endswith(f"Sitemap: {mapped.base_url}/sitemap.xml\n")
        got = fetch(mapped, "/sitemap.xml")
        assert got.status == 200
        locs = re.findall(r"<loc>([^<]+)</loc>", got.text)
        assert locs == [mapped.base_url + a.path for a in mapped.site.articles]
        assert len(re.findall(r"<lastmod>\d{4}-\d\d-\d\dT[\d:]+\+08:00</lastmod>", got.text)) == 12


def test_listing_pages_hold_pinned_items_and_per_page_newest_first(
    server: ReplicaServer, site: ReplicaSite
) -> None:
    assert site.page_count() == 6
    newest = site.newest_first()
    pinned = site.pinned_articles()
    assert len(pinned) == 3
    assert not {a.id for a in pinned} & {a.id for a in newest[:10]}
    for page in range(1, 7):
        html = fetch(server, "/berita" if page == 1 else f"/berita?page={page}").text
        featured = html[html.index("Berita Utama") : html.index("daftar-berita")]
        assert all(a.title in featured for a in pinned)
        main = html[html.index("daftar-berita") : html.index("sidebar-kanan")]
        titles = re.findall(r'<h4 class="media-heading"><a href="[^"]+">([^<]+)</a>', main)
        assert titles == [a.title for a in newest[(page - 1) * 10 : page * 10]]
        if page < 6:
            assert "Selanjutnya &raquo;" in main
        if page > 1:
            assert "&laquo; Sebelumnya" in main
    assert fetch(server, "/berita?page=7").status == 404
    assert fetch(server, "/berita?page=0").status == 404
    assert fetch(server, "/berita?page=dua").status == 404
    assert fetch(server, "/berita/?page=2&utm_source=x").status == 200


def test_category_pages_list_their_articles(server: ReplicaServer, site: ReplicaSite) -> None:
    categories = site.categories()
    assert len(categories) >= 12
    assert categories["Gubernur Kaltim"] == "gubernur-kaltim"
    home = fetch(server, "/").text
    berita = fetch(server, "/berita").text
    for slug in categories.values():
        assert f'href="/kategori/{slug}"' in home
        assert f'href="/kategori/{slug}"' in berita
    seen = 0
    for label, slug in categories.items():
        pages = site.page_count(slug)
        for page in range(1, pages + 1):
            got = fetch(server, f"/kategori/{slug}?page={page}")
            assert got.status == 200
            assert f"Kategori: {label}" in got.text
            for article in site.category_listing(slug, page):
                assert article.category == label
                assert article.title in got.text
                seen += 1
        assert fetch(server, f"/kategori/{slug}?page={pages + 1}").status == 404
    assert seen == len(site)
    assert fetch(server, "/kategori/tidak-ada").status == 404


def test_old_form_article_page(server: ReplicaServer, site: ReplicaSite) -> None:
    article = next(a for a in site.articles if a.form == "old" and not a.time_known)
    got = fetch(server, article.path)
    assert got.status == 200
    assert got.headers["Content-Type"] == "text/html; charset=utf-8"
    assert int(got.headers["Content-Length"]) == len(got.body)
    assert got.headers["Last-Modified"].endswith(" GMT")
    html = got.text
    # The sidebar, full of other articles' timestamps and categories, comes first.
    assert html.index("Berita Terkait") < html.index("Berita Terbaru") < html.index('"judul"')
    assert html.count('<div class="tanggal">') >= 6
    assert f'<h3 class="judul">{article.title}</h3>' in html
    assert "Jam 00:00:00" in html[html.index('"judul"') :]
    assert f'<link rel="canonical" href="{server.base_url}{article.path}">' in html


def test_new_form_article_page(server: ReplicaServer, site: ReplicaSite) -> None:
    article = next(a for a in site.articles if a.form == "new")
    html = fetch(server, article.path).text
    assert html.index("<article") < html.index("</article>") < html.index("<aside")
    assert f'<time datetime="{article.published.isoformat()}">' in html
    assert re.search(r"\| \d\d:\d\d:\d\d WITA</time>", html)
    assert 'aria-label="breadcrumb"' in html
    assert '"@type": "NewsArticle"' in html


def test_old_form_link_of_a_new_article_redirects(server: ReplicaServer, site: ReplicaSite) -> None:
    article = next(a for a in site.articles if a.form == "new")
    got = fetch(server, f"/berita/{article.slug}?utm_source=replica")
    assert got.status == 301
    assert got.headers["Location"] == f"{server.base_url}/detailberita/{article.slug}"


def test_new_form_of_an_old_article_is_404(server: ReplicaServer, site: ReplicaSite) -> None:
    article = next(a for a in site.articles if a.form == "old")
    assert fetch(server, f"/detailberita/{article.slug}").status == 404


def test_article_urls_ignore_tracking_fragments_and_trailing_slash(
    server: ReplicaServer, site: ReplicaSite
) -> None:
    article = site.articles[5]
    plain = fetch(server, article.path).body
    for variant in (article.path + "/", article.path + "?utm_source=a&utm_medium=b"):
        assert fetch(server, variant).body == plain


def test_unknown_paths_are_small_html_404s(server: ReplicaServer) -> None:
    for path in ("/halaman/profil", "/berita/tidak-ada", "/berita/page/2", "/admin/login"):
        got = fetch(server, path)
        assert got.status == 404
        assert got.headers["Content-Type"] == "text/html; charset=utf-8"
        assert "404" in got.text


def test_head_and_keep_alive(server: ReplicaServer) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        conn.request("HEAD", "/berita")
        head = conn.getresponse()
        assert head.status == 200
        assert head.read() == b""
        length = int(head.headers["Content-Length"])
        conn.request("GET", "/berita")  # the same connection
        assert len(conn.getresponse().read()) == length
    finally:
        conn.close()


def test_pages_link_in_equivalent_forms_and_to_forbidden_and_foreign_pages(
    server: ReplicaServer, site: ReplicaSite
) -> None:
    hrefs: list[str] = []
    for path in ["/berita", *(f"/berita?page={p}" for p in range(2, 7))]:
        hrefs += re.findall(r'href="([^"]+)"', fetch(server, path).text)
    for article in site.articles:
        hrefs += re.findall(r'href="([^"]+)"', fetch(server, article.path).text)
    assert any(h.startswith(server.base_url + "/berita/") for h in hrefs)
    assert any("?utm_source=replica&amp;utm_medium=web" in h for h in hrefs)
    assert any(h.endswith("#komentar") for h in hrefs)
    assert any(re.fullmatch(r"/(detail)?berita/[^/?#]+/", h) for h in hrefs)
    new_slugs = {a.slug for a in site.articles if a.form == "new"}
    assert any(h.removeprefix("/berita/").rstrip("/") in new_slugs for h in hrefs)
    assert {"/admin/login", "/cari?q=kaltim", "https://example.org/mitra"} <= set(hrefs)


# ----- the generated site ----------------------------------------------------------------------


@pytest.mark.parametrize("count", [5, 60, pytest.param(1000, marks=pytest.mark.slow)])
def test_dates_recent_few_then_back_to_2013(count: int) -> None:
    site = ReplicaSite(count, seed=3, now=NOW)
    newest = site.newest_first()
    assert [a.id for a in site.articles] == list(range(1, count + 1))
    assert NOW - timedelta(hours=6) <= newest[0].published < NOW
    assert all(NOW - timedelta(days=2) < a.published < NOW for a in newest[:3])
    assert all(a.published < NOW - timedelta(days=10) for a in newest[3:])
    assert newest[-1].published.year == 2013
    for article in newest:
        assert article.time_known == (article.published.year >= 2017)
        assert article.form == ("new" if article.published.year >= 2025 else "old")
        if not article.time_known:
            assert article.published.time() == datetime.min.time()
        assert article.published.utcoffset() == timedelta(hours=8)
        assert 4 <= len(article.paragraphs) <= 9


def test_default_now_is_the_real_clock() -> None:
    site = ReplicaSite(10)
    now = datetime.now(WITA)
    newest = site.newest_first()
    assert now - timedelta(days=2) < newest[2].published < newest[0].published < now
    assert newest[3].published < now - timedelta(days=10)


def test_generation_is_deterministic() -> None:
    one, two = ReplicaSite(40, seed=9, now=NOW), ReplicaSite(40, seed=9, now=NOW)
    assert one.truth("http://x") == two.truth("http://x")
    assert one.truth("http://x") != ReplicaSite(40, seed=10, now=NOW).truth("http://x")


def test_titles_slugs_and_quirks() -> None:
    site = ReplicaSite(1000, seed=0, now=NOW)
    articles = site.articles
    assert len({a.title for a in articles}) == len({a.slug for a in articles}) == 1000
    assert len({a.category for a in articles}) >= 12
    assert slug_from_title("Wagub: Awasi Minyak Goreng!") == "wagub--awasi-minyak-goreng-"
    assert any(a.title.endswith("?") and a.slug.endswith("-") for a in articles)
    assert any(a.title.endswith("!") and a.slug.endswith("-") for a in articles)
    assert any(":" in a.title and "--" in a.slug for a in articles)
    assert any(a.slug != slug_from_title(a.title) for a in articles)
    styles = [a.style for a in articles]
    assert any(s.dots_after for s in styles) and any(s.caption_first for s in styles)
    assert {s.signature for s in styles} == {"inline", "glued", "alone"}
    openings = {a.style.dateline_text.split()[-1] for a in articles if a.style.dateline_text}
    assert {"–", "-", "—"} <= openings
    assert any(a.style.dateline_text == "TANJUNG REDEB-" for a in articles)
    assert any((a.style.dateline_text or "").endswith(",") for a in articles)
    assert any(a.dateline is None for a in articles)
    assert any(a.author_codes is None for a in articles)
    assert any(a.author_codes == "*/IST" for a in articles)
    for article in articles:
        assert not any(p.strip(" .") == "" for p in article.paragraphs)
        assert not any(re.match(r"/*\s*foto\s*:", p, re.I) for p in article.paragraphs)


def test_truth_records(site: ReplicaSite) -> None:
    truth = site.truth("http://127.0.0.1:1/")
    assert len(truth) == 60
    article = site.articles[0]
    record = truth[f"http://127.0.0.1:1{article.path}"]
    assert set(record) == set(TRUTH_FIELDS)
    assert record["published_at"] == article.published.isoformat()
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00", record["published_at"])
    assert record["published_precision"] == "day"
    assert record["body_text"] == "\n\n".join(article.paragraphs)


# ----- mutations and the request log -----------------------------------------------------------


def test_added_articles_top_page_one(fresh: ReplicaServer) -> None:
    site = fresh.site
    before = site.newest_first()[0]
    fetch(fresh, "/berita")  # cached now: the mutation must invalidate it
    added = site.add_articles(2)
    assert all(a.form == "new" and a.path.startswith("/detailberita/") for a in added)
    assert before.published < added[0].published < added[1].published <= datetime.now(WITA)
    html = fetch(fresh, "/berita").text
    main = html[html.index("daftar-berita") :]
    assert main.index(added[1].title) < main.index(added[0].title) < main.index(before.title)
    assert fetch(fresh, added[0].path).status == 200


def test_edit_changes_the_page(fresh: ReplicaServer) -> None:
    site = fresh.site
    article = site.articles[10]
    assert "Judul Baru" not in fetch(fresh, article.path).text
    edited = site.edit_article(article.slug, title="Judul Baru Setelah Diedit")
    assert edited.revision == 2 and edited.slug == article.slug
    assert '<h3 class="judul">Judul Baru Setelah Diedit</h3>' in fetch(fresh, article.path).text
    site.edit_article(article.slug, paragraphs=["Paragraf pengganti yang baru."])
    record = site.truth(fresh.base_url)[fresh.base_url + article.path]
    assert record["body_text"] == "Paragraf pengganti yang baru."
    assert record["dateline"] is None
    assert site.by_slug(article.slug).revision == 3


def test_removed_article_is_404(fresh: ReplicaServer) -> None:
    site = fresh.site
    article = site.articles[3]
    assert fetch(fresh, article.path).status == 200
    site.remove_article(article.slug)
    assert fetch(fresh, article.path).status == 404
    assert article.title not in fetch(fresh, "/berita?page=6").text
    assert fresh.base_url + article.path not in site.truth(fresh.base_url)


def test_request_log(fresh: ReplicaServer) -> None:
    fresh.reset_log()
    fetch(fresh, "/robots.txt", **{"User-Agent": "humas-crawler-test/1.0"})
    fetch(fresh, "/berita?page=2")
    fetch(fresh, "/berita/tidak-ada")
    log = fresh.requests
    assert [(r.method, r.path, r.status) for r in log] == [
        ("GET", "/robots.txt", 200),
        ("GET", "/berita?page=2", 200),
        ("GET", "/berita/tidak-ada", 404),
    ]
    assert log[0].user_agent == "humas-crawler-test/1.0"
    assert fresh.count() == 3 and fresh.count("/berita") == 2
    fresh.reset_log()
    assert fresh.count() == 0


@pytest.mark.slow
def test_serves_while_the_site_changes(fresh: ReplicaServer) -> None:
    site = fresh.site
    paths = ["/berita", "/berita?page=2", *(a.path for a in site.articles)]
    statuses: list[int] = []
    errors: list[BaseException] = []

    def reader() -> None:
        try:
            for _ in range(3):
                statuses.extend(fetch(fresh, path).status for path in paths)
        except (OSError, http.client.HTTPException) as exc:  # a dropped connection
            errors.append(exc)

    threads = [threading.Thread(target=reader) for _ in range(4)]
    for thread in threads:
        thread.start()
    for article in site.articles[:6]:
        site.add_articles(1)
        site.edit_article(article.slug, title=f"{article.title} (Revisi)")
        site.remove_article(site.articles[-10].slug)
    for thread in threads:
        thread.join()
    assert not errors
    assert set(statuses) <= {200, 404}


def test_fault_hook_can_answer_instead_of_the_site(fresh: ReplicaServer) -> None:
    class Unavailable(Faults):
        def before(self, request: Request) -> Response | None:
            if request.path.startswith("/berita?"):
                return Response(503, b"sibuk", "text/plain", (("Retry-After", "1"),))
            return None

    fresh.faults = Unavailable()
    try:
        got = fetch(fresh, "/berita?page=2")
        assert (got.status, got.headers["Retry-After"], got.body) == (503, "1", b"sibuk")
        assert fetch(fresh, "/berita").status == 200
    finally:
        fresh.faults = Faults()


# ----- our extractor reads the replica exactly -------------------------------------------------


@pytest.mark.slow  # every article of the site; the fixtures cover each template quickly
def test_extraction_round_trip_of_every_article(server: ReplicaServer, site: ReplicaSite) -> None:
    web = Site.from_base_url(server.base_url)
    truth = site.truth(server.base_url)
    assert {urlsplit(url).path.split("/")[1] for url in truth} == {"berita", "detailberita"}
    for url, expected in truth.items():
        item = (
            ArticlePage(url, fetch(server, urlsplit(url).path).text, site=web).to_item().to_dict()
        )
        assert {f: item[f] for f in TRUTH_FIELDS} == expected, url


def test_extraction_round_trip_of_every_listing_page(
    server: ReplicaServer, site: ReplicaSite
) -> None:
    web = Site.from_base_url(server.base_url)
    base = server.base_url
    pinned = [base + a.path for a in site.pinned_articles()]
    pages = [("/berita", None, p) for p in range(1, site.page_count() + 1)]
    for slug in site.categories().values():
        pages += [(f"/kategori/{slug}", slug, p) for p in range(1, site.page_count(slug) + 1)]
    for path, slug, page in pages:
        url = base + path + (f"?page={page}" if page > 1 else "")
        listing = ListingPage(url, fetch(server, url.removeprefix(base)).text, site=web)
        entries = listing.entries
        items = site.listing(page) if slug is None else site.category_listing(slug, page)
        assert [e.url for e in entries if e.region == "main"] == [base + a.path for a in items]
        assert [e.url for e in entries if e.region == "featured"] == pinned
        assert all(e.pinned == (e.region == "featured") for e in entries)
        main = [e for e in entries if e.region == "main"]
        assert [(e.title, e.category_raw) for e in main] == [(a.title, a.category) for a in items]
        if slug is None:
            count = site.page_count()
            following = f"{base}/berita?page={page + 1}" if page < count else None
            assert listing.next_page_url == following


# ----- speed and the command -------------------------------------------------------------------


@pytest.mark.slow
def test_warm_cache_serves_a_thousand_articles_fast() -> None:
    site = ReplicaSite(1000, seed=0, now=NOW)
    with ReplicaServer(site) as running:
        requests = [Request("GET", a.path, Message()) for a in site.articles]
        for request in requests:
            running.respond(request)
        started = time.process_time()
        for request in requests:
            assert running.respond(request).status == 200
        assert time.process_time() - started < 0.5


@pytest.mark.slow
def test_serve_forever_prints_its_url_and_stops_on_ctrl_c() -> None:
    code = "from humas_crawler.replica import serve_forever; serve_forever(0, 7, seed=2)"
    proc = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        match = re.fullmatch(
            r"replica of kaltimprov\.go\.id with 7 articles at http://127\.0\.0\.1:(\d+)/berita\n",
            line,
        )
        assert match, line
        conn = http.client.HTTPConnection("127.0.0.1", int(match.group(1)), timeout=10)
        conn.request("GET", "/berita")
        assert conn.getresponse().status == 200
        conn.close()
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
