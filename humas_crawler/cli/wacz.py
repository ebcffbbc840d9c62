"""`export --format wacz`: the selected articles' captures as a WACZ package (pywb, ReplayWeb.page).

The selected records are copied byte for byte from the archive's WARC files into one WARC file
(each record is its own gzip member: no recompression), the page list is streamed from one query,
and `archive/wacz.py` indexes and packages both. Every step reads and writes one record or one row
at a time: memory stays flat whatever the number of articles.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import click

from humas_crawler.archive.queries import ArticleFilter
from humas_crawler.archive.store import Store
from humas_crawler.archive.wacz import PageList, write_package
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
        records = 0
        with open(warc, "wb") as out:
            for capture in store.captures.of_articles(where):
                if capture["warc_file"] in missing:
                    continue
                try:
                    copy_record(
                        warc_dir,
                        capture["warc_file"],
                        capture["warc_offset"],
                        capture["warc_length"],
                        out,
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
                records += 1
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
            pages=pages,
            work=work,
            title=title,
            home=listed.newest,
            wacz_version=version,
        )
        os.replace(partial, target)
    return listed.count, records, missing
