"""A WACZ package (WARC, CDXJ index, page list, manifest) written as a stream: flat memory.

The package is built from files on disk, each read once in 1 MiB chunks and hashed as it is
copied into the ZIP: the WARC (stored, its gzip members as they are), the CDXJ index and the page
list (`pages/pages.jsonl`). The index is a ZipNum index (`indexes/index.cdx.gz` in blocks of
`INDEX_BLOCK_LINES` lines, stored, and its `indexes/index.idx`, the layout py-wacz, pywb and
ReplayWeb.page read), sorted by cdxj-indexer's writer, which spills to temporary files past
`SORT_BUFFER` bytes. Its lines are those cdxj-indexer writes for the WARC: `ZipNumIndex.add`
writes them from what the archive's `captures` rows already say of each record (url, time,
status, type, payload digest) and from where the record was copied, without parsing the WARC
again (which took three quarters of the export's time); tests/test_wacz.py checks the lines are
cdxj-indexer's. Then `datapackage.json` lists every member with its sha256 and size, and
`datapackage-digest.json` holds the manifest's own hash.

Two versions: 1.1.1 (`wacz_version`, `mainPageUrl`/`mainPageDate`), the one `wacz validate`
accepts, and 1.2.0 (profile `wacz`, a `home` object; its "Changes" section drops the other
fields).
"""

from __future__ import annotations

import hashlib
import json
import re
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
_MIME_END = re.compile(r"[;\s]")  # cdxj-indexer's: a type ends at `;` or white space


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


@dataclass(frozen=True)
class Capture:
    """One response or revisit record as the WACZ's WARC file holds it."""

    url: str
    fetched_at: str  # the record's WARC-Date, to the second (`...Z`)
    status: int | None
    content_type: str | None
    payload_digest: str | None
    revisit: bool
    offset: int  # in the WACZ's WARC file
    length: int
    record_digest: str  # `sha256:` of the record's bytes (its gzip member)


class ZipNumIndex:
    """The CDXJ index of one WARC file, written as `index_gz` (gzip blocks of sorted lines)
    and `index_idx` (the first key of each block, with its offset, length and sha256)."""

    def __init__(self, warc_name: str, index_gz: Path, index_idx: Path) -> None:
        import surt
        from cdxj_indexer.main import CompressedWriter, SortingWriter

        self._surt = surt.surt
        self.warc_name = warc_name
        self._blocks = open(index_gz, "wb")  # noqa: SIM115 - closed by close()
        self._idx = open(index_idx, "w", encoding="utf-8")  # noqa: SIM115
        compressed = CompressedWriter(
            self._idx,
            data_out=self._blocks,
            num_lines=INDEX_BLOCK_LINES,
            data_out_name=index_gz.name,
            digest_records=True,
        )
        self._sorted = SortingWriter(compressed, SORT_BUFFER)

    def add(self, capture: Capture) -> None:
        """The line cdxj-indexer writes for this record (its fields in its order)."""
        fields: dict[str, str] = {"url": capture.url}
        if capture.revisit:
            fields["mime"] = "warc/revisit"
        elif capture.content_type:
            fields["mime"] = _MIME_END.split(capture.content_type, 1)[0].strip()
        if capture.status is not None:
            fields["status"] = str(capture.status)
        if capture.payload_digest:
            fields["digest"] = capture.payload_digest
        fields.update(
            length=str(capture.length),
            offset=str(capture.offset),
            filename=self.warc_name,
            recordDigest=capture.record_digest,
        )
        try:
            key = self._surt(capture.url)
        except Exception:  # as cdxj-indexer: a URL surt cannot read is its own key
            key = capture.url
        stamp = "".join(c for c in capture.fetched_at if c.isdigit())[:14]
        self._sorted.write(f"{key} {stamp} {json.dumps(fields)}\n")

    def close(self) -> None:
        try:
            self._sorted.flush()
        finally:
            self._blocks.close()
            self._idx.close()


def write_package(
    target: Path,
    *,
    warc: Path,
    index_gz: Path,
    index_idx: Path,
    pages: Path,
    title: str,
    home: Home | None,
    wacz_version: str = "1.1.1",
) -> None:
    """Write the WACZ `target` of `warc`, its index (`ZipNumIndex`'s files) and its page list
    `pages`. Every member is hashed while it is copied in."""
    if wacz_version not in WACZ_VERSIONS:
        raise ValueError(f"WACZ version {wacz_version!r}: one of {', '.join(WACZ_VERSIONS)}")
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
