"""Tests for humas_crawler.normalize.urls."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from humas_crawler.normalize import DEFAULT_BASE_URL, Site, canonicalize_url

REAL_URLS = [
    line
    for line in (Path(__file__).parent / "data" / "real_urls.txt").read_text().splitlines()
    if line.strip()
]
SITE = Site.from_base_url()
REPLICA = Site.from_base_url("http://127.0.0.1:8123")


def test_site_from_default_base_url() -> None:
    assert (SITE.scheme, SITE.host, SITE.port) == ("https", "www.kaltimprov.go.id", None)
    assert SITE.base_url == DEFAULT_BASE_URL


def test_replica_site() -> None:
    assert (REPLICA.scheme, REPLICA.host, REPLICA.port) == ("http", "127.0.0.1:8123", 8123)


@pytest.mark.parametrize("base_url", ["", "ftp://example.com", "/berita", "http://", "x:y"])
def test_bad_base_url(base_url: str) -> None:
    with pytest.raises(ValueError, match="base URL"):
        Site.from_base_url(base_url)


def test_real_urls_file() -> None:
    assert len(REAL_URLS) == len(set(REAL_URLS)) >= 50


@pytest.mark.parametrize("url", REAL_URLS)
def test_real_url_canonical_form(url: str) -> None:
    path = urlsplit(url).path
    slug = path.rsplit("/", 1)[1]
    expected = f"https://www.kaltimprov.go.id{path}"
    assert canonicalize_url(url) == expected
    assert SITE.is_on_site(url)
    assert SITE.is_article_url(url)
    assert SITE.article_slug(url) == slug


@pytest.mark.parametrize(
    "variant",
    [
        "https://www.kaltimprov.go.id/berita/gubernur-akan-tanam-mangrove-",
        "http://www.kaltimprov.go.id/berita/gubernur-akan-tanam-mangrove-",
        "https://kaltimprov.go.id/berita/gubernur-akan-tanam-mangrove-",
        "http://kaltimprov.go.id/berita/gubernur-akan-tanam-mangrove-/",
        "HTTPS://WWW.KaltimProv.go.id/berita/gubernur-akan-tanam-mangrove-",
        "https://www.kaltimprov.go.id:443/berita/gubernur-akan-tanam-mangrove-",
        "https://www.kaltimprov.go.id/berita/gubernur-akan-tanam-mangrove-/",
        "https://www.kaltimprov.go.id/berita/gubernur-akan-tanam-mangrove-?utm_source=fb&utm_medium=x",
        "https://www.kaltimprov.go.id/berita/gubernur-akan-tanam-mangrove-?UTM_Campaign=y",
        "https://www.kaltimprov.go.id/berita/gubernur-akan-tanam-mangrove-#comments",
        "https://www.kaltimprov.go.id/berita/gubernur-akan-tanam-mangrove-?fbclid=IwAR0abc",
        "https://www.kaltimprov.go.id/berita/gubernur-akan-tanam-mangrove-?gclid=1&_ga=2&mc_cid=3&mc_eid=4",
        "https://www.kaltimprov.go.id/berita/./gubernur-akan-tanam-mangrove-",
        "  https://www.kaltimprov.go.id/berita/gubernur-akan-tanam-mangrove-\n",
        "/berita/gubernur-akan-tanam-mangrove-",
        "//kaltimprov.go.id/berita/gubernur-akan-tanam-mangrove-",
    ],
)
def test_variants_give_one_form(variant: str) -> None:
    expected = "https://www.kaltimprov.go.id/berita/gubernur-akan-tanam-mangrove-"
    assert SITE.canonicalize(variant) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://www.kaltimprov.go.id/berita?b=2&a=1",
            "https://www.kaltimprov.go.id/berita?a=1&b=2",
        ),
        (
            "https://www.kaltimprov.go.id/berita?page=2&utm_source=x&id=2&id=1",
            "https://www.kaltimprov.go.id/berita?id=1&id=2&page=2",
        ),
        ("https://www.kaltimprov.go.id/", "https://www.kaltimprov.go.id/"),
        ("https://www.kaltimprov.go.id", "https://www.kaltimprov.go.id/"),
        ("https://kaltimprov.go.id/?utm_source=x", "https://www.kaltimprov.go.id/"),
        # Slug quirks stay: trailing dashes and `--` from a colon in the title.
        (
            "https://kaltimprov.go.id/berita/gubernur-selamatkan-lingkungan---",
            "https://www.kaltimprov.go.id/berita/gubernur-selamatkan-lingkungan---",
        ),
        (
            "https://www.kaltimprov.go.id/berita/awang--tidak-mampu-serahkan-ke-daerah",
            "https://www.kaltimprov.go.id/berita/awang--tidak-mampu-serahkan-ke-daerah",
        ),
        # Percent-encoding normalized by w3lib.
        (
            "https://www.kaltimprov.go.id/berita/r\u00e9sum\u00e9",
            "https://www.kaltimprov.go.id/berita/r%C3%A9sum%C3%A9",
        ),
        (
            "https://www.kaltimprov.go.id/berita/r%c3%a9sum%c3%a9",
            "https://www.kaltimprov.go.id/berita/r%C3%A9sum%C3%A9",
        ),
        ("https://www.kaltimprov.go.id/berita/a b", "https://www.kaltimprov.go.id/berita/a%20b"),
        # Other hosts keep their scheme and host, otherwise cleaned.
        ("http://Example.COM:80/A/?z=1&utm_source=q#x", "http://example.com/A?z=1"),
        (
            "https://kaltimprov.go.id.evil.example/berita/x",
            "https://kaltimprov.go.id.evil.example/berita/x",
        ),
        (
            "https://diskominfo.kaltimprov.go.id/berita/x/",
            "https://diskominfo.kaltimprov.go.id/berita/x",
        ),
    ],
)
def test_canonical_forms(url: str, expected: str) -> None:
    assert SITE.canonicalize(url) == expected


@pytest.mark.parametrize(
    ("url", "base", "expected"),
    [
        ("x", "https://kaltimprov.go.id/berita/a", "https://www.kaltimprov.go.id/berita/x"),
        (
            "../detailberita/y",
            "https://www.kaltimprov.go.id/berita/a",
            "https://www.kaltimprov.go.id/detailberita/y",
        ),
        (
            "?page=3",
            "https://www.kaltimprov.go.id/berita?page=2",
            "https://www.kaltimprov.go.id/berita?page=3",
        ),
        ("#top", "https://www.kaltimprov.go.id/berita/a", "https://www.kaltimprov.go.id/berita/a"),
        ("/berita/z", None, "https://www.kaltimprov.go.id/berita/z"),
        ("https://example.com/q", "https://www.kaltimprov.go.id/", "https://example.com/q"),
    ],
)
def test_relative_resolution(url: str, base: str | None, expected: str) -> None:
    assert SITE.canonicalize(url, base=base) == expected


def test_replica_keeps_scheme_and_port() -> None:
    assert REPLICA.canonicalize("/berita/x/?utm_source=a") == "http://127.0.0.1:8123/berita/x"
    assert (
        REPLICA.canonicalize("https://127.0.0.1:8123/berita/x") == "http://127.0.0.1:8123/berita/x"
    )
    assert canonicalize_url("/detailberita/y", base_url="http://127.0.0.1:8123") == (
        "http://127.0.0.1:8123/detailberita/y"
    )
    assert REPLICA.is_on_site("http://127.0.0.1:8123/berita/x")
    assert not REPLICA.is_on_site("http://127.0.0.1/berita/x")
    assert not REPLICA.is_on_site("http://127.0.0.1:8124/berita/x")
    # The real site is another site for the replica: its URLs keep their own host.
    assert not REPLICA.is_on_site("https://www.kaltimprov.go.id/berita/x")
    assert (
        REPLICA.canonicalize("https://kaltimprov.go.id/berita/x")
        == "https://kaltimprov.go.id/berita/x"
    )
    assert not REPLICA.is_article_url("https://www.kaltimprov.go.id/berita/x")
    assert REPLICA.is_article_url("http://127.0.0.1:8123/berita/x")


@pytest.mark.parametrize(
    ("url", "on_site"),
    [
        ("https://www.kaltimprov.go.id/berita/x", True),
        ("http://kaltimprov.go.id/", True),
        ("https://kaltimprov.go.id:443/x", True),
        ("https://www.kaltimprov.go.id:8443/x", False),
        ("https://diskominfo.kaltimprov.go.id/x", False),
        ("https://kaltimprov.go.id.evil.example/x", False),
        ("https://example.com/berita/x", False),
        ("ftp://www.kaltimprov.go.id/x", False),
        ("/berita/x", False),
        ("", False),
        (None, False),
    ],
)
def test_is_on_site(url: str | None, on_site: bool) -> None:
    assert SITE.is_on_site(url) is on_site


@pytest.mark.parametrize(
    ("url", "slug"),
    [
        ("https://www.kaltimprov.go.id/berita/x", "x"),
        ("https://www.kaltimprov.go.id/berita/x/", "x"),
        ("https://www.kaltimprov.go.id/berita/x?page=2", "x"),
        ("http://kaltimprov.go.id/detailberita/tahun-2026-sekdaprov", "tahun-2026-sekdaprov"),
        ("/berita/gubernur-akan-tanam-mangrove-", "gubernur-akan-tanam-mangrove-"),
        ("https://www.kaltimprov.go.id/berita", None),
        ("https://www.kaltimprov.go.id/berita/", None),
        ("https://www.kaltimprov.go.id/detailberita", None),
        ("https://www.kaltimprov.go.id/berita/page/2", None),
        ("https://www.kaltimprov.go.id/berita/kategori/sosial", None),
        ("https://www.kaltimprov.go.id/beritaku/x", None),
        ("https://www.kaltimprov.go.id/", None),
        ("https://www.kaltimprov.go.id/halaman/berita/x", None),
        ("https://example.com/berita/x", None),
        ("javascript:void(0)", None),
        (None, None),
    ],
)
def test_article_urls(url: str | None, slug: str | None) -> None:
    assert SITE.article_slug(url) == slug
    assert SITE.is_article_url(url) is (slug is not None)


@pytest.mark.parametrize(
    "url",
    [
        None,
        "",
        "   ",
        "javascript:void(0)",
        "JavaScript:alert(1)",
        "mailto:x",
        "mailto:humas@kaltimprov.go.id",
        "tel:+62541",
        "data:text/plain,hi",
        "http://[bad",
        "http://",
        "http://www.kaltimprov.go.id:99999/x",
        "http://www.kaltimprov.go.id:abc/x",
    ],
)
def test_garbage_gives_none(url: str | None) -> None:
    assert SITE.canonicalize(url) is None
    assert canonicalize_url(url) is None


@given(st.text())
def test_canonicalize_never_raises(url: str) -> None:
    result = canonicalize_url(url)
    assert result is None or result.startswith(("http://", "https://"))
    SITE.is_on_site(url)
    SITE.is_article_url(url)


@given(st.text(), st.text())
def test_canonicalize_with_base_never_raises(url: str, base: str) -> None:
    SITE.canonicalize(url, base=base)


@given(st.text(alphabet="abc-_.~%/?&=#:@!$'()*+,;[]0123456789", max_size=40))
def test_canonical_form_is_stable(suffix: str) -> None:
    once = SITE.canonicalize("https://kaltimprov.go.id/berita/" + suffix)
    if once is not None:
        assert SITE.canonicalize(once) == once


@given(
    st.lists(
        st.text(alphabet="abcdefghijklmnopqrstuvwxyzABC0123456789-._~", min_size=1, max_size=12)
        # Dot segments are resolved by urljoin first: another path, not this shortcut's business.
        .filter(lambda segment: segment not in (".", "..")),
        min_size=1,
        max_size=4,
    ),
    st.booleans(),
)
def test_plain_paths_take_the_fast_path_to_the_same_answer(segments, slash) -> None:
    """The shortcut for plain on-site paths agrees with w3lib's full canonicalization."""
    from w3lib.url import canonicalize_url as w3lib_canonicalize

    path = "/" + "/".join(segments) + ("/" if slash else "")
    got = Site.from_base_url().canonicalize(path)
    slow = w3lib_canonicalize("https://www.kaltimprov.go.id" + path)
    assert got == slow.rstrip("/") or (got == slow and path == "/")


def test_canonical_form_is_reached_in_one_call_when_w3lib_needs_two() -> None:
    # w3lib drops `;` only once the slash before it is gone: `/berita/;/.` -> `/berita/;` ->
    # `/berita` (found by test_canonical_form_is_stable).
    once = SITE.canonicalize("https://kaltimprov.go.id/berita/;/.")
    assert once == "https://www.kaltimprov.go.id/berita"
    assert SITE.canonicalize(once) == once
