"""Load one page for inspection: a saved file or a URL, decoded the way browsers do."""

from __future__ import annotations

import codecs
import http.client
import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from w3lib.encoding import html_to_unicode

from humas_crawler import __version__

USER_AGENT = f"humas-crawler/{__version__} (+https://github.com/humas-crawler/humas-crawler)"
# Same cap as crawls (DOWNLOAD_MAXSIZE): responses larger than 20 MB are refused.
MAX_BYTES = 20 * 1024 * 1024


class SourceError(Exception):
    """A page could not be read; the message says why, in one line."""


@dataclass(frozen=True)
class Page:
    url: str
    body: bytes
    content_type: str | None = None

    @property
    def text(self) -> str:
        return decode_html(self.body, self.content_type)


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


def is_url(target: str) -> bool:
    return target.startswith(("http://", "https://"))


def load_page(target: str, url: str | None = None, timeout: float = 30.0) -> Page:
    """Read a page from a file path or fetch it from an http(s) URL."""
    if is_url(target):
        request = urllib.request.Request(target, headers={"User-Agent": USER_AGENT})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                body = response.read(MAX_BYTES + 1)
                if len(body) > MAX_BYTES:
                    raise SourceError(f"{target}: response larger than {MAX_BYTES} bytes, refused")
                return Page(response.geturl(), body, response.headers.get("Content-Type"))
        except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as exc:
            raise SourceError(f"cannot fetch {target}: {exc}") from exc
    path = Path(target)
    try:
        body = path.read_bytes()
    except OSError as exc:
        raise SourceError(f"cannot read {target}: {exc.strerror or exc}") from exc
    if url is None:
        meta = path.parent / "meta.json"
        if meta.is_file():
            try:
                url = json.loads(meta.read_text(encoding="utf-8")).get("url")
            except ValueError as exc:
                raise SourceError(f"{meta}: not valid JSON ({exc})") from exc
    if not url:
        raise SourceError(f"{target} is a file: say which URL it came from with --url")
    return Page(url, body)
