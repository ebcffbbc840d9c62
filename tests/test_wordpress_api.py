"""WordPress REST API answers read into article fields (extract/wordpress.py), no network."""

from __future__ import annotations

from pathlib import Path

import pytest

from humas_crawler.archive.record import ArticleRecord, content_hash
from humas_crawler.extract.wordpress import (
    WordPressError,
    apply_post,
    content_text,
    parse_categories,
    parse_posts,
)
from humas_crawler.normalize import Taxonomy

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "wordpress"


def posts(zone: str = "WIB"):
    categories = parse_categories((FIXTURES / "categories.json").read_bytes())
    return parse_posts((FIXTURES / "posts.json").read_bytes(), categories, zone)


def test_categories_decoded_by_id() -> None:
    categories = parse_categories((FIXTURES / "categories.json").read_bytes())
    assert categories == {2: "Pemerintahan", 7: "Ekonomi & Pembangunan"}


def test_posts_with_a_link_and_id_only() -> None:
    assert [post.id for post in posts()] == [4811, 4790]


def test_title_entities_decoded() -> None:
    title = "Gubernur Tinjau “Pasar Murah” di Sidoarjo – Warga’s Antusias & Tertib"
    assert posts()[0].title == title


@pytest.mark.parametrize(
    ("zone", "iso"),
    [
        ("WIB", "2023-06-06T09:15:00+07:00"),
        ("WITA", "2023-06-06T10:15:00+08:00"),
        ("WIT", "2023-06-06T11:15:00+09:00"),
    ],
)
def test_date_gmt_is_the_instant_in_the_sites_zone(zone: str, iso: str) -> None:
    assert posts(zone)[0].published_at == iso


def test_modified_in_utc_and_categories_by_name_primary_first() -> None:
    first, second = posts()
    assert first.modified_utc == "2023-06-07T01:00:00Z"
    assert first.categories == ("Ekonomi & Pembangunan", "Pemerintahan")
    assert second.categories == ("99",)  # an id the categories answer did not name


def test_body_without_shortcodes_and_captions() -> None:
    post = posts()[0]
    assert post.body_text == (
        "Sidoarjo (Selasa, 6/6/2023) – Gubernur meninjau pasar murah.\n\n"
        "Warga datang sejak pagi & antre dengan tertib."
    )
    assert post.photo_caption == "Gubernur di pasar murah Sidoarjo."
    assert "[" not in post.body_text and "youtube" not in post.body_text


def test_classic_caption_markup_and_lists() -> None:
    body, caption = content_text(
        '<div id="attachment_9" class="wp-caption aligncenter"><img src="a.jpg">'
        '<p class="wp-caption-text">Foto: Humas</p></div>'
        '<p>Satu.</p><ul><li>Dua</li></ul><p>[caption id="x"]<img> Tiga[/caption]</p>'
    )
    assert body == "Satu.\n\nDua"
    assert caption == "Foto: Humas"
    assert content_text("  ") == (None, None)


@pytest.mark.parametrize("body", [b"<html>", b'{"code": "rest_no_route"}'])
def test_an_answer_that_is_no_list_of_posts_is_an_error(body: bytes) -> None:
    with pytest.raises(WordPressError):
        parse_posts(body, {}, "WIB")


def test_apply_post_lets_the_api_win_and_rehashes() -> None:
    page = ArticleRecord(
        url="https://ppid.example.go.id/2023/06/06/gubernur-tinjau-pasar-murah-di-sidoarjo/",
        site="jatimprov-ppid",
        title="Gubernur Tinjau &#8220;Pasar",  # a theme that double-encoded its heading
        published_at="2023-06-06T00:00:00+07:00",
        published_precision="day",
        body_text="Sidoarjo ... Share on Facebook",
        dateline="Sidoarjo",
    ).with_hash()
    record = apply_post(page, posts()[0], Taxonomy.default())
    assert record.title.startswith("Gubernur Tinjau “Pasar Murah”")
    assert record.published_at == "2023-06-06T09:15:00+07:00"
    assert record.published_at_utc == "2023-06-06T02:15:00Z"
    assert (record.published_date, record.published_precision) == ("2023-06-06", "second")
    assert record.published_raw == "2023-06-06T02:15:00Z"
    assert record.category_raw == "Ekonomi & Pembangunan"
    assert record.body_text.endswith("antre dengan tertib.")
    assert record.dateline == "Sidoarjo"  # what the API does not give stays the page's
    assert record.content_hash == content_hash(
        record.title, record.body_text, record.published_raw, record.category_raw
    )
    assert record.content_hash != page.content_hash


def test_reparse_pairs_a_page_with_the_newest_answer_before_it() -> None:
    from humas_crawler.crawl.wordpress_reparse import ApiAnswer, ArchivedApi

    first = ApiAnswer("2026-11-01T10:00:00Z", "a.warc.gz", 0)
    second = ApiAnswer("2026-11-02T10:00:00Z", "b.warc.gz", 500)
    api = ArchivedApi(answers={"https://x.go.id/berita/a/": [first, second]})
    url = "https://x.go.id/berita/a/"
    assert api.answer_for(url, "2026-11-01T09:59:59Z") is None  # read without the API
    assert api.answer_for(url, "2026-11-01T10:00:00Z") == first
    assert api.answer_for(url, "2026-11-01T10:00:05Z") == first
    assert api.answer_for(url, "2026-11-03T00:00:00Z") == second
    assert api.answer_for("https://x.go.id/berita/b/", "2026-11-03T00:00:00Z") is None
