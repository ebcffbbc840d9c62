"""A WACZ package (WARC, CDXJ index, page list, manifest) written as a stream: flat memory.

The package is built from files on disk, each read once in 1 MiB chunks and hashed as it is
copied into the ZIP: the WARC (stored, its gzip members as they are), the CDXJ index sorted by
cdxj-indexer (which spills to temporary files past `SORT_BUFFER` bytes) and written as a ZipNum
index (`indexes/index.cdx.gz` in blocks of `INDEX_BLOCK_LINES` lines, stored, and its
`indexes/index.idx`, the layout py-wacz, pywb and ReplayWeb.page read), and the page list
(`pages/pages.jsonl`). Then `datapackage.json` lists every member with its sha256 and size, and
`datapackage-digest.json` holds the manifest's own hash.

Two versions: 1.1.1 (`wacz_version`, `mainPageUrl`/`mainPageDate`), the one `wacz validate`
accepts, and 1.2.0 (profile `wacz`, a `home` object; its "Changes" section drops the other
fields).
"""

from __future__ import annotations

import hashlib
import json
import uuid
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, TextIO

WACZ_VERSIONS = ("1.1.1", "1.2.0")
MANIFEST = "datapackage.json"
MANIFEST_DIGEST = "datapackage-digest.json"
PAGES_HEADER = {"format": "json-pages-1.0", "id": "pages", "title": "Articles"}
# py-wacz's block size (ArchiveWeb.page's default): one index.idx line per 1,024 CDXJ lines.
INDEX_BLOCK_LINES = 1024
# The CDXJ lines sorted in memory before cdxj-indexer spills a sorted run to a temporary file.
SORT_BUFFER = 4 * 1024 * 1024
CHUNK = 1 << 20


@dataclass(frozen=True)
class Home:
    """The page a player opens first: its url and capture time (ISO 8601)."""

    url: str
    ts: str


class PageList:
    """`pages/pages.jsonl` written one page at a time: a header line, then one line per page."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.count = 0
        self.newest: Home | None = None
        out.write(json.dumps(PAGES_HEADER) + "\n")

    def add(self, url: str, ts: str, title: str | None) -> None:
        # A stable id: the same capture gets the same id in every export.
        page_id = uuid.uuid5(uuid.NAMESPACE_URL, f"{ts}/{url}").hex
        page = {"id": page_id, "url": url, "ts": ts, "title": title or ""}
        self.out.write(json.dumps(page, ensure_ascii=False) + "\n")
        self.count += 1
        if self.newest is None or ts > self.newest.ts:
            self.newest = Home(url, ts)


def index_warc(warc: Path, index_gz: Path, index_idx: Path) -> None:
    """Index `warc` into a ZipNum CDXJ index: `index_gz` (gzip blocks of sorted lines) and
    `index_idx` (the first key of each block, with its offset, length and sha256)."""
    from cdxj_indexer.main import CDXJIndexer

    with open(index_gz, "wb") as blocks:
        CDXJIndexer(
            str(index_idx),
            [str(warc)],
            sort=True,
            max_sort_buff_size=SORT_BUFFER,
            post_append=True,
            compress=blocks,
            data_out_name=index_gz.name,
            lines=INDEX_BLOCK_LINES,
            digest_records=True,
            fields="referrer",
        ).process_all()


def write_package(
    target: Path,
    *,
    warc: Path,
    pages: Path,
    work: Path,
    title: str,
    home: Home | None,
    wacz_version: str = "1.1.1",
) -> None:
    """Write the WACZ `target` of `warc` and its page list `pages`; `work` is a directory for
    the index files. Every member is hashed while it is copied in."""
    if wacz_version not in WACZ_VERSIONS:
        raise ValueError(f"WACZ version {wacz_version!r}: one of {', '.join(WACZ_VERSIONS)}")
    index_gz, index_idx = work / "index.cdx.gz", work / "index.idx"
    index_warc(warc, index_gz, index_idx)
    members = [
        (warc, f"archive/{warc.name}", zipfile.ZIP_STORED),
        (index_gz, "indexes/index.cdx.gz", zipfile.ZIP_STORED),
        (index_idx, "indexes/index.idx", zipfile.ZIP_DEFLATED),
        (pages, "pages/pages.jsonl", zipfile.ZIP_DEFLATED),
    ]
    created = datetime.now(UTC)
    with zipfile.ZipFile(target, "w", allowZip64=True) as package:
        resources = [_copy_in(package, path, name, how, created) for path, name, how in members]
        manifest = json.dumps(
            _manifest(resources, title, home, wacz_version, created), indent=2
        ).encode()
        digest = {"path": MANIFEST, "hash": "sha256:" + hashlib.sha256(manifest).hexdigest()}
        package.writestr(_entry(MANIFEST, zipfile.ZIP_DEFLATED, created), manifest)
        package.writestr(
            _entry(MANIFEST_DIGEST, zipfile.ZIP_DEFLATED, created),
            json.dumps(digest, indent=2).encode(),
        )


def _entry(name: str, how: int, created: datetime) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, created.timetuple()[:6])
    info.compress_type = how
    return info


def _copy_in(
    package: zipfile.ZipFile, path: Path, name: str, how: int, created: datetime
) -> dict[str, Any]:
    """Copy the file `path` into `package` as `name`; its datapackage resource."""
    size = path.stat().st_size
    digest = hashlib.sha256()
    with (
        open(path, "rb") as source,
        package.open(
            _entry(name, how, created), "w", force_zip64=size >= zipfile.ZIP64_LIMIT
        ) as member,
    ):
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            member.write(chunk)
    return {
        "name": Path(name).name.lower(),
        "path": name,
        "hash": "sha256:" + digest.hexdigest(),
        "bytes": size,
    }


def _manifest(
    resources: list[dict[str, Any]],
    title: str,
    home: Home | None,
    wacz_version: str,
    created: datetime,
) -> dict[str, Any]:
    package: dict[str, Any] = {
        "profile": "data-package" if wacz_version == "1.1.1" else "wacz",
        "resources": resources,
        "title": title,
        "created": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "software": f"humas-crawler {_version()}",
    }
    if wacz_version == "1.1.1":
        package["wacz_version"] = wacz_version
        if home is not None:
            package["mainPageUrl"] = home.url
            package["mainPageDate"] = home.ts
    elif home is not None:
        package["home"] = {"url": home.url, "ts": home.ts}
    return package


def _version() -> str:
    try:
        return version("humas-crawler")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"
