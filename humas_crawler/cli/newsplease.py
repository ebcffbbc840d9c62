"""`export --format jsonl --schema news-please`: our articles in news-please's record shape.

news-please (and the CC-NEWS derivatives built on it) names an article's fields `title`,
`maintext`, `date_publish`, `date_modify`, `date_download`, `source_domain`, `url`, `language`,
`authors`, `image_url`, ...; code written for those records reads ours unchanged. Its dates are
naive `YYYY-MM-DD HH:MM:SS` strings: ours are in the site's own zone (the offset of the
article's `published_at`; WITA, +08:00, for an undated one).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Any, TextIO
from urllib.parse import urlsplit

# The archive's columns a news-please record is made from, in this order.
SOURCE_COLUMNS = (
    "url",
    "title",
    "body_text",
    "published_at",
    "last_changed_at",
    "last_fetched_at",
    "author_codes",
    "image_urls",
)
# Every field of a news-please record, in its order; those we cannot fill are null.
FIELDS = (
    "authors",
    "date_download",
    "date_modify",
    "date_publish",
    "description",
    "filename",
    "image_url",
    "language",
    "localpath",
    "maintext",
    "source_domain",
    "title",
    "title_page",
    "title_rss",
    "url",
)
WITA = timezone(timedelta(hours=8))
LANGUAGE = "id"


def record(row: dict[str, Any]) -> dict[str, Any]:
    """The news-please record of an article row (SOURCE_COLUMNS)."""
    images = row.get("image_urls")
    if isinstance(images, str):
        images = json.loads(images)
    codes = row.get("author_codes")
    zone = _zone_of(row.get("published_at"))
    found = {
        # The site signs with reporters' codes (`her/sul/hmsprov`), not names: kept as one.
        "authors": [codes] if codes else [],
        "date_download": _naive(row.get("last_fetched_at"), zone),
        # The last change of the article's content (its first archiving if it never changed).
        "date_modify": _naive(row.get("last_changed_at"), zone),
        "date_publish": _naive(row.get("published_at"), zone),
        "image_url": images[0] if images else None,
        "language": LANGUAGE,
        "maintext": row.get("body_text"),
        "source_domain": urlsplit(row["url"]).hostname,
        "title": row.get("title"),
        "url": row["url"],
    }
    return {name: found.get(name) for name in FIELDS}


def write_jsonl(stream: TextIO, columns: list[str], rows: Iterable[tuple[Any, ...]]) -> None:
    for row in rows:
        stream.write(json.dumps(record(dict(zip(columns, row, strict=True))), ensure_ascii=False))
        stream.write("\n")


def _zone_of(published_at: str | None) -> tzinfo:
    """The site's zone, as the offset of its publication time says (WITA when undated)."""
    if published_at:
        offset = datetime.fromisoformat(published_at).tzinfo
        if offset is not None:
            return offset
    return WITA


def _naive(value: str | None, zone: tzinfo) -> str | None:
    """`2026-12-03T06:00:00Z` or `...+07:00` as news-please writes dates: naive, in `zone`."""
    if not value:
        return None
    when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if when.tzinfo is not None:
        when = when.astimezone(zone)
    return when.strftime("%Y-%m-%d %H:%M:%S")
