"""Checks of an archive made by crawling a replica: what must hold whatever moment its writer
died at, and the archive against the replica's truth.

What "nothing lost" is checked as:

- `pragma integrity_check` is ok, foreign keys hold, the FTS index agrees with `articles`;
- no half-written article: every article has `revision` rows numbered 1..revision, its
  current revision holds its content hash, its capture row exists;
- every WARC file is a run of complete gzip members, at most the last one cut short (the
  record being written at a kill); warcio's ArchiveIterator reads every complete record with
  matching digests, and so does `humas_crawler.archive.warc.iter_responses`; every capture row
  points at a complete response record that `read_response` reads back (never at a cut one);
- against the truth: every replica article archived once with every field right.
"""

from __future__ import annotations

import sqlite3
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from humas_crawler.archive.record import content_hash
from humas_crawler.archive.warc import WARC_SUFFIX, iter_responses, read_response
from humas_crawler.replica.model import ReplicaSite
from humas_crawler.replica.runs import DB, WARC

# The fields of an archived article that must equal the replica's truth (ReplicaArticle.record).
TRUTH_FIELDS = (
    "url", "slug", "title", "published_at", "published_precision", "category", "dateline",
    "body_text", "photo_caption", "author_codes",
)  # fmt: skip
OLD_DATELINE = "Tempat Lama"  # an aged dateline (outside the content hash): refreshed in place
# Appended to a body to make it what an older extractor might have stored: reparse takes it out.
OLD_BODY = " (versi ekstraktor lama)"


def rows(work: Path, sql: str, params: tuple = ()) -> list[dict]:
    """Rows of a query on the archive in `work`, as dicts."""
    conn = sqlite3.connect(work / DB)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql, params)]
    finally:
        conn.close()


def archived(work: Path) -> dict[str, dict]:
    """Every archived article row by URL."""
    return {r["url"]: r for r in rows(work, "select * from articles")}


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
    ids = {capture["id"] for capture in captures}
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
        revisit = capture.get("revisit_of") is not None
        if (record.kind, record.length, record.record_id, record.digest) != (
            "revisit" if revisit else "response",
            capture["warc_length"],
            capture["warc_record_id"],
            capture["payload_digest"],
        ):
            problems.append(f"{where}: the record there is not the one the row describes")
            continue
        if revisit:
            # Its payload is the referred capture's, checked as a response of its own.
            if capture["revisit_of"] not in ids:
                problems.append(f"{where}: a revisit of capture {capture['revisit_of']}, absent")
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


@dataclass
class TruthCheck:
    lost: list[str]  # replica articles not archived
    duplicated: list[str]  # archived rows beyond one per replica article
    mismatched: list[str]  # archived with a field unlike the replica's

    @property
    def ok(self) -> bool:
        return not (self.lost or self.duplicated or self.mismatched)


def compare_with_truth(work: Path, site: ReplicaSite, base_url: str) -> TruthCheck:
    """The archive against the replica: articles lost, duplicated and mismatched."""
    truth = site.truth(base_url)
    got = archived(work) if (work / DB).exists() else {}
    lost = sorted(set(truth) - set(got))
    # The url column is unique, so a duplicate is a row under another URL than the canonical one
    # (the other URL form, a tracking parameter, a trailing slash...): any row beyond truth's.
    duplicated = sorted(set(got) - set(truth))
    mismatched = sorted(
        url
        for url, expected in truth.items()
        if url in got and any(got[url][name] != expected[name] for name in TRUTH_FIELDS)
    )
    return TruthCheck(lost, duplicated, mismatched)


def run_status(work: Path, pid: int) -> str | None:
    """crawl_runs.status of the run the process `pid` started; None if it started none."""
    try:
        found = rows(work, "select status from crawl_runs where pid = ? order by id", (pid,))
    except sqlite3.OperationalError:  # killed before the table was created
        return None
    return found[-1]["status"] if found else None


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


def age_body(conn: sqlite3.Connection, article_id: int) -> int:
    """Give an archived article the body an older extractor might have stored (the article row
    and its current revision, content hash recomputed): reparse must store a new revision.
    Returns the revision it must end at."""
    revision, title, body, raw, category = conn.execute(
        "select revision, title, body_text, published_raw, category_raw from articles where id = ?",
        (article_id,),
    ).fetchone()
    body = (body or "") + OLD_BODY
    digest = content_hash(title, body, raw, category)
    conn.execute(
        "update articles set body_text = ?, content_hash = ? where id = ?",
        (body, digest, article_id),
    )
    conn.execute(
        "update article_revisions set body_text = ?, content_hash = ?"
        " where article_id = ? and revision = ?",
        (body, digest, article_id, revision),
    )
    return revision + 1
