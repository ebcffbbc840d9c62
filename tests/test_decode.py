"""Pages decoded by what their bytes are, whatever their charset label says."""

from __future__ import annotations

import gzip
import zlib

import pytest

from humas_crawler.extract.decode import BodyError, decode_body, decode_html, decode_page

TEXT = (
    "<html><head><title>Gubernur “Isran” di Café – Samarinda</title></head>"
    "<body><p>SAMARINDA – Rapat koordinasi… élan</p></body></html>"
)


@pytest.mark.parametrize(
    ("encoding", "content_type"),
    [
        ("utf-8", "text/html; charset=utf-8"),
        ("cp1252", "text/html; charset=windows-1252"),
        ("cp1252", "text/html; charset=utf-8"),  # windows-1252 bytes labelled UTF-8
        ("utf-8", "text/html; charset=windows-1252"),  # UTF-8 bytes labelled windows-1252
        ("utf-8", "text/html; charset=iso-8859-1"),
        ("utf-8", "text/html"),  # no label at all
        ("cp1252", None),
    ],
)
def test_text_survives_a_wrong_or_missing_label(encoding: str, content_type: str | None) -> None:
    assert decode_html(TEXT.encode(encoding), content_type) == TEXT


def test_meta_charset_is_read_when_the_header_says_nothing() -> None:
    page = '<html><head><meta charset="windows-1252"></head><body>Café</body></html>'
    assert "Café" in decode_html(page.encode("cp1252"), "text/html")


def test_stray_windows_1252_bytes_inside_utf8_keep_both() -> None:
    body = "Café ".encode() + b"\x93kutipan\x94"
    assert decode_html(body, "text/html; charset=utf-8") == "Café “kutipan”"


def test_a_bom_wins_and_is_dropped() -> None:
    assert (
        decode_html(b"\xef\xbb\xbf<p>\xc3\xa9</p>", "text/html; charset=iso-8859-1") == "<p>é</p>"
    )


# --- Content-Encoding, as reparse reads bodies back from WARC records ---------------------

HTML = b"<html><body><h1>Judul</h1></body></html>" * 20
try:  # not a dependency: Scrapy asks for br only when brotli is installed
    import brotli

    BROTLI = [
        (brotli.compress(HTML), "br"),
        (brotli.compress(gzip.compress(HTML, mtime=0)), "gzip, br"),
    ]
except ImportError:
    BROTLI = []


@pytest.mark.parametrize(
    ("encoded", "coding"),
    [
        (HTML, None),
        (HTML, "identity"),
        # mtime=0: the same bytes (and test ids) in every process, as pytest-xdist requires.
        (gzip.compress(HTML, mtime=0), "gzip"),
        (gzip.compress(HTML[:100], mtime=0) + gzip.compress(HTML[100:], mtime=0), "x-gzip"),
        (zlib.compress(HTML), "deflate"),
        (zlib.compress(HTML)[2:-4], "deflate"),  # raw deflate, as some servers send
        *BROTLI,
    ],
)
def test_decode_body_undoes_content_encodings(encoded, coding) -> None:
    assert decode_body(encoded, coding) == HTML


@pytest.mark.parametrize(
    ("encoded", "coding", "message"),
    [
        (b"not gzip at all", "gzip", "corrupt gzip data"),
        (gzip.compress(HTML, mtime=0)[:-20], "gzip", "truncated gzip data"),
        (HTML, "compress", "unsupported Content-Encoding 'compress'"),
        (gzip.compress(b"x" * 5000, mtime=0), "gzip", "larger than 1000 bytes"),
    ],
)
def test_decode_body_refuses_what_it_cannot_decode(encoded, coding, message) -> None:
    with pytest.raises(BodyError, match=message):
        decode_body(encoded, coding, limit=1000)


def test_decode_page_undoes_the_encoding_then_reads_the_charset() -> None:
    page = "<html><head><meta charset='windows-1252'></head><body>Café</body></html>"
    encoded = gzip.compress(page.encode("cp1252"))
    assert "Café" in decode_page(encoded, "text/html", "gzip")
