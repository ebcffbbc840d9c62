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
from contextlib import redirect_stdout
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from humas_crawler.archive import wacz
from humas_crawler.archive.wacz import Home, PageList, write_package

URLS = [f"https://www.kaltimprov.go.id/berita/{n:02d}-judul-berita" for n in range(40)]


@pytest.fixture
def inputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    monkeypatch.setattr(wacz, "SORT_BUFFER", 2_000)
    monkeypatch.setattr(wacz, "INDEX_BLOCK_LINES", 7)
    warc = tmp_path / "humas-export.warc.gz"
    with open(warc, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for url in reversed(URLS):  # written out of order: the index must sort them
            body = f"<html><title>{url}</title></html>".encode()
            headers = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
            )
            record = writer.create_warc_record(
                url,
                "response",
                payload=io.BytesIO(body),
                http_headers=headers,
                warc_headers_dict={"WARC-Date": "2026-11-27T20:00:00Z"},
            )
            writer.write_record(record)
    pages = tmp_path / "pages.jsonl"
    with open(pages, "w", encoding="utf-8") as fh:
        listed = PageList(fh)
        for url in URLS:
            listed.add(url, "2026-11-27T20:00:00Z", f"Judul {url[-20:]}")
    assert listed.count == len(URLS)
    return warc, pages


def package(tmp_path: Path, inputs: tuple[Path, Path], version: str) -> Path:
    warc, pages = inputs
    target = tmp_path / f"arsip-{version}.wacz"
    work = tmp_path / f"work-{version}"
    work.mkdir()
    home = Home(URLS[-1], "2026-11-27T20:00:00Z")
    write_package(
        target, warc=warc, pages=pages, work=work, title="t", home=home, wacz_version=version
    )
    return target


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
        assert made.read(paths[0]) == inputs[0].read_bytes()
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
    assert len(lines) == len(URLS)  # the sort spilled to several runs and lost nothing
    assert lines == sorted(lines)
    assert all(json.loads(line.split(" ", 2)[2])["url"] in URLS for line in lines)
    meta, entries = idx[0], idx[1:]
    assert meta.startswith("!meta 0 ") and "index.cdx.gz" in meta
    assert len(entries) == -(-len(URLS) // 7)
    for entry in entries:
        key, ts, located = entry.split(" ", 2)
        where = json.loads(located)
        block = blocks[where["offset"] : where["offset"] + where["length"]]
        assert where["digest"] == "sha256:" + hashlib.sha256(block).hexdigest()
        assert gzip.decompress(block).decode().startswith(f"{key} {ts} ")


def test_version_120_has_the_newer_manifest(tmp_path, inputs) -> None:
    target = package(tmp_path, inputs, "1.2.0")
    with zipfile.ZipFile(target) as made:
        data = json.loads(made.read("datapackage.json"))
    assert data["profile"] == "wacz"
    assert not {"wacz_version", "mainPageUrl", "mainPageDate"} & set(data)
    assert data["home"] == {"url": URLS[-1], "ts": "2026-11-27T20:00:00Z"}


def test_an_unknown_version_is_refused(tmp_path, inputs) -> None:
    with pytest.raises(ValueError, match=r"1\.1\.1, 1\.2\.0"):
        package(tmp_path, inputs, "2.0")
