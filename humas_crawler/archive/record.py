"""The article record: the `articles` columns that extraction fills, and the content hash."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class ArticleRecord:
    """One article as a page shows it: exactly the `articles` columns extraction fills.

    Extraction builds it, the archive stores it; the archive's own bookkeeping (ids, fetch
    times, revisions, duplicates) is not part of it. `to_dict()` is its JSON form (fixtures,
    `inspect --json`), in `RECORD_FIELDS` order.
    """

    url: str | None = None
    site: str | None = None  # the registry name of the site the page is on (`kaltimprov`)
    slug: str | None = None
    title: str | None = None
    published_at: str | None = None  # ISO 8601 in the site's zone (+07:00, +08:00, +09:00)
    published_at_utc: str | None = None  # the same instant in UTC (`...Z`): sorts across sites
    published_date: str | None = None  # YYYY-MM-DD of published_at
    published_precision: str | None = None  # "second", "minute", "day"
    published_raw: str | None = None  # as the page shows it
    category: str | None = None  # canonical label
    category_slug: str | None = None
    category_raw: str | None = None  # as the page shows it
    category_known: bool = False  # the label is in the taxonomy
    dateline: str | None = None
    body_text: str | None = None  # paragraphs separated by a blank line
    photo_caption: str | None = None
    author_codes: str | None = None
    image_urls: list[str] = field(default_factory=list)
    canonical_link: str | None = None
    content_hash: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in RECORD_FIELDS}

    @classmethod
    def from_dict(cls, values: Mapping[str, Any]) -> ArticleRecord:
        """The record of `values`' record fields (other keys, such as the archive's own
        columns, are ignored); `image_urls` may be a list or its JSON text."""
        known = {name: values[name] for name in RECORD_FIELDS if name in values}
        images = known.get("image_urls")
        if isinstance(images, str):
            known["image_urls"] = json.loads(images)
        elif images is None:
            known.pop("image_urls", None)
        if known.get("category_known") is not None:
            known["category_known"] = bool(known["category_known"])
        else:
            known.pop("category_known", None)
        return cls(**known)

    def replace(self, **changes: Any) -> ArticleRecord:
        return dataclasses.replace(self, **changes)

    def with_hash(self) -> ArticleRecord:
        """The record with its `content_hash` computed from its fields."""
        return self.replace(
            content_hash=content_hash(
                self.title, self.body_text, self.published_raw, self.category_raw
            )
        )


# Columns of the `articles` table (docs/schema.md) that one page yields, in display order.
# `category_known` and `canonical_link` are extra columns of ours; the rest are the documented
# fields of an article.
RECORD_FIELDS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(ArticleRecord))

# Fields whose absence on an article page deserves a warning.
REQUIRED_FIELDS: tuple[str, ...] = ("title", "published_at", "category", "body_text")


def content_hash(
    title: str | None,
    body_text: str | None,
    published_raw: str | None,
    category_raw: str | None,
) -> str:
    """Hash what makes an article version: a change in any of these is a new revision.

    Sidebars, images and fetch times are left out on purpose: they change without the
    article changing.
    """
    payload = json.dumps(
        [title or "", body_text or "", published_raw or "", category_raw or ""],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return "sha256:" + hashlib.sha256(payload.encode("utf-8")).hexdigest()


def dumps_record(record: dict[str, Any]) -> str:
    """Serialize a record the way fixtures store it: sorted keys, non-ASCII kept."""
    return json.dumps(record, ensure_ascii=False, sort_keys=True, indent=2) + "\n"
