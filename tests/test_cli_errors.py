"""Every command answers a broken, locked or read-only archive, a missing WARC file and bad
arguments with one `Error: ...` line on stderr and a documented exit code, never a traceback.

Exit codes (docs/operations.md, "Exit codes"): 0 done; 1 an error; 2 bad arguments or the
archive's lock held by another crawl or reparse; 3 crawl degraded. Commands run in this process
through click's runner; `crawl` never reaches Scrapy in these cases (a guard fails the test if it
would), and `browse` never starts Datasette. The read-only cases run in a subprocess that file
permissions bind, even as root (see `unprivileged`).
"""

from __future__ import annotations

import ctypes
import os
import shutil
import socket
import sqlite3
import stat
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

import humas_crawler.cli.browse as browse_module
import humas_crawler.crawl.runner as crawl_module
from humas_crawler.archive import errors as errors_module
from humas_crawler.archive.lock import CrawlLock
from humas_crawler.archive.migrations import SCHEMA_VERSION
from humas_crawler.archive.store import Store
from humas_crawler.cli import main
from tests.helpers.archive_factory import FETCHED_AT, article, build
from tests.helpers.paths import FIXTURES

FIXTURE_PAGE = FIXTURES / "article" / "portal-2025-detailberita-ist" / "page.html"
UNREACHABLE = "http://127.0.0.1:9"  # the discard port: nothing answers there


@dataclass(frozen=True)
class Outcome:
    exit_code: int
    stdout: str
    stderr: str


def assert_error(outcome: Outcome, code: int, *fragments: str, usage: bool = False) -> str:
    """One `Error:` line holding `fragments`, exit `code`, no traceback; returns the line.

    A usage error (bad arguments) may add click's "Usage: ..." and "Try ... --help" lines;
    any other error is that one line and nothing else on stderr.
    """
    assert outcome.exit_code == code, (outcome.exit_code, outcome.stdout, outcome.stderr)
    assert "Traceback" not in outcome.stdout + outcome.stderr, outcome.stderr
    lines = outcome.stderr.strip().splitlines()
    errors = [line for line in lines if line.startswith("Error: ")]
    assert len(errors) == 1, outcome.stderr
    if usage:
        others = [line for line in lines if line not in errors and line.strip()]
        assert all(line.startswith(("Usage: ", "Try ")) for line in others), outcome.stderr
    else:
        assert lines == errors, outcome.stderr
    for fragment in fragments:
        assert fragment in errors[0], (fragment, errors[0])
    return errors[0]


def invoke(*argv: str) -> Outcome:
    result = CliRunner().invoke(main, list(argv))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"{argv} raised instead of exiting") from result.exception
    return Outcome(result.exit_code, result.stdout, result.stderr)


@pytest.fixture(autouse=True)
def no_crawl_no_server(monkeypatch):
    """crawl must fail before Scrapy starts; browse must not start Datasette."""

    class NoCrawl:
        def __init__(self, *args, **kwargs) -> None:
            raise AssertionError("the crawl would have started")

    monkeypatch.setattr(crawl_module, "CrawlerProcess", NoCrawl)
    monkeypatch.setattr(browse_module, "run_foreground", lambda command: 0)
    monkeypatch.setattr(errors_module, "BUSY_TIMEOUT_SECONDS", 0.05)


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "humas.sqlite"
    return build(path, [article(f"berita-{i}", body_text=f"Isi berita {i}.") for i in range(40)])


@pytest.fixture
def db(template, tmp_path) -> Path:
    """A private copy of a small, good archive; tmp_path/warc exists (empty)."""
    (tmp_path / "warc").mkdir()
    return Path(shutil.copy(template, tmp_path / "humas.sqlite"))


def commands(db: Path) -> dict[str, list[str]]:
    """Every command that opens the archive, run against `db`."""
    warc = str(db.parent / "warc")
    return {
        "export": ["export", "--db", str(db), "--format", "csv"],
        "search": ["search", "--db", str(db), "berita"],
        "stats": ["stats", "--db", str(db)],
        "reparse": ["reparse", "--db", str(db), "--warc-dir", warc, "--workers", "0"],
        "browse": ["browse", "--db", str(db), "--port", "0"],
        "crawl": ["crawl", "--db", str(db), "--warc-dir", warc, "--base-url", UNREACHABLE],
    }


READERS = ("export", "search", "stats", "browse")
WRITERS = ("reparse", "crawl")
ALL = READERS + WRITERS


# --- the archive missing, corrupt, foreign or newer -------------------------------------------


@pytest.mark.parametrize("command", [c for c in ALL if c != "crawl"])
def test_missing_archive(tmp_path, command) -> None:
    missing = tmp_path / "nowhere" / "humas.sqlite"
    (tmp_path / "warc").mkdir()
    argv = commands(missing)[command]
    if command == "reparse":
        argv[argv.index("--warc-dir") + 1] = str(tmp_path / "warc")
    assert_error(invoke(*argv), 1, f"no archive at {missing}")
    assert not missing.parent.exists()  # nothing created


def test_crawl_creates_a_missing_archive_but_not_under_a_file(tmp_path) -> None:
    (tmp_path / "notes.txt").write_text("not a directory")
    db = tmp_path / "notes.txt" / "humas.sqlite"
    assert_error(invoke(*commands(db)["crawl"]), 1, "cannot create the lock file", "notes.txt")


def corrupt(kind: str, db: Path) -> None:
    if kind == "random":
        db.write_bytes(os.urandom(64 * 1024))
    elif kind.startswith("truncated"):
        data = db.read_bytes()
        db.write_bytes(data[: len(data) * int(kind.removeprefix("truncated-")) // 100])
    elif kind == "text":
        db.write_text("these are my notes, not a database\n" * 200)


@pytest.mark.parametrize("command", ALL)
@pytest.mark.parametrize("kind", ["random", "text", "truncated-10", "truncated-50", "truncated-90"])
def test_corrupt_archive(db, kind, command) -> None:
    corrupt(kind, db)
    before = db.read_bytes()
    line = assert_error(invoke(*commands(db)[command]), 1, str(db))
    assert "not a SQLite database, or a corrupt one" in line or "schema" in line, line
    assert db.read_bytes() == before  # nothing "repaired" or migrated into it


@pytest.mark.parametrize("command", ALL)
def test_someone_elses_database_is_not_an_archive(tmp_path, command) -> None:
    db = tmp_path / "places.sqlite"
    (tmp_path / "warc").mkdir()
    conn = sqlite3.connect(db)
    conn.execute("create table moz_places (id integer primary key, url text)")
    conn.commit()
    conn.close()
    assert_error(invoke(*commands(db)[command]), 1, "not a humas-crawler archive")
    conn = sqlite3.connect(db)
    tables = [row[0] for row in conn.execute("select name from sqlite_master where type='table'")]
    conn.close()
    assert tables == ["moz_places"]  # no archive tables added to it


@pytest.mark.parametrize("command", [*READERS, "reparse"])
def test_an_empty_file_is_not_an_archive_to_read(tmp_path, command) -> None:
    db = tmp_path / "empty.sqlite"
    db.write_bytes(b"")
    (tmp_path / "warc").mkdir()
    assert_error(invoke(*commands(db)[command]), 1, "not a humas-crawler archive")
    assert db.read_bytes() == b""


@pytest.mark.parametrize("command", ALL)
def test_newer_schema(db, command) -> None:
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.commit()
    conn.close()
    assert_error(invoke(*commands(db)[command]), 1, f"schema version {SCHEMA_VERSION + 5}")


@pytest.mark.parametrize("command", ALL)
def test_a_directory_is_not_an_archive(tmp_path, command) -> None:
    (tmp_path / "humas.sqlite").mkdir()
    (tmp_path / "warc").mkdir()
    outcome = invoke(*commands(tmp_path / "humas.sqlite")[command])
    assert_error(outcome, 2, "is a directory", usage=True)


# --- locks --------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ALL)
def test_crawl_lock_held(db, command) -> None:
    """A running crawl (or reparse) keeps writers out (exit 2); readers read on."""
    with CrawlLock(db) as lock:
        lock.update(run_id=7, host="elsewhere\nwith a line break")
        outcome = invoke(*commands(db)[command])
    if command in WRITERS:
        assert_error(outcome, 2, "another crawl", "pid", "run 7", f"holds the lock on {db}")
    else:
        assert outcome.exit_code == 0, outcome.stderr
        assert "Traceback" not in outcome.stderr


@pytest.mark.parametrize("command", ALL)
def test_sqlite_exclusive_lock(db, command) -> None:
    """Another connection holding an exclusive lock keeps everyone out, after the busy wait."""
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        outcome = invoke(*commands(db)[command])
    finally:
        holder.close()
    assert_error(outcome, 1, str(db), "the archive is busy", "database is locked")


@pytest.mark.parametrize("command", ALL)
def test_sqlite_write_lock(db, command) -> None:
    """A writer in the middle of a transaction (WAL): readers see the last commit, writers
    wait and give up with a clear error."""
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("insert into quarantine (reason, created_at) values ('test', ?)", [FETCHED_AT])
    try:
        outcome = invoke(*commands(db)[command])
    finally:
        holder.rollback()
        holder.close()
    if command in WRITERS:
        assert_error(outcome, 1, "the archive is busy")
    else:
        assert outcome.exit_code == 0, outcome.stderr


# --- read-only files and directories ------------------------------------------------------------

PR_CAPBSET_DROP = 24
# Capabilities that let root ignore file permissions.
CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER = 1, 2, 3


def _without_permission_bypass() -> None:
    """In the child, before exec: drop the capabilities that let root bypass permissions."""
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER):
        if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def unprivileged(*argv: str) -> Outcome:
    """`python -m humas_crawler ARGV` bound by file permissions: as root, without the
    capabilities that bypass them (chmod alone restricts nothing for root)."""
    result = subprocess.run(
        [sys.executable, "-m", "humas_crawler", *argv],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=_without_permission_bypass if os.geteuid() == 0 else None,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    return Outcome(result.returncode, result.stdout, result.stderr)


@pytest.fixture
def read_only(db):
    """The archive `db` made read-only (file 0444), and a copy in a read-only directory (0555);
    skipped where permissions cannot be made to bind."""
    ro_dir = db.parent / "ro-dir"
    ro_dir.mkdir()
    shutil.copy(db, ro_dir / "humas.sqlite")
    (ro_dir / "warc").mkdir()
    db.chmod(0o444)
    ro_dir.chmod(0o555)
    probe = subprocess.run(
        [sys.executable, "-c", f"open({str(ro_dir / 'probe')!r}, 'w')"],
        capture_output=True,
        preexec_fn=_without_permission_bypass if os.geteuid() == 0 else None,
    )
    try:
        if probe.returncode == 0:
            pytest.skip("file permissions do not bind here (root that cannot drop CAP_DAC_*)")
        yield db, ro_dir / "humas.sqlite"
    finally:
        ro_dir.chmod(0o755)
        db.chmod(0o644)


@pytest.mark.slow
def test_read_only_archive_file(read_only) -> None:
    db, _ = read_only
    argv = commands(db)
    for command in ("export", "search", "stats"):
        outcome = unprivileged(*argv[command])
        assert outcome.exit_code == 0, outcome.stderr  # reading needs no write permission
    for command in WRITERS:
        assert_error(unprivileged(*argv[command]), 1, str(db), "read-only")
    assert stat.S_IMODE(db.stat().st_mode) == 0o444


@pytest.mark.slow
def test_read_only_directory(read_only, tmp_path) -> None:
    good, db = read_only
    argv = commands(db)
    for command in ("export", "search", "stats", "reparse"):
        # Even reading a WAL archive needs its -shm file, created beside it.
        assert_error(unprivileged(*argv[command]), 1, str(db), "read-only here", "directory")
    assert_error(unprivileged(*argv["browse"]), 1, "read-only here", "--immutable")
    assert_error(unprivileged(*argv["crawl"]), 1, f"cannot create the lock file {db}.lock")
    out = db.parent / "berita.csv"
    outcome = unprivileged("export", "--db", str(good), "--format", "csv", "-o", str(out))
    assert_error(outcome, 1, f"cannot write {out}", "Permission denied")
    outcome = unprivileged(
        "save-fixture", str(FIXTURE_PAGE), "--name", "x", "--fixtures-dir", str(db.parent / "fx")
    )
    assert_error(outcome, 1, "Permission denied")
    assert sorted(p.name for p in db.parent.iterdir()) == ["humas.sqlite", "warc"]


# --- WARC files ---------------------------------------------------------------------------------


def with_captures(db: Path, warc_files: list[str]) -> None:
    """Point the archive's articles at captures in `warc_files` (one article per file)."""
    with Store.open(db) as store:
        for i, name in enumerate(warc_files):
            record = article(f"berita-{i}", body_text=f"Isi berita {i}.")
            capture = {
                "url": record.url,
                "fetched_at": FETCHED_AT,
                "status": 200,
                "content_type": "text/html",
                "warc_file": name,
                "warc_offset": 0,
                "warc_length": 100,
            }
            store.articles.save(record, capture=capture, run_id=None, fetched_at=FETCHED_AT)


def test_reparse_with_missing_warc_files(db) -> None:
    """Reported per file on stderr, counted in the summary, exit 1; the rest goes on."""
    with_captures(db, ["gone.warc.gz", "a-directory.warc.gz"])
    (db.parent / "warc" / "a-directory.warc.gz").mkdir()
    outcome = invoke(*commands(db)["reparse"])
    assert outcome.exit_code == 1
    assert "Traceback" not in outcome.stdout + outcome.stderr
    warnings = outcome.stderr.strip().splitlines()
    assert len(warnings) == 2, outcome.stderr
    assert any("gone.warc.gz is missing: 1 capture(s)" in line for line in warnings)
    # A directory where the file should be is no WARC file: missing as well.
    assert any("a-directory.warc.gz is missing: 1 capture(s)" in line for line in warnings)
    assert "2 missing WARC" in outcome.stdout


def test_reparse_without_a_warc_directory(db) -> None:
    argv = commands(db)["reparse"]
    argv[argv.index("--warc-dir") + 1] = str(db.parent / "no-warc")
    assert_error(invoke(*argv), 1, "no WARC directory at")


# --- bad arguments ------------------------------------------------------------------------------


def _free_port_in_use():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    return sock


BAD_ARGUMENTS = [
    # (argv after the command, exit code, part of the message); {db} and {tmp} are filled in.
    ("export --db {db} --format xls", 2, "'xls' is not one of"),
    ("export --db {db} --format csv --since 21-06-2022", 2, "expected YYYY-MM-DD"),
    ("export --db {db} --format csv --until 2022-02-30", 2, "'2022-02-30' is not a date"),
    ("export --db {db} --format csv --since 2023-01-01 --until 2022-01-01", 2, "is after"),
    ("export --db {db} --format csv --category Kesehtan", 2, "unknown category 'Kesehtan'"),
    ("export --db {db} --format csv --columns judul", 2, "unknown column(s) judul"),
    ("export --db {db} --format jsonl --excel", 2, "--excel applies to --format csv only"),
    ("export --db {db} --format csv --fts", 2, "give --search too"),
    ("export --db {db} --format csv --search !!!", 2, "holds no word"),
    ("export --db {db} --format csv --search AND( --fts", 1, "is not valid"),
    ("export --db {db} --format csv -o {tmp}/no-dir/out.csv", 2, "no directory"),
    ("export --db {db} --format csv -o {tmp}", 2, "is a directory"),
    ("export --db {db} --format csv -o /dev/full", 1, "No space left on device"),
    ("search --db {db} --limit -1 banjir", 2, "-1 is not in the range"),
    ("search --db {db} --limit 0 banjir", 2, "0 is not in the range"),
    ("search --db {db} --since yesterday banjir", 2, "expected YYYY-MM-DD"),
    ("search --db {db} --category Nowhere banjir", 2, "unknown category 'Nowhere'"),
    ("search --db {db}", 2, "Missing argument"),
    ("search --db {db} --fts NEAR(", 1, "is not valid"),
    ("stats --db {db} --top 0", 2, "0 is not in the range"),
    ("stats --db {db} --runs -3", 2, "-3 is not in the range"),
    ("stats --db {db} --plot {tmp}/no-dir/plot.png", 1, "no directory"),
    ("reparse --db {db} --workers -1", 2, "-1 is not in the range"),
    ("reparse --db {db} --warc-dir {db}", 2, "is a file"),
    ("reparse --db {db} --warc-dir {tmp}/warc --base-url ftp://x", 2, "not an http(s) base URL"),
    ("browse --db {db} --port -1", 2, "-1 is not in the range"),
    ("browse --db {db} --port 70000", 2, "70000 is not in the range"),
    ("crawl --db {db} --revisit-days -1", 2, "-1 is not in the range"),
    ("crawl --db {db} --delay -0.5", 2, "-0.5 is not in the range"),
    ("crawl --db {db} --concurrency 0", 2, "0 is not in the range"),
    ("crawl --db {db} --max-articles -5", 2, "-5 is not in the range"),
    ("crawl --db {db} --mode fast", 2, "'fast' is not one of"),
    ("crawl --db {db} --base-url http://", 2, "not an http(s) base URL"),
    ("crawl --db {db} --jobdir {db}", 2, "is a file"),
    ("crawl --db {db} --warc-dir {db}", 2, "is a file"),
    ("inspect {tmp}/missing.html", 1, "cannot read"),
    ("inspect {tmp}", 1, "Is a directory"),
    ("inspect {page} --now yesterday", 2, "not an ISO 8601 date-time"),
    ("inspect {page} --kind video", 2, "'video' is not one of"),
    ("inspect {page} --base-url ftp://x", 2, "not an http(s) base URL"),
    ("save-fixture {page} --name ../../escape --fixtures-dir {tmp}/fx", 2, "not a case name"),
    ("save-fixture {page} --name x --fixtures-dir {db}", 2, "is a file"),
    ("save-fixture {page} --name x --fixtures-dir {db}/sub", 1, "Not a directory"),
    ("save-fixture {tmp}/missing.html --name x --fixtures-dir {tmp}/fx", 1, "cannot read"),
    ("replica --port -1", 2, "-1 is not in the range"),
    ("replica --articles 0", 2, "0 is not in the range"),
    ("replica --seed x", 2, "'x' is not a valid integer"),
    ("replica --port {busy}", 1, "Address already in use"),
    ("nosuchcommand", 2, "No such command"),
    ("export --bogus", 2, "No such option"),
]


@pytest.mark.parametrize(("argv", "code", "message"), BAD_ARGUMENTS, ids=lambda v: str(v)[:60])
def test_bad_arguments(db, argv, code, message) -> None:
    with _free_port_in_use() as busy:
        values = {
            "db": db,
            "tmp": db.parent,
            "page": FIXTURE_PAGE,
            "busy": busy.getsockname()[1],
        }
        outcome = invoke(*[part.format(**values) for part in argv.split()])
    assert_error(outcome, code, message, usage=code == 2)
    assert not (db.parent / "escape").exists()


def test_help_documents_the_exit_codes() -> None:
    outcome = invoke("--help")
    assert "Exit codes: 0 done; 1 an error" in " ".join(outcome.stdout.split())
