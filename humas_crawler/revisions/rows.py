"""What a diff compares of an archived revision row."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def revision_fields(revision: Mapping[str, Any]) -> dict[str, Any]:
    """Title, category, published time and body of an `article_revisions` row: the normalized
    category and time where the row has them (stored from schema version 5 on), else what the
    page showed (`category_raw`, `published_raw`)."""
    return {
        "title": revision.get("title"),
        "category": revision.get("category") or revision.get("category_raw"),
        "published_at": revision.get("published_at") or revision.get("published_raw"),
        "body_text": revision.get("body_text"),
    }


def removal_summary(event: Mapping[str, Any]) -> str:
    """The one-line summary of a `removed` or `restored` event (`changes`, the feed)."""
    if event["kind"] == "removed":
        return f"removed from the site ({event.get('detail') or 'gone'})"
    return "back on the site"
