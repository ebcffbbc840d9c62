"""The one decoder of fetched pages (crawl, reparse, inspect): bytes as received -> text.

A body is first freed of its Content-Encoding (`decode_body`: what reparse reads back from a
WARC is stored as received; Scrapy and urllib hand over bodies already decoded), then read as
text by what its bytes are (`decode_html`: BOM, HTTP header, <meta charset>, then a guess, checked
against the bytes because labels lie).
"""

from __future__ import annotations

import codecs
import zlib

from w3lib.encoding import html_to_unicode

from humas_crawler.defaults import MAX_BYTES


def decode_page(
    body: bytes, content_type: str | None = None, content_encoding: str | None = None
) -> str:
    """A page's text from its body as received and its Content-Type/-Encoding headers."""
    return decode_html(decode_body(body, content_encoding), content_type)


def decode_html(body: bytes, content_type: str | None = None) -> str:
    """Decode HTML bytes by BOM, HTTP header, <meta charset>, then a guess (w3lib), checked.

    A label can lie. Bytes labelled UTF-8 that are not UTF-8 are windows-1252 where they fail
    (each undecodable byte on its own, so a page of UTF-8 with a few stray windows-1252 bytes
    keeps both); bytes labelled with a single-byte charset that are valid UTF-8 with non-ASCII
    sequences in them are UTF-8 (such sequences almost never occur in windows-1252 text, and
    reading them as it would turn "é" into "Ã©").
    """
    encoding, text = html_to_unicode(content_type, body)
    codec = codecs.lookup(encoding).name
    if codec == "utf-8":
        if "\ufffd" in text:
            text = body.decode("utf-8", errors=_CP1252_BYTES).removeprefix("\ufeff")
        return text
    if codec in _SINGLE_BYTE and not body.isascii():
        try:
            return body.decode("utf-8").removeprefix("\ufeff")
        except UnicodeDecodeError:
            pass
    return text


def _cp1252_bytes(error: UnicodeError) -> tuple[str, int]:
    """Codec error handler: undecodable bytes read as windows-1252 (latin-1 where it has none)."""
    assert isinstance(error, UnicodeDecodeError)
    chunk = error.object[error.start : error.end]
    text = "".join(
        bytes([b]).decode("cp1252") if b not in _CP1252_UNDEFINED else chr(b) for b in chunk
    )
    return text, error.end


_CP1252_BYTES = "humas-cp1252-bytes"
_CP1252_UNDEFINED = frozenset({0x81, 0x8D, 0x8F, 0x90, 0x9D})
codecs.register_error(_CP1252_BYTES, _cp1252_bytes)
# Python codec names of the single-byte charsets pages declare (w3lib maps latin-1 to cp1252).
_SINGLE_BYTE = frozenset(
    codecs.lookup(name).name
    for name in ("cp1252", "latin-1", "iso8859-15", "cp1250", "iso8859-2", "ascii")
)


# --- Content-Encoding -----------------------------------------------------------------------


class BodyError(Exception):
    """An archived body that cannot be decoded (bad or unsupported Content-Encoding)."""


def decode_body(body: bytes, content_encoding: str | None, limit: int = MAX_BYTES) -> bytes:
    """Undo the Content-Encoding(s) of a body stored as received (last applied first)."""
    codings = [c.strip().lower() for c in (content_encoding or "").split(",")]
    for coding in reversed([c for c in codings if c and c != "identity"]):
        if coding in ("gzip", "x-gzip"):
            body = _inflate(body, zlib.MAX_WBITS | 16, coding, limit)
        elif coding == "deflate":
            # RFC 9110 says zlib-wrapped; some servers send raw deflate.
            try:
                body = _inflate(body, zlib.MAX_WBITS, coding, limit)
            except BodyError:
                body = _inflate(body, -zlib.MAX_WBITS, coding, limit)
        elif coding == "br":
            body = _unbrotli(body, limit)
        else:
            raise BodyError(f"unsupported Content-Encoding {coding!r}")
    return body


def _inflate(data: bytes, wbits: int, coding: str, limit: int) -> bytes:
    out: list[bytes] = []
    size = 0
    while data:  # gzip may hold several members back to back
        inflater = zlib.decompressobj(wbits)
        try:
            chunk = inflater.decompress(data, limit + 1 - size)
        except zlib.error as exc:
            raise BodyError(f"corrupt {coding} data ({exc})") from exc
        size += len(chunk)
        out.append(chunk)
        if size > limit or inflater.unconsumed_tail:
            raise BodyError(f"{coding} body larger than {limit} bytes once decoded")
        if not inflater.eof:
            raise BodyError(f"truncated {coding} data")
        data = inflater.unused_data if wbits & 16 else b""
    return b"".join(out)


def _unbrotli(data: bytes, limit: int) -> bytes:
    try:
        import brotli
    except ImportError as exc:
        raise BodyError("the body is brotli-encoded: install the brotli package") from exc
    try:
        body = brotli.decompress(data)
    except brotli.error as exc:
        raise BodyError(f"corrupt br data ({exc})") from exc
    if len(body) > limit:
        raise BodyError(f"br body larger than {limit} bytes once decoded")
    return body
