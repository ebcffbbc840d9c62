"""Fixture cases: saved pages with their expected extraction (web-poet style folders)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from humas_crawler.archive.record import dumps_record
from humas_crawler.extract.article import ArticlePage
from humas_crawler.extract.decode import decode_html
from humas_crawler.extract.listing import ListingPage
from humas_crawler.normalize import Site

KINDS = ("article", "listing")


@dataclass(frozen=True)
class Case:
    """One folder ``fixtures/<kind>/<name>/`` holding page.html, meta.json and expected.json."""

    kind: str
    name: str
    path: Path

    @property
    def meta(self) -> dict[str, Any]:
        return json.loads((self.path / "meta.json").read_text(encoding="utf-8"))

    @property
    def expected(self) -> dict[str, Any]:
        return json.loads((self.path / "expected.json").read_text(encoding="utf-8"))

    @property
    def html(self) -> str:
        return decode_html((self.path / "page.html").read_bytes())

    @property
    def now(self) -> datetime | None:
        value = self.meta.get("now")
        return datetime.fromisoformat(value) if value else None

    @property
    def site(self) -> Site:
        """The site the page was read on: meta.json's `base_url`, else its URL's own site."""
        meta = self.meta
        return page_site(meta["url"], meta.get("base_url"))

    def extract(self) -> dict[str, Any]:
        return extract(self.kind, self.meta["url"], self.html, now=self.now, site=self.site)


def extract(
    kind: str, url: str, html: str, *, now: datetime | None = None, site: Site | None = None
) -> dict[str, Any]:
    """The record a page of ``kind`` yields."""
    if kind == "article":
        return ArticlePage(url, html, now=now, site=site).to_item().to_dict()
    if kind == "listing":
        return ListingPage(url, html, site=site).to_item()
    raise ValueError(f"unknown page kind {kind!r}; expected one of {', '.join(KINDS)}")


def page_site(url: str, base_url: str | None = None) -> Site:
    """The site a page at `url` belongs to: `base_url`'s when given, else the default site
    when `url` is on it (http or https, with or without `www.`), else the URL's own origin
    (`scheme://host[:port]`, e.g. a local replica's). ValueError if `url` is not http(s)."""
    if base_url is not None:
        return Site.from_base_url(base_url)
    default = Site.from_base_url()
    if default.is_on_site(url):
        return default
    parts = urlsplit(url.strip())
    return Site.from_base_url(f"{parts.scheme}://{parts.netloc}")


def guess_kind(url: str) -> str:
    """ "article" for a `/berita/<slug>` or `/detailberita/<slug>` URL, whatever its host (the
    rule the crawl follows on its own site); "listing" for any other URL."""
    try:
        site = page_site(url)
    except ValueError:
        return "listing"
    return "article" if site.is_article_url(url) else "listing"


def discover(root: Path) -> list[Case]:
    """Every case under ``root`` (``fixtures/``), sorted by kind and name."""
    cases = []
    for kind in KINDS:
        folder = root / kind
        if not folder.is_dir():
            continue
        for path in sorted(p for p in folder.iterdir() if (p / "page.html").is_file()):
            cases.append(Case(kind, path.name, path))
    return cases


def save_case(
    root: Path,
    kind: str,
    name: str,
    url: str,
    body: bytes,
    *,
    now: datetime | None = None,
    site: Site | None = None,
    template: str = "",
    notes: str = "",
    force: bool = False,
) -> Case:
    """Write a new case; expected.json holds today's extraction, to be checked by hand.

    The page is read on `site` (default: its URL's own, `page_site`); meta.json records the
    site's `base_url` only when it is another, so that the case reads the page the same way.
    """
    own_site = page_site(url)
    site = site or own_site
    path = root / kind / name
    if path.exists() and not force:
        raise FileExistsError(f"{path} already exists (use --force to overwrite)")
    path.mkdir(parents=True, exist_ok=True)
    (path / "page.html").write_bytes(body)
    meta: dict[str, Any] = {"url": url, "template": template, "notes": notes}
    if now is not None:
        meta["now"] = now.isoformat()
    if site != own_site:
        meta["base_url"] = site.base_url
    (path / "meta.json").write_text(dumps_record(meta), encoding="utf-8")
    record = extract(kind, url, decode_html(body), now=now, site=site)
    (path / "expected.json").write_text(dumps_record(record), encoding="utf-8")
    return Case(kind, name, path)
