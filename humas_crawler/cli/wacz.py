"""`export --format wacz`: the selected articles' captures as a WACZ package (pywb, ReplayWeb.page).

The package is made by py-wacz (`wacz create`), from one WARC file of the selected records copied
byte for byte from the archive's WARC files (each record is its own gzip member: no recompression),
and a `pages.jsonl` with one page per article. py-wacz writes the CDXJ index, `datapackage.json`
and `datapackage-digest.json`.

py-wacz writes WACZ 1.1.1, the version `wacz validate` (py-wacz's validator, the only one on PyPI)
accepts. `--wacz-version 1.2.0` rewrites the manifest the way the 1.2.0 specification's "Changes"
section says (profile `wacz`, no `wacz_version`, no `mainPageUrl`/`mainPageDate`, a `home` object),
then the digest of the manifest; `wacz validate` rejects such a package (it requires
`wacz_version` 1.1.1), ReplayWeb.page and pywb read both.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import click

from humas_crawler.archive.queries import ArticleFilter
from humas_crawler.archive.store import Store
from humas_crawler.archive.warc import WarcError, copy_record

PAGES_HEADER = {"format": "json-pages-1.0", "id": "pages", "title": "Articles"}
WACZ_VERSIONS = ("1.1.1", "1.2.0")
MANIFEST = "datapackage.json"
MANIFEST_DIGEST = "datapackage-digest.json"


def _wacz_main() -> Any:
    try:
        from wacz.main import main
    except ImportError:
        raise click.ClickException(
            "WACZ export needs py-wacz: pip install 'humas-crawler[archive]'"
        ) from None
    return main


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
    `skip_missing`."""
    create = _wacz_main()
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
        # One page per article, at its newest capture, streamed from the archive: memory stays
        # flat whatever the number of articles.
        pages = work / "pages.jsonl"
        articles = 0
        newest: dict[str, str] | None = None
        with open(pages, "w", encoding="utf-8") as fh:
            fh.write(json.dumps(PAGES_HEADER) + "\n")
            for url, fetched_at, title in store.articles.pages(where):
                page = {"url": url, "ts": fetched_at, "title": title or ""}
                fh.write(json.dumps(page, ensure_ascii=False) + "\n")
                articles += 1
                if newest is None or fetched_at > newest["ts"]:
                    newest = {"url": url, "ts": fetched_at}
        if records == 0:
            raise click.ClickException("no capture of the selected articles to package")
        partial = work / target.name
        arguments = ["create", "-o", str(partial), "-p", str(pages), "--title", title, str(warc)]
        with contextlib.redirect_stdout(io.StringIO()) as said:
            code = create(arguments)
        if code not in (0, None) or not partial.exists():
            raise click.ClickException(f"py-wacz could not create the package: {said.getvalue()}")
        if version == "1.2.0" and newest is not None:
            partial = as_wacz_120(partial, work / f"1.2.0-{target.name}", newest)
        os.replace(partial, target)
    return articles, records, missing


def as_wacz_120(source: Path, target: Path, home: dict[str, str]) -> Path:
    """Copy the py-wacz package `source` to `target` as WACZ 1.2.0: every member as it is (stored
    members stay stored, nothing recompressed) but the manifest, changed as the 1.2.0 spec says,
    and its digest, recomputed."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        package = json.loads(old.read(MANIFEST))
        package["profile"] = "wacz"
        for dropped in ("wacz_version", "mainPageUrl", "mainPageDate"):
            package.pop(dropped, None)
        package["home"] = home
        manifest = json.dumps(package, indent=2).encode()
        digest = json.loads(old.read(MANIFEST_DIGEST))
        digest["hash"] = "sha256:" + hashlib.sha256(manifest).hexdigest()
        for info in old.infolist():
            if info.filename == MANIFEST:
                new.writestr(info, manifest)
            elif info.filename == MANIFEST_DIGEST:
                new.writestr(info, json.dumps(digest, indent=2).encode())
            else:
                with old.open(info) as member, new.open(info, "w") as copy:
                    shutil.copyfileobj(member, copy, 1 << 20)
    return target
