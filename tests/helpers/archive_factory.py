"""Small archives for the tests of the read commands (export, search, stats) and reparse."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from humas_crawler.archive.record import RECORD_FIELDS, ArticleRecord
from humas_crawler.archive.schema import utc_timestamp
from humas_crawler.archive.store import Store
from humas_crawler.archive.warc import WarcWriter
from humas_crawler.extract.jobs import extract_article
from humas_crawler.normalize import DEFAULT_BASE_URL, Taxonomy, normalize_category
from humas_crawler.normalize.zones import to_utc

FETCHED_AT = "2026-11-27T20:00:00Z"
BASE = "https://www.kaltimprov.go.id/berita/"


def article(slug: str, **fields: Any) -> ArticleRecord:
    """A record shaped like `RECORD_FIELDS`; `category` is normalized like extraction does."""
    date = fields.pop("date", "2022-06-21")
    category = normalize_category(fields.pop("category", "Pemerintahan"))
    record: dict[str, Any] = dict.fromkeys(RECORD_FIELDS)
    record.update(
        url=BASE + slug,
        site="kaltimprov",
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
    record["published_at_utc"] = fields.get("published_at_utc", to_utc(record["published_at"]))
    return ArticleRecord.from_dict(record)


def build(path: Path, records: list[ArticleRecord]) -> Path:
    """An archive at `path` holding `records` (the taxonomy synced, unknown labels noted)."""
    with Store.open(path) as store:
        store.categories.sync(Taxonomy.default())
        for record in records:
            store.articles.save(record, capture=None, run_id=None, fetched_at=FETCHED_AT)
            if record.category and record.category_slug and not record.category_known:
                store.categories.note(record.category, record.category_slug, False)
    return path


def build_from_pages(
    db: Path, warc_dir: Path, pages: list[tuple[str, str]], *, base_url: str = DEFAULT_BASE_URL
) -> list[ArticleRecord]:
    """An archive as a crawl leaves it: each (url, html) page written raw to a WARC file,
    extracted by the crawl's `extract_article` and stored with its capture, in one run.
    Returns the records stored."""
    records = []
    with Store.open(db) as store, WarcWriter(warc_dir, fsync=False) as warc:
        store.categories.sync(Taxonomy.default())
        run_id = store.runs.start("full", base_url)
        for url, html in pages:
            body = html.encode("utf-8")
            fetched_at = datetime.fromisoformat(FETCHED_AT.replace("Z", "+00:00"))
            location = warc.write_exchange(
                url=url,
                method="GET",
                request_headers=[("User-Agent", "humas-crawler tests")],
                request_body=b"",
                status=200,
                reason="OK",
                response_headers=[("Content-Type", "text/html; charset=utf-8")],
                body=body,
                fetched_at=fetched_at,
            )
            capture = {
                "url": url,
                "request_url": url,
                "fetched_at": utc_timestamp(fetched_at),
                "status": 200,
                "content_type": "text/html; charset=utf-8",
                "payload_digest": location.payload_digest,
                "warc_file": location.warc_file,
                "warc_offset": location.warc_offset,
                "warc_length": location.warc_length,
                "warc_record_id": location.record_id,
            }
            record = extract_article(url, html, base_url, fetched_at.isoformat()).record
            store.articles.save(record, capture=capture, run_id=run_id, fetched_at=FETCHED_AT)
            records.append(record)
        store.runs.finish(run_id, status="ok", counts={"requests": len(pages)}, stats={})
    return records


def stored_article(store: Store, url: str) -> dict[str, Any] | None:
    """The archived article at `url` (every column, as `store.articles.rows` reads it)."""
    return next((row for row in store.articles.rows() if row["url"] == url), None)
