"""`humas-crawler crawl`: one crawl of a site (or of several at once) into the archive, and its
summary."""

from __future__ import annotations

import re
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from humas_crawler.cli.options import LockedError, db_option, site_from, sites_option
from humas_crawler.cli.sitechoice import choose_sites
from humas_crawler.cli.sites import load_sites
from humas_crawler.defaults import (
    CATEGORY_SWEEP_DAYS,
    EXIT_DEGRADED,
    EXIT_ERROR,
    EXIT_LOCKED,
    warc_dir_for,
)
from humas_crawler.normalize.zones import zone

if TYPE_CHECKING:
    from humas_crawler.crawl.runner import CrawlOutcome


@click.command()
@db_option
@click.option(
    "--site",
    "site_names",
    multiple=True,
    metavar="NAME",
    help="A site of the registry (`humas-crawler sites list`); repeatable: several sites in one"
    " process, into one archive.  [default: kaltimprov]",
)
@click.option("--all-sites", is_flag=True, help="Every site of the registry.")
@sites_option
@click.option(
    "--base-url",
    metavar="URL",
    help="The site's address: a registry site's host, or any site (probed for its CMS); with"
    " one --site, that site served elsewhere (a replica, a mirror).",
)
@click.option(
    "--timezone",
    "zone_name",
    metavar="WIB|WITA|WIT",
    help="The site's zone: how times shown without a zone are read (a label on the page wins)."
    "  [default: the registry's, else the province's]",
)
@click.option(
    "--cms",
    type=click.Choice(["wordpress", "joomla", "custom"]),
    help="The site's CMS family, when no registry entry names it.  [default: probed]",
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
    "--category-sweep-days",
    type=click.IntRange(min=0),
    default=CATEGORY_SWEEP_DAYS,
    show_default=True,
    help="In incremental mode, read the category listings when their last sweep is this many"
    " days old (0: every run); between sweeps the main listing finds new articles.",
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
    help="Where WARC files go.  [default: a `warc` directory beside the database]",
)
@click.option(
    "--no-feeds",
    is_flag=True,
    help="Do not rewrite the Atom feeds (new.atom, changed.atom beside the database) after"
    " the run.",
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
    help="Override a setting (docs/operations.md, Settings), e.g. -s DOWNLOAD_TIMEOUT=30."
    " Repeatable.",
)
def crawl(
    db: Path,
    site_names: tuple[str, ...],
    all_sites: bool,
    sites_file: Path | None,
    base_url: str | None,
    zone_name: str | None,
    cms: str | None,
    mode: str,
    revisit_days: int,
    category_sweep_days: int,
    max_articles: int | None,
    delay: float,
    concurrency: int,
    jobdir: Path | None,
    warc_dir: Path,
    no_feeds: bool,
    log_level: str,
    overrides: dict[str, str],
) -> None:
    """Crawl a site (or several) into the archive and print a summary.

    The summary (the run's counts, coverage and problems) goes to stdout, whatever the
    outcome; logs and progress go to stderr. When stdout is not a terminal (cron, systemd, a
    pipe), each summary line starts with the local time: `2026-12-03T14:00:05+08:00 run 12 ok:
    ...`.

    Several sites (--site A --site B, --all-sites) are crawled at once in one process, each at
    its own pace, with its own run row and its own checks: a degraded or failed site is named
    in the summary, the others' articles are stored.

    Exit codes: 0 ok; 1 failed (or interrupted); 2 another crawl holds the lock on the
    archive; 3 finished but degraded (field coverage or error rate below thresholds). With
    several sites, the worst of theirs (failed, then degraded).

    \b
    Examples:
        humas-crawler crawl
        humas-crawler crawl --site kaltimprov --base-url http://127.0.0.1:8123 --delay 0
        humas-crawler crawl --base-url https://ppid.jatimprov.go.id --timezone WIB
        humas-crawler crawl --site kaltimprov --site jatimprov-ppid --db data/provinsi.sqlite
    """
    if base_url is not None:
        site_from(base_url)
    zone = _zone_option(zone_name)
    registry = load_sites(sites_file)
    # Scrapy and Twisted load here, not when the program starts: every other command runs
    # without them (export's memory is ~25 MB smaller).
    from humas_crawler.crawl.runner import CrawlOptions, preflight, run_crawls

    # The archive first: a held lock or a broken archive says so before any site is probed.
    refused = preflight(db)
    if refused is not None:
        _refuse(refused)
    choices = choose_sites(
        registry, names=site_names, all_sites=all_sites, base_url=base_url, zone=zone, cms=cms
    )
    for choice in choices:
        for note in choice.notes:
            click.echo(f"{choice.entry.name}: {note}", err=True)
    several = len(choices) > 1
    outcomes = run_crawls(
        [
            CrawlOptions(
                db=db,
                base_url=choice.entry.base_url,
                mode=mode,
                revisit_days=revisit_days,
                category_sweep_days=category_sweep_days,
                max_articles=max_articles,
                delay=delay,
                concurrency=concurrency,
                jobdir=(jobdir / choice.entry.name if several else jobdir) if jobdir else None,
                warc_dir=warc_dir or warc_dir_for(db),
                log_level=log_level,
                extra_settings={**({"HUMAS_FEEDS": False} if no_feeds else {}), **overrides},
                site_name=choice.entry.name,
                zone=choice.entry.timezone,
                cms=choice.entry.cms,
                article_paths=choice.entry.article_paths,
                listings=choice.entry.listings,
            )
            for choice in choices
        ],
        checked=True,
    )
    if all(outcome.run is None for outcome in outcomes) and outcomes[0].exit_code != 0:
        _refuse(outcomes[0])
    summary = "\n".join(
        _summary(outcome, choice.entry.name if several else None)
        for choice, outcome in zip(choices, outcomes, strict=True)
    )
    if not sys.stdout.isatty():
        # cron, systemd, a pipe: each line says when, next to the logs it lands among.
        summary = dated(summary, datetime.now().astimezone())
    click.echo(summary)
    sys.exit(worst_exit_code([outcome.exit_code for outcome in outcomes]))


def _refuse(outcome: CrawlOutcome) -> NoReturn:
    """No run at all (the lock is held, the archive cannot be opened): one error line."""
    message = "; ".join(outcome.problems) or f"crawl {outcome.status}"
    if outcome.exit_code == EXIT_LOCKED:
        raise LockedError(message)
    error = click.ClickException(message)
    error.exit_code = outcome.exit_code
    raise error


def worst_exit_code(codes: list[int]) -> int:
    """One exit code for several sites' runs: failed (1) before degraded (3) before ok (0)."""
    for code in (EXIT_ERROR, EXIT_LOCKED, EXIT_DEGRADED):
        if code in codes:
            return code
    return max(codes)


def dated(text: str, now: datetime) -> str:
    """Each line of `text` after the time `now` (ISO 8601, seconds, with its UTC offset)."""
    stamp = now.isoformat(timespec="seconds")
    return "\n".join(f"{stamp} {line}" for line in text.splitlines())


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


def _summary(outcome: CrawlOutcome, site: str | None = None) -> str:
    lines = []
    run = outcome.run
    if run:
        lines.append(
            f"run {run['id']} {outcome.status}: {run['requests']} requests, "
            f"{run['articles_new']} new, "
            f"{run['articles_changed']} changed, {run['articles_unchanged']} unchanged, "
            f"{run['errors']} errors, {run['quarantined']} quarantined"
            + (f", {run['robots_refused']} refused by robots.txt" if run["robots_refused"] else "")
        )
        coverage = {
            k.split("/")[-1]: v for k, v in outcome.stats.items() if k.startswith("humas/coverage/")
        }
        if coverage and outcome.stats.get("humas/article_pages"):
            lines.append("coverage: " + ", ".join(f"{k} {v:.0%}" for k, v in coverage.items()))
    else:
        lines.append(f"crawl {outcome.status}")
    lines.extend(f"{outcome.status}: {problem}" for problem in outcome.problems)
    if site is not None:
        lines = [f"{site}: {line}" for line in lines]
    return "\n".join(lines)


def _zone_option(value: str | None) -> str | None:
    """The zone label `--timezone` names (WIB, WITA, WIT, an IANA name or an offset)."""
    if value is None:
        return None
    try:
        return zone(value).label
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--timezone") from exc
