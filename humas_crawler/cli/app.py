"""The `humas-crawler` command group (click): each command lives in a module of its own."""

from __future__ import annotations

import sys
from typing import Any

import click

from humas_crawler import __version__
from humas_crawler.cli.browse import browse
from humas_crawler.cli.crawl import crawl
from humas_crawler.cli.export import export
from humas_crawler.cli.feeds import feeds
from humas_crawler.cli.history import changes, history
from humas_crawler.cli.index import index
from humas_crawler.cli.inspect import inspect, save_fixture
from humas_crawler.cli.options import archive_errors
from humas_crawler.cli.reparse import reparse
from humas_crawler.cli.replica import replica
from humas_crawler.cli.search import search
from humas_crawler.cli.sites import sites
from humas_crawler.cli.stats import stats
from humas_crawler.defaults import EXIT_CODES_HELP


class _Main(click.Group):
    """The command group: whatever a command raises that the user has to fix (the archive
    corrupt, read-only, locked, a file that cannot be written, ...) ends as one `Error:` line
    and a documented exit code, never a traceback (cli.options.archive_errors)."""

    def invoke(self, ctx: click.Context) -> Any:
        with archive_errors():
            return super().invoke(ctx)


@click.group(
    cls=_Main,
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog=EXIT_CODES_HELP,
)
@click.version_option(__version__, prog_name="humas-crawler")
def main() -> None:
    """Archive the news of the East Kalimantan provincial government (kaltimprov.go.id).

    \b
    Example:
        humas-crawler inspect fixtures/article/bootstrap-2019-seed-raker-kehumasan/page.html --json
    """


for command in (
    inspect,
    save_fixture,
    crawl,
    export,
    search,
    history,
    changes,
    feeds,
    index,
    stats,
    reparse,
    browse,
    replica,
    sites,
):
    main.add_command(command)

if __name__ == "__main__":  # pragma: no cover
    main(sys.argv[1:])
