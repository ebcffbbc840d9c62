"""Tests for humas_crawler.archive.warc: writing, rotation, reading back, truncated files."""

from __future__ import annotations

import base64
import gzip
import hashlib
import logging
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from humas_crawler.archive.warc import (
    CaptureLocation,
    WarcError,
    WarcWriter,
    iter_responses,
    read_response,
)

SITE = "https://www.kaltimprov.go.id"
FETCHED_AT = datetime(2026, 11, 27, 20, 8, 57, 123456, tzinfo=UTC)


def page(index: int) -> bytes:
    return (
        f"<html><h1>Berita {index}</h1><p>SAMARINDA – Gubernur meninjau banjir. “Kita siap,” "
        f"katanya. (her/sul/es/hmsprov)</p></html>"
    ).encode()


def write(writer: WarcWriter, url: str, body: bytes, status: int = 200) -> CaptureLocation:
    return writer.write_exchange(
        url=url,
        method="GET",
        request_headers=[("Host", "www.kaltimprov.go.id"), ("User-Agent", "humas-crawler/test")],
        request_body=b"",
        status=status,
        reason="OK" if status == 200 else "Not Found",
        response_headers=[
            ("Content-Type", "text/html; charset=UTF-8"),
            ("Content-Length", str(len(body))),
            ("Set-Cookie", "a=1"),
            ("Set-Cookie", "b=2"),
        ],
        body=body,
        fetched_at=FETCHED_AT,
    )


def warcio_check(path: Path) -> subprocess.CompletedProcess:
    cli = shutil.which("warcio") or str(Path(sys.executable).with_name("warcio"))
    return subprocess.run([cli, "check", str(path)], capture_output=True, text=True, check=False)


def sha1_base32(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode("ascii")


def records(path: Path) -> list[tuple[str, str | None]]:
    with open(path, "rb") as fh:
        return [
            (record.rec_type, record.rec_headers.get_header("WARC-Target-URI"))
            for record in ArchiveIterator(fh)
        ]


def test_exchanges_read_back_by_offset(tmp_path: Path) -> None:
    bodies = {
        f"{SITE}/berita/banjir": page(1),
        f"{SITE}/berita/empty": b"",
        f"{SITE}/berita/latin1?x=1": "Caf\u00e9 caf\u00e9".encode("latin-1"),
        f"{SITE}/berita/besar": random.Random(7).randbytes(3 * 1024 * 1024) + page(2),
    }
    with WarcWriter(tmp_path) as writer:
        locations = {url: write(writer, url, body) for url, body in bodies.items()}
    assert len({location.warc_file for location in locations.values()}) == 1
    for url, body in bodies.items():
        location = locations[url]
        stored = read_response(tmp_path, location.warc_file, location.warc_offset)
        assert stored.body == body
        assert stored.url == url
        assert stored.status == 200
        assert stored.fetched_at == FETCHED_AT
        assert ("Set-Cookie", "a=1") in stored.headers
        assert ("Set-Cookie", "b=2") in stored.headers
        assert location.payload_digest == sha1_base32(body)
        assert location.record_id.startswith("<urn:uuid:")


def test_location_is_one_gzip_member(tmp_path: Path) -> None:
    with WarcWriter(tmp_path) as writer:
        write(writer, f"{SITE}/berita/a", page(1))
        location = write(writer, f"{SITE}/berita/b", page(2))
    data = (tmp_path / location.warc_file).read_bytes()
    member = data[location.warc_offset : location.warc_offset + location.warc_length]
    text = gzip.decompress(member)
    assert text.startswith(b"WARC/1.1\r\nWARC-Date: 2026-11-27T20:08:57.123456Z")
    assert b"WARC-Type: response" in text
    assert text.endswith(page(2) + b"\r\n\r\n")


def test_file_layout_warcinfo_and_request_records(tmp_path: Path) -> None:
    with WarcWriter(tmp_path) as writer:
        location = write(writer, f"{SITE}/berita/a?b=1", page(1))
        assert writer.current_file == location.warc_file
    assert location.warc_file.startswith(f"humas-{datetime.now(UTC):%Y%m%d}")
    assert location.warc_file.endswith(f"-{os.getpid()}-00001.warc.gz")
    path = tmp_path / location.warc_file
    with open(path, "rb") as fh:
        warcinfo, response, request = list(_full_records(fh))
    assert warcinfo["type"] == "warcinfo"
    assert b"software: humas-crawler/" in warcinfo["content"]
    assert response["headers"]["WARC-Warcinfo-ID"] == warcinfo["headers"]["WARC-Record-ID"]
    assert request["type"] == "request"
    assert request["headers"]["WARC-Concurrent-To"] == location.record_id
    assert request["http"].startswith("GET /berita/a?b=1 HTTP/1.1")
    assert "User-Agent: humas-crawler/test" in request["http"]


def _full_records(fh):
    for record in ArchiveIterator(fh):
        yield {
            "type": record.rec_type,
            "headers": dict(record.rec_headers.headers),
            "http": record.http_headers.to_str() if record.http_headers else "",
            "content": record.content_stream().read(),
        }


@pytest.mark.slow
def test_rotation_creates_several_valid_files(tmp_path: Path) -> None:
    urls = [f"{SITE}/berita/{index}" for index in range(12)]
    with WarcWriter(tmp_path, max_bytes=2_000) as writer:
        locations = [write(writer, url, page(index) * 5) for index, url in enumerate(urls)]
        created = list(writer.files)
    files = sorted(tmp_path.glob("*.warc.gz"))
    assert len(files) > 2
    assert [path.name for path in files] == sorted(created)
    for path in files:
        result = warcio_check(path)
        assert result.returncode == 0, result.stdout + result.stderr
        kinds = [kind for kind, _ in records(path)]
        assert kinds[0] == "warcinfo"
        assert kinds.count("warcinfo") == 1
        assert kinds.count("response") == kinds.count("request") >= 1
    seen = [(loc.warc_file, response.url) for loc, response in iter_responses(tmp_path)]
    assert seen == [(loc.warc_file, url) for loc, url in zip(locations, urls, strict=True)]
    for location, url in zip(locations, urls, strict=True):
        stored = read_response(tmp_path, location.warc_file, location.warc_offset)
        assert stored.url == url


def test_iter_responses_matches_write_locations(tmp_path: Path) -> None:
    with WarcWriter(tmp_path) as writer:
        written = [
            write(writer, f"{SITE}/berita/{i}", page(i), 200 if i else 404) for i in range(3)
        ]
    found = list(iter_responses(tmp_path))
    assert [location for location, _ in found] == written
    assert [response.status for _, response in found] == [404, 200, 200]


def test_a_new_writer_never_appends_to_an_existing_file(tmp_path: Path) -> None:
    with WarcWriter(tmp_path) as first:
        old = write(first, f"{SITE}/berita/a", page(1))
    size = (tmp_path / old.warc_file).stat().st_size
    with WarcWriter(tmp_path) as second:  # same pid, same second: the name must still differ
        new = write(second, f"{SITE}/berita/b", page(2))
    assert new.warc_file != old.warc_file
    assert (tmp_path / old.warc_file).stat().st_size == size


def test_no_file_until_something_is_written(tmp_path: Path) -> None:
    with WarcWriter(tmp_path / "warc"):
        pass
    assert not (tmp_path / "warc").exists() or not list((tmp_path / "warc").iterdir())


def test_truncated_last_record_is_skipped(tmp_path: Path, caplog) -> None:
    with WarcWriter(tmp_path) as writer:
        locations = [write(writer, f"{SITE}/berita/{i}", page(i) * 50) for i in range(4)]
    path = tmp_path / locations[0].warc_file
    data = path.read_bytes()
    last = locations[-1]
    # Every cut inside the last exchange (its response, then its request record): the three
    # complete exchanges before it are always read back, and nothing raises.
    boundary = last.warc_offset + last.warc_length  # between its response and request
    step = max(1, (len(data) - last.warc_offset) // 60)
    cuts = sorted(
        set(range(last.warc_offset + 1, len(data), step))
        | {last.warc_offset + 1, boundary - 1, boundary, boundary + 1, len(data) - 1}
    )
    for cut in cuts:
        path.write_bytes(data[:cut])
        with caplog.at_level(logging.WARNING, logger="humas_crawler.archive.warc"):
            caplog.clear()
            found = list(iter_responses(tmp_path))
        assert len(found) == (4 if cut >= boundary else 3), f"cut at {cut}"
        for (location, response), original in zip(found, locations, strict=False):
            assert location == original
            assert response.body == page(int(response.url.rsplit("/", 1)[-1])) * 50
        if cut != boundary:  # a cut between two records leaves nothing truncated
            assert "truncated" in caplog.text, f"cut at {cut}"


def test_read_response_errors(tmp_path: Path) -> None:
    with WarcWriter(tmp_path) as writer:
        location = write(writer, f"{SITE}/berita/a", page(1))
    with pytest.raises(WarcError, match="not a response"):
        read_response(tmp_path, location.warc_file, 0)  # the warcinfo record
    for offset in range(location.warc_offset + 1, location.warc_offset + location.warc_length):
        with pytest.raises(WarcError):  # a wrong offset never passes for a record
            read_response(tmp_path, location.warc_file, offset)
    size = (tmp_path / location.warc_file).stat().st_size
    with pytest.raises(WarcError, match="no WARC record"):
        read_response(tmp_path, location.warc_file, size)


def test_naive_fetch_time_is_refused(tmp_path: Path) -> None:
    with WarcWriter(tmp_path) as writer, pytest.raises(ValueError, match="timezone"):
        writer.write_exchange(
            url=f"{SITE}/berita/a",
            method="GET",
            request_headers=[],
            request_body=b"",
            status=200,
            reason="OK",
            response_headers=[],
            body=b"x",
            fetched_at=datetime(2026, 1, 1),  # naive: the point of the test
        )


KILLED_WRITER = """
import sys, time
from humas_crawler.archive.warc import WarcWriter
writer = WarcWriter(sys.argv[1])
index = 0
while True:
    body = (b"%06d" % index) * 200_000
    writer.write_exchange(url=f"https://www.kaltimprov.go.id/berita/{index}", method="GET",
        request_headers=[], request_body=b"", status=200, reason="OK",
        response_headers=[("Content-Type", "text/plain")], body=body)
    index += 1
    if index == 2:
        print("ready", flush=True)
"""


@pytest.mark.slow
def test_sigkilled_writer_leaves_a_readable_file(tmp_path: Path) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", KILLED_WRITER, str(tmp_path)], stdout=subprocess.PIPE
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == b"ready"
        time.sleep(0.2)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
        if child.stdout is not None:
            child.stdout.close()
    found = list(iter_responses(tmp_path))
    assert len(found) >= 2
    for index, (_, response) in enumerate(found):
        assert response.url.endswith(f"/{index}")
        assert response.body == (b"%06d" % index) * 200_000
