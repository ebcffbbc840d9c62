"""The `humas-crawler` command line (click): thin commands over the library."""

from __future__ import annotations

import json
import re
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from humas_crawler import __version__
from humas_crawler.archive.record import dumps_record
from humas_crawler.cli.browse import browse
from humas_crawler.cli.export import export
from humas_crawler.cli.options import (
    EXIT_LOCKED,
    LockedError,
    archive_errors,
    db_option,
    printable,
)
from humas_crawler.cli.reparse import reparse
from humas_crawler.cli.replica import replica
from humas_crawler.cli.search import search
from humas_crawler.cli.stats import stats
from humas_crawler.extract.article import ArticlePage
from humas_crawler.extract.decode import SourceError, load_page
from humas_crawler.extract.fixtures import KINDS, extract, guess_kind, save_case
from humas_crawler.extract.listing import ListingPage
from humas_crawler.normalize import DEFAULT_BASE_URL, Site


def _parse_now(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(
            f"{value!r} is not an ISO 8601 date-time (expected e.g. 2024-05-01T10:00:00+08:00)"
        ) from exc


class _Main(click.Group):
    """The command group: whatever a command raises that the user has to fix (the archive
    corrupt, read-only, locked, a file that cannot be written, ...) ends as one `Error:` line
    and a documented exit code, never a traceback (commands.options.archive_errors)."""

    def invoke(self, ctx: click.Context) -> Any:
        with archive_errors():
            return super().invoke(ctx)


# Every command; README, "Exit codes".
EXIT_CODES_EPILOG = (
    "Exit codes: 0 done; 1 an error (the archive missing, corrupt, read-only or busy, a file"
    " that cannot be read or written; crawl: the run failed); 2 bad arguments, or another crawl"
    " or reparse holds the archive's lock; 3 crawl finished degraded; 130 reparse interrupted;"
    " 141 export's reader went away."
)


@click.group(
    cls=_Main,
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog=EXIT_CODES_EPILOG,
)
@click.version_option(__version__, prog_name="humas-crawler")
def main() -> None:
    """Archive the news of the East Kalimantan provincial government (kaltimprov.go.id).

    \b
    Example:
        humas-crawler inspect fixtures/article/bootstrap-2019-seed-raker-kehumasan/page.html --json
    """


@main.command()
@click.argument("target", metavar="URL_OR_FILE")
@click.option(
    "--url", help="For a file: the URL the page was fetched from (default: its meta.json)."
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (the record) only.")
@click.option(
    "--kind",
    type=click.Choice(["auto", *KINDS]),
    default="auto",
    show_default=True,
    help="Page kind; auto reads article URLs as articles and anything else as a listing.",
)
@click.option(
    "--base-url",
    default=DEFAULT_BASE_URL,
    show_default=True,
    envvar="HUMAS_BASE_URL",
    help="The site the page belongs to (a local replica's URL for replica pages).",
)
@click.option("--now", help="Resolve relative dates against this ISO time (default: now).")
def inspect(
    target: str, url: str | None, as_json: bool, kind: str, base_url: str, now: str | None
) -> None:
    """Show what extraction finds on one page, with a warning per missing field.

    \b
    Examples:
        humas-crawler inspect https://www.kaltimprov.go.id/berita/4-mekanisme-vaksin
        humas-crawler inspect page.html --url https://www.kaltimprov.go.id/berita/x --json
    """
    site = _site(base_url)
    pinned_now = _parse_now(now)
    try:
        page = load_page(target, url)
    except SourceError as exc:
        raise click.ClickException(str(exc)) from exc
    if kind == "auto":
        kind = guess_kind(page.url, site)
    if kind == "article":
        article = ArticlePage(page.url, page.text, site=site, now=pinned_now)
        record = article.to_item().to_dict()
        warnings = article.warnings()
    else:
        record = extract("listing", page.url, page.text, site=site)
        listing = ListingPage(page.url, page.text, site=site)
        warnings = [] if listing.entries else ["no article links found"]
    for message in warnings:
        click.echo(f"warning: {message}", err=True)
    if as_json:
        click.echo(dumps_record(record), nl=False)
        return
    # Text for people: the page's control characters are shown escaped (--json is exact).
    click.echo(printable(f"{kind}: {page.url}"))
    if kind == "article":
        for name, value in record.items():
            if name == "body_text" and value:
                paragraphs = value.split("\n\n")
                click.echo(f"  {name}: {len(paragraphs)} paragraphs, {len(value)} characters")
                for paragraph in paragraphs:
                    shown = paragraph[:100] + ("…" if len(paragraph) > 100 else "")
                    click.echo(f"    | {printable(shown)}")
            else:
                click.echo(f"  {name}: {printable(json.dumps(value, ensure_ascii=False))}")
    else:
        for entry in record["entries"]:
            flag = "pinned " if entry["pinned"] else ""
            line = (
                f"  [{entry['region']}] {flag}{entry['url']}  "
                f"{entry['published_raw'] or '-'}  {entry['category_raw'] or '-'}"
            )
            click.echo(printable(line))
        click.echo(f"  next_page_url: {record['next_page_url']}")
        click.echo(f"  page_urls: {len(record['page_urls'])}")


def _site(base_url: str) -> Site:
    try:
        return Site.from_base_url(base_url)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--base-url") from exc


# A case is one folder under fixtures/<kind>/: a name, never a path.
_CASE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def _case_name(ctx: click.Context, param: click.Parameter, value: str) -> str:
    if not _CASE_NAME.fullmatch(value):
        raise click.BadParameter(
            f"{value!r} is not a case name: letters, digits, '.', '_' and '-', starting with"
            " a letter or digit (e.g. portal-2025-wib-time)"
        )
    return value


@main.command("save-fixture")
@click.argument("target", metavar="URL_OR_FILE")
@click.option(
    "--name",
    required=True,
    callback=_case_name,
    help="Case folder name, e.g. portal-2025-wib-time.",
)
@click.option("--kind", type=click.Choice(["auto", *KINDS]), default="auto", show_default=True)
@click.option("--url", help="For a file: the URL the page was fetched from.")
@click.option("--now", help="Pin 'now' (ISO time) for pages with relative dates.")
@click.option("--template", default="", help="Template name recorded in meta.json.")
@click.option("--notes", default="", help="What this case tests, recorded in meta.json.")
@click.option(
    "--fixtures-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("fixtures"),
    show_default=True,
)
@click.option("--force", is_flag=True, help="Overwrite an existing case.")
def save_fixture(
    target: str,
    name: str,
    kind: str,
    url: str | None,
    now: str | None,
    template: str,
    notes: str,
    fixtures_dir: Path,
    force: bool,
) -> None:
    """Save a page as a new fixture case (page.html, meta.json, expected.json).

    expected.json is written from today's extraction: read it and correct it by hand before
    committing, or the test only proves that the extractor agrees with itself.

    \b
    Example:
        humas-crawler save-fixture https://www.kaltimprov.go.id/berita/x --name live-2026-x
    """
    try:
        page = load_page(target, url)
    except SourceError as exc:
        raise click.ClickException(str(exc)) from exc
    if kind == "auto":
        kind = guess_kind(page.url)
    try:
        case = save_case(
            fixtures_dir,
            kind,
            name,
            page,
            now=_parse_now(now),
            template=template,
            notes=notes,
            force=force,
        )
    except FileExistsError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"saved {case.path}: now check {case.path / 'expected.json'} by hand")


@main.command()
@db_option
@click.option(
    "--base-url", default=DEFAULT_BASE_URL, show_default=True, help="The site (or a replica)."
)
@click.option(
    "--mode",
    type=click.Choice(["incremental", "full"]),
    default="incremental",
    show_default=True,
    help="incremental: new articles, failures and recent ones; full: fetch every article again.",
)
@click.option(
    "--revisit-days",
    type=click.IntRange(min=0),
    default=7,
    show_default=True,
    help="In incremental mode, refetch archived articles published this many days back.",
)
@click.option(
    "--max-articles", type=click.IntRange(min=1), help="Fetch at most this many articles."
)
@click.option(
    "--delay",
    type=click.FloatRange(min=0),
    default=1.0,
    show_default=True,
    help="Seconds between requests.",
)
@click.option(
    "--concurrency",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    help="Parallel requests.",
)
@click.option(
    "--jobdir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Keep the crawl's queue here so an interrupted crawl resumes (Scrapy JOBDIR).",
)
@click.option(
    "--warc-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("data/warc"),
    show_default=True,
    help="Where WARC files go.",
)
@click.option(
    "--log-level",
    type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"]),
    default="INFO",
    show_default=True,
)
@click.option(
    "-s",
    "--set",
    "overrides",
    multiple=True,
    metavar="NAME=VALUE",
    callback=lambda ctx, param, values: _settings_overrides(values),
    help="Override a setting (README, Settings), e.g. -s DOWNLOAD_TIMEOUT=30. Repeatable.",
)
def crawl(
    db: Path,
    base_url: str,
    mode: str,
    revisit_days: int,
    max_articles: int | None,
    delay: float,
    concurrency: int,
    jobdir: Path | None,
    warc_dir: Path,
    log_level: str,
    overrides: dict[str, str],
) -> None:
    """Crawl the site into the archive and print a summary.

    Exit codes: 0 ok; 1 failed (or interrupted); 2 another crawl holds the lock on the
    archive; 3 finished but degraded (field coverage or error rate below thresholds).

    \b
    Examples:
        humas-crawler crawl
        humas-crawler crawl --base-url http://127.0.0.1:8123 --delay 0 --concurrency 8
    """
    from humas_crawler.crawl.runner import CrawlOptions, run_crawl

    _site(base_url)
    outcome = run_crawl(
        CrawlOptions(
            db=db,
            base_url=base_url,
            mode=mode,
            revisit_days=revisit_days,
            max_articles=max_articles,
            delay=delay,
            concurrency=concurrency,
            jobdir=jobdir,
            warc_dir=warc_dir,
            log_level=log_level,
            extra_settings=dict(overrides),
        )
    )
    if outcome.run is None and outcome.exit_code != 0:
        # No run at all (the lock is held, the archive cannot be opened): one error line.
        message = "; ".join(outcome.problems) or f"crawl {outcome.status}"
        if outcome.exit_code == EXIT_LOCKED:
            raise LockedError(message)
        error = click.ClickException(message)
        error.exit_code = outcome.exit_code
        raise error
    click.echo(_summary(outcome), err=outcome.exit_code != 0)
    sys.exit(outcome.exit_code)


_SETTING_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")


def _settings_overrides(values: tuple[str, ...]) -> dict[str, str]:
    overrides = {}
    for value in values:
        name, sep, setting = value.partition("=")
        if not sep or not _SETTING_NAME.match(name.strip()):
            raise click.BadParameter(
                f"{value!r} is not NAME=VALUE with an upper-case setting name", param_hint="--set"
            )
        overrides[name.strip()] = setting.strip()
    return overrides


def _summary(outcome) -> str:
    lines = []
    run = outcome.run
    if run:
        lines.append(
            f"run {run['id']} {outcome.status}: {run['requests']} requests, "
            f"{run['articles_new']} new, "
            f"{run['articles_changed']} changed, {run['articles_unchanged']} unchanged, "
            f"{run['errors']} errors, {run['quarantined']} quarantined"
        )
        coverage = {
            k.split("/")[-1]: v for k, v in outcome.stats.items() if k.startswith("humas/coverage/")
        }
        if coverage:
            lines.append("coverage: " + ", ".join(f"{k} {v:.0%}" for k, v in coverage.items()))
    else:
        lines.append(f"crawl {outcome.status}")
    lines.extend(f"{outcome.status}: {problem}" for problem in outcome.problems)
    return "\n".join(lines)


# Commands that read or rework the archive, and the replica, live in humas_crawler.cli,
# one module each.
main.add_command(export)
main.add_command(search)
main.add_command(stats)
main.add_command(reparse)
main.add_command(browse)
main.add_command(replica)

if __name__ == "__main__":  # pragma: no cover
    main(sys.argv[1:])
