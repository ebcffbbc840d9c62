"""Load one page for `inspect` and `save-fixture`: a saved file or a URL."""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from humas_crawler.defaults import MAX_BYTES, USER_AGENT
from humas_crawler.extract.decode import decode_page


class SourceError(Exception):
    """A page could not be read; the message says why, in one line."""


@dataclass(frozen=True)
class Page:
    url: str
    body: bytes
    content_type: str | None = None

    @property
    def text(self) -> str:
        return decode_page(self.body, self.content_type)


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
