"""`humas-crawler feeds`: rewrite the archive's Atom feeds of new and changed articles."""

from __future__ import annotations

from pathlib import Path

import click

from humas_crawler.cli.history import need_events
from humas_crawler.cli.options import archive_errors, db_option, open_archive
from humas_crawler.defaults import feeds_dir_for
from humas_crawler.normalize import DEFAULT_BASE_URL
from humas_crawler.revisions.feeds import write_feeds


@click.command()
@db_option
@click.option(
    "--output-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where to write new.atom and changed.atom.  [default: `feeds` beside the database]",
)
def feeds(db: Path, output_dir: Path | None) -> None:
    """Write the Atom feeds of the archive: new.atom (the latest 50 articles) and changed.atom
    (the latest 50 changes: new revisions with their diff, removals from the site, returns).
    Every crawl that stores something rewrites them (unless --no-feeds).

    \b
    Example:
        humas-crawler feeds --output-dir /var/www/feeds
    """
    out_dir = output_dir or feeds_dir_for(db)
    with open_archive(db) as store:
        need_events(store, db)
        with archive_errors():
            runs = store.runs.last(1)
            site_url = runs[0]["base_url"] if runs and runs[0]["base_url"] else DEFAULT_BASE_URL
            try:
                paths = write_feeds(store, out_dir, site_url=site_url)
            except OSError as exc:
                raise click.ClickException(f"cannot write the feeds to {out_dir}: {exc}") from exc
    for path in paths:
        click.echo(f"wrote {path}")
