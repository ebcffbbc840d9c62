"""`humas-crawler reparse`: re-extract every archived article capture with today's extractor."""

from __future__ import annotations

import signal
import sys
import time
from pathlib import Path

import click

from humas_crawler.archive.errors import StoreError
from humas_crawler.archive.lock import CrawlLock, LockError, LockHeld
from humas_crawler.archive.store import Store
from humas_crawler.cli.options import LockedError, db_option
from humas_crawler.crawl.reparse import (
    Counts,
    Plan,
    Reparse,
    archived_site,
    describe,
    make_plan,
)
from humas_crawler.defaults import (
    EXIT_ERROR,
    EXIT_INTERRUPTED,
    reparse_workers,
    warc_dir_for,
)
from humas_crawler.normalize import Site


@click.command()
@db_option
@click.option(
    "--warc-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where the crawls wrote their WARC files.  [default: `warc` beside the database]",
)
@click.option(
    "--site",
    "site_name",
    metavar="NAME",
    help="The site to reparse, as the archive knows it (default: the latest crawl run's).",
)
@click.option(
    "--base-url",
    help="Where that site is (default: its base URL when it was last crawled).",
)
@click.option(
    "--workers",
    type=click.IntRange(min=0),
    default=reparse_workers,
    show_default="one per core",
    help="Extraction processes (0: extract in this process).",
)
def reparse(
    db: Path, warc_dir: Path | None, site_name: str | None, base_url: str | None, workers: int
) -> None:
    """Re-extract every archived article page from the WARC files, without the network.

    For each article URL the newest archived 200 response is read back and run through
    today's extractor: a different content hash updates the article and adds a revision;
    the same hash changes nothing; a page quarantined before that now yields an article
    becomes a new article; a page that yields none is quarantined. Prints the counts.

    One site at a time, read as its last crawl read it (zone, article paths: the archive's
    `sites` table). A site read through the WordPress REST API is read with its archived API
    answers: each page with the answer its crawl read, the API's fields winning as they did.

    Exit codes: 0 done; 1 some WARC files or records were missing or unreadable (the rest
    was reparsed) or the archive could not be opened; 2 a crawl holds the archive's lock;
    130 interrupted (Ctrl-C, SIGTERM). Stopped or killed mid-way, it leaves a consistent
    archive: run it again to finish.

    \b
    Examples:
        humas-crawler reparse
        humas-crawler reparse --db /tmp/demo.sqlite --warc-dir /tmp/demo-warc
    """
    if base_url is not None:
        try:
            Site.from_base_url(base_url)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--base-url") from exc
    warc_dir = warc_dir or warc_dir_for(db)
    if not warc_dir.is_dir():
        raise click.ClickException(f"no WARC directory at {warc_dir} (see --warc-dir)")
    started = time.perf_counter()
    try:
        store = Store.open(db, create=False)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc
    lock = CrawlLock(db)
    try:
        lock.acquire({"command": "reparse"})
    except LockHeld as exc:
        store.close()
        raise LockedError(f"{exc}; reparse needs the archive to itself") from exc
    except LockError:
        store.close()
        raise
    try:
        counts = _run(store, warc_dir, site_name, base_url, workers)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        lock.release()
        store.close()
    click.echo(describe(counts, time.perf_counter() - started))
    if counts.missing:
        sys.exit(EXIT_ERROR)


def _run(
    store: Store, warc_dir: Path, site_name: str | None, base_url: str | None, workers: int
) -> Counts:
    try:
        site = archived_site(store, site_name, base_url)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    plan = make_plan(store, warc_dir, site)
    runner = Reparse(store, warc_dir, site, workers=workers, on_problem=_warn)
    if not sys.stderr.isatty():
        return _interruptible(runner, plan)
    with click.progressbar(length=len(plan.jobs), label="reparse", file=sys.stderr) as bar:
        runner.on_progress = bar.update
        return _interruptible(runner, plan)


def _interruptible(runner: Reparse, plan: Plan) -> Counts:
    # A scheduler's stop (SIGTERM) ends the run as cleanly as Ctrl-C does.
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        return runner.run(plan)
    except KeyboardInterrupt:
        counts = runner.counts
        click.echo(
            f"\ninterrupted: {describe(counts)}; every article stored so far is consistent: "
            "run reparse again to finish",
            err=True,
        )
        sys.exit(EXIT_INTERRUPTED)
    finally:
        signal.signal(signal.SIGTERM, previous)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _warn(message: str) -> None:
    click.echo(f"warning: {message}", err=True)
