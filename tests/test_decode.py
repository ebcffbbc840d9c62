"""Pages decoded by what their bytes are, whatever their charset label says."""

from __future__ import annotations

import pytest

from humas_crawler.extract.decode import decode_html

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
