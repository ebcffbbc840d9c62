"""The site profile: every selector and pattern specific to the Kaltim news site, in one place.

Extraction tries these first and falls back to template-independent (semantic) rules after them,
so when the site changes a researcher edits this file and nothing else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from humas_crawler.normalize.urls import ARTICLE_PATH_PREFIXES, DEFAULT_BASE_URL

_DAYS = r"(?:Senin|Selasa|Rabu|Kamis|Jum'?at|Sabtu|Minggu|Ahad)"
_MONTHS = (
    r"(?:Januari|Februari|Pebruari|Maret|April|Mei|Juni|Juli|Agustus|September|Oktober|"
    r"November|Nopember|Desember|January|February|March|May|June|July|August|October|"
    r"December|Jan|Feb|Peb|Mar|Apr|Jun|Jul|Agu|Agt|Ags|Aug|Sept|Sep|Okt|Oct|Nov|Nop|Des|Dec)"
)
_TIME = r"\d{1,2}[:.]\d{2}(?:[:.]\d{2})?"
_ZONE = r"(?:\s*(?:WITA|WIB|WIT)\b)?"

# One code of a reporter signature ("her", "hmsprov", "*"), at most 31 characters.
_CODE = r"[A-Za-z*](?:[A-Za-z* ]{0,29}[A-Za-z*])?"

# A publication timestamp as the site and similar templates show it, found inside a longer text:
# "21 Juni 2022 Jam 22:03:32", "Selasa, 30 Desember 2025 | 14:20 WITA", "21/06/2022 22:03".
TIMESTAMP_IN_TEXT = re.compile(
    rf"(?:{_DAYS},?\s*)?\b\d{{1,2}}\s+{_MONTHS}\.?\s+\d{{4}}"
    rf"(?:\s*(?:,|\||-|\bJam\b|\bPukul\b|\bpukul\b|\bjam\b)?\s*{_TIME}{_ZONE})?"
    rf"|\b\d{{1,2}}/\d{{1,2}}/\d{{4}}(?:,?\s+{_TIME}{_ZONE})?",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class SiteProfile:
    """Selectors (CSS, tried in order) and text patterns of one news site."""

    name: str
    base_url: str
    article_path_prefixes: tuple[str, ...]
    # Article pages.
    body: tuple[str, ...] = ()
    title: tuple[str, ...] = ()
    published: tuple[str, ...] = ()
    category: tuple[str, ...] = ()
    # Listing pages.
    featured: tuple[str, ...] = ()
    sidebar: tuple[str, ...] = ()
    next_page: tuple[str, ...] = ()
    # Hrefs of category listing pages ("/kategori/sosial").
    category_href: re.Pattern[str] = re.compile(
        r"/(?:kategori|category|kanal|rubrik)/[^/?#]+", re.I
    )
    # Names of the site itself: a heading or title part equal to one of these is never the title.
    site_names: tuple[str, ...] = ()
    # Text patterns of the article body.
    timestamp_in_text: re.Pattern[str] = TIMESTAMP_IN_TEXT
    # "/////FOTO : ...", "////Foto : ...", "Foto: ...": the caption marker and the caption after it.
    caption: re.Pattern[str] = re.compile(r"^\s*/*\s*foto\s*:\s*(?P<text>.*\S)\s*$", re.I | re.S)
    # A reporter signature closing the last paragraph: "(her/sul/es/hmsprov).", "(*/IST)".
    # A code ends with a letter, never a space: spaces before "/" or ")" have one way to match,
    # so "(a /a /a /..." is read in linear time (overlapping spaces made it exponential).
    signature: re.Pattern[str] = re.compile(
        rf"\s*\((?P<codes>{_CODE}(?:\s*/\s*{_CODE})+) *\)\.?\s*$"
    )
    # Read-also lines inside the body: "Baca Juga: <title>".
    read_also: re.Pattern[str] = re.compile(r"^\s*(?:baca\s+juga|baca\s+pula|read\s+also)\b", re.I)
    # Datelines: "SAMARINDA –", "TANJUNG REDEB-", "Samarinda — ", "Balikpapan,"; other provinces
    # put the day between place and dash: "Mamuju (28/5/2024) -", "Surabaya (Selasa, 6/6/2023) -".
    dateline_dash: re.Pattern[str] = re.compile(
        r"^\s*(?P<place>[A-Z][A-Z'’.]*(?:\s+[A-Z][A-Z'’.]*){0,3}"
        r"|[A-Z][a-z'’]+(?:\s+[A-Z][a-z'’]+){0,2})\s*(?:\([\w ,./-]{1,40}\)\s*)?[–—-]+\s*\S"
    )
    dateline_comma: re.Pattern[str] = re.compile(
        r"^\s*(?P<place>[A-Z][A-Za-z'’]+(?:\s+[A-Z][A-Za-z'’]+){0,2})\s*,\s+\S"
    )
    # Places that may open a body with a comma dateline ("Balikpapan, ..."); an all-caps place needs
    # no listing. Without this list "Menurutnya, ..." would read as a dateline.
    places: frozenset[str] = field(default_factory=frozenset)
    # Class/id words of blocks that are never part of an article (matched against the words of the
    # class and id attributes, split on spaces, "-" and "_").
    noise_words: frozenset[str] = field(default_factory=frozenset)
    featured_words: frozenset[str] = field(default_factory=frozenset)
    sidebar_words: frozenset[str] = field(default_factory=frozenset)


KALTIM = SiteProfile(
    name="kaltimprov",
    base_url=DEFAULT_BASE_URL,
    article_path_prefixes=ARTICLE_PATH_PREFIXES,
    # The live markup was never seen from here; these are the likely names, tried before the
    # semantic fallbacks. Fix them here when the site's markup is known.
    body=(
        ".detail-berita .isi",
        ".detail-berita .content",
        ".berita-detail .isi",
        ".news-detail .isi",
    ),
    title=(".detail-berita h1", ".berita-detail h1", ".news-detail h1"),
    published=(".detail-berita .tanggal", ".berita-detail .tanggal", ".news-detail .date"),
    category=(".detail-berita .kategori", ".berita-detail .kategori"),
    featured=(".berita-utama", ".headline", ".featured", ".pinned", ".sticky"),
    sidebar=("aside", ".sidebar", ".widget"),
    next_page=("link[rel=next]", "a[rel~=next]"),
    site_names=(
        "Kalimantan Timur",
        "Provinsi Kalimantan Timur",
        "Pemerintah Provinsi Kalimantan Timur",
        "Pemprov Kaltim",
        "Humas Pemprov Kaltim",
        "Kaltimprov",
        "kaltimprov.go.id",
        "www.kaltimprov.go.id",
        "Portal Resmi Pemerintah Provinsi Kalimantan Timur",
        "Berita",
    ),
    places=frozenset(
        {
            "Samarinda",
            "Balikpapan",
            "Bontang",
            "Tenggarong",
            "Sangatta",
            "Sendawar",
            "Tanjung Redeb",
            "Tana Paser",
            "Penajam",
            "Ujoh Bilang",
            "Kutai Kartanegara",
            "Kutai Timur",
            "Kutai Barat",
            "Berau",
            "Paser",
            "Mahakam Ulu",
            "Penajam Paser Utara",
            "Nunukan",
            "Tarakan",
            "Tanjung Selor",
            "Malinau",
            "Jakarta",
            "Maratua",
            "Sangkulirang",
            "Marang Kayu",
            "Pontianak",
            "Banjarmasin",
            "Palangka Raya",
            "Surabaya",
            "Bandung",
            "Yogyakarta",
            "Makassar",
            "Denpasar",
            "Batam",
            "Medan",
            "Nusantara",
            "Sepaku",
            "Loa Janan",
            "Muara Badak",
            "Anggana",
            "Sanga Sanga",
        }
    ),
    noise_words=frozenset(
        {
            "sidebar",
            "widget",
            "share",
            "sharing",
            "social",
            "sosmed",
            "comment",
            "comments",
            "komentar",
            "related",
            "terkait",
            "popular",
            "populer",
            "terpopuler",
            "trending",
            "footer",
            "menu",
            "navbar",
            "navigation",
            "breadcrumb",
            "breadcrumbs",
            # "tags" but not "tag": WordPress marks the post itself with "tag-<name>".
            "tags",
            "bacajuga",
            "readmore",
            "advertisement",
            "ads",
            "iklan",
            "banner",
            "pagination",
            "subscribe",
            "newsletter",
            "disqus",
            "author",
            "penulis",
            "recent",
            "lainnya",
        }
    ),
    featured_words=frozenset(
        {
            "featured",
            "pinned",
            "sticky",
            "headline",
            "headlines",
            "highlight",
            "slider",
            "carousel",
            "unggulan",
            "pilihan",
            "sorotan",
            "topnews",
        }
    ),
    sidebar_words=frozenset(
        {
            "sidebar",
            "widget",
            "popular",
            "populer",
            "terpopuler",
            "trending",
            "related",
            "terkait",
            "recent",
            "lainnya",
        }
    ),
)
