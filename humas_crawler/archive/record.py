"""The article record: the `articles` columns that extraction fills, and the content hash."""

from __future__ import annotations

import hashlib
import json
from typing import Any

# Columns of the `articles` table (docs/schema.md) that one page yields, in display order.
# `category_known` and `canonical_link` are extra columns of ours; the rest are the contract.
RECORD_FIELDS: tuple[str, ...] = (
    "url",
    "slug",
    "title",
    "published_at",
    "published_date",
    "published_precision",
    "published_raw",
    "category",
    "category_slug",
    "category_raw",
    "category_known",
    "dateline",
    "body_text",
    "photo_caption",
    "author_codes",
    "image_urls",
    "canonical_link",
    "content_hash",
)

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
