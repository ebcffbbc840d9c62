"""Hostile page content: stored faithfully, exported safely, never crashing a command.

Script tags, HTML entities, zero-width and right-to-left characters, control characters, a 1 MB
paragraph, markup nested thousands of levels deep, JSON-LD nested as deep, a paragraph built to
make a regular expression backtrack, and titles that look like spreadsheet formulas, in pages of
the site's current template (prose written for these tests). Each is followed from extraction
through the archive to export, search, stats, inspect and reparse, and through a real crawl.

What extraction does with characters (docs/extraction.md, "Characters"): HTML entities are
decoded once; runs of whitespace (spaces, tabs, line breaks, no-break spaces, U+2028, ...) become
one space; nothing else is changed. No Unicode normalization (not even NFC): zero-width
characters (U+200B-U+200D, U+2060, U+FEFF, the soft hyphen), bidi marks and overrides, combining
sequences and control characters are kept as the page has them.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import sqlite3
import sys
import time
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from parsel import Selector

from humas_crawler.archive.ftsquery import literal_query
from humas_crawler.archive.queries import ArticleFilter
from humas_crawler.archive.record import RECORD_FIELDS
from humas_crawler.archive.store import Store
from humas_crawler.cli import csvsafe, main
from humas_crawler.extract.article import ArticlePage
from humas_crawler.extract.deep import flatten
from humas_crawler.extract.jobs import extract_article
from humas_crawler.extract.listing import ListingPage
from humas_crawler.normalize import DEFAULT_BASE_URL
from humas_crawler.replica.model import ReplicaSite
from humas_crawler.replica.server import Faults, ReplicaServer, Request, Response
from tests.helpers.archive_factory import FETCHED_AT, article, build_from_pages, stored_article
from tests.helpers.crawling import crawl

SITE = "https://www.kaltimprov.go.id"
NOW = "2026-01-02T09:00:00+08:00"

# --- the pages ------------------------------------------------------------------------------------

# Things that must never reach a field: script, style, template and attribute text.
SCRIPTS = """
        <script>document.write('<p>IKLAN-SKRIP</p>'); var x = "</p><p>BOCOR-SKRIP</p>";</script>
        <script type="text/x-template"><div><p>TEMPLATE-SKRIP di templat</p></div></script>
        <noscript><p>NOSCRIPT-TEKS untuk peramban tanpa JavaScript</p></noscript>
        <style>.article__body p::before { content: "GAYA-CSS"; }</style>
        <template><p>TEMPLATE-TAG yang tidak pernah tampil</p></template>
        <p onclick="alert('ATRIBUT-JS')" title="JUDUL-ATRIBUT">Warga diminta melapor.</p>
        <svg width="10" height="10"><script>SVG-SKRIP</script><text>SVG-TEKS</text></svg>
        <iframe srcdoc="&lt;p&gt;IFRAME-TEKS&lt;/p&gt;"></iframe>"""
MARKERS = (
    "IKLAN-SKRIP", "BOCOR-SKRIP", "TEMPLATE-SKRIP", "NOSCRIPT-TEKS", "GAYA-CSS", "TEMPLATE-TAG",
    "ATRIBUT-JS", "JUDUL-ATRIBUT", "SVG-SKRIP", "SVG-TEKS", "IFRAME-TEKS", "IKLAN-HEAD",
)  # fmt: skip

# (HTML, the text extraction must give)
ESCAPED_SCRIPT = (
    "<strong>Samarinda — </strong>Laporan Dinas Kominfo menyebut kode "
    "&lt;script&gt;alert(1)&lt;/script&gt; ditemukan di situs desa &amp; segera dihapus.",
    "Samarinda — Laporan Dinas Kominfo menyebut kode <script>alert(1)</script> ditemukan di "
    "situs desa & segera dihapus.",
)
ENTITIES = (
    "Anggaran Rp1,2&nbsp;triliun untuk &quot;prioritas&quot; &#8211; kata Gubernur, "
    "&lt;b&gt;bukan&lt;/b&gt; janji &#x1F600; &eacute;&copy; &amp;lt; &#39;kutip&#39;",
    'Anggaran Rp1,2 triliun untuk "prioritas" – kata Gubernur, <b>bukan</b> janji 😀 é© '
    "&lt; 'kutip'",
)
ZERO_WIDTH = (
    "Pem\u00adbangunan jembatan\u200bMahakam\u200c dan\u200dIbu\u2060Kota\ufeff Nusantara "
    "dipercepat tahun ini.",
) * 2
BIDI = (
    "Gubernur membuka acara dengan ucapan \u200fمرحبا يا رمضان\u200f di Islamic Center, berkas "
    "\u202egpj.exe\u202c diunggah, dan tamu dari \u2067ירושלים\u2069 hadir.",
) * 2
COMBINING = ("Kafe\u0301 Samarinda menyajikan kopi Kaltim bagi 👨\u200d👩\u200d👧 pengunjung.",) * 2
CONTROL = ("Bunyi bel\x07 dan kode \x1b[2J tercetak di laporan lama.",) * 2
# Whitespace of any kind becomes one space (documented): here is what that means.
SPACES = (
    "Jalan\u00a0poros\u2028Samarinda\u3000–\tBontang\r\nselesai&#160;&#160;diperbaiki.",
    "Jalan poros Samarinda – Bontang selesai diperbaiki.",
)
FAITHFUL = (ESCAPED_SCRIPT, ENTITIES, ZERO_WIDTH, BIDI, COMBINING, CONTROL, SPACES)

FORMULA_TITLES = (
    '=HYPERLINK("http://contoh.invalid/x","Klik di sini")',
    "+cmd|' /C calc'!A0 Pemprov Rilis Data",
    "-1+1 Tarif Angkutan Sungai Turun",
    "@SUM(A1:A9) Realisasi Anggaran Kaltim",
    "=1+1",
)


def hostile_page(
    title: str,
    paragraphs: list[str],
    *,
    extra_body: str = "",
    before_article: str = "",
    head_extra: str = "",
    related: tuple[str, ...] = ("/detailberita/berita-lain-satu", "/detailberita/berita-lain-dua"),
) -> str:
    """An article page of the current template ("portal-2025", see fixtures/article/), with
    `title` (HTML-escaped) and `paragraphs` (HTML) as its body, then a signature."""
    escaped = title.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")
    body = "\n".join(f"        <p>{p}</p>" for p in paragraphs)
    aside = "\n".join(
        f'        <li><a href="{path}">Berita Terkait {n}</a>'
        f" <time>Senin, 29 Desember 2025 | 1{n}:02 WITA</time>"
        f' <a class="badge" href="/kategori/pemerintahan">Pemerintahan</a></li>'
        for n, path in enumerate(related, 1)
    )
    return f"""<!doctype html>
<html lang="id" data-theme="light">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{escaped} | Pemerintah Provinsi Kalimantan Timur</title>
  <meta property="og:title" content="{escaped} - Pemprov Kaltim">
  <meta property="article:published_time" content="2025-12-30T14:20:00+08:00">
  <script>window.__APP__ = {{"trending": "<p>IKLAN-HEAD</p>"}};</script>
  {head_extra}
</head>
<body class="page-detailberita">
  <header class="site-header">
    <a href="/" class="site-header__logo"><h1 class="brand">Kalimantan Timur</h1></a>
    <nav class="main-nav" aria-label="Menu utama"><ul>
      <li><a href="/berita">Berita</a></li>
      <li><a href="/kategori/pemerintahan">Pemerintahan</a></li>
      <li><a href="/kategori/kesehatan">Kesehatan</a></li>
    </ul></nav>
  </header>
  {before_article}
  <main id="konten" class="container layout-detail">
    <nav aria-label="breadcrumb"><ol class="breadcrumb">
      <li class="breadcrumb-item"><a href="/">Beranda</a></li>
      <li class="breadcrumb-item"><a href="/kategori/pemerintahan">Pemerintahan</a></li>
    </ol></nav>
    <article class="article">
      <h1 class="article__title">{escaped}</h1>
      <div class="article__meta">
        <span class="article__author">Biro Adpim</span>
        <time datetime="2025-12-30T14:20:00+08:00">Selasa, 30 Desember 2025 | 14:20 WITA</time>
        <a class="badge badge--kategori" href="/kategori/pemerintahan">Pemerintahan</a>
      </div>
      <div class="article__body">
{body}
{extra_body}
        <p>(*/IST)</p>
      </div>
      <div class="share"><span>Bagikan:</span> <a href="https://wa.me/?text=x">WhatsApp</a></div>
    </article>
    <aside class="sidebar">
      <h3>Berita Terbaru</h3>
      <ul>
{aside}
      </ul>
    </aside>
  </main>
  <footer class="site-footer">Pemerintah Provinsi Kalimantan Timur</footer>
</body>
</html>
"""


def big_paragraph(size: int = 1_000_000) -> str:
    sentences = (
        "Pembangunan jalan provinsi di pedalaman Mahakam Ulu terus dikebut (Dinas PUPR) agar "
        "warga mudah bepergian.",
        "Gubernur meminta semua pihak mengawasi mutu pekerjaan; tak ada toleransi bagi "
        "kontraktor yang lalai, termasuk di ruas 12,5 km yang baru.",
        "Samarinda – Balikpapan kini ditempuh lebih cepat lewat jalan tol, kata warga.",
    )
    text = " ".join(f"{sentences[i % 3]} [{i}]" for i in range(size // 40))
    return text[:size].rstrip()


def nested(depth: int, inner: str, *, closed: bool = True) -> str:
    return "<div>" * depth + inner + ("</div>" * depth if closed else "")


# slug: (title, the rest of the page), each page a kind of trouble.
SPECS: dict[str, tuple[str, dict[str, Any]]] = {
    "skrip-dan-entitas": (
        FORMULA_TITLES[0],
        {"paragraphs": [html for html, _ in FAITHFUL], "extra_body": SCRIPTS},
    ),
    "paragraf-satu-megabita": (
        FORMULA_TITLES[1],
        {"paragraphs": [ESCAPED_SCRIPT[0], big_paragraph(), "Paragraf penutup."]},
    ),
    "sarang-lima-ribu": (
        FORMULA_TITLES[2],
        {
            "paragraphs": [ESCAPED_SCRIPT[0], "Paragraf kedua sebelum sarang."],
            "extra_body": nested(5000, "<p>Paragraf terdalam di ujung sarang.</p>")
            + "<p>Paragraf sesudah sarang tetap milik berita.</p>",
        },
    ),
    "sarang-sebelum-berita": (
        FORMULA_TITLES[3],
        {
            "paragraphs": [ESCAPED_SCRIPT[0], "Paragraf kedua berita yang datang sesudah sarang."],
            "before_article": nested(5000, "<span>iklan</span>", closed=False),
        },
    ),
    "json-ld-dan-regex": (
        FORMULA_TITLES[4],
        {
            "paragraphs": [ESCAPED_SCRIPT[0], "(" + "a /" * 5000 + " tanpa penutup"],
            "head_extra": '<script type="application/ld+json">'
            + "[" * 50_000
            + "]" * 50_000
            + "</script>",
        },
    ),
}
PAGES = {slug: (title, hostile_page(title, **spec)) for slug, (title, spec) in SPECS.items()}


def url_of(slug: str, base: str = SITE) -> str:
    return f"{base}/detailberita/{slug}"


def extract(slug: str) -> dict[str, Any]:
    html = PAGES[slug][1]
    return ArticlePage(url_of(slug), html).to_item().to_dict()


# --- extraction -------------------------------------------------------------------------------


def test_script_style_template_and_attribute_text_never_reach_a_field() -> None:
    record = extract("skrip-dan-entitas")
    text = json.dumps(record, ensure_ascii=False)
    for marker in MARKERS:
        assert marker not in text, marker
    assert "Warga diminta melapor." in record["body_text"]


def test_entities_are_decoded_once_and_every_character_is_kept() -> None:
    record = extract("skrip-dan-entitas")
    paragraphs = record["body_text"].split("\n\n")
    expected = [text for _, text in FAITHFUL]
    assert paragraphs[: len(expected)] == expected
    assert record["dateline"] == "Samarinda"
    assert record["author_codes"] == "*/IST"
    # Not normalized: the combining sequence stays decomposed (NFD), the controls stay.
    assert "Kafe\u0301" in record["body_text"]
    assert unicodedata.normalize("NFC", record["body_text"]) != record["body_text"]
    assert "\x1b[2J" in record["body_text"] and "\x07" in record["body_text"]


@pytest.mark.parametrize("title", [*FORMULA_TITLES, "\u200fمرحبا\u200f Ramadhan di \u202eKaltim"])
def test_titles_are_taken_as_written(title) -> None:
    html = hostile_page(title, [ESCAPED_SCRIPT[0], "Paragraf kedua."])
    record = ArticlePage(url_of("judul"), html).to_item().to_dict()
    assert record["title"] == title
    assert record["published_at"] == "2025-12-30T14:20:00+08:00"
    assert record["category"] == "Pemerintahan"


def test_a_1_mb_paragraph_is_kept_whole() -> None:
    started = time.perf_counter()
    record = extract("paragraf-satu-megabita")
    assert time.perf_counter() - started < 10
    assert record["body_text"].split("\n\n")[1] == big_paragraph()
    assert record["body_text"].endswith("Paragraf penutup.")
    assert record["author_codes"] == "*/IST"


@pytest.mark.parametrize(
    "depth", [1_000, 2_047, 5_000, pytest.param(100_000, marks=pytest.mark.slow)]
)
@pytest.mark.parametrize("where", ["in the body", "around the article, never closed"])
@pytest.mark.parametrize("given", ["text", "bytes", "selector"])
def test_deep_nesting_is_read_whole(depth, where, given) -> None:
    """libxml2 stops parsing at ~2,048 levels (the rest of the page silently lost) and walks
    over the tree in Python recursed past the interpreter's limit; now every paragraph is read."""
    if where == "in the body":
        html = hostile_page(
            "Berita Sarang",
            ["Samarinda — Paragraf pembuka berita sarang.", "Paragraf kedua."],
            extra_body=nested(depth, "<p>Paragraf terdalam.</p>") + "<p>Paragraf sesudah.</p>",
        )
        tail = ["Paragraf kedua.", "Paragraf terdalam.", "Paragraf sesudah."]
    else:
        html = hostile_page(
            "Berita Sarang",
            ["Samarinda — Paragraf pembuka berita sarang.", "Paragraf kedua."],
            before_article=nested(depth, "<span>Iklan sebelum berita</span>", closed=False),
        )
        tail = ["Paragraf kedua."]
    source = {"text": html, "bytes": html.encode("utf-8"), "selector": Selector(text=html)}
    record = ArticlePage(url_of("berita-sarang"), source[given]).to_item().to_dict()
    assert record["title"] == "Berita Sarang"
    assert record["published_raw"] == "Selasa, 30 Desember 2025 | 14:20 WITA"
    assert record["category"] == "Pemerintahan"
    assert record["body_text"].split("\n\n")[1:] == tail
    assert record["author_codes"] == "*/IST"


def test_nesting_of_mixed_tags_past_512_levels_is_flattened_text_and_all() -> None:
    """No run of identical tags to fold: past 512 levels elements become siblings (as in
    Chromium), so the article's own structure is gone there; its text is all kept."""
    html = hostile_page(
        "Berita Tabel",
        ["Samarinda — Paragraf pembuka berita tabel.", "Paragraf kedua."],
        before_article="<table><tr><td><div>" * 1500,
    )
    record = ArticlePage(url_of("berita-tabel"), html).to_item().to_dict()
    assert record["title"] == "Berita Tabel"
    assert record["published_raw"] == "Selasa, 30 Desember 2025 | 14:20 WITA"
    body = record["body_text"]
    assert "Paragraf pembuka berita tabel." in body and "Paragraf kedua." in body


@pytest.mark.parametrize(
    ("html", "flat"),
    [
        ("<div><div><div><p>x</p></div></div></div><p>y</p>", "<div><p>x</p><br></div><p>y</p>"),
        ("<div><div>a</div>b</div>", "<div>a<br>b</div>"),
        ("<b><b><b>tebal", "<b>tebal"),
        ("<p>a<p>b<p>c", "<p>a<p>b<p>c"),  # paragraphs do not nest: nothing to fold
        (
            '<div class="a"><div class="b">x</div></div>',
            '<div class="a"><div class="b">x</div></div>',
        ),
        ("<i><i><i>x</i></i></i>", "<i>x</i>"),
        (
            "<span><span><script>s='<div><p>';</script></span></span>",
            "<span><script>s='<div><p>';</script></span>",
        ),
        ("<!-- <div><div> --><div><div>x", "<!-- <div><div> --><div>x"),
        # Past the depth limit (2 here), an element opened there closes the one before it.
        ("<a><b><c>1<d>2</d>3</c></b></a>", "<a><b><c>1</c><d>2</d>3</b></a>"),
    ],
)
def test_flatten(html, flat) -> None:
    assert flatten(html, max_depth=2) == flat


def test_the_crawls_extraction_reads_deep_pages_too() -> None:
    html = PAGES["sarang-lima-ribu"][1]
    page = extract_article(url_of("sarang-lima-ribu"), html, DEFAULT_BASE_URL, NOW)
    assert page.record.to_dict() == extract("sarang-lima-ribu")
    assert "Paragraf terdalam di ujung sarang." in page.record.body_text
    assert "Paragraf sesudah sarang tetap milik berita." in page.record.body_text


def test_links_after_deep_nesting_are_still_discovered() -> None:
    # libxml2 alone stops parsing at ~2,048 levels: the links after the nest would be lost to
    # discovery, on listing pages and in an article page's sidebars alike.
    late = f"{SITE}/detailberita/berita-sesudah-sarang"
    html = hostile_page(
        "Sarang lalu tautan",
        paragraphs=["Paragraf pertama berita ini cukup panjang untuk dibaca sebagai isi."],
        extra_body=nested(5000, "<span>iklan</span>") + f'<a href="{late}">Berita lain</a>',
    )
    assert late in ListingPage(url_of("sarang-lalu-tautan"), html).article_urls
    page = extract_article(url_of("sarang-lalu-tautan"), html, DEFAULT_BASE_URL, NOW)
    assert late in page.article_urls


def test_json_ld_nested_past_the_recursion_limit_is_skipped() -> None:
    record = extract("json-ld-dan-regex")
    assert record["title"] == FORMULA_TITLES[4]
    assert record["published_at"] == "2025-12-30T14:20:00+08:00"


@pytest.mark.parametrize(
    "paragraph",
    ["(" + "a /" * 5000, "(a/" * 50_000, "(" + "a" * 29 + " /" * 5000 + ")x", "(a / " * 5000],
)
def test_a_paragraph_built_to_backtrack_is_read_in_linear_time(paragraph) -> None:
    html = hostile_page("Berita Jebakan", ["Samarinda — Pembuka.", paragraph])
    html = html.replace("<p>(*/IST)</p>", "")  # the trap is the last paragraph, as a signature
    started = time.perf_counter()
    record = ArticlePage(url_of("jebakan"), html).to_item().to_dict()
    assert time.perf_counter() - started < 5
    assert record["body_text"].split("\n\n")[-1] == " ".join(paragraph.split())


# --- the archive ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_archive(tmp_path_factory) -> Path:
    """The hostile pages archived as a crawl would (WARC + captures), and store-level records
    whose cells start with every formula trigger (tab, CR, LF included: extraction strips those
    from the ends of a title, so only the store can hold them)."""
    path = tmp_path_factory.mktemp("hostile")
    build_from_pages(
        path / "humas.sqlite",
        path / "warc",
        [(url_of(slug), html) for slug, (_, html) in PAGES.items()],
    )
    with Store.open(path / "humas.sqlite") as store:
        for record in TRIGGER_RECORDS:
            store.articles.save(record, capture=None, run_id=None, fetched_at=FETCHED_AT)
    return path


TRIGGER_RECORDS = [
    article(
        f"pemicu-{n}",
        title=f"{trigger}Judul dengan pemicu {n}",
        body_text=f"{trigger}Isi berita dengan pemicu {n}.\n\nParagraf kedua.",
        dateline=f"{trigger}Samarinda",
        photo_caption=f"{trigger}Foto",
        author_codes=f"{trigger}her/hmsprov",
        category="=Kategori Jahat\u202e",
    )
    for n, trigger in enumerate(csvsafe.FORMULA_TRIGGERS, 1)
]


@pytest.fixture
def archive(hostile_archive, tmp_path) -> Path:
    shutil.copytree(hostile_archive, tmp_path / "a")
    return tmp_path / "a"


def stored_rows(db: Path) -> list[dict[str, Any]]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(row) for row in conn.execute("select * from articles order by id")]
    finally:
        conn.close()


def test_the_archive_holds_exactly_what_extraction_gave(hostile_archive) -> None:
    with Store.open(hostile_archive / "humas.sqlite", readonly=True) as store:
        for slug in PAGES:
            expected = extract(slug)
            stored = stored_article(store, url_of(slug))
            expected["category_known"] = int(expected["category_known"])
            assert {name: stored[name] for name in RECORD_FIELDS} == expected
            (revision,) = store.articles.revisions(stored["id"])
            assert (revision["title"], revision["body_text"]) == (
                expected["title"],
                expected["body_text"],
            )
        for record in TRIGGER_RECORDS:
            stored = stored_article(store, record.url)
            for name in ("title", "body_text", "dateline", "photo_caption", "author_codes"):
                assert stored[name] == getattr(record, name)


@pytest.mark.parametrize(
    "word",
    ["jembatan", "Mahakam", "Ibu", "Kota", "Nusantara", "رمضان", "ירושלים", "gpj", "kafe", "kafé"],
)
def test_search_finds_words_beside_invisible_and_bidi_characters(hostile_archive, word) -> None:
    """A zero-width or bidi character between words separates them, as a space would; accents
    (composed or combining) do not matter. (A soft hyphen or joiner inside a word splits it in
    two for the index: "Pem\u00adbangunan" is found as "Pem" and as "bangunan".)"""
    with Store.open(hostile_archive / "humas.sqlite", readonly=True) as store:
        hits = store.articles.search(ArticleFilter(fts_query=literal_query(word)), limit=5)
    assert url_of("skrip-dan-entitas") in [hit["url"] for hit in hits]


# --- export ---------------------------------------------------------------------------------------


def run(*argv: str) -> Any:
    result = CliRunner().invoke(main, list(argv))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    return result


def read_csv(text: str) -> list[list[str]]:
    # Python's csv module refuses cells over 128 KiB unless told otherwise (docs/export.md).
    limit = csv.field_size_limit(sys.maxsize)
    try:
        with io.StringIO(text, newline="") as stream:
            return list(csv.reader(stream))
    finally:
        csv.field_size_limit(limit)


def expected_cell(value: Any, *, raw: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value if raw else csvsafe.neutralize(value)
    return str(value)


@pytest.mark.parametrize("flavour", ["csv", "excel", "raw"])
def test_csv_export_is_exact_and_neutralizes_formulas(archive, flavour) -> None:
    out = archive / "berita.csv"
    extra = {"csv": [], "excel": ["--excel"], "raw": ["--raw"]}[flavour]
    argv = ["export", "--db", str(archive / "humas.sqlite"), "--format", "csv"]
    result = run(*argv, "--columns", "all", "--include-duplicates", "-o", str(out), *extra)
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    if flavour == "excel":
        assert data.startswith(b"\xef\xbb\xbf")
    table = read_csv(data.decode("utf-8-sig" if flavour == "excel" else "utf-8"))
    stored = stored_rows(archive / "humas.sqlite")
    header, rows = table[0], table[1:]
    assert header == list(stored[0])
    rows.sort(key=lambda row: int(row[header.index("id")]))
    assert len(rows) == len(stored)  # no row split by a line break, CR or control character
    for row, values in zip(rows, stored, strict=True):
        assert row == [expected_cell(v, raw=flavour == "raw") for v in values.values()]
    titles = {row[header.index("title")] for row in rows}
    if flavour == "raw":
        assert set(FORMULA_TITLES) <= titles
    else:
        assert {"'" + title for title in FORMULA_TITLES} <= titles
        for row in rows:
            for cell in row:
                assert not cell.startswith(csvsafe.FORMULA_TRIGGERS), cell[:40]


def test_csv_neutralization_matches_the_reference_rule(archive) -> None:
    """`store.articles.export` applies the rule in SQL; csvsafe.neutralize is its reference."""
    with Store.open(archive / "humas.sqlite", readonly=True) as store:
        columns = store.articles.columns()
        raw = list(store.articles.export(columns, ArticleFilter(include_duplicates=True)))
        safe = list(
            store.articles.export(
                columns,
                ArticleFilter(include_duplicates=True),
                formula_triggers=csvsafe.FORMULA_TRIGGERS,
            )
        )
    for raw_row, safe_row in zip(raw, safe, strict=True):
        assert list(safe_row) == [csvsafe.neutralize(value) for value in raw_row]


def test_jsonl_export_is_exact(archive) -> None:
    out = archive / "berita.jsonl"
    db = str(archive / "humas.sqlite")
    argv = ["export", "--db", db, "--format", "jsonl", "--columns", "all", "--include-duplicates"]
    result = run(*argv, "-o", str(out))
    assert result.exit_code == 0, result.output
    lines = out.read_text(encoding="utf-8").split("\n")
    assert lines.pop() == ""
    records = sorted((json.loads(line) for line in lines), key=lambda record: record["id"])
    stored = stored_rows(archive / "humas.sqlite")
    assert records == [{**row, "image_urls": json.loads(row["image_urls"])} for row in stored]


# --- search, stats, inspect -----------------------------------------------------------------------


def test_search_output(archive) -> None:
    db = str(archive / "humas.sqlite")
    result = run("search", "--db", db, "bel", "kode", "tercetak", "laporan")
    assert result.exit_code == 0, result.output
    assert FORMULA_TITLES[0] in result.stdout  # a terminal is not a spreadsheet
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "\\x1b[2J" in result.stdout  # the site's escape sequence, shown, not run
    result = run("search", "--db", db, "--json", "jembatan")
    hits = json.loads(result.stdout)
    assert [hit["url"] for hit in hits] == [url_of("skrip-dan-entitas")]
    assert hits[0]["title"] == FORMULA_TITLES[0]
    assert "Pem\u00adbangunan [jembatan]\u200bMahakam\u200c" in hits[0]["snippet"]
    result = run("search", "--db", db, "--json", "bel", "kode", "tercetak", "laporan")
    assert "\x1b[2J" in json.loads(result.stdout)[0]["snippet"]  # exact in JSON


def test_stats_with_hostile_category_labels(archive) -> None:
    """A category label is cleaned (its own normalization: punctuation and format characters
    go); the label as shown stays in `category_raw`, exported spreadsheet-safe."""
    db = str(archive / "humas.sqlite")
    result = run("stats", "--db", db)
    assert result.exit_code == 0, result.output
    assert "Kategori Jahat (kategori-jahat): 7 articles" in result.stdout
    summary = json.loads(run("stats", "--db", db, "--json").stdout)
    unknown = {c["category"]: c["articles"] for c in summary["unknown_categories"]}
    assert unknown == {"Kategori Jahat": len(TRIGGER_RECORDS)}
    rows = stored_rows(archive / "humas.sqlite")
    assert {row["category_raw"] for row in rows} == {"Pemerintahan", "=Kategori Jahat\u202e"}
    assert summary["totals"]["articles"] == len(PAGES) + len(TRIGGER_RECORDS)


@pytest.mark.parametrize("slug", list(PAGES))
def test_inspect_a_saved_hostile_page(tmp_path, slug) -> None:
    html = PAGES[slug][1]
    page = tmp_path / "page.html"
    page.write_text(html, encoding="utf-8")
    result = run("inspect", str(page), "--url", url_of(slug), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == json.loads(json.dumps(extract(slug)))
    result = run("inspect", str(page), "--url", url_of(slug))
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.stdout
    assert len(result.stdout) < 20_000  # a 1 MB paragraph is shown cut, not whole


def test_save_fixture_of_a_hostile_page(tmp_path) -> None:
    _, html = PAGES["skrip-dan-entitas"]
    page = tmp_path / "page.html"
    page.write_text(html, encoding="utf-8")
    argv = ["save-fixture", str(page), "--url", url_of("skrip-dan-entitas"), "--name", "jahat"]
    result = run(*argv, "--fixtures-dir", str(tmp_path / "fixtures"))
    assert result.exit_code == 0, result.output
    case = tmp_path / "fixtures" / "article" / "jahat"
    assert (case / "page.html").read_bytes() == html.encode("utf-8")
    expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    assert expected == json.loads(json.dumps(extract("skrip-dan-entitas")))


# --- reparse ------------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("workers", [0, 2])
def test_reparse_of_hostile_captures(archive, workers) -> None:
    """Unchanged when nothing changed; restores the exact text when the archive was altered."""
    db = archive / "humas.sqlite"
    argv = ["reparse", "--db", str(db), "--warc-dir", str(archive / "warc")]
    result = run(*argv, "--workers", str(workers))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"reparsed {len(PAGES)}: 0 new, 0 changed, {len(PAGES)} unch")
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("update articles set body_text = 'rusak', content_hash = 'x'")
    conn.close()
    result = run(*argv, "--workers", str(workers))
    assert result.exit_code == 0, result.output
    assert f"{len(PAGES)} changed" in result.stdout
    with Store.open(db, readonly=True) as store:
        for slug in PAGES:
            assert stored_article(store, url_of(slug))["body_text"] == extract(slug)["body_text"]


# --- a real crawl -------------------------------------------------------------------------------


class HostileArticles(Faults):
    """The replica's newest articles served as the hostile pages (same URLs), their sidebars
    linking to the replica's other articles."""

    def __init__(self, paths: dict[str, str], related: tuple[str, ...]) -> None:
        self.pages = {}
        for path, slug in paths.items():
            title, spec = SPECS[slug]
            self.pages[path] = hostile_page(title, **spec, related=related)

    def after(self, request: Request, response: Response) -> Response:
        html = self.pages.get(request.path)
        if html is None or response.status != 200:
            return response
        return Response(200, html.encode("utf-8"), response.content_type, response.headers)


@pytest.mark.slow
def test_a_crawl_archives_hostile_pages_and_every_command_reads_them(tmp_path) -> None:
    site = ReplicaSite(articles=8, seed=21)
    newest = site.newest_first()
    paths = {article.path: slug for article, slug in zip(newest, PAGES, strict=False)}
    related = tuple(article.path for article in newest[len(PAGES) :])
    faults = HostileArticles(paths, related)
    with ReplicaServer(site, faults=faults) as server:
        base_url = server.base_url
        result = crawl(server, tmp_path, "--mode", "full")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    db = tmp_path / "humas.sqlite"
    with Store.open(db, readonly=True) as store:
        for path, html in faults.pages.items():
            expected = extract_article(f"{base_url}{path}", html, base_url, NOW).record.to_dict()
            stored = stored_article(store, expected["url"])
            for name in ("title", "body_text", "published_at", "category", "author_codes"):
                assert stored[name] == expected[name], (path, name)
        assert store.counts()["quarantine"] == 0
    argv = ["reparse", "--db", str(db), "--warc-dir", str(tmp_path / "warc"), "--workers", "0"]
    result = run(*argv)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"reparsed {len(newest)}: 0 new, 0 changed, {len(newest)} un")
    out = tmp_path / "berita.csv"
    result = run("export", "--db", str(db), "--format", "csv", "-o", str(out))
    assert result.exit_code == 0, result.output
    header, *rows = read_csv(out.read_text(encoding="utf-8"))
    assert len(rows) == len(newest)
    titles = {row[header.index("title")] for row in rows}
    assert {"'" + PAGES[slug][0] for slug in PAGES} <= titles
    assert run("stats", "--db", str(db)).exit_code == 0
    assert run("search", "--db", str(db), "Mahakam").exit_code == 0
