"""`export --format wacz`: valid by `wacz validate`, and replayed by pywb (wb-manager, wayback)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from humas_crawler.replica.checks import rows
from humas_crawler.replica.model import ReplicaSite
from humas_crawler.replica.server import ReplicaServer
from tests.helpers.crawling import crawl, warcio_check

pytestmark = pytest.mark.slow
BIN = Path(sys.executable).parent


def tool(name: str) -> str:
    return shutil.which(name) or str(BIN / name)


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    """A replica crawled, one article edited, crawled again in full (unchanged ones refetched)."""
    tmp = tmp_path_factory.mktemp("wacz")
    site = ReplicaSite(articles=25, seed=5)
    with ReplicaServer(site) as server:
        assert crawl(server, tmp).returncode == 0
        edited = site.newest_first()[6]
        site.edit_article(edited.slug, title=edited.title + " (Ralat)")
        assert crawl(server, tmp, "--mode", "full").returncode == 0
        yield tmp, f"{server.base_url}{edited.path}", edited.title + " (Ralat)"


def export(tmp: Path, out: Path, *args: str) -> subprocess.CompletedProcess:
    db = str(tmp / "humas.sqlite")
    return subprocess.run(
        [sys.executable, "-m", "humas_crawler", "export", "--format", "wacz", "-o", str(out),
         "--db", db, *args],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def test_the_wacz_validates_and_holds_every_capture(archive, tmp_path) -> None:
    tmp, _, _ = archive
    out = tmp_path / "arsip.wacz"
    result = export(tmp, out)
    assert result.returncode == 0, result.stderr
    check = subprocess.run(
        [tool("wacz"), "validate", "-f", str(out)], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert "Validation succeeded" in check.stdout
    import zipfile

    with zipfile.ZipFile(out) as package:
        names = set(package.namelist())
        assert {"datapackage.json", "datapackage-digest.json", "pages/pages.jsonl"} <= names
        warcs = [n for n in names if n.startswith("archive/")]
        assert warcs and all(package.getinfo(n).compress_type == zipfile.ZIP_STORED for n in warcs)
        pages = package.read("pages/pages.jsonl").decode().splitlines()
        warc = tmp_path / "inner.warc.gz"
        warc.write_bytes(package.read(warcs[0]))
    articles = rows(tmp, "select count(*) as n from articles")[0]["n"]
    assert len(pages) == articles + 1  # a header, then one page per article
    assert warcio_check(warc).returncode == 0
    assert_index_is_cdxj_indexers(out, tmp_path)


def assert_index_is_cdxj_indexers(package_path: Path, tmp: Path) -> None:
    """The index, written from the captures rows, has the lines cdxj-indexer writes when it
    parses the package's WARC file (revisits and edited articles included)."""
    import gzip
    import zipfile

    from cdxj_indexer.main import write_cdx_index

    with zipfile.ZipFile(package_path) as package:
        [name] = [n for n in package.namelist() if n.startswith("archive/")]
        warc = tmp / Path(name).name
        warc.write_bytes(package.read(name))
        ours = gzip.decompress(package.read("indexes/index.cdx.gz")).decode().splitlines()
    theirs = tmp / "theirs.cdxj"
    options = {"sort": True, "post_append": True, "digest_records": True, "fields": "referrer"}
    write_cdx_index(str(theirs), [str(warc)], options)
    expected = theirs.read_text().splitlines()
    assert any('"mime": "warc/revisit"' in line for line in expected)
    assert ours == expected


def test_a_missing_warc_file_is_named_unless_skipped(archive, tmp_path) -> None:
    tmp, _, _ = archive
    files = sorted((tmp / "warc").glob("*.warc.gz"))
    moved = tmp_path / "moved"
    moved.mkdir()
    shutil.copytree(tmp / "warc", moved / "warc")
    shutil.copy(tmp / "humas.sqlite", moved / "humas.sqlite")
    (moved / "warc" / files[-1].name).unlink()
    result = export(moved, tmp_path / "x.wacz")
    assert result.returncode == 1 and files[-1].name in result.stderr
    assert not (tmp_path / "x.wacz").exists()
    skipped = export(moved, tmp_path / "y.wacz", "--skip-missing")
    assert skipped.returncode == 0, skipped.stderr
    assert f"left out (missing): {files[-1].name}" in skipped.stderr


def test_a_wacz_120_package_follows_the_newer_spec(archive, tmp_path) -> None:
    """`--wacz-version 1.2.0`: the manifest as the 1.2.0 spec says, every resource and the manifest
    itself still matching their hashes, the WARC members stored and byte for byte those of the
    1.1.1 package; with the profile set aside, frictionless finds the Data Package valid."""
    import hashlib
    import json
    import zipfile

    from frictionless import validate

    tmp, _, _ = archive
    old, new = tmp_path / "a.wacz", tmp_path / "b.wacz"
    assert export(tmp, old).returncode == 0
    result = export(tmp, new, "--wacz-version", "1.2.0")
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(new) as package, zipfile.ZipFile(old) as before:
        manifest = package.read("datapackage.json")
        data = json.loads(manifest)
        assert data["profile"] == "wacz"
        assert not {"wacz_version", "mainPageUrl", "mainPageDate"} & set(data)
        assert data["home"]["url"].startswith("http") and data["home"]["ts"]
        digest = json.loads(package.read("datapackage-digest.json"))
        assert digest["hash"] == "sha256:" + hashlib.sha256(manifest).hexdigest()
        for resource in data["resources"]:
            body = package.read(resource["path"])
            assert resource["hash"] == "sha256:" + hashlib.sha256(body).hexdigest()
            assert resource["bytes"] == len(body)
        warcs = [n for n in package.namelist() if n.startswith("archive/")]
        assert warcs and all(package.getinfo(n).compress_type == zipfile.ZIP_STORED for n in warcs)
        assert [package.read(n) for n in warcs] == [before.read(n) for n in warcs]
        data["profile"] = "data-package"
        (tmp_path / "datapackage.json").write_text(json.dumps(data))
        for resource in data["resources"]:
            (tmp_path / resource["path"]).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / resource["path"]).write_bytes(package.read(resource["path"]))
    report = validate(tmp_path / "datapackage.json")
    assert report.valid, report.flatten(["type", "message"])[:5]
    check = subprocess.run(
        [tool("wacz"), "validate", "-f", str(new)], capture_output=True, text=True
    )
    assert "Validation succeeded" not in check.stdout  # py-wacz knows 1.1.1 only (docs/export.md)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read().decode("utf-8", "replace")


@pytest.mark.parametrize("version", ["1.1.1", "1.2.0"])
def test_pywb_replays_the_articles_and_lists_each_capture(archive, tmp_path, version) -> None:
    tmp, edited_url, edited_title = archive
    out = tmp_path / "arsip.wacz"
    assert export(tmp, out, "--wacz-version", version).returncode == 0
    home = tmp_path / "pywb"
    home.mkdir()
    for args in (["init", "arsip"], ["add", "--unpack-wacz", "arsip", str(out)]):
        made = subprocess.run([tool("wb-manager"), *args], cwd=home, capture_output=True, text=True)
        assert made.returncode == 0, made.stdout + made.stderr
    port = free_port()
    log = (home / "wayback.log").open("wb")
    server = subprocess.Popen(
        [tool("wayback"), "-p", str(port), "-b", "127.0.0.1"], cwd=home, stdout=log, stderr=log
    )
    try:
        base = f"http://127.0.0.1:{port}/arsip"
        deadline = time.monotonic() + 60
        while True:
            try:
                timemap = get(f"{base}/timemap/link/{edited_url}")
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail((home / "wayback.log").read_text())
                time.sleep(0.5)
        mementos = [line for line in timemap.splitlines() if 'rel="memento"' in line]
        captures = rows(
            tmp,
            "select count(*) as n from captures where url = ? and status = 200",
            (edited_url,),
        )[0]["n"]
        assert len(mementos) == captures == 2  # before and after the edit
        page = get(f"{base}/2030mp_/{edited_url}")  # the newest memento, unframed
        assert f"<title>{edited_title}" in page
        # An unchanged article: its refetch is a revisit record, replayed from the original.
        unchanged = rows(
            tmp,
            "select a.url, a.title from articles a join captures c on c.id = a.capture_id"
            " where c.revisit_of is not null limit 1",
        )[0]
        timemap = get(f"{base}/timemap/link/{unchanged['url']}")
        assert len([line for line in timemap.splitlines() if 'rel="memento"' in line]) == 2
        page = get(f"{base}/2030mp_/{unchanged['url']}")
        assert f"<title>{unchanged['title']}" in page
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
