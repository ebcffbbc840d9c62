"""Reparse of a site read through the WordPress REST API: its archived API answers read back.

The crawl let each post's API fields (title, instant, category, body) win over what its page
showed (extract/wordpress.apply_post), with the `/wp-json/wp/v2/posts` answer that listed the
post. Reparse pairs each article page's capture with the archived answer the crawl had read: the
newest one captured at or before the page that lists it. A page captured before any answer listed
it was read without the API (the feed, sitemaps and listings), and is re-read the same way. The
categories are those of the archived `/categories` answers, newer names winning.
"""

from __future__ import annotations

import logging
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from humas_crawler.archive.store import Store
from humas_crawler.archive.warc import WarcError, read_response
from humas_crawler.extract.decode import BodyError, decode_body
from humas_crawler.extract.wordpress import (
    API_ROOT,
    WordPressError,
    WpPost,
    parse_categories,
    parse_post,
    post_items,
)
from humas_crawler.normalize import Site

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ApiAnswer:
    """Where one archived posts answer is, and when it was fetched (`...Z`)."""

    fetched_at: str
    warc_file: str
    warc_offset: int


@dataclass
class ArchivedApi:
    """What the archive holds of a site's REST API: categories, and which answers list a page."""

    categories: dict[int, str] = field(default_factory=dict)
    answers: dict[str, list[ApiAnswer]] = field(default_factory=dict)  # page URL -> oldest first
    unreadable: Counter[str] = field(default_factory=Counter)  # WARC file -> answers lost

    def answer_for(self, url: str, fetched_at: str) -> ApiAnswer | None:
        """The newest answer listing `url` fetched at or before `fetched_at`, if any."""
        listed = self.answers.get(url, [])
        at = bisect_right([answer.fetched_at for answer in listed], fetched_at)
        return listed[at - 1] if at else None


def read_archived_api(store: Store, warc_dir: Path, site: Site) -> ArchivedApi:
    """Read every archived categories and posts answer of `site` (the posts' links only)."""
    api = ArchivedApi()
    answers: defaultdict[str, list[ApiAnswer]] = defaultdict(list)
    root = f"{site.base_url}{API_ROOT}/"
    for capture in store.captures.under(root + "categories"):
        body = _body(warc_dir, capture, api)
        if body is not None:
            try:
                api.categories.update(parse_categories(body))
            except WordPressError as exc:
                logger.info("archived answer %s skipped: %s", capture["url"], exc)
    for capture in store.captures.under(root + "posts"):
        body = _body(warc_dir, capture, api)
        if body is None:
            continue
        try:
            items = post_items(body)
        except WordPressError as exc:
            logger.info("archived answer %s skipped: %s", capture["url"], exc)
            continue
        answer = ApiAnswer(capture["fetched_at"], capture["warc_file"], capture["warc_offset"])
        for item in items:
            url = site.canonicalize(str(item["link"]))
            if url is not None:
                answers[url].append(answer)
    api.answers = dict(answers)
    return api


def _body(warc_dir: Path, capture: Mapping[str, Any], api: ArchivedApi) -> bytes | None:
    if not capture["warc_file"]:
        return None
    try:
        return _decoded(warc_dir, capture["warc_file"], capture["warc_offset"])
    except (OSError, WarcError, BodyError) as exc:
        logger.debug("archived answer %s unreadable: %s", capture["url"], exc)
        api.unreadable[capture["warc_file"]] += 1
        return None


def _decoded(warc_dir: Path | str, warc_file: str, offset: int) -> bytes:
    response = read_response(warc_dir, warc_file, offset)
    encoding = ", ".join(v for k, v in response.headers if k.lower() == "content-encoding")
    return decode_body(response.body, encoding or None)


class PostLookup:
    """A worker's reader of archived posts answers: each answer read once, its posts by URL."""

    def __init__(self, warc_dir: str, site: Site, categories: Mapping[int, str]) -> None:
        self.warc_dir = warc_dir
        self.site = site
        self.categories = categories
        self._answers: dict[tuple[str, int], dict[str, dict[str, Any]] | str] = {}

    def post(self, warc_file: str, offset: int, url: str) -> WpPost | str:
        """The post the answer at (`warc_file`, `offset`) gives for the page `url`, or why
        there is none."""
        key = (warc_file, offset)
        if key not in self._answers:
            try:
                items = post_items(_decoded(self.warc_dir, warc_file, offset))
            except (OSError, WarcError, BodyError, WordPressError) as exc:
                self._answers[key] = f"archived API answer unreadable: {exc}"
            else:
                self._answers[key] = {
                    self.site.canonicalize(str(item["link"])) or "": item for item in items
                }
        found = self._answers[key]
        if isinstance(found, str):
            return found
        item = found.get(url)
        if item is None:
            return "the archived API answer does not list it"
        return parse_post(item, self.categories, self.site.zone)
