"""Every default of humas-crawler and every exit code, in one place (imported by every layer)."""

from __future__ import annotations

import os
from pathlib import Path

from humas_crawler import __version__

# --- where the archive lives ------------------------------------------------------------------

DEFAULT_DB = "data/humas.sqlite"
# WARC files sit beside the database they belong to: <db dir>/warc (data/warc by default).
DEFAULT_WARC_DIR = "data/warc"
# A WARC file is closed and a new one started past this size.
WARC_MAX_BYTES = 100 * 1024 * 1024


def default_db_path() -> str:
    """The archive a command uses without --db: $HUMAS_DB, else data/humas.sqlite."""
    return os.environ.get("HUMAS_DB") or DEFAULT_DB


def warc_dir_for(db: str | os.PathLike[str]) -> Path:
    """The WARC directory of the archive `db` when none is given: `warc` beside the database
    (one archive, one place: `--db elsewhere/x.sqlite` keeps its WARC files in `elsewhere/warc`)."""
    return Path(db).parent / "warc"


def feeds_dir_for(db: str | os.PathLike[str]) -> Path:
    """Where the Atom feeds of the archive `db` go by default: `feeds` beside the database."""
    return Path(db).parent / "feeds"


# --- how pages are fetched --------------------------------------------------------------------

USER_AGENT = f"humas-crawler/{__version__} (+https://github.com/humas-crawler/humas-crawler)"
# Responses larger than this are refused (crawl: DOWNLOAD_MAXSIZE; inspect; reparse, decoded).
MAX_BYTES = 20 * 1024 * 1024


# --- what a crawl reads when -------------------------------------------------------------------

# Incremental runs read category listings when the last sweep of them is this old (--mode full
# reads them every time); between sweeps, the main listing and the article pages are the routes.
CATEGORY_SWEEP_DAYS = 7

# --- the offline replica ----------------------------------------------------------------------

# How the replica's pages link current-site articles: always `/detailberita/<slug>`, or some as
# the old `/berita/<slug>` (which redirects), changing as items move down lists.
REPLICA_LINK_FORMS = ("stable", "shifting")

# --- extraction processes ---------------------------------------------------------------------


def crawl_workers() -> int:
    """Extraction processes beside a crawl: one when the machine has a second core (the crawl
    process itself keeps the first busy with Scrapy, the WARC and SQLite), else none (inline)."""
    return 1 if (os.cpu_count() or 1) >= 2 else 0


def reparse_workers() -> int:
    """Extraction processes of a reparse: one per core (the parent only reads WARC records and
    writes SQLite)."""
    return os.cpu_count() or 1


# --- exit codes (docs/operations.md, "Exit codes") ----------------------------------------------
# click itself exits 2 on a usage error and 1 on a ClickException.

EXIT_OK = 0
EXIT_ERROR = 1  # the archive, a file or a page cannot be used; a run failed or was interrupted
EXIT_USAGE = 2  # bad arguments
EXIT_LOCKED = 2  # another crawl or reparse holds the archive's lock
EXIT_DEGRADED = 3  # crawl: finished, but coverage or error rate crossed a threshold
EXIT_NOTHING_FOUND = 3  # inspect, save-fixture: the page yields nothing of its kind
EXIT_INTERRUPTED = 130  # reparse: Ctrl-C or SIGTERM (128 + SIGINT, as a shell reports it)
EXIT_BROKEN_PIPE = 141  # export: the reader went away (128 + SIGPIPE)

# A crawl's exit code by the status its run ended with.
RUN_EXIT_CODES = {
    "ok": EXIT_OK,
    "degraded": EXIT_DEGRADED,
    "failed": EXIT_ERROR,
    "interrupted": EXIT_ERROR,
    "locked": EXIT_LOCKED,
}

EXIT_CODES_HELP = (
    "Exit codes: 0 done; 1 an error (the archive missing, corrupt, read-only or busy, a file"
    " that cannot be read or written; crawl: the run failed); 2 bad arguments, or another crawl"
    " or reparse holds the archive's lock; 3 crawl finished degraded, or inspect or save-fixture"
    " found nothing of the page's kind; 130 reparse interrupted;"
    " 141 export's reader went away."
)
