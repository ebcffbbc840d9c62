"""The Joomla 3 + K2 replica (`replica --cms joomla`): its routes, its generated portal, its faults,
its command, and how much of its items our template-independent extractor reads."""

from __future__ import annotations

import http.client
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta
from html import unescape
from pathlib import Path

import pytest
from click.testing import CliRunner

from humas_crawler.cli.app import main
from humas_crawler.extract.jobs import extract_article
from humas_crawler.normalize import Site
from humas_crawler.replica import WITA, Faults, Request, Response
from humas_crawler.replica.faults import LEDGER_PATH, FaultInjector, FaultPlan
from humas_crawler.replica.joomla import CATEGORIES, TIME_SHOWN_FROM, JoomlaSite, joomla_alias
from humas_crawler.replica.joomla_render import ROBOTS_DISALLOW
from humas_crawler.replica.joomla_server import JoomlaServer
from tests.helpers.fetching import fetch

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=WITA)
GENERATOR = '<meta name="generator" content="Joomla! - Open Source Content Management" />'
LIST_TITLE = re.compile(r'<h3 class="catItemTitle"><a href="([^"]+)">([^<]+)</a></h3>')
NEXT_LINK = re.compile(r'<a title="Berikutnya" href="([^"]+)"')


def listed(html: str) -> list[str]:
    """The item paths of a K2 list, in order."""
    return [href for href, _ in LIST_TITLE.findall(html)]


@pytest.fixture(scope="module")
def site() -> JoomlaSite:
    return JoomlaSite(60, seed=0, now=NOW)


@pytest.fixture(scope="module")
def server(site: JoomlaSite) -> Iterator[JoomlaServer]:
    with JoomlaServer(site) as running:
        yield running


@pytest.fixture
def fresh() -> Iterator[JoomlaServer]:
    """A small portal of its own, for tests that change it."""
    with JoomlaServer(JoomlaSite(30, seed=5, now=NOW, per_page=5)) as running:
        yield running


# ----- the generated portal ----------------------------------------------------------------------


def test_items_truth_and_dates(site: JoomlaSite) -> None:
    items = site.items
    assert len(site) == len(items) == 60
    assert [i.created for i in items] == sorted(i.created for i in items)
    assert [i.id for i in items] == sorted({i.id for i in items})  # K2 ids grow, with gaps
    assert site.newest_first() == items[::-1]
    assert len({i.alias for i in items}) == 60
    truth = site.truth("http://example.test")
    assert len(truth) == 60
    for item in items:
        record = truth[f"http://example.test/index.php/berita/item/{item.id}-{item.alias}"]
        assert record["slug"] == f"{item.id}-{item.alias}" == item.slug
        assert record["title"] == item.title
        assert re.fullmatch(re.escape(joomla_alias(item.title)) + r"(-\d+)?", item.alias)
        assert record["category"] in {label for label, _, _ in CATEGORIES}
        assert record["body_text"] == "\n\n".join(item.paragraphs)
        published = datetime.fromisoformat(str(record["published_at"]))
        assert record["published_at"].endswith("+08:00")
        if item.created.replace(tzinfo=None) >= TIME_SHOWN_FROM:
            assert record["published_precision"] == "minute"
            assert published == item.created.replace(second=0)
            assert (published.hour, published.minute) != (0, 0)
        else:
            # The page shows the date only; the body gives the time.
            assert record["published_precision"] == "day"
            assert published == item.created.replace(hour=0, minute=0, second=0)
            assert f"pukul {item.created:%H.%M} WITA" in item.paragraphs[0]
        if item.dateline_text:
            assert item.paragraphs[0].startswith(item.dateline_text + " ")
            assert record["dateline"] == item.dateline
            assert item.dateline_text in (
                f"{item.dateline} ({item.created.day}/{item.created.month}/{item.created.year}) -",
                f"{str(item.dateline).upper()} -",
            )
        else:
            assert record["dateline"] is None
        text = " ".join([item.title, *item.paragraphs, item.photo_caption or ""])
        assert not re.search(r"Kaltim|Kalimantan|Samarinda|Balikpapan", text)
    # Both eras, both dateline styles, captions and none.
    assert {r["published_precision"] for r in truth.values()} == {"minute", "day"}
    assert any("(" in (i.dateline_text or "") for i in items)
    assert any((i.dateline_text or "").isupper() for i in items)
    assert any(i.photo_caption for i in items) and not all(i.photo_caption for i in items)


def test_generation_is_deterministic_and_seeded() -> None:
    one, two = JoomlaSite(25, seed=3, now=NOW), JoomlaSite(25, seed=3, now=NOW)
    assert one.truth("http://x") == two.truth("http://x")
    assert [i.hits for i in one.items] == [i.hits for i in two.items]
    other = JoomlaSite(25, seed=4, now=NOW)
    assert one.truth("http://x") != other.truth("http://x")


def test_another_zone_shows_and_records_its_own_times() -> None:
    wib = JoomlaSite(30, seed=0, now=NOW, timezone="WIB")
    records = wib.truth("http://x").values()
    assert all(str(r["published_at"]).endswith("+07:00") for r in records)
    day_only = [i for i in wib.items if not i.time_shown]
    assert day_only and all(" WIB." in i.paragraphs[0] for i in day_only)


@pytest.mark.slow
def test_ten_thousand_items_build() -> None:
    # How fast is a benchmark's business (bench/multisite.py builds 2,000-item portals), not a
    # timed assertion's: a shared machine makes those fail for nothing.
    big = JoomlaSite(10_000, seed=1)
    assert len(big.truth("http://x")) == 10_000


# ----- routes ----------------------------------------------------------------------------------


def test_robots_txt_is_joomlas_default(server: JoomlaServer) -> None:
    got = fetch(server, "/robots.txt")
    assert got.status == 200 and got.headers["Content-Type"].startswith("text/plain")
    lines = [line for line in got.text.splitlines() if line and not line.startswith("#")]
    assert lines == ["User-agent: *", *(f"Disallow: {p}" for p in ROBOTS_DISALLOW)]
    assert "Sitemap" not in got.text
    for path in ("/administrator/", "/cache/", "/components/", "/media/", "/templates/", "/tmp/"):
        assert f"Disallow: {path}\n" in got.text
    with JoomlaServer(JoomlaSite(3, seed=0, now=NOW, disallow=("/index.php/profil",))) as other:
        assert fetch(other, "/robots.txt").text.endswith("Disallow: /index.php/profil\n")


def test_listing_pages_by_start_until_the_end(server: JoomlaServer, site: JoomlaSite) -> None:
    newest = [i.path for i in site.newest_first()]
    for start in range(0, 60, 10):
        got = fetch(server, "/index.php/berita" + (f"?start={start}" if start else ""))
        assert got.status == 200
        assert listed(got.text) == newest[start : start + 10]
        assert f'class="k2PaginationCounter">Halaman {start // 10 + 1} dari 6<' in got.text
        if start < 50:
            assert f'<a title="Berikutnya" href="/index.php/berita?start={start + 10}"' in got.text
            assert '<a title="Akhir" href="/index.php/berita?start=50"' in got.text
        else:
            assert 'title="Berikutnya"' not in got.text and 'title="Akhir"' not in got.text
    # Past the end: Joomla answers 200 with an empty list, the pagination on its last page.
    for start in (60, 70, 1000):
        got = fetch(server, f"/index.php/berita?start={start}")
        assert got.status == 200 and listed(got.text) == []
        assert 'class="itemList"' not in got.text and 'title="Berikutnya"' not in got.text
        assert "Halaman 6 dari 6" in got.text
    # `limitstart` is the same parameter; an offset between pages lists from there.
    assert listed(fetch(server, "/index.php/berita?limitstart=20").text) == newest[20:30]
    assert listed(fetch(server, "/index.php/berita?start=5").text) == newest[5:15]
    assert listed(fetch(server, "/index.php/berita?start=-3").text) == newest[:10]
    assert listed(fetch(server, "/index.php/berita/?start=10&utm_source=x").text) == newest[10:20]


def test_following_berikutnya_reads_every_item_once_and_stops(
    server: JoomlaServer, site: JoomlaSite
) -> None:
    seen: list[str] = []
    path: str | None = "/index.php/berita"
    pages = 0
    while path is not None:
        html = fetch(server, unescape(path)).text
        seen += listed(html)
        pages += 1
        found = NEXT_LINK.search(html)
        path = found[1] if found else None
    assert pages == 6
    assert seen == [i.path for i in site.newest_first()]


def test_home_lists_the_latest_items(server: JoomlaServer, site: JoomlaSite) -> None:
    for path in ("/", "/index.php", "/index.php?foo=bar"):
        got = fetch(server, path)
        assert got.status == 200
        assert listed(got.text) == [i.path for i in site.latest(10)]
        assert 'href="/index.php/berita">Indeks berita' in got.text


def test_category_listings(server: JoomlaServer, site: JoomlaSite) -> None:
    assert 6 <= len(site.categories()) <= 8
    every: list[str] = []
    for label, alias, _ in CATEGORIES:
        expected = [i.path for i in site.newest_first() if i.category == label]
        got: list[str] = []
        for start in range(0, max(len(expected), 1), 10):
            page = fetch(server, f"/index.php/berita/{alias}?start={start}")
            assert page.status == 200
            assert f"<h2>{label}</h2>" in page.text
            got += listed(page.text)
        assert got == expected
        every += got
        home = fetch(server, "/").text
        assert f'<a href="/index.php/berita/{alias}">{label}</a>' in home  # the menu
    assert sorted(every) == sorted(i.path for i in site.items)
    assert fetch(server, "/index.php/berita/olahraga").status == 404
    # K2's own category URL forms redirect to the menu's.
    got = fetch(server, "/index.php/berita/itemlist/category/4-infrastruktur")
    assert got.status == 301
    assert got.headers["Location"] == server.base_url + "/index.php/berita/infrastruktur"
    got = fetch(server, "/index.php?option=com_k2&view=itemlist&layout=category&id=5")
    assert got.headers["Location"] == server.base_url + "/index.php/berita/kesehatan"


def test_item_page(server: JoomlaServer, site: JoomlaSite) -> None:
    for item in (site.items[0], site.items[-1], *site.items[20:60:9]):
        got = fetch(server, item.path)
        assert got.status == 200
        html = got.text
        assert f"<title>{item.title} - Portal Berita Provinsi Sulawesi Barat</title>" in html
        assert f'<h2 class="itemTitle">{item.title}</h2>' in html
        shown = re.search(r'<span class="itemDateCreated">([^<]+)</span>', html)[1]
        assert re.fullmatch(
            r"\w+, \d{1,2} \w+ \d{4}" + (r" \d\d:\d\d" if item.time_shown else ""), shown
        )
        full = html[
            html.index('<div class="itemFullText">') : html.index(
                '<div class="clr">', html.index("itemFullText")
            )
        ]
        paragraphs = [
            unescape(re.sub(r"<[^>]+>", "", p)) for p in re.findall(r"<p[^>]*>.*?</p>", full)
        ]
        if item.author_codes:
            assert paragraphs[-1].endswith(f" ({item.author_codes})")
            paragraphs[-1] = paragraphs[-1].removesuffix(f" ({item.author_codes})")
        assert paragraphs == item.paragraphs
        if item.photo_caption:
            assert f'<span class="itemImageCaption">{item.photo_caption}</span>' in html
        alias = site.categories()[item.category]
        assert f'<a href="/index.php/berita/{alias}">{item.category}</a>' in html
        assert re.search(rf"Dibaca <b>{item.hits}</b> kali", html)
        assert "<h3>Baca juga</h3>" in html and 'class="itemSocialSharing"' in html
        assert "Berita Terbaru" in html and "moduleItemDateCreated" in html
        assert f'<base href="{server.base_url}{item.path}" />' in html
        for tag in item.tags:
            assert f">{tag}</a></li>" in html
    # The print view is the same item alone.
    item = site.items[7]
    printed = fetch(server, item.path + "?tmpl=component&print=1").text
    assert f'<h2 class="itemTitle">{item.title}</h2>' in printed and "Berita Terbaru" not in printed


def test_module_dates_have_no_comma(server: JoomlaServer, site: JoomlaSite) -> None:
    html = fetch(server, "/").text
    newest = site.newest_first()[0].created
    assert re.search(r'<span class="moduleItemDateCreated">\w+ \d{1,2} \w+ \d{4}</span>', html)
    assert f"{newest.day} Maret 2026</span>" in html


def test_non_sef_and_wrong_alias_redirect_to_the_sef_url(
    server: JoomlaServer, site: JoomlaSite
) -> None:
    item = site.items[11]
    sef = server.base_url + item.path
    for path in (
        f"/index.php?option=com_k2&view=item&id={item.id}:{item.alias}",
        f"/index.php?option=com_k2&view=item&id={item.id}:{item.alias}&Itemid=102",
        f"/index.php?option=com_k2&view=item&id={item.id}",
        f"/index.php/berita/item/{item.id}",
        f"/index.php/berita/item/{item.id}-judul-lama",
    ):
        got = fetch(server, path)
        assert (got.status, got.headers["Location"]) == (301, sef), path
    assert fetch(server, "/index.php?option=com_k2&view=item&id=999999").status == 404
    assert fetch(server, "/index.php?option=com_content&view=article&id=1").status == 404
    # Pages link some items in the non-SEF form (an editor's custom module).
    picks = re.findall(r'href="(/index\.php\?option=com_k2[^"]+)"', fetch(server, "/").text)
    assert len(picks) == 3
    for pick in picks:
        assert fetch(server, unescape(pick)).status == 301


@pytest.mark.parametrize(
    "path",
    [
        "/nope",
        "/berita",
        "/sitemap.xml",
        "/wp-json/wp/v2/posts",
        "/feed",
        "/index.php/berita/item/999999-tidak-ada",
        "/index.php/berita/item/tidak-ada",
        "/index.php/berita/itemlist/user/99-siapa",
        "/index.php/berita/itemlist/tag/TidakAda",
        "/index.php/berita/pemerintahan/lain",
        "/index.php/berita?format=feed&type=atom",
        "/administrator/",
    ],
)
def test_unknown_paths_are_joomla_404s(server: JoomlaServer, path: str) -> None:
    got = fetch(server, path)
    assert got.status == 404
    assert GENERATOR.replace(" />", "") in got.text
    assert "<title>404 - " in got.text


def test_generator_meta_on_every_html_page(server: JoomlaServer, site: JoomlaSite) -> None:
    item = site.items[5]
    paths = [
        "/",
        "/index.php/berita",
        "/index.php/berita?start=30",
        "/index.php/berita/kesehatan",
        item.path,
        item.path + "?tmpl=component&print=1",
        "/index.php/berita/itemlist/user/62-humas-sulbar",
        "/index.php/berita/itemlist/tag/Pemprov%20Sulbar",
        "/index.php/profil",
    ]
    for path in paths:
        got = fetch(server, path)
        assert got.status == 200, path
        assert got.text.count(GENERATOR) == 1, path
        assert got.headers["Cache-Control"].startswith("no-store, no-cache")


def test_author_and_tag_listings(server: JoomlaServer, site: JoomlaSite) -> None:
    item = site.items[30]
    html = fetch(server, item.path).text
    user = re.search(r'<a rel="author" href="([^"]+)">', html)[1]
    got = fetch(server, user)
    mine = [i.path for i in site.newest_first() if i.author == item.author]
    assert re.findall(r'<h3 class="userItemTitle"><a href="([^"]+)"', got.text) == mine[:10]
    tag_page = fetch(server, "/index.php/berita/itemlist/tag/Pemprov%20Sulbar?start=10").text
    tagged = re.findall(r'<h2 class="tagItemTitle"><a href="([^"]+)"', tag_page)
    assert tagged == [i.path for i in site.newest_first()][10:20]


def test_rss_feed_of_the_listing_and_a_category(server: JoomlaServer, site: JoomlaSite) -> None:
    html = fetch(server, "/index.php/berita").text
    assert 'href="/index.php/berita?format=feed&amp;type=rss" rel="alternate"' in html
    got = fetch(server, "/index.php/berita?format=feed&type=rss")
    assert got.status == 200 and got.headers["Content-Type"].startswith("application/rss+xml")
    assert '<rss version="2.0"' in got.text
    links = re.findall(r"<link>([^<]+)</link>", got.text)[1:]
    assert links == [server.base_url + i.path for i in site.newest_first()[:10]]
    assert (
        len(re.findall(r"<pubDate>\w{3}, \d\d \w{3} \d{4} [\d:]{8} \+0000</pubDate>", got.text))
        == 10
    )
    assert fetch(server, "/index.php/berita?format=feed").status == 200  # type=rss by default
    feed = fetch(server, "/index.php/berita/ekonomi?format=feed&type=rss").text
    ekonomi = [server.base_url + i.path for i in site.newest_first() if i.category == "Ekonomi"]
    assert re.findall(r"<link>([^<]+)</link>", feed)[1:] == ekonomi[:10]


def test_request_log_and_count(fresh: JoomlaServer) -> None:
    fresh.reset_log()
    fetch(fresh, "/robots.txt")
    fetch(fresh, "/index.php/berita?start=5")
    fetch(fresh, "/index.php/berita/item/1-tidak-ada")
    assert [(r.path, r.status) for r in fresh.requests] == [
        ("/robots.txt", 200),
        ("/index.php/berita?start=5", 200),
        ("/index.php/berita/item/1-tidak-ada", 404),
    ]
    assert fresh.count() == 3 and fresh.count("/index.php/berita") == 2


# ----- mutations -------------------------------------------------------------------------------


def test_added_items_top_the_listing(fresh: JoomlaServer) -> None:
    site = fresh.site
    before = site.newest_first()[0]
    fetch(fresh, "/index.php/berita")  # cached now: the mutation must invalidate it
    added = site.add_articles(2)
    assert before.created < added[0].created < added[1].created <= datetime.now(WITA)
    assert added[0].id > before.id and all(i.time_shown for i in added)
    assert listed(fetch(fresh, "/index.php/berita").text)[:3] == [
        added[1].path,
        added[0].path,
        before.path,
    ]
    assert fetch(fresh, added[0].path).status == 200
    assert fresh.base_url + added[1].path in site.truth(fresh.base_url)


def test_edit_changes_the_page_and_keeps_the_url(fresh: JoomlaServer) -> None:
    site = fresh.site
    item = site.items[10]
    assert "Terakhir diubah pada" not in fetch(fresh, item.path).text
    edited = site.edit_article(item.alias, title="Judul Baru Setelah Diedit")
    assert (edited.revision, edited.slug) == (2, item.slug)
    html = fetch(fresh, item.path).text
    assert '<h2 class="itemTitle">Judul Baru Setelah Diedit</h2>' in html
    assert "Terakhir diubah pada" in html
    site.edit_article(item.slug, paragraphs=["Paragraf pengganti yang baru."])  # a slug works too
    record = site.truth(fresh.base_url)[fresh.base_url + item.path]
    assert record["body_text"] == "Paragraf pengganti yang baru."
    assert record["dateline"] is None and record["title"] == "Judul Baru Setelah Diedit"
    assert "Paragraf pengganti yang baru." in fetch(fresh, item.path).text
    with pytest.raises(KeyError):
        site.edit_article("tidak-ada", title="x")


def test_take_down_is_404_everywhere_until_restored(fresh: JoomlaServer) -> None:
    site = fresh.site
    item = site.items[3]
    assert fetch(fresh, item.path).status == 200
    site.take_down(item.alias)
    assert fetch(fresh, item.path).status == 404
    assert fetch(fresh, item.non_sef_path).status == 404
    every = [
        p
        for s in range(0, 40, 5)
        for p in listed(fetch(fresh, f"/index.php/berita?start={s}").text)
    ]
    assert item.path not in every and len(every) == len(site) == 29
    assert fresh.base_url + item.path not in site.truth(fresh.base_url)
    site.restore(item.alias)
    assert fetch(fresh, item.path).status == 200 and len(site) == 30


# ----- faults ----------------------------------------------------------------------------------


def test_a_faults_subclass_answers_instead_of_the_site(fresh: JoomlaServer) -> None:
    class Busy(Faults):
        def before(self, request: Request) -> Response | None:
            if "start=" in request.path:
                return Response(503, b"sibuk", "text/plain", (("Retry-After", "1"),))
            return None

    fresh.faults = Busy()
    try:
        got = fetch(fresh, "/index.php/berita?start=5")
        assert (got.status, got.headers["Retry-After"], got.body) == (503, "1", b"sibuk")
        assert fetch(fresh, "/index.php/berita").status == 200
    finally:
        fresh.faults = Faults()


def test_the_fault_injector_works_on_k2_pages() -> None:
    site = JoomlaSite(20, seed=2, now=NOW)
    plan = FaultPlan(seed=1, paths={"persistent": 1, "garbled": 1, "offsite": 1})
    injector = FaultInjector(plan, site)  # type: ignore[arg-type]
    with JoomlaServer(site, faults=injector) as running:
        persistent, garbled, offsite = (injector.paths[k][0] for k in plan.paths)
        assert all(p.startswith("/index.php/berita/item/") for p in (persistent, garbled, offsite))
        assert [fetch(running, persistent).status for _ in range(5)] == [500] * 4 + [200]
        broken = fetch(running, garbled).body
        assert b"</p>" not in broken and b"</body>" not in broken
        item = next(i for i in site.items if i.path == garbled)
        assert item.paragraphs[1].encode() in broken.replace(b"&quot;", b'"')
        assert fetch(running, offsite).headers["Location"] == f"http://evil.example{offsite}"
        assert f"Disallow: {LEDGER_PATH}\n" in fetch(running, "/robots.txt").text
        assert fetch(running, LEDGER_PATH).status == 200
    assert injector.counts() == {"persistent": 4, "garbled": 1, "offsite": 1}


# ----- the command -----------------------------------------------------------------------------


def test_replica_command_dispatches_on_cms(monkeypatch, tmp_path: Path) -> None:
    kaltim: list[dict] = []
    joomla: list[tuple] = []
    monkeypatch.setattr(
        "humas_crawler.replica.serve.serve_forever", lambda *a, **kw: kaltim.append(kw)
    )
    monkeypatch.setattr(
        "humas_crawler.replica.joomla_server.serve_forever", lambda *a, **kw: joomla.append((a, kw))
    )
    runner = CliRunner()
    assert runner.invoke(main, ["replica", "--articles", "40"]).exit_code == 0
    assert len(kaltim) == 1 and not joomla
    args = ["replica", "--cms", "joomla", "--port", "0", "--articles", "40", "--seed", "3"]
    args += ["--disallow", "/index.php/profil", "--fault-500", "0.1", "--fault-garbled", "2"]
    args += ["--fault-log", str(tmp_path / "f.jsonl")]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    ((positional, options),) = joomla
    assert positional == (0, 40) and len(kaltim) == 1
    assert (options["seed"], options["disallow"]) == (3, ("/index.php/profil",))
    assert options["faults"].rates == {"500": 0.1} and options["faults"].paths == {"garbled": 2}
    assert options["fault_log"] == tmp_path / "f.jsonl"
    for bad in (["--sitemap"], ["--link-forms", "shifting"]):
        result = runner.invoke(main, ["replica", "--cms", "joomla", *bad])
        assert result.exit_code == 2 and "--cms kaltim only" in result.output
    result = runner.invoke(main, ["replica", "--cms", "drupal"])
    assert result.exit_code == 2
    assert "--cms" in runner.invoke(main, ["replica", "--help"]).output


@pytest.mark.slow
def test_replica_command_serves_joomla_with_faults(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "humas_crawler", "replica", "--cms", "joomla", "--port", "0"]
    command += ["--articles", "9", "--fault-500", "1"]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        match = re.fullmatch(
            r"Joomla/K2 replica of a provincial portal with 9 items at"
            r" http://127\.0\.0\.1:(\d+)/index\.php/berita\n",
            line,
        )
        assert match, line
        assert proc.stdout.readline().startswith("faults: 500 1, seed 0; ledger at")
        conn = http.client.HTTPConnection("127.0.0.1", int(match[1]), timeout=10)
        for expected in (500, 200):
            conn.request("GET", "/index.php/berita")
            response = conn.getresponse()
            assert GENERATOR in response.read().decode() or expected == 500
            assert response.status == expected
        conn.close()
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) == 0
        assert "faults injected: 500 1" in proc.stdout.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


# ----- our template-independent extractor on K2 pages -------------------------------------------

# What it reads exactly on every item of the replica.
READ = ("url", "title", "published_at", "published_precision", "category", "body_text")
READ += ("author_codes",)


@pytest.fixture(scope="module")
def extracted(server: JoomlaServer, site: JoomlaSite) -> list[tuple[dict, dict]]:
    """(extracted, expected) fields of every item of the module's portal."""
    truth = site.truth(server.base_url)
    now = (NOW + timedelta(hours=1)).isoformat()
    # The portal as a registry entry (or a probe) describes it: its items' path, its zone.
    portal = Site.from_base_url(server.base_url).configured(
        name="sulbarprov-berita", zone="WITA", article_path_prefixes=("/index.php/berita/item/",)
    )
    pairs = []
    for item in site.items:
        url = server.base_url + item.path
        record = extract_article(url, fetch(server, item.path).text, portal, now).record
        pairs.append(({name: getattr(record, name) for name in truth[url]}, truth[url]))
    return pairs


def test_extractor_reads_titles_dates_categories_and_bodies(
    extracted: list[tuple[dict, dict]],
) -> None:
    for got, expected in extracted:
        assert {f: got[f] for f in READ} == {f: expected[f] for f in READ}


def test_extractor_reads_every_field(extracted: list[tuple[dict, dict]]) -> None:
    for got, expected in extracted:
        for name in ("slug", "dateline", "photo_caption"):
            assert got[name] == expected[name], name
