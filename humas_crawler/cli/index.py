"""`humas-crawler index`: write or refresh the CDXJ index beside the archive's WARC files."""

from __future__ import annotations

from pathlib import Path

import click

from humas_crawler.archive.cdxj import write_index
from humas_crawler.cli.options import db_option
from humas_crawler.defaults import warc_dir_for


@click.command()
@db_option
@click.option(
    "--warc-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="The WARC files to index.  [default: a `warc` directory beside the database]",
)
def index(db: Path, warc_dir: Path | None) -> None:
    """Write (or rewrite) index.cdxj beside the WARC files: one line per response and
    revisit record, sorted, with file names relative to the directory. Every crawl refreshes it
    when it ends; pywb serves the directory in place with it (docs/export.md).

    \b
    Example:
        humas-crawler index --warc-dir data/warc
    """
    directory = warc_dir or warc_dir_for(db)
    if not directory.is_dir():
        raise click.ClickException(f"no WARC directory at {directory} (give --warc-dir)")
    try:
        path, lines = write_index(directory)
    except OSError as exc:
        raise click.ClickException(f"cannot write the index in {directory}: {exc}") from exc
    click.echo(f"wrote {path} ({lines} records)")
