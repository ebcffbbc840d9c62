"""`humas-crawler inspect` and `save-fixture`: what extraction finds on one page."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

import click

from humas_crawler.archive.record import dumps_record
from humas_crawler.cli.options import printable, site_from
from humas_crawler.cli.sources import SourceError, load_page
from humas_crawler.extract.article import ArticlePage
from humas_crawler.extract.fixtures import KINDS, extract, guess_kind, save_case
from humas_crawler.extract.listing import ListingPage
from humas_crawler.normalize import DEFAULT_BASE_URL


def _parse_now(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(
            f"{value!r} is not an ISO 8601 date-time (expected e.g. 2024-05-01T10:00:00+08:00)"
        ) from exc


@click.command()
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
    site = site_from(base_url)
    pinned_now = _parse_now(now)
    try:
        page = load_page(target, url)
    except SourceError as exc:
        raise click.ClickException(str(exc)) from exc
    if kind == "auto":
        kind = guess_kind(page.url)
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


# A case is one folder under fixtures/<kind>/: a name, never a path.
_CASE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def _case_name(ctx: click.Context, param: click.Parameter, value: str) -> str:
    if not _CASE_NAME.fullmatch(value):
        raise click.BadParameter(
            f"{value!r} is not a case name: letters, digits, '.', '_' and '-', starting with"
            " a letter or digit (e.g. portal-2025-wib-time)"
        )
    return value


@click.command("save-fixture")
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
            page.url,
            page.body,
            now=_parse_now(now),
            template=template,
            notes=notes,
            force=force,
        )
    except FileExistsError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"saved {case.path}: now check {case.path / 'expected.json'} by hand")
