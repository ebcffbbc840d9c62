"""`humas-crawler inspect` and `save-fixture`: what extraction finds on one page."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import click
from parsel import Selector

from humas_crawler.archive.record import dumps_record
from humas_crawler.cli.options import printable, site_from
from humas_crawler.cli.sources import Page, SourceError, load_page
from humas_crawler.defaults import EXIT_NOTHING_FOUND
from humas_crawler.extract import deep
from humas_crawler.extract.article import ArticlePage
from humas_crawler.extract.fixtures import KINDS, guess_kind, page_site, save_case
from humas_crawler.extract.listing import ListingPage
from humas_crawler.normalize import Site

F = TypeVar("F", bound=Callable[..., Any])


class NothingFoundError(click.ClickException):
    """The page yields nothing of its kind (exit 3): no article links, or no article."""

    exit_code = EXIT_NOTHING_FOUND


# --- the page options, shared by inspect and save-fixture --------------------------------------


def _now(ctx: click.Context, param: click.Parameter, value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(
            f"{value!r} is not an ISO 8601 date-time (expected e.g. 2024-05-01T10:00:00+08:00)"
        ) from exc


def _base_site(ctx: click.Context, param: click.Parameter, value: str | None) -> Site | None:
    return None if value is None else site_from(value)


def page_options(function: F) -> F:
    """--url, --kind, --base-url and --now: which page, read as what, on which site, when.

    The command receives `url` (str or None), `kind` ("auto", "article" or "listing"),
    `base_site` (a Site, or None to take the page URL's own) and `now` (datetime or None).
    """
    for option in reversed(
        (
            click.option(
                "--url",
                help="For a file: the URL the page was fetched from"
                " (default: the url in a meta.json beside the file).",
            ),
            click.option(
                "--kind",
                type=click.Choice(["auto", *KINDS]),
                default="auto",
                show_default=True,
                help="Read the page as an article or a listing. auto: an article for a"
                " /berita/<slug> or /detailberita/<slug> URL on any host, else a listing.",
            ),
            click.option(
                "--base-url",
                "base_site",
                callback=_base_site,
                envvar="HUMAS_BASE_URL",
                show_envvar=True,
                metavar="URL",
                help="The site the page belongs to (links elsewhere are off-site). Default: the"
                " page URL's own site: https://www.kaltimprov.go.id for the site's pages (http"
                " or https, with or without www.), http://127.0.0.1:PORT for a local replica's.",
            ),
            click.option(
                "--now",
                callback=_now,
                metavar="ISO",
                help="Resolve relative dates against this time (default: now; save-fixture"
                " records it in meta.json).",
            ),
        )
    ):
        function = option(function)
    return function


def read_page(target: str, url: str | None) -> Page:
    """The page at `target` (a file or an http(s) URL), or a one-line click error."""
    try:
        return load_page(target, url)
    except SourceError as exc:
        raise click.ClickException(str(exc)) from exc


# --- reading the page ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Inspection:
    """One page read as `kind` on `site`: its record, its warnings and, when it yields nothing
    of its kind, why (`nothing`, with a hint at the other kind when the page looks like it)."""

    url: str
    site: Site
    kind: str
    record: dict[str, Any]
    warnings: list[str]
    nothing: str | None


def inspect_page(page: Page, kind: str, base_site: Site | None, now: datetime | None) -> Inspection:
    """Read `page` as `kind` ("auto": by its URL, see `guess_kind`) on `base_site` (None: the
    page URL's own site)."""
    site, warnings = _site_of(page.url, base_site)
    guessed = kind == "auto"
    if guessed:
        kind = guess_kind(page.url)
    selector = deep.parse_page(page.text)
    if kind == "article":
        record, more, nothing = _read_article(page.url, selector, site, now)
    else:
        record, more, nothing = _read_listing(page.url, selector, site, guessed=guessed)
    return Inspection(page.url, site, kind, record, warnings + more, nothing)


def _site_of(url: str, base_site: Site | None) -> tuple[Site, list[str]]:
    """The site to read the page at `url` on, and a warning when --base-url is not its site."""
    try:
        own = page_site(url)
    except ValueError as exc:
        raise click.ClickException(
            f"{url!r} is not an http(s) URL with a host: say which URL the page came from"
            " with --url"
        ) from exc
    if base_site is None:
        return own, []
    if base_site.is_on_site(url):
        return base_site, []
    return base_site, [
        f"{url} is not on --base-url {base_site.base_url}: its links are read as off-site"
        f" (without --base-url the page is read on {own.base_url})"
    ]


def _read_article(
    url: str, selector: Selector, site: Site, now: datetime | None
) -> tuple[dict[str, Any], list[str], str | None]:
    article = ArticlePage(url, selector, site=site, now=now)
    item = article.to_item()
    nothing = None
    if not item.title and not item.body_text:
        nothing = (
            "no article here: neither a title nor body text found"
            " (a crawl quarantines such a page as empty-extraction)"
        )
        links = len(ListingPage(url, selector, site=site).entries)
        if links:
            nothing += f"; the page reads as a listing ({links} article links): try --kind listing"
    return item.to_dict(), article.warnings(item), nothing


def _read_listing(
    url: str, selector: Selector, site: Site, *, guessed: bool
) -> tuple[dict[str, Any], list[str], str | None]:
    listing = ListingPage(url, selector, site=site)
    if listing.entries:
        return listing.to_item(), [], None
    article = ArticlePage(url, selector, site=site)
    if article.title and article.body.text:
        hint = "; the page reads as an article (title and body text found): try --kind article"
    elif guessed:
        hint = "; nor is it an article: its URL is not /berita/<slug> or /detailberita/<slug>"
    else:
        hint = ""
    nothing = f"no listing here: no links to articles of {site.base_url}{hint}"
    return listing.to_item(), [], nothing


# --- inspect ------------------------------------------------------------------------------------


@click.command()
@click.argument("target", metavar="URL_OR_FILE")
@page_options
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (the record) only.")
@click.pass_context
def inspect(
    ctx: click.Context,
    target: str,
    url: str | None,
    kind: str,
    base_site: Site | None,
    now: datetime | None,
    as_json: bool,
) -> None:
    """Show what extraction finds on one page, with a warning per missing field.

    The page is read on its URL's own site unless --base-url says otherwise, so a local
    replica's pages read as the real site's do. A page that yields nothing of its kind (a
    listing without links to articles, an article with neither title nor body text) is
    said so on stderr, with a hint when it looks like the other kind, and inspect exits 3.

    \b
    Examples:
        humas-crawler inspect https://www.kaltimprov.go.id/berita/4-mekanisme-vaksin
        humas-crawler inspect page.html --url https://www.kaltimprov.go.id/berita/x --json
        humas-crawler inspect http://127.0.0.1:8123/detailberita/x
    """
    seen = inspect_page(read_page(target, url), kind, base_site, now)
    _warn(seen)
    if as_json:
        click.echo(dumps_record(seen.record), nl=False)
    else:
        _show(seen)
    if seen.nothing:
        ctx.exit(EXIT_NOTHING_FOUND)


def _warn(seen: Inspection) -> None:
    for message in seen.warnings:
        click.echo(f"warning: {message}", err=True)
    if seen.nothing:
        click.echo(f"warning: {seen.nothing}", err=True)


def _show(seen: Inspection) -> None:
    """The record as text for people: the page's control characters escaped (--json is exact)."""
    record = seen.record
    click.echo(printable(f"{seen.kind}: {seen.url}"))
    if seen.kind == "article":
        for name, value in record.items():
            if name == "body_text" and value:
                paragraphs = value.split("\n\n")
                click.echo(f"  {name}: {len(paragraphs)} paragraphs, {len(value)} characters")
                for paragraph in paragraphs:
                    shown = paragraph[:100] + ("…" if len(paragraph) > 100 else "")
                    click.echo(f"    | {printable(shown)}")
            else:
                click.echo(f"  {name}: {printable(json.dumps(value, ensure_ascii=False))}")
        return
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
@page_options
@click.option(
    "--name",
    required=True,
    callback=_case_name,
    help="Case folder name, e.g. portal-2025-wib-time.",
)
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
    url: str | None,
    kind: str,
    base_site: Site | None,
    now: datetime | None,
    name: str,
    template: str,
    notes: str,
    fixtures_dir: Path,
    force: bool,
) -> None:
    """Save a page as a new fixture case (page.html, meta.json, expected.json).

    The page is read as `inspect` reads it (the same --url, --kind, --base-url and --now),
    and its warnings are shown. With --kind auto, a page that yields nothing of its kind is
    not saved (exit 3): give --kind to save it anyway. meta.json records --base-url when
    it is not the page URL's own site.

    expected.json is written from today's extraction: read it and correct it by hand before
    committing, or the test only proves that the extractor agrees with itself.

    \b
    Examples:
        humas-crawler save-fixture https://www.kaltimprov.go.id/berita/x --name live-2026-x
        humas-crawler save-fixture http://127.0.0.1:8123/berita --name replica-first-page
    """
    page = read_page(target, url)
    # Read as the saved case will be read back: from its bytes alone, without HTTP headers.
    seen = inspect_page(replace(page, content_type=None), kind, base_site, now)
    for message in seen.warnings:
        click.echo(f"warning: {message}", err=True)
    if seen.nothing and kind == "auto":
        raise NothingFoundError(
            f"{seen.nothing}; not saved (give --kind {seen.kind} to save it anyway)"
        )
    if seen.nothing:
        click.echo(f"warning: {seen.nothing}", err=True)
    try:
        case = save_case(
            fixtures_dir,
            seen.kind,
            name,
            page.url,
            page.body,
            now=now,
            site=seen.site,
            template=template,
            notes=notes,
            force=force,
        )
    except FileExistsError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"saved {case.path}: now check {case.path / 'expected.json'} by hand")
