"""Atom feeds of the archive: `new.atom` (the latest articles) and `changed.atom` (the latest
changes, each with its diff), written with feedgen.

Pure over what the archive reads give (`store.articles.newest`, `store.events.window`,
`store.events.revision_pair`, passed in as `reader`), so this layer needs no SQL.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from feedgen.feed import FeedGenerator

from humas_crawler import __version__
from humas_crawler.revisions.diff import diff_revisions
from humas_crawler.revisions.rows import removal_summary, revision_fields

FEED_SIZE = 50  # entries in each feed
FEED_NAMES = ("new.atom", "changed.atom")


@dataclass(frozen=True)
class Entry:
    """One feed entry."""

    id: str  # a URI, stable for the same article (new) or the same change (changed)
    title: str
    link: str
    updated: datetime
    summary: str
    content_html: str | None = None
    category: str | None = None
    published: datetime | None = None


class Reader(Protocol):
    """What the feeds read from an archive (a humas_crawler.archive.store.Store)."""

    @property
    def articles(self) -> Any: ...

    @property
    def events(self) -> Any: ...


def new_entries(reader: Reader, size: int = FEED_SIZE) -> list[Entry]:
    """The latest `size` articles archived, newest first."""
    return [
        Entry(
            id=row["url"],
            title=row["title"] or row["url"],
            link=row["url"],
            updated=_instant(row["first_seen_at"]),
            published=_instant(row["published_at"]) if row["published_at"] else None,
            summary=_one_line(
                " · ".join(part for part in (row["category"], _excerpt(row["body_text"])) if part)
            ),
            category=row["category"],
        )
        for row in reader.articles.newest(size)
    ]


def change_entries(reader: Reader, size: int = FEED_SIZE) -> list[Entry]:
    """The latest `size` changes (new revisions that are not trivial, removals, returns),
    newest first; a revision's entry carries its diff as HTML."""
    entries = []
    for event in reader.events.window(limit=size):
        content = None
        summary = event["summary"]
        if event["kind"] == "changed":
            old, new = reader.events.revision_pair(event["article_id"], event["revision"])
            if old is not None and new is not None:
                diff = diff_revisions(revision_fields(old), revision_fields(new))
                content = diff.to_html()
                summary = summary or diff.summary()
        else:
            summary = removal_summary(event)
        title = event["title"] or event["url"]
        entries.append(
            Entry(
                id=f"{event['url']}#{event['kind']}-{event['revision']}-{event['id']}",
                title=f"{_KIND_PREFIX[event['kind']]}{title}",
                link=event["url"],
                updated=_instant(event["at"]),
                summary=_one_line(summary or event["kind"]),
                content_html=content,
                category=event["category"],
            )
        )
    return entries


_KIND_PREFIX = {"changed": "[diubah] ", "removed": "[dihapus] ", "restored": "[kembali] "}


def build(
    name: str, entries: Iterable[Entry], *, site_url: str, self_url: str | None = None
) -> bytes:
    """The Atom 1.0 document of one feed (`new.atom` or `changed.atom`)."""
    entries = list(entries)
    feed = FeedGenerator()
    kind = "new articles" if name == "new.atom" else "changes"
    feed.id(f"{site_url}/#humas-crawler-{name}")
    feed.title(f"{site_url.split('://', 1)[-1]}: {kind} (humas-crawler archive)")
    feed.author({"name": "humas-crawler archive"})
    feed.link(href=site_url, rel="alternate")
    if self_url:
        feed.link(href=self_url, rel="self")
    feed.language("id")
    feed.generator("humas-crawler", version=__version__)
    feed.updated(max((e.updated for e in entries), default=datetime.now(UTC)))
    for entry in entries:
        item = feed.add_entry(order="append")
        item.id(entry.id)
        item.title(entry.title)
        item.link(href=entry.link, rel="alternate")
        item.updated(entry.updated)
        if entry.published is not None:
            item.published(entry.published)
        item.summary(entry.summary)
        if entry.content_html:
            item.content(entry.content_html, type="html")
        if entry.category:
            item.category(term=entry.category)
    return feed.atom_str(pretty=True)


def write_feeds(reader: Reader, out_dir: Path, *, site_url: str) -> list[Path]:
    """Write both feeds into `out_dir` (created if needed), each replaced atomically."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, entries in (
        ("new.atom", new_entries(reader)),
        ("changed.atom", change_entries(reader)),
    ):
        path = out_dir / name
        _replace(path, build(name, entries, site_url=site_url))
        written.append(path)
    return written


def _replace(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file in the same directory: a reader never
    sees half a feed."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _instant(value: str) -> datetime:
    """An archive timestamp (`2026-12-03T06:00:00Z`, or with an offset) as an aware datetime."""
    when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _excerpt(text: str | None, limit: int = 200) -> str:
    first = (text or "").strip().split("\n", 1)[0]
    return first if len(first) <= limit else first[:limit].rsplit(" ", 1)[0] + "…"


def _one_line(text: str) -> str:
    return " ".join(text.split())
