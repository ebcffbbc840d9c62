"""Kill trials: SIGKILL a crawl or a reparse at some moment, check what it left, rerun, check again.

Shared by `bench/kill_trials.py` (many seeded trials, printed) and `tests/test_kill_trials.py`
(a few, asserted). A work directory holds the archive as the crawl tests lay it out:
`humas.sqlite` and `warc/`.

What "nothing lost" is checked as, after a kill:

- `pragma integrity_check` is ok, foreign keys hold, the FTS index agrees with `articles`;
- no half-written article: every article has `revision` rows numbered 1..revision, its
  current revision holds its content hash, its capture row exists;
- every WARC file is a run of complete gzip members, at most the last one cut short (the
  record being written at the kill); warcio's ArchiveIterator reads every complete record with
  matching digests, and so does `humas_crawler.archive.warc.iter_responses`; every capture row
  points at a complete response record that `read_response` reads back (never at a cut one);

and after a plain rerun: the same, plus every replica article archived once with every field
right, and the killed run marked `interrupted`.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from humas_crawler.archive.warc import WARC_SUFFIX, iter_responses, read_response
from humas_crawler.replica.model import ReplicaSite
from tests.archive_factory import age_body
from tests.test_crawl import FIELDS, archived, rows

DB = "humas.sqlite"
WARC = "warc"
RERUN_TIMEOUT = 300.0
OLD_DATELINE = "Tempat Lama"  # an aged dateline (outside the content hash): refreshed in place


# --- commands -------------------------------------------------------------------------------


def crawl_command(base_url: str, work: Path, *extra: str) -> list[str]:
    return [
        sys.executable, "-m", "humas_crawler", "crawl",
        "--db", str(work / DB), "--warc-dir", str(work / WARC), "--base-url", base_url,
        "--delay", "0", "--concurrency", "8", "--log-level", "WARNING",
        # Retries back off for a second or more by default: too slow for trials.
        "-s", "HUMAS_RETRY_BACKOFF=0.05",
        *extra,
    ]  # fmt: skip


def reparse_command(work: Path, *extra: str) -> list[str]:
    return [
        sys.executable, "-m", "humas_crawler", "reparse",
        "--db", str(work / DB), "--warc-dir", str(work / WARC), *extra,
    ]  # fmt: skip


def run(cmd: list[str], log: Path) -> int:
    """Run to completion, output appended to `log`; the exit code."""
    with log.open("a") as out:
        done = subprocess.run(
            cmd, stdout=out, stderr=subprocess.STDOUT, timeout=RERUN_TIMEOUT, env=_env()
        )
    return done.returncode


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONUNBUFFERED": "1"}


# --- the kill -------------------------------------------------------------------------------


@dataclass
class Kill:
    pid: int
    moment: float  # seconds from start to SIGKILL (or to the exit, when it ended first)
    exit_code: int | None  # the process ended by itself before the kill: its exit code
    survivors: list[int]  # processes of its group still alive after the kill (none expected)

    @property
    def killed(self) -> bool:
        return self.exit_code is None


def run_and_kill(
    cmd: list[str],
    log: Path,
    *,
    at: float,
    when: Callable[[], bool] | None = None,
) -> Kill:
    """Start `cmd` in a new session and SIGKILL its whole process group `at` seconds after the
    start, or as soon as `when()` is true (polled every 10 ms), whichever comes first.

    The group holds the command and every process it started (the crawl's spawned extraction
    worker, multiprocessing's resource tracker, reparse's forked workers): all die at once, so
    no orphan keeps writing after the kill.
    """
    with log.open("a") as out:
        started = time.monotonic()
        proc = subprocess.Popen(
            cmd, stdout=out, stderr=subprocess.STDOUT, env=_env(), start_new_session=True
        )
        try:
            while True:
                elapsed = time.monotonic() - started
                if proc.poll() is not None:
                    return Kill(proc.pid, elapsed, proc.returncode, [])
                if elapsed >= at or (when is not None and when()):
                    break
                time.sleep(0.01)
            os.killpg(proc.pid, signal.SIGKILL)
        except BaseException:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            raise
        proc.wait()
    return Kill(proc.pid, elapsed, None, wait_for_group(proc.pid))


def wait_for_group(pgid: int, timeout: float = 10.0) -> list[int]:
    """Wait until no process of group `pgid` is alive; those still alive at the timeout."""
    deadline = time.monotonic() + timeout
    while (alive := group_members(pgid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return alive


def group_members(pgid: int) -> list[int]:
    """Live (not zombie) processes of a process group, from /proc."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # gone meanwhile
        # "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses.
        state, _ppid, pgrp = stat.rsplit(")", 1)[1].split()[:3]
        if int(pgrp) == pgid and state not in ("Z", "X"):
            members.append(int(entry.name))
    return members


# --- polling a running archive ---------------------------------------------------------------


def count(work: Path, sql: str) -> int:
    """A count from the archive while something writes it: 0 while it does not exist yet."""
    path = work / DB
    if not path.exists():
        return 0
    try:
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=1)
        try:
            return conn.execute(sql).fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return 0  # no tables yet, or busy


# --- what a kill left -----------------------------------------------------------------------


@dataclass
class ArchiveCheck:
    integrity: str  # `pragma integrity_check`, plus foreign key and FTS findings
    articles: int = 0
    revisions: int = 0
    captures: int = 0
    half_written: list[str] = field(default_factory=list)
    warc_problems: list[str] = field(default_factory=list)
    cut_tails: int = 0  # WARC files whose last gzip member is cut short
    unreferenced: int = 0  # complete response records no capture row points at

    @property
    def ok(self) -> bool:
        return self.integrity == "ok" and not self.half_written and not self.warc_problems

    def problems(self) -> list[str]:
        found = [] if self.integrity == "ok" else [f"integrity: {self.integrity}"]
        return found + self.half_written + self.warc_problems


def check_archive(work: Path) -> ArchiveCheck:
    """Everything that must hold of an archive whatever moment its writer died at."""
    path = work / DB
    if not path.exists():  # killed before the archive was created
        return ArchiveCheck("ok", warc_problems=_check_warc_dir(work / WARC, [])[0])
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    try:
        check = ArchiveCheck(_integrity(conn))
        tables = {r[0] for r in conn.execute("select name from sqlite_master where type='table'")}
        if not {"articles", "article_revisions", "captures"} <= tables:
            problems, _, _ = _check_warc_dir(work / WARC, [])
            check.warc_problems = problems
            return check
        check.articles = conn.execute("select count(*) from articles").fetchone()[0]
        check.revisions = conn.execute("select count(*) from article_revisions").fetchone()[0]
        captures = [dict(r) for r in conn.execute("select * from captures order by id")]
        check.captures = len(captures)
        check.half_written = _half_written(conn)
    finally:
        conn.close()
    check.warc_problems, check.cut_tails, check.unreferenced = _check_warc_dir(
        work / WARC, captures
    )
    return check


def _integrity(conn: sqlite3.Connection) -> str:
    problems = [r[0] for r in conn.execute("pragma integrity_check")]
    if problems != ["ok"]:
        return "; ".join(problems)
    broken = conn.execute("pragma foreign_key_check").fetchall()
    if broken:
        return f"{len(broken)} rows break a foreign key, e.g. {tuple(broken[0])}"
    tables = {r[0] for r in conn.execute("select name from sqlite_master where type='table'")}
    if "articles_fts" in tables:
        try:
            # rank 1: also compare the index with its content table (articles).
            conn.execute(
                "insert into articles_fts(articles_fts, rank) values('integrity-check', 1)"
            )
        except sqlite3.DatabaseError as exc:
            return f"FTS index: {exc}"
    return "ok"


def _half_written(conn: sqlite3.Connection) -> list[str]:
    problems = []
    articles = conn.execute(
        """
        select a.id, a.url, a.revision, a.content_hash, a.capture_id,
            (select count(*) from article_revisions r where r.article_id = a.id) as revisions,
            (select max(revision) from article_revisions r where r.article_id = a.id) as top,
            (select min(revision) from article_revisions r where r.article_id = a.id) as bottom,
            (select content_hash from article_revisions r
                where r.article_id = a.id and r.revision = a.revision) as current_hash,
            (select count(*) from captures c where c.id = a.capture_id) as has_capture
        from articles a order by a.id
        """
    )
    for a in articles:
        where = f"article {a['id']} ({a['url']})"
        if not (a["revisions"] == a["top"] == a["revision"] and a["bottom"] == 1):
            problems.append(
                f"{where}: revision {a['revision']} but {a['revisions']} revision rows "
                f"numbered {a['bottom']}..{a['top']}"
            )
        elif a["current_hash"] != a["content_hash"]:
            problems.append(f"{where}: its current revision row holds another content hash")
        if a["capture_id"] is None or not a["has_capture"]:
            problems.append(f"{where}: capture {a['capture_id']} does not exist")
    dangling = conn.execute(
        "select count(*) from article_revisions r where r.capture_id is not null"
        " and not exists (select 1 from captures c where c.id = r.capture_id)"
    ).fetchone()[0]
    if dangling:
        problems.append(f"{dangling} revision rows point at captures that do not exist")
    return problems


@dataclass
class _Record:
    length: int
    kind: str
    record_id: str | None
    digest: str | None


def _check_warc_dir(directory: Path, captures: list[dict]) -> tuple[list[str], int, int]:
    """Problems, files with a cut last member, complete responses no capture points at."""
    problems: list[str] = []
    records: dict[str, dict[int, _Record]] = {}
    tails: dict[str, int] = {}
    files = sorted(directory.glob(f"*{WARC_SUFFIX}")) if directory.is_dir() else []
    for path in files:
        found, tail, file_problems = check_warc_file(path)
        records[path.name] = found
        if tail is not None:
            tails[path.name] = tail
        problems += file_problems
    # The project's own reader, over the whole directory, cut tails included.
    expected = [
        (name, offset)
        for name, found in records.items()
        for offset, record in found.items()
        if record.kind == "response"
    ]
    try:
        read = [(loc.warc_file, loc.warc_offset) for loc, _ in iter_responses(directory)]
    except Exception as exc:  # whatever it raises is the finding
        problems.append(f"iter_responses fails: {type(exc).__name__}: {exc}")
    else:
        if read != expected:
            problems.append(
                f"iter_responses reads {len(read)} responses, warcio {len(expected)} complete ones"
            )
    referenced = set()
    for capture in captures:
        where = f"capture {capture['id']} ({capture['warc_file']} at {capture['warc_offset']})"
        name, offset = capture["warc_file"], capture["warc_offset"]
        if name is None:
            problems.append(f"capture {capture['id']}: no WARC file recorded")
            continue
        referenced.add((name, offset))
        if name not in records:
            problems.append(f"{where}: the file does not exist")
            continue
        record = records[name].get(offset)
        if record is None:
            cut = name in tails and offset >= tails[name]
            problems.append(f"{where}: " + ("the cut last record" if cut else "no record there"))
            continue
        if (record.kind, record.length, record.record_id, record.digest) != (
            "response",
            capture["warc_length"],
            capture["warc_record_id"],
            capture["payload_digest"],
        ):
            problems.append(f"{where}: the record there is not the one the row describes")
            continue
        try:
            read_response(directory, name, offset)
        except Exception as exc:
            problems.append(f"{where}: read_response fails: {type(exc).__name__}: {exc}")
    unreferenced = sum(1 for key in expected if key not in referenced)
    return problems, len(tails), unreferenced


def check_warc_file(path: Path) -> tuple[dict[int, _Record], int | None, list[str]]:
    """The complete records of one WARC file (by offset), where its cut last member starts
    (None: not cut) and what is wrong with it.

    The gzip members are found with zlib, independently of warcio and of humas_crawler.archive.warc;
    then warcio must read exactly one complete, digest-checked record per complete member.
    """
    data = path.read_bytes()
    members, tail, problems = _gzip_members(data)
    problems = [f"{path.name}: {p}" for p in problems]
    found: dict[int, _Record] = {}
    complete = dict(members)
    with path.open("rb") as fh:
        iterator = ArchiveIterator(fh, check_digests=True)
        try:
            for record in iterator:
                record.raw_stream.read()
                offset = iterator.get_record_offset()
                if tail is not None and offset >= tail:
                    break  # the cut record: warcio may read it short, fail or stop
                length = iterator.get_record_length()
                whole = record.raw_stream.limit == 0 and record.digest_checker.passed is not False
                if complete.get(offset) != offset + length or not whole:
                    problems.append(f"{path.name}: bad record at offset {offset}")
                    continue
                found[offset] = _Record(
                    length,
                    record.rec_type,
                    record.rec_headers.get_header("WARC-Record-ID"),
                    record.rec_headers.get_header("WARC-Payload-Digest"),
                )
        except Exception as exc:
            if len(found) < len(members):  # only the cut tail may stop warcio
                problems.append(
                    f"{path.name}: warcio stops after {len(found)} of {len(members)} complete "
                    f"records: {type(exc).__name__}: {exc}"
                )
    if len(found) != len(members) and not problems:
        problems.append(f"{path.name}: warcio reads {len(found)} of {len(members)} records")
    return found, tail, problems


def _gzip_members(data: bytes) -> tuple[list[tuple[int, int]], int | None, list[str]]:
    """(start, end) of each complete gzip member, the start of a cut last member, problems."""
    view = memoryview(data)
    members: list[tuple[int, int]] = []
    position = 0
    while position < len(data):
        member = zlib.decompressobj(zlib.MAX_WBITS | 16)
        try:
            member.decompress(view[position:])
        except zlib.error as exc:
            return members, None, [f"not gzip data at offset {position} ({exc})"]
        if not member.eof:
            return members, position, []  # cut short by the kill: runs to the end of the file
        end = len(data) - len(member.unused_data)
        members.append((position, end))
        position = end
    return members, None, []


# --- after the rerun --------------------------------------------------------------------------


@dataclass
class TruthCheck:
    lost: list[str]  # replica articles not archived
    duplicated: list[str]  # archived rows beyond one per replica article
    mismatched: list[str]  # archived with a field unlike the replica's

    @property
    def ok(self) -> bool:
        return not (self.lost or self.duplicated or self.mismatched)


def compare_with_truth(work: Path, site: ReplicaSite, base_url: str) -> TruthCheck:
    """The archive against the replica, counted (what `assert_matches_truth` asserts)."""
    truth = site.truth(base_url)
    got = archived(work) if (work / DB).exists() else {}
    lost = sorted(set(truth) - set(got))
    # The url column is unique, so a duplicate is a row under another URL than the canonical one
    # (the other URL form, a tracking parameter, a trailing slash...): any row beyond truth's.
    duplicated = sorted(set(got) - set(truth))
    mismatched = sorted(
        url
        for url, expected in truth.items()
        if url in got and any(got[url][name] != expected[name] for name in FIELDS)
    )
    return TruthCheck(lost, duplicated, mismatched)


def run_status(work: Path, pid: int) -> str | None:
    """crawl_runs.status of the run the process `pid` started; None if it started none."""
    try:
        found = rows(work, "select status from crawl_runs where pid = ? order by id", (pid,))
    except sqlite3.OperationalError:  # killed before the table was created
        return None
    return found[-1]["status"] if found else None


# --- reparse: an archive whose every article needs rewriting -----------------------------------


def age_articles(work: Path) -> dict[int, int]:
    """Make reparse rewrite every article: id -> the revision it must end at.

    Nothing in reparse rewrites an article as found (no --force): it writes only what today's
    extractor reads differently. So two articles in three get the body an older extractor
    might have stored (article row and its current revision row, content hash recomputed):
    reparse stores a new revision. Every third keeps its content but gets another dateline
    (outside the content hash): reparse rewrites it in place, no revision.
    """
    conn = sqlite3.connect(work / DB)
    expected: dict[int, int] = {}
    try:
        with conn:
            articles = conn.execute("select id, revision from articles").fetchall()
            for article_id, revision in articles:
                if article_id % 3 == 0:
                    conn.execute(
                        "update articles set dateline = ? where id = ?", (OLD_DATELINE, article_id)
                    )
                    expected[article_id] = revision
                else:
                    expected[article_id] = age_body(conn, article_id)
    finally:
        conn.close()
    return expected


def wrong_revisions(work: Path, expected: dict[int, int]) -> list[str]:
    """Articles whose revision is not the one a single complete reparse gives."""
    got = {r["id"]: (r["url"], r["revision"]) for r in rows(work, "select * from articles")}
    return sorted(
        f"{got[i][0]}: revision {got[i][1]}, expected {n}"
        for i, n in expected.items()
        if got[i][1] != n
    )


# --- trials -----------------------------------------------------------------------------------


@dataclass
class Trial:
    kind: str  # "crawl", "crawl --jobdir" or "reparse"
    kill: Kill
    at_kill: ArchiveCheck
    rerun_exit: int
    after: ArchiveCheck
    truth: TruthCheck
    run_at_kill: str | None = None  # crawl: the killed run's status left at the kill
    killed_run: str | None = None  # crawl: the killed run's status after the rerun
    revisions: list[str] = field(default_factory=list)  # reparse: wrong revision numbers

    def problems(self) -> list[str]:
        found = [f"at the kill: {p}" for p in self.at_kill.problems()]
        found += [f"after the rerun: {p}" for p in self.after.problems()]
        if self.kill.survivors:
            found.append(f"processes alive after the kill: {self.kill.survivors}")
        if self.rerun_exit != 0:
            found.append(f"the rerun exited {self.rerun_exit}")
        found += [f"lost {url}" for url in self.truth.lost]
        found += [f"duplicated {url}" for url in self.truth.duplicated]
        found += [f"mismatched {url}" for url in self.truth.mismatched]
        if self.kill.killed and self.killed_run != self.expected_run_status:
            found.append(f"the killed run is {self.killed_run!r}, not {self.expected_run_status!r}")
        return found + self.revisions

    @property
    def expected_run_status(self) -> str | None:
        """`interrupted` for a run killed while `running`; a run killed after it recorded its end
        (while its process was exiting) keeps that status; no row stays no row."""
        return "interrupted" if self.run_at_kill == "running" else self.run_at_kill


def crawl_trial(
    site: ReplicaSite,
    base_url: str,
    work: Path,
    *,
    at: float,
    when: Callable[[], bool] | None = None,
    jobdir: bool = False,
) -> Trial:
    """Kill a crawl into the fresh archive `work`, check it, rerun the crawl, check again."""
    work.mkdir(parents=True, exist_ok=True)
    extra = ("--jobdir", str(work / "job")) if jobdir else ()
    cmd = crawl_command(base_url, work, *extra)
    kill = run_and_kill(cmd, work / "killed.log", at=at, when=when)
    at_kill = check_archive(work)
    run_at_kill = run_status(work, kill.pid) if (work / DB).exists() else None
    rerun_exit = run(cmd, work / "rerun.log")
    return Trial(
        "crawl --jobdir" if jobdir else "crawl",
        kill,
        at_kill,
        rerun_exit,
        check_archive(work),
        compare_with_truth(work, site, base_url),
        run_at_kill=run_at_kill,
        killed_run=run_status(work, kill.pid),
    )


def reparse_trial(
    site: ReplicaSite,
    base_url: str,
    complete: Path,
    work: Path,
    *,
    at: float,
    when: Callable[[], bool] | None = None,
) -> Trial:
    """Copy the complete archive `complete` to `work`, age it, kill a reparse of it, check it,
    rerun reparse, check again."""
    copy_archive(complete, work)
    expected = age_articles(work)
    cmd = reparse_command(work)
    kill = run_and_kill(cmd, work / "killed.log", at=at, when=when)
    at_kill = check_archive(work)
    rerun_exit = run(cmd, work / "rerun.log")
    return Trial(
        "reparse",
        kill,
        at_kill,
        rerun_exit,
        check_archive(work),
        compare_with_truth(work, site, base_url),
        revisions=wrong_revisions(work, expected),
    )


def copy_archive(source: Path, target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal"):  # no -wal once the last writer closed cleanly
        if (source / f"{DB}{suffix}").exists():
            shutil.copy2(source / f"{DB}{suffix}", target / f"{DB}{suffix}")
    shutil.copytree(source / WARC, target / WARC)
