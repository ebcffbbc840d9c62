"""Refetches of unchanged pages are WARC `revisit` records: read back by warcio, reparse, the
WACZ export and pywb."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from humas_crawler.replica.checks import rows
from humas_crawler.replica.model import ReplicaSite
from humas_crawler.replica.server import ReplicaServer
from tests.helpers.crawling import crawl, warcio_check

pytestmark = pytest.mark.slow


def warc_bytes(tmp: Path) -> int:
    return sum(path.stat().st_size for path in (tmp / "warc").glob("*.warc.gz"))


@pytest.fixture(scope="module")
def twice(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("revisits")
    site = ReplicaSite(articles=30, seed=9)
    with ReplicaServer(site) as server:
        assert crawl(server, tmp, "--mode", "full").returncode == 0
        first = warc_bytes(tmp)
        assert crawl(server, tmp, "--mode", "full").returncode == 0
        yield tmp, first, warc_bytes(tmp)


def test_unchanged_refetches_are_revisit_records(twice) -> None:
    tmp, first, second = twice
    revisits = rows(tmp, "select * from captures where revisit_of is not null")
    articles = rows(tmp, "select count(*) as n from articles")[0]["n"]
    assert len(revisits) >= articles  # every article page, unchanged, and the listings
    for path in sorted((tmp / "warc").glob("*.warc.gz")):
        assert warcio_check(path).returncode == 0
    by_id = {r["id"]: r for r in rows(tmp, "select * from captures")}
    sample = revisits[0]
    with open(tmp / "warc" / sample["warc_file"], "rb") as fh:
        fh.seek(sample["warc_offset"])
        record = next(iter(ArchiveIterator(fh)))
    original = by_id[sample["revisit_of"]]
    assert record.rec_type == "revisit"
    headers = record.rec_headers
    assert headers.get_header("WARC-Profile").endswith("/revisit/identical-payload-digest")
    assert headers.get_header("WARC-Refers-To") == original["warc_record_id"]
    assert headers.get_header("WARC-Refers-To-Target-URI") == original["url"]
    assert headers.get_header("WARC-Payload-Digest") == original["payload_digest"]
    # The second full crawl adds little: headers, no bodies.
    assert second - first <= 0.2 * first, (first, second)


def test_reparse_reads_a_revisit_from_its_original(twice) -> None:
    tmp, _, _ = twice
    db = str(tmp / "humas.sqlite")
    result = subprocess.run(
        [sys.executable, "-m", "humas_crawler", "reparse", "--db", db],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    articles = rows(tmp, "select count(*) as n from articles")[0]["n"]
    assert (
        f"reparsed {articles}: 0 new, 0 changed, {articles} unchanged"
        in result.stdout + result.stderr
    )
    assert "0 missing WARC" in result.stdout + result.stderr


def test_a_wacz_with_revisits_validates(twice, tmp_path) -> None:
    tmp, _, _ = twice
    out = tmp_path / "a.wacz"
    db = str(tmp / "humas.sqlite")
    made = subprocess.run(
        [sys.executable, "-m", "humas_crawler", "export", "--format", "wacz", "-o", str(out),
         "--db", db],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    wacz = Path(sys.executable).parent / "wacz"
    check = subprocess.run([str(wacz), "validate", "-f", str(out)], capture_output=True, text=True)
    assert check.returncode == 0 and "Validation succeeded" in check.stdout


def test_each_crawl_keeps_a_cdxj_index_pywb_serves_in_place(twice, tmp_path) -> None:
    import shutil
    import socket
    import time
    import urllib.request

    tmp, _, _ = twice
    index = tmp / "warc" / "index.cdxj"
    lines = index.read_text().splitlines()
    captures = rows(tmp, "select count(*) as n from captures")[0]["n"]
    assert len(lines) == captures  # every response and revisit record, no request record
    assert lines == sorted(lines)
    before = index.stat().st_mtime_ns
    result = subprocess.run(
        [sys.executable, "-m", "humas_crawler", "index", "--db", str(tmp / "humas.sqlite")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0 and f"({captures} records)" in result.stdout
    assert index.stat().st_mtime_ns >= before and index.read_text().splitlines() == lines
    # pywb, pointed at the directory and its index: nothing copied.
    home = tmp_path / "pywb"
    home.mkdir()
    (home / "config.yaml").write_text(
        f"collections:\n  arsip:\n    index_paths: {index}\n    archive_paths: {tmp / 'warc'}/\n"
    )
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    wayback = shutil.which("wayback") or str(Path(sys.executable).parent / "wayback")
    server = subprocess.Popen(
        [wayback, "-p", str(port), "-b", "127.0.0.1"],
        cwd=home,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        article = rows(tmp, "select url, title from articles order by id limit 1")[0]
        deadline = time.monotonic() + 60
        while True:
            try:
                url = f"http://127.0.0.1:{port}/arsip/2030mp_/{article['url']}"
                with urllib.request.urlopen(url, timeout=30) as response:
                    page = response.read().decode("utf-8", "replace")
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail("pywb did not serve the WARC directory")
                time.sleep(0.5)
        assert f"<title>{article['title']}" in page  # the newest capture: a revisit
    finally:
        server.terminate()
        server.wait(timeout=30)
