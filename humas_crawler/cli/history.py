"""`humas-crawler history` and `changes`: what changed in the archived articles, and when."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from itertools import pairwise
from pathlib import Path
from typing import Any

import click

from humas_crawler.archive.store import Store
from humas_crawler.cli import csvsafe
from humas_crawler.cli.options import (
    archive_errors,
    color_wanted,
    db_option,
    open_archive,
    parse_day,
    printable,
    resolve_categories,
    resolve_sites,
    site_filter_option,
)
from humas_crawler.extract.fixtures import page_site
from humas_crawler.revisions.diff import RevisionDiff, diff_revisions
from humas_crawler.revisions.rows import removal_summary, revision_fields

# The columns of `changes --json` (one object per line) and `changes --csv`, in this order.
CHANGE_FIELDS = ("url", "revision", "changed_at", "kind", "title", "summary", "trivial")


@click.command()
@click.argument("url")
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (the contract).")
@click.option("--all", "show_all", is_flag=True, help="Also show trivial revisions in full.")
def history(url: str, db: Path, as_json: bool, show_all: bool) -> None:
    """An archived article's revisions, oldest first, and what changed in each.

    URL is any form of the article's URL (old /berita/ or new /detailberita/, http or https,
    with or without www.). For each revision: when it was fetched, changes of title, category
    and published time, then the body's changes sentence by sentence: added (+), removed (-),
    edited (~, the changed words marked) and moved (>). Revisions that change only whitespace,
    punctuation, letter case or the kind of quotes and dashes are folded unless --all. Removals
    from the site and returns are listed where they happened.

    \b
    Examples:
        humas-crawler history https://www.kaltimprov.go.id/berita/banjir-surut-di-samarinda
        humas-crawler history https://www.kaltimprov.go.id/detailberita/x --json
    """
    with open_archive(db) as store:
        need_events(store, db)
        article = _find(store, url)
        with archive_errors():
            revisions = store.articles.revisions(article["id"])
            events = store.events.of_article(article["id"])
    diffs = [
        None,
        *(diff_revisions(revision_fields(a), revision_fields(b)) for a, b in pairwise(revisions)),
    ]
    if as_json:
        click.echo(json.dumps(_history_json(article, revisions, diffs), ensure_ascii=False))
        return
    for line in _history_lines(article, revisions, diffs, events, show_all, color_wanted()):
        click.echo(line)


@click.command()
@db_option
@click.option(
    "--since", callback=parse_day, metavar="YYYY-MM-DD", help="On or after this day (UTC)."
)
@click.option(
    "--until", callback=parse_day, metavar="YYYY-MM-DD", help="On or before this day (UTC)."
)
@click.option(
    "--category",
    "categories",
    multiple=True,
    metavar="LABEL_OR_SLUG",
    help="Only articles of this category (label, alias or slug); repeat for several.",
)
@site_filter_option
@click.option("--include-trivial", is_flag=True, help="Also list punctuation-only revisions.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.option("--csv", "as_csv", is_flag=True, help="CSV, formula-safe like export's.")
def changes(
    db: Path,
    since: str | None,
    until: str | None,
    categories: tuple[str, ...],
    sites: tuple[str, ...],
    include_trivial: bool,
    as_json: bool,
    as_csv: bool,
) -> None:
    """Every change in the archive, newest first: `changed` (a new revision of an article),
    `removed` (an archived article gone from the site: 404, 410, or sent to the home page or a
    listing) and `restored` (back after that).

    Dates are the days the crawl saw the change (UTC). Each line gives a one-line summary, such
    as "title changed; 2 sentences added, 1 edited"; `history URL` shows the change itself.

    \b
    Examples:
        humas-crawler changes --since 2026-12-01
        humas-crawler changes --category Kesehatan --json
        humas-crawler changes --site jatimprov-ppid --since 2026-12-01
        humas-crawler changes --csv > changes.csv
    """
    if as_json and as_csv:
        raise click.UsageError("--json and --csv are alternatives: give one")
    if since and until and since > until:
        raise click.UsageError(f"--since {since} is after --until {until}: nothing can match")
    with open_archive(db) as store:
        need_events(store, db)
        slugs = resolve_categories(store, categories)
        chosen_sites = resolve_sites(store, sites)
        with archive_errors():
            rows = [
                row
                for row in (
                    _change_row(store, event)
                    for event in store.events.window(
                        since=since,
                        until=until,
                        category_slugs=slugs,
                        include_trivial=include_trivial,
                        sites=chosen_sites,
                    )
                )
                # Events from before summaries were kept are judged trivial only here.
                if include_trivial or not row["trivial"]
            ]
    if not rows:
        click.echo("0 changes matched", err=True)
    if as_csv:
        out = csvsafe.writer(sys.stdout, excel=False)
        out.writerow(CHANGE_FIELDS)
        for row in rows:
            out.writerow([csvsafe.neutralize(row[name]) for name in CHANGE_FIELDS])
        return
    for row in rows:
        if as_json:
            click.echo(json.dumps(row, ensure_ascii=False))
        else:
            mark = " (trivial)" if row["trivial"] else ""
            click.echo(
                f"{row['changed_at']}  {row['kind']:<8} r{row['revision']:<3} "
                f"{printable(row['title'] or '(no title)')}: {printable(row['summary'])}{mark}"
            )
            click.echo(f"    {printable(row['url'])}")


# ----- helpers ---------------------------------------------------------------------------------


def need_events(store: Store, db: Path) -> None:
    if not store.db.table("article_events").exists():
        raise click.ClickException(
            f"{db} predates the changes log (schema version 5): a crawl or a reparse brings it"
            " up to date"
        )


def _find(store: Store, url: str) -> dict[str, Any]:
    """The archived article `url` names, in any of its forms; a click error if none."""
    try:
        site = page_site(url)
    except ValueError:
        raise click.BadParameter(f"{url!r} is not an http(s) URL", param_hint="URL") from None
    with archive_errors():
        canonical = site.canonicalize(url)
        found = store.articles.by_url(canonical) if canonical else None
        slug = site.article_slug(url)
        if found is None and slug:
            # The other form of the same article (/berita/ <-> /detailberita/), on this site.
            same_site = [row for row in store.articles.by_slug(slug) if site.is_on_site(row["url"])]
            found = same_site[-1] if same_site else None
    if found is None:
        raise click.ClickException(f"no archived article at {url}")
    return found


def _history_json(
    article: dict[str, Any], revisions: list[dict[str, Any]], diffs: list[RevisionDiff | None]
) -> dict[str, Any]:
    return {
        "url": article["url"],
        "title": article["title"],
        "removed_at": article.get("removed_at"),
        "revisions": [
            {
                "revision": row["revision"],
                "fetched_at": row["fetched_at"],
                "capture_id": row["capture_id"],
                "title": row["title"],
                "category": revision_fields(row)["category"],
                "published_at": revision_fields(row)["published_at"],
                "trivial": bool(diff.trivial) if diff is not None else False,
                "diff": diff.to_json() if diff is not None else None,
            }
            for row, diff in zip(revisions, diffs, strict=True)
        ],
    }


def _history_lines(
    article: dict[str, Any],
    revisions: list[dict[str, Any]],
    diffs: list[RevisionDiff | None],
    events: Iterable[dict[str, Any]],
    show_all: bool,
    color: bool,
) -> Iterator[str]:
    yield printable(article["title"] or "(no title)")
    yield printable(article["url"])
    if article.get("removed_at"):
        yield f"removed from the site since {article['removed_at']}"
    yield f"{len(revisions)} revision(s)"
    others = sorted((e for e in events if e["kind"] != "changed"), key=lambda e: (e["at"], e["id"]))
    for row, diff in zip(revisions, diffs, strict=True):
        while others and others[0]["at"] <= row["fetched_at"]:
            yield from _event_lines(others.pop(0))
        capture = f", capture {row['capture_id']}" if row["capture_id"] else ""
        yield ""
        yield f"revision {row['revision']}  fetched {row['fetched_at']}{capture}"
        if diff is None:
            fields = revision_fields(row)
            yield f"  title: {printable(row['title'] or '')}"
            yield f"  category: {printable(fields['category'] or '(none)')}"
            yield f"  published: {fields['published_at'] or '(no date)'}"
            continue
        if diff.trivial and not show_all:
            yield f"  trivial: {diff.summary()} (folded; --all shows it)"
            continue
        yield f"  {diff.summary()} (score {diff.score:.2f})"
        for line in diff.to_text(color=color).splitlines():
            yield "  " + printable(line) if not color else "  " + line
    for event in others:
        yield from _event_lines(event)


def _event_lines(event: dict[str, Any]) -> Iterator[str]:
    yield ""
    if event["kind"] == "removed":
        yield f"removed  {event['at']}: {printable(event['detail'] or 'gone from the site')}"
    else:
        yield f"restored {event['at']}: answering again"


def _change_row(store: Store, event: dict[str, Any]) -> dict[str, Any]:
    """One line of `changes`: the contract's fields of an event."""
    summary = event["summary"]
    trivial = bool(event["trivial"])
    if event["kind"] == "changed" and summary is None:
        # Archived before the changes log kept summaries (migrated events): described now.
        old, new = store.events.revision_pair(event["article_id"], event["revision"])
        if old is not None and new is not None:
            diff = diff_revisions(revision_fields(old), revision_fields(new))
            summary, trivial = diff.summary(), diff.trivial
    if event["kind"] in ("removed", "restored"):
        summary = removal_summary(event)
    return {
        "url": event["url"],
        "revision": event["revision"],
        "changed_at": event["at"],
        "kind": event["kind"],
        "title": event["title"],
        "summary": summary or "",
        "trivial": trivial,
    }
