"""`export --format wacz`: the selected articles' captures as a WACZ package (pywb, ReplayWeb.page).

The selected records are copied byte for byte from the archive's WARC files into one WARC file
(each record is its own gzip member: no recompression), each indexed as it is copied from what its
`captures` row says; the page list is streamed from one query; `archive/wacz.py` packages them.
Every step reads and writes one record or one row at a time: memory stays flat whatever the
number of articles.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import BinaryIO

import click

from humas_crawler.archive.queries import ArticleFilter
from humas_crawler.archive.store import Store
from humas_crawler.archive.wacz import Capture, PageList, ZipNumIndex, write_package
from humas_crawler.archive.warc import WarcError, copy_record


def write_wacz(
    store: Store,
    where: ArticleFilter,
    warc_dir: Path,
    target: Path,
    *,
    skip_missing: bool,
    title: str,
    version: str = "1.1.1",
) -> tuple[int, int, list[str]]:
    """Write the WACZ of the articles `where` selects to `target`; (articles, records copied,
    WARC files missing and left out). A missing WARC file is a click error unless
    `skip_missing`; an article whose newest capture was left out is left out of the pages."""
    missing: list[str] = []
    with tempfile.TemporaryDirectory(prefix=".wacz-", dir=target.parent) as tmp:
        work = Path(tmp)
        warc = work / "humas-export.warc.gz"
        index_gz, index_idx = work / "index.cdx.gz", work / "index.idx"
        index = ZipNumIndex(warc.name, index_gz, index_idx)
        records = 0
        try:
            with open(warc, "wb") as out:
                for capture in store.captures.of_articles(where):
                    if capture["warc_file"] in missing:
                        continue
                    offset = out.tell()
                    copied = _Hashing(out)
                    try:
                        copy_record(
                            warc_dir,
                            capture["warc_file"],
                            capture["warc_offset"],
                            capture["warc_length"],
                            copied,
                        )
                    except FileNotFoundError:
                        if not skip_missing:
                            raise click.ClickException(
                                f"the WARC file {capture['warc_file']} is not in {warc_dir}"
                                " (give --warc-dir, or --skip-missing to leave its records out)"
                            ) from None
                        missing.append(capture["warc_file"])
                        continue
                    except WarcError as exc:
                        raise click.ClickException(str(exc)) from exc
                    index.add(
                        Capture(
                            url=capture["url"],
                            fetched_at=capture["fetched_at"],
                            status=capture["status"],
                            content_type=capture["content_type"],
                            payload_digest=capture["payload_digest"],
                            revisit=capture["revisit_of"] is not None,
                            offset=offset,
                            length=out.tell() - offset,
                            record_digest="sha256:" + copied.digest.hexdigest(),
                        )
                    )
                    records += 1
        finally:
            index.close()
        if records == 0:
            raise click.ClickException("no capture of the selected articles to package")
        pages = work / "pages.jsonl"
        with open(pages, "w", encoding="utf-8") as fh:
            listed = PageList(fh)
            for url, fetched_at, title_, warc_file in store.articles.pages(where):
                if warc_file not in missing:
                    listed.add(url, fetched_at, title_)
        partial = work / target.name
        write_package(
            partial,
            warc=warc,
            index_gz=index_gz,
            index_idx=index_idx,
            pages=pages,
            title=title,
            home=listed.newest,
            wacz_version=version,
        )
        os.replace(partial, target)
    return listed.count, records, missing


class _Hashing:
    """A writer that passes bytes on to `out` and hashes them (a record's digest as copied)."""

    def __init__(self, out: BinaryIO) -> None:
        self.out = out
        self.digest = hashlib.sha256()

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        return self.out.write(data)
