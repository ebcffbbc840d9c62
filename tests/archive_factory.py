"""Small archives for the tests of the read commands (export, search, stats)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from humas_crawler.normalize import Taxonomy, normalize_category
from humas_crawler.record import RECORD_FIELDS
from humas_crawler.store import Store

FETCHED_AT = "2026-11-27T20:00:00Z"
BASE = "https://www.kaltimprov.go.id/berita/"


def article(slug: str, **fields: Any) -> dict[str, Any]:
    """A record shaped like `RECORD_FIELDS`; `category` is normalized like extraction does."""
    date = fields.pop("date", "2022-06-21")
    category = normalize_category(fields.pop("category", "Pemerintahan"))
    record: dict[str, Any] = dict.fromkeys(RECORD_FIELDS)
    record.update(
        url=BASE + slug,
        slug=slug,
        title=f"Judul {slug}",
        published_at=f"{date}T10:00:00+08:00" if date else None,
        published_date=date,
        published_precision="second" if date else None,
        published_raw="21 Juni 2022 Jam 10:00:00" if date else None,
        category=category.label,
        category_slug=category.slug,
        category_raw=category.raw,
        category_known=category.known,
        dateline="Samarinda",
        body_text=f"SAMARINDA – Isi berita {slug}.",
        photo_caption=None,
        author_codes="her/hmsprov",
        image_urls=[f"https://www.kaltimprov.go.id/images/{slug}.jpg"],
        canonical_link=None,
        content_hash=None,
    )
    record.update(fields)
    return record


def build(path: Path, records: list[dict[str, Any]]) -> Path:
    """An archive at `path` holding `records` (the taxonomy synced, unknown labels noted)."""
    with Store.open(path) as store:
        store.sync_categories(Taxonomy.default())
        for record in records:
            store.save_article(record, capture=None, run_id=None, fetched_at=FETCHED_AT)
            if record.get("category") and not record.get("category_known"):
                store.note_category(record["category"], record["category_slug"], False)
    return path
