"""ArticlePage beyond the fixtures: profile first, odd input, record shape."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from humas_crawler.archive.record import RECORD_FIELDS
from humas_crawler.extract.article import ArticlePage
from humas_crawler.extract.listing import ListingPage
from humas_crawler.extract.profile import KALTIM

URL = "https://www.kaltimprov.go.id/berita/contoh-berita"
BODY = "".join(
    f"<p>SAMARINDA – Paragraf ke-{i} berisi kalimat yang cukup panjang tentang program pemerintah "
    f"provinsi untuk masyarakat Kalimantan Timur.</p>"
    for i in range(1, 5)
)


def test_record_has_every_field_in_order() -> None:
    page = ArticlePage(URL, f"<html><body><h1>Judul</h1>{BODY}</body></html>")
    assert tuple(page.to_item().to_dict()) == RECORD_FIELDS


def test_site_profile_selectors_are_tried_before_semantic_rules() -> None:
    html = (
        "<html><body><h1>Judul Semantik</h1><div class='judul-khusus'>Judul Profil</div>"
        f"<div class='isi'>{BODY}</div></body></html>"
    )
    assert ArticlePage(URL, html).title == "Judul Semantik"
    profile = dataclasses.replace(KALTIM, title=(".judul-khusus",))
    assert ArticlePage(URL, html, profile=profile).title == "Judul Profil"


def test_timestamp_and_category_come_from_the_article_not_the_sidebar() -> None:
    sidebar = "".join(
        f"<li><a href='/berita/lain-{i}'>Berita lain {i}</a>"
        f" <span>0{i} Januari 2014 Jam 00:00:00</span> <span>Kesehatan</span></li>"
        for i in range(1, 6)
    )
    html = (
        f"<html><body><div class='kiri'><ul>{sidebar}</ul></div><div class='kanan'>"
        "<h2>Judul Berita</h2><div>21 Juni 2022 Jam 22:03:32 | "
        f"<a href='/kategori/sosial'>Sosial</a></div>{BODY}</div>"
        f"<div class='bawah'><ul>{sidebar}</ul></div></body></html>"
    )
    item = ArticlePage(URL, html).to_item().to_dict()
    assert item["published_at"] == "2022-06-21T22:03:32+08:00"
    assert item["category"] == "Sosial"
    assert item["title"] == "Judul Berita"
    assert "Berita lain" not in item["body_text"]


def test_impossible_timestamp_keeps_raw_and_warns() -> None:
    html = f"<html><body><h1>Judul</h1><p>31 Februari 2022 Jam 10:00:00</p>{BODY}</body></html>"
    page = ArticlePage(URL, html)
    assert page.published_raw == "31 Februari 2022 Jam 10:00:00"
    assert page.to_item().published_at is None
    assert any("not a valid time" in w for w in page.warnings())


@pytest.mark.parametrize(
    "html", ["", "<html></html>", "<p>", "\x00\x01", "<html><body>" + "<div>" * 500 + "x</body>"]
)
def test_degenerate_pages_give_empty_records_not_errors(html: str) -> None:
    item = ArticlePage(URL, html or " ").to_item().to_dict()
    assert item["url"] == URL
    assert ListingPage(URL, html or " ").to_item()["entries"] == []


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=300))
def test_any_text_extracts_without_raising(text: str) -> None:
    ArticlePage(URL, f"<html><body><h1>{text}</h1><p>{text}</p></body></html>").to_item().to_dict()


def test_category_urls_are_first_pages_only() -> None:
    html = (
        "<a href='/kategori/sosial'>Sosial</a> <a href='/kategori/sosial?page=2'>2</a>"
        " <a href='/kategori/pendidikan?page=1'>Pendidikan</a> <a href='/kategori/x/page/3'>3</a>"
    )
    page = ListingPage("https://www.kaltimprov.go.id/berita", f"<html><body>{html}</body></html>")
    assert page.category_urls == [
        "https://www.kaltimprov.go.id/kategori/sosial",
        "https://www.kaltimprov.go.id/kategori/pendidikan",
    ]


def test_a_day_name_that_contradicts_the_date_is_a_warning() -> None:
    html = (
        "<html><body><h1>Judul</h1><p>Senin, 7 Juli 2023 Jam 10:00:00 | Sosial</p>"
        f"{BODY}</body></html>"
    )
    page = ArticlePage(URL, html)
    assert page.to_item().published_at == "2023-07-07T10:00:00+08:00"
    assert any("'Senin' does not match 2023-07-07" in w for w in page.warnings())
