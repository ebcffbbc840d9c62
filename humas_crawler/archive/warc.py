"""Write every fetched HTTP exchange to gzip'd WARC files (warcio) and read them back."""

from __future__ import annotations

import io
import logging
import os
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version as package_version
from pathlib import Path
from types import TracebackType
from typing import BinaryIO
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date, iso_date_to_datetime
from warcio.warcwriter import WARCWriter as _WarcioWriter

from humas_crawler import __version__

logger = logging.getLogger(__name__)

WARC_VERSION = "1.1"
WARC_SUFFIX = ".warc.gz"
DEFAULT_MAX_BYTES = 100 * 1024 * 1024
_READ_CHUNK = 1024 * 1024
# zlib's default: on HTML as small as level 9's output (warcio's choice) at ~2/3 of the CPU.
GZIP_LEVEL = 6


class WarcError(Exception):
    """A WARC file or record that cannot be read as expected (one-line message)."""


@dataclass(frozen=True)
class CaptureLocation:
    """Where one response record lives: what the `captures` table stores about it."""

    warc_file: str  # file name, relative to the WARC directory
    warc_offset: int  # byte offset of the record's gzip member
    warc_length: int  # byte length of that gzip member
    payload_digest: str  # WARC-Payload-Digest, `sha1:BASE32`
    record_id: str  # WARC-Record-ID, `<urn:uuid:...>`
    revisit: bool = False  # a `revisit` record: the payload is the earlier capture's


@dataclass(frozen=True)
class EarlierCapture:
    """The last full capture of a URL: what an identical response is written as a revisit of."""

    url: str
    payload_digest: str
    record_id: str
    fetched_at: datetime


@dataclass(frozen=True)
class StoredResponse:
    """One archived HTTP response, body exactly as it was written."""

    url: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    fetched_at: datetime  # WARC-Date, timezone-aware UTC


class WarcWriter:
    """Append exchanges to `<prefix>-<UTC time>-<pid>-<seq>.warc.gz` files, rotating by size.

    Every writer starts a new file (opened with O_EXCL), so a file left behind by a killed
    process is never appended to; its last record may be truncated and readers skip it.
    Files are opened lazily: a run that fetches nothing leaves no empty WARC behind.
    """

    def __init__(
        self,
        directory: str | os.PathLike[str],
        *,
        max_bytes: int = DEFAULT_MAX_BYTES,
        prefix: str = "humas",
        warcinfo: Mapping[str, str] | None = None,
        fsync: bool = True,
    ) -> None:
        if max_bytes <= 0:
            raise ValueError(f"max_bytes must be positive, not {max_bytes}")
        self.directory = Path(directory)
        self.max_bytes = max_bytes
        self.prefix = prefix
        # fsync guards against power loss; a killed process loses nothing once the data is
        # flushed to the OS, so crawls that value speed over that may turn it off.
        self.fsync = fsync
        self.extra_warcinfo = dict(warcinfo or {})
        self.files: list[str] = []  # names of the files this writer created, in order
        self._seq = 0
        self._fh: BinaryIO | None = None
        self._name: str | None = None
        self._warcinfo_id: str | None = None
        self._writer: _WarcioWriter | None = None

    @property
    def current_file(self) -> str | None:
        return self._name

    def write_exchange(
        self,
        *,
        url: str,
        method: str,
        request_headers: list[tuple[str, str]],
        request_body: bytes,
        status: int,
        reason: str,
        response_headers: list[tuple[str, str]],
        body: bytes,
        protocol: str = "HTTP/1.1",
        fetched_at: datetime | None = None,
        ip_address: str | None = None,
        earlier: EarlierCapture | None = None,
    ) -> CaptureLocation:
        """Write a `response` record, then its `request` record, and make both durable.

        Headers and body are stored as given: pass them as received (the body after any
        transfer decoding the HTTP client did), so the archive shows what the site sent.
        When the payload is the same as `earlier`'s (same WARC-Payload-Digest), a `revisit`
        record (profile identical-payload-digest, WARC-Refers-To-*) with the response's headers
        and no body stands for the response, and no request record follows it.
        """
        fh, name, writer = self._file_for_next_exchange()
        warc_date = _warc_date(fetched_at)
        common = {"WARC-Date": warc_date}
        if self._warcinfo_id:
            common["WARC-Warcinfo-ID"] = self._warcinfo_id
        if ip_address:
            common["WARC-IP-Address"] = ip_address

        response = writer.create_warc_record(
            url,
            "response",
            payload=io.BytesIO(body),
            length=len(body),
            warc_headers_dict=dict(common),
            http_headers=StatusAndHeaders(
                f"{status} {reason}".strip(), list(response_headers), protocol=protocol
            ),
        )
        digest = response.rec_headers.get_header("WARC-Payload-Digest")
        revisit = earlier is not None and earlier.payload_digest == digest
        if revisit:
            assert earlier is not None
            response = writer.create_revisit_record(
                url,
                digest,
                earlier.url,
                _warc_date(earlier.fetched_at),
                http_headers=StatusAndHeaders(
                    f"{status} {reason}".strip(), list(response_headers), protocol=protocol
                ),
                warc_headers_dict={**common, "WARC-Refers-To": earlier.record_id},
            )
        response_id = response.rec_headers.get_header("WARC-Record-ID")
        request = writer.create_warc_record(
            url,
            "request",
            payload=io.BytesIO(request_body),
            length=len(request_body),
            warc_headers_dict={**common, "WARC-Concurrent-To": response_id},
            http_headers=StatusAndHeaders(
                f"{method} {_request_target(url)} {protocol}",
                list(request_headers),
                is_http_request=True,
            ),
        )

        offset = fh.tell()
        _write_gzipped(fh, response)
        length = fh.tell() - offset
        if not revisit:
            # A revisit goes without its request record: the request is the one its original's
            # record pairs with (same URL, same crawler), and would weigh as much as the revisit.
            _write_gzipped(fh, request)
        # Durable before the caller records the location in the database: a crash can then
        # leave at most a truncated record at the end of the file, never a dangling pointer.
        fh.flush()
        if self.fsync:
            os.fsync(fh.fileno())
        return CaptureLocation(
            warc_file=name,
            warc_offset=offset,
            warc_length=length,
            payload_digest=digest,
            record_id=response_id,
            revisit=revisit,
        )

    def close(self) -> None:
        if self._fh is not None:
            self._fh.flush()
            os.fsync(self._fh.fileno())
            self._fh.close()
        self._fh = None
        self._name = None
        self._writer = None
        self._warcinfo_id = None

    def __enter__(self) -> WarcWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _file_for_next_exchange(self) -> tuple[BinaryIO, str, _WarcioWriter]:
        if self._fh is not None and self._fh.tell() >= self.max_bytes:
            self.close()
        if self._fh is None:
            self._open_next_file()
        assert self._fh is not None and self._name is not None and self._writer is not None
        return self._fh, self._name, self._writer

    def _open_next_file(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
        while True:
            self._seq += 1
            name = f"{self.prefix}-{stamp}-{os.getpid()}-{self._seq:05d}{WARC_SUFFIX}"
            try:
                # "xb": never reuse a name, even one a killed process of the same pid left.
                fh = open(self.directory / name, "xb")  # noqa: SIM115 - held until close()
            except FileExistsError:
                continue
            break
        _fsync_directory(self.directory)
        self._fh, self._name = fh, name
        # Builds records; they are written by _write_gzipped, one gzip member each.
        self._writer = _WarcioWriter(fh, gzip=False, warc_version=WARC_VERSION)
        self.files.append(name)
        info = {
            "software": f"humas-crawler/{__version__} (warcio/{package_version('warcio')})",
            "format": f"WARC File Format {WARC_VERSION}",
            "conformsTo": "https://iipc.github.io/warc-specifications/specifications/"
            f"warc-format/warc-{WARC_VERSION}/",
            **self.extra_warcinfo,
        }
        writer = self._writer
        record = writer.create_warcinfo_record(name, info)
        self._warcinfo_id = record.rec_headers.get_header("WARC-Record-ID")
        _write_gzipped(fh, record)
        fh.flush()
        os.fsync(fh.fileno())
        logger.info("writing WARC file %s", self.directory / name)


def _write_gzipped(fh: BinaryIO, record: ArcWarcRecord) -> None:
    """Write `record` as one gzip member of its own (what readers seek to), at GZIP_LEVEL."""
    member = _GzipMember(fh)
    _WarcioWriter(member, gzip=False, warc_version=WARC_VERSION).write_record(record)


class _GzipMember:
    """A write-only stream that gzips what warcio writes into one member (closed by flush)."""

    def __init__(self, out: BinaryIO) -> None:
        self.out = out
        self._zip = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, zlib.MAX_WBITS + 16)

    def write(self, data: bytes) -> None:
        self.out.write(self._zip.compress(data))

    def flush(self) -> None:
        self.out.write(self._zip.flush())


def read_response(directory: str | os.PathLike[str], warc_file: str, offset: int) -> StoredResponse:
    """The response record that starts at `offset` of `warc_file` (as stored in `captures`)."""
    path = Path(directory) / warc_file
    with open(path, "rb") as fh:
        fh.seek(offset)
        iterator = ArchiveIterator(fh, check_digests=True)
        try:
            record = next(iterator, None)
            # Garbage (a wrong offset) can pass for a headerless ARC record: insist on WARC.
            if record is None or record.format != "warc":
                raise WarcError(f"{path}: no WARC record at offset {offset}")
            if record.rec_type != "response":
                raise WarcError(
                    f"{path}: the record at offset {offset} is a {record.rec_type!r} record, "
                    "not a response"
                )
            if record.http_headers is None:
                raise WarcError(f"{path}: the response at offset {offset} has no HTTP headers")
            response = _stored_response(record)
        except ArchiveLoadFailed as exc:
            raise WarcError(f"{path}: no readable WARC record at offset {offset}: {exc}") from exc
        _check_complete(record, f"{path} at offset {offset}")
        return response


def copy_record(
    directory: str | os.PathLike[str], warc_file: str, offset: int, length: int, out: BinaryIO
) -> None:
    """Copy the record stored at `offset` (`length` bytes: one gzip member) of `warc_file` to
    `out`, as it is (no recompression). FileNotFoundError when the file is not there; WarcError
    when it holds fewer bytes than the capture row says."""
    path = Path(directory) / warc_file
    with open(path, "rb") as fh:
        fh.seek(offset)
        left = length
        while left:
            chunk = fh.read(min(left, 1 << 20))
            if not chunk:
                raise WarcError(f"{path}: {length} bytes expected at offset {offset}, file ends")
            out.write(chunk)
            left -= len(chunk)


def iter_responses(
    directory: str | os.PathLike[str],
) -> Iterator[tuple[CaptureLocation, StoredResponse]]:
    """Every response record of every WARC file in `directory`, oldest file first.

    A file whose last record was cut short (the writing process was killed) yields all the
    complete records before it; the cut record is logged and skipped.
    """
    for path in sorted(Path(directory).glob(f"*{WARC_SUFFIX}")):
        complete = _complete_gzip_length(path)
        size = path.stat().st_size
        if complete < size:
            logger.warning(
                "%s: skipping a truncated record at offset %d (%d bytes; the writer was "
                "probably killed)",
                path,
                complete,
                size - complete,
            )
        with open(path, "rb") as fh:
            iterator = ArchiveIterator(_BoundedReader(fh, complete), check_digests=True)
            for record in iterator:
                if record.rec_type != "response":
                    continue
                response = _stored_response(record)
                where = f"{path} at offset {iterator.get_record_offset()}"
                _check_complete(record, where)
                location = CaptureLocation(
                    warc_file=path.name,
                    warc_offset=iterator.get_record_offset(),
                    warc_length=iterator.get_record_length(),
                    payload_digest=record.rec_headers.get_header("WARC-Payload-Digest"),
                    record_id=record.rec_headers.get_header("WARC-Record-ID"),
                )
                yield location, response


def _stored_response(record: ArcWarcRecord) -> StoredResponse:
    # raw_stream is the body as written: no transfer or content decoding by warcio.
    body = record.raw_stream.read()
    http = record.http_headers
    return StoredResponse(
        url=record.rec_headers.get_header("WARC-Target-URI"),
        status=int(http.get_statuscode()),
        headers=list(http.headers),
        body=body,
        fetched_at=iso_date_to_datetime(record.rec_headers.get_header("WARC-Date"), tz_aware=True),
    )


def _check_complete(record: ArcWarcRecord, where: str) -> None:
    if record.raw_stream.limit > 0:
        raise WarcError(f"{where}: record truncated, {record.raw_stream.limit} bytes missing")
    if record.digest_checker.passed is False:
        problems = "; ".join(record.digest_checker.problems)
        raise WarcError(f"{where}: digest mismatch ({problems})")


def _complete_gzip_length(path: Path) -> int:
    """Bytes of `path` made of complete gzip members (one per record in our files).

    warcio does not reliably report a truncated member (it may yield a short record, or
    nothing, or fail deep inside), so the cut is found with zlib before warcio reads.
    """
    complete = 0
    with open(path, "rb") as fh:
        member = zlib.decompressobj(zlib.MAX_WBITS | 16)
        position = 0  # file offset of the start of `member`'s input
        consumed = 0  # bytes of the current member fed so far
        while chunk := fh.read(_READ_CHUNK):
            while chunk:
                try:
                    # Bounded output: a highly compressible body must not fill memory.
                    member.decompress(chunk, _READ_CHUNK)
                    # Past the member's end zlib keeps `unconsumed_tail` (it also lands in
                    # `unused_data`): stop at eof or this would loop forever.
                    while member.unconsumed_tail and not member.eof:
                        member.decompress(member.unconsumed_tail, _READ_CHUNK)
                except zlib.error as exc:
                    raise WarcError(f"{path}: corrupt gzip data after offset {position}") from exc
                if not member.eof:
                    consumed += len(chunk)
                    break
                rest = member.unused_data
                position += consumed + len(chunk) - len(rest)
                complete = position
                consumed = 0
                member = zlib.decompressobj(zlib.MAX_WBITS | 16)
                chunk = rest
    return complete


class _BoundedReader:
    """A read-only view of the first `limit` bytes of a file, as ArchiveIterator needs it."""

    def __init__(self, fh: BinaryIO, limit: int) -> None:
        self._fh = fh
        self._limit = limit

    def read(self, size: int = -1) -> bytes:
        remaining = self._limit - self._fh.tell()
        if remaining <= 0:
            return b""
        if size < 0 or size > remaining:
            size = remaining
        return self._fh.read(size)

    def tell(self) -> int:
        return self._fh.tell()


def _warc_date(fetched_at: datetime | None) -> str:
    if fetched_at is None:
        fetched_at = datetime.now(UTC)
    elif fetched_at.tzinfo is None:
        raise ValueError("fetched_at must be timezone-aware (UTC), not a naive datetime")
    naive_utc = fetched_at.astimezone(UTC).replace(tzinfo=None)
    return datetime_to_iso_date(naive_utc, use_micros=True)


def _request_target(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _fsync_directory(directory: Path) -> None:
    # The new file's name must survive a crash too, not only its bytes.
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
