"""`humas-crawler browse`: the archive in Datasette, read-only, with the shipped metadata.

Datasette is an optional extra (`pip install 'humas-crawler[browse]'`); nothing here imports it
at module level, so the command exists (and says what to install) without it.

Datasette keys metadata by database name, which is the file's stem (`data/humas.sqlite` is
`humas`). The shipped `datasette/metadata.yml` is written for `humas`; `browse` rewrites it
under the stem of the archive it serves, into a temporary file passed with `--metadata`.

The archive is opened in Datasette's default mode, read-only connections (`?mode=ro`), not
`--immutable` (`?immutable=1`): SQLite then assumes the file never changes and ignores the WAL,
so while a crawl writes (or after one whose WAL has not been checkpointed yet) an immutable
reader misses or mixes up recent rows. `--immutable` is for copies no process writes to, such
as a read-only medium, where `?mode=ro` cannot open a WAL archive. docs/datasette.md has more.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import signal
import subprocess
import sys
import tempfile
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import click

from humas_crawler.archive.errors import StoreError
from humas_crawler.archive.store import Store
from humas_crawler.cli.options import db_option, open_archive, resolve_sites

# The database key of the shipped metadata: the stem of the default archive, data/humas.sqlite.
METADATA_DATABASE = "humas"
INSTALL_HINT = "pip install 'humas-crawler[browse]'"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8001
# Seconds Datasette gets to stop after Ctrl-C or SIGTERM before it is killed.
STOP_TIMEOUT = 10
# Signals passed on to Datasette, and the ones whose end is a normal stop of a server.
FORWARDED_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)
)
STOP_SIGNALS = (signal.SIGINT, *FORWARDED_SIGNALS)


def metadata_resource():
    """The shipped metadata.yml (a Traversable inside the installed package)."""
    return resources.files("humas_crawler") / "datasette" / "metadata.yml"


def plugins_dir() -> Path:
    """The shipped Datasette plugins (a directory inside the installed package)."""
    return Path(str(resources.files("humas_crawler") / "datasette" / "plugins"))


def database_name(db: Path) -> str:
    """The name Datasette gives the archive file: its stem (`data/humas.sqlite` is `humas`)."""
    return Path(db).stem


def datasette_available() -> bool:
    return importlib.util.find_spec("datasette") is not None


def load_metadata(name: str = METADATA_DATABASE) -> dict[str, Any]:
    """The shipped metadata with its database section under `name` (needs PyYAML, which
    Datasette requires)."""
    import yaml

    metadata = yaml.safe_load(metadata_resource().read_text(encoding="utf-8"))
    databases = metadata.get("databases") or {}
    if METADATA_DATABASE in databases and name != METADATA_DATABASE:
        databases = {name: databases[METADATA_DATABASE]}
    metadata["databases"] = databases
    return metadata


def write_metadata(db: Path, directory: Path) -> Path:
    """Write the metadata for the archive `db` into `directory`; returns the file (JSON,
    which Datasette reads like YAML)."""
    path = Path(directory) / "metadata.json"
    path.write_text(
        json.dumps(load_metadata(database_name(db)), ensure_ascii=False, indent=2),
        encoding="utf-8",
    )
    return path


def datasette_command(
    db: Path,
    metadata: Path,
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    open_browser: bool = False,
    immutable: bool = False,
) -> list[str]:
    """The command line that serves `db` with `metadata` (what `browse` runs, and the tests)."""
    command = [sys.executable, "-m", "datasette", "serve"]
    # Default mode: read-only connections (?mode=ro), live while a crawl writes (WAL).
    command += ["--immutable", str(db)] if immutable else [str(db)]
    command += ["--metadata", str(metadata), "--host", host, "--port", str(port)]
    # The history page of an article (/-/history?id=N) and the links to it.
    command += ["--plugins-dir", str(plugins_dir())]
    if open_browser:
        command.append("--open")
    return command


def database_url(host: str, port: int, name: str) -> str:
    """The archive's page on a Datasette at host:port (names are tilde-encoded in paths)."""
    try:
        from datasette.utils import tilde_encode
    except ImportError:  # pragma: no cover - only without datasette
        encoded = name
    else:
        encoded = tilde_encode(name)
    shown_host = f"[{host}]" if ":" in host else host
    return f"http://{shown_host}:{port}/{encoded}"


def check_archive(db: Path, *, immutable: bool) -> None:
    """A clear ClickException unless `db` is an archive this humas-crawler can show.

    Opens it read-only (nothing is created or written) and checks its schema version."""
    if not db.exists():
        raise click.ClickException(f"no archive at {db} (run a crawl first, or check --db)")
    try:
        Store.open(db, readonly=True).close()
    except StoreError as exc:
        message = str(exc)
        if "read-only here" in message:
            if immutable:
                # ?mode=ro needs to create the WAL's -shm file beside a WAL archive; an
                # immutable open does not, so the archive may still be served.
                return
            message += (
                "; a WAL archive on a read-only medium or in a directory you cannot write to"
                " opens with --immutable, if nothing writes to it"
            )
        raise click.ClickException(message) from exc


def run_foreground(command: list[str]) -> int:
    """Run `command` until it exits; Ctrl-C and SIGTERM stop it. Returns its exit code."""
    process = subprocess.Popen(command)

    def forward(signum: int, _frame: Any) -> None:
        if process.poll() is None:
            process.send_signal(signum)

    previous = {}
    for signum in FORWARDED_SIGNALS:
        with contextlib.suppress(ValueError):  # not the main thread: leave signals alone
            previous[signum] = signal.signal(signum, forward)
    try:
        return process.wait()
    except KeyboardInterrupt:
        # A terminal's Ctrl-C reaches Datasette too (same process group); this also covers
        # a SIGINT sent to this process alone.
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
        try:
            return process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            return process.wait()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        for signum, handler in previous.items():
            signal.signal(signum, handler)


@click.command()
@db_option
@click.option("--host", default=DEFAULT_HOST, show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    type=click.IntRange(min=0, max=65535),
    default=DEFAULT_PORT,
    show_default=True,
    help="Port to listen on (0: any free port).",
)
@click.option(
    "--open/--no-open",
    "open_browser",
    default=False,
    show_default=True,
    help="Open the archive in a web browser once Datasette runs.",
)
@click.option(
    "--immutable",
    is_flag=True,
    help="Only for a copy nothing writes to (e.g. a read-only medium): open it immutable. "
    "Never while a crawl may write to it: it would show stale or missing rows.",
)
@click.option(
    "--site",
    "sites",
    multiple=True,
    metavar="NAME",
    help="Also print the link to this site's articles (faceted by category); repeatable.",
)
def browse(
    db: Path, host: str, port: int, open_browser: bool, immutable: bool, sites: tuple[str, ...]
) -> None:
    """Browse the archive in Datasette, read-only, with descriptions and canned queries.

    Serves until Ctrl-C. Canned queries: search (full text), articles_per_month,
    articles_per_category, latest_runs, recent_articles, quarantine_by_reason. Safe while a
    crawl runs: Datasette reads through read-only connections and sees new rows as they
    are committed. Needs the browse extra: pip install 'humas-crawler[browse]'.

    \b
    Examples:
        humas-crawler browse
        humas-crawler browse --db /tmp/demo.sqlite --port 8002 --open
        humas-crawler browse --site kaltimprov --site jatimprov-ppid
    """
    check_archive(db, immutable=immutable)
    if sites:
        with open_archive(db) as store:
            sites = resolve_sites(store, sites)
    if not datasette_available():
        raise click.ClickException(f"Datasette is not installed: {INSTALL_HINT}")
    name = database_name(db)
    with tempfile.TemporaryDirectory(prefix="humas-browse-") as directory:
        metadata = write_metadata(db, Path(directory))
        command = datasette_command(
            db, metadata, host=host, port=port, open_browser=open_browser, immutable=immutable
        )
        mode = "immutable" if immutable else "read-only"
        if port:
            url = database_url(host, port, name)
            click.echo(f"Serving {db} ({mode}) at {url}", err=True)
            click.echo(f"  search: {url}/search?q=banjir   (Ctrl-C to stop)", err=True)
            for site in sites:
                query = urlencode({"site": site, "_facet": "category"})
                click.echo(f"  {site}: {url}/articles?{query}", err=True)
        else:
            click.echo(f"Serving {db} ({mode}) as /{name} (Ctrl-C to stop)", err=True)
        exit_code = run_foreground(command)
    # Stopped by Ctrl-C or a signal is a normal end of a server.
    if exit_code != 0 and -exit_code not in STOP_SIGNALS:
        sys.exit(exit_code)
