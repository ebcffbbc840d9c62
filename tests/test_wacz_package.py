"""archive/wacz.py: the WACZ package written as a stream, checked on a WARC built here.

The sort buffer and block size are made tiny, so that a few dozen records take the paths a large
export takes: sorted runs spilled to temporary files and merged, an index in many blocks.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import zipfile
from collections.abc import Iterator
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from humas_crawler.archive import wacz
from humas_crawler.archive.wacz import Capture, Home, PageList, ZipNumIndex, write_package

URLS = [f"https://www.kaltimprov.go.id/berita/{n:02d}-judul-berita" for n in range(40)]
FETCHED_AT = "2026-11-27T20:00:00Z"


@pytest.fixture
def inputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """A WARC of 40 responses written out of order, a revisit and a redirect without a type;
    indexed record by record as the export does; and its page list."""
    monkeypatch.setattr(wacz, "SORT_BUFFER", 2_000)
    monkeypatch.setattr(wacz, "INDEX_BLOCK_LINES", 7)
    files = {
        "warc": tmp_path / "humas-export.warc.gz",
        "index_gz": tmp_path / "index.cdx.gz",
        "index_idx": tmp_path / "index.idx",
        "pages": tmp_path / "pages.jsonl",
    }
    index = ZipNumIndex(files["warc"].name, files["index_gz"], files["index_idx"])
    with open(files["warc"], "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for url, record in _records(writer):
            offset = fh.tell()
            writer.write_record(record)
            with open(files["warc"], "rb") as written:
                fh.flush()
                written.seek(offset)
                data = written.read()
            index.add(
                Capture(
                    url=url,
                    fetched_at=FETCHED_AT,
                    status=int(record.http_headers.get_statuscode()),
                    content_type=record.http_headers.get_header("Content-Type"),
                    payload_digest=record.rec_headers.get_header("WARC-Payload-Digest"),
                    revisit=record.rec_type == "revisit",
                    offset=offset,
                    length=len(data),
                    record_digest="sha256:" + hashlib.sha256(data).hexdigest(),
                )
            )
    index.close()
    with open(files["pages"], "w", encoding="utf-8") as fh:
        listed = PageList(fh)
        for url in URLS:
            listed.add(url, FETCHED_AT, f"Judul {url[-20:]}")
    assert listed.count == len(URLS)
    return files


def _records(writer: WARCWriter) -> Iterator[tuple[str, Any]]:
    html = [("Content-Type", "text/html; charset=utf-8")]
    for url in reversed(URLS):  # out of order: the index must sort them
        body = f"<html><title>{url}</title></html>".encode()
        yield (
            url,
            writer.create_warc_record(
                url,
                "response",
                payload=io.BytesIO(body),
                http_headers=StatusAndHeaders("200 OK", html, protocol="HTTP/1.1"),
                warc_headers_dict={"WARC-Date": FETCHED_AT},
            ),
        )
    yield (
        URLS[3],
        writer.create_revisit_record(
            URLS[3],
            "sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            URLS[3],
            FETCHED_AT,
            http_headers=StatusAndHeaders("200 OK", html, protocol="HTTP/1.1"),
            warc_headers_dict={"WARC-Date": FETCHED_AT},
        ),
    )
    moved = StatusAndHeaders("301 Moved", [("Location", URLS[0])], protocol="HTTP/1.1")
    yield (
        URLS[0] + "-lama",
        writer.create_warc_record(
            URLS[0] + "-lama",
            "response",
            payload=io.BytesIO(b""),
            http_headers=moved,
            warc_headers_dict={"WARC-Date": FETCHED_AT},
        ),
    )


def package(tmp_path: Path, inputs: dict[str, Path], version: str) -> Path:
    target = tmp_path / f"arsip-{version}.wacz"
    home = Home(URLS[-1], FETCHED_AT)
    write_package(target, **inputs, title="t", home=home, wacz_version=version)
    return target


def test_the_index_has_the_lines_cdxj_indexer_writes(inputs) -> None:
    from cdxj_indexer.main import write_cdx_index

    theirs = inputs["warc"].with_suffix(".cdxj")
    options = {"sort": True, "post_append": True, "digest_records": True, "fields": "referrer"}
    write_cdx_index(str(theirs), [str(inputs["warc"])], options)
    ours = gzip.decompress(inputs["index_gz"].read_bytes()).decode()
    assert ours == theirs.read_text()
    assert '"mime": "warc/revisit"' in ours and '"status": "301"' in ours


def test_py_wacz_finds_the_package_valid(tmp_path, inputs) -> None:
    from wacz.main import main

    target = package(tmp_path, inputs, "1.1.1")
    with redirect_stdout(io.StringIO()) as said:
        code = main(["validate", "-f", str(target)])
    assert code == 0, said.getvalue()
    assert "Validation succeeded" in said.getvalue()


def test_members_are_stored_or_deflated_and_match_their_hashes(tmp_path, inputs) -> None:
    target = package(tmp_path, inputs, "1.1.1")
    with zipfile.ZipFile(target) as made:
        manifest = made.read("datapackage.json")
        data = json.loads(manifest)
        assert data["wacz_version"] == "1.1.1" and data["profile"] == "data-package"
        assert data["mainPageUrl"] == URLS[-1]
        digest = json.loads(made.read("datapackage-digest.json"))
        assert digest == {
            "path": "datapackage.json",
            "hash": "sha256:" + hashlib.sha256(manifest).hexdigest(),
        }
        paths = [r["path"] for r in data["resources"]]
        assert paths == [
            "archive/humas-export.warc.gz",
            "indexes/index.cdx.gz",
            "indexes/index.idx",
            "pages/pages.jsonl",
        ]
        for resource in data["resources"]:
            body = made.read(resource["path"])
            assert resource["hash"] == "sha256:" + hashlib.sha256(body).hexdigest()
            assert resource["bytes"] == len(body)
        for stored in paths[:2]:
            assert made.getinfo(stored).compress_type == zipfile.ZIP_STORED
        assert made.read(paths[0]) == inputs["warc"].read_bytes()
        pages = [json.loads(line) for line in made.read(paths[3]).splitlines()]
    assert pages[0]["format"] == "json-pages-1.0"
    assert [p["url"] for p in pages[1:]] == URLS
    assert len({p["id"] for p in pages[1:]}) == len(URLS)


def test_the_index_is_sorted_in_blocks_the_idx_locates(tmp_path, inputs) -> None:
    target = package(tmp_path, inputs, "1.1.1")
    with zipfile.ZipFile(target) as made:
        blocks = made.read("indexes/index.cdx.gz")
        idx = made.read("indexes/index.idx").decode().splitlines()
    lines = gzip.decompress(blocks).decode().splitlines()
    assert len(lines) == len(URLS) + 2  # the sort spilled to several runs and lost nothing
    assert lines == sorted(lines)
    meta, entries = idx[0], idx[1:]
    assert meta.startswith("!meta 0 ") and "index.cdx.gz" in meta
    found = []
    for entry in entries:
        key, ts, located = entry.split(" ", 2)
        where = json.loads(located)
        block = blocks[where["offset"] : where["offset"] + where["length"]]
        assert where["digest"] == "sha256:" + hashlib.sha256(block).hexdigest()
        text = gzip.decompress(block).decode().splitlines()
        assert len(text) <= 7
        # 42 lines: six blocks, and the empty one cdxj-indexer closes an exact multiple with.
        assert not text or text[0].startswith(f"{key} {ts} ")
        found += text
    assert found == lines


def test_version_120_has_the_newer_manifest(tmp_path, inputs) -> None:
    target = package(tmp_path, inputs, "1.2.0")
    with zipfile.ZipFile(target) as made:
        data = json.loads(made.read("datapackage.json"))
    assert data["profile"] == "wacz"
    assert not {"wacz_version", "mainPageUrl", "mainPageDate"} & set(data)
    assert data["home"] == {"url": URLS[-1], "ts": FETCHED_AT}


def test_an_unknown_version_is_refused(tmp_path, inputs) -> None:
    with pytest.raises(ValueError, match=r"1\.1\.1, 1\.2\.0"):
        package(tmp_path, inputs, "2.0")
