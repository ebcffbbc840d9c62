"""Re-extract archived article captures from their WARC records with today's extractor (no network).

The newest 200 capture of every article URL is read back from its WARC file, decoded as a
browser would (Content-Encoding, then charset), extracted by the crawl's `extract_article` in
a process pool, and stored with `store.articles.save` against that capture: one transaction per
article, so a reparse killed mid-way leaves a consistent archive and a rerun finishes the job.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from humas_crawler.archive.record import RECORD_FIELDS, ArticleRecord
from humas_crawler.archive.store import Store
from humas_crawler.archive.warc import WarcError, read_response
from humas_crawler.archive.writer import SaveResult
from humas_crawler.crawl.wordpress_reparse import PostLookup, read_archived_api
from humas_crawler.extract.decode import BodyError, decode_page
from humas_crawler.extract.jobs import extract_article
from humas_crawler.extract.wordpress import apply_post
from humas_crawler.extract.workers import WorkerPool
from humas_crawler.normalize import DEFAULT_BASE_URL, Site, Taxonomy
from humas_crawler.normalize.urls import DEFAULT_SITE_NAME

logger = logging.getLogger(__name__)

CHUNK = 16  # captures per task sent to a worker: few round trips, small pickles


# --- what a worker is given and gives back ------------------------------------------------


@dataclass(frozen=True)
class Job:
    """One archived capture to re-extract."""

    capture_id: int
    url: str  # the response URL as captured (what the crawl passed to the extractor)
    canonical_url: str
    fetched_at: str  # captures.fetched_at, UTC `...Z`
    warc_file: str
    warc_offset: int
    # The archived WordPress API answer that listed the post (crawl/wordpress_reparse.py).
    api_file: str | None = None
    api_offset: int = 0


@dataclass(frozen=True)
class Task:
    warc_dir: str
    site: Site  # as the archive's `sites` row has it: its name, zone and article paths
    jobs: tuple[Job, ...]
    categories: Mapping[int, str] | None = None  # a site read through the WordPress API


Kind = Literal["article", "empty", "error", "not-html", "unreadable"]


@dataclass(frozen=True)
class Result:
    """What became of one job."""

    kind: Kind
    record: ArticleRecord | None = None
    fingerprint: str | None = None
    timestamp_error: str | None = None
    detail: str | None = None
    warc_file: str | None = None  # the file that could not be read, when not the page's


def reparse_task(task: Task) -> list[Result]:
    """Read, decode and extract every job of `task` (runs in a worker process)."""
    posts = None
    if task.categories is not None:
        posts = PostLookup(task.warc_dir, task.site, task.categories)
    return [_reparse_one(task.warc_dir, task.site, job, posts) for job in task.jobs]


def _reparse_one(warc_dir: str, site: Site, job: Job, posts: PostLookup | None) -> Result:
    try:
        response = read_response(warc_dir, job.warc_file, job.warc_offset)
    except (OSError, WarcError) as exc:
        return Result("unreadable", detail=_problem(exc, Path(warc_dir) / job.warc_file))
    headers = response.headers
    content_type = _header(headers, "content-type")
    if not _is_html(content_type):
        return Result("not-html", detail=f"content type {content_type!r}")
    try:
        html = decode_page(response.body, content_type, _header(headers, "content-encoding"))
    except BodyError as exc:
        return Result("error", detail=f"BodyError: {exc}")
    now = datetime.fromisoformat(job.fetched_at).isoformat()
    try:
        page = extract_article(job.url, html, site, now)
    except Exception as exc:  # one bad page must never stop a reparse: quarantine it
        logger.debug("extraction failed on %s", job.url, exc_info=True)
        return Result("error", detail=f"{type(exc).__name__}: {exc}")
    record = page.record
    if posts is not None and job.api_file is not None:
        # As the crawl did: the API's fields win over the page's.
        post = posts.post(job.api_file, job.api_offset, job.canonical_url)
        if isinstance(post, str):
            return Result("unreadable", detail=post, warc_file=job.api_file)
        record = apply_post(record, post, _taxonomy())
    if not record.title and not record.body_text:
        return Result("empty", detail="; ".join(page.warnings))
    return Result(
        "article",
        record=record,
        fingerprint=fingerprint(record.to_dict()),
        timestamp_error=page.timestamp_error,
    )


@functools.cache
def _taxonomy() -> Taxonomy:
    return Taxonomy.default()


def _problem(exc: Exception, path: Path, limit: int = 200) -> str:
    """The error in a few words: without the file's path (the caller names it) or pages of bytes."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    message = " ".join(str(exc).split()).removeprefix(f"{path}: ")
    message = message.split(", first line:", 1)[0]  # warcio quotes the bytes it choked on
    return message if len(message) <= limit else message[: limit - 1] + "…"


def _header(headers: Sequence[tuple[str, str]], name: str) -> str | None:
    values = [value for key, value in headers if key.lower() == name]
    return ", ".join(values) if values else None


def _is_html(content_type: str | None) -> bool:
    # As Scrapy's TextResponse: no type (sniffed), text/*, or any (x)html/xml type.
    if not content_type:
        return True
    mime = content_type.split(";", 1)[0].strip().lower()
    return mime.startswith("text/") or "html" in mime or "xml" in mime


def fingerprint(record: Mapping[str, Any]) -> str:
    """Digest of every record field as the archive stores it (bools as 0/1, lists as lists):
    of a record's `to_dict()` or of an `articles` row."""
    values = [_plain(record.get(name)) for name in RECORD_FIELDS]
    payload = json.dumps(values, ensure_ascii=False, separators=(",", ":"))
    return hashlib.blake2b(payload.encode("utf-8"), digest_size=16).hexdigest()


def _plain(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, tuple):
        return list(value)
    return value


# --- the plan -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stored:
    """What reparse needs to know of an archived article."""

    id: int
    content_hash: str | None
    last_fetched_at: str
    capture_id: int | None
    fingerprint: str


@dataclass
class Plan:
    jobs: list[Job]
    articles: dict[str, Stored]
    skipped: Counter[str] = field(default_factory=Counter)
    missing_files: dict[str, int] = field(default_factory=dict)  # file -> captures in it
    categories: dict[int, str] | None = None  # a site read through the WordPress API
    unreadable_api: dict[str, int] = field(default_factory=dict)  # file -> API answers lost


def make_plan(store: Store, warc_dir: Path, site: Site) -> Plan:
    """The newest 200 capture of every article URL (canonical), minus what must not be redone;
    for a site read through the WordPress API, each with the archived answer that listed it."""
    newest: dict[str, dict[str, Any]] = {}
    for capture in store.captures.latest():
        canonical = site.canonicalize(capture["url"])
        if not canonical or not site.is_article_url(canonical):
            continue
        # Several raw URLs (trailing slash, tracking parameters, ...) may be one article.
        if canonical not in newest or capture["id"] > newest[canonical]["id"]:
            newest[canonical] = {**capture, "canonical_url": canonical}
    articles = {
        row["url"]: Stored(
            row["id"],
            row["content_hash"],
            row["last_fetched_at"],
            row["capture_id"],
            fingerprint(row),
        )
        for row in store.articles.rows()
    }
    failed = set(store.failures.urls())
    plan = Plan(jobs=[], articles=articles)
    api = None
    row = store.sites.get(site.name)
    if row is not None and row["cms"] == "wordpress":
        api = read_archived_api(store, warc_dir, site)
        plan.categories = api.categories
        plan.unreadable_api = dict(sorted(api.unreadable.items()))
    missing: Counter[str] = Counter()
    for url, capture in newest.items():
        answer = api.answer_for(url, capture["fetched_at"]) if api else None
        if url in failed:
            # articles.save would clear its pending retry; the next crawl refetches and
            # re-extracts it anyway.
            plan.skipped["pending refetch"] += 1
        elif not capture["warc_file"]:
            plan.skipped["no WARC file recorded"] += 1
        elif not (warc_dir / capture["warc_file"]).is_file():
            missing[capture["warc_file"]] += 1
        elif api and api.unreadable and answer is None:
            # Its API answer may be one of those lost: its page alone would overwrite the API's
            # fields with the template's.
            plan.skipped["no readable API answer"] += 1
        else:
            plan.jobs.append(
                Job(
                    capture_id=capture["id"],
                    url=capture["url"],
                    canonical_url=url,
                    fetched_at=capture["fetched_at"],
                    warc_file=capture["warc_file"],
                    warc_offset=capture["warc_offset"],
                    api_file=answer.warc_file if answer else None,
                    api_offset=answer.warc_offset if answer else 0,
                )
            )
    # File by file, front to back: each file is read sequentially, once; with the API, the
    # pages of one answer together, so that a worker reads that answer once.
    plan.jobs.sort(
        key=lambda job: (job.api_file or "", job.api_offset, job.warc_file, job.warc_offset)
    )
    plan.missing_files = dict(sorted(missing.items()))
    return plan


# --- the run --------------------------------------------------------------------------------


@dataclass
class Counts:
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    quarantined: int = 0  # captures that gave no article (quarantine rows written)
    missing: int = 0  # captures whose WARC file or record could not be read
    bad_timestamps: int = 0  # extra quarantine rows for impossible timestamps
    refreshed: int = 0  # unchanged content whose other fields read differently: rewritten
    skipped: Counter[str] = field(default_factory=Counter)

    @property
    def reparsed(self) -> int:
        """Captures read back, extracted and stored (as an article or a quarantine row)."""
        return self.new + self.changed + self.unchanged + self.quarantined


class Reparse:
    """Apply the plan: extract in a pool, store in the parent, one transaction per article."""

    def __init__(
        self,
        store: Store,
        warc_dir: Path,
        site: Site,
        *,
        workers: int = 0,
        on_problem: Callable[[str], None] = logger.warning,
        on_progress: Callable[[int], None] | None = None,
    ) -> None:
        self.store = store
        self.warc_dir = warc_dir
        self.site = site
        self.workers = workers
        self.on_problem = on_problem
        self.on_progress = on_progress
        self.counts = Counts()
        self._bad_files: set[str] = set()

    def run(self, plan: Plan) -> Counts:
        counts = self.counts
        counts.skipped.update(plan.skipped)
        for warc_file, answers in plan.unreadable_api.items():
            counts.missing += answers
            self.on_problem(
                f"{answers} archived WordPress API answer(s) in {self.warc_dir / warc_file} could"
                " not be read: posts no readable answer lists are left as they are"
            )
        for warc_file, captures in plan.missing_files.items():
            counts.missing += captures
            self._bad_files.add(warc_file)
            self.on_problem(
                f"WARC file {self.warc_dir / warc_file} is missing: "
                f"{captures} capture(s) in it not reparsed"
            )
        tasks = [
            Task(str(self.warc_dir), self.site, tuple(plan.jobs[i : i + CHUNK]), plan.categories)
            for i in range(0, len(plan.jobs), CHUNK)
        ]
        # Forked workers start at once with the extractor imported (spawned ones take about a
        # second here); nothing here forbids it: no Twisted, no threads yet, and the children
        # never touch this process's SQLite connection.
        workers = min(self.workers, len(tasks)) if len(tasks) > 1 else 0
        pool = WorkerPool(workers, start="fork", parent_handles_signals=True)
        with pool:
            self._apply_all(pool.ordered(reparse_task, tasks), plan)
        return counts

    def _apply_all(self, results: Iterator[tuple[Task, list[Result]]], plan: Plan) -> None:
        for task, found in results:
            for job, result in zip(task.jobs, found, strict=True):
                self._apply(job, result, plan.articles.get(job.canonical_url))
            if self.on_progress is not None:
                self.on_progress(len(task.jobs))

    def _apply(self, job: Job, result: Result, stored: Stored | None) -> None:
        counts = self.counts
        if result.kind == "unreadable":
            counts.missing += 1
            warc_file = result.warc_file or job.warc_file
            if warc_file not in self._bad_files:
                self._bad_files.add(warc_file)
                self.on_problem(
                    f"WARC file {self.warc_dir / warc_file} is unreadable: {result.detail} "
                    "(further unreadable captures in it are counted, not shown)"
                )
            return
        if result.kind == "not-html":
            counts.skipped["not HTML"] += 1
            return
        if result.kind in ("error", "empty"):
            reason = "extraction-error" if result.kind == "error" else "empty-extraction"
            detail = f"reparse: {result.detail}"
            self.store.quarantine.add(
                job.canonical_url, reason, detail, None, job.capture_id, once=True
            )
            counts.quarantined += 1
            return
        assert result.record is not None
        record = result.record
        if stored is not None and stored.content_hash == record.content_hash:
            counts.unchanged += 1
            # Same version, but fields outside the content hash (published_at, category,
            # dateline, ...) may read differently today: rewrite them, no new revision.
            if result.fingerprint != stored.fingerprint and self.store.articles.refresh(record):
                counts.refreshed += 1
            if job.capture_id != stored.capture_id:
                # A newer capture (quarantined when crawled) shows the same version: a real
                # fetch, so last_fetched_at and capture_id may move forward to it.
                self._save(record, job, stored)
            return
        if stored is not None and not self._version_from_warc(stored):
            counts.skipped["fetched later, not in WARC"] += 1
            return
        saved = self._save(record, job, stored)
        if saved.outcome == "new":
            counts.new += 1
        elif saved.outcome == "changed":
            counts.changed += 1
        else:  # pragma: no cover - the hash was compared above, under the reparse lock
            counts.unchanged += 1
        if result.timestamp_error:
            self.store.quarantine.add(
                record.url,
                "bad-timestamp",
                f"{record.published_raw!r}: {result.timestamp_error}",
                None,
                saved.capture_id,
            )
            counts.bad_timestamps += 1
        if record.category and record.category_slug and not record.category_known:
            self.store.categories.note(record.category, record.category_slug, False)

    def _version_from_warc(self, stored: Stored) -> bool:
        """Whether the article's current version was read from a capture (crawls with WARC
        off store versions without one: an older capture must not overwrite them)."""
        revisions = self.store.articles.revisions(stored.id)
        return not revisions or revisions[-1]["capture_id"] is not None

    def _save(self, record: ArticleRecord, job: Job, stored: Stored | None) -> SaveResult:
        # The capture's own time, or the article's last_fetched_at when that is later (the
        # crawl stamps an article a moment after its response, or a fetch without a capture
        # came later): last_fetched_at never moves back, and only a real fetch moves it on.
        fetched_at = job.fetched_at
        if stored is not None and stored.last_fetched_at > fetched_at:
            fetched_at = stored.last_fetched_at
        return self.store.articles.save(
            record, capture=None, capture_id=job.capture_id, run_id=None, fetched_at=fetched_at
        )


def archived_site(store: Store, name: str | None, base_url: str | None) -> Site:
    """The site to reparse, as its last crawl read it (the archive's `sites` row): `name`, else
    the latest run's site; `base_url` moves it (a replica). An archive without the row (before
    schema v7, or a site never crawled) gets Kaltim's defaults at the latest run's base URL."""
    runs = store.runs.last(1)
    chosen = name or (runs[0].get("site") if runs else None)
    row = store.sites.get(chosen) if chosen else None
    if row is None:
        if name is not None and name != DEFAULT_SITE_NAME:
            raise ValueError(f"the archive has no site called {name!r} (see `stats`)")
        return Site.from_base_url(base_url or base_url_of(store, DEFAULT_BASE_URL))
    return Site.from_base_url(base_url or row["base_url"]).configured(
        name=row["name"],
        zone=row["timezone"],
        article_path_prefixes=tuple(row["article_paths"]) or None,
        article_pattern=row["article_pattern"],
        trailing_slash=bool(row["trailing_slash"]),
    )


def base_url_of(store: Store, default: str) -> str:
    """The base URL of the latest crawl run, else `default`."""
    runs = store.runs.last(1)
    return (runs[0].get("base_url") if runs else None) or default


def describe(counts: Counts, seconds: float | None = None) -> str:
    """The one-line summary."""
    line = (
        f"reparsed {counts.reparsed}: {counts.new} new, {counts.changed} changed, "
        f"{counts.unchanged} unchanged, {counts.quarantined} quarantined; "
        f"{counts.missing} missing WARC"
    )
    if counts.refreshed:
        line += f"; {counts.refreshed} unchanged with fields re-read (no new revision)"
    if counts.bad_timestamps:
        line += f"; {counts.bad_timestamps} impossible timestamps quarantined (bad-timestamp)"
    skipped = sum(counts.skipped.values())
    if skipped:
        reasons = ", ".join(f"{n} {why}" for why, n in sorted(counts.skipped.items()))
        line += f"; {skipped} skipped ({reasons})"
    if seconds is not None and seconds > 0:
        line += f" in {seconds:.1f} s ({counts.reparsed / seconds:.0f} pages/s)"
    return line
